// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_mdev: the mdev bus driver that exposes every mdev through VFIO as
 * an emulated-IOMMU device and forwards the device ops to the parent
 * (vendor) driver.
 *
 * The VFIO core pins the module of the driver bound to the device, which
 * is this one; the parent driver is a different module, so it is pinned
 * here for as long as the device is open.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <linux/wait_bit.h>
#include <vslice/mdev.h>

/**
 * struct vfio_mdev_device - the VFIO face of one mdev
 * @vdev: the VFIO device; first member, allocated by vfio_alloc_device()
 * @mdev: the mdev it exposes; the mdev outlives the binding
 * @dma_logging: 1 between a DMA logging start and its stop
 */
struct vfio_mdev_device {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	atomic_t dma_logging;
};

/*
 * The VFIO core calls ->release when the last reference to a VFIO device
 * goes, which may be after the device was unregistered and late
 * (DEBUG_KOBJECT_RELEASE); the ops live in this module, so module exit
 * waits until every device was released.
 */
static atomic_t vfio_mdev_devices = ATOMIC_INIT(0);

static void vfio_mdev_release(struct vfio_device *vdev)
{
	if (atomic_dec_and_test(&vfio_mdev_devices))
		wake_up_var(&vfio_mdev_devices);
}

static struct mdev_device *vdev_to_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_mdev_device, vdev)->mdev;
}

static const struct mdev_parent_ops *vdev_ops(struct vfio_device *vdev)
{
	return mdev_parent_of(vdev_to_mdev(vdev))->ops;
}

static int vfio_mdev_open_device(struct vfio_device *vdev)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);
	int ret = 0;

	if (!try_module_get(ops->owner))
		return -ENODEV;
	if (ops->open_device)
		ret = ops->open_device(vdev_to_mdev(vdev));
	if (ret)
		module_put(ops->owner);
	return ret;
}

static void vfio_mdev_close_device(struct vfio_device *vdev)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (ops->close_device)
		ops->close_device(vdev_to_mdev(vdev));
	module_put(ops->owner);
}

static ssize_t vfio_mdev_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (!ops->read)
		return -EINVAL;
	return ops->read(vdev_to_mdev(vdev), buf, count, ppos);
}

static ssize_t vfio_mdev_write(struct vfio_device *vdev,
			       const char __user *buf, size_t count,
			       loff_t *ppos)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (!ops->write)
		return -EINVAL;
	return ops->write(vdev_to_mdev(vdev), buf, count, ppos);
}

static long vfio_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (!ops->ioctl)
		return -ENOTTY;
	return ops->ioctl(vdev_to_mdev(vdev), cmd, arg);
}

static int vfio_mdev_mmap(struct vfio_device *vdev,
			  struct vm_area_struct *vma)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (!ops->mmap)
		return -EINVAL;
	return ops->mmap(vdev_to_mdev(vdev), vma);
}

static void vfio_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);
	struct mdev_device *mdev = vdev_to_mdev(vdev);

	if (ops->request)
		ops->request(mdev, count);
	else if (count == 0)
		dev_notice(mdev_dev(mdev),
			   "waiting for userspace to release the device; its driver cannot ask\n");
}

/*
 * Always present: type1 only lets devices with a dma_unmap op pin pages,
 * and calls it only for ranges that overlap pinned pages.
 */
static void vfio_mdev_dma_unmap(struct vfio_device *vdev, u64 iova,
				u64 length)
{
	const struct mdev_parent_ops *ops = vdev_ops(vdev);

	if (ops->dma_unmap)
		ops->dma_unmap(vdev_to_mdev(vdev), iova, length);
}

static const struct mdev_migration_ops *vdev_mig(struct vfio_device *vdev)
{
	return vdev_ops(vdev)->migration;
}

static struct file *vfio_mdev_set_state(struct vfio_device *vdev,
					enum vfio_device_mig_state new_state)
{
	return vdev_mig(vdev)->set_state(vdev_to_mdev(vdev), new_state);
}

static int vfio_mdev_get_state(struct vfio_device *vdev,
			       enum vfio_device_mig_state *curr_state)
{
	return vdev_mig(vdev)->get_state(vdev_to_mdev(vdev), curr_state);
}

static int vfio_mdev_get_data_size(struct vfio_device *vdev,
				   unsigned long *stop_copy_length)
{
	return vdev_mig(vdev)->get_data_size(vdev_to_mdev(vdev),
					     stop_copy_length);
}

static const struct vfio_migration_ops vfio_mdev_mig_ops = {
	.migration_set_state = vfio_mdev_set_state,
	.migration_get_state = vfio_mdev_get_state,
	.migration_get_data_size = vfio_mdev_get_data_size,
};

/*
 * The DMA dirty log of a device that never writes guest memory: always
 * empty, which is exact.  Without it QEMU (10.0, legacy container, its
 * default enable-migration=auto) finds neither device nor IOMMU dirty
 * tracking and blocks migration; the type1 log of such a device is empty
 * as well, but QEMU cannot tell.
 */
