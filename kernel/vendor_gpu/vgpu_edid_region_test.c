// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the VFIO EDID region: its readback, the update
 * protocol a VMM follows (link down, size, blob, link up) and every
 * refusal, each of which must leave the region as it was.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "vgpu_edid_region.h"

#define UP	VFIO_DEVICE_GFX_LINK_STATE_UP
#define DOWN	VFIO_DEVICE_GFX_LINK_STATE_DOWN
#define FIELD(f) offsetof(struct vfio_region_gfx_edid, f)
#define BLOB	VGPU_EDID_REGION_BLOB

/* A made-up two-block EDID: only its bytes matter to the region. */
static void fill(u8 *p, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

static struct vgpu_edid_region *new_region(struct kunit *test)
{
	struct vgpu_edid_region *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u8 edid[256];

	KUNIT_ASSERT_NOT_NULL(test, r);
	fill(edid, sizeof(edid), 1);
	vgpu_edid_region_init(r, 1920, 1200, edid, sizeof(edid));
	return r;
}

static u32 rd32(struct kunit *test, const struct vgpu_edid_region *r, u32 off)
{
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, vgpu_edid_region_read(r, off, (u8 *)&v, 4), 0);
	return v;
}

static int wr32(struct vgpu_edid_region *r, u32 off, u32 val,
		enum vgpu_edid_region_change *change)
{
	return vgpu_edid_region_write(r, off, (const u8 *)&val, 4, change);
}

/* Write one header field, expecting success and a given change. */
static void set_field(struct kunit *test, struct vgpu_edid_region *r, u32 off, u32 val,
		      enum vgpu_edid_region_change want)
{
	enum vgpu_edid_region_change change = 0xff;

	KUNIT_EXPECT_EQ(test, wr32(r, off, val, &change), 0);
	KUNIT_EXPECT_EQ(test, change, want);
}

static void region_init_reads_back(struct kunit *test)
{
	struct vgpu_edid_region *r = new_region(test);
	u8 *buf = kunit_kzalloc(test, VGPU_EDID_REGION_SIZE, GFP_KERNEL);
	struct vfio_region_gfx_edid h;
	u8 edid[256];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_offset)), 0x100U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_max_size)), 1024U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_size)), 256U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(max_xres)), 1920U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(max_yres)), 1200U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(link_state)), (u32)UP);
	KUNIT_EXPECT_EQ(test, VGPU_EDID_REGION_SIZE, 0x100 + 1024);

	/* The whole region at once: the uAPI header, zeros, the blob. */
	KUNIT_ASSERT_EQ(test, vgpu_edid_region_read(r, 0, buf, VGPU_EDID_REGION_SIZE), 0);
	memcpy(&h, buf, sizeof(h));
	KUNIT_EXPECT_EQ(test, h.edid_offset, 0x100U);
	KUNIT_EXPECT_EQ(test, h.link_state, (u32)UP);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf + sizeof(h), 0, BLOB - sizeof(h)));
	fill(edid, sizeof(edid), 1);
	KUNIT_EXPECT_MEMEQ(test, buf + BLOB, edid, sizeof(edid));
	/* Past the device's EDID the blob is zero. */
	KUNIT_EXPECT_NULL(test, memchr_inv(buf + BLOB + 256, 0, 1024 - 256));
	/* Single bytes read what the whole read did. */
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_read(r, BLOB + 255, edid, 1), 0);
	KUNIT_EXPECT_EQ(test, edid[0], buf[BLOB + 255]);
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_read(r, VGPU_EDID_REGION_SIZE - 1, edid, 1), 0);
}

/* A device EDID longer than the region holds is cut to the region. */
static void region_init_clamps(struct kunit *test)
{
	struct vgpu_edid_region *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u8 *edid = kunit_kzalloc(test, 2048, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, edid);
	fill(edid, 2048, 3);
	vgpu_edid_region_init(r, 640, 480, edid, 2048);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_size)), 1024U);
	KUNIT_EXPECT_MEMEQ(test, r->blob, edid, 1024);
}

