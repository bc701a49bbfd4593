// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the VRAM slice allocator.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "slice_alloc.h"

static struct vs_pool *new_pool(struct kunit *test, u32 units)
{
	struct vs_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_EQ(test, vs_pool_init(pool, units), 0);
	return pool;
}

static void slice_init_bounds(struct kunit *test)
{
	struct vs_pool pool;

	KUNIT_EXPECT_EQ(test, vs_pool_init(&pool, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_init(&pool, VS_POOL_MAX_UNITS + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_init(&pool, VS_POOL_MAX_UNITS), 0);
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(&pool, 1), (u32)VS_POOL_MAX_UNITS);
	KUNIT_EXPECT_EQ(test, vs_pool_used(&pool), 0U);
}

static void slice_alloc_rejects_bad_sizes(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	u32 first = 12345;

	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 0, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 3, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 48, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 512, &first), -EINVAL);
	KUNIT_EXPECT_EQ(test, first, 12345U);
	KUNIT_EXPECT_EQ(test, vs_pool_used(pool), 0U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 3), 0U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 512), 0U);
}

static void slice_alloc_natural_alignment(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	u32 sizes[] = { 16, 64, 32, 16, 128 };
	u32 first, i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, sizes[i], &first), 0);
		KUNIT_EXPECT_EQ_MSG(test, first % sizes[i], 0U, "size %u", sizes[i]);
	}
	KUNIT_EXPECT_EQ(test, vs_pool_used(pool), 256U);
}

static void slice_best_fit_keeps_large_blocks(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	u32 a, b, c, d;

	/* The lab's mixed sequence: s64, s16, s32, s128 on 256 units. */
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 64, &a), 0);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &b), 0);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 32, &c), 0);
	KUNIT_EXPECT_EQ(test, a, 0U);
	KUNIT_EXPECT_EQ(test, b, 64U);
	KUNIT_EXPECT_EQ(test, c, 96U);
	/* The upper half stayed whole. */
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 128), 1U);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 128, &d), 0);
	KUNIT_EXPECT_EQ(test, d, 128U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 16), 1U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 32), 0U);
}

static void slice_full_pool_is_enospc_and_unchanged(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 128);
	struct vs_pool before;
	u32 first, i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &first), 0);
	before = *pool;
	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 16, &first), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc(pool, 1, &first), -ENOSPC);
	KUNIT_EXPECT_MEMEQ(test, &before, pool, sizeof(before));
	KUNIT_EXPECT_EQ(test, vs_pool_count_free(pool, 1), 0U);
}

static void slice_free_validates(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 64);
	struct vs_pool before;
	u32 first;

	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &first), 0);
	before = *pool;
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, first + 1, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, first, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, first, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, 48, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, 64, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, 0xfffffff0, 16), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, &before, pool, sizeof(before));
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, first, 16), 0);
	KUNIT_EXPECT_EQ(test, vs_pool_free(pool, first, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vs_pool_used(pool), 0U);
}

/* Independent count: how many allocations of @units succeed on a copy. */
static u32 count_by_allocating(const struct vs_pool *pool,
			       struct vs_pool *scratch, u32 units)
{
	u32 first, n = 0;

	*scratch = *pool;
	while (!vs_pool_alloc(scratch, units, &first))
		n++;
	return n;
}

static void slice_count_is_exact_under_churn(struct kunit *test)
{
	static const u32 sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
	struct vs_pool *pool = new_pool(test, 256);
	struct vs_pool *scratch = new_pool(test, 256);
	struct live_slice { u32 first, units; } *live;
	struct rnd_state rnd;
	u32 nr_live = 0, step, i;

	live = kunit_kcalloc(test, 256, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);

	prandom_seed_state(&rnd, 42);
	for (step = 0; step < 400; step++) {
		u32 r = prandom_u32_state(&rnd);

		if (nr_live && (r & 1)) {
			u32 k = (r >> 1) % nr_live;

			KUNIT_ASSERT_EQ(test, vs_pool_free(pool, live[k].first, live[k].units), 0);
			live[k] = live[--nr_live];
		} else {
			u32 units = sizes[(r >> 1) % 6];
			u32 first;

			if (!vs_pool_alloc(pool, units, &first)) {
				KUNIT_ASSERT_EQ(test, first % units, 0U);
				live[nr_live].first = first;
				live[nr_live++].units = units;
			}
		}
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			KUNIT_ASSERT_EQ_MSG(test, vs_pool_count_free(pool, sizes[i]),
					    count_by_allocating(pool, scratch, sizes[i]),
					    "step %u size %u", step, sizes[i]);
	}
}

