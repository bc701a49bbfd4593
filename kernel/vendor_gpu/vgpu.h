/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vslice vendor GPU driver: shared definitions.
 */
#ifndef VSLICE_VGPU_H
#define VSLICE_VGPU_H

#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/wait.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>
#include <vslice/mdev.h>

#include "slice_alloc.h"
#include "vgpu_attr_parse.h"
#include "vgpu_cfg.h"
#include "vgpu_edid_region.h"
#include "vgpu_fw.h"
#include "vgpu_irq.h"
#include "vgpu_mig_stream.h"
#include "vgpu_plane.h"
#include "vgpu_regs.h"

#define VGPU_DRIVER_NAME "vslice"
/* Slices are carved in 1 MiB units. */
#define VGPU_UNIT_SHIFT 20
/* gpu->scrub_unit when the scrubber is writing no unit. */
#define VGPU_NO_UNIT U32_MAX

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

/*
 * Device-specific regions after vfio-pci's: the display region (what the
 * primary plane scans out, for VFIO_DEVICE_QUERY_GFX_PLANE) and the VFIO
 * EDID region.  Both are below num_regions, where QEMU looks for them.
 */
#define VGPU_DISPLAY_REGION_INDEX	VFIO_PCI_NUM_REGIONS
#define VGPU_EDID_REGION_INDEX		(VFIO_PCI_NUM_REGIONS + 1)
#define VGPU_NUM_REGIONS		(VFIO_PCI_NUM_REGIONS + 2)

/**
 * struct vgpu_device - one physical GPU
 * @pdev: the PCI device
 * @vram: BAR0 mapped write-combined
 * @vram_phys: bus address of BAR0
 * @vram_size: size of BAR0
 * @table: the vGPU types, from firmware or the built-in table; fixed
 *	while the parent is registered
 * @table_source: where @table came from, for sysfs and the log
 * @lock: protects @pool, @live, @dirty, @homogeneous, @scrub_unit and
 *	@scrub_stop; never held across calls out, nor across a write of VRAM
 * @pool: which VRAM units are given to instances
 * @live: instances of each type of @table
 * @dirty: VRAM units that may hold data a user wrote since they were
 *	last cleared: all of them at bind, and an instance's slice once
 *	its open user maps or writes it (vgpu_slice_written(); a slice can
 *	only be written through its open device).
 *	A bit is cleared only after the unit's zeroes are written: a unit
 *	given to an instance with its bit clear is never written again by
 *	anyone but its users.  The units of an instance's slice are
 *	cleared by its clear work; free units by the scrubber
 * @homogeneous: placement policy: all instances of one type
 * @parent: the mdev parent, NULL when not registered
 * @scrub_worker: the GPU's scrubber thread, at the lowest priority, so
 *	that creates, removes and users' accesses run first
 * @scrub_work: zeroes free dirty units, lowest first; queued a second
 *	after VRAM became free and dirty (bind, remove)
 * @scrub_unit: the unit the scrubber is zeroing, or VGPU_NO_UNIT.  The
 *	scrubber picks only a free unit and sets this under @lock; between
 *	chunks it stops if the unit was given to an instance meanwhile.  It
 *	sets VGPU_NO_UNIT under @lock after its last write to the unit (and
 *	a write barrier), then wakes @scrub_wait.  An instance's clear work
 *	waits while this names one of its units, then looks at the dirty
 *	bit again: so the scrubber never writes a unit once its new owner
 *	can open it
 * @scrub_wait: where clear works wait for @scrub_unit to move on
 * @scrub_stop: set at unbind: no more scrub work is queued, and the
 *	running one ends at its next chunk
 * @clear_waits: opens that waited for their slice to be cleared
 */
struct vgpu_device {
	struct pci_dev *pdev;
	void __iomem *vram;
	phys_addr_t vram_phys;
	resource_size_t vram_size;
	struct vgpu_fw_table table;
	char table_source[96];
	struct mutex lock;	/* pool, live, dirty, homogeneous, scrub_*; see above */
	struct vs_pool pool;
	u32 live[VGPU_FW_MAX_TYPES];
	DECLARE_BITMAP(dirty, VS_POOL_MAX_UNITS);
	bool homogeneous;
	struct mdev_parent *parent;
	struct kthread_worker *scrub_worker;
	struct kthread_delayed_work scrub_work;
	u32 scrub_unit;
	wait_queue_head_t scrub_wait;
	bool scrub_stop;
	atomic_t clear_waits;
};

