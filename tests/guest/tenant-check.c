// SPDX-License-Identifier: GPL-2.0-only
/*
 * tenant-check SUITE UUID
 * tenant-check SUITE --scrub GPU_BDF
 *
 * The tenant boundary of one vGPU, through its VFIO device fd:
 *
 * - Memory decode, as on a real function and vfio-pci: BAR0 and BAR2
 *   answer only with Memory Space on and in D0; off, region accesses get
 *   EIO and a mapping SIGBUS; reset takes a live mapping away; D1/D2
 *   writes are ignored; D3hot to D0 resets the function.
 * - The next user: VRAM written through the mapping and through the
 *   region, a display mode and INTx, then MSI, set up by one user; after
 *   the last close the next open finds the whole slice zero, config space
 *   and BAR2 as at power-on, and no interrupt pending.
 *
 * With --scrub, the background scrubber of a GPU with 256 MiB of VRAM and
 * no instance, on its vslice-s128 type (two blocks): free VRAM becomes
 * clean (vslice/vram_scrub_pending drains to 0); a slice written, closed
 * and removed stays dirty until then, and a create of its size meanwhile
 * lands on the clean block, whose first open waits for nothing
 * (vslice/vram_clear_waits unchanged); a create that only the dirty block
 * fits shows zeros to its first opener; a create while the scrubber is
 * on that block shows zeros, and what its owner then writes stays (the
 * scrubber never writes a unit after its owner opened it); unbind and
 * unload of vslice_gpu while the scrubber runs.  Ends with vslice_gpu
 * unloaded.
 *
 * Prints VSLICE-RESULT lines; exits 1 if any check failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "lab_result.h"
#include "sigbus_probe.h"
#include "vfio_util.h"

#define CFG_COMMAND	0x04
#define CFG_STATUS	0x06
#define CFG_PMCSR	(0x40 + 4)
#define CFG_MSI_FLAGS	(0x48 + 2)
#define CMD_MEMORY	0x0002
#define CMD_MASTER	0x0004
#define STATUS_INTERRUPT 0x0008
#define DISPI(i)	(0x500 + 2 * (i))
#define IRQ_STATUS	0x710
#define IRQ_ENABLE	0x714
#define IRQ_RAISE	0x718
#define IRQ_SWI		0x1

static const char *uuid;
static char group[64];
static int groupfd = -1;
static off_t cfg_off, bar0_off, bar2_off;
static size_t slice;
static char why[256];

static uint32_t rd(int dev, off_t at, unsigned int len)
{
	uint32_t v = 0;

	if (pread(dev, &v, len, at) != (ssize_t)len)
		return 0xdeadbeef;
	return v;
}

static int wr(int dev, off_t at, unsigned int len, uint32_t v)
{
	return pwrite(dev, &v, len, at) == (ssize_t)len ? 0 : -1;
}

/* The device fd as a new user gets it: no decode turned on yet. */
static int open_raw(void)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	int dev;

	groupfd = vfio_open_mdev_group(uuid, group, sizeof(group));
	if (groupfd < 0)
		return -1;
	dev = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (dev < 0)
		goto fail_group;
	info.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info))
		goto fail;
	cfg_off = info.offset;
	info.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info))
		goto fail;
	bar0_off = info.offset;
	slice = info.size;
	info.index = VFIO_PCI_BAR2_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info))
		goto fail;
	bar2_off = info.offset;
	return dev;
fail:
	close(dev);
fail_group:
	close(groupfd);
	return -1;
}

/* The last close of the device: the driver's close_device runs here. */
static void close_dev(int dev)
{
	close(dev);
	close(groupfd);
}

static int region_eio(int dev, off_t at)
{
	uint32_t v;

	errno = 0;
	return pread(dev, &v, 4, at) < 0 && errno == EIO;
}

static int set_irq(int dev, uint32_t index, int32_t fd)
{
	return vfio_set_irq_eventfd(dev, index, VFIO_IRQ_SET_ACTION_TRIGGER, fd);
}

