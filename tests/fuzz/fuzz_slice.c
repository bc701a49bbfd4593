// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the VRAM slice allocator, compiled from
 * kernel/vendor_gpu/slice_alloc.c, driven by a byte string of alloc and
 * free operations and checked against a shadow model after every step:
 * slices are aligned and disjoint, free counts equal the free aligned
 * blocks of the model, failed calls change nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "slice_alloc.h"

#define MAX_LIVE 512

static unsigned char shadow[VS_POOL_MAX_UNITS];

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

	for (i = 2; i < size; i++) {
		u8 op = data[i];
		u32 units = 1U << (op & 15);
		u32 first;

		before = pool;
		if (op & 0x80 && nr_live) {
			k = (op & 0x70) % nr_live;
			if (vs_pool_free(&pool, live[k].first, live[k].units))
				abort();
			memset(shadow + live[k].first, 0, live[k].units);
			live[k] = live[--nr_live];
		} else if (op & 0x40) {
			/* A free of something that is not a live slice. */
			first = (op & 0x3f) * 7;
			if (first < nr_units && !shadow[first] &&
			    !vs_pool_free(&pool, first, 1))
				abort();
			if (memcmp(&before, &pool, sizeof(pool)) && shadow[first] == 0)
				abort();
		} else if (nr_live < MAX_LIVE) {
			int ret = vs_pool_alloc(&pool, units, &first);
			u32 j;

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
	}
	return 0;
}
