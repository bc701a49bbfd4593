/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What kernel/include/vslice/pure_env.h provides, for userspace builds of
 * the pure-logic files.
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

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The kernel's printf-format checking attribute (compiler_attributes.h). */
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#endif /* VSLICE_USER_ENV_H */