static unsigned long *new_dirty(struct kunit *test)
{
	unsigned long *dirty = kunit_kzalloc(test, BITS_TO_LONGS(VS_POOL_MAX_UNITS) *
					     sizeof(unsigned long), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dirty);
	return dirty;
}

static void slice_clean_block_preferred(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	unsigned long *dirty = new_dirty(test);
	u32 first;

	/* A freed, written slice at 0: the next one of its size goes elsewhere. */
	bitmap_set(dirty, 0, 64);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 64, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 64U);
	/* One dirty unit makes the whole block dirty. */
	bitmap_zero(dirty, VS_POOL_MAX_UNITS);
	__set_bit(191, dirty);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 64, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 0U);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 64, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 192U);
	/* Smaller sizes still find the clean units of the dirty block. */
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 1, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 128U);
}

static void slice_clean_keeps_best_fit(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	unsigned long *dirty = new_dirty(test);
	u32 first;

	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &first), 0);
	KUNIT_ASSERT_EQ(test, first, 0U);
	/*
	 * Free 16-unit blocks: 16 (its region is 16 units, but dirty), 32
	 * and 48 (region 32), 64 to 112 (64), 128 to 240 (128).
	 */
	bitmap_set(dirty, 16, 16);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 32U);
	/* 48 is now the smallest clean region; 16 still dirty. */
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 48U);
	/* Then the 64-unit region before the 128-unit one. */
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 64U);
	/* Clean, the same pool takes 16 first: best fit. */
	bitmap_zero(dirty, VS_POOL_MAX_UNITS);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 16U);
}

static void slice_dirty_fallback(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	struct vs_pool *copy = new_pool(test, 256);
	unsigned long *dirty = new_dirty(test);
	u32 first, want;

	/* Nothing clean fits: best fit over the dirty blocks, as without dirt. */
	bitmap_fill(dirty, VS_POOL_MAX_UNITS);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &first), 0);
	*copy = *pool;
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(copy, 32, &want), 0);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 32, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, want);
	KUNIT_EXPECT_EQ(test, first, 32U);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 16U);
	/* A clean block that is too small does not count. */
	bitmap_clear(dirty, 64, 16);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 64, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 64U);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 128, dirty, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 128U);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc_clean(pool, 16, dirty, &first), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vs_pool_alloc_clean(pool, 3, dirty, &first), -EINVAL);
	/* NULL: every unit clean. */
	KUNIT_ASSERT_EQ(test, vs_pool_free(pool, 64, 64), 0);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc_clean(pool, 32, NULL, &first), 0);
	KUNIT_EXPECT_EQ(test, first, 64U);
}

/* The reference: the smallest free aligned region holding [pos, +units). */
static u32 ref_region(const struct vs_pool *pool, u32 pos, u32 units)
{
	u32 size = units, s, i;

	for (s = units * 2; s <= pool->nr_units; s *= 2) {
		u32 start = pos / s * s;
		bool free = start + s <= pool->nr_units;

		for (i = start; free && i < start + s; i++)
			free = !vs_pool_unit_used(pool, i);
		if (!free)
			break;
		size = s;
	}
	return size;
}

