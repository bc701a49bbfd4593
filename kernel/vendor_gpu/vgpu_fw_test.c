// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the type table image parser.
 *
 * Images are built in memory from a description and sealed with
 * crc32_le() over the whole image with the CRC field zeroed, not with the
 * parser's piecewise computation, so a parser that covers the wrong bytes
 * or is not the IEEE CRC fails here.  Each corruption case changes one thing
 * in a valid image and checks the errno, the name of the failed check at
 * the start of the reason, and that the output table was not touched.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vgpu_cfg.h"
#include "vgpu_fw.h"
#include "vgpu_fw_format.h"
#include "vgpu_regs.h"

/* What the output table is filled with first, to see what was written. */
#define POISON 0x5a

static const struct vgpu_fw_gpu gpu256 = { 0x1234, 0x1111, 256 };
static const struct vgpu_fw_gpu gpu128 = { 0x1234, 0x1111, 128 };
static const struct vgpu_fw_gpu gpu4096 = { 0x1234, 0x1111, 4096 };

/* The lab table of the 256 MiB bochs-display, as firmware/src has it. */
static const struct vgpu_fw_type lab_types[] = {
	{ "s16", "vslice S16", 16, 16, 1280, 1024, VGPU_FW_CLASS_VGA },
	{ "s32", "vslice S32", 32, 8, 1920, 1200, VGPU_FW_CLASS_VGA },
	{ "s64", "vslice S64", 64, 4, 2560, 1600, VGPU_FW_CLASS_VGA },
	{ "s128", "vslice S128", 128, 2, 3840, 2160, VGPU_FW_CLASS_VGA },
	{ "s256", "vslice S256", 256, 1, 7680, 4320, VGPU_FW_CLASS_VGA },
};

/* The retired fields of an entry, in image order: heads, weight, fps_cap. */
#define NR_RETIRED 3
static const u32 retired_off[NR_RETIRED] = {
	VGPU_FW_ENT_HEADS, VGPU_FW_ENT_WEIGHT, VGPU_FW_ENT_FPS_CAP,
};

/* An image to build: header values, the types, and the layout knobs. */
struct fw_spec {
	u32 major, minor, hdr_size, entry_size, nr_types, revision;
	struct vgpu_fw_gpu gpu;
	u32 trailer;	/* bytes after the last entry */
	u8 fill;	/* the bytes a v1 reader must skip */
	u32 retired[VGPU_FW_MAX_TYPES][NR_RETIRED];	/* heads, weight, fps_cap */
	u32 ignored;	/* the VGPU_FW_IGNORED_* the parse must report */
	struct vgpu_fw_type types[VGPU_FW_MAX_TYPES];
};

static struct fw_spec *lab_spec(struct kunit *test)
{
	struct fw_spec *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->major = VGPU_FW_FORMAT_MAJOR;
	s->minor = VGPU_FW_FORMAT_MINOR;
	s->hdr_size = VGPU_FW_HDR_V1_SIZE;
	s->entry_size = VGPU_FW_ENT_V1_SIZE;
	s->nr_types = ARRAY_SIZE(lab_types);
	s->revision = 3;
	s->gpu = gpu256;
	memcpy(s->types, lab_types, sizeof(lab_types));
	/* What mkfw writes for format 1.0 readers. */
	for (i = 0; i < VGPU_FW_MAX_TYPES; i++) {
		s->retired[i][0] = VGPU_FW_RETIRED_HEADS_FILL;
		s->retired[i][1] = VGPU_FW_RETIRED_WEIGHT_FILL;
		s->retired[i][2] = VGPU_FW_RETIRED_FPS_CAP_FILL;
	}
	return s;
}

/* Put the IEEE CRC-32 of the image, CRC field as zero, into the field. */
static void seal(u8 *img, size_t len)
{
	vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, 0);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, crc32_le(~0U, img, len) ^ ~0U);
}

