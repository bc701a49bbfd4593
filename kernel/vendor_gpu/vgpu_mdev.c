// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vendor's mdev parent: types, VRAM slices of instances, and the
 * device ops of each instance.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#include "vgpu.h"
#include "vgpu_access.h"

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

static u32 vgpu_type_units(const struct vgpu_fw_type *type)
{
	return type->vram_mib << (20 - VGPU_UNIT_SHIFT);
}

static u32 vgpu_type_index(struct vgpu_device *gpu,
			   const struct vgpu_fw_type *type)
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

static unsigned int vgpu_get_available(struct mdev_type *mtype)
{
	struct vgpu_device *gpu = mdev_parent_drvdata(mtype->parent);
	const struct vgpu_fw_type *type = mdev_type_drvdata(mtype);
	unsigned int n;

	mutex_lock(&gpu->lock);
	n = vgpu_creatable(gpu, vgpu_type_index(gpu, type));
	mutex_unlock(&gpu->lock);
	return n;
}

static ssize_t vgpu_show_description(struct mdev_type *mtype, char *buf)
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

/*
 * Nothing a user wrote reaches the next user of the same VRAM: the dirty
 * units of the slice are zeroed after create and after the last close,
 * here, off the path of every other instance (each has its own work, and
 * gpu->lock is held only to look at a bit).  An open waits for this work
 * of its own instance only.  Clearing only dirty units keeps create cheap
 * when slices come and go unused.
 */
static void vgpu_clear_work(struct work_struct *work)
{
	struct vgpu_instance *inst = container_of(work, struct vgpu_instance,
						  clear_work);
	struct vgpu_device *gpu = inst->gpu;
	u32 unit, end = inst->first_unit + inst->units;

	for (unit = inst->first_unit; unit < end; unit++) {
		bool dirty;

		mutex_lock(&gpu->lock);
		dirty = test_bit(unit, gpu->dirty);
		mutex_unlock(&gpu->lock);
		if (!dirty)
			continue;
		memset_io(gpu->vram + ((resource_size_t)unit << VGPU_UNIT_SHIFT),
			  0, 1 << VGPU_UNIT_SHIFT);
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
	int ret;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->gpu = gpu;
	inst->type = type;
	inst->type_index = vgpu_type_index(gpu, type);
	inst->units = vgpu_type_units(type);
	init_rwsem(&inst->memory_lock);
	mutex_init(&inst->lock);
	seqcount_mutex_init(&inst->emul_seq, &inst->lock);
	INIT_WORK(&inst->clear_work, vgpu_clear_work);
	vgpu_irq_init(&inst->irq);
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
	if (ret)
		goto err_free;

	mdev_set_drvdata(mdev, inst);
	queue_work(system_unbound_wq, &inst->clear_work);
	return 0;

err_free:
	vgpu_irq_destroy(&inst->irq);
	mutex_destroy(&inst->lock);
	kfree(inst);
	return ret;
}

static void vgpu_remove(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	struct vgpu_device *gpu = inst->gpu;

	/* Units it did not get to stay dirty for the slice's next owner. */
	cancel_work_sync(&inst->clear_work);
	mutex_lock(&gpu->lock);
	WARN_ON(vs_pool_free(&gpu->pool, inst->first_unit, inst->units));
	gpu->live[inst->type_index]--;
	mutex_unlock(&gpu->lock);
	mdev_set_drvdata(mdev, NULL);
	vgpu_irq_destroy(&inst->irq);
	mutex_destroy(&inst->lock);
	kfree(inst);
}

/*
 * BAR0 through read/write: the slice, a page at a time through a bounce
 * buffer.  The user copy happens with no lock held, so a buffer whose
 * fault never resolves holds up no one but its caller; memory_lock is
 * held only around the copy to or from VRAM.  A whole 256 MiB slice is
 * one call: it yields between pages and stops for a fatal signal.  Like
 * read(2) and write(2), a transfer that fails part-way returns the bytes
 * done.
 */
static ssize_t vgpu_bar0_rw(struct vgpu_instance *inst, char __user *buf,
			    size_t count, loff_t pos, bool write)
{
	void __iomem *base = inst->gpu->vram + vgpu_slice_offset(inst);
	size_t done = 0;
	void *bounce;
	int ret = 0;

	if (pos >= vgpu_slice_size(inst) || count > vgpu_slice_size(inst) - pos)
		return -EINVAL;

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		size_t len = min_t(size_t, count - done, PAGE_SIZE);
		size_t left = 0;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (write) {
			left = copy_from_user(bounce, buf + done, len);
			len -= left;
		}
		down_read(&inst->memory_lock);
		if (!vgpu_cfg_mem_enabled(&inst->cfg)) {
			up_read(&inst->memory_lock);
			ret = -EIO;
			break;
		}
		if (write)
			memcpy_toio(base + pos + done, bounce, len);
		else
			memcpy_fromio(bounce, base + pos + done, len);
		up_read(&inst->memory_lock);
		if (!write) {
			left = copy_to_user(buf + done, bounce, len);
			len -= left;
		}
		done += len;
		if (left) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
	kfree(bounce);
	return done ? done : ret;
}

/*
 * BAR0 mappings are filled on fault, one VRAM page at a time, and only
 * while the function decodes memory: turning decode off (a config write,
 * reset, D3hot) takes every mapping away under memory_lock, and a fault
 * that finds decode off gets SIGBUS, as on vfio-pci.
 */
static vm_fault_t vgpu_bar0_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vgpu_instance *inst = vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	unsigned long pfn;
	vm_fault_t ret;

	if (pgoff >= vgpu_slice_size(inst) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	pfn = (inst->gpu->vram_phys + vgpu_slice_offset(inst)) >> PAGE_SHIFT;
	down_read(&inst->memory_lock);
	if (vgpu_cfg_mem_enabled(&inst->cfg))
		ret = vmf_insert_pfn_prot(vma, vmf->address, pfn + pgoff,
					  vma->vm_page_prot);
	else
		ret = VM_FAULT_SIGBUS;
	up_read(&inst->memory_lock);
	return ret;
}

static const struct vm_operations_struct vgpu_bar0_vm_ops = {
	.fault = vgpu_bar0_fault,
};

static int vgpu_mmap(struct mdev_device *mdev, struct vm_area_struct *vma)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	unsigned long index = vma->vm_pgoff >> (VGPU_REGION_SHIFT - PAGE_SHIFT);
	u64 start = (u64)(vma->vm_pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT)) << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (index != VFIO_PCI_BAR0_REGION_INDEX)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (start >= vgpu_slice_size(inst) || len > vgpu_slice_size(inst) - start)
		return -EINVAL;

	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vgpu_bar0_vm_ops;
	vma->vm_private_data = inst;
	return 0;
}

