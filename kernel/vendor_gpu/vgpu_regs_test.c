// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the trapped MMIO registers.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "vgpu_regs.h"

static const struct vgpu_regs_limits limits = {
	.vram_size = 16 << 20, .max_width = 1280, .max_height = 1024,
	.type_index = 0,
};

static struct vgpu_regs *new_regs(struct kunit *test)
{
	struct vgpu_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	KUNIT_ASSERT_EQ(test, vgpu_regs_init(regs, &limits), 0);
	return regs;
}

static u32 dispi(struct kunit *test, struct vgpu_regs *regs, u32 index)
{
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_DISPI + 2 * index, 2, &v), 0);
	return v;
}

static void set(struct vgpu_regs *regs, u32 index, u16 val)
{
	vgpu_regs_write(regs, VGPU_MMIO_DISPI + 2 * index, 2, val);
}

static void set_mode(struct vgpu_regs *regs, u16 x, u16 y, u16 bpp)
{
	set(regs, DISPI_ENABLE, 0);
	set(regs, DISPI_BPP, bpp);
	set(regs, DISPI_XRES, x);
	set(regs, DISPI_YRES, y);
	set(regs, DISPI_VIRT_WIDTH, x);
	set(regs, DISPI_VIRT_HEIGHT, y);
	set(regs, DISPI_X_OFFSET, 0);
	set(regs, DISPI_Y_OFFSET, 0);
	set(regs, DISPI_ENABLE, DISPI_ENABLED | DISPI_LFB_ENABLED);
}

static void regs_what_bochs_drm_probes(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	u32 v;

	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_ID) & 0xfff0, 0xb0c0U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_VIDEO_MEMORY_64K) * 65536, 16U << 20);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_QEXT, 4, &v), 0);
	KUNIT_EXPECT_GE(test, v, 8U);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_QEXT + 4, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x1e1e1e1eU);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, 0, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0U);	/* no EDID */
}

static void regs_vslice_identification(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	u32 v;

	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_VSLICE, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u32)VSLICE_MAGIC);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_VSLICE + 4, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u32)VSLICE_REGS_VERSION);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_VSLICE + 12, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 16U);
	/* Read-only. */
	KUNIT_EXPECT_EQ(test, vgpu_regs_write(regs, VGPU_MMIO_VSLICE, 4, 0), 0);
	KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_VSLICE, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u32)VSLICE_MAGIC);
}

static void regs_mode_set_and_scanout(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	struct vgpu_scanout so;

	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), -ENODATA);
	set_mode(regs, 1024, 768, 32);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_XRES), 1024U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_YRES), 768U);
	KUNIT_ASSERT_EQ(test, vgpu_regs_scanout(regs, &so), 0);
	KUNIT_EXPECT_EQ(test, so.offset, 0U);
	KUNIT_EXPECT_EQ(test, so.stride, 4096U);
	KUNIT_EXPECT_EQ(test, so.width, 1024U);
	KUNIT_EXPECT_EQ(test, so.height, 768U);

	/* Page flipping by Y offset, inside the slice. */
	set(regs, DISPI_Y_OFFSET, 768);
	KUNIT_ASSERT_EQ(test, vgpu_regs_scanout(regs, &so), 0);
	KUNIT_EXPECT_EQ(test, so.offset, 768U * 4096);
}

static void regs_refuse_what_the_type_forbids(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);

	set_mode(regs, 1024, 768, 32);
	set(regs, DISPI_XRES, 1281);
	set(regs, DISPI_YRES, 1025);
	set(regs, DISPI_BPP, 12);
	set(regs, DISPI_ID, 0);
	set(regs, DISPI_VIDEO_MEMORY_64K, 0xffff);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_XRES), 1024U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_YRES), 768U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_BPP), 32U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_ID), 0xb0c5U);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_VIDEO_MEMORY_64K), 256U);
	/* Byte writes to a dispi register are dropped. */
	vgpu_regs_write(regs, VGPU_MMIO_DISPI + 2 * DISPI_XRES, 1, 0x10);
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_XRES), 1024U);
}

