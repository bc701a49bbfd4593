/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of the UUID written to a type's "create" attribute.  Pure
 * logic with no kernel dependency beyond fixed-width types, so that KUnit
 * and a userspace fuzzer compile the same file.
 */
#ifndef VSLICE_MDEV_UUID_H
#define VSLICE_MDEV_UUID_H

#include <vslice/pure_env.h>

int mdev_uuid_parse(const char *buf, size_t count, u8 uuid[16]);

#endif /* VSLICE_MDEV_UUID_H */
