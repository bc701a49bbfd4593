/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated PCI configuration space of a vGPU.  Pure logic (no locking,
 * no allocation): the caller serialises accesses.  Compiles in the
 * kernel and in userspace.
 */
#ifndef VSLICE_VGPU_CFG_H
#define VSLICE_VGPU_CFG_H

#include <vslice/pure_env.h>

#include "vgpu_access.h"

#define VGPU_CFG_SIZE 256

/* Where the capabilities sit. */
#define VGPU_CFG_CAP_PM 0x40
#define VGPU_CFG_CAP_MSI 0x48

/* PMCSR PowerState values (PCI PM 1.2); pci_regs.h has only the mask. */
#define VGPU_CFG_D0 0
#define VGPU_CFG_D3HOT 3

/**
 * struct vgpu_cfg_ids - what identifies the emulated function
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsystem_vendor: subsystem vendor ID
 * @subsystem_device: subsystem device ID
 * @revision: revision ID
 * @class: class code, 24 bits (0x030000 for VGA-compatible display)
 */
struct vgpu_cfg_ids {
	u16 vendor;
	u16 device;
	u16 subsystem_vendor;
	u16 subsystem_device;
	u8 revision;
	u32 class;
};

/**
 * struct vgpu_cfg - the state of one function's configuration space
 * @regs: current contents, little endian as on the bus
 * @wmask: bits a write may change
 * @w1cmask: bits a write of 1 clears
 * @reset: contents at power-on, for reset
 */
struct vgpu_cfg {
	u8 regs[VGPU_CFG_SIZE];
	u8 wmask[VGPU_CFG_SIZE];
	u8 w1cmask[VGPU_CFG_SIZE];
	u8 reset[VGPU_CFG_SIZE];
};

int vgpu_cfg_init(struct vgpu_cfg *cfg, const struct vgpu_cfg_ids *ids,
		  u32 bar0_size, u32 bar2_size);
void vgpu_cfg_reset(struct vgpu_cfg *cfg);
int vgpu_cfg_write(struct vgpu_cfg *cfg, u32 offset, u32 len, u32 val);
bool vgpu_cfg_intx_disabled(const struct vgpu_cfg *cfg);
u8 vgpu_cfg_power_state(const struct vgpu_cfg *cfg);
bool vgpu_cfg_mem_enabled(const struct vgpu_cfg *cfg);
void vgpu_cfg_set_intx_status(struct vgpu_cfg *cfg, bool asserted);
int vgpu_cfg_check_saved(const struct vgpu_cfg *cfg, const u8 *saved, u32 *bad);
void vgpu_cfg_load_saved(struct vgpu_cfg *cfg, const u8 *saved);

/**
 * vgpu_cfg_read() - read 1, 2 or 4 bytes at any offset
 * @cfg: the state
 * @offset: byte offset, need not be aligned
 * @len: 1, 2 or 4
 * @val: receives the value, little endian order of the bytes
 *
 * Inline because it is the whole of a trapped config-space read, the
 * access a guest makes most; the byte combines compile to one load.
 *
 * Return: 0, or -EINVAL (and @val untouched) for a bad length or an
 * access that does not fit in the 256 bytes.
 */
static inline int vgpu_cfg_read(const struct vgpu_cfg *cfg, u32 offset,
				u32 len, u32 *val)
{
	const u8 *p;

	if (!vgpu_access_valid(offset, len, VGPU_CFG_SIZE))
		return -EINVAL;
	p = &cfg->regs[offset];
	switch (len) {
	case 4:
		*val = p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
		break;
	case 2:
		*val = p[0] | p[1] << 8;
		break;
	default:
		*val = p[0];
		break;
	}
	return 0;
}

#endif /* VSLICE_VGPU_CFG_H */