static u8 *build(struct kunit *test, const struct fw_spec *s, size_t *len)
{
	size_t i, k, n = min_t(u32, s->nr_types, VGPU_FW_MAX_TYPES);
	u8 *img, *e;

	*len = s->hdr_size + n * s->entry_size + s->trailer;
	img = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img);
	memset(img, s->fill, *len);
	memcpy(img + VGPU_FW_HDR_MAGIC, VGPU_FW_MAGIC, VGPU_FW_MAGIC_LEN);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MAJOR, s->major);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MINOR, s->minor);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_HDR_SIZE, s->hdr_size);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_ENTRY_SIZE, s->entry_size);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_NR_TYPES, s->nr_types);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_LENGTH, *len);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_VENDOR, s->gpu.vendor);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_DEVICE, s->gpu.device);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_VRAM_MIB, s->gpu.vram_mib);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_REVISION, s->revision);
	for (i = 0; i < n; i++) {
		const struct vgpu_fw_type *t = &s->types[i];

		e = img + s->hdr_size + i * s->entry_size;
		memcpy(e + VGPU_FW_ENT_ID, t->id, VGPU_FW_ID_LEN);
		memcpy(e + VGPU_FW_ENT_NAME, t->name, VGPU_FW_NAME_LEN);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_VRAM_MIB, t->vram_mib);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_INST, t->max_instances);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_WIDTH, t->max_width);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_HEIGHT, t->max_height);
		for (k = 0; k < NR_RETIRED; k++)
			vgpu_fw_put_le32(e + retired_off[k], s->retired[i][k]);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_PCI_CLASS, t->pci_class);
	}
	seal(img, *len);
	return img;
}

static struct vgpu_fw_table *poisoned_table(struct kunit *test)
{
	struct vgpu_fw_table *t = kunit_kmalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	memset(t, POISON, sizeof(*t));
	return t;
}

