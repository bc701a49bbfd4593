// SPDX-License-Identifier: GPL-2.0-only
/*
 * Placement: which vGPU types can be created on a GPU right now, and
 * where an instance's slice goes in its VRAM; and the scrubber, which
 * zeroes free VRAM in the background so that a new slice is clean
 * before anyone asks for it.
 */
#include <linux/io.h>
#include <linux/sched.h>

#include "vgpu.h"

/*
 * The scrubber starts this long after VRAM became free and dirty: the
 * creates and removes of a burst (a host starting or stopping its VMs)
 * run first, and a create soon after a remove still finds clean blocks
 * elsewhere.
 */
#define VGPU_SCRUB_DELAY_MS 1000
/*
 * It writes a unit in chunks this large and looks between them whether
 * the unit was given to an instance meanwhile, so that the instance's
 * clear work never waits for more than one chunk.
 */
#define VGPU_SCRUB_CHUNK (256 << 10)

/**
 * vgpu_type_units() - slice size of a type
 * @type: the type
 *
 * Return: the size in VRAM units.
 */
u32 vgpu_type_units(const struct vgpu_fw_type *type)
{
	return type->vram_mib << (20 - VGPU_UNIT_SHIFT);
}

/**
 * vgpu_type_index() - a type's index in its GPU's table
 * @gpu: the GPU
 * @type: an entry of @gpu's table
 *
 * Return: the index.
 */
u32 vgpu_type_index(struct vgpu_device *gpu, const struct vgpu_fw_type *type)
{
	return type - gpu->table.types;
}

/*
 * How many instances of a type can be created right now: free naturally
 * aligned blocks of its size, within its maximum, and under homogeneous
 * placement none while another type has instances.  Called with
 * gpu->lock held.
 */
static unsigned int vgpu_creatable(struct vgpu_device *gpu, u32 index)
{
	const struct vgpu_fw_type *type = &gpu->table.types[index];
	unsigned int i;

	lockdep_assert_held(&gpu->lock);
	if (gpu->live[index] >= type->max_instances)
		return 0;
	for (i = 0; gpu->homogeneous && i < gpu->table.nr_types; i++)
		if (i != index && gpu->live[i])
			return 0;
	return min_t(u32, vs_pool_count_free(&gpu->pool, vgpu_type_units(type)),
		     type->max_instances - gpu->live[index]);
}

/**
 * vgpu_get_available() - available_instances of a type
 * @mtype: the mdev type
 *
 * Return: how many instances of it can be created now.
 */
unsigned int vgpu_get_available(struct mdev_type *mtype)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mtype->parent);
	const struct vgpu_fw_type *type = mdev_type_drvdata(mtype);
	unsigned int n;

	mutex_lock(&gpu->lock);
	n = vgpu_creatable(gpu, vgpu_type_index(gpu, type));
	mutex_unlock(&gpu->lock);
	return n;
}

/**
 * vgpu_show_description() - the description attribute of a type
 * @mtype: the mdev type
 * @buf: the sysfs page
 *
 * Return: bytes written.
 */
ssize_t vgpu_show_description(struct mdev_type *mtype, char *buf)
{
	const struct vgpu_fw_type *type = mdev_type_drvdata(mtype);

	return sysfs_emit(buf,
			  "framebuffer=%uM, max_instance=%u, max_resolution=%ux%u, class=0x%06x\n",
			  type->vram_mib, type->max_instances, type->max_width,
			  type->max_height, type->pci_class);
}

/* Why nothing of a type can be placed, for the log.  gpu->lock held. */
static void vgpu_log_no_room(struct vgpu_device *gpu, u32 index)
{
	const struct vgpu_fw_type *type = &gpu->table.types[index];
	unsigned int i;

	if (gpu->live[index] >= type->max_instances) {
		pci_info(gpu->pdev, "create %s: the type's maximum of %u instances exist\n",
			 type->id, type->max_instances);
		return;
	}
	for (i = 0; gpu->homogeneous && i < gpu->table.nr_types; i++) {
		if (i != index && gpu->live[i]) {
			pci_info(gpu->pdev, "create %s: homogeneous placement and the GPU holds %s instances\n",
				 type->id, gpu->table.types[i].id);
			return;
		}
	}
	pci_info(gpu->pdev, "create %s: no free naturally aligned %u MiB block of VRAM\n",
		 type->id, type->vram_mib);
}

/**
 * vgpu_place() - give a new instance its slice
 * @inst: the instance, with its type and size set
 *
 * @dirty: set when the slice has units to clear before its first open
 *
 * The slice goes to a free block with no dirty unit when one exists
 * (vs_pool_alloc_clean()).
 *
 * Return: 0 with @inst->first_unit and @dirty set, or -ENOSPC (logged
 * with the reason) when the type cannot be created now.
 */
int vgpu_place(struct vgpu_instance *inst, bool *dirty)
{
	struct vgpu_device *gpu = inst->gpu;
	u32 end;
	int ret;

	mutex_lock(&gpu->lock);
	if (!vgpu_creatable(gpu, inst->type_index)) {
		vgpu_log_no_room(gpu, inst->type_index);
		ret = -ENOSPC;
	} else {
		ret = vs_pool_alloc_clean(&gpu->pool, inst->units, gpu->dirty,
					  &inst->first_unit);
		if (!ret) {
			gpu->live[inst->type_index]++;
			/* A unit the scrubber is writing is still dirty. */
			end = inst->first_unit + inst->units;
			*dirty = find_next_bit(gpu->dirty, end,
					       inst->first_unit) < end;
		}
	}
	mutex_unlock(&gpu->lock);
	return ret;
}

