// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration (v2) of a vGPU: the state machine, the save file that
 * streams the slice and the device's state, and the resume file that
 * checks a stream before it is applied.  The stream's format is in
 * vgpu_mig_stream.c.
 *
 * QEMU does not migrate BAR mappings (they are device memory to it), so
 * the slice goes through the data file.  In PRE_COPY the whole slice is
 * sent while the guest runs; every write to a page after that (a write
 * fault on a BAR0 mapping, which tracking keeps read-only until written,
 * or a write through the fd) marks the page pending again, and STOP_COPY
 * sends only the pending pages with the device's state.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vgpu.h"

static bool precopy = true;
module_param(precopy, bool, 0644);
MODULE_PARM_DESC(precopy,
		 "vGPUs created while set offer VFIO pre-copy: the slice is sent while the guest runs (default: Y)");

#define MIG_PAGES_PER_CHUNK (VGPU_MIG_CHUNK / VGPU_MIG_PAGE_SIZE)

/**
 * struct vgpu_mig_file - a migration data file
 * @filp: the file
 * @io_lock: serialises the file's reads or writes; held across their
 *	user copies, so nothing else takes it
 * @lock: protects everything below; taken after @io_lock and
 *	vgpu_mig.lock, before memory_lock; never held across a user copy
 * @inst: the instance, or NULL once the file was ended: then every
 *	operation fails with -ENODEV
 * @mdev: the instance's mdev, valid while @inst is
 * @stop_copy: save file: STOP_COPY was reached, send the rest and end
 * @hdr_sent: save file: the header record was made
 * @dev_sent: save file: the device record was made
 * @end_sent: save file: the end record was made
 * @cursor: save file: the page to look for pending pages from
 * @dev: save file: the device's state, taken at STOP_COPY
 * @saver: save file: the stream's totals
 * @out_len: save file: bytes of the record in @buf
 * @out_pos: save file: bytes of it already read
 * @buf: one record, VGPU_MIG_BUF_SIZE bytes; the save file changes it
 *	only under @io_lock too, so a read copies from it without @lock
 * @bounce: resume file: a page of the user's stream, under @io_lock
 * @ident: resume file: what the instance is, for the parser
 * @seen: resume file: pages the stream wrote
 * @failed: resume file: the stream was refused and its pages zeroed
 * @parser: resume file: the stream's parser
 */
struct vgpu_mig_file {
	struct file *filp;
	struct mutex io_lock;	/* reads or writes; see above */
	struct mutex lock;	/* all of the below; see above */
	struct vgpu_instance *inst;
	struct mdev_device *mdev;
	bool stop_copy;
	bool hdr_sent;
	bool dev_sent;
	bool end_sent;
	u32 cursor;
	struct vgpu_mig_device dev;
	struct vgpu_mig_saver saver;
	u32 out_len;
	u32 out_pos;
	u8 *buf;
	u8 *bounce;
	struct vgpu_mig_ident ident;
	u8 *seen;
	bool failed;
	struct vgpu_mig_parser parser;
};

static u32 mig_pages(const struct vgpu_instance *inst)
{
	return vgpu_slice_size(inst) / VGPU_MIG_PAGE_SIZE;
}

/* Stream bytes that @pages pages take, records cut at every chunk. */
static u64 mig_page_bytes(u64 pages)
{
	return pages * VGPU_MIG_PAGE_SIZE +
	       DIV_ROUND_UP(pages, MIG_PAGES_PER_CHUNK) * VGPU_MIG_REC_HDR_SIZE;
}

#define MIG_HEADER_BYTES (VGPU_MIG_REC_HDR_SIZE + VGPU_MIG_HEADER_LEN)
#define MIG_TAIL_BYTES (2 * VGPU_MIG_REC_HDR_SIZE + VGPU_MIG_DEVICE_LEN + \
			VGPU_MIG_END_LEN)

/**
 * vgpu_mig_note_write() - a writer changed part of the slice
 * @inst: the instance, memory_lock held (for read at least)
 * @at: byte offset in the slice
 * @len: bytes
 *
 * While a save file tracks writes, the pages are sent (again).
 */