static void slice_clean_matches_model(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 256);
	struct vs_pool *before = new_pool(test, 256);
	unsigned long *dirty = new_dirty(test);
	struct rnd_state rnd;
	u32 step, i;

	prandom_seed_state(&rnd, 7);
	for (step = 0; step < 300; step++) {
		u32 r = prandom_u32_state(&rnd);
		u32 units = 1U << (r % 7), pos, first;
		u32 want = U32_MAX, want_region = 0;
		bool want_clean = false;
		int ret;

		/* Random dirt, and now and then a fresh pool. */
		if (r % 23 == 0)
			KUNIT_ASSERT_EQ(test, vs_pool_init(pool, 256), 0);
		for (i = 0; i < 8; i++)
			__change_bit(prandom_u32_state(&rnd) % 256, dirty);
		for (pos = 0; pos + units <= 256; pos += units) {
			u32 region;
			bool clean = true, free = true;

			for (i = pos; i < pos + units; i++) {
				free &= !vs_pool_unit_used(pool, i);
				clean &= !test_bit(i, dirty);
			}
			if (!free)
				continue;
			region = ref_region(pool, pos, units);
			if (want == U32_MAX || (clean && !want_clean) ||
			    (clean == want_clean && region < want_region)) {
				want = pos;
				want_region = region;
				want_clean = clean;
			}
		}
		*before = *pool;
		ret = vs_pool_alloc_clean(pool, units, dirty, &first);
		if (want == U32_MAX) {
			KUNIT_ASSERT_EQ(test, ret, -ENOSPC);
			KUNIT_ASSERT_MEMEQ(test, before, pool, sizeof(*pool));
			continue;
		}
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "step %u", step);
		KUNIT_ASSERT_EQ_MSG(test, first, want, "step %u units %u clean %d", step,
				    units, want_clean);
	}
}

static void slice_dirty_free_units(struct kunit *test)
{
	struct vs_pool *pool = new_pool(test, 64);
	unsigned long *dirty = new_dirty(test);
	u32 first;

	KUNIT_EXPECT_EQ(test, vs_pool_next_dirty_free(pool, dirty), 64U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_dirty_free(pool, dirty), 0U);
	KUNIT_ASSERT_EQ(test, vs_pool_alloc(pool, 16, &first), 0);
	__set_bit(3, dirty);
	__set_bit(20, dirty);
	__set_bit(40, dirty);
	/* Bits past the pool are not units. */
	__set_bit(64, dirty);
	/* Unit 3 is given to a slice: not the scrubber's. */
	KUNIT_EXPECT_EQ(test, vs_pool_next_dirty_free(pool, dirty), 20U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_dirty_free(pool, dirty), 2U);
	KUNIT_EXPECT_TRUE(test, vs_pool_unit_used(pool, 3));
	KUNIT_EXPECT_FALSE(test, vs_pool_unit_used(pool, 20));
	KUNIT_EXPECT_TRUE(test, vs_pool_unit_used(pool, 64));
	KUNIT_ASSERT_EQ(test, vs_pool_free(pool, 0, 16), 0);
	KUNIT_EXPECT_EQ(test, vs_pool_next_dirty_free(pool, dirty), 3U);
	KUNIT_EXPECT_EQ(test, vs_pool_count_dirty_free(pool, dirty), 3U);
}

static struct kunit_case slice_alloc_cases[] = {
	KUNIT_CASE(slice_init_bounds),
	KUNIT_CASE(slice_alloc_rejects_bad_sizes),
	KUNIT_CASE(slice_alloc_natural_alignment),
	KUNIT_CASE(slice_best_fit_keeps_large_blocks),
	KUNIT_CASE(slice_full_pool_is_enospc_and_unchanged),
	KUNIT_CASE(slice_free_validates),
	KUNIT_CASE(slice_count_is_exact_under_churn),
	KUNIT_CASE(slice_clean_block_preferred),
	KUNIT_CASE(slice_clean_keeps_best_fit),
	KUNIT_CASE(slice_dirty_fallback),
	KUNIT_CASE(slice_clean_matches_model),
	KUNIT_CASE(slice_dirty_free_units),
	{}
};

static struct kunit_suite slice_alloc_suite = {
	.name = "vslice_slice_alloc",
	.test_cases = slice_alloc_cases,
};

kunit_test_suite(slice_alloc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vslice VRAM slice allocator");
/* MODULE_IMPORT_NS() spelled so that it means the same before and after 6.13. */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
