// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs attributes of the vendor driver:
 *
 * /sys/bus/mdev/devices/<uuid>/vslice/      one instance
 *   vram_offset, vram_size   where its slice is (read-only)
 *   scanout                  what its display scans out, or why nothing
 *   owner                    a label for people and tools, naming who
 *                            created it; no access control: root (the
 *                            file is 0644) may set it to anything, and
 *                            nothing checks it before an open, a create
 *                            or a remove
 *   max_resolution           "<w>x<h>", at most the type's; only while
 *                            the device is not open (a guest reads the
 *                            limit through DISPI GETCAPS and the EDID
 *                            when its driver or firmware starts, and
 *                            keeps it); the EDID's preferred mode
 *   migration_precopy_bytes  stream bytes the last migration (save) of
 *   migration_stop_copy_bytes
 *                            the vGPU gave while the guest ran, and from
 *                            the pause on (read-only)
 *
 * /sys/bus/pci/devices/<gpu>/vslice/       one GPU
 *   placement                "mixed" or "homogeneous"
 *   type_table               where the types came from
 *   vram_scrub_pending       MiB of free VRAM not zeroed yet: the
 *                            scrubber's work left (0: every free block
 *                            is clean, and a create finds its slice
 *                            ready)
 *   vram_clear_waits         how many opens waited for their slice to
 *                            be cleared (a create that found no clean
 *                            block, an open soon after the last close)
 *
 * A rejected write returns EINVAL (or EBUSY), logs why, and changes
 * nothing.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "vgpu.h"

bool vgpu_default_homogeneous;
module_param_named(homogeneous, vgpu_default_homogeneous, bool, 0444);
MODULE_PARM_DESC(homogeneous, "Place only one vGPU type per GPU at a time (default: mixed types); each GPU's vslice/placement can change it");

static struct vgpu_instance *dev_to_inst(struct device *dev)
{
	return mdev_get_drvdata(to_mdev_device(dev));
}

static ssize_t vram_offset_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", (u64)vgpu_slice_offset(dev_to_inst(dev)));
}
static DEVICE_ATTR_RO(vram_offset);

static ssize_t vram_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", (u64)vgpu_slice_size(dev_to_inst(dev)));
}
static DEVICE_ATTR_RO(vram_size);

static ssize_t scanout_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vgpu_instance *inst = dev_to_inst(dev);
	struct vgpu_scanout so;
	int ret;

	mutex_lock(&inst->lock);
	ret = vgpu_regs_scanout(&inst->regs, &so);
	mutex_unlock(&inst->lock);
	if (ret == -ENODATA)
		return sysfs_emit(buf, "disabled\n");
	if (ret)
		return sysfs_emit(buf, "invalid\n");
	return sysfs_emit(buf, "%ux%u bpp=%u stride=%u offset=0x%x\n",
			  so.width, so.height, so.bpp, so.stride, so.offset);
}
static DEVICE_ATTR_RO(scanout);

static ssize_t owner_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vgpu_instance *inst = dev_to_inst(dev);
	ssize_t n;

	mutex_lock(&inst->lock);
	n = sysfs_emit(buf, "%s\n", inst->owner);
	mutex_unlock(&inst->lock);
	return n;
}

static ssize_t owner_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct vgpu_instance *inst = dev_to_inst(dev);
	char owner[VGPU_OWNER_LEN];

	if (vgpu_parse_owner(buf, count, owner)) {
		dev_info(dev, "owner: \"%*pE\" is not up to %d characters of [A-Za-z0-9._:@/-]\n",
			 (int)min_t(size_t, count, 80), buf, VGPU_OWNER_LEN - 1);
		return -EINVAL;
	}
	mutex_lock(&inst->lock);
	strscpy(inst->owner, owner, sizeof(inst->owner));
	mutex_unlock(&inst->lock);
	return count;
}
static DEVICE_ATTR_RW(owner);

static ssize_t max_resolution_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vgpu_instance *inst = dev_to_inst(dev);
	ssize_t n;

	mutex_lock(&inst->lock);
	n = sysfs_emit(buf, "%ux%u\n", inst->regs.limits.max_width,
		       inst->regs.limits.max_height);
	mutex_unlock(&inst->lock);
	return n;
}