void vgpu_mig_note_write(struct vgpu_instance *inst, u64 at, u64 len)
{
	u64 page;

	lockdep_assert_held(&inst->memory_lock);
	if (!inst->mig.tracking || !len)
		return;
	for (page = at / VGPU_MIG_PAGE_SIZE;
	     page <= (at + len - 1) / VGPU_MIG_PAGE_SIZE; page++)
		set_bit(page, inst->mig.pending);
}

/*
 * Tracking on: every page is pending, and the BAR0 mappings go, so that
 * each page refaults read-only and its first write is seen.  Off: the
 * bitmaps go; mappings stay read-only until written, then are plain.
 */
static int vgpu_mig_track(struct mdev_device *mdev, struct vgpu_instance *inst,
			  bool on)
{
	struct vgpu_mig *mig = &inst->mig;
	unsigned long *pending = NULL, *sent = NULL;

	if (on) {
		pending = bitmap_zalloc(mig_pages(inst), GFP_KERNEL_ACCOUNT);
		sent = bitmap_zalloc(mig_pages(inst), GFP_KERNEL_ACCOUNT);
		if (!pending || !sent) {
			bitmap_free(pending);
			bitmap_free(sent);
			return -ENOMEM;
		}
		bitmap_fill(pending, mig_pages(inst));
	}
	down_write(&inst->memory_lock);
	swap(mig->pending, pending);
	swap(mig->sent, sent);
	mig->tracking = on;
	if (on)
		vgpu_bar0_zap(mdev);
	up_write(&inst->memory_lock);
	bitmap_free(pending);
	bitmap_free(sent);
	return 0;
}

static void vgpu_mig_ident(struct vgpu_instance *inst, struct vgpu_mig_ident *id)
{
	strscpy(id->type_id, inst->type->id, sizeof(id->type_id));
	id->vram_mib = inst->units << VGPU_UNIT_SHIFT >> 20;
	id->table_revision = inst->gpu->table.revision;
	mutex_lock(&inst->lock);
	id->max_width = inst->regs.limits.max_width;
	id->max_height = inst->regs.limits.max_height;
	mutex_unlock(&inst->lock);
}

/* The device's state besides its VRAM: the guest is stopped. */
static void vgpu_mig_capture(struct vgpu_instance *inst, struct vgpu_mig_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	mutex_lock(&inst->lock);
	memcpy(dev->cfg, inst->cfg.regs, sizeof(dev->cfg));
	memcpy(dev->dispi, inst->regs.dispi, sizeof(dev->dispi));
	memcpy(dev->vga, inst->regs.vga, sizeof(dev->vga));
	dev->irq_status = inst->regs.irq_status;
	dev->irq_enable = inst->regs.irq_enable;
	dev->edid_len = inst->regs.edid_len;
	memcpy(dev->edid, inst->regs.edid, inst->regs.edid_len);
	dev->intx_masked = vgpu_irq_intx_masked(&inst->irq);
	mutex_unlock(&inst->lock);
}

/* ---- the save file ------------------------------------------------------ */

/*
 * The next run of pending pages, up to a chunk, from the cursor on: its
 * bits are cleared and its mappings write-protected (taken away) before
 * it is copied, so a write that lands after the copy is seen.
 */
static bool vgpu_mig_take_run(struct vgpu_mig_file *migf, u32 *first, u32 *n)
{
	struct vgpu_instance *inst = migf->inst;
	struct vgpu_mig *mig = &inst->mig;
	u32 pages = mig_pages(inst), p, end;

	p = find_next_bit(mig->pending, pages, migf->cursor);
	if (p >= pages)
		p = find_first_bit(mig->pending, pages);
	if (p >= pages)
		return false;
	end = find_next_zero_bit(mig->pending, min(pages, p + MIG_PAGES_PER_CHUNK), p);

	down_write(&inst->memory_lock);
	bitmap_clear(mig->pending, p, end - p);
	bitmap_set(mig->sent, p, end - p);
	if (migf->mdev->vdev)
		unmap_mapping_range(migf->mdev->vdev->inode->i_mapping,
				    VGPU_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX) +
				    (u64)p * VGPU_MIG_PAGE_SIZE,
				    (u64)(end - p) * VGPU_MIG_PAGE_SIZE, true);
	up_write(&inst->memory_lock);
	*first = p;
	*n = end - p;
	migf->cursor = end;
	return true;
}

