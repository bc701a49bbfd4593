/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Accesses to an emulated register space (config space, BAR2): 1, 2 or 4
 * bytes, at any offset, entirely inside the space; a longer read or write
 * of the device fd is split as a CPU would split it.
 */
#ifndef VSLICE_VGPU_ACCESS_H
#define VSLICE_VGPU_ACCESS_H

#include <vslice/pure_env.h>

static inline bool vgpu_access_valid(u32 offset, u32 len, u32 size)
{
	return (len == 1 || len == 2 || len == 4) && offset < size &&
	       len <= size - offset;
}

/* The largest naturally aligned access at @pos, at most @count bytes. */
static inline u32 vgpu_access_chunk(u64 pos, u64 count)
{
	if (count >= 4 && !(pos % 4))
		return 4;
	if (count >= 2 && !(pos % 2))
		return 2;
	return 1;
}

#endif /* VSLICE_VGPU_ACCESS_H */
