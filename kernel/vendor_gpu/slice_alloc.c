// SPDX-License-Identifier: GPL-2.0-only
/*
 * VRAM slice allocator.
 *
 * A slice of 2^k units always starts at a multiple of 2^k units, so the
 * blocks a size can occupy never overlap and the number of free aligned
 * blocks is exactly how many more slices of that size fit right now:
 * available_instances needs no estimate.  To keep large blocks free for
 * as long as possible, a new slice goes into the free aligned block that
 * sits in the smallest free buddy region (best fit), lowest address
 * first.
 *
 * Units can also be dirty: they may hold what a user wrote, and must be
 * cleared before a new user sees them.  Dirtiness is the caller's bitmap
 * (a kernel bitmap: bit n of word n / BITS_PER_LONG); the allocator only
 * reads it, so that a new slice goes to a block with no dirty unit when
 * one exists and its first open has nothing to wait for.
 */
#include "slice_alloc.h"

static bool unit_used(const struct vs_pool *pool, u32 unit)
{
	return pool->map[unit / 64] >> (unit % 64) & 1;
}

static void set_units(struct vs_pool *pool, u32 first, u32 n, bool used)
{
	u32 i;

	for (i = first; i < first + n; i++) {
		if (used)
			pool->map[i / 64] |= 1ULL << (i % 64);
		else
			pool->map[i / 64] &= ~(1ULL << (i % 64));
	}
}

static bool range_free(const struct vs_pool *pool, u32 first, u32 n)
{
	u32 i;

	for (i = first; i < first + n; i++)
		if (unit_used(pool, i))
			return false;
	return true;
}

static bool range_used(const struct vs_pool *pool, u32 first, u32 n)
{
	u32 i;

	for (i = first; i < first + n; i++)
		if (!unit_used(pool, i))
			return false;
	return true;
}

static bool unit_dirty(const unsigned long *dirty, u32 unit)
{
	return dirty[unit / VS_BITS_PER_LONG] >> (unit % VS_BITS_PER_LONG) & 1;
}

static bool range_clean(const unsigned long *dirty, u32 first, u32 n)
{
	u32 i;

	for (i = first; i < first + n; i++)
		if (unit_dirty(dirty, i))
			return false;
	return true;
}

static bool is_pow2(u32 n)
{
	return n && !(n & (n - 1));
}

/**
 * vs_pool_init() - set up an empty pool
 * @pool: the pool
 * @nr_units: its size in units, 1 to VS_POOL_MAX_UNITS
 *
 * Return: 0 or -EINVAL.
 */
int vs_pool_init(struct vs_pool *pool, u32 nr_units)
{
	if (!nr_units || nr_units > VS_POOL_MAX_UNITS)
		return -EINVAL;
	memset(pool, 0, sizeof(*pool));
	pool->nr_units = nr_units;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_init);

/* The size of the largest free, aligned block that contains [first, +n). */
static u32 free_region_size(const struct vs_pool *pool, u32 first, u32 n)
{
	u32 size = n;

	while (size <= pool->nr_units / 2) {
		u32 bigger = size * 2;
		u32 start = first & ~(bigger - 1);

		if (start + bigger > pool->nr_units ||
		    !range_free(pool, start, bigger))
			break;
		size = bigger;
	}
	return size;
}

/**
 * vs_pool_alloc_clean() - reserve a naturally aligned slice, clean if possible
 * @pool: the pool
 * @units: slice size in units, a power of two
 * @dirty: the dirty units, a bitmap of at least @pool->nr_units bits, or
 *	NULL when every unit counts as clean
 * @first: receives the first unit of the slice
 *
 * Among the free aligned blocks of @units, the ones with no dirty unit
 * come first; among those (or, when none is clean, among all) the block
 * in the smallest free buddy region wins, the lowest address on a tie.
 *
 * Return: 0; -EINVAL when @units is not a power of two no larger than
 * the pool; -ENOSPC when no aligned block of that size is free.  The
 * pool is unchanged on failure.
 */
