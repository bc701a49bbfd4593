// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the primary plane computed from the dispi registers:
 * every depth, stride and offset case, the ones that show a plane and
 * the ones that must not.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "vgpu_plane.h"

#define SLICE		(16U << 20)
#define PAGE		4096U

/* A 16 MiB slice whose type allows modes up to 2560x1600. */
static const struct vgpu_regs_limits limits = {
	.vram_size = SLICE, .max_width = 2560, .max_height = 1600,
	.type_index = 0,
};

static struct vgpu_regs *new_regs(struct kunit *test)
{
	struct vgpu_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	KUNIT_ASSERT_EQ(test, vgpu_regs_init(regs, &limits), 0);
	return regs;
}

static void set(struct kunit *test, struct vgpu_regs *regs, u32 index, u16 val)
{
	KUNIT_EXPECT_EQ(test, vgpu_regs_write(regs, VGPU_MMIO_DISPI + 2 * index, 2, val), 0);
}

/**
 * struct plane_case - a mode as the guest programs it, and its plane
 * @name: parameter name
 * @xres: DISPI_XRES
 * @yres: DISPI_YRES
 * @bpp: DISPI_BPP
 * @virt_width: DISPI_VIRT_WIDTH
 * @xoff: DISPI_X_OFFSET
 * @yoff: DISPI_Y_OFFSET
 * @enable: DISPI_ENABLE
 * @status: what vgpu_plane_compute() must answer
 * @format: the DRM format of a shown plane
 * @stride: its stride
 * @base: its base
 *
 * A shown plane's width and height are @xres and @yres and its size is
 * @stride * @yres; a plane that is not shown is all zero but for its bpp
 * (which is 0 when the display is off).
 */
struct plane_case {
	const char *name;
	u16 xres, yres, bpp, virt_width, xoff, yoff, enable;
	enum vgpu_plane_status status;
	u32 format, stride, base;
};

#define ON	(DISPI_ENABLED | DISPI_LFB_ENABLED)

