/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A whole string written to a sysfs attribute in one write(), as the
 * kernel's store callbacks expect.
 */
#ifndef VSLICE_SYSFS_STR_H
#define VSLICE_SYSFS_STR_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* 0, or the errno of the open or the write (EIO for a short write). */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), err;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, s, strlen(s));
	err = n == (ssize_t)strlen(s) ? 0 : n < 0 ? errno : EIO;
	close(fd);
	return err;
}

#endif /* VSLICE_SYSFS_STR_H */
