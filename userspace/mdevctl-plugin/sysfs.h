/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading and writing small sysfs attributes under a root directory
 * ("" or "/" for the real system, a fake tree in the tests).
 */
#ifndef VS_SYSFS_H
#define VS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* root + the formatted path.  Return: 0, or -ENAMETOOLONG. */
int vs_pathf(char *buf, size_t n, const char *root, const char *fmt, ...)
	VS_PRINTF(4, 5);

/*
 * Read a text attribute, without its trailing newline.
 * Return: 0, -EFBIG if it does not fit in n bytes, or -errno.
 */
int vs_read_text(const char *path, char *buf, size_t n);
/* An unsigned decimal (or 0x hex) attribute.  Return: 0 or -errno. */
int vs_read_ulong(const char *path, unsigned long *val);
/* Write len bytes in one write(2).  Return: 0 or -errno. */
int vs_write_text(const char *path, const char *val, size_t len);
/* The last component of a symlink's target.  Return: 0 or -errno. */
int vs_link_base(const char *path, char *buf, size_t n);
bool vs_is_dir(const char *path);
bool vs_exists(const char *path);

/* The names in a directory, sorted, without dot entries. */
struct vs_names {
	char **name;
	size_t n;
};
int vs_list_dir(const char *path, struct vs_names *names);
void vs_names_free(struct vs_names *names);

#endif /* VS_SYSFS_H */