static void regs_scanout_never_leaves_the_slice(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	struct vgpu_scanout so;

	/* 16 MiB holds 4096 lines of 4 KiB: line 3328 + 768 is the edge. */
	set_mode(regs, 1024, 768, 32);
	set(regs, DISPI_VIRT_HEIGHT, 0xffff);
	set(regs, DISPI_Y_OFFSET, 4096 - 768);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), 0);
	set(regs, DISPI_Y_OFFSET, 4096 - 767);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), -EINVAL);
	set(regs, DISPI_Y_OFFSET, 0xffff);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), -EINVAL);
	/* Linear from X/Y: a base mid-line is fine, one pixel past the end is not. */
	set(regs, DISPI_Y_OFFSET, 0);
	set(regs, DISPI_X_OFFSET, 1);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), 0);
	KUNIT_EXPECT_EQ(test, so.offset, 4U);
	set(regs, DISPI_Y_OFFSET, 4096 - 768);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), -EINVAL);
	set(regs, DISPI_Y_OFFSET, 0);
	set(regs, DISPI_X_OFFSET, 0);
	set(regs, DISPI_ENABLE, DISPI_ENABLED);
	KUNIT_EXPECT_EQ(test, vgpu_regs_scanout(regs, &so), -EINVAL);
}

/*
 * A whole dispi register is decoded at once, not byte by byte; both ways
 * must agree for every register, with and without GETCAPS.
 */
static void regs_whole_dispi_reads_match_their_bytes(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	u32 index, caps, lo, hi, v;

	set_mode(regs, 1024, 768, 32);
	for (caps = 0; caps < 2; caps++) {
		if (caps)
			set(regs, DISPI_ENABLE, DISPI_GETCAPS);
		for (index = 0; index < DISPI_NR; index++) {
			u32 at = VGPU_MMIO_DISPI + 2 * index;

			KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, at, 1, &lo), 0);
			KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, at + 1, 1, &hi), 0);
			KUNIT_ASSERT_EQ(test, vgpu_regs_read(regs, at, 2, &v), 0);
			KUNIT_EXPECT_EQ_MSG(test, v, lo | hi << 8,
					    "dispi %u, getcaps %u", index, caps);
		}
	}
	/* GETCAPS answers the type's limits, not the mode. */
	KUNIT_EXPECT_EQ(test, dispi(test, regs, DISPI_XRES), 1280U);
}

static void regs_bounds_and_reset(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	struct vgpu_regs *fresh = new_regs(test);
	u32 v = 0x5a5a5a5a;

	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_SIZE - 2, 4, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, 0xffffffff, 1, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, 0, 3, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 0x5a5a5a5aU);
	KUNIT_EXPECT_EQ(test, vgpu_regs_write(regs, VGPU_MMIO_SIZE, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, VGPU_MMIO_SIZE - 4, 4, &v), 0);

	set_mode(regs, 800, 600, 16);
	vgpu_regs_write(regs, VGPU_MMIO_VGA, 1, 0x20);
	vgpu_regs_reset(regs);
	KUNIT_EXPECT_MEMEQ(test, regs->dispi, fresh->dispi, sizeof(regs->dispi));
	KUNIT_EXPECT_MEMEQ(test, regs->vga, fresh->vga, sizeof(regs->vga));
}

static void regs_init_rejects_bad_limits(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);
	struct vgpu_regs_limits bad = limits;

	bad.vram_size = 65535;
	KUNIT_EXPECT_EQ(test, vgpu_regs_init(regs, &bad), -EINVAL);
	bad = limits;
	bad.max_width = 0;
	KUNIT_EXPECT_EQ(test, vgpu_regs_init(regs, &bad), -EINVAL);
}

static u32 rd32(struct kunit *test, struct vgpu_regs *regs, u32 off)
{
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, vgpu_regs_read(regs, off, 4, &v), 0);
	return v;
}

