// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vendor's mdev parent: the life of an instance (create, open,
 * close, remove) and the device ops table; the ops themselves are in
 * vgpu_region.c, vgpu_mmap.c, vgpu_ioctl.c and vgpu_display.c, and
 * placement in vgpu_place.c.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "vgpu.h"

/**
 * vgpu_slice_size() - bytes of VRAM behind an instance's BAR0
 * @inst: the instance
 *
 * Return: the slice size.
 */
resource_size_t vgpu_slice_size(const struct vgpu_instance *inst)
{
	return (resource_size_t)inst->units << VGPU_UNIT_SHIFT;
}

/**
 * vgpu_slice_offset() - where an instance's slice starts in the GPU's VRAM
 * @inst: the instance
 *
 * Return: the byte offset in the parent's BAR0.
 */
resource_size_t vgpu_slice_offset(const struct vgpu_instance *inst)
{
	return (resource_size_t)inst->first_unit << VGPU_UNIT_SHIFT;
}

/*
 * Nothing a user wrote reaches the next user of the same VRAM: the dirty
 * units of the slice are zeroed after a create that got dirty units and
 * after the last close, here, off the path of every other instance (each
 * has its own work, and gpu->lock is held only to look at a bit).  An
 * open waits for this work of its own instance only.  Free VRAM is
 * zeroed by the GPU's scrubber (vgpu_place.c), and placement prefers
 * clean blocks, so that a create usually has nothing to clear.
 *
 * A unit the scrubber is zeroing when the slice was placed is waited
 * for: the scrubber gives it up at its next chunk, and the dirty bit says
 * whether it finished.  Only then may this work (and so an open) go on,
 * which is what keeps the scrubber's writes before the owner's.
 */
static void vgpu_clear_work(struct work_struct *work)
{
	struct vgpu_instance *inst = container_of(work, struct vgpu_instance,
						  clear_work);
	struct vgpu_device *gpu = inst->gpu;
	u32 unit, end = inst->first_unit + inst->units;

	for (unit = inst->first_unit; unit < end; unit++) {
		bool dirty;

		wait_event(gpu->scrub_wait, READ_ONCE(gpu->scrub_unit) != unit);
		mutex_lock(&gpu->lock);
		/* Placed: the scrubber does not come back to this unit. */
		WARN_ON_ONCE(gpu->scrub_unit == unit);
		dirty = test_bit(unit, gpu->dirty);
		if (inst->clear_abort) {
			mutex_unlock(&gpu->lock);
			return;
		}
		mutex_unlock(&gpu->lock);
		if (!dirty)
			continue;
		memset_io(gpu->vram + ((resource_size_t)unit << VGPU_UNIT_SHIFT),
			  0, 1 << VGPU_UNIT_SHIFT);
		/* The zeroes land before the bit says the unit is clean. */
		wmb();
		mutex_lock(&gpu->lock);
		__clear_bit(unit, gpu->dirty);
		mutex_unlock(&gpu->lock);
		cond_resched();
	}
}

static int vgpu_create(struct mdev_device *mdev)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mdev_parent_of(mdev));
	const struct vgpu_fw_type *type = mdev_type_drvdata(mdev->type);
	struct vgpu_cfg_ids ids = {
		.vendor = VGPU_PCI_VENDOR,
		.device = VGPU_PCI_DEVICE,
		.subsystem_vendor = VGPU_SUBSYS_VENDOR,
		.class = type->pci_class,
	};
	struct vgpu_regs_limits limits;
	struct vgpu_instance *inst;
	bool dirty = false;
	int ret;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->gpu = gpu;
	inst->type = type;
	inst->type_index = vgpu_type_index(gpu, type);
	inst->units = vgpu_type_units(type);
	init_rwsem(&inst->memory_lock);
	init_rwsem(&inst->display_lock);
	mutex_init(&inst->lock);
	seqcount_mutex_init(&inst->emul_seq, &inst->lock);
	INIT_WORK(&inst->clear_work, vgpu_clear_work);
	vgpu_irq_init(&inst->irq);
	vgpu_mig_init(inst);
	limits.type_index = inst->type_index;
	ids.subsystem_device = VGPU_SUBSYS_DEVICE_BASE + limits.type_index;
	limits.vram_size = inst->units << VGPU_UNIT_SHIFT;
	limits.max_width = type->max_width;
	limits.max_height = type->max_height;
	ret = vgpu_cfg_init(&inst->cfg, &ids, limits.vram_size, VGPU_MMIO_SIZE);
	if (!ret)
		ret = vgpu_regs_init(&inst->regs, &limits);
	if (ret)
		goto err_free;

	vgpu_display_init(inst, mdev->uuid);

	ret = vgpu_place(inst, &dirty);
	if (ret)
		goto err_free;

	mdev_set_drvdata(mdev, inst);
	if (dirty)
		queue_work(system_unbound_wq, &inst->clear_work);
	return 0;

