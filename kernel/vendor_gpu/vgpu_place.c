// SPDX-License-Identifier: GPL-2.0-only
/*
 * Placement: which vGPU types can be created on a GPU right now, and
 * where an instance's slice goes in its VRAM.
 */
#include "vgpu.h"

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
 * Return: 0 with @inst->first_unit set, or -ENOSPC (logged with the
 * reason) when the type cannot be created now.
 */
int vgpu_place(struct vgpu_instance *inst)
{
	struct vgpu_device *gpu = inst->gpu;
	int ret;

	mutex_lock(&gpu->lock);
	if (!vgpu_creatable(gpu, inst->type_index)) {
		vgpu_log_no_room(gpu, inst->type_index);
		ret = -ENOSPC;
	} else {
		ret = vs_pool_alloc(&gpu->pool, inst->units, &inst->first_unit);
		if (!ret)
			gpu->live[inst->type_index]++;
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
}
