// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the EDID of a vGPU's monitor.  The EDID is decoded
 * here byte by byte, as VESA E-EDID 1.4 and DisplayID 1.3 lay it out,
 * without the builder's helpers, and the timings are checked against
 * the CVT reduced-blanking figures VESA publishes.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "vgpu_edid.h"

#define BLOCK	VGPU_EDID_BLOCK_SIZE

/* A detailed timing, decoded. */
struct dtd {
	u32 clock_khz;
	u32 hactive, hblank, hfront, hsync;
	u32 vactive, vblank, vfront, vsync;
	u8 flags;
};

static void decode_dtd(const u8 *d, struct dtd *t)
{
	t->clock_khz = (d[0] | d[1] << 8) * 10;
	t->hactive = d[2] | (d[4] >> 4) << 8;
	t->hblank = d[3] | (d[4] & 0xf) << 8;
	t->vactive = d[5] | (d[7] >> 4) << 8;
	t->vblank = d[6] | (d[7] & 0xf) << 8;
	t->hfront = d[8] | ((d[11] >> 6) & 3) << 8;
	t->hsync = d[9] | ((d[11] >> 4) & 3) << 8;
	t->vfront = (d[10] >> 4) | ((d[11] >> 2) & 3) << 4;
	t->vsync = (d[10] & 0xf) | (d[11] & 3) << 4;
	t->flags = d[17];
}

static u32 le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

/* A DisplayID type I timing (20 bytes), decoded; polarities in @flags. */
static void decode_type1(const u8 *p, struct dtd *t)
{
	t->clock_khz = ((p[0] | p[1] << 8 | p[2] << 16) + 1) * 10;
	t->hactive = le16(p + 4) + 1;
	t->hblank = le16(p + 6) + 1;
	t->hfront = (le16(p + 8) & 0x7fff) + 1;
	t->hsync = le16(p + 10) + 1;
	t->vactive = le16(p + 12) + 1;
	t->vblank = le16(p + 14) + 1;
	t->vfront = (le16(p + 16) & 0x7fff) + 1;
	t->vsync = le16(p + 18) + 1;
	t->flags = (p[9] >> 7) << 1 | p[17] >> 7;	/* hsync+, vsync+ */
}

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* CVT-RB (v1) figures as VESA's CVT and DMT tables give them, at 60 Hz. */
struct cvt_ref {
	u16 w, h;
	u32 clock_khz;
	u16 vblank;
	u8 vsync;
};

static const struct cvt_ref cvt_refs[] = {
	{ 640, 480, 23500, 14, 4 },
	{ 1024, 768, 56000, 22, 4 },
	{ 1280, 768, 68250, 22, 7 },
	{ 1280, 800, 71000, 23, 6 },
	{ 1280, 1024, 91000, 30, 7 },
	{ 1400, 1050, 101000, 30, 4 },
	{ 1440, 900, 88750, 26, 6 },
	{ 1680, 1050, 119000, 30, 6 },
	{ 1920, 1080, 138500, 31, 5 },
	{ 1920, 1200, 154000, 35, 6 },
	{ 2560, 1600, 268500, 46, 6 },
	{ 3840, 2160, 533250, 62, 5 },
	{ 7680, 4320, 2089750, 123, 5 },
};

static void cvt_ref_desc(const struct cvt_ref *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%ux%u", c->w, c->h);
}

KUNIT_ARRAY_PARAM(cvt, cvt_refs, cvt_ref_desc);

static void edid_cvt_rb_matches_vesa(struct kunit *test)
{
	const struct cvt_ref *c = test->param_value;
	struct vgpu_edid_timing t;

	vgpu_edid_cvt_rb(c->w, c->h, &t);
	KUNIT_EXPECT_EQ(test, t.clock_khz, c->clock_khz);
	KUNIT_EXPECT_EQ(test, t.hactive, (u32)c->w);
	KUNIT_EXPECT_EQ(test, t.hblank, 160U);
	KUNIT_EXPECT_EQ(test, t.hfront, 48U);
	KUNIT_EXPECT_EQ(test, t.hsync, 32U);
	KUNIT_EXPECT_EQ(test, t.vactive, (u32)c->h);
	KUNIT_EXPECT_EQ(test, t.vblank, (u32)c->vblank);
	KUNIT_EXPECT_EQ(test, t.vfront, 3U);
	KUNIT_EXPECT_EQ(test, t.vsync, (u32)c->vsync);
}

