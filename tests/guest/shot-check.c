// SPDX-License-Identifier: GPL-2.0-only
/*
 * shot-check: does a screenshot show the nested guest's picture?
 *
 *   shot-check FILE.ppm SEED WIDTH HEIGHT
 *
 * FILE is a binary PPM (P6, maxval 255), as QEMU's screendump writes it;
 * SEED (hex, "0x" optional), WIDTH and HEIGHT say what the guest drew:
 * pixel (x, y) = vmg_pixel(SEED, x, y, WIDTH) of tests/vmguest/pattern.h,
 * 0x00RRGGBB.  Compares every pixel.
 *
 * Exit 0, printing "match <W>x<H>", when the image is that picture;
 * exit 1 when it is not, printing either
 *   "size <w>x<h>, want <W>x<H>"
 * or
 *   "mismatch at x=<x> y=<y> want=<rrggbb> got=<rrggbb>; <n> of <total> pixels differ"
 * (the first differing pixel in row order); exit 2 with a message on
 * standard error when the arguments or the file are not usable.
 *
 * Standalone (libc and pattern.h only): the lab image runs it, and so do
 * the libvirt lab hosts on screenshots of virsh.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vmguest/pattern.h"

#define MAX_SIDE 16384

static const char *prog = "shot-check";

/* Unusable input: say what was wrong, exit status 2. */
__attribute__((format(printf, 1, 2)))
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int parse_num(const char *s, int base, uint64_t max, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return errno || end == s || *end || *v > max ? -1 : 0;
}

/*
 * The next header number of a PPM: blanks and "#" comments to the end of
 * their line come before it.  Returns -1 at anything else.
 */
static int header_num(const unsigned char *p, size_t n, size_t *at, uint64_t *v)
{
	size_t i = *at, digits = 0;

	for (;;) {
		if (i >= n)
			return -1;
		if (p[i] == '#') {
			while (i < n && p[i] != '\n')
				i++;
		} else if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' ||
			   p[i] == '\v' || p[i] == '\f') {
			i++;
		} else {
			break;
		}
	}
	*v = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		*v = *v * 10 + (p[i] - '0');
		if (*v > 1000000)
			return -1;
		i++;
		digits++;
	}
	if (!digits)
		return -1;
	*at = i;
	return 0;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	uint64_t seed, w, h, iw, ih, maxval, x, y, diff = 0, fx = 0, fy = 0;
	uint32_t fwant = 0, fgot = 0;
	const unsigned char *px;
	unsigned char *img;
	size_t len, at = 2;

	if (argc != 5) {
		fprintf(stderr, "usage: %s FILE.ppm SEED WIDTH HEIGHT\n", prog);
		return 2;
	}
	if (parse_num(argv[2], 16, UINT64_MAX, &seed))
		return bad("SEED '%s' is not a hexadecimal 64-bit number", argv[2]);
	if (parse_num(argv[3], 10, MAX_SIDE, &w) || !w ||
	    parse_num(argv[4], 10, MAX_SIDE, &h) || !h)
		return bad("WIDTH '%s' and HEIGHT '%s' must be numbers from 1 to 16384",
			   argv[3], argv[4]);

	img = slurp(argv[1], &len);
	if (!img)
		return bad("%s: %s", argv[1], strerror(errno));
	if (len < 2 || img[0] != 'P' || img[1] != '6')
		return bad("%s: not a binary PPM (no \"P6\" at its start)", argv[1]);
	if (header_num(img, len, &at, &iw) || header_num(img, len, &at, &ih) ||
	    header_num(img, len, &at, &maxval))
		return bad("%s: the PPM header has no width, height and maxval", argv[1]);
	if (maxval != 255)
		return bad("%s: maxval %" PRIu64 ", only 255 (8 bits a channel) is supported",
			   argv[1], maxval);
	/* Exactly one blank ends the header; the pixels follow. */
	if (at >= len || !(img[at] == ' ' || img[at] == '\t' || img[at] == '\n' ||
			   img[at] == '\r'))
		return bad("%s: no blank after the PPM header", argv[1]);
	at++;
	if (!iw || !ih)
		return bad("%s: the image is empty (%" PRIu64 "x%" PRIu64 ")", argv[1], iw, ih);
	if (len - at != iw * ih * 3)
		return bad("%s: %zu bytes of pixel data, but the header says %" PRIu64 "x%" PRIu64
			   " (%" PRIu64 " bytes)", argv[1], len - at, iw, ih, iw * ih * 3);
	if (iw != w || ih != h) {
		printf("size %" PRIu64 "x%" PRIu64 ", want %" PRIu64 "x%" PRIu64 "\n",
		       iw, ih, w, h);
		return 1;
	}

	px = img + at;
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++, px += 3) {
			uint32_t want = vmg_pixel(seed, x, y, w);
			uint32_t got = (uint32_t)px[0] << 16 | (uint32_t)px[1] << 8 | px[2];

			if (got != want && !diff++) {
				fx = x;
				fy = y;
				fwant = want;
				fgot = got;
			}
		}
	}
	free(img);
	if (diff) {
		printf("mismatch at x=%" PRIu64 " y=%" PRIu64 " want=%06" PRIx32 " got=%06" PRIx32
		       "; %" PRIu64 " of %" PRIu64 " pixels differ\n",
		       fx, fy, fwant, fgot, diff, w * h);
		return 1;
	}
	printf("match %" PRIu64 "x%" PRIu64 "\n", w, h);
	return 0;
}