/* The next record, or 0 when there is none (yet). */
static u32 vgpu_mig_next_record(struct vgpu_mig_file *migf)
{
	struct vgpu_instance *inst = migf->inst;
	u32 first, n;

	if (!migf->hdr_sent) {
		vgpu_mig_ident(inst, &migf->ident);
		migf->hdr_sent = true;
		return vgpu_mig_put_header(&migf->saver, migf->buf, &migf->ident);
	}
	if (!migf->dev_sent && vgpu_mig_take_run(migf, &first, &n)) {
		memcpy_fromio(migf->buf + VGPU_MIG_REC_HDR_SIZE,
			      inst->gpu->vram + vgpu_slice_offset(inst) +
			      (u64)first * VGPU_MIG_PAGE_SIZE,
			      n * VGPU_MIG_PAGE_SIZE);
		return vgpu_mig_put_vram(&migf->saver, migf->buf,
					 (u64)first * VGPU_MIG_PAGE_SIZE,
					 n * VGPU_MIG_PAGE_SIZE);
	}
	if (!migf->stop_copy)
		return 0;
	if (!migf->dev_sent) {
		migf->dev_sent = true;
		return vgpu_mig_put_device(&migf->saver, migf->buf, &migf->dev);
	}
	if (!migf->end_sent) {
		migf->end_sent = true;
		return vgpu_mig_put_end(&migf->saver, migf->buf);
	}
	return 0;
}

/* Make the next record in buf, once the last was read; false when none. */
static bool vgpu_mig_make_record(struct vgpu_mig_file *migf)
{
	u32 size = vgpu_mig_next_record(migf);

	if (!size)
		return false;
	migf->out_len = size;
	migf->out_pos = 0;
	return true;
}

static ssize_t vgpu_mig_save_read(struct file *filp, char __user *buf,
				  size_t len, loff_t *pos)
{
	struct vgpu_mig_file *migf = filp->private_data;
	ssize_t done = 0;
	int err = 0;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->io_lock);
	while (len) {
		u32 n, at;

		mutex_lock(&migf->lock);
		if (!migf->inst) {
			err = -ENODEV;
		} else if (migf->out_pos == migf->out_len &&
			   !vgpu_mig_make_record(migf)) {
			/* Pre-copy has nothing more for now; STOP_COPY is over. */
			if (!migf->stop_copy)
				err = -ENOMSG;
			mutex_unlock(&migf->lock);
			break;
		}
		mutex_unlock(&migf->lock);
		if (err)
			break;
		at = migf->out_pos;
		n = min_t(size_t, len, migf->out_len - at);
		if (copy_to_user(buf + done, migf->buf + at, n)) {
			err = -EFAULT;
			break;
		}
		mutex_lock(&migf->lock);
		migf->out_pos += n;
		if (migf->inst) {
			u64 *stat = migf->stop_copy ? &migf->inst->mig.stop_copy_bytes :
						      &migf->inst->mig.precopy_bytes;

			WRITE_ONCE(*stat, *stat + n);
		}
		mutex_unlock(&migf->lock);
		done += n;
		len -= n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mutex_unlock(&migf->io_lock);
	return done ? done : err;
}

/* What the save file still has to give before STOP_COPY, by kind. */
static void vgpu_mig_save_left(struct vgpu_mig_file *migf, u64 *initial, u64 *dirty)
{
	struct vgpu_mig *mig = &migf->inst->mig;
	u32 pages = mig_pages(migf->inst);

	*initial = migf->out_len - migf->out_pos;
	if (!migf->hdr_sent)
		*initial += MIG_HEADER_BYTES;
	*initial += mig_page_bytes(bitmap_weight_andnot(mig->pending, mig->sent, pages));
	*dirty = mig_page_bytes(bitmap_weight_and(mig->pending, mig->sent, pages));
}

