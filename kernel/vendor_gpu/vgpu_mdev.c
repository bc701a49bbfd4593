// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vendor's mdev parent: types, VRAM slices of instances, and the
 * device ops of each instance.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vgpu.h"

static u32 vgpu_type_units(const struct vgpu_type *type)
{
	return type->vram_mib << (20 - VGPU_UNIT_SHIFT);
}

static unsigned int vgpu_get_available(struct mdev_type *mtype)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mtype->parent);
	const struct vgpu_type *type = mdev_type_drvdata(mtype);
	unsigned int n;

	mutex_lock(&gpu->lock);
	n = vs_pool_count_free(&gpu->pool, vgpu_type_units(type));
	mutex_unlock(&gpu->lock);
	return n;
}

static ssize_t vgpu_show_description(struct mdev_type *mtype, char *buf)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mtype->parent);
	const struct vgpu_type *type = mdev_type_drvdata(mtype);

	return sysfs_emit(buf,
			  "framebuffer=%uM, max_instance=%u, max_resolution=%ux%u, num_heads=%u\n",
			  type->vram_mib,
			  (u32)(gpu->vram_size >> 20) / type->vram_mib,
			  type->max_width, type->max_height, type->heads);
}

static int vgpu_create(struct mdev_device *mdev)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mdev_parent_of(mdev));
	const struct vgpu_type *type = mdev_type_drvdata(mdev->type);
	struct vgpu_cfg_ids ids = {
		.vendor = VGPU_PCI_VENDOR,
		.device = VGPU_PCI_DEVICE,
		.subsystem_vendor = VGPU_SUBSYS_VENDOR,
		.class = 0x030000,
	};
	struct vgpu_instance *inst;
	int ret;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->gpu = gpu;
	inst->type = type;
	inst->units = vgpu_type_units(type);
	mutex_init(&inst->lock);
	ids.subsystem_device = VGPU_SUBSYS_DEVICE_BASE + (type - vgpu_builtin_types);
	ret = vgpu_cfg_init(&inst->cfg, &ids, inst->units << VGPU_UNIT_SHIFT,
			    VGPU_MMIO_BAR_SIZE);
	if (ret) {
		mutex_destroy(&inst->lock);
		kfree(inst);
		return ret;
	}

	mutex_lock(&gpu->lock);
	ret = vs_pool_alloc(&gpu->pool, inst->units, &inst->first_unit);
	mutex_unlock(&gpu->lock);
	if (ret) {
		mutex_destroy(&inst->lock);
		kfree(inst);
		return ret;
	}

	/* A new instance never sees what a removed one left in VRAM. */
	memset_io(gpu->vram + ((resource_size_t)inst->first_unit << VGPU_UNIT_SHIFT),
		  0, (size_t)inst->units << VGPU_UNIT_SHIFT);
	mdev_set_drvdata(mdev, inst);
	return 0;
}

static void vgpu_remove(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	struct vgpu_device *gpu = inst->gpu;

	mutex_lock(&gpu->lock);
	WARN_ON(vs_pool_free(&gpu->pool, inst->first_unit, inst->units));
	mutex_unlock(&gpu->lock);
	mdev_set_drvdata(mdev, NULL);
	mutex_destroy(&inst->lock);
	kfree(inst);
}

/* The largest naturally aligned access, as a CPU would split it. */
static u32 vgpu_cfg_chunk(loff_t pos, size_t count)
{
	if (count >= 4 && !(pos % 4))
		return 4;
	if (count >= 2 && !(pos % 2))
		return 2;
	return 1;
}