/**
 * vgpu_unplace() - give an instance's slice back
 * @inst: the instance
 */
void vgpu_unplace(struct vgpu_instance *inst)
{
	struct vgpu_device *gpu = inst->gpu;

	mutex_lock(&gpu->lock);
	WARN_ON(vs_pool_free(&gpu->pool, inst->first_unit, inst->units));
	gpu->live[inst->type_index]--;
	mutex_unlock(&gpu->lock);
	vgpu_scrub_kick(gpu);
}

/* Whether @unit is still free to scrub.  Takes gpu->lock. */
static bool vgpu_scrub_may_write(struct vgpu_device *gpu, u32 unit)
{
	bool ok;

	mutex_lock(&gpu->lock);
	ok = !gpu->scrub_stop && !vs_pool_unit_used(&gpu->pool, unit);
	mutex_unlock(&gpu->lock);
	return ok;
}

/*
 * Zero one unit, chunk by chunk, while it stays free.  Return: whether
 * all of it was written.
 */
static bool vgpu_scrub_unit(struct vgpu_device *gpu, u32 unit)
{
	resource_size_t at = (resource_size_t)unit << VGPU_UNIT_SHIFT;
	u32 done;

	for (done = 0; done < (1 << VGPU_UNIT_SHIFT); done += VGPU_SCRUB_CHUNK) {
		if (done && !vgpu_scrub_may_write(gpu, unit))
			return false;
		memset_io(gpu->vram + at + done, 0, VGPU_SCRUB_CHUNK);
		cond_resched();
	}
	return true;
}

/*
 * The scrubber: zero free dirty units, lowest first, until none is left
 * or the GPU is being unbound.  See &vgpu_device.scrub_unit for the
 * handshake with instances' clear works.
 */
static void vgpu_scrub_fn(struct kthread_work *work)
{
	struct vgpu_device *gpu = container_of(work, struct vgpu_device,
					       scrub_work.work);
	u32 unit;
	bool done;

	for (;;) {
		mutex_lock(&gpu->lock);
		unit = vs_pool_next_dirty_free(&gpu->pool, gpu->dirty);
		if (gpu->scrub_stop || unit >= gpu->pool.nr_units) {
			mutex_unlock(&gpu->lock);
			return;
		}
		gpu->scrub_unit = unit;
		mutex_unlock(&gpu->lock);

		done = vgpu_scrub_unit(gpu, unit);
		/* The zeroes land before anyone learns the unit is clean. */
		wmb();

		mutex_lock(&gpu->lock);
		if (done)
			__clear_bit(unit, gpu->dirty);
		gpu->scrub_unit = VGPU_NO_UNIT;
		mutex_unlock(&gpu->lock);
		wake_up_all(&gpu->scrub_wait);
	}
}

/**
 * vgpu_scrub_start() - set up a GPU's scrubber, with all of VRAM dirty
 * @gpu: the GPU, VRAM mapped, not registered yet
 *
 * Return: 0 or a negative errno.
 */
int vgpu_scrub_start(struct vgpu_device *gpu)
{
	struct kthread_worker *worker;

	gpu->scrub_unit = VGPU_NO_UNIT;
	init_waitqueue_head(&gpu->scrub_wait);
	kthread_init_delayed_work(&gpu->scrub_work, vgpu_scrub_fn);
	worker = kthread_create_worker(0, "vslice-scrub/%s", pci_name(gpu->pdev));
	if (IS_ERR(worker))
		return PTR_ERR(worker);
	/* Background work: whatever else wants the CPU goes first. */
	set_user_nice(worker->task, MAX_NICE);
	gpu->scrub_worker = worker;
	vgpu_scrub_kick(gpu);
	return 0;
}

/**
 * vgpu_scrub_kick() - have the scrubber look for free dirty units soon
 * @gpu: the GPU
 *
 * A scrub already queued keeps its time, so a stream of removes does not
 * put it off for ever; one that is running finds the new units itself or
 * is queued again.
 */
void vgpu_scrub_kick(struct vgpu_device *gpu)
{
	mutex_lock(&gpu->lock);
	if (!gpu->scrub_stop)
		kthread_queue_delayed_work(gpu->scrub_worker, &gpu->scrub_work,
					   msecs_to_jiffies(VGPU_SCRUB_DELAY_MS));
	mutex_unlock(&gpu->lock);
}

/**
 * vgpu_scrub_stop() - end a GPU's scrubber
 * @gpu: the GPU, no longer registered (no instance left)
 *
 * A scrub in progress ends at its next chunk; the units it did not get
 * to stay dirty, as they are at the next bind.
 */
void vgpu_scrub_stop(struct vgpu_device *gpu)
{
	mutex_lock(&gpu->lock);
	gpu->scrub_stop = true;
	mutex_unlock(&gpu->lock);
	kthread_cancel_delayed_work_sync(&gpu->scrub_work);
	kthread_destroy_worker(gpu->scrub_worker);
	gpu->scrub_worker = NULL;
}

/**
 * vgpu_scrub_pending_mib() - free VRAM the scrubber has yet to zero
 * @gpu: the GPU
 *
 * Return: MiB of units that are free and dirty.
 */
u32 vgpu_scrub_pending_mib(struct vgpu_device *gpu)
{
	u32 n;

	mutex_lock(&gpu->lock);
	n = vs_pool_count_dirty_free(&gpu->pool, gpu->dirty);
	mutex_unlock(&gpu->lock);
	/* Units are 1 MiB: shifting n up by 20 first would overflow at 4 GiB. */
	return n << (VGPU_UNIT_SHIFT - 20);
}
