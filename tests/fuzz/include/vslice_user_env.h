/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What kernel/include/vslice/pure_env.h provides, for userspace builds of
 * the pure-logic files: the kernel's types, macros and helpers with the
 * kernel's semantics, on libc and zlib.
 */
#ifndef VSLICE_USER_ENV_H
#define VSLICE_USER_ENV_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/* As the kernel has it on every architecture, so that "%llu" fits it. */
typedef unsigned long long u64;

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The kernel's printf-format checking attribute (compiler_attributes.h). */
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

/*
 * The kernel's crc32_le() (lib/crc32.c): the reflected IEEE CRC-32 from
 * @crc, with no inversion on the way in or out.  zlib's crc32_z() inverts
 * both, so invert around it.  Link with -lz.
 */
static inline u32 crc32_le(u32 crc, const u8 *p, size_t len)
{
	return ~(u32)crc32_z((uLong)(u32)~crc, p, len);
}

/*
 * The kernel's strscpy() (lib/string.c), three-argument form: copy at most
 * @size - 1 bytes of @src and a NUL; return the length copied, or -E2BIG
 * (with @dst holding what fit, NUL-terminated) when @src did not fit.
 */
static inline long strscpy(char *dst, const char *src, size_t size)
{
	const char *nul = size ? memchr(src, '\0', size) : NULL;

	if (!size)
		return -E2BIG;
	if (!nul) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, nul - src + 1);
	return nul - src;
}

/* The kernel's uuid_t, uuid_is_valid() and uuid_parse() (lib/uuid.c). */
typedef struct {
	u8 b[16];
} uuid_t;

static inline int vslice_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 36 characters in the 8-4-4-4-12 form; looks at those 36 bytes only. */
static inline bool uuid_is_valid(const char *uuid)
{
	unsigned int i;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uuid[i] != '-')
				return false;
		} else if (vslice_hex_digit(uuid[i]) < 0) {
			return false;
		}
	}
	return true;
}

static inline int uuid_parse(const char *uuid, uuid_t *u)
{
	static const u8 si[16] = {
		0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34,
	};
	unsigned int i;

	if (!uuid_is_valid(uuid))
		return -EINVAL;
	for (i = 0; i < 16; i++)
		u->b[i] = vslice_hex_digit(uuid[si[i]]) << 4 |
			  vslice_hex_digit(uuid[si[i] + 1]);
	return 0;
}

#endif /* VSLICE_USER_ENV_H */
