// SPDX-License-Identifier: GPL-2.0-only
/*
 * The display of a vGPU, for a VMM that shows the guest's screen
 * (QEMU's "-device vfio-pci,display=on", libvirt's display='on'):
 *
 * - VFIO_DEVICE_QUERY_GFX_PLANE answers for the primary plane with the
 *   region display type only.  The slice is device memory, so there is
 *   no dma-buf to export; a VMM maps the display region instead.
 * - The display region is the slice seen from the plane's base: the
 *   plane info has no offset, and bochs-drm flips by moving X/Y_OFFSET
 *   to another framebuffer, so each query that finds the plane moved
 *   moves the region with it (its mappings refault at the new base).
 *   The plane a query reports and the mapping a VMM then reads agree.
 * - The monitor's EDID, served to the guest at BAR2 0x000-0x3ff, is the
 *   device's own (vgpu_edid.c, from max_resolution) until a VMM writes
 *   the VFIO EDID region, and again from the next open on.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vfio.h>
#include <drm/drm_plane.h>

#include "vgpu.h"

/**
 * vgpu_display_own_edid() - show the guest the device's own monitor
 * @inst: the instance, its lock held
 *
 * Built from the instance's maximum resolution; also resets the EDID
 * region to it, link up.
 */
void vgpu_display_own_edid(struct vgpu_instance *inst)
{
	struct vgpu_edid_params p = {
		.max_width = inst->regs.limits.max_width,
		.max_height = inst->regs.limits.max_height,
		.product = inst->type_index,
		.serial = inst->edid_serial,
	};
	u8 edid[2 * VGPU_EDID_BLOCK_SIZE];
	int len;

	lockdep_assert_held(&inst->lock);
	len = vgpu_edid_build(edid, sizeof(edid), &p);
	/* The limits come from a type or max_resolution, both checked. */
	if (WARN_ON(len < 0))
		len = 0;
	vgpu_edid_region_init(&inst->edid_region, p.max_width, p.max_height,
			      edid, len);
	write_seqcount_begin(&inst->emul_seq);
	vgpu_regs_set_edid(&inst->regs, edid, len);
	write_seqcount_end(&inst->emul_seq);
}

/**
 * vgpu_display_init() - the display state of a new instance
 * @inst: the instance, its registers initialised, not yet visible
 * @uuid: its UUID, for the EDID's serial number
 */
void vgpu_display_init(struct vgpu_instance *inst, const u8 *uuid)
{
	/* One line every 5 s per instance, and no "callbacks suppressed". */
	ratelimit_state_init(&inst->display_rs, 5 * HZ, 1);
	ratelimit_set_flags(&inst->display_rs, RATELIMIT_MSG_ON_RELEASE);
	inst->display_base = 0;
	inst->edid_serial = get_unaligned_be32(uuid);
	mutex_lock(&inst->lock);
	vgpu_display_own_edid(inst);
	mutex_unlock(&inst->lock);
}

/* Why the guest's mode shows no plane, at most once per 5 s per instance. */
static void vgpu_display_log(struct mdev_device *mdev,
			     enum vgpu_plane_status status,
			     const struct vgpu_plane *plane)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	const char *why;

	switch (status) {
	case VGPU_PLANE_BAD_FORMAT:
		why = "its depth has no format a VMM can show (24 and 32 bpp can be shown)";
		break;
	case VGPU_PLANE_BAD_MODE:
		why = "its mode does not lie inside the slice";
		break;
	case VGPU_PLANE_UNALIGNED:
		why = "it scans out from an offset that is not page aligned";
		break;
	default:
		return;
	}
	if (__ratelimit(&inst->display_rs))
		dev_info(mdev_dev(mdev), "display: no plane while the guest's display (%u bpp) is on: %s\n",
			 plane->bpp, why);
}

/**
 * vgpu_ioctl_query_gfx_plane() - VFIO_DEVICE_QUERY_GFX_PLANE
 * @mdev: the instance
 * @arg: the user's struct vfio_device_gfx_plane_info
 *
 * Probes answer 0 for the region type and -EINVAL for dma-buf.  A query
 * of the primary plane (QEMU leaves drm_plane_type 0, which it means as
 * the primary plane) fills the plane, or reports none with drm_format
 * and size 0; the cursor plane, which this device has not, is none too.
 *
 * Return: 0 or a negative errno.
 */
