// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the emulated PCI configuration space.
 */
#include <kunit/test.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>

#include "vgpu_cfg.h"

static const struct vgpu_cfg_ids ids = {
	.vendor = 0x1234, .device = 0x1111,
	.subsystem_vendor = 0x1234, .subsystem_device = 0x5602,
	.revision = 2, .class = 0x030000,
};

#define SZ_64M_ (64U << 20)

static struct vgpu_cfg *new_cfg(struct kunit *test)
{
	struct vgpu_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, vgpu_cfg_init(cfg, &ids, SZ_64M_, 4096), 0);
	return cfg;
}

static u32 rd(struct kunit *test, struct vgpu_cfg *cfg, u32 off, u32 len)
{
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, off, len, &v), 0);
	return v;
}

static void cfg_identity(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);

	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_VENDOR_ID, 4), 0x11111234U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_CLASS_REVISION, 4), 0x03000002U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x56021234U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_HEADER_TYPE, 1), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_INTERRUPT_PIN, 1), 1U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
			(u32)PCI_STATUS_CAP_LIST);
}

static void cfg_identity_is_read_only(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 off;

	for (off = 0; off < 0x10; off += 4)
		KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, off, 4, 0xffffffff), 0);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_SUBSYSTEM_VENDOR_ID, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_INTERRUPT_PIN, 1, 4), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_VENDOR_ID, 4), 0x11111234U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_CLASS_REVISION, 4), 0x03000002U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x56021234U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_INTERRUPT_PIN, 1), 1U);
	/* Command: only the implemented bits stick. */
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_COMMAND, 2),
			(u32)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			      PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
			      PCI_COMMAND_INTX_DISABLE));
}

static void cfg_status_is_write_one_to_clear(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);

	cfg->regs[PCI_STATUS + 1] |= 0x80;	/* detected parity error */
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_STATUS, 2, 0), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), 0x8010U);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_STATUS, 2, 0xffff), 0);
	/* Cleared, and the read-only capability bit stayed. */
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), 0x0010U);
}

static void cfg_bar_sizing(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 bar;

	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4),
			(u32)PCI_BASE_ADDRESS_MEM_PREFETCH);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_0, 4, 0xffffffff), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4),
			~(SZ_64M_ - 1) | PCI_BASE_ADDRESS_MEM_PREFETCH);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_2, 4, 0xffffffff), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_2, 4), 0xfffff000U);
	/* BARs that do not exist stay zero. */
	for (bar = PCI_BASE_ADDRESS_1; bar <= PCI_BASE_ADDRESS_5; bar += 4) {
		if (bar == PCI_BASE_ADDRESS_2)
			continue;
		KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, bar, 4, 0xffffffff), 0);
		KUNIT_EXPECT_EQ(test, rd(test, cfg, bar, 4), 0U);
	}
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_ROM_ADDRESS, 4, 0xffffffff), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_ROM_ADDRESS, 4), 0U);

	/* An address lands aligned to the size; the low bits are dropped. */
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_0, 4, 0xc4123456), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4),
			0xc4000000U | PCI_BASE_ADDRESS_MEM_PREFETCH);
}

static void cfg_capability_walk(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 pos = rd(test, cfg, PCI_CAPABILITY_LIST, 1), ids_seen = 0, n = 0;

	while (pos && n++ < 48) {
		KUNIT_ASSERT_GE(test, pos, 0x40U);
		KUNIT_ASSERT_EQ(test, pos % 4, 0U);
		ids_seen = ids_seen << 8 | rd(test, cfg, pos, 1);
		pos = rd(test, cfg, pos + 1, 1);
	}
	KUNIT_EXPECT_EQ(test, ids_seen, (u32)(PCI_CAP_ID_PM << 8 | PCI_CAP_ID_MSI));

	/* MSI: 64-bit, one vector; enable, address and data writable. */
	KUNIT_EXPECT_EQ(test, rd(test, cfg, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, 2),
			(u32)PCI_MSI_FLAGS_64BIT);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, 2, 0xffff), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, 2),
			(u32)(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE));
	pos = VGPU_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO;
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, pos, 4, 0xfee00123), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, pos, 4), 0xfee00120U);
	pos = VGPU_CFG_CAP_MSI + PCI_MSI_DATA_64;
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, pos, 2, 0x4041), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, pos, 2), 0x4041U);

	/* PM: only the power state field is writable. */
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, VGPU_CFG_CAP_PM + PCI_PM_CTRL, 2, 0xffff), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, VGPU_CFG_CAP_PM + PCI_PM_CTRL, 2), 3U);
}