/* The table vgpu_fw_parse() must produce for @s: zero-padded throughout. */
static void expect_table(struct kunit *test, const struct vgpu_fw_table *got,
			 const struct fw_spec *s)
{
	struct vgpu_fw_table *want = kunit_kzalloc(test, sizeof(*want), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, want);
	want->gpu = s->gpu;
	want->revision = s->revision;
	want->minor = s->minor;
	want->ignored = s->ignored;
	want->nr_types = s->nr_types;
	memcpy(want->types, s->types, s->nr_types * sizeof(s->types[0]));

	KUNIT_EXPECT_EQ(test, got->gpu.vendor, want->gpu.vendor);
	KUNIT_EXPECT_EQ(test, got->gpu.device, want->gpu.device);
	KUNIT_EXPECT_EQ(test, got->gpu.vram_mib, want->gpu.vram_mib);
	KUNIT_EXPECT_EQ(test, got->revision, want->revision);
	KUNIT_EXPECT_EQ(test, got->minor, want->minor);
	KUNIT_EXPECT_EQ(test, got->ignored, want->ignored);
	KUNIT_ASSERT_EQ(test, got->nr_types, want->nr_types);
	for (i = 0; i < want->nr_types; i++) {
		const struct vgpu_fw_type *g = &got->types[i], *w = &want->types[i];

		KUNIT_EXPECT_STREQ_MSG(test, g->id, w->id, "type %u", i);
		KUNIT_EXPECT_STREQ_MSG(test, g->name, w->name, "type %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->vram_mib, w->vram_mib, "type %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->max_instances, w->max_instances, "type %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->max_width, w->max_width, "type %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->max_height, w->max_height, "type %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->pci_class, w->pci_class, "type %u", i);
	}
	/* And nothing else: padding, unused types, string tails all zero. */
	KUNIT_EXPECT_EQ(test, memcmp(got, want, sizeof(*want)), 0);
}

static void parse_ok(struct kunit *test, const u8 *img, size_t len,
		     const struct fw_spec *s)
{
	struct vgpu_fw_table *table = poisoned_table(test);
	char why[VGPU_FW_WHY_LEN];

	memset(why, 'x', sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, vgpu_fw_parse(img, len, &s->gpu, table, why, sizeof(why)),
			    0, "why: %.*s", (int)sizeof(why), why);
	KUNIT_EXPECT_STREQ(test, why, "");
	expect_table(test, table, s);
}

static void fw_lab_image_parses_exactly(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img = build(test, s, &len);

	KUNIT_EXPECT_EQ(test, len, (size_t)(64 + 5 * 96));
	parse_ok(test, img, len, s);
}

static void fw_small_gpu_image_parses(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;
	u32 i;

	s->gpu = gpu128;
	s->nr_types = 4;
	for (i = 0; i < s->nr_types; i++)
		s->types[i].max_instances = 128 / s->types[i].vram_mib;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

/* Every bound of every range, and as many types as the format allows. */
static void fw_limits_parse(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;
	u32 i;

	s->nr_types = VGPU_FW_MAX_TYPES;
	for (i = 0; i < VGPU_FW_MAX_TYPES; i++) {
		struct vgpu_fw_type *t = &s->types[i];
		bool low = i % 2;

		memset(t, 0, sizeof(*t));
		snprintf(t->id, sizeof(t->id), "t%u_%s", i, low ? "lo" : "hi");
		/* The longest name of each: all the bytes but the NUL. */
		memset(t->name, low ? ' ' : '~', sizeof(t->name) - 1);
		t->name[0] = 'N';
		t->vram_mib = 1U << (i % 9);
		t->max_instances = i % 3 ? 1 : 256 / t->vram_mib;
		t->max_width = low ? VGPU_FW_MIN_WIDTH : VGPU_FW_MAX_RES;
		t->max_height = low ? VGPU_FW_MIN_HEIGHT : VGPU_FW_MAX_RES;
		t->pci_class = low ? VGPU_FW_CLASS_VGA : VGPU_FW_CLASS_DISPLAY;
	}
	/* The longest id, and every character an id may hold. */
	strscpy(s->types[0].id, "abcdefghijklmno", VGPU_FW_ID_LEN);
	strscpy(s->types[2].id, "pqrstuvwxyz_019", VGPU_FW_ID_LEN);
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

/*
 * What a newer minor version may add: a longer header, longer entries
 * and data after the last entry, none of it known to this parser.
 */
static void fw_newer_minor_with_more_fields_parses(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;

	s->minor = 0xffff;
	s->hdr_size = VGPU_FW_HDR_V1_SIZE + 20;
	s->entry_size = VGPU_FW_ENT_V1_SIZE + 36;
	s->trailer = 100;
	s->fill = 0xee;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

static void fw_newer_minor_parses(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;

	s->minor = 1;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

/* Bytes after a string's NUL are not part of it and are not copied. */
static void fw_string_tails_are_dropped(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img, *e;

	img = build(test, s, &len);
	e = img + VGPU_FW_HDR_V1_SIZE + VGPU_FW_ENT_V1_SIZE;
	memset(e + VGPU_FW_ENT_ID + 4, 'Z', VGPU_FW_ID_LEN - 4);
	memset(e + VGPU_FW_ENT_NAME + 11, 0x01, VGPU_FW_NAME_LEN - 11);
	seal(img, len);
	parse_ok(test, img, len, s);
}

/*
 * The layout firmware/README.md documents, byte by byte, written here
 * without the offset macros so that moving a field breaks this test.
 */
static void fw_layout_is_the_documented_one(struct kunit *test)
{
	static const u8 golden[160] = {
		'V', 'S', 'F', 'W', 1, 0, 2, 0,			/* magic, 1.2 */
		0x40, 0, 0x60, 0, 1, 0, 0, 0,			/* sizes, count */
		0xa0, 0, 0, 0, 0, 0, 0, 0,			/* length, crc */
		0x34, 0x12, 0x11, 0x11, 0x00, 0x01, 0, 0,	/* 1234:1111 256M */
		0x07, 0, 0, 0,					/* revision 7 */
		[0x40] = 's', '1', '6',
		[0x50] = 'v', 's', 'l', 'i', 'c', 'e', ' ', 'S', '1', '6',
		[0x80] = 16, 0, 0, 0, 16, 0, 0, 0,		/* vram, instances */
		0x00, 0x05, 0, 0, 0x00, 0x04, 0, 0,		/* 1280x1024 */
		1, 0, 0, 0, 100, 0, 0, 0, 60, 0, 0, 0,		/* retired, filled */
		0x00, 0x00, 0x03, 0x00,				/* class 0x030000 */
	};
	struct fw_spec *s = lab_spec(test);
	u8 *img = kunit_kmalloc(test, sizeof(golden), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, img);
	memcpy(img, golden, sizeof(golden));
	seal(img, sizeof(golden));
	s->nr_types = 1;
	s->revision = 7;
	s->minor = 2;
	parse_ok(test, img, sizeof(golden), s);
}

/*
 * A format 1.0 image still loads.  Its heads, weight and fps_cap were
 * required then, so they are what its author meant: the table names each
 * one that some type sets, for the log, and nothing else of them is
 * checked or kept.
 */
static void fw_format_1_0_retired_fields_are_named(struct kunit *test)
{
	static const u32 lab_1_0[5][NR_RETIRED] = {
		{ 1, 100, 60 }, { 1, 100, 60 }, { 2, 100, 60 },
		{ 4, 100, 60 }, { 4, 100, 60 },
	};
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;

	s->minor = 0;
	memcpy(s->retired, lab_1_0, sizeof(lab_1_0));
	s->ignored = VGPU_FW_IGNORED_HEADS | VGPU_FW_IGNORED_WEIGHT |
		     VGPU_FW_IGNORED_FPS_CAP;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);

	/* Values 1.0 refused load too; a zero field is not named. */
	s = lab_spec(test);
	s->minor = 0;
	memset(s->retired, 0, sizeof(s->retired));
	s->retired[3][1] = 5000;
	s->ignored = VGPU_FW_IGNORED_WEIGHT;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);

	s->retired[3][1] = 0;
	s->ignored = 0;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

/* From 1.1 on they are filler for 1.0 readers, whatever they hold. */
static void fw_format_1_1_retired_fields_are_skipped(struct kunit *test)
{
	struct fw_spec *s = lab_spec(test);
	size_t len;
	u8 *img;
	u32 i;

	for (i = 0; i < s->nr_types; i++) {
		s->retired[i][0] = 0;
		s->retired[i][1] = 0xffffffff;
		s->retired[i][2] = 241;
	}
	img = build(test, s, &len);
	parse_ok(test, img, len, s);
}

/*
 * The largest slice a vGPU can show is accepted, and is one that its
 * BAR0 and VIDEO_MEMORY_64K describe (as vgpu_create() sizes them: the
 * slice in bytes as a u32); the next power of two is refused, and would
 * have been a BAR0 of 0 bytes.
 */
static void fw_largest_slice_works(struct kunit *test)
{
	struct vgpu_cfg_ids ids = { .vendor = 0x1234, .device = 0x1111,
				    .class = VGPU_FW_CLASS_VGA };
	struct vgpu_regs_limits limits = { .max_width = 1024, .max_height = 768 };
	struct vgpu_fw_table *table = poisoned_table(test);
	struct vgpu_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	struct vgpu_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);
	struct fw_spec *s = lab_spec(test);
	char why[VGPU_FW_WHY_LEN];
	size_t len;
	u32 v;
	u8 *img;

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_NOT_NULL(test, regs);
	s->gpu = gpu4096;
	s->nr_types = 2;
	strscpy(s->types[1].id, "s2048", VGPU_FW_ID_LEN);
	s->types[1].vram_mib = VGPU_FW_MAX_SLICE_MIB;
	s->types[1].max_instances = 2;
	s->types[0].max_instances = 4096 / 16;
	img = build(test, s, &len);
	parse_ok(test, img, len, s);

	limits.vram_size = (u32)VGPU_FW_MAX_SLICE_MIB << 20;
	KUNIT_EXPECT_EQ(test, vgpu_cfg_init(cfg, &ids, limits.vram_size, VGPU_MMIO_SIZE), 0);
	KUNIT_ASSERT_EQ(test, vgpu_regs_init(regs, &limits), 0);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_DISPI + 2 * DISPI_VIDEO_MEMORY_64K,
					     2, &v), 0);
	KUNIT_EXPECT_EQ(test, v * 65536ULL, (u64)VGPU_FW_MAX_SLICE_MIB << 20);

	strscpy(s->types[1].id, "s4096", VGPU_FW_ID_LEN);
	s->types[1].vram_mib = 2 * VGPU_FW_MAX_SLICE_MIB;
	s->types[1].max_instances = 1;
	img = build(test, s, &len);
	memset(why, 'x', sizeof(why));
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu4096, table, why, sizeof(why)),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, why,
			   "type 1 (s4096): vram_mib 4096 exceeds the 2048 MiB that a 32-bit BAR0 and VIDEO_MEMORY_64K can describe");
	KUNIT_EXPECT_NULL(test, memchr_inv(table, POISON, sizeof(*table)));
	/* What a 32-bit size makes of 4096 MiB: 0, which both refuse. */
	limits.vram_size = lower_32_bits((u64)2 * VGPU_FW_MAX_SLICE_MIB << 20);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_init(cfg, &ids, limits.vram_size, VGPU_MMIO_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_regs_init(regs, &limits), -EINVAL);
}

