// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mappings of a vGPU's slice: BAR0, for the guest, and the display
 * region, for a VMM that shows the primary plane.
 *
 * Both are filled on fault, one VRAM page at a time, so that taking a
 * mapping away is all it takes to change what it shows: BAR0's when the
 * function stops decoding memory, the display region's when the plane
 * moves.  Neither can reach outside the instance's slice.
 */
#include <linux/mm.h>
#include <linux/vfio.h>

#include "vgpu.h"

static unsigned long vgpu_slice_pfn(struct vgpu_instance *inst)
{
	return (inst->gpu->vram_phys + vgpu_slice_offset(inst)) >> PAGE_SHIFT;
}

/*
 * BAR0 mappings are filled on fault, one VRAM page at a time, and only
 * while the function decodes memory: turning decode off (a config write,
 * reset, D3hot) takes every mapping away under memory_lock, and a fault
 * that finds decode off gets SIGBUS, as on vfio-pci.
 *
 * While migration tracks writes, a read fault maps the page read-only,
 * so that the first write to it comes to vgpu_bar0_mkwrite(); a write
 * fault notes the page and maps it writable.
 */
/*
 * The protection of a BAR0 page.  The mapping's own is read-only: the
 * core write-protects shared mappings that have pfn_mkwrite.  Outside
 * migration a page is mapped as the mapping allows at once, so a write
 * costs one fault, not two.
 */
static pgprot_t vgpu_bar0_prot(struct vm_area_struct *vma, bool writable)
{
	vm_flags_t flags = writable ? vma->vm_flags : vma->vm_flags & ~VM_WRITE;

	return pgprot_writecombine(vm_get_page_prot(flags));
}

static vm_fault_t vgpu_bar0_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vgpu_instance *inst = vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	bool writable = true;
	unsigned long pfn;
	vm_fault_t ret;

	if (pgoff >= vgpu_slice_size(inst) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	pfn = vgpu_slice_pfn(inst);
	down_read(&inst->memory_lock);
	if (!vgpu_cfg_mem_enabled(&inst->cfg)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	if (inst->mig.tracking) {
		writable = vmf->flags & FAULT_FLAG_WRITE;
		if (writable)
			vgpu_mig_note_write(inst, (u64)pgoff << PAGE_SHIFT, PAGE_SIZE);
	}
	ret = vmf_insert_pfn_prot(vma, vmf->address, pfn + pgoff,
				  vgpu_bar0_prot(vma, writable));
out:
	up_read(&inst->memory_lock);
	return ret;
}

/*
 * The first write to a page mapped read-only while migration tracked
 * writes: note it, and the core makes the mapping writable, unless the
 * save file took it away meanwhile (then the write faults again).
 */
static vm_fault_t vgpu_bar0_mkwrite(struct vm_fault *vmf)
{
	struct vgpu_instance *inst = vmf->vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	vm_fault_t ret = 0;

	down_read(&inst->memory_lock);
	if (!vgpu_cfg_mem_enabled(&inst->cfg))
		ret = VM_FAULT_SIGBUS;
	else
		vgpu_mig_note_write(inst, (u64)pgoff << PAGE_SHIFT, PAGE_SIZE);
	up_read(&inst->memory_lock);
	return ret;
}

static const struct vm_operations_struct vgpu_bar0_vm_ops = {
	.fault = vgpu_bar0_fault,
	.pfn_mkwrite = vgpu_bar0_mkwrite,
};

/*
 * The display region starts at the plane's base (display_base): page N
 * of it is page N after the base in the slice, and nothing past the
 * slice's end.  It is not a BAR, so memory decode does not gate it: the
 * display engine of a real GPU scans out whatever the command register
 * says.
 */
static vm_fault_t vgpu_display_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vgpu_instance *inst = vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	unsigned long pages = vgpu_slice_size(inst) >> PAGE_SHIFT;
	vm_fault_t ret;

	down_read(&inst->display_lock);
	pgoff += inst->display_base >> PAGE_SHIFT;
	if (pgoff < pages)
		ret = vmf_insert_pfn_prot(vma, vmf->address,
					  vgpu_slice_pfn(inst) + pgoff,
					  vma->vm_page_prot);
	else
		ret = VM_FAULT_SIGBUS;
	up_read(&inst->display_lock);
	return ret;
}

static const struct vm_operations_struct vgpu_display_vm_ops = {
	.fault = vgpu_display_fault,
};

/**
 * vgpu_mmap() - map BAR0 or the display region
 * @mdev: the instance
 * @vma: a shared mapping inside one of them; the display region's only
 *	for reading
 *
 * Return: 0 or -EINVAL.
 */
int vgpu_mmap(struct mdev_device *mdev, struct vm_area_struct *vma)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	unsigned long index = vma->vm_pgoff >> (VGPU_REGION_SHIFT - PAGE_SHIFT);
	u64 start = (u64)(vma->vm_pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT)) << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (index != VFIO_PCI_BAR0_REGION_INDEX &&
	    index != VGPU_DISPLAY_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (start >= vgpu_slice_size(inst) || len > vgpu_slice_size(inst) - start)
		return -EINVAL;

	if (index == VGPU_DISPLAY_REGION_INDEX) {
		/* The region has no WRITE flag: as vfio-pci, refuse. */
		if (vma->vm_flags & VM_WRITE)
			return -EINVAL;
		vm_flags_clear(vma, VM_MAYWRITE);
		vma->vm_ops = &vgpu_display_vm_ops;
	} else {
		vma->vm_ops = &vgpu_bar0_vm_ops;
	}
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = inst;
	return 0;
}

/**
 * vgpu_bar0_zap() - take the slice away from every BAR0 mapping
 * @mdev: the instance
 *
 * Called with memory_lock held for write after decode went off: faults
 * cannot map it again until decode is back.
 */
void vgpu_bar0_zap(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	lockdep_assert_held_write(&inst->memory_lock);
	if (mdev->vdev)
		unmap_mapping_range(mdev->vdev->inode->i_mapping,
				    VGPU_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX),
				    vgpu_slice_size(inst), true);
}

/**
 * vgpu_display_zap() - take every display-region mapping away
 * @mdev: the instance
 *
 * Called with display_lock held for write after display_base moved: the
 * next access faults the pages at the new base in.
 */
void vgpu_display_zap(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	lockdep_assert_held_write(&inst->display_lock);
	if (mdev->vdev)
		unmap_mapping_range(mdev->vdev->inode->i_mapping,
				    VGPU_REGION_OFFSET(VGPU_DISPLAY_REGION_INDEX),
				    vgpu_slice_size(inst), true);
}
