// SPDX-License-Identifier: GPL-2.0-only
/*
 * The built-in vGPU type table, used until a firmware image provides one.
 */
#include "vgpu.h"

const struct vgpu_type vgpu_builtin_types[] = {
	{ "s16",  "vslice S16",  16,  1280, 1024, 1 },
	{ "s32",  "vslice S32",  32,  1920, 1200, 1 },
	{ "s64",  "vslice S64",  64,  2560, 1600, 2 },
	{ "s128", "vslice S128", 128, 3840, 2160, 4 },
	{ "s256", "vslice S256", 256, 7680, 4320, 4 },
};

const unsigned int vgpu_nr_builtin_types = ARRAY_SIZE(vgpu_builtin_types);
