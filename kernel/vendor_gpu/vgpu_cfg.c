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
#include <linux/pci_regs.h>

#include "vgpu_access.h"
#include "vgpu_cfg.h"

/* Parity, signalled/received aborts, SERR, detected parity: RW1C. */
#define STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
			 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

/* PM 1.2 capability; D0 and D3hot only, No_Soft_Reset clear. */
#define PM_CAP_VER_1_2		0x0003
#define CFG_PMCSR		(VGPU_CFG_CAP_PM + PCI_PM_CTRL)

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
	put16(r, PCI_VENDOR_ID, ids->vendor);
	put16(r, PCI_DEVICE_ID, ids->device);
	put16(r, PCI_STATUS, PCI_STATUS_CAP_LIST);
	put8(r, PCI_REVISION_ID, ids->revision);
	put8(r, PCI_CLASS_PROG, ids->class & 0xff);
	put16(r, PCI_CLASS_PROG + 1, ids->class >> 8);
	put16(r, PCI_SUBSYSTEM_VENDOR_ID, ids->subsystem_vendor);
	put16(r, PCI_SUBSYSTEM_ID, ids->subsystem_device);
	put8(r, PCI_CAPABILITY_LIST, VGPU_CFG_CAP_PM);
	put8(r, PCI_INTERRUPT_PIN, 1);

	put16(w, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			      PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
			      PCI_COMMAND_INTX_DISABLE);
	put16(cfg->w1cmask, PCI_STATUS, STATUS_W1C);
	put8(w, PCI_CACHE_LINE_SIZE, 0xff);
	put8(w, PCI_LATENCY_TIMER, 0xff);
	put8(w, PCI_INTERRUPT_LINE, 0xff);

	put32(r, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_PREFETCH);
	put32(w, PCI_BASE_ADDRESS_0, ~(bar0_size - 1));
	put32(w, PCI_BASE_ADDRESS_2, ~(bar2_size - 1));

	/* Power management: D0 and D3hot, the state field writable. */
	put8(r, VGPU_CFG_CAP_PM, PCI_CAP_ID_PM);
	put8(r, VGPU_CFG_CAP_PM + PCI_CAP_LIST_NEXT, VGPU_CFG_CAP_MSI);
	put16(r, VGPU_CFG_CAP_PM + PCI_PM_PMC, PM_CAP_VER_1_2);
	put16(w, CFG_PMCSR, PCI_PM_CTRL_STATE_MASK);

	/* MSI: one vector, 64-bit address; enable, address and data writable. */
	put8(r, VGPU_CFG_CAP_MSI, PCI_CAP_ID_MSI);
	put8(r, VGPU_CFG_CAP_MSI + PCI_CAP_LIST_NEXT, 0);
	put16(r, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT);
	put16(w, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE);
	put32(w, VGPU_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 0xfffffffc);
	put32(w, VGPU_CFG_CAP_MSI + PCI_MSI_ADDRESS_HI, 0xffffffff);
	put16(w, VGPU_CFG_CAP_MSI + PCI_MSI_DATA_64, 0xffff);

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
	u8 old_state = cfg->regs[CFG_PMCSR] & PCI_PM_CTRL_STATE_MASK;
	u8 state;
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

	/*
	 * D1 and D2 are not supported (PMC says so): the PM spec has the
	 * write complete and the state stay as it was.
	 */
	state = cfg->regs[CFG_PMCSR] & PCI_PM_CTRL_STATE_MASK;
	if (state != VGPU_CFG_D0 && state != VGPU_CFG_D3HOT)
		cfg->regs[CFG_PMCSR] = (cfg->regs[CFG_PMCSR] &
					~PCI_PM_CTRL_STATE_MASK) | old_state;
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
	return cfg->regs[PCI_COMMAND + 1] & (PCI_COMMAND_INTX_DISABLE >> 8);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_intx_disabled);

/**
 * vgpu_cfg_power_state() - the power state the guest put the function in
 * @cfg: the state
 *
 * Return: VGPU_CFG_D0 or VGPU_CFG_D3HOT, the only states the PM
 * capability offers.
 */
u8 vgpu_cfg_power_state(const struct vgpu_cfg *cfg)
{
	return cfg->regs[CFG_PMCSR] & PCI_PM_CTRL_STATE_MASK;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_power_state);

/**
 * vgpu_cfg_mem_enabled() - whether the function decodes its memory BARs
 * @cfg: the state
 *
 * A function answers memory cycles only with Memory Space set in the
 * command register and in D0; in D3hot only config space responds.
 *
 * Return: true if BAR0 and BAR2 may be accessed.
 */
bool vgpu_cfg_mem_enabled(const struct vgpu_cfg *cfg)
{
	return (cfg->regs[PCI_COMMAND] & PCI_COMMAND_MEMORY) &&
	       vgpu_cfg_power_state(cfg) == VGPU_CFG_D0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_mem_enabled);

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
		cfg->regs[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		cfg->regs[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_set_intx_status);

/* Bits of a byte that only the device sets: what a saved image must match. */
static u8 fixed_bits(const struct vgpu_cfg *cfg, u32 at)
{
	u8 fixed = ~(cfg->wmask[at] | cfg->w1cmask[at]);

	/* Follows the device's interrupt, which the registers carry. */
	if (at == PCI_STATUS)
		fixed &= ~PCI_STATUS_INTERRUPT;
	return fixed;
}

/**
 * vgpu_cfg_check_saved() - whether a saved configuration space fits
 * @cfg: the state of the function that would take it
 * @saved: VGPU_CFG_SIZE bytes, as vgpu_cfg_read() gave them elsewhere
 * @bad: receives the offset of the first byte that does not fit
 *
 * A saved image fits when every bit the guest cannot write equals this
 * function's, and its power state is one vgpu_cfg_write() takes (the
 * field is writable, D1 and D2 are not): it is then a state the guest
 * could have put it in.
 *
 * Return: 0, or -EINVAL.
 */
int vgpu_cfg_check_saved(const struct vgpu_cfg *cfg, const u8 *saved, u32 *bad)
{
	u8 state = saved[CFG_PMCSR] & PCI_PM_CTRL_STATE_MASK;
	u32 at;

	for (at = 0; at < VGPU_CFG_SIZE; at++) {
		if (((saved[at] ^ cfg->reset[at]) & fixed_bits(cfg, at)) ||
		    (at == CFG_PMCSR && state != VGPU_CFG_D0 && state != VGPU_CFG_D3HOT)) {
			*bad = at;
			return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_check_saved);

/**
 * vgpu_cfg_load_saved() - take a saved configuration space
 * @cfg: the state
 * @saved: an image vgpu_cfg_check_saved() accepted
 *
 * The Interrupt Status bit is left clear: the caller sets it from the
 * registers, as after any change of them.
 */
void vgpu_cfg_load_saved(struct vgpu_cfg *cfg, const u8 *saved)
{
	u32 at;

	for (at = 0; at < VGPU_CFG_SIZE; at++) {
		u8 fixed = fixed_bits(cfg, at);

		cfg->regs[at] = (cfg->reset[at] & fixed) | (saved[at] & ~fixed);
	}
	cfg->regs[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_cfg_load_saved);
