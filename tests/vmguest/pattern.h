/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The framebuffer pattern of the nested-guest test: 32-bit words that
 * depend on a 64-bit seed and on their index, so that a match in VRAM
 * can only come from the guest that drew with that seed.  Shared by the
 * guest's fb-draw and kms-flip, the lab host's vram-find and shot-check.
 */
#ifndef VSLICE_VMGUEST_PATTERN_H
#define VSLICE_VMGUEST_PATTERN_H

#include <stdint.h>

/*
 * A multiply-xorshift mix of seed and index: neighbouring words and
 * neighbouring seeds differ in about half their bits, so no run of
 * zeros, no repeated pixel and no chance match of a whole row.
 */
static inline uint32_t vmg_pattern(uint64_t seed, uint64_t i)
{
	uint64_t z = seed ^ ((i + 1) * 0x9e3779b97f4a7c15ULL);

	z ^= z >> 29;
	z *= 0xd6e8feb86659fd93ULL;
	z ^= z >> 32;
	z *= 0xd6e8feb86659fd93ULL;
	z ^= z >> 29;
	return (uint32_t)z;
}

/*
 * The colour of pixel (x, y) of a picture WIDTH pixels wide: the pattern
 * word of the pixel's index in row-major order (whatever the buffer's
 * pitch) as 0x00RRGGBB.  The top byte is dropped because a screendump
 * keeps 8 bits each of red, green and blue only, so a picture drawn
 * with these values compares exactly with one.
 */
static inline uint32_t vmg_pixel(uint64_t seed, uint32_t x, uint32_t y,
				 uint32_t width)
{
	return vmg_pattern(seed, (uint64_t)y * width + x) & 0x00ffffffu;
}

#endif /* VSLICE_VMGUEST_PATTERN_H */