/*
 * Take the slice away from every user mapping, memory_lock held for write
 * after decode went off: faults cannot map it again until decode is back.
 */
static void vgpu_bar0_zap(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	lockdep_assert_held_write(&inst->memory_lock);
	if (mdev->vdev)
		unmap_mapping_range(mdev->vdev->inode->i_mapping,
				    VGPU_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX),
				    vgpu_slice_size(inst), true);
}

/**
 * vgpu_update_irq() - follow the interrupt line after a state change
 * @inst: the instance, its lock held
 *
 * A register or command write, or a reset of either, may have moved the
 * line; the interrupt state is derived from them here and nowhere else.
 */
void vgpu_update_irq(struct vgpu_instance *inst)
{
	bool level = vgpu_regs_irq_asserted(&inst->regs);

	lockdep_assert_held(&inst->lock);
	write_seqcount_begin(&inst->emul_seq);
	vgpu_cfg_set_intx_status(&inst->cfg, level);
	write_seqcount_end(&inst->emul_seq);
	vgpu_irq_set_line(&inst->irq, level, !vgpu_cfg_intx_disabled(&inst->cfg));
}

/*
 * The trapped-access path: every guest config-space and BAR2 access
 * QEMU forwards is one pread()/pwrite() here.  It lives in a text section
 * of its own, aligned to a page and smaller than one, so that where the
 * linker puts it cannot make an instruction straddle two pages: under
 * TCG, the lab's CPU, such an instruction costs a translation-block
 * lookup each time it runs (measured in the bench: about 150 ns of a
 * 1.2 us config-space read), and on hardware the path stays in one iTLB
 * entry.
 */
#define __vgpu_hot __section(".text.vslice_hot")
asm(".pushsection .text.vslice_hot, \"ax\", @progbits\n"
	".balign 4096\n.popsection");

/*
 * One 1, 2 or 4-byte access to or from the user, little endian.  Fixed
 * sizes, so that each is a single get_user()/put_user() rather than a
 * variable-length copy (and its hardened-usercopy check) on the path of
 * every trapped guest access.
 */
static int vgpu_get_user(const char __user *p, u32 len, u32 *val)
{
	__le16 v16;
	__le32 v32;
	u8 v8;
	int ret;

	switch (len) {
	case 1:
		ret = get_user(v8, (const u8 __user *)p);
		*val = v8;
		break;
	case 2:
		ret = get_user(v16, (const __le16 __user *)p);
		*val = le16_to_cpu(v16);
		break;
	default:
		ret = get_user(v32, (const __le32 __user *)p);
		*val = le32_to_cpu(v32);
		break;
	}
	return ret;
}

