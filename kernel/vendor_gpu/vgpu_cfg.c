// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated PCI configuration space of a vGPU.
 *
 * Every byte has a value, a mask of writable bits and a mask of
 * write-1-to-clear bits; a write merges through the masks, so read-only
 * and reserved bits stay as they are whatever the guest writes.  BAR
 * sizing falls out of the masks: the address bits below the BAR's size
 * are read-only zero, so writing all ones reads back the size mask.
 *
 * Layout: a type 0 header with BAR0 (prefetchable 32-bit memory, the
 * VRAM slice) and BAR2 (32-bit memory, the MMIO registers), INTA, and a
 * capability list of power management (0x40) and MSI (0x48, one vector,
 * 64-bit address).
 */
#include "vgpu_access.h"
#include "vgpu_cfg.h"

/* PCI header offsets and bits, spelled out so userspace builds need no
 * kernel header.
 */
#define CFG_VENDOR_ID		0x00
#define CFG_DEVICE_ID		0x02
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_REVISION		0x08
#define CFG_CLASS_PROG		0x09
#define CFG_CACHE_LINE		0x0c
#define CFG_LATENCY		0x0d
#define CFG_BAR0		0x10
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_ROM			0x30
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c
#define CFG_INT_PIN		0x3d

#define CMD_MEMORY		0x0002
#define CMD_MASTER		0x0004
#define CMD_PARITY		0x0040
#define CMD_SERR		0x0100
#define CMD_INTX_DISABLE	0x0400
#define STATUS_INTERRUPT	0x0008
#define STATUS_CAP_LIST		0x0010
/* Parity, signalled/received aborts, SERR, detected parity: RW1C. */
#define STATUS_W1C		0xf900

#define BAR_MEM_PREFETCH	0x08

#define CAP_ID_PM		0x01
#define CAP_ID_MSI		0x05
#define PM_CAP_VER_1_2		0x0003
#define PM_CTRL_STATE_MASK	0x0003
#define MSI_FLAGS_ENABLE	0x0001
#define MSI_FLAGS_64BIT		0x0080

static void put8(u8 *a, u32 off, u8 v)
{
	a[off] = v;
}

static void put16(u8 *a, u32 off, u16 v)
{
	a[off] = v & 0xff;
	a[off + 1] = v >> 8;
}

static void put32(u8 *a, u32 off, u32 v)
{
	put16(a, off, v & 0xffff);
	put16(a, off + 2, v >> 16);
}

static bool bar_size_valid(u32 size, u32 min)
{
	return size >= min && !(size & (size - 1));
}

/**
 * vgpu_cfg_init() - build the power-on configuration space
 * @cfg: the state to fill
 * @ids: identification
 * @bar0_size: size of the VRAM BAR, a power of two of at least 4 KiB
 * @bar2_size: size of the MMIO BAR, a power of two of at least 4 KiB
 *
 * Return: 0, or -EINVAL for a BAR size that is not a power of two of at
 * least 4 KiB.
 */