static int vfio_mdev_log_start(struct vfio_device *vdev,
			       struct rb_root_cached *ranges, u32 nnodes,
			       u64 *page_size)
{
	struct vfio_mdev_device *vmdev = container_of(vdev, struct vfio_mdev_device, vdev);

	return atomic_cmpxchg(&vmdev->dma_logging, 0, 1) ? -EBUSY : 0;
}

static int vfio_mdev_log_stop(struct vfio_device *vdev)
{
	struct vfio_mdev_device *vmdev = container_of(vdev, struct vfio_mdev_device, vdev);

	atomic_set(&vmdev->dma_logging, 0);
	return 0;
}

static int vfio_mdev_log_read_and_clear(struct vfio_device *vdev,
					unsigned long iova, unsigned long length,
					struct iova_bitmap *dirty)
{
	struct vfio_mdev_device *vmdev = container_of(vdev, struct vfio_mdev_device, vdev);

	return atomic_read(&vmdev->dma_logging) ? 0 : -EINVAL;
}

static const struct vfio_log_ops vfio_mdev_no_dma_log_ops = {
	.log_start = vfio_mdev_log_start,
	.log_stop = vfio_mdev_log_stop,
	.log_read_and_clear = vfio_mdev_log_read_and_clear,
};

static const struct vfio_device_ops vfio_mdev_dev_ops = {
	.name = "vfio-mdev",
	.release = vfio_mdev_release,
	.open_device = vfio_mdev_open_device,
	.close_device = vfio_mdev_close_device,
	.read = vfio_mdev_read,
	.write = vfio_mdev_write,
	.ioctl = vfio_mdev_ioctl,
	.mmap = vfio_mdev_mmap,
	.request = vfio_mdev_request,
	.dma_unmap = vfio_mdev_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

/*
 * Migration is offered only when the parent implements all of it: the
 * VFIO core calls each of the three callbacks without checking for NULL.
 */
static void vfio_mdev_set_migration(struct vfio_mdev_device *vmdev)
{
	const struct mdev_migration_ops *mig = vdev_mig(&vmdev->vdev);
	u32 flags;

	if (!mig || !mig->flags || !mig->set_state || !mig->get_state ||
	    !mig->get_data_size)
		return;
	flags = mig->flags(vmdev->mdev);
	if (!(flags & VFIO_MIGRATION_STOP_COPY))
		return;
	vmdev->vdev.migration_flags = flags;
	vmdev->vdev.mig_ops = &vfio_mdev_mig_ops;
	/*
	 * The core reports a DMA log through iova_bitmap, which only a kernel
	 * with IOMMUFD_DRIVER has (Debian's 6.12 has not): elsewhere a log
	 * could be started but never read, and QEMU's first dirty sync
	 * would fail the migration.  There QEMU needs enable-migration=on
	 * and uses the type1 container's dirty log, also empty.
	 */
	if (mig->no_dma && IS_ENABLED(CONFIG_IOMMUFD_DRIVER))
		vmdev->vdev.log_ops = &vfio_mdev_no_dma_log_ops;
}

static bool vfio_mdev_match(struct mdev_device *mdev)
{
	return !strncmp(mdev_parent_of(mdev)->ops->device_api, "vfio-", 5);
}

static int vfio_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_mdev_device *vmdev;
	int ret;

	atomic_inc(&vfio_mdev_devices);
	vmdev = vfio_alloc_device(vfio_mdev_device, vdev, mdev_dev(mdev),
				  &vfio_mdev_dev_ops);
	if (IS_ERR(vmdev)) {
		vfio_mdev_release(NULL);
		return PTR_ERR(vmdev);
	}
	vmdev->mdev = mdev;
	dev_set_drvdata(mdev_dev(mdev), vmdev);
	vfio_mdev_set_migration(vmdev);

	/*
	 * The device can be opened as soon as registration returns, and the
	 * parent's ops (zapping mappings on reset) use mdev->vdev: publish
	 * it first.
	 */
	mdev->vdev = &vmdev->vdev;
	ret = vfio_register_emulated_iommu_dev(&vmdev->vdev);
	if (ret) {
		mdev->vdev = NULL;
		dev_set_drvdata(mdev_dev(mdev), NULL);
		vfio_put_device(&vmdev->vdev);
		return ret;
	}
	return 0;
}

static void vfio_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_mdev_device *vmdev = dev_get_drvdata(mdev_dev(mdev));

	/* Waits for every fd to close, calling ->request meanwhile. */
	vfio_unregister_group_dev(&vmdev->vdev);
	mdev->vdev = NULL;
	vfio_put_device(&vmdev->vdev);
}

static struct mdev_driver vfio_mdev_driver = {
	.match = vfio_mdev_match,
	.probe = vfio_mdev_probe,
	.remove = vfio_mdev_remove,
	.driver = {
		.name = "vfio_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
};

static int __init vfio_mdev_init(void)
{
	return vslice_mdev_register_driver(&vfio_mdev_driver);
}

static void __exit vfio_mdev_exit(void)
{
	vslice_mdev_unregister_driver(&vfio_mdev_driver);
	wait_var_event(&vfio_mdev_devices, !atomic_read(&vfio_mdev_devices));
}

module_init(vfio_mdev_init);
module_exit(vfio_mdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO bus driver for vslice mediated devices");
MODULE_AUTHOR("The vslice authors");