/* Memory decode and power states, on one open device. */
static void check_decode(int dev)
{
	volatile uint64_t *map;

	map = mmap(NULL, slice, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0_off);
	if (map == MAP_FAILED) {
		lab_result(0, "decode-mmap", strerror(errno));
		return;
	}
	lab_result(rd(dev, cfg_off + CFG_COMMAND, 2) == 0, "decode-off-at-power-on",
		   "command register is not 0 on a new open");
	lab_result(touch_faults(map), "decode-off-mapping-sigbus",
		   "the mapping answered with Memory Space off");
	lab_result(region_eio(dev, bar0_off), "decode-off-bar0-eio", "BAR0 read did not fail EIO");
	lab_result(region_eio(dev, bar2_off + DISPI(0)), "decode-off-bar2-eio",
		   "BAR2 read did not fail EIO");
	errno = 0;
	lab_result(wr(dev, bar2_off + DISPI(1), 2, 800) < 0 && errno == EIO,
		   "decode-off-bar2-write-eio", "BAR2 write did not fail EIO");
	lab_result(rd(dev, cfg_off, 4) == 0x11111234, "decode-off-config-answers",
		   "config space did not answer with decode off");

	lab_result(!vfio_enable_memory(dev) && !touch_faults(map), "decode-on-mapping",
		   "the mapping faulted with Memory Space on");
	map[0] = 0x5a5a5a5a5a5a5a5aULL;
	lab_result(rd(dev, bar2_off + DISPI(0), 2) == 0xb0c5, "decode-on-bar2",
		   "BAR2 does not read the dispi ID with decode on");

	/* Turning decode off takes the live mapping away. */
	wr(dev, cfg_off + CFG_COMMAND, 2, CMD_MASTER);
	lab_result(touch_faults(map), "decode-cleared-revokes-mapping",
		   "a live mapping still answered after Memory Space was cleared");
	vfio_enable_memory(dev);

	/* D3hot: only config space answers; D1 is not offered, so ignored. */
	wr(dev, cfg_off + CFG_PMCSR, 2, 3);
	lab_result((rd(dev, cfg_off + CFG_PMCSR, 2) & 3) == 3, "d3hot-entered",
		   "PMCSR does not read D3hot");
	lab_result(touch_faults(map) && region_eio(dev, bar0_off), "d3hot-no-bar-access",
		   "BAR0 answered in D3hot");
	wr(dev, cfg_off + CFG_PMCSR, 2, 1);
	lab_result((rd(dev, cfg_off + CFG_PMCSR, 2) & 3) == 3, "d1-write-ignored",
		   "a write of D1 (not offered) changed the power state");
	wr(dev, bar2_off + DISPI(1), 2, 800);
	/* D3hot to D0 with No_Soft_Reset clear: the function resets. */
	wr(dev, cfg_off + CFG_PMCSR, 2, 0);
	snprintf(why, sizeof(why), "command 0x%x after D3hot->D0",
		 rd(dev, cfg_off + CFG_COMMAND, 2));
	lab_result(rd(dev, cfg_off + CFG_COMMAND, 2) == 0 && touch_faults(map),
		   "d3hot-to-d0-resets", why);
	vfio_enable_memory(dev);
	lab_result(rd(dev, bar2_off + DISPI(1), 2) == 0, "d3hot-to-d0-registers-reset",
		   "XRES survived D3hot->D0");

	/* VFIO_DEVICE_RESET is an FLR: decode off, the mapping revoked. */
	lab_result(!touch_faults(map), "decode-on-again", "the mapping did not come back");
	lab_result(!ioctl(dev, VFIO_DEVICE_RESET) && touch_faults(map),
		   "reset-revokes-mapping", "the mapping answered after reset, decode off");
	lab_result(!vfio_enable_memory(dev) && !touch_faults(map) &&
		   map[0] == 0x5a5a5a5a5a5a5a5aULL, "reset-keeps-vram",
		   "VRAM changed across a reset of the same user");
	munmap((void *)map, slice);
}

static uint64_t pattern(size_t i)
{
	return 0x7e4a7e4a00000000ULL | (uint32_t)(i * 2654435761u);
}

