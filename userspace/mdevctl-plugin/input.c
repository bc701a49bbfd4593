// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded reads of stdin (see input.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "input.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vs_read_input(int fd, size_t max, int timeout_ms, char **buf, size_t *len)
{
	long long deadline = now_ms() + timeout_ms;
	size_t cap = 4096, got = 0;
	int too_big = 0;
	char *b, drop[4096];

	*buf = NULL;
	*len = 0;
	b = malloc(cap + 1);
	if (!b)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t r;
		int p;

		if (left <= 0) {
			free(b);
			return -ETIMEDOUT;
		}
		p = poll(&pfd, 1, (int)left);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0) {
			int err = -errno;

			free(b);
			return err;
		}
		if (!p)
			continue;	/* the deadline check ends it */
		if (too_big) {
			r = read(fd, drop, sizeof(drop));
		} else {
			if (got == cap) {
				size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
				char *nb = realloc(b, ncap + 1);

				if (!nb) {
					free(b);
					return -ENOMEM;
				}
				b = nb;
				cap = ncap;
			}
			r = read(fd, b + got, cap - got);
		}
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			int err = -errno;

			free(b);
			return err;
		}
		if (r == 0)
			break;
		if (!too_big) {
			got += (size_t)r;
			if (got > max)
				too_big = 1;
		}
	}
	if (too_big) {
		free(b);
		return -EFBIG;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}