static void cfg_unaligned_and_out_of_range(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	struct vgpu_cfg *before = new_cfg(test);
	u32 v = 0x5a5a5a5a;

	/* Any offset works, as long as the access fits. */
	KUNIT_EXPECT_EQ(test, rd(test, cfg, 1, 4), 0x00111112U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, 3, 2), 0x0011U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, 255, 1), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, 252, 4), 0U);

	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 253, 4, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 256, 1, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 0xffffffff, 4, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 0, 3, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 0, 8, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_read(cfg, 0, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 0x5a5a5a5aU);

	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, 254, 4, 0xffffffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, 0xfffffffe, 4, 0xffffffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, 4, 3, 0xffffffff), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, cfg->regs, before->regs, VGPU_CFG_SIZE);

	/* An unaligned write across the command register and status. */
	KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, 5, 2, 0x0004), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_COMMAND, 2), 0x0400U);
}

/*
 * A wide read decodes the whole access at once; it must give what its
 * bytes read one at a time give, at every offset it is allowed at.
 */
static void cfg_wide_reads_match_their_bytes(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 off, len, i, want;

	/* Make the command and MSI address bytes distinct from zero. */
	vgpu_cfg_write(cfg, PCI_COMMAND, 2, 0x0546);
	vgpu_cfg_write(cfg, VGPU_CFG_CAP_MSI + 4, 4, 0xfee01234);
	for (len = 2; len <= 4; len += 2) {
		for (off = 0; off + len <= VGPU_CFG_SIZE; off++) {
			want = 0;
			for (i = 0; i < len; i++)
				want |= rd(test, cfg, off + i, 1) << (8 * i);
			KUNIT_EXPECT_EQ_MSG(test, rd(test, cfg, off, len), want,
					    "offset %#x, %u bytes", off, len);
		}
	}
}

static void cfg_reset_restores_power_on(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	struct vgpu_cfg *fresh = new_cfg(test);

	vgpu_cfg_write(cfg, PCI_COMMAND, 2, 0xffff);
	vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_0, 4, 0xc0000000);
	vgpu_cfg_write(cfg, PCI_INTERRUPT_LINE, 1, 11);
	vgpu_cfg_write(cfg, VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, 2, 1);
	vgpu_cfg_reset(cfg);
	KUNIT_EXPECT_MEMEQ(test, cfg->regs, fresh->regs, VGPU_CFG_SIZE);
}

static void cfg_init_rejects_bad_bars(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);

	KUNIT_EXPECT_EQ(test, vgpu_cfg_init(cfg, &ids, 0, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_init(cfg, &ids, 3 << 20, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_init(cfg, &ids, SZ_64M_, 2048), -EINVAL);
}

static void cfg_intx_disable_and_status(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);

	KUNIT_EXPECT_FALSE(test, vgpu_cfg_intx_disabled(cfg));
	vgpu_cfg_write(cfg, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	KUNIT_EXPECT_TRUE(test, vgpu_cfg_intx_disabled(cfg));

	/* Status follows the device, and the guest cannot change it. */
	vgpu_cfg_set_intx_status(cfg, true);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
			(u32)PCI_STATUS_INTERRUPT);
	vgpu_cfg_write(cfg, PCI_STATUS, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2),
			(u32)(PCI_STATUS_INTERRUPT | PCI_STATUS_CAP_LIST));
	vgpu_cfg_set_intx_status(cfg, false);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), (u32)PCI_STATUS_CAP_LIST);
	vgpu_cfg_write(cfg, PCI_STATUS, 2, 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), (u32)PCI_STATUS_CAP_LIST);

	vgpu_cfg_reset(cfg);
	KUNIT_EXPECT_FALSE(test, vgpu_cfg_intx_disabled(cfg));
}

