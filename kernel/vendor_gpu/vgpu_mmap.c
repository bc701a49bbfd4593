// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mappings of a vGPU's slice: BAR0, for the guest, and the display
 * region, for a VMM that shows the primary plane.
 *
 * Both are filled on fault, so that taking a mapping away is all it
 * takes to change what it shows: BAR0's when the function stops
 * decoding memory, the display region's when the plane moves.  Neither
 * can reach outside the instance's slice.
 *
 * A fault fills more than its own page, so that a first pass over a
 * fresh mapping costs a fault per 2 MiB rather than per 4 KiB: BAR0 is
 * mapped by 2 MiB PMDs where the user address and the VRAM are both
 * 2 MiB-aligned, and otherwise (and for the display region) a fault maps
 * the whole 2 MiB-aligned block of user addresses around it, as far as
 * the mapping and the slice go.  unmap_mapping_range() takes PMDs and
 * pages away alike.
 *
 * The PMD path needs the VMM to place its mapping of BAR0 at a 2 MiB
 * boundary: a slice of 2 MiB or more is naturally aligned in VRAM, so
 * the VRAM side always is.  QEMU 10's vfio_region_mmap() aligns each
 * region mmap to the largest power of two dividing its size (at most
 * 1 GiB); a VMM that takes whatever address mmap() gives (as QEMU 7.2
 * does) gets the 2 MiB windows of 4 KiB pages instead.
 */
#include <linux/mm.h>
#include <linux/pfn_t.h>
#include <linux/vfio.h>

#include "vgpu.h"

static unsigned long vgpu_slice_pfn(struct vgpu_instance *inst)
{
	return (inst->gpu->vram_phys + vgpu_slice_offset(inst)) >> PAGE_SHIFT;
}

/* The page of its region that user address @addr of @vma maps. */
static unsigned long vgpu_vma_page(struct vm_area_struct *vma, unsigned long addr)
{
	return (vma->vm_pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT)) +
	       ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/*
 * Map the faulting page, then every other page of the 2 MiB-aligned
 * block of user addresses around it that lies inside the VMA and below
 * @end: one fault where there would be 512.  @pfn0 is the pfn that
 * vma->vm_start maps (the VMA is linear), @end the first user address
 * past the slice.  The caller holds the lock that makes the mapping
 * valid.  Returns the faulting page's result; a page of the rest that
 * fails to map ends the window, and faults by itself later.
 */
static vm_fault_t vgpu_insert_window(struct vm_fault *vmf, unsigned long pfn0,
				     unsigned long end, pgprot_t prot)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PAGE_MASK;
	unsigned long block = vmf->address & PMD_MASK;
	unsigned long a;
	vm_fault_t ret;

	ret = vmf_insert_pfn_prot(vma, addr,
				  pfn0 + ((addr - vma->vm_start) >> PAGE_SHIFT), prot);
	if (ret != VM_FAULT_NOPAGE)
		return ret;
	end = min3(end, vma->vm_end, block + PMD_SIZE);
	for (a = max(block, vma->vm_start); a < end; a += PAGE_SIZE) {
		if (a == addr)
			continue;
		if (vmf_insert_pfn_prot(vma, a, pfn0 + ((a - vma->vm_start) >> PAGE_SHIFT),
					prot) != VM_FAULT_NOPAGE)
			break;
	}
	return ret;
}

/*
 * BAR0 mappings are filled on fault, and only while the function
 * decodes memory: turning decode off (a config write, reset, D3hot)
 * takes every mapping away under memory_lock, and a fault that finds
 * decode off gets SIGBUS, as on vfio-pci.
 *
 * While migration tracks writes, a fault maps its own page and nothing
 * else, never a PMD: a read fault maps it read-only, so that the first
 * write to it comes to vgpu_bar0_mkwrite(); a write fault notes the page
 * and maps it writable.  Every page that a write reaches is thus noted
 * on its own.
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
	unsigned long pages = vgpu_slice_size(inst) >> PAGE_SHIFT;
	unsigned long pgoff = vmf->pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	unsigned long first = vgpu_vma_page(vma, vma->vm_start);
	bool writable;
	vm_fault_t ret;

	if (pgoff >= pages)
		return VM_FAULT_SIGBUS;
	/* Before the user can write the slice through what this maps. */
	vgpu_slice_written(inst);
	down_read(&inst->memory_lock);
	if (!vgpu_cfg_mem_enabled(&inst->cfg)) {
		ret = VM_FAULT_SIGBUS;
	} else if (inst->mig.tracking) {
		writable = vmf->flags & FAULT_FLAG_WRITE;
		if (writable)
			vgpu_mig_note_write(inst, (u64)pgoff << PAGE_SHIFT, PAGE_SIZE);
		ret = vmf_insert_pfn_prot(vma, vmf->address, vgpu_slice_pfn(inst) + pgoff,
					  vgpu_bar0_prot(vma, writable));
	} else {
		ret = vgpu_insert_window(vmf, vgpu_slice_pfn(inst) + first,
					 vma->vm_start + ((pages - first) << PAGE_SHIFT),
					 vgpu_bar0_prot(vma, true));
	}
	up_read(&inst->memory_lock);
	return ret;
}

#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
/*
 * A 2 MiB PMD for a fault whose 2 MiB block of user addresses lies
 * inside the VMA and maps a 2 MiB-aligned, whole 2 MiB of the slice;
 * anything else (a PUD, an unaligned mapping, migration tracking
 * writes) falls back to vgpu_bar0_fault().  The PMD is writable where
 * the mapping is: inserted read-only, the first write would come back
 * here through the core's write-protect path for a second fault.
 */
static vm_fault_t vgpu_bar0_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vgpu_instance *inst = vma->vm_private_data;
	unsigned long block = vmf->address & PMD_MASK;
	unsigned long page, pfn;
	vm_fault_t ret;

	if (order != PMD_ORDER || block < vma->vm_start || block + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	page = vgpu_vma_page(vma, block);
	pfn = vgpu_slice_pfn(inst) + page;
	if (page + PTRS_PER_PMD > vgpu_slice_size(inst) >> PAGE_SHIFT ||
	    !IS_ALIGNED(pfn, PTRS_PER_PMD))
		return VM_FAULT_FALLBACK;
	vgpu_slice_written(inst);
	down_read(&inst->memory_lock);
	if (!vgpu_cfg_mem_enabled(&inst->cfg))
		ret = VM_FAULT_SIGBUS;
	else if (inst->mig.tracking)
		ret = VM_FAULT_FALLBACK;
	else
		ret = vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), true);
	up_read(&inst->memory_lock);
	return ret;
}
#endif

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
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	.huge_fault = vgpu_bar0_huge_fault,
#endif
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
	unsigned long first, base;
	vm_fault_t ret;

	down_read(&inst->display_lock);
	base = inst->display_base >> PAGE_SHIFT;
	first = vgpu_vma_page(vma, vma->vm_start) + base;
	if (pgoff + base < pages)
		ret = vgpu_insert_window(vmf, vgpu_slice_pfn(inst) + first,
					 vma->vm_start + ((pages - first) << PAGE_SHIFT),
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
