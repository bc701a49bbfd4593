/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fresh seed for the pattern of pattern.h, for the nested guest's
 * drawing clients (fb-draw, kms-flip).
 */
#ifndef VSLICE_VMGUEST_SEED_H
#define VSLICE_VMGUEST_SEED_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/*
 * A seed no earlier boot used: the kernel's random pool, never zero.
 * Returns 0, or -1 with errno set (EIO for a short read).
 */
static inline int vmg_new_seed(uint64_t *seed)
{
	int fd = open("/dev/urandom", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, seed, sizeof(*seed));
	close(fd);
	if (n != sizeof(*seed)) {
		errno = EIO;
		return -1;
	}
	*seed |= 1;
	return 0;
}

#endif /* VSLICE_VMGUEST_SEED_H */
