/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vslice mediated device core: the API between parents (vendor drivers),
 * the core, and mdev bus drivers (vfio_mdev).
 *
 * Layering: a vendor driver registers a parent with its types and a
 * struct mdev_parent_ops; the core owns the sysfs ABI and the lifetime of
 * every object; a bus driver binds to each mdev and exposes it to
 * userspace, forwarding device accesses to the parent's ops.
 *
 * Ownership: the core allocates and frees struct mdev_parent,
 * struct mdev_type and struct mdev_device.  A parent holds a reference on
 * its struct device; each type holds a reference on its parent; each mdev
 * holds a reference on its type.  The vendor never frees any of them.
 *
 * This header replaces <linux/mdev.h> for vslice modules; the two cannot
 * be used in one module.
 */
#ifndef VSLICE_MDEV_H
#define VSLICE_MDEV_H

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/vfio.h>

struct mdev_parent;
struct mdev_type;
struct vfio_device;

/** MDEV_UUID_STRLEN - length of a UUID in its canonical text form */
#define MDEV_UUID_STRLEN 36

/**
 * struct mdev_device - a mediated device instance
 * @dev: the device on the mdev bus, named by its lower-case UUID
 * @uuid: the UUID in text order (byte 0 is the first two hex digits)
 * @type: the type this instance was created from; referenced
 * @vdev: set by the bound bus driver when it exposes the device through
 *        VFIO, NULL otherwise
 * @next: entry on the core's global list, protected by mdev_list_lock
 * @active: true between a completed create and the start of remove,
 *          protected by mdev_list_lock
 * @creating: true from the start of create until it succeeded or failed,
 *          protected by mdev_list_lock; a remove that comes meanwhile
 *          waits for it
 * @driver_data: the parent driver's per-instance state
 */
struct mdev_device {
	struct device dev;
	u8 uuid[16];
	struct mdev_type *type;
	struct vfio_device *vdev;
	struct list_head next;
	bool active;
	bool creating;
	void *driver_data;
};

/**
 * struct mdev_type_desc - what a parent driver says about one of its types
 * @sysfs_name: the type id; the sysfs directory is "<driver>-<sysfs_name>"
 * @pretty_name: the "name" attribute; @sysfs_name is used when NULL
 * @driver_data: handed back through mdev_type_drvdata()
 */
struct mdev_type_desc {
	const char *sysfs_name;
	const char *pretty_name;
	void *driver_data;
};

/**
 * struct mdev_type - a type of mdev a parent can create; owned by the core
 * @kobj: the mdev_supported_types/<driver>-<id> directory
 * @devices_kobj: its devices/ directory
 * @parent: the parent that published the type; referenced
 * @sysfs_name: copy of the type id
 * @pretty_name: copy of the pretty name
 * @driver_data: from struct mdev_type_desc
 */
struct mdev_type {
	struct kobject kobj;
	struct kobject *devices_kobj;
	struct mdev_parent *parent;
	const char *sysfs_name;
	const char *pretty_name;
	void *driver_data;
};

/**
 * struct mdev_migration_ops - VFIO migration (v2) of a parent's devices
 * @flags: the VFIO_MIGRATION_* flags @mdev offers (STOP_COPY at least),
 *	or 0 when it cannot migrate; read once, when the bus driver binds
 * @set_state: move to @new_state through vfio_mig_get_next_state();
 *	returns the data transfer file of the new state, NULL when it has
 *	none, or an ERR_PTR
 * @get_state: the current state
 * @get_data_size: an estimate of the bytes STOP_COPY still has to send;
 *	never 0
 * @no_dma: the device never writes guest memory (no vfio_pin_pages(), no
 *	vfio_dma_rw()), so its DMA dirty log is always empty and the bus
 *	driver reports it as such, on kernels whose VFIO core can report a
 *	DMA log (CONFIG_IOMMUFD_DRIVER)
 *
 * The callbacks have the semantics of struct vfio_migration_ops and are
 * called the same way, with the device open.
 */
struct mdev_migration_ops {
	u32 (*flags)(struct mdev_device *mdev);
	struct file *(*set_state)(struct mdev_device *mdev,
				  enum vfio_device_mig_state new_state);
	int (*get_state)(struct mdev_device *mdev,
			 enum vfio_device_mig_state *curr_state);
	int (*get_data_size)(struct mdev_device *mdev,
			     unsigned long *stop_copy_length);
	bool no_dma;
};