int vs_pool_alloc_clean(struct vs_pool *pool, u32 units,
			const unsigned long *dirty, u32 *first)
{
	u32 pos, best = 0, best_region = 0;
	bool best_clean = false;

	if (!is_pow2(units) || units > pool->nr_units)
		return -EINVAL;

	for (pos = 0; pos + units <= pool->nr_units; pos += units) {
		u32 region;
		bool clean;

		if (!range_free(pool, pos, units))
			continue;
		clean = !dirty || range_clean(dirty, pos, units);
		if (best_region && best_clean && !clean)
			continue;
		region = free_region_size(pool, pos, units);
		if (!best_region || (clean && !best_clean) ||
		    region < best_region) {
			best = pos;
			best_region = region;
			best_clean = clean;
		}
	}
	if (!best_region)
		return -ENOSPC;

	set_units(pool, best, units, true);
	*first = best;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_alloc_clean);

/**
 * vs_pool_alloc() - reserve a naturally aligned slice
 * @pool: the pool
 * @units: slice size in units, a power of two
 * @first: receives the first unit of the slice
 *
 * vs_pool_alloc_clean() with every unit clean: best fit, lowest address
 * first.
 *
 * Return: as vs_pool_alloc_clean().
 */
int vs_pool_alloc(struct vs_pool *pool, u32 units, u32 *first)
{
	return vs_pool_alloc_clean(pool, units, NULL, first);
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_alloc);

/**
 * vs_pool_free() - release a slice
 * @pool: the pool
 * @first: first unit, as vs_pool_alloc() returned it
 * @units: its size
 *
 * Return: 0, or -EINVAL (and no change) when [@first, +@units) is not an
 * aligned, fully used block inside the pool.
 */
int vs_pool_free(struct vs_pool *pool, u32 first, u32 units)
{
	if (!is_pow2(units) || first % units || first >= pool->nr_units ||
	    units > pool->nr_units - first || !range_used(pool, first, units))
		return -EINVAL;
	set_units(pool, first, units, false);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_free);

/**
 * vs_pool_count_free() - how many slices of a size fit right now
 * @pool: the pool
 * @units: slice size in units
 *
 * Return: the number of free aligned blocks of @units, 0 for a size that
 * is not a power of two.
 */
u32 vs_pool_count_free(const struct vs_pool *pool, u32 units)
{
	u32 pos, n = 0;

	if (!is_pow2(units))
		return 0;
	for (pos = 0; units <= pool->nr_units && pos <= pool->nr_units - units;
	     pos += units)
		if (range_free(pool, pos, units))
			n++;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_count_free);

/**
 * vs_pool_used() - units in use
 * @pool: the pool
 *
 * Return: the number of used units.
 */
u32 vs_pool_used(const struct vs_pool *pool)
{
	u32 i, n = 0;

	for (i = 0; i < pool->nr_units; i++)
		n += unit_used(pool, i);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_used);

/**
 * vs_pool_next_dirty_free() - the lowest unit that is dirty and free
 * @pool: the pool
 * @dirty: the dirty units, a bitmap of at least @pool->nr_units bits
 *
 * Return: the unit, or @pool->nr_units when no free unit is dirty.
 */
u32 vs_pool_next_dirty_free(const struct vs_pool *pool,
			    const unsigned long *dirty)
{
	u32 i;

	for (i = 0; i < pool->nr_units; i++)
		if (unit_dirty(dirty, i) && !unit_used(pool, i))
			return i;
	return pool->nr_units;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_next_dirty_free);

/**
 * vs_pool_count_dirty_free() - free units that are dirty
 * @pool: the pool
 * @dirty: the dirty units, a bitmap of at least @pool->nr_units bits
 *
 * Return: the number of units that are dirty and given to no slice.
 */
u32 vs_pool_count_dirty_free(const struct vs_pool *pool,
			     const unsigned long *dirty)
{
	u32 i, n = 0;

	for (i = 0; i < pool->nr_units; i++)
		n += unit_dirty(dirty, i) && !unit_used(pool, i);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_count_dirty_free);

/**
 * vs_pool_unit_used() - whether a unit is given to a slice
 * @pool: the pool
 * @unit: a unit of the pool
 *
 * Return: true when @unit is in use (or outside the pool).
 */
bool vs_pool_unit_used(const struct vs_pool *pool, u32 unit)
{
	return unit >= pool->nr_units || unit_used(pool, unit);
}
EXPORT_SYMBOL_IF_KUNIT(vs_pool_unit_used);
