// SPDX-License-Identifier: GPL-2.0-only
/*
 * The EDID of a vGPU's virtual monitor (VESA E-EDID 1.4).
 *
 * bochs-drm reads it once, when it binds (its virtual connector has no
 * hotplug), and offers its modes and nothing else: the detailed timing
 * of the maximum resolution, which is the preferred mode, and the
 * established and standard timings at or below it.  A maximum that no
 * detailed timing can describe (wider or taller than 4095, or a pixel
 * clock above 655.35 MHz) gets a DisplayID extension block with it,
 * (preferred there, as DisplayID wants one), and the detailed timing
 * carries the largest common mode that fits.
 * "Continuous frequency" stays clear and there is no range limits
 * descriptor, so a driver infers no other modes.
 */
#include "vgpu_edid.h"

#define EDID_DESC(i)		(54 + 18 * (i))
#define EDID_EXTENSIONS		126
#define EDID_CHECKSUM		127

#define EDID_TAG_DUMMY		0x10
#define EDID_TAG_NAME		0xfc

#define DISPLAYID_EXT_TAG	0x70
#define DISPLAYID_VERSION_1_3	0x13
#define DISPLAYID_PRODUCT_DISPLAY	0x03	/* a standalone display */
#define DISPLAYID_PRODUCT_ID	0x00
#define DISPLAYID_PARAMETERS	0x01
#define DISPLAYID_TYPE_I_TIMING	0x03
#define DISPLAYID_TYPE_I_LEN	20
#define DISPLAYID_TYPE_I_MAX_CLOCK	0x1000000	/* in 10 kHz */

/* Established timings, all at 60 Hz: the byte (35-37) and bit of each. */
static const struct {
	u16 w, h;
	u8 byte, bit;
} vgpu_edid_established[] = {
	{ 640, 480, 35, 5 },
	{ 800, 600, 35, 0 },
	{ 1024, 768, 36, 3 },
};

/*
 * Standard timings at 60 Hz, one slot each (there are 8); the aspect
 * code is EDID 1.3's: 0 16:10, 1 4:3, 2 5:4, 3 16:9.  A standard timing
 * cannot describe a width above 2288.
 */
static const struct {
	u16 w, h;
	u8 aspect;
} vgpu_edid_standard[] = {
	{ 1280, 720, 3 },
	{ 1280, 800, 0 },
	{ 1280, 1024, 2 },
	{ 1440, 900, 0 },
	{ 1600, 1200, 1 },
	{ 1680, 1050, 0 },
	{ 1920, 1080, 3 },
	{ 1920, 1200, 0 },
};

/* The detailed timing when the maximum does not fit one: the first that fits. */
static const struct {
	u16 w, h;
} vgpu_edid_dtd_fallback[] = {
	{ 3840, 2160 }, { 2560, 1600 }, { 2560, 1440 }, { 1920, 1200 },
	{ 1920, 1080 }, { 1680, 1050 }, { 1600, 1200 }, { 1440, 900 },
	{ 1280, 1024 }, { 1280, 800 }, { 1280, 720 }, { 1024, 768 },
	{ 800, 600 }, { 640, 480 },
};

/* sRGB primaries and D65 white point, 10 bits each (bytes 25-34). */
static const u8 vgpu_edid_srgb[10] = {
	0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54,
};

/* CVT's vertical sync width, which also tells a monitor the aspect ratio. */
static u32 cvt_vsync(u32 w, u32 h)
{
	if (w * 3 == h * 4)
		return 4;
	if (w * 9 == h * 16)
		return 5;
	if (w * 10 == h * 16)
		return 6;
	if (w * 4 == h * 5 || w * 9 == h * 15)
		return 7;
	return 10;
}

/**
 * vgpu_edid_cvt_rb() - a mode's timing at 60 Hz, CVT reduced blanking
 * @width: visible pixels per line, at least 1
 * @height: visible lines, 1 to 65535
 * @t: receives the timing
 *
 * CVT 1.2's reduced blanking (version 1): 160 pixels of horizontal
 * blank and at least 460 us of vertical blank; the pixel clock is
 * rounded down to a multiple of 250 kHz, as CVT does.
 */