static long vgpu_mig_precopy_info(struct vgpu_mig_file *migf, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfio_precopy_info info;
	u64 initial, dirty;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&migf->lock);
	if (!migf->inst) {
		mutex_unlock(&migf->lock);
		return -ENODEV;
	}
	if (migf->stop_copy) {
		mutex_unlock(&migf->lock);
		return -EINVAL;
	}
	vgpu_mig_save_left(migf, &initial, &dirty);
	mutex_unlock(&migf->lock);
	info.initial_bytes = initial;
	info.dirty_bytes = dirty;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_mig_save_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	return vgpu_mig_precopy_info(filp->private_data, arg);
}

/* ---- the resume file ---------------------------------------------------- */

static int vgpu_mig_put_pages(void *ctx, u64 offset, const u8 *data, u32 len)
{
	struct vgpu_instance *inst = ctx;

	vgpu_slice_written(inst);
	down_read(&inst->memory_lock);
	memcpy_toio(inst->gpu->vram + vgpu_slice_offset(inst) + offset, data, len);
	up_read(&inst->memory_lock);
	return 0;
}

/*
 * A refused stream leaves nothing of itself: the pages it wrote are
 * zeroed (the registers were never touched).  Logged once per stream.
 */
static void vgpu_mig_refused(struct vgpu_mig_file *migf)
{
	struct vgpu_instance *inst = migf->inst;
	u32 page, pages = mig_pages(inst);

	if (migf->failed)
		return;
	migf->failed = true;
	dev_warn_ratelimited(mdev_dev(migf->mdev), "migration stream refused (%d): %s\n",
			     migf->parser.err, migf->parser.why);
	for (page = 0; page < pages; page++) {
		if (!(migf->seen[page / 8] & (1 << (page % 8))))
			continue;
		down_read(&inst->memory_lock);
		memset_io(inst->gpu->vram + vgpu_slice_offset(inst) +
			  (u64)page * VGPU_MIG_PAGE_SIZE, 0, VGPU_MIG_PAGE_SIZE);
		up_read(&inst->memory_lock);
		cond_resched();
	}
}