long vgpu_ioctl_query_gfx_plane(struct mdev_device *mdev, unsigned long arg)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	unsigned long minsz = offsetofend(struct vfio_device_gfx_plane_info,
					  region_index);
	const u32 known = VFIO_GFX_PLANE_TYPE_PROBE |
			  VFIO_GFX_PLANE_TYPE_DMABUF |
			  VFIO_GFX_PLANE_TYPE_REGION;
	struct vfio_device_gfx_plane_info info;
	enum vgpu_plane_status status;
	struct vgpu_plane plane;
	unsigned int seq;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if ((info.flags & ~known) ||
	    (info.flags & ~VFIO_GFX_PLANE_TYPE_PROBE) != VFIO_GFX_PLANE_TYPE_REGION)
		return -EINVAL;
	if (info.flags & VFIO_GFX_PLANE_TYPE_PROBE)
		return 0;

	switch (info.drm_plane_type) {
	case DRM_PLANE_TYPE_OVERLAY:	/* 0: what QEMU sends */
	case DRM_PLANE_TYPE_PRIMARY:
		do {
			seq = read_seqcount_begin(&inst->emul_seq);
			status = vgpu_plane_compute(&inst->regs, PAGE_SIZE,
						    &plane);
		} while (read_seqcount_retry(&inst->emul_seq, seq));
		break;
	case DRM_PLANE_TYPE_CURSOR:
		status = VGPU_PLANE_DISABLED;
		memset(&plane, 0, sizeof(plane));
		break;
	default:
		return -EINVAL;
	}

	info.drm_format = plane.drm_format;
	info.drm_format_mod = DRM_FORMAT_MOD_LINEAR;
	info.size = plane.size;
	info.x_pos = 0;
	info.y_pos = 0;
	info.width = plane.width;
	info.height = plane.height;
	info.stride = plane.stride;
	info.x_hot = 0;
	info.y_hot = 0;
	info.region_index = VGPU_DISPLAY_REGION_INDEX;
	if (status == VGPU_PLANE_SHOWN) {
		down_write(&inst->display_lock);
		if (inst->display_base != plane.base) {
			inst->display_base = plane.base;
			vgpu_display_zap(mdev);
		}
		up_write(&inst->display_lock);
	} else {
		vgpu_display_log(mdev, status, &plane);
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * vgpu_display_read() - read the display region
 * @inst: the instance
 * @buf: the user's buffer
 * @count: bytes
 * @pos: offset in the region, from the plane's base
 *
 * Return: bytes read, or a negative errno; -EINVAL past the slice's end.
 */
ssize_t vgpu_display_read(struct vgpu_instance *inst, char __user *buf,
			  size_t count, loff_t pos)
{
	u32 base;

	down_read(&inst->display_lock);
	base = inst->display_base;
	up_read(&inst->display_lock);
	if (pos >= vgpu_slice_size(inst) - base)
		return -EINVAL;
	return vgpu_slice_rw(inst, buf, count, base + pos, false, false);
}

/**
 * vgpu_edid_region_info() - VFIO_DEVICE_GET_REGION_INFO of the EDID region
 * @info: the answer, its index and offset set
 * @caps: receives the region's type capability
 *
 * Return: 0 or -ENOMEM.
 */
int vgpu_edid_region_info(struct vfio_region_info *info,
			  struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type cap = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_GFX,
		.subtype = VFIO_REGION_SUBTYPE_GFX_EDID,
	};

	info->size = VGPU_EDID_REGION_SIZE;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/* Show the guest what the EDID region now says.  inst->lock held. */
static void vgpu_edid_region_apply(struct vgpu_instance *inst,
				   enum vgpu_edid_region_change change)
{
	const struct vgpu_edid_region *r = &inst->edid_region;

	if (change == VGPU_EDID_REGION_SAME)
		return;
	write_seqcount_begin(&inst->emul_seq);
	if (change == VGPU_EDID_REGION_LINK_UP)
		vgpu_regs_set_edid(&inst->regs, r->blob, r->edid_size);
	else
		vgpu_regs_set_edid(&inst->regs, NULL, 0);
	write_seqcount_end(&inst->emul_seq);
}

/**
 * vgpu_edid_region_rw() - read or write the EDID region
 * @mdev: the instance
 * @buf: the user's buffer
 * @count: bytes
 * @pos: offset in the region
 * @write: the direction
 *
 * The data crosses to or from the user with no lock held; a refused
 * write changes nothing and is logged with the reason.
 *
 * Return: @count, or a negative errno.
 */
ssize_t vgpu_edid_region_rw(struct mdev_device *mdev, char __user *buf,
			    size_t count, loff_t pos, bool write)
{
	struct vgpu_instance *inst = mdev_get_drvdata(mdev);
	enum vgpu_edid_region_change change;
	u8 *data;
	int ret;

	if (pos >= VGPU_EDID_REGION_SIZE || count > VGPU_EDID_REGION_SIZE - pos)
		return -EINVAL;
	data = kmalloc(count, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	if (write && copy_from_user(data, buf, count)) {
		ret = -EFAULT;
		goto out;
	}
	mutex_lock(&inst->lock);
	if (write) {
		ret = vgpu_edid_region_write(&inst->edid_region, pos, data,
					     count, &change);
		if (!ret)
			vgpu_edid_region_apply(inst, change);
	} else {
		ret = vgpu_edid_region_read(&inst->edid_region, pos, data,
					    count);
	}
	mutex_unlock(&inst->lock);
	if (ret == -EBUSY)
		dev_info_ratelimited(mdev_dev(mdev),
				     "EDID region: write at 0x%llx while the link is up; set link_state down first\n",
				     pos);
	else if (ret)
		dev_info_ratelimited(mdev_dev(mdev),
				     "EDID region: %zu-byte %s at 0x%llx refused: not a writable field, a bad value, or outside the region\n",
				     count, write ? "write" : "read", pos);
	if (!ret && !write && copy_to_user(buf, data, count))
		ret = -EFAULT;
out:
	kfree(data);
	return ret ? ret : count;
}