static ssize_t max_resolution_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct vgpu_instance *inst = dev_to_inst(dev);
	const struct vgpu_fw_type *type = inst->type;
	ssize_t ret = count;
	u32 w, h;

	if (vgpu_parse_resolution(buf, count, type->max_width, type->max_height,
				  &w, &h)) {
		dev_info(dev, "max_resolution: \"%*pE\" is not <width>x<height> from 640x480 to the type's %ux%u\n",
			 (int)min_t(size_t, count, 80), buf, type->max_width,
			 type->max_height);
		return -EINVAL;
	}
	mutex_lock(&inst->lock);
	if (inst->open) {
		dev_info(dev, "max_resolution: the device is open; its guest may have read the limit (DISPI GETCAPS) already\n");
		ret = -EBUSY;
	} else {
		write_seqcount_begin(&inst->emul_seq);
		inst->regs.limits.max_width = w;
		inst->regs.limits.max_height = h;
		/* A mode above the new limit does not survive. */
		vgpu_regs_reset(&inst->regs);
		write_seqcount_end(&inst->emul_seq);
		vgpu_update_irq(inst);
		/* The monitor offers the new limit at the guest's next bind. */
		vgpu_display_own_edid(inst);
	}
	mutex_unlock(&inst->lock);
	return ret;
}
static DEVICE_ATTR_RW(max_resolution);

static ssize_t migration_precopy_bytes_show(struct device *dev,
					    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(dev_to_inst(dev)->mig.precopy_bytes));
}
static DEVICE_ATTR_RO(migration_precopy_bytes);

static ssize_t migration_stop_copy_bytes_show(struct device *dev,
					      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(dev_to_inst(dev)->mig.stop_copy_bytes));
}
static DEVICE_ATTR_RO(migration_stop_copy_bytes);

static struct attribute *vgpu_instance_attrs[] = {
	&dev_attr_vram_offset.attr,
	&dev_attr_vram_size.attr,
	&dev_attr_scanout.attr,
	&dev_attr_owner.attr,
	&dev_attr_max_resolution.attr,
	&dev_attr_migration_precopy_bytes.attr,
	&dev_attr_migration_stop_copy_bytes.attr,
	NULL,
};

static const struct attribute_group vgpu_instance_group = {
	.name = "vslice",
	.attrs = vgpu_instance_attrs,
};

const struct attribute_group *vgpu_instance_groups[] = {
	&vgpu_instance_group,
	NULL,
};

static ssize_t placement_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct vgpu_device *gpu = dev_get_drvdata(dev);
	bool homogeneous;

	mutex_lock(&gpu->lock);
	homogeneous = gpu->homogeneous;
	mutex_unlock(&gpu->lock);
	return sysfs_emit(buf, "%s\n", homogeneous ? "homogeneous" : "mixed");
}

static ssize_t placement_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct vgpu_device *gpu = dev_get_drvdata(dev);
	unsigned int i, types = 0;
	bool homogeneous;
	ssize_t ret = count;

	if (sysfs_streq(buf, "homogeneous")) {
		homogeneous = true;
	} else if (sysfs_streq(buf, "mixed")) {
		homogeneous = false;
	} else {
		dev_info(dev, "placement: \"%*pE\" is neither \"mixed\" nor \"homogeneous\"\n",
			 (int)min_t(size_t, count, 80), buf);
		return -EINVAL;
	}
	mutex_lock(&gpu->lock);
	for (i = 0; i < gpu->table.nr_types; i++)
		types += !!gpu->live[i];
	if (homogeneous && types > 1) {
		dev_info(dev, "placement: instances of %u types exist; remove all but one type first\n",
			 types);
		ret = -EBUSY;
	} else {
		gpu->homogeneous = homogeneous;
	}
	mutex_unlock(&gpu->lock);
	return ret;
}
static DEVICE_ATTR_RW(placement);

static ssize_t type_table_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct vgpu_device *gpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", gpu->table_source);
}
static DEVICE_ATTR_RO(type_table);

static ssize_t vram_scrub_pending_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vgpu_scrub_pending_mib(dev_get_drvdata(dev)));
}
static DEVICE_ATTR_RO(vram_scrub_pending);

static ssize_t vram_clear_waits_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct vgpu_device *gpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", atomic_read(&gpu->clear_waits));
}
static DEVICE_ATTR_RO(vram_clear_waits);

static struct attribute *vgpu_gpu_attrs[] = {
	&dev_attr_placement.attr,
	&dev_attr_type_table.attr,
	&dev_attr_vram_scrub_pending.attr,
	&dev_attr_vram_clear_waits.attr,
	NULL,
};

static const struct attribute_group vgpu_gpu_group = {
	.name = "vslice",
	.attrs = vgpu_gpu_attrs,
};

const struct attribute_group *vgpu_gpu_groups[] = {
	&vgpu_gpu_group,
	NULL,
};