static ssize_t vgpu_mig_resume_write(struct file *filp, const char __user *buf,
				     size_t len, loff_t *pos)
{
	struct vgpu_mig_file *migf = filp->private_data;
	ssize_t done = 0;
	long ret = 0;

	if (pos)
		return -ESPIPE;
	mutex_lock(&migf->io_lock);
	while (done < len) {
		size_t n = min_t(size_t, len - done, PAGE_SIZE);

		if (copy_from_user(migf->bounce, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&migf->lock);
		if (!migf->inst) {
			ret = -ENODEV;
		} else {
			ret = vgpu_mig_parse(&migf->parser, migf->bounce, n);
			if (ret < 0)
				vgpu_mig_refused(migf);
		}
		mutex_unlock(&migf->lock);
		if (ret < 0)
			break;
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	mutex_unlock(&migf->io_lock);
	/* A refused stream is refused at once, not after a short write. */
	if (ret < 0 && ret != -EFAULT)
		return ret;
	return done ? done : ret;
}

/* ---- both --------------------------------------------------------------- */

static int vgpu_mig_release(struct inode *inode, struct file *filp)
{
	struct vgpu_mig_file *migf = filp->private_data;

	kvfree(migf->buf);
	kfree(migf->bounce);
	kvfree(migf->seen);
	mutex_destroy(&migf->lock);
	mutex_destroy(&migf->io_lock);
	kvfree(migf);
	return 0;
}

static const struct file_operations vgpu_mig_save_fops = {
	.owner = THIS_MODULE,
	.read = vgpu_mig_save_read,
	.unlocked_ioctl = vgpu_mig_save_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vgpu_mig_release,
};

static const struct file_operations vgpu_mig_resume_fops = {
	.owner = THIS_MODULE,
	.write = vgpu_mig_resume_write,
	.release = vgpu_mig_release,
};

static struct vgpu_mig_file *vgpu_mig_file_new(struct mdev_device *mdev,
					       bool save)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	struct vgpu_mig_file *migf;
	struct file *filp;

	migf = kvzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&migf->io_lock);
	mutex_init(&migf->lock);
	migf->inst = inst;
	migf->mdev = mdev;
	migf->buf = kvmalloc(VGPU_MIG_BUF_SIZE, GFP_KERNEL_ACCOUNT);
	if (!save) {
		migf->seen = kvzalloc(DIV_ROUND_UP(mig_pages(inst), 8), GFP_KERNEL_ACCOUNT);
		migf->bounce = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	}
	if (!migf->buf || (!save && (!migf->seen || !migf->bounce))) {
		filp = ERR_PTR(-ENOMEM);
		goto err;
	}
	if (save) {
		vgpu_mig_saver_init(&migf->saver);
	} else {
		vgpu_mig_ident(inst, &migf->ident);
		vgpu_mig_parser_init(&migf->parser, &migf->ident, migf->buf,
				     migf->seen, vgpu_mig_put_pages, inst);
	}
	filp = anon_inode_getfile("[vslice-migration]",
				  save ? &vgpu_mig_save_fops : &vgpu_mig_resume_fops,
				  migf, save ? O_RDONLY : O_WRONLY);
	if (IS_ERR(filp))
		goto err;
	stream_open(filp->f_inode, filp);
	migf->filp = filp;
	return migf;

err:
	kvfree(migf->buf);
	kfree(migf->bounce);
	kvfree(migf->seen);
	mutex_destroy(&migf->lock);
	mutex_destroy(&migf->io_lock);
	kvfree(migf);
	return ERR_CAST(filp);
}

/*
 * The file's user gets -ENODEV from here on; the driver lets go of it.
 * A read or write blocked in a user copy does not hold this up.
 */
static void vgpu_mig_file_end(struct vgpu_mig_file *migf)
{
	mutex_lock(&migf->lock);
	migf->inst = NULL;
	mutex_unlock(&migf->lock);
	fput(migf->filp);
}

static void vgpu_mig_end_save(struct mdev_device *mdev, struct vgpu_instance *inst)
{
	if (!inst->mig.save)
		return;
	vgpu_mig_file_end(inst->mig.save);
	inst->mig.save = NULL;
	vgpu_mig_track(mdev, inst, false);
}

static void vgpu_mig_end_resume(struct vgpu_instance *inst)
{
	if (!inst->mig.resume)
		return;
	vgpu_mig_file_end(inst->mig.resume);
	inst->mig.resume = NULL;
}

static struct file *vgpu_mig_start_save(struct mdev_device *mdev,
					struct vgpu_instance *inst, bool stop_copy)
{
	struct vgpu_mig_file *migf;
	int ret;

