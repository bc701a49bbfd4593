// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio-check: BAR2 of a vGPU (the trapped registers bochs-drm drives),
 * its config space and VFIO_DEVICE_RESET, through the VFIO device fd as
 * QEMU forwards a guest's accesses.
 *
 * usage: mmio-check SUITE UUID MAX_WIDTH
 * Prints one VSLICE-RESULT line per check (tests/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "lab_result.h"
#include "vfio_util.h"

#define DISPI(i) (0x500 + 2 * (i))

static int device;
static uint64_t bar2, cfg;

static uint32_t rd(uint64_t base, uint64_t off, size_t len)
{
	uint32_t v = 0;

	if (pread(device, &v, len, base + off) != (ssize_t)len)
		return 0xffffffff;
	return v;
}

static int wr(uint64_t base, uint64_t off, size_t len, uint32_t v)
{
	return pwrite(device, &v, len, base + off) == (ssize_t)len ? 0 : -1;
}

/*
 * Trapped reads take no lock (the driver's emul_seq seqcount): a read
 * racing a write must still see each register whole, never old and new
 * bytes mixed.  A child flips the 4-byte MSI address and a 4-byte write
 * over two dispi registers (X and Y offset) between all-zero and
 * all-ones while this process reads both until the child is done.
 */
#define FLIPS 40000
#define MSI_ADDR 0x4c

static void torn_read_check(void)
{
	unsigned long reads = 0, torn = 0, seen = 0;
	uint32_t a, b, bad = 0;
	char why[128];
	int status;
	pid_t pid;

	if (wr(cfg, MSI_ADDR, 4, 0) || wr(bar2, DISPI(8), 4, 0)) {
		lab_result(0, "reads-never-torn", "cannot write the registers");
		return;
	}
	pid = fork();
	if (pid < 0) {
		lab_result(0, "reads-never-torn", strerror(errno));
		return;
	}
	if (pid == 0) {
		for (unsigned int i = 0; i < FLIPS; i++) {
			if (wr(cfg, MSI_ADDR, 4, i & 1 ? 0xfffffffc : 0) ||
			    wr(bar2, DISPI(8), 4, i & 1 ? 0xffffffff : 0))
				_exit(1);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		a = rd(cfg, MSI_ADDR, 4);
		b = rd(bar2, DISPI(8), 4);
		reads++;
		if (a != 0 && a != 0xfffffffc) {
			torn++;
			bad = a;
		}
		if (b != 0 && b != 0xffffffff) {
			torn++;
			bad = b;
		}
		seen |= (a ? 1 : 2) | (b ? 4 : 8);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		lab_result(0, "reads-never-torn", "the writer failed");
		return;
	}
	snprintf(why, sizeof(why), "%lu of %lu reads torn (e.g. %#x); values seen %#lx",
		 torn, reads, bad, seen);
	/* Both values of both registers seen: the reads did race the writes. */
	lab_result(!torn && seen == 15, "reads-never-torn", why);
}

static uint64_t region(unsigned int index, uint64_t *size, uint32_t *flags)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return ~0ULL;
	*size = info.size;
	*flags = info.flags;
	return info.offset;
}

int main(int argc, char **argv)
{
	struct vfio_region_info small = { .argsz = 8, .index = 0 };
	uint64_t size, vram, max_width;
	uint32_t flags, v;
	char group[64], why[128];
	unsigned int i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SUITE UUID MAX_WIDTH\n", argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	max_width = strtoull(argv[3], NULL, 0);
	device = vfio_open_mdev(argv[2], group, sizeof(group));
	if (device < 0) {
		lab_result(0, "mmio-open", "cannot open the device");
		return 1;
	}

	/* Every region answers; those that do not exist have size 0. */
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		int want = i == 0 || i == 2 || i == 7;

		region(i, &size, &flags);
		if (!!size != want) {
			snprintf(why, sizeof(why), "region %u has size %llu", i,
				 (unsigned long long)size);
			lab_result(0, "region-sizes", why);
			break;
		}
	}
	if (i == VFIO_PCI_NUM_REGIONS)
		lab_result(1, "region-sizes", "");
	errno = 0;
	lab_result(ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &small) && errno == EINVAL,
	       "region-info-small-argsz-einval", "argsz 8 was accepted");

	bar2 = region(VFIO_PCI_BAR2_REGION_INDEX, &size, &flags);
	lab_result(size == 4096 && flags == (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE),
	       "bar2-region-info", "BAR2 is not a 4 KiB read/write region");
	region(VFIO_PCI_BAR0_REGION_INDEX, &vram, &flags);
	cfg = region(VFIO_PCI_CONFIG_REGION_INDEX, &size, &flags);

	/* What bochs-drm reads at probe. */
	lab_result((rd(bar2, DISPI(0), 2) & 0xfff0) == 0xb0c0, "dispi-id", "not a Bochs dispi ID");
	lab_result(rd(bar2, DISPI(10), 2) * 65536ULL == vram, "dispi-video-memory",
	       "VIDEO_MEMORY_64K does not match BAR0");
	lab_result(rd(bar2, 0x600, 4) >= 8 && rd(bar2, 0x604, 4) == 0x1e1e1e1e,
	       "qemu-ext-regs", "QEMU extended registers missing or big endian");
	lab_result(rd(bar2, 0x700, 4) == 0x434c5356 && rd(bar2, 0x704, 4) == 1 &&
	       rd(bar2, 0x70c, 4) == vram >> 20, "vslice-id-regs",
	       "identification registers wrong");

	/* A mode set as bochs-drm does it, then one the type forbids. */
	wr(bar2, DISPI(4), 2, 0);
	wr(bar2, DISPI(3), 2, 32);
	wr(bar2, DISPI(1), 2, 1024);
	wr(bar2, DISPI(2), 2, 768);
	wr(bar2, DISPI(4), 2, 0x41);
	lab_result(rd(bar2, DISPI(1), 2) == 1024 && rd(bar2, DISPI(2), 2) == 768 &&
	       rd(bar2, DISPI(4), 2) == 0x41, "mode-set", "mode registers not kept");
	wr(bar2, DISPI(1), 2, max_width + 1);
	lab_result(rd(bar2, DISPI(1), 2) == 1024, "resolution-above-type-dropped",
	       "XRES above the type's maximum was taken");
	/* A 4-byte write covers two dispi registers. */
	wr(bar2, DISPI(8), 4, 0x00020001);
	lab_result(rd(bar2, DISPI(8), 2) == 1 && rd(bar2, DISPI(9), 2) == 2,
	       "dispi-4-byte-write", "4-byte write did not set X and Y offset");

	torn_read_check();

	/* Bad accesses: EINVAL, nothing changed. */
	errno = 0;
	lab_result(pread(device, &v, 4, bar2 + 4094) < 0 && errno == EINVAL,
	       "bar2-read-across-end-einval", "read across the end of BAR2 worked");
	errno = 0;
	lab_result(pwrite(device, &v, 2, bar2 + 4096) < 0 && errno == EINVAL,
	       "bar2-write-past-end-einval", "write past the end of BAR2 worked");
	errno = 0;
	lab_result(pread(device, &v, 4, cfg + 254) < 0 && errno == EINVAL,
	       "config-read-across-end-einval", "read across the end of config space worked");
	errno = 0;
	lab_result(pread(device, &v, 4, (uint64_t)6 << 40) < 0 && errno == EINVAL,
	       "rom-read-einval", "the ROM region (size 0) was readable");

	/* Reset: registers and config space back to power-on. */
	wr(cfg, 4, 2, 0x0006);
	lab_result(rd(cfg, 4, 2) == 0x0006, "config-command-write", "command register not written");
	lab_result(!ioctl(device, VFIO_DEVICE_RESET), "reset", strerror(errno));
	lab_result(rd(cfg, 4, 2) == 0, "reset-config", "command register not cleared by reset");
	lab_result(!vfio_enable_memory(device), "reset-memory-reenabled", strerror(errno));
	lab_result(rd(bar2, DISPI(1), 2) == 0 && rd(bar2, DISPI(4), 2) == 0 &&
	       rd(bar2, DISPI(10), 2) * 65536ULL == vram, "reset-registers",
	       "dispi registers not at power-on after reset");
	return lab_failures ? 1 : 0;
}
