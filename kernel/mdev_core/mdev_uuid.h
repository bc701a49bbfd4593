/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of the UUID written to a type's "create" attribute: the
 * sysfs length rules around the kernel's uuid_parse().  Pure logic, so
 * that KUnit and a userspace fuzzer (with the pure environment's
 * uuid_parse()) compile the same file.
 */
#ifndef VSLICE_MDEV_UUID_H
#define VSLICE_MDEV_UUID_H

#include <vslice/pure_env.h>

int mdev_uuid_parse(const char *buf, size_t count, u8 uuid[16]);

#endif /* VSLICE_MDEV_UUID_H */
