// SPDX-License-Identifier: GPL-2.0-only
/*
 * tenant-check SUITE UUID
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
 * Prints VSLICE-RESULT lines; exits 1 if any check failed.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "lab_result.h"
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

static sigjmp_buf fault_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Whether reading one word through the mapping raises SIGBUS. */
static int touch_faults(volatile uint64_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile int faulted = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(fault_jmp, 1))
		faulted = 1;
	else
		(void)*p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
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

int main(int argc, char **argv)
{
	uint8_t cfg0[256], bar20[4096];
	int dev;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SUITE UUID\n", argv[0]);
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