static void region_update_protocol(struct kunit *test)
{
	struct vgpu_edid_region *r = new_region(test);
	enum vgpu_edid_region_change change;
	u8 edid[384], back[384];

	/* Down: the guest loses its monitor; down again changes nothing. */
	set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_LINK_DOWN);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(link_state)), (u32)DOWN);
	set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_SAME);

	/* Size and blob, in any order and in pieces of any length. */
	set_field(test, r, FIELD(edid_size), 384, VGPU_EDID_REGION_SAME);
	fill(edid, sizeof(edid), 0x40);
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_write(r, BLOB, edid, 1, &change), 0);
	KUNIT_EXPECT_EQ(test, change, VGPU_EDID_REGION_SAME);
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_write(r, BLOB + 1, edid + 1, 200, &change), 0);
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_write(r, BLOB + 201, edid + 201, 183, &change), 0);
	KUNIT_EXPECT_EQ(test, change, VGPU_EDID_REGION_SAME);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_size)), 384U);
	KUNIT_ASSERT_EQ(test, vgpu_edid_region_read(r, BLOB, back, sizeof(back)), 0);
	KUNIT_EXPECT_MEMEQ(test, back, edid, sizeof(edid));
	/* The last byte of the region is blob. */
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_write(r, VGPU_EDID_REGION_SIZE - 1, edid, 1,
						     &change), 0);

	/* Up: the guest sees the blob; up again changes nothing. */
	set_field(test, r, FIELD(link_state), UP, VGPU_EDID_REGION_LINK_UP);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(link_state)), (u32)UP);
	KUNIT_EXPECT_EQ(test, r->edid_size, 384U);
	KUNIT_EXPECT_MEMEQ(test, r->blob, edid, sizeof(edid));
	set_field(test, r, FIELD(link_state), UP, VGPU_EDID_REGION_SAME);

	/* The largest EDID, 8 blocks, and the smallest, 1. */
	set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_LINK_DOWN);
	set_field(test, r, FIELD(edid_size), 1024, VGPU_EDID_REGION_SAME);
	set_field(test, r, FIELD(link_state), UP, VGPU_EDID_REGION_LINK_UP);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_size)), 1024U);
	set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_LINK_DOWN);
	set_field(test, r, FIELD(edid_size), 128, VGPU_EDID_REGION_SAME);
	set_field(test, r, FIELD(link_state), UP, VGPU_EDID_REGION_LINK_UP);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(edid_size)), 128U);
	/* None of this touched what is read-only. */
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(max_xres)), 1920U);
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(max_yres)), 1200U);
}

/* Size 0 is a size to set while down, not one to bring the link up with. */
static void region_up_needs_an_edid(struct kunit *test)
{
	struct vgpu_edid_region *r = new_region(test);
	struct vgpu_edid_region *before = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	enum vgpu_edid_region_change change = 0xff;

	KUNIT_ASSERT_NOT_NULL(test, before);
	set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_LINK_DOWN);
	set_field(test, r, FIELD(edid_size), 0, VGPU_EDID_REGION_SAME);
	memcpy(before, r, sizeof(*r));
	KUNIT_EXPECT_EQ(test, wr32(r, FIELD(link_state), UP, &change), -EINVAL);
	KUNIT_EXPECT_EQ(test, change, VGPU_EDID_REGION_SAME);
	KUNIT_EXPECT_MEMEQ(test, r, before, sizeof(*r));
	KUNIT_EXPECT_EQ(test, rd32(test, r, FIELD(link_state)), (u32)DOWN);
	set_field(test, r, FIELD(edid_size), 128, VGPU_EDID_REGION_SAME);
	set_field(test, r, FIELD(link_state), UP, VGPU_EDID_REGION_LINK_UP);
}

/**
 * struct region_bad - a write the region refuses
 * @name: parameter name
 * @down: take the link down first
 * @offset: where
 * @count: how many bytes
 * @val: the first four bytes (the rest are a pattern)
 * @err: the errno
 */
struct region_bad {
	const char *name;
	bool down;
	u32 offset, count, val;
	int err;
};