/* One user's session: VRAM, a mode, interrupts.  Leaves dev closed. */
static void dirty_session(int dev, int use_msi)
{
	volatile uint64_t *map;
	uint64_t words[512];
	int efd = eventfd(0, EFD_NONBLOCK);
	size_t i, n = slice / 8;

	vfio_enable_memory(dev);
	wr(dev, cfg_off + CFG_COMMAND, 2, CMD_MEMORY | CMD_MASTER);
	map = mmap(NULL, slice, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0_off);
	if (map == MAP_FAILED) {
		lab_result(0, use_msi ? "msi-session-mmap" : "intx-session-mmap", strerror(errno));
		close_dev(dev);
		return;
	}
	for (i = 0; i < n; i += 512)
		map[i] = pattern(i);
	map[n - 1] = pattern(n - 1);
	munmap((void *)map, slice);
	/* Through the region too: a page in the middle. */
	for (i = 0; i < 512; i++)
		words[i] = pattern(i);
	snprintf(why, sizeof(why), "pwrite of BAR0: %s", strerror(errno));
	lab_result(pwrite(dev, words, sizeof(words), bar0_off + slice / 2) == sizeof(words),
		   use_msi ? "msi-session-region-write" : "intx-session-region-write", why);

	/* A mode, as bochs-drm sets one. */
	wr(dev, bar2_off + DISPI(4), 2, 0);
	wr(dev, bar2_off + DISPI(1), 2, 800);
	wr(dev, bar2_off + DISPI(2), 2, 600);
	wr(dev, bar2_off + DISPI(3), 2, 32);
	wr(dev, bar2_off + DISPI(4), 2, 0x41);
	wr(dev, bar2_off + DISPI(9), 2, 16);

	if (use_msi) {
		wr(dev, cfg_off + CFG_MSI_FLAGS, 2, 1);
		lab_result(!set_irq(dev, VFIO_PCI_MSI_IRQ_INDEX, efd), "msi-session-enable",
			   strerror(errno));
	} else {
		lab_result(!set_irq(dev, VFIO_PCI_INTX_IRQ_INDEX, efd), "intx-session-enable",
			   strerror(errno));
	}
	wr(dev, bar2_off + IRQ_ENABLE, 4, IRQ_SWI);
	wr(dev, bar2_off + IRQ_RAISE, 4, IRQ_SWI);
	lab_result(eventfd_fired(efd, 2000) == 1 &&
		   (rd(dev, cfg_off + CFG_STATUS, 2) & STATUS_INTERRUPT),
		   use_msi ? "msi-session-interrupt-pending" : "intx-session-interrupt-pending",
		   "the raised interrupt did not fire or is not pending");
	close(efd);
	close_dev(dev);
}

/* What the next user finds: @cfg0 and @bar20 are the power-on images. */
static void check_clean(const char *who, const uint8_t *cfg0, const uint8_t *bar20)
{
	uint8_t cfg[256], bar2[4096];
	volatile uint64_t *map;
	size_t i, n, dirty = 0;
	char name[96];
	int dev, efd;

	dev = open_raw();
	snprintf(name, sizeof(name), "%s-reopen", who);
	lab_result(dev >= 0, name, strerror(errno));
	if (dev < 0)
		return;
	snprintf(name, sizeof(name), "%s-config-power-on", who);
	lab_result(pread(dev, cfg, sizeof(cfg), cfg_off) == sizeof(cfg) &&
		   !memcmp(cfg, cfg0, sizeof(cfg)), name,
		   "config space differs from power-on on the next open");
	vfio_enable_memory(dev);
	snprintf(name, sizeof(name), "%s-bar2-power-on", who);
	lab_result(pread(dev, bar2, sizeof(bar2), bar2_off) == sizeof(bar2) &&
		   !memcmp(bar2, bar20, sizeof(bar2)), name,
		   "BAR2 registers differ from power-on on the next open");

	map = mmap(NULL, slice, PROT_READ, MAP_SHARED, dev, bar0_off);
	snprintf(name, sizeof(name), "%s-vram-zero", who);
	if (map == MAP_FAILED) {
		lab_result(0, name, strerror(errno));
	} else {
		n = slice / 8;
		for (i = 0; i < n; i++)
			dirty += map[i] != 0;
		snprintf(why, sizeof(why), "%zu of %zu words of the slice not zero", dirty, n);
		lab_result(!dirty, name, why);
		munmap((void *)map, slice);
	}

	/* Nothing pending: a new INTx eventfd stays quiet. */
	efd = eventfd(0, EFD_NONBLOCK);
	snprintf(name, sizeof(name), "%s-no-interrupt-pending", who);
	lab_result(!set_irq(dev, VFIO_PCI_INTX_IRQ_INDEX, efd) && eventfd_fired(efd, 300) == 0 &&
		   !(rd(dev, cfg_off + CFG_STATUS, 2) & STATUS_INTERRUPT), name,
		   "an interrupt of the last user is still pending");
	close(efd);
	close_dev(dev);
}