err_free:
	vgpu_irq_destroy(&inst->irq);
	mutex_destroy(&inst->mig.lock);
	mutex_destroy(&inst->lock);
	kfree(inst);
	return ret;
}

static void vgpu_remove(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	/*
	 * Units it did not get to stay dirty: once the slice is free, the
	 * scrubber zeroes them, and remove need not wait for that.
	 */
	mutex_lock(&inst->gpu->lock);
	inst->clear_abort = true;
	mutex_unlock(&inst->gpu->lock);
	cancel_work_sync(&inst->clear_work);
	vgpu_unplace(inst);
	mdev_set_drvdata(mdev, NULL);
	vgpu_irq_destroy(&inst->irq);
	mutex_destroy(&inst->mig.lock);
	mutex_destroy(&inst->lock);
	kfree(inst);
}

/**
 * vgpu_slice_written() - the user may put data in the slice from now on
 * @inst: the instance, open
 *
 * Called before anything of the user's can reach the slice: before a
 * BAR0 mapping is filled (after which writes go unseen), a write through
 * the device fd, a migration load.  The whole slice counts as dirty until
 * its clear work after the last close, so an open that never wrote VRAM
 * leaves its slice clean for the next create and open.
 */
void vgpu_slice_written(struct vgpu_instance *inst)
{
	struct vgpu_device *gpu = inst->gpu;

	if (READ_ONCE(inst->written))
		return;
	mutex_lock(&gpu->lock);
	bitmap_set(gpu->dirty, inst->first_unit, inst->units);
	WRITE_ONCE(inst->written, true);
	mutex_unlock(&gpu->lock);
}

/*
 * A new user finds its slice cleared of what the last one wrote: wait for
 * this instance's clear work (never another's; counted in the GPU's
 * vslice/vram_clear_waits).  The slice becomes dirty again at the first
 * thing this user writes or maps (vgpu_slice_written()).
 * Attributes that are unsafe to change live check ->open.
 */
static int vgpu_open_device(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	if (flush_work(&inst->clear_work))
		atomic_inc(&inst->gpu->clear_waits);
	mutex_lock(&inst->gpu->lock);
	WRITE_ONCE(inst->written, false);
	mutex_unlock(&inst->gpu->lock);
	mutex_lock(&inst->lock);
	inst->open = true;
	mutex_unlock(&inst->lock);
	return 0;
}

/*
 * The last fd closed (so no mapping is left): no eventfd of that user may
 * be signalled again, its migration data files end, the function goes
 * back to its power-on state, and
 * the VRAM it wrote is cleared before anyone opens it again.
 */
static void vgpu_close_device(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	vgpu_irq_release(&inst->irq);
	vgpu_mig_reset(mdev);
	vgpu_function_reset(mdev);
	mutex_lock(&inst->lock);
	inst->open = false;
	/* What the VMM set through the EDID region was its own. */
	vgpu_display_own_edid(inst);
	mutex_unlock(&inst->lock);
	queue_work(system_unbound_wq, &inst->clear_work);
}

static void vgpu_request(struct mdev_device *mdev, unsigned int count)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	vgpu_irq_request(&inst->irq, mdev_dev(mdev), count);
}

static const struct mdev_parent_ops vgpu_parent_ops = {
	.owner = THIS_MODULE,
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.get_available = vgpu_get_available,
	.show_description = vgpu_show_description,
	.create = vgpu_create,
	.remove = vgpu_remove,
	.dev_groups = vgpu_instance_groups,
	.open_device = vgpu_open_device,
	.close_device = vgpu_close_device,
	.read = vgpu_read,
	.write = vgpu_write,
	.ioctl = vgpu_ioctl,
	.mmap = vgpu_mmap,
	.request = vgpu_request,
	.migration = &vgpu_mig_ops,
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

	descs = kcalloc(gpu->table.nr_types, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	for (i = 0; i < gpu->table.nr_types; i++) {
		const struct vgpu_fw_type *type = &gpu->table.types[i];

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

/**
 * vgpu_parent_unregister() - withdraw a GPU's types
 * @gpu: the GPU, registered
 *
 * The mdev core removes the GPU's instances first.
 */
void vgpu_parent_unregister(struct vgpu_device *gpu)
{
	vslice_mdev_unregister_parent(gpu->parent);
	gpu->parent = NULL;
}