/**
 * struct mdev_parent_ops - what a parent (vendor) driver implements
 * @owner: the module that implements the ops; the bus driver pins it
 *         while a device is open
 * @device_api: the device_api attribute of every type, e.g. "vfio-pci"
 * @get_available: mandatory; how many more instances of @type can be
 *                 created right now.  The core does not count for the
 *                 parent: @create must refuse when there is no room.
 * @show_description: optional; fills the "description" attribute
 * @create: mandatory; reserve the resources of a new instance.  Returns
 *          0, -ENOSPC when there is no room, or another -errno.  Called
 *          before the device is visible; on failure nothing is left.
 * @remove: mandatory; release what @create reserved.  Called after the
 *          bus driver let go of the device; no other op runs
 *          concurrently or afterwards for this instance.
 * @dev_groups: optional per-instance sysfs attribute groups
 * @open_device: optional; first open of the device by userspace
 * @close_device: optional; last close
 * @read: region read through the device fd
 * @write: region write through the device fd
 * @ioctl: device ioctl; -ENOTTY for what the parent does not implement
 * @mmap: mmap of the device fd
 * @request: the device is being removed while open: ask userspace to
 *           release it (@count is how often it was asked)
 * @dma_unmap: userspace unmapped [@iova, @iova + @length) from the
 *             device's IOMMU context; unpin what overlaps it
 * @migration: optional; how the parent's devices migrate.  A parent
 *             without it (or whose @flags returns 0) offers no migration
 *
 * Every device op runs with the device open (between @open_device and
 * @close_device) except @request and @dma_unmap, which may come at any
 * time while the bus driver is bound.
 */
struct mdev_parent_ops {
	struct module *owner;
	const char *device_api;
	unsigned int (*get_available)(struct mdev_type *type);
	ssize_t (*show_description)(struct mdev_type *type, char *buf);
	int (*create)(struct mdev_device *mdev);
	void (*remove)(struct mdev_device *mdev);
	const struct attribute_group **dev_groups;

	int (*open_device)(struct mdev_device *mdev);
	void (*close_device)(struct mdev_device *mdev);
	ssize_t (*read)(struct mdev_device *mdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t (*write)(struct mdev_device *mdev, const char __user *buf,
			 size_t count, loff_t *ppos);
	long (*ioctl)(struct mdev_device *mdev, unsigned int cmd,
		      unsigned long arg);
	int (*mmap)(struct mdev_device *mdev, struct vm_area_struct *vma);
	void (*request)(struct mdev_device *mdev, unsigned int count);
	void (*dma_unmap)(struct mdev_device *mdev, u64 iova, u64 length);
	const struct mdev_migration_ops *migration;
};

/**
 * struct mdev_parent - a device that creates mdevs; owned by the core
 * @dev: the parent device; referenced until the parent is freed
 * @ops: the parent driver's ops
 * @driver_data: the parent driver's state, see mdev_parent_drvdata()
 * @types_kset: the mdev_supported_types directory
 * @types: the published types
 * @nr_types: number of entries in @types
 * @unreg_sem: create and remove hold it for read (trylock, -ENODEV when
 *             that fails); unregistration holds it for write, so that
 *             once it starts no new instance appears
 * @ref: one reference from registration, one per type
 */
struct mdev_parent {
	struct device *dev;
	const struct mdev_parent_ops *ops;
	void *driver_data;
	struct kset *types_kset;
	struct mdev_type **types;
	unsigned int nr_types;
	struct rw_semaphore unreg_sem;
	struct kref ref;
};

/**
 * struct mdev_driver - a bus driver for mdevs (e.g. vfio_mdev)
 * @match: optional; whether the driver serves @mdev.  A driver without
 *         it serves every mdev.
 * @probe: expose @mdev to userspace; an error fails the create
 * @remove: withdraw @mdev; may wait until userspace lets go of it
 * @driver: the driver on the mdev bus
 */
struct mdev_driver {
	bool (*match)(struct mdev_device *mdev);
	int (*probe)(struct mdev_device *mdev);
	void (*remove)(struct mdev_device *mdev);
	struct device_driver driver;
};

static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

static inline struct device *mdev_dev(struct mdev_device *mdev)
{
	return &mdev->dev;
}

static inline struct mdev_parent *mdev_parent_of(struct mdev_device *mdev)
{
	return mdev->type->parent;
}

static inline void *mdev_parent_drvdata(struct mdev_parent *parent)
{
	return parent->driver_data;
}

static inline void *mdev_type_drvdata(struct mdev_type *type)
{
	return type->driver_data;
}

static inline void *mdev_get_drvdata(struct mdev_device *mdev)
{
	return mdev->driver_data;
}

static inline void mdev_set_drvdata(struct mdev_device *mdev, void *data)
{
	mdev->driver_data = data;
}

struct mdev_parent *
vslice_mdev_register_parent(struct device *dev,
			    const struct mdev_parent_ops *ops,
			    const struct mdev_type_desc *types,
			    unsigned int nr_types, void *driver_data);
void vslice_mdev_unregister_parent(struct mdev_parent *parent);

int vslice_mdev_register_driver(struct mdev_driver *drv);
void vslice_mdev_unregister_driver(struct mdev_driver *drv);

#endif /* VSLICE_MDEV_H */
