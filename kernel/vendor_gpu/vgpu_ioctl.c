// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctls of a vGPU's device fd, and its function reset.
 */
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vgpu.h"

/**
 * vgpu_function_reset() - reset the function, as an FLR
 * @mdev: the instance
 *
 * Config space and registers go to their power-on values, so memory
 * decode is off and every BAR0 mapping is taken away until the user
 * turns decode on again.  The interrupt line follows the registers;
 * eventfds stay, as vfio-pci keeps them across a reset.  The monitor
 * (EDID) stays: a reset does not unplug it.
 */
void vgpu_function_reset(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	down_write(&inst->memory_lock);
	mutex_lock(&inst->lock);
	write_seqcount_begin(&inst->emul_seq);
	vgpu_cfg_reset(&inst->cfg);
	vgpu_regs_reset(&inst->regs);
	write_seqcount_end(&inst->emul_seq);
	vgpu_update_irq(inst);
	mutex_unlock(&inst->lock);
	vgpu_bar0_zap(mdev);
	up_write(&inst->memory_lock);
}

static long vgpu_ioctl_get_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VGPU_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * vgpu_ioctl() - the device fd's ioctls
 * @mdev: the instance
 * @cmd: the ioctl
 * @arg: its argument
 *
 * Return: 0 or a positive value on success, a negative errno otherwise;
 * -ENOTTY for an ioctl the device does not have.
 */
long vgpu_ioctl(struct mdev_device *mdev, unsigned int cmd, unsigned long arg)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vgpu_ioctl_get_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vgpu_ioctl_get_region_info(inst, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vgpu_irq_ioctl_get_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return vgpu_irq_ioctl_set(&inst->irq, mdev_dev(mdev), arg);
	case VFIO_DEVICE_RESET:
		vgpu_mig_reset(mdev);
		vgpu_function_reset(mdev);
		return 0;
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return vgpu_ioctl_query_gfx_plane(mdev, arg);
	default:
		return -ENOTTY;
	}
}

