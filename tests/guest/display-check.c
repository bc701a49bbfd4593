// SPDX-License-Identifier: GPL-2.0-only
/*
 * display-check: the display interface of a vGPU as a VMM uses it:
 * the display region (index 9) and VFIO_DEVICE_QUERY_GFX_PLANE against
 * modes set through the Bochs dispi registers, page flips seen through
 * a mapping kept across them, and the EDID the guest reads at BAR2
 * 0x000-0x3ff with the VFIO EDID region (index 10) that replaces it.
 *
 * usage: display-check SUITE UUID MAX_WIDTH MAX_HEIGHT
 *          every check, on a closed vGPU whose slice holds 8 MiB or more
 *        display-check SUITE UUID MAX_WIDTH MAX_HEIGHT --edid NAME FILE
 *          only the EDID: the preferred mode is the maximum, the region
 *          agrees with the window; writes the EDID to FILE (for
 *          edid-decode); results are named NAME/...
 * Prints one VSLICE-RESULT line per check (tests/README.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "lab_result.h"
#include "vfio_util.h"

#define DISPLAY_INDEX	9
#define EDID_INDEX	10
#define NUM_REGIONS	11

#define DISPI(i)	(0x500 + 2 * (i))
#define D_XRES		1
#define D_YRES		2
#define D_BPP		3
#define D_ENABLE	4
#define D_BANK		5
#define D_VIRT_WIDTH	6
#define D_VIRT_HEIGHT	7
#define D_X_OFFSET	8
#define D_Y_OFFSET	9
#define ENABLED		0x01
#define LFB		0x40

#define FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | \
			    (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define XRGB8888	FOURCC('X', 'R', '2', '4')
#define RGB888		FOURCC('R', 'G', '2', '4')

#define EDID_FIELD(f)	offsetof(struct vfio_region_gfx_edid, f)
#define UP		VFIO_DEVICE_GFX_LINK_STATE_UP
#define DOWN		VFIO_DEVICE_GFX_LINK_STATE_DOWN
#define BLOB		0x100

static int device, groupfd;
static uint64_t bar0_off, bar0_size, bar2_off, disp_off, disp_size, edid_off;
static char why[256];

static int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	lab_result(ok, name, why);
	return ok;
}

/* A call's result (0 or -errno) against the one wanted. */
static void expect_ret(const char *name, int ret, int want)
{
	check(ret == want, name, "got %s, want %s", ret ? strerror(-ret) : "success",
	      want ? strerror(-want) : "success");
}

static int region_info(unsigned int index, struct vfio_region_info *info, size_t argsz)
{
	memset(info, 0, argsz);
	info->argsz = argsz;
	info->index = index;
	return ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
}

static int dispi(unsigned int index, uint16_t v)
{
	return pwrite(device, &v, 2, bar2_off + DISPI(index)) == 2 ? 0 : -1;
}

/* What bochs-drm writes for a mode set, then a flip to byte @fb of VRAM. */
static int set_mode(unsigned int w, unsigned int h, unsigned int bpp, unsigned int vw,
		    uint32_t fb)
{
	unsigned int pitch = (vw > w ? vw : w) * ((bpp + 7) / 8);

	return dispi(D_ENABLE, 0) || dispi(D_BPP, bpp) || dispi(D_XRES, w) ||
	       dispi(D_YRES, h) || dispi(D_BANK, 0) || dispi(D_VIRT_WIDTH, vw) ||
	       dispi(D_VIRT_HEIGHT, h) || dispi(D_X_OFFSET, fb % pitch / ((bpp + 7) / 8)) ||
	       dispi(D_Y_OFFSET, fb / pitch) || dispi(D_ENABLE, ENABLED | LFB) ? -1 : 0;
}

static int query(struct vfio_device_gfx_plane_info *p, uint32_t argsz, uint32_t flags,
		 uint32_t type)
{
	memset(p, 0xa5, sizeof(*p));
	p->argsz = argsz;
	p->flags = flags;
	p->drm_plane_type = type;
	return ioctl(device, VFIO_DEVICE_QUERY_GFX_PLANE, p) ? -errno : 0;
}

static int query_plane(struct vfio_device_gfx_plane_info *p)
{
	return query(p, sizeof(*p), VFIO_GFX_PLANE_TYPE_REGION, 0);
}

