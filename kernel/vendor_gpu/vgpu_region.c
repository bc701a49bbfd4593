// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region I/O of a vGPU's device fd: read and write of config space, the
 * trapped registers (BAR2), the slice (BAR0), the display region and the
 * EDID region; and what each region is (VFIO_DEVICE_GET_REGION_INFO).
 */
#include <linux/io.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>

#include "vgpu.h"
#include "vgpu_access.h"

/**
 * vgpu_slice_rw() - read or write an instance's slice through the fd
 * @inst: the instance
 * @buf: the user's buffer
 * @count: bytes
 * @at: offset in the slice
 * @write: the direction
 * @need_decode: refuse (-EIO) while the function does not decode memory,
 *	as BAR0 does; the display region reads regardless
 *
 * A page at a time through a bounce buffer.  The user copy happens with
 * no lock held, so a buffer whose fault never resolves holds up no one
 * but its caller; memory_lock is held only around the copy to or from
 * VRAM.  A whole 256 MiB slice is one call: it yields between pages and
 * stops for a fatal signal.  Like read(2) and write(2), a transfer that
 * fails part-way returns the bytes done.
 *
 * Return: bytes transferred, or a negative errno when none were.
 */
ssize_t vgpu_slice_rw(struct vgpu_instance *inst, char __user *buf,
		      size_t count, u64 at, bool write, bool need_decode)
{
	void __iomem *base = inst->gpu->vram + vgpu_slice_offset(inst);
	size_t done = 0;
	void *bounce;
	int ret = 0;

	if (at >= vgpu_slice_size(inst) || count > vgpu_slice_size(inst) - at)
		return -EINVAL;

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	if (write)
		vgpu_slice_written(inst);
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
		if (need_decode && !vgpu_cfg_mem_enabled(&inst->cfg)) {
			up_read(&inst->memory_lock);
			ret = -EIO;
			break;
		}
		if (write) {
			memcpy_toio(base + at + done, bounce, len);
			vgpu_mig_note_write(inst, at + done, len);
		} else {
			memcpy_fromio(bounce, base + at + done, len);
		}
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
		ret = vgpu_slice_rw(inst, buf, count, pos, write, true);
		break;
	case VGPU_DISPLAY_REGION_INDEX:
		ret = write ? -EINVAL : vgpu_display_read(inst, buf, count, pos);
		break;
	case VGPU_EDID_REGION_INDEX:
		ret = vgpu_edid_region_rw(mdev, buf, count, pos, write);
		break;
	default:
		return -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

__vgpu_hot ssize_t vgpu_read(struct mdev_device *mdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return vgpu_rw(mdev, buf, count, ppos, false);
}

__vgpu_hot ssize_t vgpu_write(struct mdev_device *mdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	return vgpu_rw(mdev, (char __user *)buf, count, ppos, true);
}

/**
 * vgpu_ioctl_get_region_info() - VFIO_DEVICE_GET_REGION_INFO
 * @inst: the instance
 * @arg: the user's struct vfio_region_info
 *
 * Regions vfio-pci defines that this device lacks answer with size 0.
 *
 * Return: 0 or a negative errno.
 */
long vgpu_ioctl_get_region_info(struct vgpu_instance *inst, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VGPU_NUM_REGIONS)
		return -EINVAL;

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
	case VGPU_DISPLAY_REGION_INDEX:
		/* QEMU's region display needs a mapping; no one writes it. */
		info.size = vgpu_slice_size(inst);
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case VGPU_EDID_REGION_INDEX:
		ret = vgpu_edid_region_info(&info, &caps);
		break;
	}
	if (ret)
		goto out;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* Tell the user how much room the chain needs. */
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user((void __user *)arg + sizeof(info),
					 caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user((void __user *)arg, &info, minsz))
		ret = -EFAULT;
out:
	kfree(caps.buf);
	return ret;
}
