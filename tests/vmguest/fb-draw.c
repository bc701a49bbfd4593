// SPDX-License-Identifier: GPL-2.0-only
/*
 * fb-draw: the nested guest's drawing client.  Fills the visible part of
 * a framebuffer with the pattern of pattern.h for a fresh random seed,
 * through write(2) as any fbdev client does, reads it back, and reports
 *
 *   VMGUEST-DRAWN seed=<16 hex digits> offset=<n> bytes=<n> mode=<x>x<y> bpp=<n> stride=<n>
 *
 * or "VMGUEST-ERROR fb-draw: <why>".  The lab host then looks for those
 * bytes in the vGPU's slice of the parent's VRAM.
 *
 * usage: fb-draw /dev/fbN
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pattern.h"

static int die(const char *what)
{
	printf("VMGUEST-ERROR fb-draw: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A seed no earlier boot used: the kernel's random pool, never zero. */
static int new_seed(uint64_t *seed)
{
	int fd = open("/dev/urandom", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, seed, sizeof(*seed));
	close(fd);
	if (n != sizeof(*seed))
		return -1;
	*seed |= 1;
	return 0;
}

/* pwrite/pread may stop short on a framebuffer; loop to the end. */
static int xfer(int fd, void *buf, size_t len, off_t off, int write)
{
	char *p = buf;

	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, off) : pread(fd, p, len, off);

		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	uint32_t *buf, *back;
	size_t words, bytes, i;
	uint64_t seed;
	off_t offset;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /dev/fbN\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return die(argv[1]);
	if (ioctl(fd, FBIOGET_VSCREENINFO, &var) || ioctl(fd, FBIOGET_FSCREENINFO, &fix))
		return die("FBIOGET_*SCREENINFO");
	if (var.bits_per_pixel != 32) {
		errno = EINVAL;
		return die("not a 32 bpp mode");
	}

	/* The visible lines, from the panned start, stride included. */
	offset = (off_t)var.yoffset * fix.line_length;
	bytes = (size_t)fix.line_length * var.yres;
	if (!bytes || offset + bytes > fix.smem_len) {
		errno = ERANGE;
		return die("visible area outside the framebuffer memory");
	}
	words = bytes / 4;
	buf = malloc(bytes);
	back = malloc(bytes);
	if (!buf || !back)
		return die("malloc");
	if (new_seed(&seed))
		return die("/dev/urandom");
	for (i = 0; i < words; i++)
		buf[i] = vmg_pattern(seed, i);

	if (xfer(fd, buf, bytes, offset, 1))
		return die("write");
	/* fsync flushes what deferred I/O still holds back. */
	fsync(fd);
	if (xfer(fd, back, bytes, offset, 0))
		return die("read back");
	if (memcmp(buf, back, bytes)) {
		errno = EIO;
		return die("read back differs");
	}

	printf("VMGUEST-DRAWN seed=%016" PRIx64 " offset=%lld bytes=%zu mode=%ux%u bpp=%u stride=%u\n",
	       seed, (long long)offset, bytes, var.xres, var.yres, var.bits_per_pixel,
	       fix.line_length);
	return 0;
}