static int no_plane(const struct vfio_device_gfx_plane_info *p)
{
	return !p->drm_format && !p->size && !p->width && !p->height && !p->stride;
}

static void expect_no_plane(const char *name)
{
	struct vfio_device_gfx_plane_info p;
	int ret = query_plane(&p);

	check(!ret && no_plane(&p), name, "query: %s, format %#x size %u %ux%u",
	      strerror(-ret), p.drm_format, p.size, p.width, p.height);
}

static int open_device(const char *uuid)
{
	device = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (device < 0) {
		fprintf(stderr, "display-check: VFIO_GROUP_GET_DEVICE_FD: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int edid_rd(uint32_t field, uint32_t *v)
{
	return pread(device, v, 4, edid_off + field) == 4 ? 0 : -errno;
}

/* A header field, or ~0 when it cannot be read. */
static uint32_t edid_field(uint32_t field)
{
	uint32_t v;

	return edid_rd(field, &v) ? ~0u : v;
}

static int edid_wr(uint64_t at, const void *buf, size_t len)
{
	return pwrite(device, buf, len, edid_off + at) == (ssize_t)len ? 0 : -errno;
}

static int edid_wr32(uint32_t field, uint32_t v)
{
	return edid_wr(field, &v, 4);
}

/* The EDID window of BAR2, byte by byte as bochs-drm reads it. */
static int read_window(uint8_t *win)
{
	for (unsigned int i = 0; i < 1024; i++)
		if (pread(device, win + i, 1, bar2_off + i) != 1)
			return -errno;
	return 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

/* --- The EDID's preferred mode -------------------------------------- */

struct timing {
	unsigned int w, h, clock_khz;
};

static void dtd(const uint8_t *d, struct timing *t)
{
	t->clock_khz = (d[0] | d[1] << 8) * 10;
	t->w = d[2] | (d[4] >> 4) << 8;
	t->h = d[5] | (d[7] >> 4) << 8;
}

/* The first DisplayID type I timing of an extension block, if any. */
static int displayid_type1(const uint8_t *x, struct timing *t)
{
	const uint8_t *sec = x + 1, *p = NULL;
	unsigned int at;

	if (x[0] != 0x70 || sec[1] > 128 - 7)
		return -1;
	for (at = 4; at + 3 <= 4u + sec[1]; at += 3 + sec[at + 2]) {
		if (sec[at] == 0x03 && sec[at + 2] >= 20) {
			p = sec + at + 3;
			break;
		}
	}
	if (!p)
		return -1;
	t->clock_khz = ((p[0] | p[1] << 8 | p[2] << 16) + 1) * 10;
	t->w = (p[4] | p[5] << 8) + 1;
	t->h = (p[12] | p[13] << 8) + 1;
	return 0;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/*
 * The EDID the guest reads describes @w x @h as its preferred detailed
 * timing, or, when no detailed timing can, as the DisplayID timing; the
 * EDID region holds the same blob and the same maximum.
 */
static void edid_checks(const char *prefix, unsigned int w, unsigned int h, const char *file)
{
	uint8_t win[1024], blob[1024];
	uint32_t size = 0, mx = 0, my = 0;
	struct timing t = { 0 }, x = { 0 };
	char name[96];
	int ret;

	snprintf(name, sizeof(name), "%s/window-read", prefix);
	ret = read_window(win);
	if (!check(!ret, name, "%s", strerror(-ret)))
		return;
	snprintf(name, sizeof(name), "%s/region-max", prefix);
	mx = edid_field(EDID_FIELD(max_xres));
	my = edid_field(EDID_FIELD(max_yres));
	check(mx == w && my == h, name, "region says %ux%u, want %ux%u", mx, my, w, h);
	snprintf(name, sizeof(name), "%s/window-is-region-blob", prefix);
	ret = edid_rd(EDID_FIELD(edid_size), &size);
	if (!ret && size && size <= 1024 &&
	    pread(device, blob, size, edid_off + BLOB) != (ssize_t)size)
		ret = -errno;
	check(!ret && (size == 128 || size == 256) && !memcmp(win, blob, size) &&
	      all_zero(win + size, 1024 - size), name,
	      "edid_size %u (%s); window and blob %s", size, strerror(-ret),
	      size <= 1024 && !memcmp(win, blob, size) ? "equal" : "differ");
	if (size != 128 && size != 256)
		size = 128;

	snprintf(name, sizeof(name), "%s/checksums", prefix);
	check(!sum(win, 128) && win[126] == size / 128 - 1 && (size == 128 || !sum(win + 128, 128)),
	      name, "block sums %#x %#x, extensions %u", sum(win, 128), sum(win + 128, 128),
	      win[126]);
	dtd(win + 54, &t);
	snprintf(name, sizeof(name), "%s/preferred-mode", prefix);
	if (w <= 4095 && h <= 4095 && size == 128) {
		check(t.w == w && t.h == h, name, "preferred detailed timing %ux%u, want %ux%u",
		      t.w, t.h, w, h);
	} else {
		ret = size == 256 ? displayid_type1(win + 128, &x) : -1;
		check(!ret && x.w == w && x.h == h && t.w <= w && t.h <= h, name,
		      "%u bytes; detailed timing %ux%u, DisplayID timing %ux%u, want %ux%u", size,
		      t.w, t.h, x.w, x.h, w, h);
	}
	if (file) {
		FILE *f = fopen(file, "w");

		snprintf(name, sizeof(name), "%s/saved", prefix);
		check(f && fwrite(win, 1, size, f) == size && !fclose(f), name, "%s: %s", file,
		      strerror(errno));
	}
}

/* --- Regions and the plane ioctl ------------------------------------ */

/* Where the regions are, for the checks that use them. */
static void find_regions(void)
{
	struct vfio_region_info info;

	region_info(VFIO_PCI_BAR0_REGION_INDEX, &info, sizeof(info));
	bar0_off = info.offset;
	bar0_size = info.size;
	region_info(VFIO_PCI_BAR2_REGION_INDEX, &info, sizeof(info));
	bar2_off = info.offset;
	region_info(DISPLAY_INDEX, &info, sizeof(info));
	disp_off = info.offset;
	disp_size = info.size;
	region_info(EDID_INDEX, &info, sizeof(info));
	edid_off = info.offset;
}

static void region_checks(void)
{
	struct vfio_device_info dev = { .argsz = sizeof(dev) };
	char buf[512];
	struct vfio_region_info *info = (struct vfio_region_info *)buf;
	struct vfio_info_cap_header *cap;
	struct vfio_region_info_cap_type *type = NULL;
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	int ret;

	ret = ioctl(device, VFIO_DEVICE_GET_INFO, &dev) ? -errno : 0;
	check(!ret && dev.num_regions == NUM_REGIONS &&
	      (dev.flags & (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET)) ==
	      (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET),
	      "device-info", "%s: num_regions %u, flags %#x", strerror(-ret), dev.num_regions,
	      dev.flags);

	ret = region_info(DISPLAY_INDEX, info, sizeof(*info));
	check(!ret && (info->flags & (rw | VFIO_REGION_INFO_FLAG_MMAP)) ==
	      (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP) &&
	      info->size == bar0_size && bar0_size, "display-region-info",
	      "%s: flags %#x, size %llu (BAR0 %llu)", strerror(-ret), info->flags,
	      (unsigned long long)info->size, (unsigned long long)bar0_size);

	ret = region_info(EDID_INDEX, info, sizeof(buf));
	if (!ret && info->flags & VFIO_REGION_INFO_FLAG_CAPS && info->cap_offset &&
	    info->argsz <= sizeof(buf)) {
		for (uint32_t at = info->cap_offset; at && at + sizeof(*cap) <= info->argsz;
		     at = cap->next) {
			cap = (struct vfio_info_cap_header *)(buf + at);
			if (cap->id == VFIO_REGION_INFO_CAP_TYPE) {
				type = (struct vfio_region_info_cap_type *)cap;
				break;
			}
			if (cap->next <= at)
				break;
		}
	}
	check(!ret && (info->flags & rw) == rw && type && type->type == VFIO_REGION_TYPE_GFX &&
	      type->subtype == VFIO_REGION_SUBTYPE_GFX_EDID && info->size >= BLOB + 1024,
	      "edid-region-info", "%s: flags %#x, size %llu, type cap %s %u/%u", strerror(-ret),
	      info->flags, (unsigned long long)info->size, type ? "found" : "missing",
	      type ? type->type : 0, type ? type->subtype : 0);

	ret = region_info(NUM_REGIONS, info, sizeof(*info));
	check(ret == -EINVAL, "region-11-einval", "index 11: %s", strerror(-ret));
}

static void ioctl_checks(void)
{
	const uint32_t probe = VFIO_GFX_PLANE_TYPE_PROBE, dmabuf = VFIO_GFX_PLANE_TYPE_DMABUF;
	const uint32_t region = VFIO_GFX_PLANE_TYPE_REGION;
	const uint32_t minsz = offsetof(struct vfio_device_gfx_plane_info, region_index) + 4;
	struct vfio_device_gfx_plane_info p;

	expect_ret("probe-region", query(&p, sizeof(p), probe | region, 0), 0);
	expect_ret("probe-dmabuf-einval", query(&p, sizeof(p), probe | dmabuf, 0), -EINVAL);
	expect_ret("dmabuf-einval", query(&p, sizeof(p), dmabuf, 0), -EINVAL);
	expect_ret("argsz-short-einval", query(&p, minsz - 1, region, 0), -EINVAL);
	expect_ret("argsz-minimal", query(&p, minsz, region, 0), 0);
	expect_ret("argsz-0-einval", query(&p, 0, region, 0), -EINVAL);
	expect_ret("flags-0-einval", query(&p, sizeof(p), 0, 0), -EINVAL);
	expect_ret("flags-unknown-einval", query(&p, sizeof(p), region | 1u << 3, 0), -EINVAL);
	expect_ret("flags-bit31-einval", query(&p, sizeof(p), region | 1u << 31, 0), -EINVAL);
	expect_ret("flags-dmabuf-region-einval", query(&p, sizeof(p), dmabuf | region, 0), -EINVAL);
	/* Power-on state: display disabled. */
	expect_no_plane("disabled-at-open");
}

/* --- Planes against modes ------------------------------------------- */

struct mode {
	unsigned int w, h, bpp, vw;
};

static void mode_checks(void)
{
	static const struct mode modes[] = {
		{ 1024, 768, 32, 1024 }, { 800, 600, 24, 800 }, { 1280, 720, 32, 1280 },
		{ 640, 480, 24, 1024 }, { 1024, 768, 32, 1280 }, { 1280, 1024, 32, 800 },
	};
	struct vfio_device_gfx_plane_info p;
	struct vfio_device_gfx_plane_info cursor;
	char name[64];
	int ret;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const struct mode *m = &modes[i];
		unsigned int stride = (m->vw > m->w ? m->vw : m->w) * m->bpp / 8;

		snprintf(name, sizeof(name), "plane-%ux%ux%u-vw%u", m->w, m->h, m->bpp, m->vw);
		if (set_mode(m->w, m->h, m->bpp, m->vw, 0)) {
			check(0, name, "setting the mode: %s", strerror(errno));
			continue;
		}
		ret = query_plane(&p);
		check(!ret && p.drm_format == (m->bpp == 32 ? XRGB8888 : RGB888) &&
		      p.drm_format_mod == 0 && p.width == m->w && p.height == m->h &&
		      p.stride == stride && p.size == stride * m->h && !p.x_pos && !p.y_pos &&
		      !p.x_hot && !p.y_hot && p.region_index == DISPLAY_INDEX, name,
		      "%s: format %#x mod %#llx %ux%u stride %u size %u pos %u,%u hot %u,%u region %u",
		      strerror(-ret), p.drm_format, (unsigned long long)p.drm_format_mod, p.width,
		      p.height, p.stride, p.size, p.x_pos, p.y_pos, p.x_hot, p.y_hot,
		      p.region_index);
	}
	/* Plane type 1 is the primary plane too; a cursor there is none. */
	ret = query(&p, sizeof(p), VFIO_GFX_PLANE_TYPE_REGION, 1);
	check(!ret && p.width == 1280 && p.height == 1024, "plane-type-primary", "%s: %ux%u",
	      strerror(-ret), p.width, p.height);
	ret = query(&cursor, sizeof(cursor), VFIO_GFX_PLANE_TYPE_REGION, 2);
	check(!ret && no_plane(&cursor), "cursor-no-plane", "%s: format %#x size %u",
	      strerror(-ret), cursor.drm_format, cursor.size);
	ret = query(&p, sizeof(p), VFIO_GFX_PLANE_TYPE_REGION, 3);
	check(ret == -EINVAL, "plane-type-3-einval", "%s", strerror(-ret));

	set_mode(1024, 768, 16, 1024, 0);
	expect_no_plane("bpp16-no-plane");
	set_mode(1024, 768, 8, 1024, 0);
	expect_no_plane("bpp8-no-plane");
	/* 24 bpp one line down: 3072 bytes in, not a page boundary. */
	set_mode(1024, 768, 24, 1024, 3072);
	expect_no_plane("unaligned-base-no-plane");
	/* Past the slice: the last line ends beyond it. */
	set_mode(1024, 768, 32, 1024, 0);
	dispi(D_Y_OFFSET, bar0_size / 4096 - 767);
	expect_no_plane("past-slice-no-plane");
	set_mode(1024, 768, 32, 1024, 0);
	dispi(D_ENABLE, 0);
	expect_no_plane("disabled-no-plane");
}

/* --- Page flips through the display region -------------------------- */

#define FW 1024
#define FH 768
#define PITCH (1280 * 4)
#define FB_B 0x400000u	/* a page-aligned BO, mid-line at this pitch */

static uint32_t pixel(uint32_t seed, size_t i)
{
	return seed ^ (uint32_t)(i * 2654435761u);
}

/* Whole frame (FH lines of PITCH) of @seed at the start of @p? */
static size_t frame_mismatch(const volatile uint32_t *p, uint32_t seed)
{
	for (size_t i = 0; i < (size_t)PITCH * FH / 4; i++)
		if (p[i] != pixel(seed, i))
			return i + 1;
	return 0;
}

static void flip_checks(void)
{
	const size_t frame = (size_t)PITCH * FH;
	struct vfio_device_gfx_plane_info p;
	volatile uint32_t *vram, *disp;
	uint32_t seeds[2] = { 0xa0a0a0a0, 0x5b5b5b5b }, first[4];
	uint32_t fbs[2] = { 0, FB_B };
	char name[64];
	void *m;
	int ret;

	m = mmap(NULL, bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED, device, bar0_off);
	if (!check(m != MAP_FAILED, "bar0-mmap", "%s", strerror(errno)))
		return;
	vram = m;
	for (int b = 0; b < 2; b++)
		for (size_t i = 0; i < frame / 4; i++)
			vram[fbs[b] / 4 + i] = pixel(seeds[b], i);

	m = mmap(NULL, disp_size, PROT_READ, MAP_SHARED, device, disp_off);
	if (!check(m != MAP_FAILED, "display-mmap", "%s", strerror(errno)))
		goto out_vram;
	disp = m;

	/* A, B, A: the mapping follows each flip; read() sees the same. */
	for (int k = 0; k < 3; k++) {
		int b = k % 2;
		size_t bad;

		snprintf(name, sizeof(name), "flip-%d-plane", k);
		if (set_mode(FW, FH, 32, PITCH / 4, fbs[b])) {
			check(0, name, "setting the mode: %s", strerror(errno));
			continue;
		}
		ret = query_plane(&p);
		check(!ret && p.width == FW && p.stride == PITCH && p.size == frame &&
		      p.region_index == DISPLAY_INDEX, name, "%s: %ux%u stride %u size %u",
		      strerror(-ret), p.width, p.height, p.stride, p.size);
		snprintf(name, sizeof(name), "flip-%d-mapping-shows-%c", k, "AB"[b]);
		bad = frame_mismatch(disp, seeds[b]);
		check(!bad, name, "word %zu is %#x, want %#x", bad ? bad - 1 : 0,
		      bad ? disp[bad - 1] : 0, bad ? pixel(seeds[b], bad - 1) : 0);
		snprintf(name, sizeof(name), "flip-%d-read-shows-%c", k, "AB"[b]);
		memset(first, 0, sizeof(first));
		ret = pread(device, first, sizeof(first), disp_off + frame - sizeof(first)) ==
		      (ssize_t)sizeof(first) ? 0 : -errno;
		check(!ret && first[3] == pixel(seeds[b], frame / 4 - 1), name,
		      "%s: last word %#x, want %#x", strerror(-ret), first[3],
		      pixel(seeds[b], frame / 4 - 1));
	}
	/* The region ends where the slice does, from the base at B. */
	set_mode(FW, FH, 32, PITCH / 4, FB_B);
	query_plane(&p);
	ret = pread(device, first, 4, disp_off + bar0_size - FB_B - 4) == 4 ? 0 : -errno;
	check(!ret && first[0] == vram[bar0_size / 4 - 1], "read-last-slice-word",
	      "%s: %#x", strerror(-ret), first[0]);
	ret = pread(device, first, 4, disp_off + bar0_size - FB_B) == 4 ? 0 : -errno;
	check(ret == -EINVAL, "read-past-slice-einval", "%s", strerror(-ret));

	/* Memory decode off: the VMM still sees the picture. */
	{
		const off_t cmd = ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 0x04;
		uint16_t v = 0;

		if (pread(device, &v, 2, cmd) == 2) {
			v &= ~0x0002;
			ret = pwrite(device, &v, 2, cmd) == 2 ? 0 : -errno;
		} else {
			ret = -errno;
		}
		if (!ret)
			ret = query_plane(&p);
		check(!ret && p.size == frame && !frame_mismatch(disp, seeds[1]),
		      "no-decode-still-shown", "%s: size %u", strerror(-ret), p.size);
		vfio_enable_memory(device);
	}

	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, device, disp_off);
	check(m == MAP_FAILED && errno == EINVAL, "display-mmap-write-einval", "%s",
	      m == MAP_FAILED ? strerror(errno) : "mapped");
	if (m != MAP_FAILED)
		munmap(m, 4096);
	/* Disabled: no plane, and the mapping stays where it was. */
	dispi(D_ENABLE, 0);
	expect_no_plane("flip-disabled-no-plane");
	munmap((void *)disp, disp_size);
out_vram:
	munmap((void *)vram, bar0_size);
}

/* --- The EDID region protocol --------------------------------------- */

static void edid_region_checks(const char *uuid, unsigned int w)
{
	uint8_t own[1024], custom[128], win[1024], big[1024];
	uint32_t v = 0, own_size = 0;
	int ret;

	v = edid_field(EDID_FIELD(edid_offset));
	check(v == BLOB, "edid-offset", "%#x", v);
	v = edid_field(EDID_FIELD(edid_max_size));
	check(v == 1024, "edid-max-size", "%u", v);
	v = edid_field(EDID_FIELD(link_state));
	check(v == UP, "edid-link-up-at-open", "%u", v);
	edid_rd(EDID_FIELD(edid_size), &own_size);
	if (!check(own_size == 128 || own_size == 256, "edid-own-size", "%u", own_size))
		return;
	if (pread(device, own, own_size, edid_off + BLOB) != (ssize_t)own_size) {
		check(0, "edid-own-read", "%s", strerror(errno));
		return;
	}

	expect_ret("edid-offset-read-only", edid_wr32(EDID_FIELD(edid_offset), BLOB), -EINVAL);
	expect_ret("edid-max-xres-read-only", edid_wr32(EDID_FIELD(max_xres), w), -EINVAL);
	expect_ret("edid-max-yres-read-only", edid_wr32(EDID_FIELD(max_yres), 480), -EINVAL);
	expect_ret("edid-partial-write-einval", edid_wr(EDID_FIELD(edid_size), "\x80\x00", 2), -EINVAL);
	expect_ret("edid-misaligned-write-einval", edid_wr32(EDID_FIELD(edid_size) + 2, 128), -EINVAL);
	expect_ret("edid-size-while-up-ebusy", edid_wr32(EDID_FIELD(edid_size), 128), -EBUSY);
	expect_ret("edid-blob-while-up-ebusy", edid_wr(BLOB, own, 16), -EBUSY);
	expect_ret("edid-link-3-einval", edid_wr32(EDID_FIELD(link_state), 3), -EINVAL);
	expect_ret("edid-link-0-einval", edid_wr32(EDID_FIELD(link_state), 0), -EINVAL);

	/* Down: no monitor for the guest. */
	expect_ret("edid-link-down", edid_wr32(EDID_FIELD(link_state), DOWN), 0);
	ret = read_window(win);
	check(!ret && all_zero(win, sizeof(win)), "edid-down-window-zero", "%s",
	      ret ? strerror(-ret) : "a byte is not zero");
	expect_ret("edid-size-100-einval", edid_wr32(EDID_FIELD(edid_size), 100), -EINVAL);
	expect_ret("edid-size-2048-einval", edid_wr32(EDID_FIELD(edid_size), 2048), -EINVAL);
	expect_ret("edid-gap-write-einval", edid_wr32(0x80, 0), -EINVAL);
	expect_ret("edid-past-end-einval", edid_wr(BLOB + 1024 - 4, own, 8), -EINVAL);

	/* A monitor of the VMM's: the device's block 0, another product and serial. */
	memcpy(custom, own, 128);
	custom[10] = 0x42;
	custom[12] = 0x99;
	custom[126] = 0;
	custom[127] = 0;
	custom[127] = -sum(custom, 128);
	expect_ret("edid-write-blob", edid_wr(BLOB, custom, 128), 0);
	expect_ret("edid-write-size", edid_wr32(EDID_FIELD(edid_size), 128), 0);
	expect_ret("edid-link-up", edid_wr32(EDID_FIELD(link_state), UP), 0);
	ret = read_window(win);
	check(!ret && !memcmp(win, custom, 128) && all_zero(win + 128, 1024 - 128),
	      "edid-up-window-shows-custom", "%s",
	      ret ? strerror(-ret) : "the window is not the custom EDID");
	v = edid_field(EDID_FIELD(edid_size));
	check(v == 128, "edid-size-reads-back", "%u", v);

	/* The largest EDID, 8 blocks, fills the whole window. */
	memcpy(big, custom, 128);
	for (unsigned int i = 128; i < sizeof(big); i++)
		big[i] = i * 13 + 1;
	expect_ret("edid-link-down-again", edid_wr32(EDID_FIELD(link_state), DOWN), 0);
	/* Block by block, as a VMM may write it: offsets up to 0x4ff. */
	ret = 0;
	for (unsigned int i = 0; i < sizeof(big) && !ret; i += 128)
		ret = edid_wr(BLOB + i, big + i, 128);
	expect_ret("edid-write-1024-by-blocks", ret, 0);
	expect_ret("edid-write-size-1024", edid_wr32(EDID_FIELD(edid_size), 1024), 0);
	expect_ret("edid-link-up-1024", edid_wr32(EDID_FIELD(link_state), UP), 0);
	ret = read_window(win);
	check(!ret && !memcmp(win, big, sizeof(big)), "edid-up-window-shows-1024", "%s",
	      ret ? strerror(-ret) : "the window is not the 1024-byte EDID");

	/* Up with no EDID is refused, and leaves the link down. */
	edid_wr32(EDID_FIELD(link_state), DOWN);
	expect_ret("edid-size-0-while-down", edid_wr32(EDID_FIELD(edid_size), 0), 0);
	expect_ret("edid-up-size-0-einval", edid_wr32(EDID_FIELD(link_state), UP), -EINVAL);
	v = edid_field(EDID_FIELD(link_state));
	check(v == DOWN, "edid-still-down", "%u", v);

	/* Close and reopen: the device's own monitor is back, link up. */
	close(device);
	if (open_device(uuid) || vfio_enable_memory(device)) {
		check(0, "edid-reopen", "cannot reopen the device");
		return;
	}
	v = edid_field(EDID_FIELD(link_state));
	check(v == UP, "edid-reopen-link-up", "%u", v);
	ret = read_window(win);
	check(!ret && !memcmp(win, own, own_size) && all_zero(win + own_size, 1024 - own_size),
	      "edid-reopen-own-edid", "%s", ret ? strerror(-ret) : "the window is not the own EDID");
}

int main(int argc, char **argv)
{
	char group[64];
	unsigned int w, h;

	if (argc != 5 && !(argc == 8 && !strcmp(argv[5], "--edid"))) {
		fprintf(stderr, "usage: %s SUITE UUID MAX_WIDTH MAX_HEIGHT [--edid NAME FILE]\n",
			argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	w = strtoul(argv[3], NULL, 0);
	h = strtoul(argv[4], NULL, 0);
	groupfd = vfio_open_mdev_group(argv[2], group, sizeof(group));
	if (groupfd < 0 || open_device(argv[2])) {
		lab_result(0, argc == 8 ? argv[6] : "open", "cannot open the device");
		return 1;
	}
	if (vfio_enable_memory(device)) {
		lab_result(0, "memory-decode", strerror(errno));
		return 1;
	}
	find_regions();
	if (argc == 8) {
		edid_checks(argv[6], w, h, argv[7]);
		return lab_failures != 0;
	}
	region_checks();
	ioctl_checks();
	mode_checks();
	flip_checks();
	edid_checks("edid", w, h, NULL);
	edid_region_checks(argv[2], w);
	close(device);
	return lab_failures != 0;
}
