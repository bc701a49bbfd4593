// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped MMIO registers of a vGPU: the Bochs dispi interface, the VGA
 * ports and QEMU extended registers that bochs-drm uses, and vslice's
 * identification and interrupt registers.
 *
 * The guest can program any mode it likes, but a mode whose scan-out
 * does not fit in the slice is never reported as one: the scan-out is
 * computed here and checked against the slice, and its one reader, the
 * instance's vslice/scanout attribute, only ever sees a checked one.  Register writes that the
 * type does not allow (a resolution above its maximum, an unknown depth)
 * are dropped, as the Bochs device drops them.
 */
#include "vgpu_access.h"
#include "vgpu_regs.h"

#define QEXT_SIZE		8
#define QEXT_LITTLE_ENDIAN	0x1e1e1e1e

static bool bpp_valid(u32 bpp)
{
	return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/**
 * vgpu_regs_init() - power-on state for a type
 * @regs: the state to fill
 * @limits: what the type allows
 *
 * Return: 0, or -EINVAL for a VRAM size that is not a multiple of 64 KiB
 * or does not fit the dispi memory register, or a zero resolution.
 */
int vgpu_regs_init(struct vgpu_regs *regs, const struct vgpu_regs_limits *limits)
{
	if (!limits->vram_size || limits->vram_size % 65536 ||
	    limits->vram_size / 65536 > 0xffff || !limits->max_width ||
	    !limits->max_height)
		return -EINVAL;
	memset(regs, 0, sizeof(*regs));
	regs->limits = *limits;
	vgpu_regs_reset(regs);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_init);

/**
 * vgpu_regs_reset() - return to power-on state (display disabled)
 * @regs: the state
 */
void vgpu_regs_reset(struct vgpu_regs *regs)
{
	memset(regs->dispi, 0, sizeof(regs->dispi));
	memset(regs->vga, 0, sizeof(regs->vga));
	regs->dispi[DISPI_ID] = DISPI_ID5;
	regs->dispi[DISPI_BPP] = 32;
	regs->dispi[DISPI_VIDEO_MEMORY_64K] = regs->limits.vram_size / 65536;
	regs->irq_status = 0;
	regs->irq_enable = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_reset);

static u16 dispi_read(const struct vgpu_regs *regs, u32 index)
{
	const struct vgpu_regs_limits *lim = &regs->limits;

	if (regs->dispi[DISPI_ENABLE] & DISPI_GETCAPS) {
		switch (index) {
		case DISPI_XRES:
			return lim->max_width;
		case DISPI_YRES:
			return lim->max_height;
		case DISPI_BPP:
			return 32;
		}
	}
	return regs->dispi[index];
}

/*
 * What a guest write of @val to dispi register @index stores, in @val:
 * false when the write is ignored (a read-only register, or a value out
 * of the type's limits).
 */
static bool dispi_take(const struct vgpu_regs_limits *lim, u32 index, u16 *val)
{
	switch (index) {
	case DISPI_XRES:
	case DISPI_VIRT_WIDTH:
		return *val <= lim->max_width;
	case DISPI_YRES:
		return *val <= lim->max_height;
	case DISPI_VIRT_HEIGHT:
		/* Panning can use all the VRAM, checked at scan-out. */
		return true;
	case DISPI_BPP:
		return bpp_valid(*val);
	case DISPI_ENABLE:
		*val &= DISPI_ENABLED | DISPI_GETCAPS | DISPI_LFB_ENABLED;
		return true;
	case DISPI_BANK:
	case DISPI_X_OFFSET:
	case DISPI_Y_OFFSET:
		return true;
	default:
		/* ID and VIDEO_MEMORY_64K are read-only. */
		return false;
	}
}

static void dispi_write(struct vgpu_regs *regs, u32 index, u16 val)
{
	if (dispi_take(&regs->limits, index, &val))
		regs->dispi[index] = val;
}

/* One byte of the register file; registers are little endian. */
static u8 read_byte(const struct vgpu_regs *regs, u32 at)
{
	u32 v;

	if (at < VGPU_MMIO_EDID + regs->edid_len)
		return regs->edid[at - VGPU_MMIO_EDID];
	if (at >= VGPU_MMIO_VGA && at < VGPU_MMIO_VGA + sizeof(regs->vga))
		return regs->vga[at - VGPU_MMIO_VGA];
	if (at >= VGPU_MMIO_DISPI && at < VGPU_MMIO_DISPI + 2 * DISPI_NR) {
		v = dispi_read(regs, (at - VGPU_MMIO_DISPI) / 2);
		return v >> (8 * ((at - VGPU_MMIO_DISPI) % 2));
	}
	if (at >= VGPU_MMIO_QEXT && at < VGPU_MMIO_QEXT + QEXT_SIZE) {
		v = at < VGPU_MMIO_QEXT + 4 ? QEXT_SIZE : QEXT_LITTLE_ENDIAN;
		return v >> (8 * (at % 4));
	}
	if (at >= VSLICE_REG_IRQ_STATUS && at < VSLICE_REG_IRQ_RAISE) {
		v = at < VSLICE_REG_IRQ_ENABLE ? regs->irq_status : regs->irq_enable;
		return v >> (8 * (at % 4));
	}
	if (at >= VGPU_MMIO_VSLICE && at < VGPU_MMIO_VSLICE + 16) {
		switch ((at - VGPU_MMIO_VSLICE) / 4) {
		case 0:
			v = VSLICE_MAGIC;
			break;
		case 1:
			v = VSLICE_REGS_VERSION;
			break;
		case 2:
			v = regs->limits.type_index;
			break;
		default:
			v = regs->limits.vram_size >> 20;
			break;
		}
		return v >> (8 * (at % 4));
	}
	return 0;
}

/**
 * vgpu_regs_read() - read 1, 2 or 4 bytes
 * @regs: the state
 * @offset: byte offset in BAR2
 * @len: 1, 2 or 4
 * @val: receives the value; unimplemented bytes read as zero
 *
 * Return: 0, or -EINVAL (and @val untouched) for a bad length or an
 * access outside BAR2.
 */
int vgpu_regs_read(const struct vgpu_regs *regs, u32 offset, u32 len, u32 *val)
{
	u32 v = 0, i;

	if (!vgpu_access_valid(offset, len, VGPU_MMIO_SIZE))
		return -EINVAL;
	/* A whole dispi register, what bochs-drm reads: no byte assembly. */
	if (len == 2 && !(offset % 2) && offset >= VGPU_MMIO_DISPI &&
	    offset < VGPU_MMIO_DISPI + 2 * DISPI_NR) {
		*val = dispi_read(regs, (offset - VGPU_MMIO_DISPI) / 2);
		return 0;
	}
	for (i = 0; i < len; i++)
		v |= (u32)read_byte(regs, offset + i) << (8 * i);
	*val = v;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_read);

/**
 * vgpu_regs_write() - write 1, 2 or 4 bytes
 * @regs: the state
 * @offset: byte offset in BAR2
 * @len: 1, 2 or 4
 * @val: the value
 *
 * A dispi register takes a write only as a whole 16-bit register (2 bytes
 * at its offset, or a 4-byte write covering two), an interrupt register
 * only as an aligned 4-byte write; other writes to them, and writes to
 * read-only or unimplemented bytes, are dropped.  After a write the
 * interrupt line may have changed: see vgpu_regs_irq_asserted().
 *
 * Return: 0, or -EINVAL (and no change) for a bad length or an access
 * outside BAR2.
 */
int vgpu_regs_write(struct vgpu_regs *regs, u32 offset, u32 len, u32 val)
{
	u32 i;

	if (!vgpu_access_valid(offset, len, VGPU_MMIO_SIZE))
		return -EINVAL;

	if (offset >= VGPU_MMIO_DISPI && offset < VGPU_MMIO_DISPI + 2 * DISPI_NR) {
		if ((offset - VGPU_MMIO_DISPI) % 2 || len == 1)
			return 0;
		for (i = 0; i < len; i += 2) {
			u32 index = (offset + i - VGPU_MMIO_DISPI) / 2;

			if (index < DISPI_NR)
				dispi_write(regs, index, val >> (8 * i));
		}
		return 0;
	}
	if (len == 4) {
		switch (offset) {
		case VSLICE_REG_IRQ_STATUS:
			regs->irq_status &= ~val;
			return 0;
		case VSLICE_REG_IRQ_ENABLE:
			regs->irq_enable = val & VSLICE_IRQ_ALL;
			return 0;
		case VSLICE_REG_IRQ_RAISE:
			regs->irq_status |= val & VSLICE_IRQ_ALL;
			return 0;
		}
	}
	for (i = 0; i < len; i++) {
		u32 at = offset + i;

		if (at >= VGPU_MMIO_VGA && at < VGPU_MMIO_VGA + sizeof(regs->vga))
			regs->vga[at - VGPU_MMIO_VGA] = val >> (8 * i);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_write);

/**
 * vgpu_regs_set_edid() - change the monitor the guest reads
 * @regs: the state
 * @edid: the EDID, or NULL for no monitor
 * @len: its length; what does not fit the EDID window is cut off
 *
 * A guest's driver reads the EDID when it binds, so a change shows at
 * its next bind.
 */
void vgpu_regs_set_edid(struct vgpu_regs *regs, const u8 *edid, u32 len)
{
	if (!edid)
		len = 0;
	if (len > sizeof(regs->edid))
		len = sizeof(regs->edid);
	if (len)
		memcpy(regs->edid, edid, len);
	memset(regs->edid + len, 0, sizeof(regs->edid) - len);
	regs->edid_len = len;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_set_edid);

/**
 * vgpu_regs_irq_asserted() - whether the device asserts its interrupt
 * @regs: the state
 *
 * Return: true while an enabled interrupt cause is pending.  The caller
 * turns this level into INTx (level) or MSI (on each rising edge).
 */
bool vgpu_regs_irq_asserted(const struct vgpu_regs *regs)
{
	return regs->irq_status & regs->irq_enable;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_irq_asserted);

/**
 * vgpu_regs_scanout() - the scan-out of the programmed mode
 * @regs: the state
 * @out: receives the scan-out
 *
 * Return: 0 with @out filled when a linear mode is enabled and all of
 * its visible pixels lie inside the slice; -ENODATA when the display is
 * disabled; -EINVAL when the mode would read outside the slice (or is
 * otherwise impossible), in which case nothing is scanned out.
 */
int vgpu_regs_scanout(const struct vgpu_regs *regs, struct vgpu_scanout *out)
{
	const u16 *d = regs->dispi;
	u64 bytespp, stride, width, offset, last;

	if (!(d[DISPI_ENABLE] & DISPI_ENABLED))
		return -ENODATA;
	if (!(d[DISPI_ENABLE] & DISPI_LFB_ENABLED) || !d[DISPI_XRES] ||
	    !d[DISPI_YRES] || !bpp_valid(d[DISPI_BPP]))
		return -EINVAL;

	bytespp = (d[DISPI_BPP] + 7) / 8;
	width = d[DISPI_VIRT_WIDTH] > d[DISPI_XRES] ? d[DISPI_VIRT_WIDTH] : d[DISPI_XRES];
	stride = width * bytespp;
	/*
	 * Scan-out is linear from the X/Y offset, as on the Bochs device:
	 * bochs-drm points it at a framebuffer whose start need not be at
	 * the beginning of a line, so X_OFFSET + XRES may pass the virtual
	 * width.  What counts is that every visible byte is in the slice.
	 */
	offset = (u64)d[DISPI_Y_OFFSET] * stride + (u64)d[DISPI_X_OFFSET] * bytespp;
	/* One past the last visible byte. */
	last = offset + (u64)(d[DISPI_YRES] - 1) * stride + (u64)d[DISPI_XRES] * bytespp;
	if (last > regs->limits.vram_size)
		return -EINVAL;

	out->offset = offset;
	out->width = d[DISPI_XRES];
	out->height = d[DISPI_YRES];
	out->stride = stride;
	out->bpp = d[DISPI_BPP];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_scanout);

/**
 * vgpu_regs_check_saved() - whether saved register values fit
 * @regs: the state of the vGPU that would take them
 * @dispi: DISPI_NR saved dispi registers
 * @irq_status: saved interrupt status
 * @irq_enable: saved interrupt enable
 * @bad: receives the dispi index that does not fit, or DISPI_NR for the
 *	interrupt registers
 *
 * Saved values fit when the guest could have written them here: each
 * passes the checks of a guest write, and the read-only registers equal
 * this vGPU's.
 *
 * Return: 0, or -EINVAL.
 */
int vgpu_regs_check_saved(const struct vgpu_regs *regs, const u16 *dispi,
			  u32 irq_status, u32 irq_enable, u32 *bad)
{
	u32 i;

	for (i = 0; i < DISPI_NR; i++) {
		u16 val = dispi[i];
		bool ok;

		if (i == DISPI_ID || i == DISPI_VIDEO_MEMORY_64K)
			ok = val == regs->dispi[i];
		else
			ok = dispi_take(&regs->limits, i, &val) && val == dispi[i];
		if (!ok) {
			*bad = i;
			return -EINVAL;
		}
	}
	if ((irq_status | irq_enable) & ~VSLICE_IRQ_ALL) {
		*bad = DISPI_NR;
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_check_saved);

/**
 * vgpu_regs_load_saved() - take saved register values
 * @regs: the state
 * @dispi: DISPI_NR dispi registers vgpu_regs_check_saved() accepted
 * @vga: the VGA port bytes
 * @irq_status: interrupt status, accepted likewise
 * @irq_enable: interrupt enable, accepted likewise
 *
 * The limits and the EDID stay as they are.
 */
void vgpu_regs_load_saved(struct vgpu_regs *regs, const u16 *dispi,
			  const u8 *vga, u32 irq_status, u32 irq_enable)
{
	memcpy(regs->dispi, dispi, sizeof(regs->dispi));
	memcpy(regs->vga, vga, sizeof(regs->vga));
	regs->irq_status = irq_status;
	regs->irq_enable = irq_enable;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_regs_load_saved);