/* --- The scrubber (--scrub) ------------------------------------------- */

#define SCRUB_MIB	128
#define PAGE		4096
#define PCI_DEVS	"/sys/bus/pci/devices"
#define PCI_DRV		"/sys/bus/pci/drivers/vslice"

static const char *gpu;

struct vdev {
	char uuid[40];
	int group, dev;
	volatile uint64_t *map;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	close(fd);
	return ok ? 0 : -1;
}

/* A number from a sysfs file, or -1. */
static long read_num(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

static long gpu_attr(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVS "/%s/vslice/%s", gpu, name);
	return read_num(path);
}

static long pending(void)
{
	return gpu_attr("vram_scrub_pending");
}

/* Wait up to @ms for the GPU's free VRAM to be all clean; the ms it took or -1. */
static long wait_clean(long ms)
{
	uint64_t t0 = now_us();

	while (pending() != 0) {
		if (now_us() - t0 > (uint64_t)ms * 1000)
			return -1;
		usleep(20000);
	}
	return (long)((now_us() - t0) / 1000);
}

/* Wait up to 10 s until the scrubber has zeroed part of what is pending. */
static int wait_scrub_started(long from)
{
	uint64_t t0 = now_us();
	long p;

	while ((p = pending()) >= from) {
		if (now_us() - t0 > 10000000)
			return -1;
	}
	return p < 0 ? -1 : 0;
}

static int create(struct vdev *v)
{
	char path[256];
	int fd = open("/proc/sys/kernel/random/uuid", O_RDONLY);

	memset(v, 0, sizeof(*v));
	v->group = v->dev = -1;
	if (fd < 0 || read(fd, v->uuid, 36) != 36) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), PCI_DEVS "/%s/mdev_supported_types/vslice-s%d/create",
		 gpu, SCRUB_MIB);
	return write_str(path, v->uuid);
}

static long offset_mib(const struct vdev *v)
{
	char path[256];
	long off;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vslice/vram_offset", v->uuid);
	off = read_num(path);
	return off < 0 ? -1 : off >> 20;
}

/* Open with decode on and the slice mapped; the µs the open took, or -1. */
static long vopen(struct vdev *v)
{
	uint64_t t0 = now_us(), t1;
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_region_info info = { .argsz = sizeof(info) };
	char grp[64];

	v->group = vfio_open_mdev_group(v->uuid, grp, sizeof(grp));
	if (v->group < 0)
		return -1;
	v->dev = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, v->uuid);
	if (v->dev < 0 || ioctl(v->dev, VFIO_DEVICE_GET_INFO, &dinfo))
		return -1;
	t1 = now_us();
	info.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(v->dev, VFIO_DEVICE_GET_REGION_INFO, &info) ||
	    info.size != (uint64_t)SCRUB_MIB << 20 || vfio_enable_memory(v->dev))
		return -1;
	v->map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, v->dev,
		      info.offset);
	if (v->map == MAP_FAILED) {
		v->map = NULL;
		return -1;
	}
	return (long)(t1 - t0);
}

static void vclose(struct vdev *v)
{
	if (v->map)
		munmap((void *)v->map, (size_t)SCRUB_MIB << 20);
	if (v->dev >= 0)
		close(v->dev);
	if (v->group >= 0)
		close(v->group);
	v->map = NULL;
	v->dev = v->group = -1;
}

static int vremove(struct vdev *v)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", v->uuid);
	return write_str(path, "1");
}

/* Unbind and bind the GPU (no instance on it): the MiB pending after, or -1. */
static long rebind(void)
{
	if (write_str(PCI_DRV "/unbind", gpu) || write_str(PCI_DRV "/bind", gpu))
		return -1;
	return pending();
}

/* One word per page: where a user's pattern goes, and what is checked. */
static void put_pattern(struct vdev *v, uint64_t seed)
{
	size_t i;

	for (i = 0; i < ((size_t)SCRUB_MIB << 20) / PAGE; i++)
		v->map[i * PAGE / 8 + i % (PAGE / 8)] = seed ^ pattern(i);
}

/* Pages whose word is not @seed's pattern (not zero with @zero). */
static size_t bad_pages(struct vdev *v, uint64_t seed, int zero)
{
	size_t i, bad = 0;

	for (i = 0; i < ((size_t)SCRUB_MIB << 20) / PAGE; i++)
		bad += v->map[i * PAGE / 8 + i % (PAGE / 8)] != (zero ? 0 : seed ^ pattern(i));
	return bad;
}