/* The modes an EDID may list besides its detailed timing. */
static const struct {
	u16 w, h;
} listed_modes[] = {
	{ 640, 480 }, { 800, 600 }, { 1024, 768 },
	{ 1280, 720 }, { 1280, 800 }, { 1280, 1024 }, { 1440, 900 },
	{ 1600, 1200 }, { 1680, 1050 }, { 1920, 1080 }, { 1920, 1200 },
};

/**
 * struct edid_case - a maximum resolution and its EDID
 * @name: parameter name
 * @w: maximum width
 * @h: maximum height
 * @len: the EDID's length (128, or 256 with a DisplayID extension)
 * @dtd_w: the detailed timing's width (@w when it fits one)
 * @dtd_h: its height
 * @dtd_clock: its pixel clock in kHz, from VESA's tables (0: not listed
 *	there, checked against vgpu_edid_cvt_rb() instead)
 * @ext_clock: the DisplayID timing's pixel clock, likewise
 */
struct edid_case {
	const char *name;
	u32 w, h, len, dtd_w, dtd_h, dtd_clock, ext_clock;
};

static const struct edid_case edid_cases[] = {
	{ "640x480-minimum", 640, 480, 128, 640, 480, 23500 },
	{ "1024x768", 1024, 768, 128, 1024, 768, 56000 },
	{ "1366x768", 1366, 768, 128, 1366, 768 },
	{ "1280x1024-s16", 1280, 1024, 128, 1280, 1024, 91000 },
	{ "1920x1200-s32", 1920, 1200, 128, 1920, 1200, 154000 },
	{ "1920x1080", 1920, 1080, 128, 1920, 1080, 138500 },
	{ "2560x1600-s64", 2560, 1600, 128, 2560, 1600, 268500 },
	{ "3840x2160-s128", 3840, 2160, 128, 3840, 2160, 533250 },
	{ "7680x4320-s256", 7680, 4320, 256, 3840, 2160, 533250, 2089750 },
	/* A detailed timing holds 12 bits of width and height. */
	{ "4095x480", 4095, 480, 128, 4095, 480 },
	{ "4096x480", 4096, 480, 256, 640, 480, 23500 },
	{ "640x4095", 640, 4095, 128, 640, 4095 },
	{ "640x4096", 640, 4096, 256, 640, 480, 23500 },
	{ "4096x2160", 4096, 2160, 256, 3840, 2160, 533250 },
	/* ... and 16 bits of 10 kHz: 4095x4095 needs 1076 MHz. */
	{ "4095x4095-clock", 4095, 4095, 256, 3840, 2160, 533250 },
	{ "3840x2400", 3840, 2400, 128, 3840, 2400 },
	{ "16384x16384", 16384, 16384, 256, 3840, 2160, 533250 },
	{ "65535x480", 65535, 480, 256, 640, 480, 23500 },
};

