// SPDX-License-Identifier: GPL-2.0-only
/*
 * vram-find: on the lab host, look for what fb-draw drew in a nested
 * guest, in one range of a parent GPU's VRAM (a vGPU's slice).
 *
 * usage: vram-find PARENT_BDF OFFSET SIZE SEED BYTES
 *
 * Maps /sys/bus/pci/devices/PARENT_BDF/resource0 (needs iomem=relaxed on
 * kernels with IO_STRICT_DEVMEM, as the lab boots), and searches
 * [OFFSET, OFFSET + SIZE) for the BYTES bytes of the pattern of SEED at
 * any 4-byte aligned place: where the guest driver put its framebuffer
 * in the slice is its own business.  Prints "found 0x<offset in the
 * range>" and exits 0, or prints "absent" and exits 1; exits 2 with a
 * message when it cannot look.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "vram-find: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long offset, size, seed, bytes;
	const volatile uint32_t *vram;
	size_t words, slice_words, at, i;
	char path[256];
	uint32_t first;
	void *map;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: %s PARENT_BDF OFFSET SIZE SEED BYTES\n", argv[0]);
		return 2;
	}
	offset = num(argv[2]);
	size = num(argv[3]);
	seed = num(argv[4]);
	bytes = num(argv[5]);
	if (!size || !bytes || bytes > size || (offset | size | bytes) & 3) {
		fprintf(stderr, "vram-find: bad range or length\n");
		return 2;
	}

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", argv[1]);
	fd = open(path, O_RDONLY | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "vram-find: %s: %s\n", path, strerror(errno));
		return 2;
	}
	map = mmap(NULL, offset + size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "vram-find: mmap %s: %s (boot with iomem=relaxed)\n",
			path, strerror(errno));
		return 2;
	}
	vram = (const volatile uint32_t *)((char *)map + offset);
	words = bytes / 4;
	slice_words = size / 4;
	first = vmg_pattern(seed, 0);

	for (at = 0; at + words <= slice_words; at++) {
		if (vram[at] != first)
			continue;
		for (i = 1; i < words && vram[at + i] == vmg_pattern(seed, i); i++)
			;
		if (i == words) {
			printf("found 0x%zx\n", at * 4);
			return 0;
		}
	}
	printf("absent\n");
	return 1;
}