	migf = vgpu_mig_file_new(mdev, true);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	ret = vgpu_mig_track(mdev, inst, true);
	if (ret) {
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	WRITE_ONCE(inst->mig.precopy_bytes, 0);
	WRITE_ONCE(inst->mig.stop_copy_bytes, 0);
	if (stop_copy) {
		vgpu_mig_capture(inst, &migf->dev);
		migf->stop_copy = true;
	}
	inst->mig.save = migf;
	return get_file(migf->filp);
}

/* The stream is whole: check the device record against this vGPU, apply. */
static int vgpu_mig_load(struct mdev_device *mdev, struct vgpu_instance *inst)
{
	struct vgpu_mig_file *migf = inst->mig.resume;
	struct vgpu_mig_parser *p = &migf->parser;
	const struct vgpu_mig_device *dev = &p->dev;
	u32 bad;
	int ret;

	mutex_lock(&migf->lock);
	ret = vgpu_mig_parse_finish(p);
	if (ret)
		goto refused;

	down_write(&inst->memory_lock);
	mutex_lock(&inst->lock);
	ret = vgpu_cfg_check_saved(&inst->cfg, dev->cfg, &bad);
	if (ret) {
		snprintf(p->why, sizeof(p->why),
			 "config space byte 0x%02x is 0x%02x, a value the guest cannot write there",
			 bad, dev->cfg[bad]);
	} else {
		ret = vgpu_regs_check_saved(&inst->regs, dev->dispi, dev->irq_status,
					    dev->irq_enable, &bad);
		if (ret && bad < DISPI_NR)
			snprintf(p->why, sizeof(p->why),
				 "dispi register %u is 0x%04x, which this vGPU cannot take",
				 bad, dev->dispi[bad]);
		else if (ret)
			snprintf(p->why, sizeof(p->why),
				 "interrupt status/enable 0x%x/0x%x name causes this vGPU does not have",
				 dev->irq_status, dev->irq_enable);
	}
	if (!ret) {
		write_seqcount_begin(&inst->emul_seq);
		vgpu_cfg_load_saved(&inst->cfg, dev->cfg);
		vgpu_regs_load_saved(&inst->regs, dev->dispi, dev->vga,
				     dev->irq_status, dev->irq_enable);
		vgpu_regs_set_edid(&inst->regs, dev->edid, dev->edid_len);
		write_seqcount_end(&inst->emul_seq);
		vgpu_irq_set_intx_masked(&inst->irq, dev->intx_masked);
		vgpu_update_irq(inst);
	}
	mutex_unlock(&inst->lock);
	/* Decode may have gone off; mappings refault under the new state. */
	if (!ret)
		vgpu_bar0_zap(mdev);
	up_write(&inst->memory_lock);
	if (!ret) {
		mutex_unlock(&migf->lock);
		return 0;
	}
	p->err = ret;
refused:
	vgpu_mig_refused(migf);
	mutex_unlock(&migf->lock);
	return ret;
}

static bool mig_running(enum vfio_device_mig_state s)
{
	return s == VFIO_DEVICE_STATE_RUNNING || s == VFIO_DEVICE_STATE_RUNNING_P2P;
}

static bool mig_precopy(enum vfio_device_mig_state s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/*
 * One arc of the state machine.  The device does no DMA and starts no
 * peer-to-peer transfer, so the P2P states are their plain twins, and
 * stopping or running it changes nothing the driver holds: its state is
 * what the guest wrote, and the guest stops with its vCPUs.
 */
static struct file *vgpu_mig_step(struct mdev_device *mdev,
				  struct vgpu_instance *inst,
				  enum vfio_device_mig_state cur,
				  enum vfio_device_mig_state next)
{
	struct vgpu_mig_file *migf;
	int ret;

	if ((mig_running(cur) && mig_running(next)) ||
	    (mig_precopy(cur) && mig_precopy(next)) ||
	    (mig_running(cur) && next == VFIO_DEVICE_STATE_STOP) ||
	    (cur == VFIO_DEVICE_STATE_STOP && mig_running(next)))
		return NULL;

	if (mig_running(cur) && mig_precopy(next))
		return vgpu_mig_start_save(mdev, inst, false);
	if (mig_precopy(cur) && mig_running(next)) {
		vgpu_mig_end_save(mdev, inst);
		return NULL;
	}
	/* The pre-copy data file goes on: no new one (QEMU refuses one). */
	if (mig_precopy(cur) && next == VFIO_DEVICE_STATE_STOP_COPY) {
		migf = inst->mig.save;
		mutex_lock(&migf->lock);
		vgpu_mig_capture(inst, &migf->dev);
		migf->stop_copy = true;
		mutex_unlock(&migf->lock);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_STOP_COPY)
		return vgpu_mig_start_save(mdev, inst, true);
	if (cur == VFIO_DEVICE_STATE_STOP_COPY && next == VFIO_DEVICE_STATE_STOP) {
		vgpu_mig_end_save(mdev, inst);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RESUMING) {
		migf = vgpu_mig_file_new(mdev, false);
		if (IS_ERR(migf))
			return ERR_CAST(migf);
		inst->mig.resume = migf;
		return get_file(migf->filp);
	}
	if (cur == VFIO_DEVICE_STATE_RESUMING && next == VFIO_DEVICE_STATE_STOP) {
		ret = vgpu_mig_load(mdev, inst);
		if (ret)
			return ERR_PTR(ret);
		vgpu_mig_end_resume(inst);
		return NULL;
	}
	/* vfio_mig_get_next_state() gives no other arc. */
	WARN_ON_ONCE(1);
	return ERR_PTR(-EINVAL);
}

static struct file *vgpu_mig_set_state(struct mdev_device *mdev,
				       enum vfio_device_mig_state new_state)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	struct vgpu_mig *mig = &inst->mig;
	struct file *res = NULL;

	mutex_lock(&mig->lock);
	while (mig->state != new_state) {
		enum vfio_device_mig_state next;
		int ret;

		ret = vfio_mig_get_next_state(mdev->vdev, mig->state, new_state, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = vgpu_mig_step(mdev, inst, mig->state, next);
		if (IS_ERR(res))
			break;
		mig->state = next;
		/* Only the last arc may give a file. */
		if (WARN_ON_ONCE(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&mig->lock);
	return res;
}

static int vgpu_mig_get_state(struct mdev_device *mdev,
			      enum vfio_device_mig_state *curr_state)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	mutex_lock(&inst->mig.lock);
	*curr_state = inst->mig.state;
	mutex_unlock(&inst->mig.lock);
	return 0;
}

static int vgpu_mig_get_data_size(struct mdev_device *mdev,
				  unsigned long *stop_copy_length)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	struct vgpu_mig_file *migf;
	u64 initial, dirty;

	mutex_lock(&inst->mig.lock);
	migf = inst->mig.save;
	if (migf) {
		mutex_lock(&migf->lock);
		vgpu_mig_save_left(migf, &initial, &dirty);
		if (!migf->dev_sent)
			initial += MIG_TAIL_BYTES;
		else if (!migf->end_sent)
			initial += VGPU_MIG_REC_HDR_SIZE + VGPU_MIG_END_LEN;
		mutex_unlock(&migf->lock);
	} else {
		initial = MIG_HEADER_BYTES + mig_page_bytes(mig_pages(inst)) + MIG_TAIL_BYTES;
		dirty = 0;
	}
	mutex_unlock(&inst->mig.lock);
	/* Never 0: QEMU sizes its buffer with it. */
	*stop_copy_length = max_t(u64, initial + dirty, 1);
	return 0;
}

static u32 vgpu_mig_flags(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	return inst->mig.flags;
}

/*
 * How a vGPU migrates: VFIO migration v2, with pre-copy unless the
 * precopy parameter was off when it was created.
 */
const struct mdev_migration_ops vgpu_mig_ops = {
	.flags = vgpu_mig_flags,
	.set_state = vgpu_mig_set_state,
	.get_state = vgpu_mig_get_state,
	.get_data_size = vgpu_mig_get_data_size,
	.no_dma = true,
};

/**
 * vgpu_mig_init() - a new instance, running, with no data file
 * @inst: the instance
 */
void vgpu_mig_init(struct vgpu_instance *inst)
{
	mutex_init(&inst->mig.lock);
	inst->mig.state = VFIO_DEVICE_STATE_RUNNING;
	inst->mig.flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
	if (READ_ONCE(precopy))
		inst->mig.flags |= VFIO_MIGRATION_PRE_COPY;
}

/**
 * vgpu_mig_reset() - back to RUNNING, ending any data file
 * @mdev: the instance
 *
 * For VFIO_DEVICE_RESET and the last close: the data files' users get
 * -ENODEV from then on.  A load that was refused left its pages zeroed.
 */
void vgpu_mig_reset(struct mdev_device *mdev)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);

	mutex_lock(&inst->mig.lock);
	vgpu_mig_end_save(mdev, inst);
	vgpu_mig_end_resume(inst);
	inst->mig.state = VFIO_DEVICE_STATE_RUNNING;
	mutex_unlock(&inst->mig.lock);
}