static void regs_interrupt_line(struct kunit *test)
{
	struct vgpu_regs *regs = new_regs(test);

	/* A raised but not enabled cause is pending, not asserted. */
	KUNIT_EXPECT_EQ(test, vgpu_regs_write(regs, VSLICE_REG_IRQ_RAISE, 4, ~0U), 0);
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_STATUS), (u32)VSLICE_IRQ_ALL);
	KUNIT_EXPECT_FALSE(test, vgpu_regs_irq_asserted(regs));
	vgpu_regs_write(regs, VSLICE_REG_IRQ_ENABLE, 4, ~0U);
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_ENABLE), (u32)VSLICE_IRQ_ALL);
	KUNIT_EXPECT_TRUE(test, vgpu_regs_irq_asserted(regs));
	/* RAISE reads as zero. */
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_RAISE), 0U);

	/* Partial and unaligned writes are dropped. */
	vgpu_regs_write(regs, VSLICE_REG_IRQ_STATUS, 2, 0xffff);
	vgpu_regs_write(regs, VSLICE_REG_IRQ_STATUS, 1, 0xff);
	vgpu_regs_write(regs, VSLICE_REG_IRQ_STATUS + 1, 4, ~0U);
	KUNIT_EXPECT_TRUE(test, vgpu_regs_irq_asserted(regs));

	/* Write one to clear deasserts; writing zero clears nothing. */
	vgpu_regs_write(regs, VSLICE_REG_IRQ_STATUS, 4, 0);
	KUNIT_EXPECT_TRUE(test, vgpu_regs_irq_asserted(regs));
	vgpu_regs_write(regs, VSLICE_REG_IRQ_STATUS, 4, VSLICE_IRQ_SWI);
	KUNIT_EXPECT_FALSE(test, vgpu_regs_irq_asserted(regs));
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_STATUS), 0U);

	/* Disabling a pending cause deasserts; reset clears both. */
	vgpu_regs_write(regs, VSLICE_REG_IRQ_RAISE, 4, VSLICE_IRQ_SWI);
	vgpu_regs_write(regs, VSLICE_REG_IRQ_ENABLE, 4, 0);
	KUNIT_EXPECT_FALSE(test, vgpu_regs_irq_asserted(regs));
	vgpu_regs_write(regs, VSLICE_REG_IRQ_ENABLE, 4, VSLICE_IRQ_SWI);
	KUNIT_EXPECT_TRUE(test, vgpu_regs_irq_asserted(regs));
	vgpu_regs_reset(regs);
	KUNIT_EXPECT_FALSE(test, vgpu_regs_irq_asserted(regs));
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, rd32(test, regs, VSLICE_REG_IRQ_ENABLE), 0U);
}

/* A source's registers after a guest set a mode and raised an interrupt. */
static void guest_mode(struct vgpu_regs *regs)
{
	set_mode(regs, 1024, 768, 16);
	set(regs, DISPI_VIRT_HEIGHT, 2000);
	set(regs, DISPI_Y_OFFSET, 768);
	set(regs, DISPI_BANK, 3);
	vgpu_regs_write(regs, VGPU_MMIO_VGA + 4, 1, 0x5a);
	vgpu_regs_write(regs, VGPU_MMIO_VGA + 0x1f, 1, 0xa5);
	vgpu_regs_write(regs, VSLICE_REG_IRQ_ENABLE, 4, VSLICE_IRQ_SWI);
	vgpu_regs_write(regs, VSLICE_REG_IRQ_RAISE, 4, VSLICE_IRQ_SWI);
}

/*
 * Values a guest wrote are accepted and loaded exactly; the limits and
 * the monitor stay the destination's.
 */
static void regs_saved_round_trip(struct kunit *test)
{
	struct vgpu_regs *src = new_regs(test), *dst = new_regs(test);
	struct vgpu_scanout a, b;
	u8 edid[128];
	u32 bad = 0xdead;

	guest_mode(src);
	memset(edid, 0x3c, sizeof(edid));
	vgpu_regs_set_edid(dst, edid, sizeof(edid));
	KUNIT_EXPECT_EQ(test, vgpu_regs_check_saved(dst, src->dispi, src->irq_status,
						    src->irq_enable, &bad), 0);
	KUNIT_EXPECT_EQ(test, bad, 0xdeadU);
	vgpu_regs_load_saved(dst, src->dispi, src->vga, src->irq_status, src->irq_enable);
	KUNIT_EXPECT_MEMEQ(test, dst->dispi, src->dispi, sizeof(src->dispi));
	KUNIT_EXPECT_MEMEQ(test, dst->vga, src->vga, sizeof(src->vga));
	KUNIT_EXPECT_EQ(test, dst->irq_status, (u32)VSLICE_IRQ_SWI);
	KUNIT_EXPECT_EQ(test, dst->irq_enable, (u32)VSLICE_IRQ_SWI);
	KUNIT_EXPECT_TRUE(test, vgpu_regs_irq_asserted(dst));
	KUNIT_EXPECT_MEMEQ(test, &dst->limits, &limits, sizeof(limits));
	KUNIT_EXPECT_EQ(test, dst->edid_len, 128U);
	KUNIT_EXPECT_MEMEQ(test, dst->edid, edid, sizeof(edid));
	KUNIT_ASSERT_EQ(test, vgpu_regs_scanout(src, &a), 0);
	KUNIT_ASSERT_EQ(test, vgpu_regs_scanout(dst, &b), 0);
	KUNIT_EXPECT_MEMEQ(test, &a, &b, sizeof(a));

	/* The largest values the type allows, and the capability bit. */
	src->dispi[DISPI_XRES] = limits.max_width;
	src->dispi[DISPI_VIRT_WIDTH] = limits.max_width;
	src->dispi[DISPI_YRES] = limits.max_height;
	src->dispi[DISPI_ENABLE] = DISPI_ENABLED | DISPI_GETCAPS | DISPI_LFB_ENABLED;
	KUNIT_EXPECT_EQ(test, vgpu_regs_check_saved(dst, src->dispi, 0, 0, &bad), 0);
}

