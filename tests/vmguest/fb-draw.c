// SPDX-License-Identifier: GPL-2.0-only
/*
 * fb-draw: the nested guest's pattern client (pattern.h), in two modes.
 *
 *   fb-draw /dev/fbN
 *
 * Fills the visible part of a framebuffer with the pattern of a fresh
 * random seed, through write(2) as any fbdev client does, reads it back,
 * and reports
 *
 *   VMGUEST-DRAWN seed=<16 hex digits> offset=<n> bytes=<n> mode=<x>x<y> bpp=<n> stride=<n>
 *
 * or "VMGUEST-ERROR fb-draw: <why>".  The lab host then looks for those
 * bytes in the vGPU's slice of the parent's VRAM.
 *
 *   fb-draw --find /sys/bus/pci/devices/BDF/resource0 SEED:BYTES...
 *
 * Reads the whole BAR (the file's size) through a mapping of the PCI
 * resource file, before any driver has it, and looks for what earlier
 * "fb-draw /dev/fbN" runs drew, in another guest, with each SEED (hex)
 * over BYTES bytes.  Any two consecutive words of a pattern, at any
 * 4-byte aligned place, count as found: a tenant that leaks part of its
 * framebuffer leaks.  Prints one line,
 *
 *   bytes=<BAR size> live=yes|no nonzero=<words> first_nonzero=<offset>|none found=<SEED>:<words>[@<offset>],...
 *
 * where live=yes says a word written at the BAR's end read back (the
 * mapping reaches the device's memory, not an unassigned hole that reads
 * as zeros), nonzero counts the 32-bit words that are not zero, and each
 * SEED's count is the number of words found in place (with the first
 * one's offset).  Exits 0 when it could look, whatever it found; 1 with
 * "VMGUEST-ERROR fb-draw: <why>" otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pattern.h"
#include "seed.h"

static int die(const char *what)
{
	printf("VMGUEST-ERROR fb-draw: %s: %s\n", what, strerror(errno));
	return 1;
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

/* One earlier drawing to look for: its pattern's words by value. */
struct drawing {
	uint64_t seed;
	size_t words;		/* the pattern's length */
	uint32_t *val, *idx;	/* open addressing; idx 0 is an empty slot */
	size_t mask;
	size_t found;		/* words seen in place */
	size_t first;		/* the BAR offset of the first */
};

static size_t slot(uint32_t v, size_t mask)
{
	return (size_t)(v * 0x9e3779b1u) & mask;
}

static int drawing_init(struct drawing *d, const char *arg)
{
	unsigned long long seed, bytes;
	size_t n, i, s;
	char *end;

	errno = 0;
	seed = strtoull(arg, &end, 16);
	if (errno || end == arg || *end != ':')
		return -1;
	arg = end + 1;
	bytes = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || bytes < 8 || bytes % 4 || bytes > (1ULL << 30))
		return -1;
	d->seed = seed;
	d->words = bytes / 4;
	for (n = 1; n < 2 * d->words; n <<= 1)
		;
	d->mask = n - 1;
	d->val = calloc(n, sizeof(*d->val));
	d->idx = calloc(n, sizeof(*d->idx));
	if (!d->val || !d->idx)
		return -1;
	for (i = 0; i < d->words; i++) {
		uint32_t v = vmg_pattern(seed, i);

		for (s = slot(v, d->mask); d->idx[s]; s = (s + 1) & d->mask)
			if (d->val[s] == v)
				break;
		/* A value that repeats keeps its first index. */
		if (!d->idx[s]) {
			d->val[s] = v;
			d->idx[s] = i + 1;
		}
	}
	return 0;
}

/* The pattern index of value v, or -1. */
static long long drawing_index(const struct drawing *d, uint32_t v)
{
	size_t s;

	for (s = slot(v, d->mask); d->idx[s]; s = (s + 1) & d->mask)
		if (d->val[s] == v)
			return d->idx[s] - 1;
	return -1;
}

