// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO EDID region of a vGPU, as include/uapi/linux/vfio.h lays it
 * out (struct vfio_region_gfx_edid, then the blob), with its update
 * protocol: link down, write the blob and its size, link up.
 *
 * Until a VMM writes it the region holds the device's own EDID with the
 * link up, so it reads back what the guest sees.  The header takes only
 * aligned 4-byte accesses (a field is never half written); its
 * read-only fields, a link state other than up or down, a size that is
 * not whole EDID blocks or does not fit, and blob or size writes while
 * the link is up are refused with the region left as it was.
 */
#include "vgpu_edid_region.h"

#define FIELD(f) offsetof(struct vfio_region_gfx_edid, f)

/**
 * vgpu_edid_region_init() - the device's own monitor, link up
 * @r: the region state
 * @max_xres: the instance's maximum width
 * @max_yres: the instance's maximum height
 * @edid: the device's EDID
 * @edid_size: its length, at most VGPU_EDID_MAX_SIZE
 */
void vgpu_edid_region_init(struct vgpu_edid_region *r, u32 max_xres,
			   u32 max_yres, const u8 *edid, u32 edid_size)
{
	memset(r, 0, sizeof(*r));
	r->max_xres = max_xres;
	r->max_yres = max_yres;
	if (edid_size > VGPU_EDID_MAX_SIZE)
		edid_size = VGPU_EDID_MAX_SIZE;
	memcpy(r->blob, edid, edid_size);
	r->edid_size = edid_size;
	r->link_state = VFIO_DEVICE_GFX_LINK_STATE_UP;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_edid_region_init);

static void header_image(const struct vgpu_edid_region *r,
			 struct vfio_region_gfx_edid *h)
{
	h->edid_offset = VGPU_EDID_REGION_BLOB;
	h->edid_max_size = VGPU_EDID_MAX_SIZE;
	h->edid_size = r->edid_size;
	h->max_xres = r->max_xres;
	h->max_yres = r->max_yres;
	h->link_state = r->link_state;
}

/**
 * vgpu_edid_region_read() - read bytes of the region
 * @r: the region state
 * @offset: where, in the region
 * @buf: receives @count bytes (the header in host byte order, as the
 *	uAPI structure is; bytes between the header and the blob read 0)
 * @count: how many
 *
 * Return: 0, or -EINVAL for a range outside the region.
 */
int vgpu_edid_region_read(const struct vgpu_edid_region *r, u32 offset,
			  u8 *buf, u32 count)
{
	struct vfio_region_gfx_edid h;
	u32 i;

	if (offset >= VGPU_EDID_REGION_SIZE ||
	    count > VGPU_EDID_REGION_SIZE - offset)
		return -EINVAL;
	header_image(r, &h);
	for (i = 0; i < count; i++) {
		u32 at = offset + i;

		if (at < sizeof(h))
			buf[i] = ((const u8 *)&h)[at];
		else if (at >= VGPU_EDID_REGION_BLOB)
			buf[i] = r->blob[at - VGPU_EDID_REGION_BLOB];
		else
			buf[i] = 0;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_edid_region_read);

static int write_field(struct vgpu_edid_region *r, u32 offset, u32 val,
		       enum vgpu_edid_region_change *change)
{
	switch (offset) {
	case FIELD(edid_size):
		if (r->link_state == VFIO_DEVICE_GFX_LINK_STATE_UP)
			return -EBUSY;
		if (val > VGPU_EDID_MAX_SIZE || val % VGPU_EDID_BLOCK_SIZE)
			return -EINVAL;
		r->edid_size = val;
		return 0;
	case FIELD(link_state):
		if (val == VFIO_DEVICE_GFX_LINK_STATE_UP) {
			if (!r->edid_size)
				return -EINVAL;
			if (r->link_state != val)
				*change = VGPU_EDID_REGION_LINK_UP;
		} else if (val == VFIO_DEVICE_GFX_LINK_STATE_DOWN) {
			if (r->link_state != val)
				*change = VGPU_EDID_REGION_LINK_DOWN;
		} else {
			return -EINVAL;
		}
		r->link_state = val;
		return 0;
	default:
		/* edid_offset, edid_max_size, max_xres, max_yres */
		return -EINVAL;
	}
}

/**
 * vgpu_edid_region_write() - write bytes of the region
 * @r: the region state
 * @offset: where, in the region
 * @buf: the bytes (a header field in host byte order)
 * @count: how many: 4 at a 4-byte aligned header field, or any number
 *	inside the blob
 * @change: receives what the guest must now be shown
 *
 * Return: 0; -EINVAL for an access that is neither (including the
 * space between header and blob), a read-only field, or a bad value;
 * -EBUSY for a blob or size write while the link is up.  A refused
 * write changes nothing.
 */
int vgpu_edid_region_write(struct vgpu_edid_region *r, u32 offset,
			   const u8 *buf, u32 count,
			   enum vgpu_edid_region_change *change)
{
	u32 val;

	*change = VGPU_EDID_REGION_SAME;
	if (offset >= VGPU_EDID_REGION_SIZE ||
	    count > VGPU_EDID_REGION_SIZE - offset || !count)
		return -EINVAL;
	if (offset >= VGPU_EDID_REGION_BLOB) {
		if (r->link_state == VFIO_DEVICE_GFX_LINK_STATE_UP)
			return -EBUSY;
		memcpy(r->blob + (offset - VGPU_EDID_REGION_BLOB), buf, count);
		return 0;
	}
	if (count != 4 || offset % 4 ||
	    offset >= sizeof(struct vfio_region_gfx_edid))
		return -EINVAL;
	memcpy(&val, buf, 4);
	return write_field(r, offset, val, change);
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_edid_region_write);