/* The parser's CRC is zlib's and the kernel's, with the field as zero. */
static void fw_crc_is_ieee(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, 1000, GFP_KERNEL);
	u8 *ref = kunit_kmalloc(test, 1000, GFP_KERNEL);
	size_t len, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	/* The check value of CRC-32/ISO-HDLC, shorter than the field's offset. */
	KUNIT_EXPECT_EQ(test, vgpu_fw_crc32((const u8 *)"123456789", 9), 0xcbf43926U);
	KUNIT_EXPECT_EQ(test, vgpu_fw_crc32(buf, 0), 0U);
	for (len = 1; len <= 1000; len += 37) {
		get_random_bytes(buf, len);
		memcpy(ref, buf, len);
		for (i = VGPU_FW_HDR_CRC; i < VGPU_FW_HDR_CRC + 4 && i < len; i++)
			ref[i] = 0;
		KUNIT_EXPECT_EQ_MSG(test, vgpu_fw_crc32(buf, len),
				    crc32_le(~0U, ref, len) ^ ~0U, "len %zu", len);
	}
}

/* @why may be absent or short; it is always terminated when there. */
static void fw_why_is_bounded(struct kunit *test)
{
	struct vgpu_fw_table *table = poisoned_table(test);
	struct fw_spec *s = lab_spec(test);
	char why[11];
	size_t len;
	u8 *img;

	s->gpu.vendor = 0x10de;
	img = build(test, s, &len);
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu256, table, NULL, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu256, table, NULL, 64), -ENODEV);
	why[0] = 'x';
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu256, table, why, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, why[0], 'x');
	memset(why, 'x', sizeof(why));
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu256, table, why, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, why[0], '\0');
	KUNIT_EXPECT_EQ(test, why[1], 'x');
	memset(why, 'x', sizeof(why));
	KUNIT_EXPECT_EQ(test, vgpu_fw_parse(img, len, &gpu256, table, why, sizeof(why)),
			-ENODEV);
	KUNIT_EXPECT_STREQ(test, why, "gpu: image");
	KUNIT_EXPECT_NULL(test, memchr_inv(table, POISON, sizeof(*table)));
}