struct vgpu_mig_file;

/**
 * struct vgpu_mig - the VFIO migration state of an instance
 * @lock: serialises state changes and the data files' start and end;
 *	taken before a data file's lock, which is taken before memory_lock
 * @state: the VFIO migration state
 * @flags: the VFIO_MIGRATION_* flags offered, fixed at create
 * @save: the data file of PRE_COPY and STOP_COPY, or NULL; holds a
 *	reference
 * @resume: the data file of RESUMING, or NULL; holds a reference
 * @tracking: writes to the slice are noted in @pending.  Changes, and
 *	@pending and @sent come and go, under memory_lock held for write;
 *	writers (mapping faults, fd writes) note under it held for read
 * @pending: a bit per 4 KiB of the slice still to be sent (set_bit(),
 *	as writers note concurrently)
 * @sent: a bit per 4 KiB of the slice that the save file sent
 * @precopy_bytes: bytes the last save file gave before STOP_COPY
 * @stop_copy_bytes: bytes the last save file gave from STOP_COPY on
 */
struct vgpu_mig {
	struct mutex lock;	/* state and files; see above */
	enum vfio_device_mig_state state;
	u32 flags;
	struct vgpu_mig_file *save;
	struct vgpu_mig_file *resume;
	bool tracking;
	unsigned long *pending;
	unsigned long *sent;
	u64 precopy_bytes;
	u64 stop_copy_bytes;
};

/**
 * struct vgpu_instance - one vGPU (mdev)
 * @gpu: the GPU it lives on
 * @type: its type, an entry of the GPU's table
 * @type_index: the index of @type in the table
 * @first_unit: first VRAM unit of its slice
 * @units: slice size in units
 * @memory_lock: held for read around every access to the slice (region
 *	read/write and mapping faults) to check memory decode; for write
 *	around every change that can turn decode off (config writes, reset,
 *	close), which then takes the BAR0 mappings away.  BAR2 accesses
 *	check decode under @lock or @emul_seq instead.  Taken before @lock;
 *	never held across a copy from or to user memory
 * @lock: serialises changes of @cfg and @regs, and the attributes below;
 *	never held across a copy from or to user memory
 * @clear_work: zeroes the dirty VRAM units of the slice, queued at create
 *	when the slice got dirty units and at the last close; an open waits
 *	for it (for its own slice only).  It waits for the scrubber to
 *	leave a unit it is zeroing (see &vgpu_device.scrub_unit)
 * @clear_abort: set under the GPU's lock at remove: the clear work stops
 *	at its next unit and leaves the rest to the scrubber
 * @emul_seq: bumped around every change of @cfg and @regs (writers hold
 *	@lock), so that a trapped read takes no lock: it reads the
 *	register and retries if a change ran meanwhile
 * @open: a user holds the device open
 * @written: this open's user may have put data in the slice, whose
 *	units are then dirty (vgpu_slice_written()); set under the GPU's
 *	lock, read without it only to skip taking it again
 * @owner: a free-text label for whoever created the instance; it grants
 *	and checks nothing
 * @cfg: the emulated PCI configuration space
 * @regs: the emulated MMIO registers behind BAR2; its limits hold the
 *	instance's maximum resolution
 * @irq: INTx, MSI and REQ, and their eventfds
 * @display_lock: held for read by display-region faults, for write
 *	while @display_base moves and the region's mappings are taken
 *	away; taken with no other lock of the instance held, and never held
 *	across a copy from or to user memory
 * @display_base: where the display region starts in the slice: the base
 *	of the last plane VFIO_DEVICE_QUERY_GFX_PLANE reported
 * @display_rs: limits, per instance, the log of planes that cannot be
 *	shown, so one guest cannot flood the log or hide another's lines
 * @edid_region: the VFIO EDID region; protected by @lock
 * @edid_serial: the serial number in the device's own EDID (from the
 *	UUID), so that a guest with two vGPUs tells their monitors apart
 * @mig: its VFIO migration
 */