void vgpu_edid_cvt_rb(u32 width, u32 height, struct vgpu_edid_timing *t)
{
	u64 period_ns, clock;
	u32 vbi, min_vbi;

	/* One line's period if the frame less 460 us of blank were all lines. */
	period_ns = (16666667 - 460000) / (height ? height : 1);
	if (!period_ns)
		period_ns = 1;
	vbi = 460000 / period_ns + 1;

	t->hactive = width;
	t->hblank = 160;
	t->hfront = 48;
	t->hsync = 32;
	t->vactive = height;
	t->vfront = 3;
	t->vsync = cvt_vsync(width, height);
	/* At least 6 lines of back porch. */
	min_vbi = t->vfront + t->vsync + 6;
	t->vblank = vbi > min_vbi ? vbi : min_vbi;
	clock = (u64)(width + t->hblank) * (height + t->vblank) * 60 / 1000;
	t->clock_khz = clock - clock % 250;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_edid_cvt_rb);

static bool dtd_fits(const struct vgpu_edid_timing *t)
{
	return t->hactive <= VGPU_EDID_DTD_MAX_ACTIVE &&
	       t->vactive <= VGPU_EDID_DTD_MAX_ACTIVE &&
	       t->clock_khz <= VGPU_EDID_DTD_MAX_CLOCK_KHZ;
}

/*
 * The screen's size: the maximum resolution at 96 dots per inch, a
 * plausible size for a scaler, in millimetres a detailed timing holds.
 */
static u32 px_to_mm(u32 px)
{
	u32 mm = px * 254 / 960;

	return mm > 4095 ? 4095 : mm;
}

/* The same size in whole centimetres, as the base block holds it. */
static u8 px_to_cm(u32 px)
{
	u32 cm = (px_to_mm(px) + 5) / 10;

	return cm > 255 ? 255 : cm;
}

static void put_dtd(u8 *d, const struct vgpu_edid_timing *t, u32 hmm, u32 vmm)
{
	u32 clk = t->clock_khz / 10;


	d[0] = clk & 0xff;
	d[1] = clk >> 8;
	d[2] = t->hactive & 0xff;
	d[3] = t->hblank & 0xff;
	d[4] = (t->hactive >> 8) << 4 | t->hblank >> 8;
	d[5] = t->vactive & 0xff;
	d[6] = t->vblank & 0xff;
	d[7] = (t->vactive >> 8) << 4 | t->vblank >> 8;
	d[8] = t->hfront & 0xff;
	d[9] = t->hsync & 0xff;
	d[10] = (t->vfront & 0xf) << 4 | (t->vsync & 0xf);
	d[11] = (t->hfront >> 8) << 6 | (t->hsync >> 8) << 4 |
		(t->vfront >> 4) << 2 | t->vsync >> 4;
	d[12] = hmm & 0xff;
	d[13] = vmm & 0xff;
	d[14] = (hmm >> 8) << 4 | vmm >> 8;
	/* Digital separate sync, as CVT-RB: hsync positive, vsync negative. */
	d[17] = 0x1a;
}

static void put_name(u8 *d)
{
	static const char name[] = "vslice";

	d[3] = EDID_TAG_NAME;
	memcpy(d + 5, name, sizeof(name) - 1);
	d[5 + sizeof(name) - 1] = '\n';
	memset(d + 5 + sizeof(name), ' ', 13 - sizeof(name));
}