/*
 * Write, close and remove an s128 instance on the lower block: its units
 * are dirty and free until the scrubber comes (a second later).  The
 * close queues the instance's own clear, which the remove cuts short:
 * tried again if that clear won.  Returns the MiB pending, or -1.
 */
static long dirty_lower_block(const char *name)
{
	long p = 0;
	int i;

	for (i = 0; i < 5 && p <= 0; i++) {
		struct vdev a;

		if (create(&a) || offset_mib(&a) != 0 || vopen(&a) < 0) {
			snprintf(why, sizeof(why), "create and open of an s%d at 0: %s",
				 SCRUB_MIB, strerror(errno));
			lab_result(0, name, why);
			vclose(&a);
			vremove(&a);
			return -1;
		}
		put_pattern(&a, 0xd1d1);
		vclose(&a);
		vremove(&a);
		p = pending();
	}
	printf("tenant-check: %ld MiB of the removed slice left to the scrubber (%d tries)\n",
	       p, i);
	snprintf(why, sizeof(why), "%ld MiB pending after the remove of a written slice", p);
	lab_result(p > 0, name, why);
	return p > 0 ? p : -1;
}

static int scrub_main(void)
{
	struct vdev b, c;
	long ms, t, waits, p;
	char path[256];
	size_t bad;
	int round;

	/* 1. After bind and earlier tenants, all free VRAM becomes clean. */
	ms = wait_clean(60000);
	snprintf(why, sizeof(why), "vslice/vram_scrub_pending is still %ld after 60 s", pending());
	lab_result(ms >= 0, "scrub-drains", why);
	printf("tenant-check: free VRAM clean after %ld ms\n", ms);

	/*
	 * 1b. A user that mapped its slice but never touched it leaves it
	 * clean: nothing is left to the scrubber after the remove, whichever
	 * of the close's clear and the remove wins.
	 */
	for (round = 0, p = 0; round < 3 && !p; round++) {
		struct vdev u;

		if (create(&u) || vopen(&u) < 0) {
			lab_result(0, "untouched-slice-stays-clean", strerror(errno));
			vclose(&u);
			vremove(&u);
			return 1;
		}
		vclose(&u);
		vremove(&u);
		p = pending();
	}
	snprintf(why, sizeof(why), "%ld MiB pending after an open that wrote nothing (try %d)",
		 p, round);
	lab_result(p == 0, "untouched-slice-stays-clean", why);

	/* 2. A written slice, removed: its block stays dirty a while. */
	if (dirty_lower_block("removed-slice-pending") < 0)
		return 1;

	/* 3. The same size again: the clean block, and an open that does not wait. */
	waits = gpu_attr("vram_clear_waits");
	if (create(&b)) {
		lab_result(0, "clean-block-preferred", strerror(errno));
		return 1;
	}
	snprintf(why, sizeof(why), "the new s%d is at %ld MiB, on the dirty block; the clean one is at %d",
		 SCRUB_MIB, offset_mib(&b), SCRUB_MIB);
	lab_result(offset_mib(&b) == SCRUB_MIB, "clean-block-preferred", why);
	t = vopen(&b);
	snprintf(why, sizeof(why), "open: %s; vram_clear_waits %ld -> %ld", t < 0 ? strerror(errno) : "ok",
		 waits, gpu_attr("vram_clear_waits"));
	lab_result(t >= 0 && gpu_attr("vram_clear_waits") == waits, "clean-first-open-no-wait", why);
	printf("tenant-check: first open on the clean block took %ld us\n", t);

	/* 4. Only the dirty block fits: its first opener still sees zeros. */
	if (create(&c) || offset_mib(&c) != 0) {
		lab_result(0, "dirty-fit-created", "no s128 at 0");
		return 1;
	}
	lab_result(pending() == 0, "dirty-fit-not-pending",
		   "the dirty block given to an instance is still counted as pending");
	t = vopen(&c);
	bad = t < 0 ? (size_t)-1 : bad_pages(&c, 0, 1);
	snprintf(why, sizeof(why), "%zd pages of the last user's pattern seen (open: %s)",
		 (ssize_t)bad, t < 0 ? strerror(errno) : "ok");
	lab_result(!bad, "dirty-fit-opener-sees-zeros", why);
	printf("tenant-check: first open on the dirty block took %ld us\n", t);

	/*
	 * 5. A create while the scrubber works on the block: the opener sees
	 * zeros, and the scrubber writes nothing after the open.  A bind
	 * makes all of VRAM dirty whatever the instances' clears did, and the
	 * scrubber starts on the lower block a second later.
	 */
	vclose(&b);
	vremove(&b);
	for (round = 0; round < 3; round++) {
		char name[64];

		put_pattern(&c, 0xc1c1);
		vclose(&c);
		vremove(&c);
		snprintf(name, sizeof(name), "mid-scrub-%d-started", round);
		p = rebind();
		snprintf(why, sizeof(why), "%ld MiB pending after bind, then no progress for 10 s", p);
		lab_result(p == 256 && !wait_scrub_started(p), name, why);
		snprintf(name, sizeof(name), "mid-scrub-%d-create", round);
		lab_result(!create(&c) && offset_mib(&c) == 0 && vopen(&c) >= 0, name,
			   "no s128 at 0, or its open failed");
		if (!c.map)
			return 1;
		bad = bad_pages(&c, 0, 1);
		snprintf(name, sizeof(name), "mid-scrub-%d-opener-sees-zeros", round);
		snprintf(why, sizeof(why), "%zu pages not zero", bad);
		lab_result(!bad, name, why);
		put_pattern(&c, 0xe1e1 + round);
		/* Longer than the scrubber takes for the whole block. */
		usleep(300000);
		bad = bad_pages(&c, 0xe1e1 + round, 0);
		snprintf(name, sizeof(name), "mid-scrub-%d-owner-data-kept", round);
		snprintf(why, sizeof(why), "%zu pages of what the owner wrote after its open changed",
			 bad);
		lab_result(!bad, name, why);
	}
	vclose(&c);
	vremove(&c);

	/* 6. Unbind while the scrubber runs, bind again: all dirty, then clean. */
	p = rebind();
	lab_result(p == 256 && !wait_scrub_started(p), "unbind-mid-scrub-started",
		   "the scrubber did not start");
	snprintf(path, sizeof(path), PCI_DRV "/unbind");
	lab_result(!write_str(path, gpu), "unbind-mid-scrub", strerror(errno));
	snprintf(path, sizeof(path), PCI_DRV "/bind");
	lab_result(!write_str(path, gpu), "rebind", strerror(errno));
	p = pending();
	snprintf(why, sizeof(why), "%ld MiB pending right after bind, want 256", p);
	lab_result(p == 256, "rebind-all-dirty", why);

	/* 7. Unload while the scrubber runs. */
	lab_result(!wait_scrub_started(p), "unload-mid-scrub-started", "the scrubber did not start");
	snprintf(why, sizeof(why), "delete_module(vslice_gpu): %s", strerror(errno));
	lab_result(!syscall(__NR_delete_module, "vslice_gpu", O_NONBLOCK), "unload-mid-scrub",
		   why);
	printf("tenant-check: done, %d failed\n", lab_failures);
	return lab_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t cfg0[256], bar20[4096];
	int dev;

	if (argc == 4 && !strcmp(argv[2], "--scrub")) {
		lab_suite = argv[1];
		gpu = argv[3];
		return scrub_main();
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s SUITE UUID | %s SUITE --scrub GPU_BDF\n", argv[0],
			argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	uuid = argv[2];

	dev = open_raw();
	lab_result(dev >= 0, "open", strerror(errno));
	if (dev < 0)
		return 1;
	lab_result(pread(dev, cfg0, sizeof(cfg0), cfg_off) == sizeof(cfg0), "power-on-config",
		   strerror(errno));
	check_decode(dev);
	vfio_enable_memory(dev);
	lab_result(pread(dev, bar20, sizeof(bar20), bar2_off) == sizeof(bar20), "power-on-bar2",
		   strerror(errno));
	close_dev(dev);

	dev = open_raw();
	if (dev >= 0)
		dirty_session(dev, 0);
	check_clean("after-intx-session", cfg0, bar20);
	dev = open_raw();
	if (dev >= 0)
		dirty_session(dev, 1);
	check_clean("after-msi-session", cfg0, bar20);
	printf("tenant-check: done, %d failed\n", lab_failures);
	return lab_failures ? 1 : 0;
}