struct vgpu_instance {
	struct vgpu_device *gpu;
	const struct vgpu_fw_type *type;
	u32 type_index;
	u32 first_unit;
	u32 units;
	struct rw_semaphore memory_lock;	/* BAR access vs decode; see above */
	struct mutex lock;	/* protects open, the attributes, cfg and regs */
	struct work_struct clear_work;
	bool clear_abort;	/* under gpu->lock */
	seqcount_mutex_t emul_seq;	/* cfg and regs changes; writers hold lock */
	bool open;
	bool written;	/* under gpu->lock; see above */
	char owner[VGPU_OWNER_LEN];
	struct vgpu_cfg cfg;
	struct vgpu_regs regs;
	struct vgpu_irq irq;
	struct rw_semaphore display_lock;	/* display_base vs faults */
	u32 display_base;
	struct ratelimit_state display_rs;
	struct vgpu_edid_region edid_region;
	u32 edid_serial;
	struct vgpu_mig mig;
};

extern const struct attribute_group *vgpu_instance_groups[];
extern const struct attribute_group *vgpu_gpu_groups[];
extern bool vgpu_default_homogeneous;

/* vgpu_place.c: where instances go in VRAM */
unsigned int vgpu_get_available(struct mdev_type *mtype);
ssize_t vgpu_show_description(struct mdev_type *mtype, char *buf);
u32 vgpu_type_units(const struct vgpu_fw_type *type);
u32 vgpu_type_index(struct vgpu_device *gpu, const struct vgpu_fw_type *type);
int vgpu_place(struct vgpu_instance *inst, bool *dirty);
void vgpu_unplace(struct vgpu_instance *inst);
int vgpu_scrub_start(struct vgpu_device *gpu);
void vgpu_scrub_kick(struct vgpu_device *gpu);
void vgpu_scrub_stop(struct vgpu_device *gpu);
u32 vgpu_scrub_pending_mib(struct vgpu_device *gpu);

/* vgpu_region.c: read/write of the device fd, and region info */
ssize_t vgpu_read(struct mdev_device *mdev, char __user *buf, size_t count,
		  loff_t *ppos);
ssize_t vgpu_write(struct mdev_device *mdev, const char __user *buf,
		   size_t count, loff_t *ppos);
long vgpu_ioctl_get_region_info(struct vgpu_instance *inst, unsigned long arg);
ssize_t vgpu_slice_rw(struct vgpu_instance *inst, char __user *buf,
		      size_t count, u64 at, bool write, bool need_decode);

/* vgpu_mmap.c: mappings of the slice */
int vgpu_mmap(struct mdev_device *mdev, struct vm_area_struct *vma);
void vgpu_bar0_zap(struct mdev_device *mdev);
void vgpu_display_zap(struct mdev_device *mdev);

/* vgpu_ioctl.c */
long vgpu_ioctl(struct mdev_device *mdev, unsigned int cmd, unsigned long arg);
void vgpu_function_reset(struct mdev_device *mdev);

/* vgpu_display.c: the plane, the display region and the EDID */
void vgpu_display_init(struct vgpu_instance *inst, const u8 *uuid);
void vgpu_display_own_edid(struct vgpu_instance *inst);
long vgpu_ioctl_query_gfx_plane(struct mdev_device *mdev, unsigned long arg);
ssize_t vgpu_display_read(struct vgpu_instance *inst, char __user *buf,
			  size_t count, loff_t pos);
ssize_t vgpu_edid_region_rw(struct mdev_device *mdev, char __user *buf,
			    size_t count, loff_t pos, bool write);
int vgpu_edid_region_info(struct vfio_region_info *info,
			  struct vfio_info_cap *caps);

/* vgpu_mig.c: VFIO migration */
extern const struct mdev_migration_ops vgpu_mig_ops;
void vgpu_mig_init(struct vgpu_instance *inst);
void vgpu_mig_reset(struct mdev_device *mdev);
void vgpu_mig_note_write(struct vgpu_instance *inst, u64 at, u64 len);

void vgpu_load_types(struct vgpu_device *gpu);
void vgpu_builtin_table(struct vgpu_fw_table *table,
			const struct vgpu_fw_gpu *gpu);
void vgpu_update_irq(struct vgpu_instance *inst);
resource_size_t vgpu_slice_size(const struct vgpu_instance *inst);
resource_size_t vgpu_slice_offset(const struct vgpu_instance *inst);
void vgpu_slice_written(struct vgpu_instance *inst);
int vgpu_parent_register(struct vgpu_device *gpu);
void vgpu_parent_unregister(struct vgpu_device *gpu);

#endif /* VSLICE_VGPU_H */
