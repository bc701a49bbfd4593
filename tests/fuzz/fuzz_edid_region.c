// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the VFIO EDID region of a vGPU, compiled from
 * kernel/vendor_gpu/vgpu_edid_region.c and vgpu_edid.c.  The input's
 * first four bytes pick the maximum resolution, whose EDID (checked:
 * length, both checksums) starts the region; the rest is a string of
 * reads and writes at any offset and length.  After every access:
 * a refused write changed nothing, an accepted one only what the
 * protocol lets it change, the header stays consistent (whole blocks,
 * up only with an EDID, read-only fields as set), and reads return the
 * header image, zeros in the gap and the blob.
 */
#include <stdlib.h>
#include <string.h>

#include "vgpu_edid_region.h"

#define FIELD(f) offsetof(struct vfio_region_gfx_edid, f)
#define UP VFIO_DEVICE_GFX_LINK_STATE_UP
#define DOWN VFIO_DEVICE_GFX_LINK_STATE_DOWN
#define BLOB VGPU_EDID_REGION_BLOB

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void check_edid(u32 w, u32 h, u8 *edid, int len)
{
	bool fits = w >= 640 && h >= 480 && w <= 65535 && h <= 65535;

	if (!fits) {
		if (len != -EINVAL)
			abort();
		return;
	}
	/* 65535 by 65535 is in range but beyond DisplayID's pixel clock. */
	if (len == -EINVAL)
		return;
	if (len != 128 && len != 256)
		abort();
	if (sum(edid, 128) || edid[126] != len / 128 - 1)
		abort();
	if (len == 256 && (sum(edid + 128, 128) || edid[128] != 0x70 ||
			   sum(edid + 129, 5 + edid[130])))
		abort();
}

/* What every access must leave true. */
static void check_state(const struct vgpu_edid_region *r, u32 max_x, u32 max_y)
{
	u32 v;

	if (r->max_xres != max_x || r->max_yres != max_y)
		abort();
	if (r->edid_size % VGPU_EDID_BLOCK_SIZE || r->edid_size > VGPU_EDID_MAX_SIZE)
		abort();
	if (r->link_state != UP && r->link_state != DOWN)
		abort();
	if (r->link_state == UP && !r->edid_size)
		abort();
	if (vgpu_edid_region_read(r, FIELD(edid_offset), (u8 *)&v, 4) || v != BLOB)
		abort();
	if (vgpu_edid_region_read(r, FIELD(edid_max_size), (u8 *)&v, 4) ||
	    v != VGPU_EDID_MAX_SIZE)
		abort();
	if (vgpu_edid_region_read(r, FIELD(link_state), (u8 *)&v, 4) || v != r->link_state)
		abort();
}

static void check_read(const struct vgpu_edid_region *r, u32 off, u32 count)
{
	static u8 buf[VGPU_EDID_REGION_SIZE + 64];
	struct vfio_region_gfx_edid h;
	bool inside = off < VGPU_EDID_REGION_SIZE && count <= VGPU_EDID_REGION_SIZE - off;
	u32 i;
	int ret;

	if (count > sizeof(buf))
		count = sizeof(buf);
	memset(buf, 0xa5, sizeof(buf));
	ret = vgpu_edid_region_read(r, off, buf, count);
	if (!inside) {
		if (ret != -EINVAL || buf[0] != 0xa5)
			abort();
		return;
	}
	if (ret)
		abort();
	h.edid_offset = BLOB;
	h.edid_max_size = VGPU_EDID_MAX_SIZE;
	h.edid_size = r->edid_size;
	h.max_xres = r->max_xres;
	h.max_yres = r->max_yres;
	h.link_state = r->link_state;
	for (i = 0; i < count; i++) {
		u32 at = off + i;
		u8 want = at < sizeof(h) ? ((u8 *)&h)[at] :
			  at < BLOB ? 0 : r->blob[at - BLOB];

		if (buf[i] != want)
			abort();
	}
}

