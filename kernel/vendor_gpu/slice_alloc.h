/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VRAM slice allocator: naturally aligned power-of-two blocks of
 * fixed-size units.  Pure logic, no locking: the caller serialises.
 * Compiles in the kernel and in userspace (KUnit and fuzzers share it).
 */
#ifndef VSLICE_SLICE_ALLOC_H
#define VSLICE_SLICE_ALLOC_H

#include <vslice/pure_env.h>

/* 4096 units: 4 GiB of VRAM in 1 MiB units. */
#define VS_POOL_MAX_UNITS 4096

/*
 * Bits per word of a dirty-unit bitmap (a kernel bitmap; pure_env.h has
 * no BITS_PER_LONG in userspace).
 */
#define VS_BITS_PER_LONG (8 * sizeof(unsigned long))

/**
 * struct vs_pool - which units of a VRAM aperture are in use
 * @nr_units: size of the aperture in units
 * @map: one bit per unit, set when in use
 */
struct vs_pool {
	u32 nr_units;
	u64 map[VS_POOL_MAX_UNITS / 64];
};

int vs_pool_init(struct vs_pool *pool, u32 nr_units);
int vs_pool_alloc(struct vs_pool *pool, u32 units, u32 *first);
int vs_pool_alloc_clean(struct vs_pool *pool, u32 units,
			const unsigned long *dirty, u32 *first);
u32 vs_pool_next_dirty_free(const struct vs_pool *pool,
			    const unsigned long *dirty);
u32 vs_pool_count_dirty_free(const struct vs_pool *pool,
			     const unsigned long *dirty);
int vs_pool_free(struct vs_pool *pool, u32 first, u32 units);
u32 vs_pool_count_free(const struct vs_pool *pool, u32 units);
u32 vs_pool_used(const struct vs_pool *pool);
bool vs_pool_unit_used(const struct vs_pool *pool, u32 unit);

#endif /* VSLICE_SLICE_ALLOC_H */
