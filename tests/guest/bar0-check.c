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
 *
 * First touch: a fault maps a whole 2 MiB block of BAR0 (a PMD where the
 * mapping is 2 MiB-aligned as QEMU 10 places it, a window of pages where
 * it is not), and decode off and reset take all of it away.  What is
 * mapped is counted in faults (getrusage) and in page-table memory
 * (VmPTE: a PMD needs no page table): /proc/self/pagemap reports every
 * page of a VM_PFNMAP mapping as absent.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "lab_result.h"
#include "sigbus_probe.h"
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

#define PAGE 4096UL
#define BLOCK (2UL << 20)

/* Page faults this process took so far; a BAR0 fault is a minor one. */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The process's page tables, kB (VmPTE), or -1. */
static long vm_pte_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Memory decode on or off, through the command register. */
static int set_decode(int dev, int on)
{
	const off_t cmd = ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 0x04;
	uint16_t v;

	if (pread(dev, &v, 2, cmd) != 2)
		return -1;
	v = on ? v | 0x0002 : v & ~0x0002;
	return pwrite(dev, &v, 2, cmd) == 2 ? 0 : -1;
}

/*
 * @len bytes of the device at @off, mapped @skew bytes past a multiple
 * of @align: a reserved range and MAP_FIXED into it, the way QEMU 10's
 * vfio_region_mmap() places a region (there @skew is 0).
 */
static volatile uint64_t *map_placed(int dev, off_t off, size_t len, size_t align, size_t skew)
{
	size_t span = len + align + skew;
	uint8_t *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	uint8_t *at;
	void *p;

	if (base == MAP_FAILED)
		return NULL;
	at = (uint8_t *)(((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1)) + skew;
	p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, dev, off);
	if (p == MAP_FAILED) {
		munmap(base, span);
		return NULL;
	}
	if (at > base)
		munmap(base, at - base);
	if (base + span > at + len)
		munmap(at + len, base + span - (at + len));
	return p;
}

/* Faults taken by reading one word of every page of [@from, @to) bytes. */
static long read_pages(volatile uint64_t *m, size_t from, size_t to)
{
	long f0 = minflt();
	uint64_t sum = 0;

	for (size_t at = from; at < to; at += PAGE)
		sum += m[at / 8];
	(void)sum;
	return minflt() - f0;
}

/* Faults taken by writing the pattern over the whole mapping. */
static long write_pass(volatile uint64_t *m, size_t size, uint64_t seed)
{
	long f0 = minflt();

	for (size_t i = 0; i < size / 8; i++)
		m[i] = pattern(i, seed);
	return minflt() - f0;
}

/*
 * The first pass over fresh BAR0 mappings of the slice, which holds the
 * pattern: one fault per 2 MiB block, the right VRAM behind each, and
 * decode off and reset take the blocks away again.
 */