static const struct plane_case plane_cases[] = {
	/* Off: power-on state, and GETCAPS or LFB alone enable nothing. */
	{ "off", 1024, 768, 32, 1024, 0, 0, 0, VGPU_PLANE_DISABLED },
	{ "getcaps-only", 1024, 768, 32, 1024, 0, 0, DISPI_GETCAPS, VGPU_PLANE_DISABLED },
	{ "lfb-only", 1024, 768, 32, 1024, 0, 0, DISPI_LFB_ENABLED, VGPU_PLANE_DISABLED },
	/* Banked (VGA window) mode: nothing linear to show. */
	{ "lfb-off", 1024, 768, 32, 1024, 0, 0, DISPI_ENABLED, VGPU_PLANE_BAD_MODE },
	{ "xres-0", 0, 768, 32, 1024, 0, 0, ON, VGPU_PLANE_BAD_MODE },
	{ "yres-0", 1024, 0, 32, 1024, 0, 0, ON, VGPU_PLANE_BAD_MODE },

	/* Each depth: only 24 and 32 bpp have a format QEMU shows. */
	{ "bpp-8", 1024, 768, 8, 1024, 0, 0, ON, VGPU_PLANE_BAD_FORMAT },
	{ "bpp-15", 1024, 768, 15, 1024, 0, 0, ON, VGPU_PLANE_BAD_FORMAT },
	{ "bpp-16", 1024, 768, 16, 1024, 0, 0, ON, VGPU_PLANE_BAD_FORMAT },
	{ "bpp-24", 1024, 768, 24, 1024, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_RGB888, 3072, 0 },
	{ "bpp-32", 1024, 768, 32, 1024, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 4096, 0 },
	{ "bpp-32-getcaps-set", 1024, 768, 32, 1024, 0, 0, ON | DISPI_GETCAPS,
	  VGPU_PLANE_SHOWN, DRM_FORMAT_XRGB8888, 4096, 0 },

	/* Stride: VIRT_WIDTH below, equal to and above XRES. */
	{ "vw-below-32", 1024, 768, 32, 800, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 4096, 0 },
	{ "vw-0-24", 800, 600, 24, 0, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_RGB888, 2400, 0 },
	{ "vw-equal-24", 800, 600, 24, 800, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_RGB888, 2400, 0 },
	{ "vw-above-32", 1024, 768, 32, 1280, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 5120, 0 },
	{ "vw-above-24", 1024, 768, 24, 1366, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_RGB888, 4098, 0 },
	{ "largest-mode", 2560, 1600, 32, 2560, 0, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 10240, 0 },

	/* Offsets: a page-aligned base is shown, any other is not. */
	{ "yoff-aligned-32", 1024, 768, 32, 1024, 0, 768, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 4096, 768 * 4096 },
	{ "yoff-aligned-24", 1024, 768, 24, 1024, 0, 4, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_RGB888, 3072, 4 * 3072 },
	{ "yoff-unaligned-24", 1024, 768, 24, 1024, 0, 1, ON, VGPU_PLANE_UNALIGNED },
	{ "yoff-unaligned-32", 1000, 700, 32, 1000, 0, 1, ON, VGPU_PLANE_UNALIGNED },
	{ "xoff-aligned", 1024, 768, 32, 1024, 1024, 0, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 4096, 4096 },
	{ "xoff-unaligned", 1024, 768, 32, 1024, 1, 0, ON, VGPU_PLANE_UNALIGNED },
	{ "xoff-unaligned-24", 1024, 768, 24, 1024, 1024, 0, ON, VGPU_PLANE_UNALIGNED },
	/* bochs-drm's flip to a BO at 0x301000 with a 5120-byte pitch. */
	{ "flip-mid-line", 1024, 768, 32, 1280, 256, 615, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 5120, 0x301000 },

	/*
	 * The end of the slice.  640x480x32 with a 10240-byte stride is
	 * 4915200 bytes, 7680 of them the last line's padding: ending
	 * exactly at the slice's end is shown; 4096 bytes further its
	 * visible pixels still fit, but a VMM reading whole lines would
	 * read past the slice.
	 */
	{ "ends-at-slice-end", 640, 480, 32, 2560, 1024, 1158, ON, VGPU_PLANE_SHOWN,
	  DRM_FORMAT_XRGB8888, 10240, SLICE - 4915200 },
	{ "padding-past-slice-end", 640, 480, 32, 2560, 2048, 1158, ON, VGPU_PLANE_BAD_MODE },
	{ "pixels-past-slice-end", 640, 480, 32, 2560, 0, 1200, ON, VGPU_PLANE_BAD_MODE },
	{ "yoff-max", 1024, 768, 32, 1024, 0, 0xffff, ON, VGPU_PLANE_BAD_MODE },
	/* Linear: X_OFFSET 65535 is 256 KiB in, inside the slice. */
	{ "xoff-max", 1024, 768, 32, 1024, 0xffff, 0, ON, VGPU_PLANE_UNALIGNED },
	/* 2560x1600x32 is 16000 KiB: 38 lines down fit 16 MiB, 39 do not. */
	{ "largest-mode-one-line-down", 2560, 1600, 32, 2560, 0, 39, ON,
	  VGPU_PLANE_BAD_MODE },
	{ "largest-mode-38-lines-down", 2560, 1600, 32, 2560, 0, 38, ON,
	  VGPU_PLANE_SHOWN, DRM_FORMAT_XRGB8888, 10240, 38 * 10240 },
	{ "largest-mode-37-lines-down", 2560, 1600, 32, 2560, 0, 37, ON,
	  VGPU_PLANE_UNALIGNED },
	/* A depth without a format is that, wherever it is. */
	{ "bpp-16-unaligned", 1024, 768, 16, 1024, 1, 0, ON, VGPU_PLANE_BAD_FORMAT },
};

static void plane_case_desc(const struct plane_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(plane, plane_cases, plane_case_desc);

/* What bochs-drm writes for a mode set and a flip (bochs_hw_setmode/setbase). */
static void program(struct kunit *test, struct vgpu_regs *regs, const struct plane_case *c)
{
	set(test, regs, DISPI_ENABLE, 0);
	set(test, regs, DISPI_BPP, c->bpp);
	set(test, regs, DISPI_XRES, c->xres);
	set(test, regs, DISPI_YRES, c->yres);
	set(test, regs, DISPI_BANK, 0);
	set(test, regs, DISPI_VIRT_WIDTH, c->virt_width);
	set(test, regs, DISPI_VIRT_HEIGHT, c->yres);
	set(test, regs, DISPI_X_OFFSET, c->xoff);
	set(test, regs, DISPI_Y_OFFSET, c->yoff);
	set(test, regs, DISPI_ENABLE, c->enable);
}

static void plane_from_registers(struct kunit *test)
{
	const struct plane_case *c = test->param_value;
	struct vgpu_regs *regs = new_regs(test);
	struct vgpu_plane p;

	program(test, regs, c);
	/* The registers hold the mode: no write of the case was dropped. */
	KUNIT_ASSERT_EQ(test, regs->dispi[DISPI_XRES], c->xres);
	KUNIT_ASSERT_EQ(test, regs->dispi[DISPI_VIRT_WIDTH], c->virt_width);
	KUNIT_ASSERT_EQ(test, regs->dispi[DISPI_BPP], c->bpp);

	memset(&p, 0xa5, sizeof(p));
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), c->status);
	if (c->status == VGPU_PLANE_SHOWN) {
		KUNIT_EXPECT_EQ(test, p.drm_format, c->format);
		KUNIT_EXPECT_EQ(test, p.width, (u32)c->xres);
		KUNIT_EXPECT_EQ(test, p.height, (u32)c->yres);
		KUNIT_EXPECT_EQ(test, p.stride, c->stride);
		KUNIT_EXPECT_EQ(test, p.size, c->stride * c->yres);
		KUNIT_EXPECT_EQ(test, p.base, c->base);
		KUNIT_EXPECT_EQ(test, p.bpp, (u32)c->bpp);
		/* The whole plane, padding included, is in the slice. */
		KUNIT_EXPECT_LE(test, (u64)p.base + p.size, (u64)SLICE);
		KUNIT_EXPECT_EQ(test, p.base % PAGE, 0U);
	} else {
		KUNIT_EXPECT_EQ(test, p.drm_format, 0U);
		KUNIT_EXPECT_EQ(test, p.width, 0U);
		KUNIT_EXPECT_EQ(test, p.height, 0U);
		KUNIT_EXPECT_EQ(test, p.stride, 0U);
		KUNIT_EXPECT_EQ(test, p.size, 0U);
		KUNIT_EXPECT_EQ(test, p.base, 0U);
		KUNIT_EXPECT_EQ(test, p.bpp,
				c->status == VGPU_PLANE_DISABLED ? 0U : (u32)c->bpp);
	}
}