static const struct region_bad region_bad_cases[] = {
	/* Read-only fields, whatever the link and the value. */
	{ "edid_offset", false, FIELD(edid_offset), 4, 0x100, -EINVAL },
	{ "edid_offset-down", true, FIELD(edid_offset), 4, 0x200, -EINVAL },
	{ "edid_max_size", true, FIELD(edid_max_size), 4, 2048, -EINVAL },
	{ "max_xres", false, FIELD(max_xres), 4, 1920, -EINVAL },
	{ "max_xres-down", true, FIELD(max_xres), 4, 4096, -EINVAL },
	{ "max_yres", true, FIELD(max_yres), 4, 4096, -EINVAL },
	/* Link states other than up and down. */
	{ "link-0", false, FIELD(link_state), 4, 0, -EINVAL },
	{ "link-3", true, FIELD(link_state), 4, 3, -EINVAL },
	{ "link-all-ones", true, FIELD(link_state), 4, 0xffffffff, -EINVAL },
	{ "link-up-high-bits", true, FIELD(link_state), 4, 0x100 | UP, -EINVAL },
	/* Header fields only as aligned 4-byte writes. */
	{ "size-2-bytes", true, FIELD(edid_size), 2, 128, -EINVAL },
	{ "size-1-byte", true, FIELD(edid_size), 1, 128, -EINVAL },
	{ "size-8-bytes", true, FIELD(edid_size), 8, 128, -EINVAL },
	{ "size-misaligned", true, FIELD(edid_size) + 1, 4, 128, -EINVAL },
	{ "link-misaligned", true, FIELD(link_state) - 2, 4, UP << 16, -EINVAL },
	{ "link-byte", true, FIELD(link_state), 1, UP, -EINVAL },
	{ "whole-header", true, 0, sizeof(struct vfio_region_gfx_edid), 0x100, -EINVAL },
	/* Sizes that are not 1 to 8 whole blocks. */
	{ "size-100", true, FIELD(edid_size), 4, 100, -EINVAL },
	{ "size-129", true, FIELD(edid_size), 4, 129, -EINVAL },
	{ "size-1152", true, FIELD(edid_size), 4, 1152, -EINVAL },
	{ "size-2048", true, FIELD(edid_size), 4, 2048, -EINVAL },
	{ "size-all-ones", true, FIELD(edid_size), 4, 0xffffffff, -EINVAL },
	/* Size and blob only while the link is down. */
	{ "size-while-up", false, FIELD(edid_size), 4, 128, -EBUSY },
	{ "blob-while-up", false, BLOB, 128, 0x00ffffff, -EBUSY },
	{ "blob-byte-while-up", false, VGPU_EDID_REGION_SIZE - 1, 1, 0, -EBUSY },
	/* Between the header and the blob there is nothing to write. */
	{ "gap-start", true, sizeof(struct vfio_region_gfx_edid), 4, 0, -EINVAL },
	{ "gap-middle", true, 0x80, 4, 0, -EINVAL },
	{ "gap-end", true, BLOB - 4, 4, 0, -EINVAL },
	{ "gap-into-blob", true, BLOB - 4, 8, 0, -EINVAL },
	{ "header-into-gap", true, FIELD(link_state), 8, UP, -EINVAL },
	/* Outside the region, or nothing at all. */
	{ "past-end", true, VGPU_EDID_REGION_SIZE, 1, 0, -EINVAL },
	{ "across-end", true, VGPU_EDID_REGION_SIZE - 1, 2, 0, -EINVAL },
	{ "blob-too-long", true, BLOB, 1025, 0, -EINVAL },
	{ "far-away", true, 0x100000, 4, 0, -EINVAL },
	{ "offset-wraps", true, 0xffffffff, 4, 0, -EINVAL },
	{ "count-wraps", true, BLOB + 4, 0xfffffffc, 0, -EINVAL },
	{ "zero-bytes", true, BLOB, 0, 0, -EINVAL },
	{ "zero-bytes-header", true, FIELD(edid_size), 0, 0, -EINVAL },
};

static void region_bad_desc(const struct region_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(region_bad, region_bad_cases, region_bad_desc);

static void region_refuses(struct kunit *test)
{
	const struct region_bad *c = test->param_value;
	struct vgpu_edid_region *r = new_region(test);
	struct vgpu_edid_region *before = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	enum vgpu_edid_region_change change = 0xff;
	u8 *buf = kunit_kzalloc(test, 2048, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (c->down)
		set_field(test, r, FIELD(link_state), DOWN, VGPU_EDID_REGION_LINK_DOWN);
	fill(buf, 2048, 0x80);
	memcpy(buf, &c->val, 4);
	memcpy(before, r, sizeof(*r));

	/* A count past the buffer is refused before any byte is read. */
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_write(r, c->offset, buf, c->count, &change),
			c->err);
	KUNIT_EXPECT_EQ(test, change, VGPU_EDID_REGION_SAME);
	KUNIT_EXPECT_MEMEQ_MSG(test, r, before, sizeof(*r), "a refused write changed the region");
}

/* Reads outside the region are refused and fill nothing. */
static void region_read_bounds(struct kunit *test)
{
	static const u32 bad[][2] = {
		{ VGPU_EDID_REGION_SIZE, 1 }, { VGPU_EDID_REGION_SIZE - 1, 2 },
		{ 0, VGPU_EDID_REGION_SIZE + 1 }, { 0xffffffff, 1 }, { 4, 0xfffffffe },
	};
	struct vgpu_edid_region *r = new_region(test);
	u8 buf[8];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(buf, 0xa5, sizeof(buf));
		KUNIT_EXPECT_EQ_MSG(test, vgpu_edid_region_read(r, bad[i][0], buf, bad[i][1]),
				    -EINVAL, "read of %u at %#x", bad[i][1], bad[i][0]);
		KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0xa5, sizeof(buf)));
	}
	/* The gap reads as zeros. */
	KUNIT_EXPECT_EQ(test, vgpu_edid_region_read(r, 0x80, buf, 8), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, 8));
}

static struct kunit_case vgpu_edid_region_cases[] = {
	KUNIT_CASE(region_init_reads_back),
	KUNIT_CASE(region_init_clamps),
	KUNIT_CASE(region_update_protocol),
	KUNIT_CASE(region_up_needs_an_edid),
	KUNIT_CASE_PARAM(region_refuses, region_bad_gen_params),
	KUNIT_CASE(region_read_bounds),
	{}
};

static struct kunit_suite vgpu_edid_region_suite = {
	.name = "vslice_vgpu_edid_region",
	.test_cases = vgpu_edid_region_cases,
};

kunit_test_suite(vgpu_edid_region_suite);
