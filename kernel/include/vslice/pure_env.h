/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The environment of vslice's pure-logic files (UUID parsing, slice
 * allocation, type tables, attribute values): the kernel's headers in a
 * kernel build, and in userspace builds (fuzzers, tools) a header that
 * the userspace build provides with the same few types, macros and
 * functions (string.h's, vsnprintf, crc32_le() on zlib, uuid_parse()).
 * Pure files include this and nothing else, so that the same source
 * compiles in both.
 */
#ifndef VSLICE_PURE_ENV_H
#define VSLICE_PURE_ENV_H

#ifdef __KERNEL__
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <kunit/visibility.h>
#else
#include <vslice_user_env.h>
#endif

#endif /* VSLICE_PURE_ENV_H */