static int vgpu_put_user(char __user *p, u32 len, u32 val)
{
	switch (len) {
	case 1:
		return put_user((u8)val, (u8 __user *)p);
	case 2:
		return put_user(cpu_to_le16(val), (__le16 __user *)p);
	default:
		return put_user(cpu_to_le32(val), (__le32 __user *)p);
	}
}

static __always_inline int vgpu_emul_read_one(struct vgpu_instance *inst,
					      bool cfg, u32 at, u32 len,
					      u32 *val)
{
	unsigned int seq;
	int ret;

	do {
		seq = read_seqcount_begin(&inst->emul_seq);
		if (cfg)
			ret = vgpu_cfg_read(&inst->cfg, at, len, val);
		else if (vgpu_cfg_mem_enabled(&inst->cfg))
			ret = vgpu_regs_read(&inst->regs, at, len, val);
		else
			ret = -EIO;
	} while (read_seqcount_retry(&inst->emul_seq, seq));
	return ret;
}

/*
 * Emulated register spaces (config space, BAR2) through read/write, the
 * range already checked by vgpu_rw(): split into the naturally aligned 1,
 * 2 and 4-byte accesses a CPU would make.
 * Each access sees its register whole, as on a bus; a longer read is not
 * a snapshot of several registers (the device never promised one).
 * BAR2 answers only while the function decodes memory (-EIO otherwise,
 * as vfio-pci).  Partial transfers return the bytes done.
 */
static __vgpu_hot ssize_t vgpu_emul_read(struct vgpu_instance *inst,
					 unsigned int index, char __user *buf,
					 size_t count, loff_t pos)
{
	bool cfg = index == VFIO_PCI_CONFIG_REGION_INDEX;
	size_t done = 0;

	while (done < count) {
		u32 len = vgpu_access_chunk(pos + done, count - done);
		u32 val;
		int ret;

		ret = vgpu_emul_read_one(inst, cfg, pos + done, len, &val);
		if (!ret)
			ret = vgpu_put_user(buf + done, len, val);
		if (ret)
			return done ? done : ret;
		done += len;
	}
	return count;
}

/*
 * A config write can turn memory decode off (command register, D3hot),
 * and a D3hot to D0 transition resets the function (No_Soft_Reset is
 * clear).  Called with memory_lock held for write and inst->lock held.
 */
static void vgpu_cfg_written(struct mdev_device *mdev, bool was_enabled,
			     u8 was_state)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	if (was_state == VGPU_CFG_D3HOT &&
	    vgpu_cfg_power_state(&inst->cfg) == VGPU_CFG_D0) {
		write_seqcount_begin(&inst->emul_seq);
		vgpu_cfg_reset(&inst->cfg);
		vgpu_regs_reset(&inst->regs);
		write_seqcount_end(&inst->emul_seq);
	}
	if (was_enabled && !vgpu_cfg_mem_enabled(&inst->cfg))
		vgpu_bar0_zap(mdev);
}

/*
 * Apply @count bytes of a write, already copied from the user, at @pos.
 * No copy from user memory happens under these locks.  Returns the bytes
 * applied, or an errno when none were.
 */
static __vgpu_hot ssize_t vgpu_emul_apply(struct mdev_device *mdev,
					  bool cfg, const u8 *data,
					  size_t count, loff_t pos)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	bool was_enabled = false;
	u8 was_state = 0;
	size_t done = 0;
	int ret = 0;

	if (cfg)
		down_write(&inst->memory_lock);
	mutex_lock(&inst->lock);
	if (cfg) {
		was_enabled = vgpu_cfg_mem_enabled(&inst->cfg);
		was_state = vgpu_cfg_power_state(&inst->cfg);
	} else if (!vgpu_cfg_mem_enabled(&inst->cfg)) {
		ret = -EIO;
	}
	while (!ret && done < count) {
		u32 len = vgpu_access_chunk(pos + done, count - done);
		u32 at = pos + done, val;

		val = len == 1 ? data[done] : len == 2 ?
		      get_unaligned_le16(data + done) :
		      get_unaligned_le32(data + done);
		write_seqcount_begin(&inst->emul_seq);
		if (cfg)
			ret = vgpu_cfg_write(&inst->cfg, at, len, val);
		else
			ret = vgpu_regs_write(&inst->regs, at, len, val);
		write_seqcount_end(&inst->emul_seq);
		if (!ret)
			done += len;
	}
	if (cfg)
		vgpu_cfg_written(mdev, was_enabled, was_state);
	if (done)
		vgpu_update_irq(inst);
	mutex_unlock(&inst->lock);
	if (cfg)
		up_write(&inst->memory_lock);
	return done ? done : ret;
}

/*
 * A write longer than one register access: copy it all in first, with
 * no lock held, then apply the whole accesses that arrived.
 */