static void check_write(struct vgpu_edid_region *r, u32 off, const u8 *p, u32 count)
{
	static struct vgpu_edid_region before;
	enum vgpu_edid_region_change change = 0xff;
	bool header = count == 4 && (off == FIELD(edid_size) || off == FIELD(link_state));
	bool blob = off >= BLOB && off < VGPU_EDID_REGION_SIZE && count &&
		    count <= VGPU_EDID_REGION_SIZE - off;
	int ret;

	before = *r;
	ret = vgpu_edid_region_write(r, off, p, count, &change);
	if (ret) {
		if ((ret != -EINVAL && ret != -EBUSY) || change != VGPU_EDID_REGION_SAME ||
		    memcmp(r, &before, sizeof(before)))
			abort();
		/* Busy is only ever the link being up. */
		if (ret == -EBUSY && before.link_state != UP)
			abort();
		return;
	}
	/* Accepted: a writable field or the blob, each only while allowed. */
	if (!header && !blob)
		abort();
	if ((blob || off == FIELD(edid_size)) && before.link_state != DOWN)
		abort();
	if (blob && (memcmp(r->blob + (off - BLOB), p, count) ||
		     r->edid_size != before.edid_size || r->link_state != before.link_state))
		abort();
	if (!blob && off == FIELD(edid_size) &&
	    (memcmp(&r->edid_size, p, 4) || memcmp(r->blob, before.blob, sizeof(r->blob))))
		abort();
	if (!blob && off == FIELD(link_state)) {
		if (memcmp(&r->link_state, p, 4) || r->edid_size != before.edid_size ||
		    memcmp(r->blob, before.blob, sizeof(r->blob)))
			abort();
		if (change != (before.link_state == r->link_state ? VGPU_EDID_REGION_SAME :
			       r->link_state == UP ? VGPU_EDID_REGION_LINK_UP :
			       VGPU_EDID_REGION_LINK_DOWN))
			abort();
	} else if (change != VGPU_EDID_REGION_SAME) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vgpu_edid_region r;
	static u8 edid[2 * VGPU_EDID_BLOCK_SIZE], payload[VGPU_EDID_REGION_SIZE + 64];
	u32 max_x, max_y;
	size_t i;
	int len;

	if (size < 4)
		return 0;
	/* Mostly plausible maxima, sometimes anything. */
	max_x = data[0] | data[1] << 8;
	max_y = data[2] | data[3] << 8;
	len = vgpu_edid_build(edid, sizeof(edid), &(struct vgpu_edid_params){
		.max_width = max_x, .max_height = max_y });
	check_edid(max_x, max_y, edid, len);
	vgpu_edid_region_init(&r, max_x, max_y, edid, len > 0 ? len : 128);
	check_state(&r, max_x, max_y);

	/* Each access: kind, offset (2 bytes), count (2 bytes), then its data. */
	for (i = 4; i + 5 <= size; i += 5) {
		u8 kind = data[i];
		u32 off = data[i + 1] | data[i + 2] << 8;
		u32 count = data[i + 3] | (data[i + 4] & 0x7) << 8;
		const u8 *rest = data + i + 5;
		size_t left = size - i - 5;

		/* Header offsets are the interesting ones; wrap most offsets there. */
		if (kind & 0x40)
			off %= VGPU_EDID_REGION_SIZE + 8;
		if (kind & 0x20)
			off = (off % 6) * 4;
		if (kind & 0x10)
			off = 0xffffffff - (off & 0xff);
		if (kind & 0x08)
			count = (kind & 0x04) ? 4 : count & 7;
		if (kind & 0x80) {
			check_read(&r, off, count);
			continue;
		}
		/* The payload: the next input bytes, cycled; a small value often. */
		memset(payload, 0, sizeof(payload));
		if (left)
			for (size_t j = 0; j < count && j < sizeof(payload); j++)
				payload[j] = rest[j % left];
		/* A value the header may take: blocks, or a link state. */
		if (kind & 0x02 && count >= 4) {
			u32 v;

			if (kind & 0x01)
				v = (left ? rest[0] % 10 : 1) * VGPU_EDID_BLOCK_SIZE;
			else
				v = kind & 0x04 ? UP : DOWN;
			memcpy(payload, &v, 4);
		}
		if (count > sizeof(payload))
			count = sizeof(payload);
		check_write(&r, off, payload, count);
		check_state(&r, max_x, max_y);
	}
	return 0;
}