static u8 checksum(const u8 *p, u32 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

/* DisplayID's aspect code for a type I timing (8: none of these). */
static u8 displayid_aspect(u32 w, u32 h)
{
	if (w == h)
		return 0;
	if (w * 4 == h * 5)
		return 1;
	if (w * 3 == h * 4)
		return 2;
	if (w * 9 == h * 15)
		return 3;
	if (w * 9 == h * 16)
		return 4;
	if (w * 10 == h * 16)
		return 5;
	return 8;
}

static void put_le16(u8 *d, u32 v)
{
	d[0] = v & 0xff;
	d[1] = (v >> 8) & 0xff;
}

static void put_le16_minus1(u8 *d, u32 v)
{
	d[0] = (v - 1) & 0xff;
	d[1] = ((v - 1) >> 8) & 0xff;
}

/*
 * An extension block: a DisplayID 1.3 section for a standalone display
 * with its product identification, its display parameters and one type
 * I detailed timing, the preferred one (DisplayID wants one).
 */
static void put_displayid(u8 *ext, const struct vgpu_edid_timing *t,
			  const struct vgpu_edid_params *p)
{
	static const char name[] = "vslice";
	u8 *sec = ext + 1, *blk, *tm;
	u32 clk = t->clock_khz / 10 - 1;

	ext[0] = DISPLAYID_EXT_TAG;
	sec[0] = DISPLAYID_VERSION_1_3;
	sec[2] = DISPLAYID_PRODUCT_DISPLAY;
	sec[3] = 0;				/* no extension sections */

	blk = sec + 4;
	blk[0] = DISPLAYID_PRODUCT_ID;
	blk[2] = 12 + sizeof(name) - 1;
	memcpy(blk + 3, "VSL", 3);
	blk[6] = p->product & 0xff;
	blk[7] = p->product >> 8;
	blk[8] = p->serial & 0xff;
	blk[9] = (p->serial >> 8) & 0xff;
	blk[10] = (p->serial >> 16) & 0xff;
	blk[11] = p->serial >> 24;
	blk[13] = 2026 - 2000;
	blk[14] = sizeof(name) - 1;
	memcpy(blk + 15, name, sizeof(name) - 1);

	/* Display parameters: image size, native format, gamma, 8 bpc. */
	blk += 3 + blk[2];
	blk[0] = DISPLAYID_PARAMETERS;
	blk[2] = 12;
	put_le16(blk + 3, px_to_mm(t->hactive) * 10);
	put_le16(blk + 5, px_to_mm(t->vactive) * 10);
	put_le16(blk + 7, t->hactive);
	put_le16(blk + 9, t->vactive);
	blk[11] = 0;
	blk[12] = 120;				/* gamma 2.2 */
	blk[13] = (t->hactive * 100 / t->vactive - 100) & 0xff;
	blk[14] = 0x77;				/* 8 bits per colour */

	blk += 3 + blk[2];
	blk[0] = DISPLAYID_TYPE_I_TIMING;
	blk[2] = DISPLAYID_TYPE_I_LEN;
	tm = blk + 3;
	tm[0] = clk & 0xff;
	tm[1] = (clk >> 8) & 0xff;
	tm[2] = (clk >> 16) & 0xff;
	tm[3] = 0x80 | displayid_aspect(t->hactive, t->vactive);
	put_le16_minus1(tm + 4, t->hactive);
	put_le16_minus1(tm + 6, t->hblank);
	put_le16_minus1(tm + 8, t->hfront);
	tm[9] |= 0x80;				/* hsync positive */
	put_le16_minus1(tm + 10, t->hsync);
	put_le16_minus1(tm + 12, t->vactive);
	put_le16_minus1(tm + 14, t->vblank);
	put_le16_minus1(tm + 16, t->vfront);
	put_le16_minus1(tm + 18, t->vsync);

	/* Bytes of data blocks; the section's checksum follows them. */
	sec[1] = tm + DISPLAYID_TYPE_I_LEN - (sec + 4);
	sec[4 + sec[1]] = checksum(sec, 4 + sec[1]);
	ext[EDID_CHECKSUM] = checksum(ext, EDID_CHECKSUM);
}

/**
 * vgpu_edid_build() - the EDID of a vGPU's monitor
 * @buf: receives the EDID
 * @len: room in @buf, at least two blocks
 * @p: what it describes
 *
 * Return: the EDID's length (one block, or two with a DisplayID
 * extension); -EINVAL for a maximum below 640x480, above 65535 in
 * either direction, or whose pixel clock no DisplayID timing can state
 * (above 167.77 GHz: beyond 16384x16384, the largest a type table
 * allows); -ENOSPC when @buf is too small.
 */
int vgpu_edid_build(u8 *buf, u32 len, const struct vgpu_edid_params *p)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	/* "VSL": three letters, 5 bits each, 'A' = 1, big endian. */
	const u16 vendor = ('V' - '@') << 10 | ('S' - '@') << 5 | ('L' - '@');
	struct vgpu_edid_timing max, dtd;
	u32 i, slot = 0;
	bool ext;

	if (p->max_width < 640 || p->max_height < 480 ||
	    p->max_width > 65535 || p->max_height > 65535)
		return -EINVAL;
	if (len < 2 * VGPU_EDID_BLOCK_SIZE)
		return -ENOSPC;
	memset(buf, 0, 2 * VGPU_EDID_BLOCK_SIZE);

	vgpu_edid_cvt_rb(p->max_width, p->max_height, &max);
	/* A DisplayID type I timing holds 24 bits of 10 kHz, minus one. */
	if (max.clock_khz / 10 > DISPLAYID_TYPE_I_MAX_CLOCK)
		return -EINVAL;
	ext = !dtd_fits(&max);
	dtd = max;
	for (i = 0; ext && i < ARRAY_SIZE(vgpu_edid_dtd_fallback); i++) {
		if (vgpu_edid_dtd_fallback[i].w > p->max_width ||
		    vgpu_edid_dtd_fallback[i].h > p->max_height)
			continue;
		vgpu_edid_cvt_rb(vgpu_edid_dtd_fallback[i].w,
				 vgpu_edid_dtd_fallback[i].h, &dtd);
		if (dtd_fits(&dtd))
			break;
	}

	memcpy(buf, header, sizeof(header));
	buf[8] = vendor >> 8;
	buf[9] = vendor & 0xff;
	buf[10] = p->product & 0xff;
	buf[11] = p->product >> 8;
	buf[12] = p->serial & 0xff;
	buf[13] = (p->serial >> 8) & 0xff;
	buf[14] = (p->serial >> 16) & 0xff;
	buf[15] = p->serial >> 24;
	buf[17] = 2026 - 1990;		/* year of manufacture */
	buf[18] = 1;			/* EDID 1.4 */
	buf[19] = 4;
	buf[20] = 0xa0;			/* digital, 8 bits per colour */
	buf[21] = px_to_cm(p->max_width);
	buf[22] = px_to_cm(p->max_height);
	buf[23] = 120;			/* gamma 2.2 */
	/* RGB 4:4:4, sRGB, preferred timing is native; not continuous. */
	buf[24] = 0x06;
	memcpy(buf + 25, vgpu_edid_srgb, sizeof(vgpu_edid_srgb));

	for (i = 0; i < ARRAY_SIZE(vgpu_edid_established); i++)
		if (vgpu_edid_established[i].w <= p->max_width &&
		    vgpu_edid_established[i].h <= p->max_height)
			buf[vgpu_edid_established[i].byte] |=
				1 << vgpu_edid_established[i].bit;

	for (i = 0; i < ARRAY_SIZE(vgpu_edid_standard); i++) {
		u32 w = vgpu_edid_standard[i].w, h = vgpu_edid_standard[i].h;

		/* The detailed timing has that one already. */
		if (w > p->max_width || h > p->max_height ||
		    (w == dtd.hactive && h == dtd.vactive))
			continue;
		buf[38 + 2 * slot] = w / 8 - 31;
		buf[39 + 2 * slot] = vgpu_edid_standard[i].aspect << 6;
		slot++;
	}
	for (; slot < 8; slot++) {
		buf[38 + 2 * slot] = 0x01;	/* unused */
		buf[39 + 2 * slot] = 0x01;
	}
	put_dtd(buf + EDID_DESC(0), &dtd, px_to_mm(p->max_width),
		px_to_mm(p->max_height));
	put_name(buf + EDID_DESC(1));
	buf[EDID_DESC(2) + 3] = EDID_TAG_DUMMY;
	buf[EDID_DESC(3) + 3] = EDID_TAG_DUMMY;
	buf[EDID_EXTENSIONS] = ext;
	buf[EDID_CHECKSUM] = checksum(buf, EDID_CHECKSUM);
	if (!ext)
		return VGPU_EDID_BLOCK_SIZE;
	put_displayid(buf + VGPU_EDID_BLOCK_SIZE, &max, p);
	return 2 * VGPU_EDID_BLOCK_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_edid_build);