static ssize_t vgpu_emul_write_long(struct mdev_device *mdev, bool cfg,
				    const char __user *buf, size_t count,
				    loff_t pos)
{
	size_t got, done = 0;
	ssize_t ret;
	u8 *data;

	data = kmalloc(count, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	got = count - copy_from_user(data, buf, count);
	/* Only whole accesses: a register is never half written. */
	while (done < got) {
		u32 len = vgpu_access_chunk(pos + done, count - done);

		if (done + len > got)
			break;
		done += len;
	}
	ret = done ? vgpu_emul_apply(mdev, cfg, data, done, pos) : -EFAULT;
	kfree(data);
	return ret;
}

static __vgpu_hot ssize_t vgpu_emul_write(struct mdev_device *mdev,
					  unsigned int index,
					  const char __user *buf, size_t count,
					  loff_t pos)
{
	bool cfg = index == VFIO_PCI_CONFIG_REGION_INDEX;
	__le32 data;
	u32 val;
	int ret;

	if (vgpu_access_chunk(pos, count) != count)
		return vgpu_emul_write_long(mdev, cfg, buf, count, pos);
	/* One access, the common case: a fixed-size get_user(). */
	ret = vgpu_get_user(buf, count, &val);
	if (ret)
		return ret;
	data = cpu_to_le32(val);
	return vgpu_emul_apply(mdev, cfg, (const u8 *)&data, count, pos);
}

static __vgpu_hot ssize_t vgpu_rw(struct mdev_device *mdev,
				  char __user *buf, size_t count,
				  loff_t *ppos, bool write)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	unsigned int index = *ppos >> VGPU_REGION_SHIFT;
	loff_t pos = *ppos & VGPU_REGION_MASK;
	ssize_t ret;
	u32 size;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
	case VFIO_PCI_BAR2_REGION_INDEX:
		size = index == VFIO_PCI_CONFIG_REGION_INDEX ? VGPU_CFG_SIZE :
							       VGPU_MMIO_SIZE;
		if (pos >= size || count > size - pos)
			return -EINVAL;
		ret = write ? vgpu_emul_write(mdev, index, buf, count, pos) :
			      vgpu_emul_read(inst, index, buf, count, pos);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = vgpu_bar0_rw(inst, buf, count, pos, write);
		break;
	default:
		return -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static __vgpu_hot ssize_t vgpu_read(struct mdev_device *mdev,
				    char __user *buf, size_t count,
				    loff_t *ppos)
{
	return vgpu_rw(mdev, buf, count, ppos, false);
}

static __vgpu_hot ssize_t vgpu_write(struct mdev_device *mdev,
				     const char __user *buf, size_t count,
				     loff_t *ppos)
{
	return vgpu_rw(mdev, (char __user *)buf, count, ppos, true);
}

static long vgpu_ioctl_get_region_info(struct vgpu_instance *inst,
				       unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	/* Regions this device does not have answer with size 0. */
	info.flags = 0;
	info.size = 0;
	info.cap_offset = 0;
	info.offset = VGPU_REGION_OFFSET(info.index);
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = VGPU_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info.size = VGPU_MMIO_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info.size = vgpu_slice_size(inst);
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP;
		break;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * Function reset, as an FLR: config space and registers at their power-on
 * values, so memory decode is off and every BAR0 mapping is taken away
 * until the user turns decode on again.  The interrupt line follows the
 * registers; eventfds stay, as vfio-pci keeps them across a reset.
 */
static void vgpu_function_reset(struct mdev_device *mdev)
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
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl(struct mdev_device *mdev, unsigned int cmd,
		       unsigned long arg)
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
		vgpu_function_reset(mdev);
		return 0;
	default:
		return -ENOTTY;
	}
}

/*
 * A new user finds its slice cleared of what the last one wrote: wait for
 * this instance's clear work (never another's), then count the whole
 * slice as written from here on, since mappings write it unseen.
 * Attributes that are unsafe to change live check ->open.
 */
static int vgpu_open_device(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	flush_work(&inst->clear_work);
	mutex_lock(&inst->gpu->lock);
	bitmap_set(inst->gpu->dirty, inst->first_unit, inst->units);
	mutex_unlock(&inst->gpu->lock);
	mutex_lock(&inst->lock);
	inst->open = true;
	mutex_unlock(&inst->lock);
	return 0;
}

/*
 * The last fd closed (so no mapping is left): no eventfd of that user may
 * be signalled again, the function goes back to its power-on state, and
 * the VRAM it wrote is cleared before anyone opens it again.
 */
static void vgpu_close_device(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	vgpu_irq_release(&inst->irq);
	vgpu_function_reset(mdev);
	mutex_lock(&inst->lock);
	inst->open = false;
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

void vgpu_parent_unregister(struct vgpu_device *gpu)
{
	vslice_mdev_unregister_parent(gpu->parent);
	gpu->parent = NULL;
}