int vgpu_cfg_init(struct vgpu_cfg *cfg, const struct vgpu_cfg_ids *ids,
		  u32 bar0_size, u32 bar2_size)
{
	u8 *r = cfg->regs, *w = cfg->wmask;

	if (!bar_size_valid(bar0_size, 4096) || !bar_size_valid(bar2_size, 4096))
		return -EINVAL;

	memset(cfg, 0, sizeof(*cfg));
	put16(r, CFG_VENDOR_ID, ids->vendor);
	put16(r, CFG_DEVICE_ID, ids->device);
	put16(r, CFG_STATUS, STATUS_CAP_LIST);
	put8(r, CFG_REVISION, ids->revision);
	put8(r, CFG_CLASS_PROG, ids->class & 0xff);
	put16(r, CFG_CLASS_PROG + 1, ids->class >> 8);
	put16(r, CFG_SUBSYS_VENDOR, ids->subsystem_vendor);
	put16(r, CFG_SUBSYS_ID, ids->subsystem_device);
	put8(r, CFG_CAP_PTR, VGPU_CFG_CAP_PM);
	put8(r, CFG_INT_PIN, 1);

	put16(w, CFG_COMMAND, CMD_MEMORY | CMD_MASTER | CMD_PARITY | CMD_SERR |
			      CMD_INTX_DISABLE);
	put16(cfg->w1cmask, CFG_STATUS, STATUS_W1C);
	put8(w, CFG_CACHE_LINE, 0xff);
	put8(w, CFG_LATENCY, 0xff);
	put8(w, CFG_INT_LINE, 0xff);

	put32(r, CFG_BAR0, BAR_MEM_PREFETCH);
	put32(w, CFG_BAR0, ~(bar0_size - 1));
	put32(w, CFG_BAR0 + 2 * 4, ~(bar2_size - 1));

	/* Power management: D0 and D3hot, the state field writable. */
	put8(r, VGPU_CFG_CAP_PM, CAP_ID_PM);
	put8(r, VGPU_CFG_CAP_PM + 1, VGPU_CFG_CAP_MSI);
	put16(r, VGPU_CFG_CAP_PM + 2, PM_CAP_VER_1_2);
	put16(w, VGPU_CFG_CAP_PM + 4, PM_CTRL_STATE_MASK);

	/* MSI: one vector, 64-bit address; enable, address and data writable. */
	put8(r, VGPU_CFG_CAP_MSI, CAP_ID_MSI);
	put8(r, VGPU_CFG_CAP_MSI + 1, 0);
	put16(r, VGPU_CFG_CAP_MSI + 2, MSI_FLAGS_64BIT);
	put16(w, VGPU_CFG_CAP_MSI + 2, MSI_FLAGS_ENABLE);
	put32(w, VGPU_CFG_CAP_MSI + 4, 0xfffffffc);
	put32(w, VGPU_CFG_CAP_MSI + 8, 0xffffffff);
	put16(w, VGPU_CFG_CAP_MSI + 12, 0xffff);

	memcpy(cfg->reset, cfg->regs, sizeof(cfg->reset));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_init);

/**
 * vgpu_cfg_reset() - return to the power-on contents
 * @cfg: the state
 */
void vgpu_cfg_reset(struct vgpu_cfg *cfg)
{
	memcpy(cfg->regs, cfg->reset, sizeof(cfg->regs));
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_reset);

/**
 * vgpu_cfg_write() - write 1, 2 or 4 bytes at any offset
 * @cfg: the state
 * @offset: byte offset, need not be aligned
 * @len: 1, 2 or 4
 * @val: the value, little endian order of the bytes
 *
 * Bits outside the writable mask keep their value; write-1-to-clear bits
 * written as 1 are cleared.
 *
 * Return: 0, or -EINVAL (and no change) for a bad length or an access
 * that does not fit in the 256 bytes.
 */
int vgpu_cfg_write(struct vgpu_cfg *cfg, u32 offset, u32 len, u32 val)
{
	u32 i;

	if (!vgpu_access_valid(offset, len, VGPU_CFG_SIZE))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u32 at = offset + i;
		u8 b = (val >> (8 * i)) & 0xff;

		cfg->regs[at] = (cfg->regs[at] & ~cfg->wmask[at]) |
				(b & cfg->wmask[at]);
		cfg->regs[at] &= ~(b & cfg->w1cmask[at]);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_write);

/**
 * vgpu_cfg_intx_disabled() - whether the guest disabled INTx
 * @cfg: the state
 *
 * Return: the Interrupt Disable bit of the command register.  A device
 * must not assert INTx while it is set.
 */
bool vgpu_cfg_intx_disabled(const struct vgpu_cfg *cfg)
{
	return cfg->regs[CFG_COMMAND + 1] & (CMD_INTX_DISABLE >> 8);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_intx_disabled);

/**
 * vgpu_cfg_set_intx_status() - reflect the device's interrupt in status
 * @cfg: the state
 * @asserted: whether an interrupt is pending
 *
 * The Interrupt Status bit is read-only to the guest and follows the
 * device's interrupt whether or not INTx is disabled, as the PCI spec
 * has it.
 */
void vgpu_cfg_set_intx_status(struct vgpu_cfg *cfg, bool asserted)
{
	if (asserted)
		cfg->regs[CFG_STATUS] |= STATUS_INTERRUPT;
	else
		cfg->regs[CFG_STATUS] &= ~STATUS_INTERRUPT;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_set_intx_status);
