// SPDX-License-Identifier: GPL-2.0-only
/*
 * bar0-check: the VRAM slice behind BAR0 of a vGPU, checked the way a VMM
 * uses it, and against the parent GPU's VRAM.
 *
 * usage: bar0-check SUITE UUID PARENT_BDF OTHER_UUID
 *        bar0-check SUITE UUID --zero
 * OTHER_UUID is another live instance on the same parent.  --zero checks
 * that the whole slice reads as zeros (what a new instance must see).  Prints one
 * VSLICE-RESULT line per check (tests/README.md).  The parent's BAR0 is
 * read through its sysfs resource0, which needs iomem=relaxed on
 * kernels with IO_STRICT_DEVMEM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "lab_result.h"
#include "vfio_util.h"


static unsigned long long sysfs_ull(const char *uuid, const char *attr)
{
	char path[256], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vslice/%s", uuid, attr);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	return strtoull(buf, NULL, 0);
}

static uint64_t pattern(uint64_t i, uint64_t seed)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL ^ seed;
}

/* Whether @words 64-bit words at @p carry the pattern. */
static int has_pattern(const volatile uint64_t *p, size_t words, uint64_t seed)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (p[i] != pattern(i, seed))
			return 0;
	return 1;
}

static int all_zero(const volatile uint64_t *p, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (p[i])
			return 0;
	return 1;
}

static void *map_parent(const char *bdf, size_t len)
{
	char path[256];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = 0 };
	/* The display (9) and EDID (10) regions follow vfio-pci's nine. */
	struct vfio_region_info bad = { .argsz = sizeof(bad), .index = 11 };
	unsigned long long size, offset, osize, ooffset;
	const uint64_t seed = 0x76736c6963650001ULL;
	char group[64], why[160];
	volatile uint64_t *slice, *other, *parent;
	int dev, odev;
	uint32_t word;
	void *p;

	if (argc == 4 && !strcmp(argv[3], "--zero")) {
		lab_suite = argv[1];
		size = sysfs_ull(argv[2], "vram_size");
		dev = vfio_open_mdev(argv[2], group, sizeof(group));
		p = dev < 0 || !size ? MAP_FAILED :
			mmap(NULL, size, PROT_READ, MAP_SHARED, dev, 0);
		lab_result(p != MAP_FAILED && all_zero(p, size / 8), "new-slice-is-cleared",
		       "a new instance's BAR0 is not all zeros");
		return lab_failures ? 1 : 0;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: %s SUITE UUID PARENT_BDF OTHER_UUID\n"
			"       %s SUITE UUID --zero\n", argv[0], argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	size = sysfs_ull(argv[2], "vram_size");
	offset = sysfs_ull(argv[2], "vram_offset");
	osize = sysfs_ull(argv[4], "vram_size");
	ooffset = sysfs_ull(argv[4], "vram_offset");
	dev = vfio_open_mdev(argv[2], group, sizeof(group));
	odev = vfio_open_mdev(argv[4], group, sizeof(group));
	if (dev < 0 || odev < 0 || !size || !osize) {
		lab_result(0, "bar0-setup", "cannot open the devices or read vslice/vram_*");
		return 1;
	}

	lab_result(!ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) &&
	       bar0.size == size && bar0.flags & VFIO_REGION_INFO_FLAG_MMAP &&
	       bar0.flags & VFIO_REGION_INFO_FLAG_READ &&
	       bar0.flags & VFIO_REGION_INFO_FLAG_WRITE,
	       "bar0-region-info", "BAR0 is not a read/write/mmap region of the slice size");
	errno = 0;
	lab_result(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bad) && errno == EINVAL,
	       "region-index-past-end-einval", "index 11 did not fail with EINVAL");

	/* Write the pattern through the mapping. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0.offset);
	if (p == MAP_FAILED) {
		lab_result(0, "bar0-mmap", strerror(errno));
		return 1;
	}
	slice = p;
	for (size_t i = 0; i < size / 8; i++)
		slice[i] = pattern(i, seed);
	lab_result(has_pattern(slice, size / 8, seed), "bar0-mmap-readback", "pattern not read back");

	/* The same bytes through the region read path. */
	lab_result(pread(dev, &word, 4, bar0.offset + 8) == 4 &&
	       word == (uint32_t)pattern(1, seed), "bar0-pread", "pread does not see the mapping");

	/* In the parent's VRAM at the slice offset, nowhere in the other slice. */
	parent = map_parent(argv[3], offset + size > ooffset + osize ? offset + size : ooffset + osize);
	if (parent == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap resource0: %s (boot with iomem=relaxed)", strerror(errno));
		lab_result(0, "bar0-is-parent-vram", why);
	} else {
		lab_result(has_pattern(parent + offset / 8, size / 8, seed), "bar0-is-parent-vram",
		       "pattern not at the slice offset in the parent's VRAM");
		lab_result(!has_pattern(parent + ooffset / 8, 16, seed), "bar0-not-in-other-slice",
		       "pattern found in the other instance's slice");
	}
	other = mmap(NULL, osize, PROT_READ, MAP_SHARED, odev, bar0.offset);
	lab_result(other != MAP_FAILED && !has_pattern(other, 16, seed),
	       "other-instance-does-not-see-it", "other instance's BAR0 shows the pattern");

	/* Bad mappings and accesses: EINVAL, nothing mapped or changed. */
	errno = 0;
	lab_result(mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev, bar0.offset + size) == MAP_FAILED &&
	       errno == EINVAL, "mmap-past-bar0-einval", "mmap at the end of BAR0 did not fail");
	errno = 0;
	lab_result(mmap(NULL, size + 4096, PROT_READ, MAP_SHARED, dev, bar0.offset) == MAP_FAILED &&
	       errno == EINVAL, "mmap-longer-than-bar0-einval", "oversized mmap did not fail");
	errno = 0;
	lab_result(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dev, bar0.offset) == MAP_FAILED &&
	       errno == EINVAL, "mmap-private-einval", "private mmap did not fail");
	errno = 0;
	lab_result(mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev, (off_t)7 << 40) == MAP_FAILED &&
	       errno == EINVAL, "mmap-config-region-einval", "config region mmap did not fail");
	errno = 0;
	lab_result(pread(dev, &word, 4, bar0.offset + size - 2) < 0 && errno == EINVAL,
	       "pread-across-bar0-end-einval", "read across the end did not fail");
	errno = 0;
	word = 0;
	lab_result(pwrite(dev, &word, 4, bar0.offset + size) < 0 && errno == EINVAL &&
	       has_pattern(slice, size / 8, seed), "pwrite-past-bar0-einval-unchanged",
	       "write past the end did not fail, or changed the slice");
	errno = 0;
	lab_result(pread(dev, &word, 4, (off_t)8 << 40) < 0 && errno == EINVAL,
	       "pread-missing-region-einval", "read of the VGA region did not fail");

	/*
	 * Reset turns decode off and takes the mapping away; with decode on
	 * again, the next access maps the slice (VRAM kept) again.
	 */
	lab_result(!ioctl(dev, VFIO_DEVICE_RESET) && !vfio_enable_memory(dev) &&
		   has_pattern(slice, size / 8, seed),
	       "bar0-refault-after-reset", "slice not mapped again after reset");

	return lab_failures ? 1 : 0;
}
