/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vslice vendor GPU driver: shared definitions.
 */
#ifndef VSLICE_VGPU_H
#define VSLICE_VGPU_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <vslice/mdev.h>

#include "slice_alloc.h"
#include "vgpu_cfg.h"
#include "vgpu_irq.h"
#include "vgpu_regs.h"

#define VGPU_DRIVER_NAME "vslice"
/* Slices are carved in 1 MiB units. */
#define VGPU_UNIT_SHIFT 20

/* What the guest sees: a bochs-display, so that bochs-drm binds. */
#define VGPU_PCI_VENDOR 0x1234
#define VGPU_PCI_DEVICE 0x1111
/* Subsystem: vslice, and the type's index in the type table. */
#define VGPU_SUBSYS_VENDOR 0x1234
#define VGPU_SUBSYS_DEVICE_BASE 0x5600

/* Region offsets in the device fd, as vfio-pci lays them out. */
#define VGPU_REGION_SHIFT 40
#define VGPU_REGION_OFFSET(index) ((u64)(index) << VGPU_REGION_SHIFT)
#define VGPU_REGION_MASK (VGPU_REGION_OFFSET(1) - 1)

/**
 * struct vgpu_type - a vGPU type of the built-in table
 * @id: sysfs id; the type directory is "vslice-<id>"
 * @name: pretty name
 * @vram_mib: VRAM slice size in MiB, a power of two
 * @max_width: largest horizontal resolution
 * @max_height: largest vertical resolution
 * @heads: number of display heads
 */
struct vgpu_type {
	const char *id;
	const char *name;
	u32 vram_mib;
	u32 max_width;
	u32 max_height;
	u32 heads;
};

extern const struct vgpu_type vgpu_builtin_types[];
extern const unsigned int vgpu_nr_builtin_types;

/**
 * struct vgpu_device - one physical GPU
 * @pdev: the PCI device
 * @vram: BAR0 mapped write-combined
 * @vram_phys: bus address of BAR0
 * @vram_size: size of BAR0
 * @lock: protects @pool
 * @pool: which VRAM units are given to instances
 * @parent: the mdev parent, NULL when not registered
 */
struct vgpu_device {
	struct pci_dev *pdev;
	void __iomem *vram;
	phys_addr_t vram_phys;
	resource_size_t vram_size;
	struct mutex lock;	/* protects pool; never held across calls out */
	struct vs_pool pool;
	struct mdev_parent *parent;
};

/**
 * struct vgpu_instance - one vGPU (mdev)
 * @gpu: the GPU it lives on
 * @type: its type
 * @first_unit: first VRAM unit of its slice
 * @units: slice size in units
 * @lock: serialises accesses to @cfg and @regs from device fd users
 * @cfg: the emulated PCI configuration space
 * @regs: the emulated MMIO registers behind BAR2
 * @irq: INTx, MSI and REQ, and their eventfds
 */
struct vgpu_instance {
	struct vgpu_device *gpu;
	const struct vgpu_type *type;
	u32 first_unit;
	u32 units;
	struct mutex lock;	/* protects cfg and regs */
	struct vgpu_cfg cfg;
	struct vgpu_regs regs;
	struct vgpu_irq irq;
};

int vgpu_parent_register(struct vgpu_device *gpu);
void vgpu_parent_unregister(struct vgpu_device *gpu);

#endif /* VSLICE_VGPU_H */
