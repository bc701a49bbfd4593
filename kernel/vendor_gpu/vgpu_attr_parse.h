/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of the per-instance attribute values an admin (or mdevctl)
 * writes through sysfs.  Pure logic, shared by the driver, KUnit and
 * userspace builds.
 */
#ifndef VSLICE_VGPU_ATTR_PARSE_H
#define VSLICE_VGPU_ATTR_PARSE_H

#include <vslice/pure_env.h>

/* Longest owner tag, with its terminating NUL. */
#define VGPU_OWNER_LEN 64

int vgpu_parse_owner(const char *buf, size_t len, char *owner);
int vgpu_parse_resolution(const char *buf, size_t len, u32 max_width,
			  u32 max_height, u32 *width, u32 *height);

#endif /* VSLICE_VGPU_ATTR_PARSE_H */