static ssize_t vgpu_cfg_rw(struct vgpu_instance *inst, char __user *buf,
			   size_t count, loff_t pos, bool write)
{
	size_t done = 0;
	int ret = 0;

	if (pos >= VGPU_CFG_SIZE || count > VGPU_CFG_SIZE - pos)
		return -EINVAL;

	mutex_lock(&inst->lock);
	while (done < count) {
		u32 len = vgpu_cfg_chunk(pos + done, count - done);
		__le32 raw = 0;
		u32 val;

		if (write) {
			if (copy_from_user(&raw, buf + done, len)) {
				ret = -EFAULT;
				break;
			}
			ret = vgpu_cfg_write(&inst->cfg, pos + done, len,
					     le32_to_cpu(raw));
		} else {
			ret = vgpu_cfg_read(&inst->cfg, pos + done, len, &val);
			raw = cpu_to_le32(val);
			if (!ret && copy_to_user(buf + done, &raw, len))
				ret = -EFAULT;
		}
		if (ret)
			break;
		done += len;
	}
	mutex_unlock(&inst->lock);
	return ret ? ret : count;
}

static ssize_t vgpu_rw(struct mdev_device *mdev, char __user *buf,
		       size_t count, loff_t *ppos, bool write)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	unsigned int index = *ppos >> VGPU_REGION_SHIFT;
	loff_t pos = *ppos & VGPU_REGION_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = vgpu_cfg_rw(inst, buf, count, pos, write);
		break;
	default:
		return -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t vgpu_read(struct mdev_device *mdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	return vgpu_rw(mdev, buf, count, ppos, false);
}

static ssize_t vgpu_write(struct mdev_device *mdev, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	return vgpu_rw(mdev, (char __user *)buf, count, ppos, true);
}

static long vgpu_ioctl_get_region_info(unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	/* Regions that do not exist (yet) answer with size 0. */
	info.flags = 0;
	info.size = 0;
	info.cap_offset = 0;
	info.offset = VGPU_REGION_OFFSET(info.index);
	if (info.index == VFIO_PCI_CONFIG_REGION_INDEX) {
		info.size = VGPU_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl_reset(struct vgpu_instance *inst)
{
	mutex_lock(&inst->lock);
	vgpu_cfg_reset(&inst->cfg);
	mutex_unlock(&inst->lock);
	return 0;
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
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl(struct mdev_device *mdev, unsigned int cmd,
		       unsigned long arg)
{
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vgpu_ioctl_get_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vgpu_ioctl_get_region_info(arg);
	case VFIO_DEVICE_RESET:
		return vgpu_ioctl_reset(mdev_get_drvdata(mdev));
	default:
		return -ENOTTY;
	}
}

static const struct mdev_parent_ops vgpu_parent_ops = {
	.owner = THIS_MODULE,
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.get_available = vgpu_get_available,
	.show_description = vgpu_show_description,
	.create = vgpu_create,
	.remove = vgpu_remove,
	.read = vgpu_read,
	.write = vgpu_write,
	.ioctl = vgpu_ioctl,
};

/**
 * vgpu_parent_register() - publish a GPU's types as an mdev parent
 * @gpu: the GPU, with VRAM mapped
 *
 * Types that do not fit in the GPU's VRAM are not published.
 *
 * Return: 0 or a negative errno.
 */
int vgpu_parent_register(struct vgpu_device *gpu)
{
	struct mdev_type_desc *descs;
	struct mdev_parent *parent;
	unsigned int i, n = 0;

	descs = kcalloc(vgpu_nr_builtin_types, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	for (i = 0; i < vgpu_nr_builtin_types; i++) {
		const struct vgpu_type *type = &vgpu_builtin_types[i];

		if (((resource_size_t)type->vram_mib << 20) > gpu->vram_size)
			continue;
		descs[n].sysfs_name = type->id;
		descs[n].pretty_name = type->name;
		descs[n].driver_data = (void *)type;
		n++;
	}
	if (!n) {
		kfree(descs);
		pci_err(gpu->pdev, "VRAM of %pa bytes is too small for any vGPU type\n",
			&gpu->vram_size);
		return -ENODEV;
	}

	parent = vslice_mdev_register_parent(&gpu->pdev->dev, &vgpu_parent_ops,
					     descs, n, gpu);
	kfree(descs);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	gpu->parent = parent;
	return 0;
}

void vgpu_parent_unregister(struct vgpu_device *gpu)
{
	vslice_mdev_unregister_parent(gpu->parent);
	gpu->parent = NULL;
}