/*
 * Is word at (of n) the pattern word it looks like?  Its value names an
 * index; a neighbour that holds that index's neighbour confirms it (one
 * 32-bit value of a screenful of pattern turns up by chance about once
 * in 5000 words of other data, two in a row once in 2^44).  A value the
 * pattern holds twice names its first index only, so the count of a
 * whole pattern falls short by those few words.
 */
static int in_place(const struct drawing *d, const volatile uint32_t *w,
		    size_t at, size_t n, uint32_t v)
{
	long long i = drawing_index(d, v);

	if (i < 0)
		return 0;
	if ((size_t)i + 1 < d->words && at + 1 < n &&
	    w[at + 1] == vmg_pattern(d->seed, i + 1))
		return 1;
	return i > 0 && at > 0 && w[at - 1] == vmg_pattern(d->seed, i - 1);
}

static int find(int argc, char **argv)
{
	struct drawing *d;
	volatile uint32_t *w;
	size_t n, at, nonzero = 0, first_nonzero = 0;
	uint32_t keep, probe;
	struct stat st;
	int fd, k, nd = argc - 3, live;
	void *map;

	d = calloc(nd, sizeof(*d));
	if (!d)
		return die("calloc");
	for (k = 0; k < nd; k++) {
		if (drawing_init(&d[k], argv[3 + k])) {
			if (!errno)
				errno = EINVAL;
			printf("VMGUEST-ERROR fb-draw: '%s' is not SEED:BYTES (hex seed, 8 to 2^30 bytes, a multiple of 4): %s\n",
			       argv[3 + k], strerror(errno));
			return 1;
		}
	}
	fd = open(argv[2], O_RDWR | O_SYNC);
	if (fd < 0)
		return die(argv[2]);
	if (fstat(fd, &st))
		return die("fstat");
	if (st.st_size < 8 || st.st_size % 8) {
		errno = ERANGE;
		return die("the BAR's size is not a multiple of 8 bytes");
	}
	map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return die("mmap");
	close(fd);
	w = map;
	n = st.st_size / 4;

	/*
	 * 64-bit loads: each one can be a trapped access on the way to the
	 * vGPU, and almost all of a clean BAR is zero.
	 */
	for (at = 0; at < n; at += 2) {
		uint64_t q = ((volatile uint64_t *)w)[at / 2];
		size_t j;

		if (!q)
			continue;
		for (j = at; j < at + 2; j++) {
			uint32_t v = w[j];

			if (!v)
				continue;
			if (!nonzero++)
				first_nonzero = j * 4;
			for (k = 0; k < nd; k++)
				if (in_place(&d[k], w, j, n, v) && !d[k].found++)
					d[k].first = j * 4;
		}
	}

	/* Written after the scan: what the BAR held is what was read. */
	keep = w[n - 1];
	probe = ~keep ^ 0x5a5a0f0fu;
	w[n - 1] = probe;
	live = w[n - 1] == probe;
	w[n - 1] = keep;

	printf("bytes=%lld live=%s nonzero=%zu first_nonzero=", (long long)st.st_size,
	       live ? "yes" : "no", nonzero);
	if (nonzero)
		printf("0x%zx", first_nonzero);
	else
		printf("none");
	printf(" found=");
	for (k = 0; k < nd; k++) {
		printf("%s%016" PRIx64 ":%zu", k ? "," : "", d[k].seed, d[k].found);
		if (d[k].found)
			printf("@0x%zx", d[k].first);
	}
	printf("\n");
	return 0;
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s /dev/fbN\n       %s --find RESOURCE_FILE SEED:BYTES...\n",
		prog, prog);
	return 2;
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

	if (argc >= 4 && !strcmp(argv[1], "--find"))
		return find(argc, argv);
	if (argc != 2 || argv[1][0] == '-')
		return usage(argv[0]);
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
	if (vmg_new_seed(&seed))
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