/* BAR access needs Memory Space in the command register and D0. */
static void cfg_memory_decode(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 pmcsr = VGPU_CFG_CAP_PM + PCI_PM_CTRL;

	KUNIT_EXPECT_FALSE(test, vgpu_cfg_mem_enabled(cfg));
	vgpu_cfg_write(cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_TRUE(test, vgpu_cfg_mem_enabled(cfg));
	vgpu_cfg_write(cfg, pmcsr, 2, VGPU_CFG_D3HOT);
	KUNIT_EXPECT_EQ(test, vgpu_cfg_power_state(cfg), VGPU_CFG_D3HOT);
	KUNIT_EXPECT_FALSE(test, vgpu_cfg_mem_enabled(cfg));
	vgpu_cfg_write(cfg, pmcsr, 2, VGPU_CFG_D0);
	KUNIT_EXPECT_TRUE(test, vgpu_cfg_mem_enabled(cfg));
	vgpu_cfg_write(cfg, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	KUNIT_EXPECT_FALSE(test, vgpu_cfg_mem_enabled(cfg));
	vgpu_cfg_reset(cfg);
	KUNIT_EXPECT_FALSE(test, vgpu_cfg_mem_enabled(cfg));
}

/* PMC offers no D1 or D2: writing them leaves the state as it was. */
static void cfg_unsupported_power_states_ignored(struct kunit *test)
{
	struct vgpu_cfg *cfg = new_cfg(test);
	u32 pmcsr = VGPU_CFG_CAP_PM + PCI_PM_CTRL;
	u32 from, to;

	KUNIT_EXPECT_EQ(test, rd(test, cfg, VGPU_CFG_CAP_PM + PCI_PM_PMC, 2) &
			(PCI_PM_CAP_D1 | PCI_PM_CAP_D2), 0U);
	for (from = VGPU_CFG_D0; from <= VGPU_CFG_D3HOT; from += 3) {
		for (to = 1; to <= 2; to++) {
			vgpu_cfg_write(cfg, pmcsr, 2, from);
			KUNIT_EXPECT_EQ(test, vgpu_cfg_write(cfg, pmcsr, 1, to), 0);
			KUNIT_EXPECT_EQ(test, vgpu_cfg_power_state(cfg), (u8)from);
			KUNIT_EXPECT_EQ(test, rd(test, cfg, pmcsr, 2), from);
		}
	}
}

/* A source's config space after a guest wrote everything it may write. */
static void guest_writes(struct vgpu_cfg *cfg)
{
	u32 msi = VGPU_CFG_CAP_MSI;

	vgpu_cfg_write(cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		       PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_0, 4, 0xc0000000);
	vgpu_cfg_write(cfg, PCI_BASE_ADDRESS_2, 4, 0xfebf1000);
	vgpu_cfg_write(cfg, PCI_CACHE_LINE_SIZE, 1, 0x10);
	vgpu_cfg_write(cfg, PCI_LATENCY_TIMER, 1, 0x40);
	vgpu_cfg_write(cfg, PCI_INTERRUPT_LINE, 1, 11);
	vgpu_cfg_write(cfg, msi + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	vgpu_cfg_write(cfg, msi + PCI_MSI_ADDRESS_LO, 4, 0xfee01004);
	vgpu_cfg_write(cfg, msi + PCI_MSI_ADDRESS_HI, 4, 1);
	vgpu_cfg_write(cfg, msi + PCI_MSI_DATA_64, 2, 0x4021);
	vgpu_cfg_write(cfg, VGPU_CFG_CAP_PM + PCI_PM_CTRL, 2, VGPU_CFG_D3HOT);
	vgpu_cfg_set_intx_status(cfg, true);
}

/*
 * A saved image that differs from the destination's only where a guest
 * writes is accepted and loaded as it is; the Interrupt Status bit is
 * left for the registers to set.
 */
static void cfg_saved_writable_bits_load(struct kunit *test)
{
	struct vgpu_cfg *src = new_cfg(test), *dst = new_cfg(test);
	struct vgpu_cfg *fresh = new_cfg(test);
	u8 saved[VGPU_CFG_SIZE];
	u32 bad = 0xdead, at;

	guest_writes(src);
	memcpy(saved, src->regs, sizeof(saved));
	KUNIT_EXPECT_EQ(test, vgpu_cfg_check_saved(dst, saved, &bad), 0);
	KUNIT_EXPECT_EQ(test, bad, 0xdeadU);
	vgpu_cfg_load_saved(dst, saved);
	saved[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	KUNIT_EXPECT_MEMEQ(test, dst->regs, saved, VGPU_CFG_SIZE);
	KUNIT_EXPECT_TRUE(test, vgpu_cfg_intx_disabled(dst));
	KUNIT_EXPECT_EQ(test, vgpu_cfg_power_state(dst), (u8)VGPU_CFG_D3HOT);
	KUNIT_EXPECT_EQ(test, rd(test, dst, PCI_BASE_ADDRESS_0, 4),
			0xc0000000U | PCI_BASE_ADDRESS_MEM_PREFETCH);
	/* The masks and the power-on image stay the destination's own. */
	KUNIT_EXPECT_MEMEQ(test, dst->wmask, fresh->wmask, VGPU_CFG_SIZE);
	KUNIT_EXPECT_MEMEQ(test, dst->w1cmask, fresh->w1cmask, VGPU_CFG_SIZE);
	KUNIT_EXPECT_MEMEQ(test, dst->reset, fresh->reset, VGPU_CFG_SIZE);
	vgpu_cfg_reset(dst);
	KUNIT_EXPECT_MEMEQ(test, dst->regs, fresh->regs, VGPU_CFG_SIZE);

	/* Every writable bit flipped from power-on, at once. */
	for (at = 0; at < VGPU_CFG_SIZE; at++)
		saved[at] = fresh->reset[at] ^ fresh->wmask[at];
	KUNIT_EXPECT_EQ(test, vgpu_cfg_check_saved(dst, saved, &bad), 0);
	vgpu_cfg_load_saved(dst, saved);
	KUNIT_EXPECT_MEMEQ(test, dst->regs, saved, VGPU_CFG_SIZE);
}

struct cfg_ro_case {
	const char *name;
	u32 at;
	u8 flip;
};

static const struct cfg_ro_case cfg_ro_cases[] = {
	{ "vendor id", PCI_VENDOR_ID, 0x01 },
	{ "device id", PCI_DEVICE_ID + 1, 0x80 },
	{ "I/O space enable", PCI_COMMAND, PCI_COMMAND_IO },
	{ "capability list bit", PCI_STATUS, PCI_STATUS_CAP_LIST },
	{ "revision", PCI_REVISION_ID, 0x01 },
	{ "class", PCI_CLASS_DEVICE + 1, 0x01 },
	{ "header type", PCI_HEADER_TYPE, 0x80 },
	{ "BAR0 prefetchable bit", PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_PREFETCH },
	{ "BAR0 64-bit type", PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_TYPE_64 },
	{ "BAR0 bit below its size", PCI_BASE_ADDRESS_0 + 2, 0x01 },
	{ "BAR1", PCI_BASE_ADDRESS_1 + 3, 0x80 },
	{ "BAR2 I/O space bit", PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_SPACE_IO },
	{ "subsystem id", PCI_SUBSYSTEM_ID, 0x01 },
	{ "expansion ROM", PCI_ROM_ADDRESS + 3, 0xff },
	{ "capability pointer", PCI_CAPABILITY_LIST, 0x04 },
	{ "interrupt pin", PCI_INTERRUPT_PIN, 0x03 },
	{ "PM next pointer", VGPU_CFG_CAP_PM + PCI_CAP_LIST_NEXT, 0x08 },
	{ "PM power state D1", VGPU_CFG_CAP_PM + PCI_PM_CTRL, 0x01 },
	{ "PM power state D2", VGPU_CFG_CAP_PM + PCI_PM_CTRL, 0x02 },
	{ "MSI 64-bit flag", VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT },
	{ "MSI multiple message enable", VGPU_CFG_CAP_MSI + PCI_MSI_FLAGS, 0x10 },
	{ "MSI address bit 0", VGPU_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 0x01 },
	{ "last byte", VGPU_CFG_SIZE - 1, 0x01 },
};

static void cfg_ro_desc(const struct cfg_ro_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cfg_ro, cfg_ro_cases, cfg_ro_desc);

/*
 * A saved image that differs in a bit the guest cannot set is refused
 * with the byte's offset, among other changes a guest could make, and
 * the checked function is left as it was.
 */
static void cfg_saved_read_only_refused(struct kunit *test)
{
	const struct cfg_ro_case *c = test->param_value;
	struct vgpu_cfg *src = new_cfg(test), *dst = new_cfg(test);
	struct vgpu_cfg *before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	u32 bad = 0xdead;
	u8 saved[VGPU_CFG_SIZE];

	KUNIT_ASSERT_NOT_NULL(test, before);
	guest_writes(src);
	/* The power state is the one the case changes: start from D0. */
	vgpu_cfg_write(src, VGPU_CFG_CAP_PM + PCI_PM_CTRL, 2, VGPU_CFG_D0);
	memcpy(saved, src->regs, sizeof(saved));
	saved[c->at] ^= c->flip;
	*before = *dst;
	KUNIT_EXPECT_EQ(test, vgpu_cfg_check_saved(dst, saved, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad, c->at);
	KUNIT_EXPECT_MEMEQ(test, dst, before, sizeof(*dst));
}

static struct kunit_case vgpu_cfg_cases[] = {
	KUNIT_CASE(cfg_identity),
	KUNIT_CASE(cfg_identity_is_read_only),
	KUNIT_CASE(cfg_status_is_write_one_to_clear),
	KUNIT_CASE(cfg_bar_sizing),
	KUNIT_CASE(cfg_capability_walk),
	KUNIT_CASE(cfg_unaligned_and_out_of_range),
	KUNIT_CASE(cfg_wide_reads_match_their_bytes),
	KUNIT_CASE(cfg_reset_restores_power_on),
	KUNIT_CASE(cfg_init_rejects_bad_bars),
	KUNIT_CASE(cfg_intx_disable_and_status),
	KUNIT_CASE(cfg_memory_decode),
	KUNIT_CASE(cfg_unsupported_power_states_ignored),
	KUNIT_CASE(cfg_saved_writable_bits_load),
	KUNIT_CASE_PARAM(cfg_saved_read_only_refused, cfg_ro_gen_params),
	{}
};

static struct kunit_suite vgpu_cfg_suite = {
	.name = "vslice_vgpu_cfg",
	.test_cases = vgpu_cfg_cases,
};

kunit_test_suite(vgpu_cfg_suite);