/* One corruption of the lab image and how it must be refused. */
struct fw_bad {
	const char *name;
	/* Edits, applied in this order; an edit with no value is skipped. */
	void (*spec)(struct fw_spec *s);	/* before the image is built */
	int entry;		/* -1: @off is in the header */
	u32 off;
	u32 width;		/* 2 or 4: store @val; else copy @bytes */
	u32 val;
	const char *bytes;
	bool flip;		/* xor the byte at @off with 0x01 */
	bool keep_crc;		/* do not reseal after the edit */
	bool truncate;		/* cut the image to @new_len bytes */
	bool fix_length;	/* and say so in the length field */
	u32 new_len;
	const struct vgpu_fw_gpu *gpu;	/* NULL: gpu256 */
	int err;
	const char *why;	/* what the reason starts with */
};

#define HDR(o, w, v)		.entry = -1, .off = (o), .width = (w), .val = (v)
#define ENT(e, o, v)		.entry = (e), .off = (o), .width = 4, .val = (v)
#define ENT_STR(e, o, n, s)	.entry = (e), .off = (o), .width = (n), .bytes = (s)
#define CUT(n)			.entry = -1, .truncate = true, .new_len = (n)

static void spec_for_128(struct fw_spec *s)
{
	s->gpu.vram_mib = 128;
	s->nr_types = 4;
}

/* A 4096 MiB GPU whose last type is all of it. */
static void spec_for_4096(struct fw_spec *s)
{
	s->gpu.vram_mib = 4096;
	strscpy(s->types[4].id, "s4096", VGPU_FW_ID_LEN);
	s->types[4].vram_mib = 4096;
}

static void spec_for_nvidia(struct fw_spec *s)
{
	s->gpu.vendor = 0x10de;
}

static void spec_for_other_device(struct fw_spec *s)
{
	s->gpu.device = 0x1112;
}

#define ID	VGPU_FW_ENT_ID
#define NAME	VGPU_FW_ENT_NAME
#define NAMEN	VGPU_FW_NAME_LEN
#define IDN	VGPU_FW_ID_LEN

