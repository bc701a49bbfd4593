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
	{}
};

static struct kunit_suite vgpu_regs_suite = {
	.name = "vslice_vgpu_regs",
	.test_cases = vgpu_regs_cases,
};

kunit_test_suite(vgpu_regs_suite);
