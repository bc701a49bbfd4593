/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one rule for accesses to an emulated register space (config space,
 * BAR2): 1, 2 or 4 bytes, at any offset, entirely inside the space.
 */
#ifndef VSLICE_VGPU_ACCESS_H
#define VSLICE_VGPU_ACCESS_H

#include <vslice/pure_env.h>

static inline bool vgpu_access_valid(u32 offset, u32 len, u32 size)
{
	return (len == 1 || len == 2 || len == 4) && offset < size &&
	       len <= size - offset;
}

#endif /* VSLICE_VGPU_ACCESS_H */