static void edid_case_desc(const struct edid_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(edid, edid_cases, edid_case_desc);

static void expect_timing(struct kunit *test, const struct dtd *got, u32 w, u32 h,
			  u32 clock_khz)
{
	struct vgpu_edid_timing want;

	vgpu_edid_cvt_rb(w, h, &want);
	if (clock_khz)
		KUNIT_EXPECT_EQ(test, want.clock_khz, clock_khz);
	KUNIT_EXPECT_EQ(test, got->clock_khz, want.clock_khz);
	KUNIT_EXPECT_EQ(test, got->hactive, w);
	KUNIT_EXPECT_EQ(test, got->vactive, h);
	KUNIT_EXPECT_EQ(test, got->hblank, want.hblank);
	KUNIT_EXPECT_EQ(test, got->hfront, want.hfront);
	KUNIT_EXPECT_EQ(test, got->hsync, want.hsync);
	KUNIT_EXPECT_EQ(test, got->vblank, want.vblank);
	KUNIT_EXPECT_EQ(test, got->vfront, want.vfront);
	KUNIT_EXPECT_EQ(test, got->vsync, want.vsync);
}

/*
 * Established (bytes 35-37) and standard (38-53) timings, and the
 * detailed timing: every listed mode up to the maximum is there, none
 * above it is, and nothing else is.  A standard timing is never spent
 * on the detailed timing's mode or on another standard timing's.
 */
static void expect_mode_list(struct kunit *test, const u8 *e, const struct edid_case *c)
{
	static const struct {
		u8 byte, bit;
		u16 w, h;
	} est[] = { { 35, 5, 640, 480 }, { 35, 0, 800, 600 }, { 36, 3, 1024, 768 } };
	u32 found[ARRAY_SIZE(listed_modes)] = { 0 };
	u32 std[ARRAY_SIZE(listed_modes)] = { 0 };
	u32 i, j, w, h;

	for (i = 0; i < ARRAY_SIZE(est); i++)
		for (j = 0; j < ARRAY_SIZE(listed_modes); j++)
			if (e[est[i].byte] & 1 << est[i].bit &&
			    listed_modes[j].w == est[i].w && listed_modes[j].h == est[i].h)
				found[j]++;
	/* No other established timing (they are not 60 Hz modes we offer). */
	KUNIT_EXPECT_EQ(test, e[35] & ~0x21, 0);
	KUNIT_EXPECT_EQ(test, e[36] & ~0x08, 0);
	KUNIT_EXPECT_EQ(test, e[37], 0);

	for (i = 0; i < 8; i++) {
		const u8 *s = e + 38 + 2 * i;
		static const u32 num[] = { 10, 3, 4, 9 }, den[] = { 16, 4, 5, 16 };

		if (s[0] == 1 && s[1] == 1)
			continue;
		w = (s[0] + 31) * 8;
		h = w * num[s[1] >> 6] / den[s[1] >> 6];
		KUNIT_EXPECT_EQ_MSG(test, s[1] & 0x3f, 0, "standard timing %ux%u not at 60 Hz",
				    w, h);
		KUNIT_EXPECT_TRUE_MSG(test, w <= c->w && h <= c->h,
				      "standard timing %ux%u above the maximum", w, h);
		for (j = 0; j < ARRAY_SIZE(listed_modes); j++)
			if (listed_modes[j].w == w && listed_modes[j].h == h)
				break;
		KUNIT_EXPECT_TRUE_MSG(test, j < ARRAY_SIZE(listed_modes),
				      "standard timing %ux%u is not one we offer", w, h);
		if (j < ARRAY_SIZE(listed_modes)) {
			found[j]++;
			std[j]++;
		}
		KUNIT_EXPECT_FALSE_MSG(test, w == c->dtd_w && h == c->dtd_h,
				       "standard timing %ux%u repeats the detailed timing", w, h);
	}
	for (j = 0; j < ARRAY_SIZE(listed_modes); j++) {
		w = listed_modes[j].w;
		h = listed_modes[j].h;
		if (w == c->dtd_w && h == c->dtd_h)
			found[j]++;
		KUNIT_EXPECT_EQ_MSG(test, !!found[j], w <= c->w && h <= c->h,
				    "%ux%u listed %u times for a maximum of %ux%u",
				    w, h, found[j], c->w, c->h);
		KUNIT_EXPECT_LE_MSG(test, std[j], 1U, "%ux%u in %u standard timings",
				    w, h, std[j]);
	}
}

/*
 * The type I timing of a DisplayID extension block: the section's data
 * blocks must fill it exactly; NULL when there is none.
 */
static const u8 *find_type1(struct kunit *test, const u8 *x)
{
	const u8 *sec = x + 1, *blk, *found = NULL;
	u32 len = sec[1], at;

	KUNIT_EXPECT_LE(test, 5 + len, BLOCK - 2);
	if (5 + len > BLOCK - 2)
		return NULL;
	for (at = 4; at < 4 + len; at += 3 + blk[2]) {
		blk = sec + at;
		KUNIT_EXPECT_LE_MSG(test, at + 3 + blk[2], 4 + len,
				    "data block %#x at %u runs past the section", blk[0], at);
		if (blk[0] == 0x03 && blk[2] >= 20 && !found)
			found = blk + 3;
	}
	KUNIT_EXPECT_EQ(test, at, 4 + len);
	return found;
}

static void expect_displayid(struct kunit *test, const u8 *x, const struct edid_case *c)
{
	const u8 *sec = x + 1, *tm;
	struct dtd t;
	u32 len = sec[1];

	KUNIT_EXPECT_EQ(test, sum(x, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, x[0], 0x70);		/* DisplayID extension */
	KUNIT_EXPECT_EQ(test, sec[0] >> 4, 1);		/* DisplayID 1.x */
	/* A base section says what the product is; it has no extensions. */
	KUNIT_EXPECT_NE(test, sec[2], 0);
	KUNIT_EXPECT_EQ(test, sec[3], 0);
	KUNIT_ASSERT_LE(test, 5 + len, BLOCK - 2);
	/* The section's checksum covers its header, data and itself. */
	KUNIT_EXPECT_EQ(test, sum(sec, 5 + len), 0);
	tm = find_type1(test, x);
	KUNIT_ASSERT_NOT_NULL_MSG(test, tm, "no type I timing");
	decode_type1(tm, &t);
	expect_timing(test, &t, c->w, c->h, c->ext_clock);
	KUNIT_EXPECT_EQ(test, t.flags, 2);		/* hsync +, vsync - */
	/* The maximum is the preferred mode there; not interlaced, no stereo. */
	KUNIT_EXPECT_EQ(test, tm[3] & 0xf0, 0x80);
	/* The rest of the block is padding. */
	KUNIT_EXPECT_NULL(test, memchr_inv(sec + 5 + len, 0, BLOCK - 1 - (6 + len)));
}

static void edid_for_maximum(struct kunit *test)
{
	const struct edid_case *c = test->param_value;
	const struct vgpu_edid_params p = {
		.max_width = c->w, .max_height = c->h,
		.product = 0x1234, .serial = 0xdeadbeef,
	};
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	u8 *e = kunit_kzalloc(test, VGPU_EDID_MAX_SIZE, GFP_KERNEL);
	u32 i, vendor;
	struct dtd t;
	int len;

	KUNIT_ASSERT_NOT_NULL(test, e);
	memset(e, 0xa5, VGPU_EDID_MAX_SIZE);
	len = vgpu_edid_build(e, VGPU_EDID_MAX_SIZE, &p);
	KUNIT_ASSERT_EQ(test, len, (int)c->len);
	/* Nothing past the two blocks of room it asks for is written. */
	KUNIT_EXPECT_NULL(test, memchr_inv(e + 2 * BLOCK, 0xa5, VGPU_EDID_MAX_SIZE - 2 * BLOCK));

	KUNIT_EXPECT_MEMEQ(test, e, header, sizeof(header));
	KUNIT_EXPECT_EQ(test, sum(e, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, e[126], (u8)(c->len / BLOCK - 1));
	/* "VSL": 5-bit letters, big endian, bit 15 clear. */
	vendor = e[8] << 8 | e[9];
	KUNIT_EXPECT_EQ(test, vendor >> 15, 0U);
	KUNIT_EXPECT_EQ(test, '@' + (vendor >> 10 & 0x1f), 'V');
	KUNIT_EXPECT_EQ(test, '@' + (vendor >> 5 & 0x1f), 'S');
	KUNIT_EXPECT_EQ(test, '@' + (vendor & 0x1f), 'L');
	KUNIT_EXPECT_EQ(test, le16(e + 10), 0x1234U);
	KUNIT_EXPECT_EQ(test, le16(e + 12) | le16(e + 14) << 16, 0xdeadbeefU);
	KUNIT_EXPECT_EQ(test, e[18], 1);		/* EDID 1.4 */
	KUNIT_EXPECT_EQ(test, e[19], 4);
	KUNIT_EXPECT_TRUE(test, e[20] & 0x80);		/* digital */
	/* Preferred timing is native; no continuous frequency. */
	KUNIT_EXPECT_TRUE(test, e[24] & 0x02);
	KUNIT_EXPECT_FALSE(test, e[24] & 0x01);

	/* The first descriptor is the preferred detailed timing. */
	KUNIT_ASSERT_NE(test, le16(e + 54), 0U);
	decode_dtd(e + 54, &t);
	expect_timing(test, &t, c->dtd_w, c->dtd_h, c->dtd_clock);
	KUNIT_EXPECT_EQ(test, t.flags, 0x1a);		/* digital separate, h+ v- */
	/* The other three: a name, and no range limits (no other modes). */
	for (i = 1; i < 4; i++) {
		const u8 *d = e + 54 + 18 * i;

		KUNIT_EXPECT_EQ(test, le16(d), 0U);
		KUNIT_EXPECT_NE(test, d[3], 0xfd);
		if (i == 1) {
			KUNIT_EXPECT_EQ(test, d[3], 0xfc);
			KUNIT_EXPECT_MEMEQ(test, d + 5, "vslice\n      ", 13);
		}
	}
	expect_mode_list(test, e, c);
	if (c->len > BLOCK)
		expect_displayid(test, e + BLOCK, c);
}

/* Below 640x480 or above 65535 there is no EDID; a short buffer takes none. */
static void edid_refuses(struct kunit *test)
{
	static const u32 bad[][2] = {
		{ 639, 480 }, { 640, 479 }, { 0, 0 }, { 65536, 480 },
		{ 640, 65536 }, { 0xffffffff, 0xffffffff },
	};
	struct vgpu_edid_params p = { .max_width = 640, .max_height = 480 };
	u8 *e = kunit_kzalloc(test, VGPU_EDID_MAX_SIZE, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, e);
	memset(e, 0xa5, VGPU_EDID_MAX_SIZE);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p.max_width = bad[i][0];
		p.max_height = bad[i][1];
		KUNIT_EXPECT_EQ_MSG(test, vgpu_edid_build(e, VGPU_EDID_MAX_SIZE, &p), -EINVAL,
				    "max %ux%u", bad[i][0], bad[i][1]);
	}
	/* Room for two blocks is needed even when one is used. */
	p.max_width = 640;
	p.max_height = 480;
	KUNIT_EXPECT_EQ(test, vgpu_edid_build(e, 2 * BLOCK - 1, &p), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vgpu_edid_build(e, BLOCK, &p), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vgpu_edid_build(e, 0, &p), -ENOSPC);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(e, 0xa5, VGPU_EDID_MAX_SIZE),
			      "a refused build wrote the buffer");
	KUNIT_EXPECT_EQ(test, vgpu_edid_build(e, 2 * BLOCK, &p), BLOCK);
}

/*
 * A maximum whose timing no DisplayID type I timing can hold (a pixel
 * clock of 2^24 * 10 kHz, 167.77 GHz, or more) must not be described
 * with a wrong one: no EDID (-EINVAL) is the honest answer.
 */
static void edid_never_states_a_wrong_clock(struct kunit *test)
{
	static const u32 big[][2] = {
		{ 16384, 16384 }, { 40000, 40000 }, { 65535, 40000 }, { 65535, 65535 },
	};
	u8 *e = kunit_kzalloc(test, 2 * BLOCK, GFP_KERNEL);
	struct vgpu_edid_params p = { 0 };
	struct vgpu_edid_timing want;
	const u8 *tm;
	struct dtd t;
	u32 i;
	int len;

	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		p.max_width = big[i][0];
		p.max_height = big[i][1];
		vgpu_edid_cvt_rb(p.max_width, p.max_height, &want);
		len = vgpu_edid_build(e, 2 * BLOCK, &p);
		if (want.clock_khz / 10 > 0x1000000) {
			KUNIT_EXPECT_EQ_MSG(test, len, -EINVAL,
					    "%ux%u needs %u kHz, more than DisplayID holds, yet got an EDID",
					    big[i][0], big[i][1], want.clock_khz);
			continue;
		}
		KUNIT_ASSERT_EQ(test, len, 2 * BLOCK);
		tm = find_type1(test, e + BLOCK);
		KUNIT_ASSERT_NOT_NULL(test, tm);
		decode_type1(tm, &t);
		KUNIT_EXPECT_EQ_MSG(test, t.clock_khz, want.clock_khz, "%ux%u",
				    big[i][0], big[i][1]);
		KUNIT_EXPECT_EQ(test, t.hactive, p.max_width);
		KUNIT_EXPECT_EQ(test, t.vactive, p.max_height);
	}
}