static void first_touch(int dev, off_t off, size_t size, uint64_t seed)
{
	const size_t blocks = size / BLOCK;
	size_t align = size & -size;
	volatile uint64_t *m;
	char why[200];
	long f, kb0, kb;
	int ok, revoked;

	if (align > (1UL << 30))
		align = 1UL << 30;

	/* As QEMU 10 maps it: aligned, so every block is one PMD. */
	m = map_placed(dev, off, size, align, 0);
	if (!m) {
		lab_result(0, "first-touch-aligned-mmap", strerror(errno));
		return;
	}
	f = read_pages(m, BLOCK + 8, BLOCK + 16);
	f += read_pages(m, BLOCK, 2 * BLOCK) * 1000;
	snprintf(why, sizeof(why), "one read in block 1 took %ld fault(s), its other pages %ld",
		 f % 1000, f / 1000);
	lab_result(f == 1, "first-touch-maps-its-2mib-block", why);
	kb0 = vm_pte_kb();
	f = write_pass(m, size, seed);
	kb = vm_pte_kb();
	snprintf(why, sizeof(why), "a first write pass over %zu blocks took %ld faults", blocks, f);
	lab_result(f <= (long)blocks + 2, "first-pass-aligned-fault-per-block", why);
	snprintf(why, sizeof(why), "page tables grew by %ld kB over %zu blocks (%ld to %ld kB): not PMDs",
		 kb - kb0, blocks, kb0, kb);
	/* x86 maps PFNs with PMDs only in kernels with THP (the test kernel has none). */
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		printf("VSLICE-RESULT: SKIP %s/first-pass-aligned-maps-pmds: %s\n", lab_suite,
		       "a kernel without CONFIG_TRANSPARENT_HUGEPAGE maps no PMD of PFNs");
	else
		lab_result(kb0 >= 0 && kb - kb0 < (long)(blocks * 4 / 2),
			   "first-pass-aligned-maps-pmds", why);
	lab_result(has_pattern(m, size / 8, seed), "aligned-mapping-is-the-slice",
		   "the aligned mapping does not read the slice's pattern");

	/* Decode off takes every block away; back on, each faults again. */
	lab_result(!set_decode(dev, 0) && touch_faults(m + 3 * BLOCK / 8 + 7) &&
		   touch_faults(m + (size - 8) / 8), "decode-off-revokes-aligned",
		   "an aligned mapping answered with decode off");
	f = set_decode(dev, 1) ? -1 : read_pages(m, 0, size);
	snprintf(why, sizeof(why), "%ld faults reading %zu blocks after decode came back", f, blocks);
	lab_result(f >= (long)blocks && f <= (long)blocks + 2 && has_pattern(m, size / 8, seed),
		   "decode-on-refaults-aligned", why);
	/* Decode back on whatever happened: the next mapping needs it. */
	ok = !ioctl(dev, VFIO_DEVICE_RESET);
	revoked = touch_faults(m + BLOCK / 8);
	ok = !vfio_enable_memory(dev) && ok;
	f = ok && revoked ? read_pages(m, 0, size) : -1;
	snprintf(why, sizeof(why), "reset %s, %s; %ld faults reading %zu blocks after decode came back",
		 ok ? "done" : "failed", revoked ? "the mapping gone" : "the mapping answered",
		 f, blocks);
	lab_result(f >= (long)blocks && f <= (long)blocks + 2 && has_pattern(m, size / 8, seed),
		   "reset-revokes-and-refaults-aligned", why);
	munmap((void *)m, size);

	/*
	 * 4 KiB off a 2 MiB boundary, as an unaligned VMM maps it: a fault
	 * maps the rest of its 2 MiB block of addresses in one go.
	 */
	m = map_placed(dev, off, size, BLOCK, PAGE);
	if (!m) {
		lab_result(0, "first-touch-unaligned-mmap", strerror(errno));
		return;
	}
	f = read_pages(m, 8, 16);
	f += read_pages(m, 0, BLOCK - PAGE) * 1000;
	f += read_pages(m, BLOCK - PAGE, BLOCK) * 1000000;
	snprintf(why, sizeof(why),
		 "one read took %ld fault(s), the rest of its 2 MiB of addresses %ld, the next page %ld",
		 f % 1000, f / 1000 % 1000, f / 1000000);
	lab_result(f == 1000001, "first-touch-unaligned-maps-window", why);
	f = write_pass(m, size, seed);
	snprintf(why, sizeof(why), "a first write pass over %zu blocks took %ld faults", blocks, f);
	lab_result(f <= (long)blocks + 2, "first-pass-unaligned-fault-per-block", why);
	lab_result(has_pattern(m, size / 8, seed), "unaligned-mapping-is-the-slice",
		   "the unaligned mapping does not read the slice's pattern");
	lab_result(!set_decode(dev, 0) && touch_faults(m + BLOCK / 8) && touch_faults(m + 1),
		   "decode-off-revokes-windows", "a window page answered with decode off");
	f = set_decode(dev, 1) ? -1 : read_pages(m, 0, size);
	snprintf(why, sizeof(why), "%ld faults reading %zu blocks after decode came back", f, blocks);
	lab_result(f >= (long)blocks && f <= (long)blocks + 3 && has_pattern(m, size / 8, seed),
		   "decode-on-refaults-windows", why);
	munmap((void *)m, size);
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

	/* Line-buffered: a check that dies of a signal leaves the lines before it. */
	setvbuf(stdout, NULL, _IOLBF, 0);
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

	first_touch(dev, bar0.offset, size, seed);

	return lab_failures ? 1 : 0;
}