/* A guest flipping between two framebuffers moves the plane, and back. */
static void plane_follows_flips(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	const struct plane_case mode = {
		"flip", 1024, 768, 32, 1024, 0, 0, ON,
	};
	struct vgpu_plane p;
	u16 y;

	program(test, regs, &mode);
	for (y = 0; y <= 3 * 768; y += 768) {
		set(test, regs, DISPI_Y_OFFSET, y);
		KUNIT_ASSERT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_SHOWN);
		KUNIT_EXPECT_EQ(test, p.base, y * 4096U);
		KUNIT_EXPECT_EQ(test, p.size, 768 * 4096U);
	}
	set(test, regs, DISPI_Y_OFFSET, 0);
	KUNIT_ASSERT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_SHOWN);
	KUNIT_EXPECT_EQ(test, p.base, 0U);
	/* Disabling takes the plane away, and a reset keeps it away. */
	set(test, regs, DISPI_ENABLE, 0);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_DISABLED);
	set(test, regs, DISPI_ENABLE, ON);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_SHOWN);
	vgpu_regs_reset(regs);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_DISABLED);
}

/* Alignment is to the page size given; no page size aligns nothing. */
static void plane_page_size(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	const struct plane_case mode = {
		"page", 1024, 768, 32, 1024, 0, 1, ON,
	};
	struct vgpu_plane p;

	program(test, regs, &mode);
	/* Base 4096: aligned to 4 KiB pages, not to 64 KiB ones. */
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, 4096, &p), VGPU_PLANE_SHOWN);
	KUNIT_EXPECT_EQ(test, p.base, 4096U);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, 65536, &p), VGPU_PLANE_UNALIGNED);
	KUNIT_EXPECT_EQ(test, p.size, 0U);
	set(test, regs, DISPI_Y_OFFSET, 16);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, 65536, &p), VGPU_PLANE_SHOWN);
	KUNIT_EXPECT_EQ(test, p.base, 65536U);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, 0, &p), VGPU_PLANE_UNALIGNED);
}

/* The smallest slice a register file allows: 64 KiB. */
static void plane_in_a_tiny_slice(struct kunit *test)
{
	const struct vgpu_regs_limits tiny = {
		.vram_size = 65536, .max_width = 640, .max_height = 480,
	};
	struct vgpu_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);
	const struct plane_case fits = { "fits", 128, 128, 32, 128, 0, 0, ON };
	const struct plane_case over = { "over", 128, 129, 32, 128, 0, 0, ON };
	struct vgpu_plane p;

	KUNIT_ASSERT_NOT_NULL(test, regs);
	KUNIT_ASSERT_EQ(test, vgpu_regs_init(regs, &tiny), 0);
	program(test, regs, &fits);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_SHOWN);
	KUNIT_EXPECT_EQ(test, p.size, 65536U);
	program(test, regs, &over);
	KUNIT_EXPECT_EQ(test, vgpu_plane_compute(regs, PAGE, &p), VGPU_PLANE_BAD_MODE);
}

static struct kunit_case vgpu_plane_cases[] = {
	KUNIT_CASE_PARAM(plane_from_registers, plane_gen_params),
	KUNIT_CASE(plane_follows_flips),
	KUNIT_CASE(plane_page_size),
	KUNIT_CASE(plane_in_a_tiny_slice),
	{}
};

static struct kunit_suite vgpu_plane_suite = {
	.name = "vslice_vgpu_plane",
	.test_cases = vgpu_plane_cases,
};

kunit_test_suite(vgpu_plane_suite);