/* Two instances' monitors differ only in their serial (and checksum). */
static void edid_serial_tells_instances_apart(struct kunit *test)
{
	struct vgpu_edid_params p = { .max_width = 1920, .max_height = 1200, .serial = 1 };
	u8 *a = kunit_kzalloc(test, 2 * BLOCK, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, 2 * BLOCK, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, vgpu_edid_build(a, 2 * BLOCK, &p), BLOCK);
	p.serial = 2;
	KUNIT_ASSERT_EQ(test, vgpu_edid_build(b, 2 * BLOCK, &p), BLOCK);
	KUNIT_EXPECT_NE(test, a[12], b[12]);
	KUNIT_EXPECT_MEMEQ(test, a, b, 12);
	KUNIT_EXPECT_MEMEQ(test, a + 13, b + 13, BLOCK - 14);
}

static struct kunit_case vgpu_edid_cases[] = {
	KUNIT_CASE_PARAM(edid_cvt_rb_matches_vesa, cvt_gen_params),
	KUNIT_CASE_PARAM(edid_for_maximum, edid_gen_params),
	KUNIT_CASE(edid_refuses),
	KUNIT_CASE(edid_never_states_a_wrong_clock),
	KUNIT_CASE(edid_serial_tells_instances_apart),
	{}
};

static struct kunit_suite vgpu_edid_suite = {
	.name = "vslice_vgpu_edid",
	.test_cases = vgpu_edid_cases,
};

kunit_test_suite(vgpu_edid_suite);