static const struct fw_bad fw_bad_cases[] = {
	/* The file is cut short; the length field still says 544. */
	{ "cut-to-0", CUT(0), .err = -EINVAL, .why = "header: file has 0 bytes" },
	{ "cut-to-3", CUT(3), .err = -EINVAL, .why = "header: file has 3 bytes" },
	{ "cut-mid-header", CUT(40), .err = -EINVAL, .why = "header: file has 40 bytes" },
	{ "cut-after-header", CUT(64), .err = -EINVAL,
	  .why = "length: header says 544 bytes, file has 64" },
	{ "cut-mid-entry", CUT(64 + 96 + 50), .err = -EINVAL,
	  .why = "length: header says 544 bytes, file has 210" },
	{ "cut-last-byte", CUT(543), .err = -EINVAL,
	  .why = "length: header says 544 bytes, file has 543" },
	/* Cut, with length and CRC made to match: the entries do not fit. */
	{ "cut-mid-entry-resealed", CUT(64 + 96 * 3 + 10), .fix_length = true,
	  .err = -EINVAL,
	  .why = "count: 5 entries of 96 bytes from offset 64 end past the 362-byte image" },
	{ "length-too-big", HDR(VGPU_FW_HDR_LENGTH, 4, 545), .err = -EINVAL,
	  .why = "length: header says 545 bytes, file has 544" },
	{ "length-zero", HDR(VGPU_FW_HDR_LENGTH, 4, 0), .err = -EINVAL,
	  .why = "length: header says 0 bytes" },
	{ "magic", .entry = -1, .off = 3, .width = 1, .bytes = "X", .err = -EINVAL,
	  .why = "magic: 56 53 46 58 is not \"VSFW\"" },
	{ "magic-short-file", .entry = -1, .off = 0, .width = 1, .bytes = "v",
	  .truncate = true, .new_len = 4, .err = -EINVAL, .why = "magic:" },
	{ "major-2", HDR(VGPU_FW_HDR_MAJOR, 2, 2), .err = -EINVAL,
	  .why = "version: format 2.1, this driver reads 1.x" },
	{ "major-0", HDR(VGPU_FW_HDR_MAJOR, 2, 0), .err = -EINVAL,
	  .why = "version: format 0.1, this driver reads 1.x" },
	{ "crc-entry-byte", .entry = 2, .off = NAME + 3, .flip = true, .keep_crc = true,
	  .err = -EINVAL, .why = "crc: image says 0x" },
	{ "crc-field-byte", .entry = -1, .off = VGPU_FW_HDR_CRC + 2, .flip = true,
	  .keep_crc = true, .err = -EINVAL, .why = "crc: image says 0x" },
	{ "crc-reserved-byte", .entry = -1, .off = 0x30, .flip = true, .keep_crc = true,
	  .err = -EINVAL, .why = "crc:" },
	{ "crc-revision", HDR(VGPU_FW_HDR_REVISION, 4, 4), .keep_crc = true,
	  .err = -EINVAL, .why = "crc:" },
	{ "header-size-63", HDR(VGPU_FW_HDR_HDR_SIZE, 2, 63), .err = -EINVAL,
	  .why = "header: header_size 63 is below the v1 header's 64" },
	{ "header-size-0", HDR(VGPU_FW_HDR_HDR_SIZE, 2, 0), .err = -EINVAL,
	  .why = "header: header_size 0" },
	{ "entry-size-95", HDR(VGPU_FW_HDR_ENTRY_SIZE, 2, 95), .err = -EINVAL,
	  .why = "header: entry_size 95 is below the v1 entry's 96" },
	{ "entry-size-0", HDR(VGPU_FW_HDR_ENTRY_SIZE, 2, 0), .err = -EINVAL,
	  .why = "header: entry_size 0" },
	{ "count-0", HDR(VGPU_FW_HDR_NR_TYPES, 4, 0), .err = -EINVAL,
	  .why = "count: the image has no types" },
	{ "count-17", HDR(VGPU_FW_HDR_NR_TYPES, 4, 17), .err = -EINVAL,
	  .why = "count: 17 types, format 1 allows at most 16" },
	{ "count-4g", HDR(VGPU_FW_HDR_NR_TYPES, 4, 0xffffffff), .err = -EINVAL,
	  .why = "count: 4294967295 types" },
	{ "count-past-end", HDR(VGPU_FW_HDR_NR_TYPES, 4, 6), .err = -EINVAL,
	  .why = "count: 6 entries of 96 bytes from offset 64 end past the 544-byte image" },
	{ "entry-size-past-end", HDR(VGPU_FW_HDR_ENTRY_SIZE, 2, 0xffff), .err = -EINVAL,
	  .why = "count: 5 entries of 65535 bytes" },
	{ "header-size-past-end", HDR(VGPU_FW_HDR_HDR_SIZE, 2, 0xffff), .err = -EINVAL,
	  .why = "count: 5 entries of 96 bytes from offset 65535" },
	{ "gpu-vendor", .entry = -1, .spec = spec_for_nvidia, .err = -ENODEV,
	  .why = "gpu: image is for 10de:1111, this GPU is 1234:1111" },
	{ "gpu-device", .entry = -1, .spec = spec_for_other_device, .err = -ENODEV,
	  .why = "gpu: image is for 1234:1112" },
	{ "gpu-vram-image-smaller", .entry = -1, .spec = spec_for_128, .err = -ENODEV,
	  .why = "gpu: image is for 128 MiB of VRAM, this GPU has 256 MiB" },
	{ "gpu-vram-image-bigger", .entry = -1, .gpu = &gpu128, .err = -ENODEV,
	  .why = "gpu: image is for 256 MiB of VRAM, this GPU has 128 MiB" },
	{ "id-unterminated", ENT_STR(1, ID, IDN, "aaaaaaaaaaaaaaaa"), .err = -EINVAL,
	  .why = "type 1: id not NUL-terminated" },
	{ "id-empty", ENT_STR(1, ID, IDN, ""), .err = -EINVAL,
	  .why = "type 1: id is empty" },
	{ "id-uppercase", ENT_STR(1, ID, IDN, "S32"), .err = -EINVAL,
	  .why = "type 1: id byte 0 is 0x53" },
	{ "id-uppercase-later", ENT_STR(1, ID, IDN, "sX"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0x58" },
	{ "id-slash", ENT_STR(1, ID, IDN, "s/32"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0x2f" },
	{ "id-dot", ENT_STR(1, ID, IDN, "s.32"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0x2e" },
	{ "id-dotdot", ENT_STR(1, ID, IDN, ".."), .err = -EINVAL,
	  .why = "type 1: id byte 0 is 0x2e" },
	{ "id-digit-first", ENT_STR(1, ID, IDN, "32s"), .err = -EINVAL,
	  .why = "type 1: id byte 0 is 0x33" },
	{ "id-underscore-first", ENT_STR(1, ID, IDN, "_s"), .err = -EINVAL,
	  .why = "type 1: id byte 0 is 0x5f" },
	{ "id-space", ENT_STR(1, ID, IDN, "s 32"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0x20" },
	{ "id-dash", ENT_STR(1, ID, IDN, "s-32"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0x2d" },
	{ "id-high-byte", ENT_STR(1, ID, IDN, "s\xff"), .err = -EINVAL,
	  .why = "type 1: id byte 1 is 0xff" },
	{ "name-unterminated", ENT_STR(1, NAME, NAMEN,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), .err = -EINVAL,
	  .why = "type 1 (s32): name not NUL-terminated" },
	{ "name-empty", ENT_STR(1, NAME, NAMEN, ""), .err = -EINVAL,
	  .why = "type 1 (s32): name is empty" },
	{ "name-newline", ENT_STR(1, NAME, NAMEN, "vslice\nS32"), .err = -EINVAL,
	  .why = "type 1 (s32): name byte 6 is 0x0a, not printable ASCII" },
	{ "name-del", ENT_STR(1, NAME, NAMEN, "\x7f"), .err = -EINVAL,
	  .why = "type 1 (s32): name byte 0 is 0x7f" },
	{ "name-utf8", ENT_STR(1, NAME, NAMEN, "caf\xc3\xa9"), .err = -EINVAL,
	  .why = "type 1 (s32): name byte 3 is 0xc3" },
	{ "id-duplicate", ENT_STR(3, ID, IDN, "s16"), .err = -EINVAL,
	  .why = "type 3: id \"s16\" duplicates type 0" },
	{ "id-duplicate-adjacent", ENT_STR(4, ID, IDN, "s128"), .err = -EINVAL,
	  .why = "type 4: id \"s128\" duplicates type 3" },
	{ "vram-48", ENT(2, VGPU_FW_ENT_VRAM_MIB, 48), .err = -EINVAL,
	  .why = "type 2 (s64): vram_mib 48 is not a power of two" },
	{ "vram-0", ENT(2, VGPU_FW_ENT_VRAM_MIB, 0), .err = -EINVAL,
	  .why = "type 2 (s64): vram_mib 0 is not a power of two" },
	{ "vram-over-gpu", ENT(4, VGPU_FW_ENT_VRAM_MIB, 512), .err = -EINVAL,
	  .why = "type 4 (s256): vram_mib 512 exceeds the GPU's 256 MiB" },
	{ "vram-2g", ENT(0, VGPU_FW_ENT_VRAM_MIB, 0x80000000), .err = -EINVAL,
	  .why = "type 0 (s16): vram_mib 2147483648 exceeds" },
	/* Fits the GPU, not a BAR0: 4096 MiB would wrap its u32 size to 0. */
	{ "vram-4096-on-4096-gpu", .entry = -1, .spec = spec_for_4096, .gpu = &gpu4096,
	  .err = -EINVAL,
	  .why = "type 4 (s4096): vram_mib 4096 exceeds the 2048 MiB that a 32-bit BAR0" },
	{ "vram-2g-on-4096-gpu", ENT(0, VGPU_FW_ENT_VRAM_MIB, 0x80000000),
	  .spec = spec_for_4096, .gpu = &gpu4096, .err = -EINVAL,
	  .why = "type 0 (s16): vram_mib 2147483648 exceeds the GPU's 4096 MiB" },
	{ "instances-0", ENT(0, VGPU_FW_ENT_MAX_INST, 0), .err = -EINVAL,
	  .why = "type 0 (s16): max_instances 0 is not in 1..16" },
	{ "instances-over-vram", ENT(0, VGPU_FW_ENT_MAX_INST, 17), .err = -EINVAL,
	  .why = "type 0 (s16): max_instances 17 is not in 1..16" },
	{ "instances-2-of-256", ENT(4, VGPU_FW_ENT_MAX_INST, 2), .err = -EINVAL,
	  .why = "type 4 (s256): max_instances 2 is not in 1..1" },
	{ "width-639", ENT(1, VGPU_FW_ENT_MAX_WIDTH, 639), .err = -EINVAL,
	  .why = "type 1 (s32): max_width 639 is not in 640..16384" },
	{ "width-16385", ENT(1, VGPU_FW_ENT_MAX_WIDTH, 16385), .err = -EINVAL,
	  .why = "type 1 (s32): max_width 16385" },
	{ "height-479", ENT(1, VGPU_FW_ENT_MAX_HEIGHT, 479), .err = -EINVAL,
	  .why = "type 1 (s32): max_height 479 is not in 480..16384" },
	{ "height-16385", ENT(1, VGPU_FW_ENT_MAX_HEIGHT, 16385), .err = -EINVAL,
	  .why = "type 1 (s32): max_height 16385" },
	{ "class-network", ENT(1, VGPU_FW_ENT_PCI_CLASS, 0x020000), .err = -EINVAL,
	  .why = "type 1 (s32): pci_class 0x020000 is not 0x030000 or 0x038000" },
	{ "class-0", ENT(1, VGPU_FW_ENT_PCI_CLASS, 0), .err = -EINVAL,
	  .why = "type 1 (s32): pci_class 0x000000" },
};

static void fw_bad_desc(const struct fw_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fw_bad, fw_bad_cases, fw_bad_desc);

static void fw_refuses_corruption(struct kunit *test)
{
	const struct fw_bad *c = test->param_value;
	const struct vgpu_fw_gpu *gpu = c->gpu ?: &gpu256;
	struct vgpu_fw_table *table = poisoned_table(test);
	struct fw_spec *s = lab_spec(test);
	char why[VGPU_FW_WHY_LEN];
	size_t len;
	u8 *img, *p;
	int ret;

	if (c->spec)
		c->spec(s);
	img = build(test, s, &len);
	p = img + (c->entry < 0 ? 0 : VGPU_FW_HDR_V1_SIZE + c->entry * VGPU_FW_ENT_V1_SIZE);
	p += c->off;
	if (c->bytes) {
		memset(p, 0, c->width);
		memcpy(p, c->bytes, min_t(size_t, strlen(c->bytes), c->width));
	} else if (c->width == 2) {
		vgpu_fw_put_le16(p, c->val);
	} else if (c->width == 4) {
		vgpu_fw_put_le32(p, c->val);
	}
	if (c->flip)
		*p ^= 0x01;
	if (c->truncate) {
		KUNIT_ASSERT_LE(test, (size_t)c->new_len, len);
		len = c->new_len;
		if (c->fix_length)
			vgpu_fw_put_le32(img + VGPU_FW_HDR_LENGTH, len);
	}
	if (!c->keep_crc && len >= VGPU_FW_HDR_CRC + 4)
		seal(img, len);

	memset(why, 'x', sizeof(why));
	ret = vgpu_fw_parse(img, len, gpu, table, why, sizeof(why));
	KUNIT_EXPECT_EQ(test, ret, c->err);
	KUNIT_EXPECT_NOT_NULL_MSG(test, memchr(why, '\0', sizeof(why)),
				  "why is not terminated");
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(why, c->why, strlen(c->why)),
			      "why: \"%.*s\", expected it to start with \"%s\"",
			      (int)sizeof(why), why, c->why);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(table, POISON, sizeof(*table)),
			      "the table was written");
}

static struct kunit_case vgpu_fw_cases[] = {
	KUNIT_CASE(fw_lab_image_parses_exactly),
	KUNIT_CASE(fw_small_gpu_image_parses),
	KUNIT_CASE(fw_limits_parse),
	KUNIT_CASE(fw_newer_minor_parses),
	KUNIT_CASE(fw_newer_minor_with_more_fields_parses),
	KUNIT_CASE(fw_string_tails_are_dropped),
	KUNIT_CASE(fw_layout_is_the_documented_one),
	KUNIT_CASE(fw_format_1_0_retired_fields_are_named),
	KUNIT_CASE(fw_format_1_1_retired_fields_are_skipped),
	KUNIT_CASE(fw_largest_slice_works),
	KUNIT_CASE(fw_crc_is_ieee),
	KUNIT_CASE(fw_why_is_bounded),
	KUNIT_CASE_PARAM(fw_refuses_corruption, fw_bad_gen_params),
	{}
};

static struct kunit_suite vgpu_fw_suite = {
	.name = "vslice_vgpu_fw",
	.test_cases = vgpu_fw_cases,
};

kunit_test_suite(vgpu_fw_suite);
