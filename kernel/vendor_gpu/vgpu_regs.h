/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The trapped MMIO registers of a vGPU (BAR2), laid out as QEMU's
 * bochs-display lays them out so that the guest's bochs-drm drives them:
 *
 *   0x000-0x3ff  EDID, byte-wide, read-only (zeros when there is no monitor)
 *   0x400-0x41f  VGA ports 0x3c0-0x3df
 *   0x500-0x515  Bochs dispi (VBE) registers, 16 bits each
 *   0x600-0x607  QEMU extended registers: region size, endianness
 *   0x700-0x70f  vslice identification: magic, version, type, VRAM MiB
 *   0x710-0x71b  vslice interrupts: status (RW1C), enable, raise
 *
 * Pure logic: the caller serialises accesses.
 */
#ifndef VSLICE_VGPU_REGS_H
#define VSLICE_VGPU_REGS_H

#include <vslice/pure_env.h>

#include "vgpu_edid.h"

#define VGPU_MMIO_SIZE		4096

#define VGPU_MMIO_EDID		0x000
#define VGPU_MMIO_VGA		0x400
#define VGPU_MMIO_DISPI		0x500
#define VGPU_MMIO_QEXT		0x600
#define VGPU_MMIO_VSLICE	0x700

/* Dispi register indexes (each at VGPU_MMIO_DISPI + 2 * index). */
#define DISPI_ID		0x0
#define DISPI_XRES		0x1
#define DISPI_YRES		0x2
#define DISPI_BPP		0x3
#define DISPI_ENABLE		0x4
#define DISPI_BANK		0x5
#define DISPI_VIRT_WIDTH	0x6
#define DISPI_VIRT_HEIGHT	0x7
#define DISPI_X_OFFSET		0x8
#define DISPI_Y_OFFSET		0x9
#define DISPI_VIDEO_MEMORY_64K	0xa
#define DISPI_NR		0xb

#define DISPI_ID5		0xb0c5
#define DISPI_ENABLED		0x01
#define DISPI_GETCAPS		0x02
#define DISPI_LFB_ENABLED	0x40

#define VSLICE_MAGIC		0x434c5356	/* "VSLC" */
#define VSLICE_REGS_VERSION	1

/*
 * Interrupt registers, 32 bits each, taking only aligned 4-byte writes.
 * The interrupt line is asserted while (status & enable) is non-zero.
 * Writing a bit to RAISE sets it in STATUS: the software interrupt a
 * driver uses to test its interrupt path (and our tests use to test
 * INTx and MSI delivery).
 */
#define VSLICE_REG_IRQ_STATUS	(VGPU_MMIO_VSLICE + 0x10)
#define VSLICE_REG_IRQ_ENABLE	(VGPU_MMIO_VSLICE + 0x14)
#define VSLICE_REG_IRQ_RAISE	(VGPU_MMIO_VSLICE + 0x18)
#define VSLICE_IRQ_SWI		0x1
#define VSLICE_IRQ_ALL		VSLICE_IRQ_SWI

/**
 * struct vgpu_regs_limits - what a type allows
 * @vram_size: bytes of VRAM behind BAR0
 * @max_width: largest horizontal resolution
 * @max_height: largest vertical resolution
 * @type_index: the type's index, shown to the guest
 */
struct vgpu_regs_limits {
	u32 vram_size;
	u16 max_width;
	u16 max_height;
	u32 type_index;
};

/**
 * struct vgpu_regs - register state of one vGPU
 * @limits: from the type, fixed
 * @dispi: the dispi registers
 * @vga: the VGA port bytes
 * @irq_status: pending interrupt causes (VSLICE_IRQ_*)
 * @irq_enable: causes that assert the interrupt line
 * @edid: the monitor's EDID, as the guest reads it; a function reset
 *	keeps it (the monitor does not change)
 * @edid_len: bytes of @edid; 0 is no monitor
 */
struct vgpu_regs {
	struct vgpu_regs_limits limits;
	u16 dispi[DISPI_NR];
	u8 vga[0x20];
	u32 irq_status;
	u32 irq_enable;
	u8 edid[VGPU_EDID_MAX_SIZE];
	u32 edid_len;
};

/**
 * struct vgpu_scanout - where the enabled mode scans out from
 * @offset: byte offset of the first visible pixel in the slice
 * @width: visible width in pixels
 * @height: visible height in pixels
 * @stride: bytes per line
 * @bpp: bits per pixel
 */
struct vgpu_scanout {
	u32 offset;
	u32 width;
	u32 height;
	u32 stride;
	u32 bpp;
};

int vgpu_regs_init(struct vgpu_regs *regs, const struct vgpu_regs_limits *limits);
void vgpu_regs_reset(struct vgpu_regs *regs);
int vgpu_regs_read(const struct vgpu_regs *regs, u32 offset, u32 len, u32 *val);
int vgpu_regs_write(struct vgpu_regs *regs, u32 offset, u32 len, u32 val);
void vgpu_regs_set_edid(struct vgpu_regs *regs, const u8 *edid, u32 len);
bool vgpu_regs_irq_asserted(const struct vgpu_regs *regs);
int vgpu_regs_check_saved(const struct vgpu_regs *regs, const u16 *dispi,
			  u32 irq_status, u32 irq_enable, u32 *bad);
void vgpu_regs_load_saved(struct vgpu_regs *regs, const u16 *dispi,
			  const u8 *vga, u32 irq_status, u32 irq_enable);
int vgpu_regs_scanout(const struct vgpu_regs *regs, struct vgpu_scanout *out);

#endif /* VSLICE_VGPU_REGS_H */
