// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the VRAM slice allocator, compiled from
 * kernel/vendor_gpu/slice_alloc.c, driven by a byte string of alloc and
 * free operations and checked against a shadow model after every step:
 * slices are aligned and disjoint, free counts equal the free aligned
 * blocks of the model, failed calls change nothing.  Units also turn
 * dirty when a slice is freed (its user wrote to it) and clean when the
 * scrubber takes the lowest dirty free one, as vgpu_place.c does: a
 * clean allocation takes a clean block whenever the model has one, and
 * the dirty-free queries agree with the model.
 */
#include <stdlib.h>
#include <string.h>

#include "slice_alloc.h"

#define MAX_LIVE 512

static unsigned char shadow[VS_POOL_MAX_UNITS];
static unsigned char shadow_dirty[VS_POOL_MAX_UNITS];
static unsigned long dirty[VS_POOL_MAX_UNITS / VS_BITS_PER_LONG];

static void set_dirty(u32 unit, bool on)
{
	unsigned long bit = 1UL << (unit % VS_BITS_PER_LONG);

	if (on)
		dirty[unit / VS_BITS_PER_LONG] |= bit;
	else
		dirty[unit / VS_BITS_PER_LONG] &= ~bit;
	shadow_dirty[unit] = on;
}

/* A free aligned block of @units with no dirty unit, in the model. */
static bool model_has_clean(u32 nr_units, u32 units)
{
	u32 pos, i;

	for (pos = 0; pos + units <= nr_units; pos += units) {
		for (i = 0; i < units && !shadow[pos + i] && !shadow_dirty[pos + i]; i++)
			;
		if (i == units)
			return true;
	}
	return false;
}

/* The lowest free dirty unit of the model, or @nr_units. */
static u32 model_next_dirty_free(u32 nr_units)
{
	u32 i;

	for (i = 0; i < nr_units && (shadow[i] || !shadow_dirty[i]); i++)
		;
	return i;
}

static u32 model_count(u32 nr_units, u32 units)
{
	u32 pos, i, n = 0;

	for (pos = 0; pos + units <= nr_units; pos += units) {
		for (i = 0; i < units && !shadow[pos + i]; i++)
			;
		n += i == units;
	}
	return n;
}

static u32 model_used(u32 nr_units)
{
	u32 i, n = 0;

	for (i = 0; i < nr_units; i++)
		n += shadow[i];
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vs_pool pool, before;
	struct { u32 first, units; } live[MAX_LIVE];
	u32 nr_live = 0, nr_units, k;
	size_t i;

	if (size < 2)
		return 0;
	/* Pools of 1..512 units keep each run fast; sizes need not be pow2. */
	nr_units = 1 + ((data[0] | data[1] << 8) % 512);
	if (vs_pool_init(&pool, nr_units))
		abort();
	memset(shadow, 0, sizeof(shadow));
	memset(shadow_dirty, 0, sizeof(shadow_dirty));
	memset(dirty, 0, sizeof(dirty));

	for (i = 2; i < size; i++) {
		u8 op = data[i];
		u32 units = 1U << (op & 15);
		u32 first, j;

		before = pool;
		if (op & 0x80 && nr_live) {
			k = (op & 0x70) % nr_live;
			if (vs_pool_free(&pool, live[k].first, live[k].units))
				abort();
			memset(shadow + live[k].first, 0, live[k].units);
			/* Its user wrote to it, or never did. */
			for (j = 0; op & 0x08 && j < live[k].units; j++)
				set_dirty(live[k].first + j, true);
			live[k] = live[--nr_live];
		} else if ((op & 0x60) == 0x60) {
			/* The scrubber clears the lowest free dirty unit. */
			first = vs_pool_next_dirty_free(&pool, dirty);
			if (first != model_next_dirty_free(nr_units))
				abort();
			if (first < nr_units)
				set_dirty(first, false);
		} else if (op & 0x40) {
			/* A free of something that is not a live slice. */
			first = (op & 0x1f) * 7;
			if (first < nr_units && !shadow[first] &&
			    !vs_pool_free(&pool, first, 1))
				abort();
			if (memcmp(&before, &pool, sizeof(pool)) && shadow[first] == 0)
				abort();
		} else if (nr_live < MAX_LIVE) {
			/* Plain (every unit clean) or preferring clean blocks. */
			bool clean = op & 0x20;
			bool had_clean = clean && model_has_clean(nr_units, units);
			int ret = clean ? vs_pool_alloc_clean(&pool, units, dirty, &first) :
					  vs_pool_alloc(&pool, units, &first);

			if (ret) {
				if (ret == -ENOSPC && model_count(nr_units, units))
					abort();
				if (ret == -EINVAL && units <= nr_units)
					abort();
				if (memcmp(&before, &pool, sizeof(pool)))
					abort();
				continue;
			}
			if (first % units || first + units > nr_units)
				abort();
			for (j = 0; j < units; j++) {
				if (shadow[first + j])
					abort();
				if (had_clean && shadow_dirty[first + j])
					abort();
				shadow[first + j] = 1;
			}
			live[nr_live].first = first;
			live[nr_live++].units = units;
		}
		for (k = 1; k <= nr_units; k <<= 1)
			if (vs_pool_count_free(&pool, k) != model_count(nr_units, k))
				abort();
		if (vs_pool_used(&pool) != model_used(nr_units))
			abort();
		for (j = 0, k = 0; j < nr_units; j++)
			k += !shadow[j] && shadow_dirty[j];
		if (vs_pool_count_dirty_free(&pool, dirty) != k)
			abort();
	}
	return 0;
}