struct regs_bad_case {
	const char *name;
	u32 index;
	u16 val;
	u32 irq_status;
	u32 irq_enable;
};

/* Values no guest write leaves in a 1280x1024, 16 MiB vGPU. */
static const struct regs_bad_case regs_bad_cases[] = {
	{ "XRES above max_width", DISPI_XRES, 1281 },
	{ "YRES above max_height", DISPI_YRES, 1025 },
	{ "virtual width above max_width", DISPI_VIRT_WIDTH, 0xffff },
	{ "BPP 0", DISPI_BPP, 0 },
	{ "BPP 7", DISPI_BPP, 7 },
	{ "BPP 33", DISPI_BPP, 33 },
	{ "enable bits it has not", DISPI_ENABLE, DISPI_ENABLED | 0x80 },
	{ "another ID", DISPI_ID, DISPI_ID5 - 1 },
	{ "more VRAM", DISPI_VIDEO_MEMORY_64K, 257 },
	{ "no VRAM", DISPI_VIDEO_MEMORY_64K, 0 },
	{ "IRQ status bit outside the causes", DISPI_NR, 0, VSLICE_IRQ_ALL << 1, 0 },
	{ "IRQ enable bit outside the causes", DISPI_NR, 0, 0, 0x80000000 },
};

static void regs_bad_desc(const struct regs_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(regs_bad, regs_bad_cases, regs_bad_desc);

/* Each is refused with its index (DISPI_NR for the interrupt registers). */
static void regs_saved_refused(struct kunit *test)
{
	const struct regs_bad_case *c = test->param_value;
	struct vgpu_regs *src = new_regs(test), *dst = new_regs(test);
	struct vgpu_regs *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	u32 bad = 0xdead, status, enable;

	KUNIT_ASSERT_NOT_NULL(test, before);
	guest_mode(src);
	if (c->index < DISPI_NR)
		src->dispi[c->index] = c->val;
	status = src->irq_status | c->irq_status;
	enable = src->irq_enable | c->irq_enable;
	*before = *dst;
	KUNIT_EXPECT_EQ(test, vgpu_regs_check_saved(dst, src->dispi, status, enable, &bad),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bad, c->index);
	KUNIT_EXPECT_MEMEQ(test, dst, before, sizeof(*dst));
}

static struct kunit_case vgpu_regs_cases[] = {
	KUNIT_CASE(regs_what_bochs_drm_probes),
	KUNIT_CASE(regs_vslice_identification),
	KUNIT_CASE(regs_mode_set_and_scanout),
	KUNIT_CASE(regs_refuse_what_the_type_forbids),
	KUNIT_CASE(regs_scanout_never_leaves_the_slice),
	KUNIT_CASE(regs_whole_dispi_reads_match_their_bytes),
	KUNIT_CASE(regs_bounds_and_reset),
	KUNIT_CASE(regs_init_rejects_bad_limits),
	KUNIT_CASE(regs_interrupt_line),
	KUNIT_CASE(regs_saved_round_trip),
	KUNIT_CASE_PARAM(regs_saved_refused, regs_bad_gen_params),
	{}
};

static struct kunit_suite vgpu_regs_suite = {
	.name = "vslice_vgpu_regs",
	.test_cases = vgpu_regs_cases,
};

kunit_test_suite(vgpu_regs_suite);
