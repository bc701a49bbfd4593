// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq-check: the interrupts of a vGPU through the VFIO device fd, as
 * QEMU uses them.  GET_IRQ_INFO of every index; INTx (level, automasked,
 * masked and unmasked by SET_IRQS and by a resample eventfd, gated by
 * the command register's Interrupt Disable) and MSI (one message per
 * rising edge), both raised by the guest-visible software interrupt
 * register; the loopback triggers; every malformed SET_IRQS refused with
 * its errno and nothing changed; and the REQ eventfd, signalled when the
 * device is removed while open, after which the removal completes.
 *
 * usage: irq-check SUITE UUID [--raise-and-close|--quiet-intx]
 * Prints one VSLICE-RESULT line per check (tests/README.md).
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>

#include "lab_result.h"
#include "vfio_util.h"

#define IRQ_STATUS	0x710
#define IRQ_ENABLE	0x714
#define IRQ_RAISE	0x718
#define IRQ_SWI		0x1
#define CFG_COMMAND	0x04
#define CFG_STATUS	0x06
#define CMD_MEMORY	0x0002
#define CMD_INTX_DISABLE 0x0400
#define STATUS_INTERRUPT 0x0008

#define INTX VFIO_PCI_INTX_IRQ_INDEX
#define MSI VFIO_PCI_MSI_IRQ_INDEX
#define REQ VFIO_PCI_REQ_IRQ_INDEX

static int device;
static uint64_t bar2, cfg;
static char why[256];

static uint32_t rd(uint64_t base, uint64_t off, size_t len)
{
	uint32_t v = 0;

	if (pread(device, &v, len, base + off) != (ssize_t)len)
		return 0xffffffff;
	return v;
}

static void wr(uint64_t base, uint64_t off, size_t len, uint32_t v)
{
	if (pwrite(device, &v, len, base + off) != (ssize_t)len)
		fprintf(stderr, "irq-check: write at %#llx: %s\n",
			(unsigned long long)(base + off), strerror(errno));
}

static uint64_t region(unsigned int index)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	return ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info) ? ~0ULL : info.offset;
}

/* SET_IRQS with up to one vector of data; returns 0 or the errno. */
static int set_irqs(uint32_t index, uint32_t flags, uint32_t start,
		    uint32_t count, int32_t data, uint32_t argsz)
{
	struct {
		struct vfio_irq_set hdr;
		int32_t data;
	} req = {
		.hdr = { .argsz = argsz, .flags = flags, .index = index,
			 .start = start, .count = count },
		.data = data,
	};

	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		memcpy(req.hdr.data, &data, 1);
	return ioctl(device, VFIO_DEVICE_SET_IRQS, &req) ? errno : 0;
}

static int set_fd(uint32_t index, uint32_t action, int32_t fd)
{
	return set_irqs(index, VFIO_IRQ_SET_DATA_EVENTFD | action, 0, 1, fd,
			sizeof(struct vfio_irq_set) + 4);
}

static int set_none(uint32_t index, uint32_t action, uint32_t count)
{
	return set_irqs(index, VFIO_IRQ_SET_DATA_NONE | action, 0, count, 0,
			sizeof(struct vfio_irq_set));
}

static uint64_t fired(int efd, int ms)
{
	return eventfd_fired(efd, ms);
}

/* A check that a SET_IRQS was refused with the expected errno. */
static void refused(const char *name, int got, int want)
{
	snprintf(why, sizeof(why), "want %s, got %s", strerror(want),
		 got ? strerror(got) : "success");
	lab_result(got == want, name, why);
}

static void expect_fired(const char *name, int efd, uint64_t want, int ms)
{
	uint64_t n = fired(efd, ms);

	snprintf(why, sizeof(why), "eventfd signalled %llu times, want %llu",
		 (unsigned long long)n, (unsigned long long)want);
	lab_result(n == want, name, why);
}

static void check_info(void)
{
	static const uint32_t counts[VFIO_PCI_NUM_IRQS] = { 1, 1, 0, 0, 1 };
	struct vfio_irq_info info;
	unsigned int i;
	int ok = 1;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		if (i == VFIO_PCI_ERR_IRQ_INDEX)
			continue;
		memset(&info, 0xff, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		if (ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &info) || info.count != counts[i])
			ok = 0;
		else if (i == INTX && info.flags != (VFIO_IRQ_INFO_EVENTFD |
			 VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED))
			ok = 0;
		else if ((i == MSI || i == REQ) &&
			 info.flags != (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE))
			ok = 0;
		if (!ok) {
			snprintf(why, sizeof(why), "index %u: count %u flags %#x", i,
				 info.count, info.flags);
			break;
		}
	}
	lab_result(ok, "irq-info", why);

	/* No AER on a conventional PCI function: the index does not exist. */
	info.argsz = sizeof(info);
	info.index = VFIO_PCI_ERR_IRQ_INDEX;
	refused("irq-info-err-index-einval",
		ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &info) ? errno : 0, EINVAL);
	info.argsz = sizeof(info);
	info.index = VFIO_PCI_NUM_IRQS;
	errno = 0;
	refused("irq-info-bad-index-einval",
		ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &info) ? errno : 0, EINVAL);
	info.argsz = 8;
	info.index = 0;
	refused("irq-info-small-argsz-einval",
		ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &info) ? errno : 0, EINVAL);
}

/* Every malformed request, while INTx is enabled with `intx`. */
static void check_bad_requests(int intx)
{
	int notefd = open("/proc/self/stat", O_RDONLY);
	uint32_t trig = VFIO_IRQ_SET_ACTION_TRIGGER;

	refused("set-irqs-bad-index-einval", set_none(VFIO_PCI_NUM_IRQS, trig, 0), EINVAL);
	refused("set-irqs-msix-einval", set_fd(VFIO_PCI_MSIX_IRQ_INDEX, trig, intx), EINVAL);
	refused("set-irqs-err-einval", set_fd(VFIO_PCI_ERR_IRQ_INDEX, trig, intx), EINVAL);
	refused("set-irqs-start-past-end-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_EVENTFD | trig, 1, 1, intx,
			 sizeof(struct vfio_irq_set) + 4), EINVAL);
	refused("set-irqs-count-past-end-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_NONE | trig, 0, 2, 0,
			 sizeof(struct vfio_irq_set)), EINVAL);
	refused("set-irqs-start-overflow-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_NONE | trig, 0xffffffff, 1, 0,
			 sizeof(struct vfio_irq_set)), EINVAL);
	refused("set-irqs-argsz-short-of-data-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 1, intx,
			 sizeof(struct vfio_irq_set) + 2), EINVAL);
	refused("set-irqs-small-argsz-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, 0, 8), EINVAL);
	refused("set-irqs-two-data-types-einval",
		set_irqs(MSI, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | trig,
			 0, 1, 1, sizeof(struct vfio_irq_set) + 4), EINVAL);
	refused("set-irqs-two-actions-einval",
		set_irqs(INTX, VFIO_IRQ_SET_DATA_NONE | trig | VFIO_IRQ_SET_ACTION_MASK,
			 0, 1, 0, sizeof(struct vfio_irq_set)), EINVAL);
	refused("set-irqs-unknown-flag-einval",
		set_irqs(INTX, VFIO_IRQ_SET_DATA_NONE | trig | 0x1000, 0, 1, 0,
			 sizeof(struct vfio_irq_set)), EINVAL);
	refused("set-irqs-negative-fd-einval", set_fd(REQ, trig, -2), EINVAL);
	refused("set-irqs-closed-fd-ebadf", set_fd(REQ, trig, 1000), EBADF);
	refused("set-irqs-not-an-eventfd-einval", set_fd(REQ, trig, notefd), EINVAL);
	refused("set-irqs-msi-while-intx-einval", set_fd(MSI, trig, intx), EINVAL);
	refused("set-irqs-mask-msi-enotty", set_none(MSI, VFIO_IRQ_SET_ACTION_MASK, 1),
		ENOTTY);
	refused("set-irqs-mask-intx-by-eventfd-enotty",
		set_fd(INTX, VFIO_IRQ_SET_ACTION_MASK, intx), ENOTTY);
	refused("set-irqs-unmask-bad-fd-keeps-state",
		set_fd(INTX, VFIO_IRQ_SET_ACTION_UNMASK, notefd), EINVAL);
	refused("set-irqs-disable-with-bool-einval",
		set_irqs(INTX, VFIO_IRQ_SET_DATA_BOOL | trig, 0, 0, 0,
			 sizeof(struct vfio_irq_set)), EINVAL);
	close(notefd);
}

static void check_intx(void)
{
	int intx = eventfd(0, EFD_NONBLOCK), resample = eventfd(0, EFD_NONBLOCK);
	uint64_t one = 1;

	refused("intx-unmask-while-disabled-einval",
		set_none(INTX, VFIO_IRQ_SET_ACTION_UNMASK, 1), EINVAL);
	lab_result(!set_fd(INTX, VFIO_IRQ_SET_ACTION_TRIGGER, intx), "intx-enable",
		   strerror(errno));

	wr(bar2, IRQ_ENABLE, 4, IRQ_SWI);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("intx-raised", intx, 1, 2000);
	lab_result(rd(cfg, CFG_STATUS, 2) & STATUS_INTERRUPT, "intx-config-status-set",
		   "Interrupt Status not set while the line is asserted");
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("intx-automasked", intx, 0, 200);

	/* Malformed requests change nothing: INTx still masked, still there. */
	check_bad_requests(intx);
	expect_fired("intx-still-masked-after-refusals", intx, 0, 200);

	/* Unmasking a line still asserted delivers again. */
	lab_result(!set_none(INTX, VFIO_IRQ_SET_ACTION_UNMASK, 1), "intx-unmask",
		   strerror(errno));
	expect_fired("intx-unmask-redelivers", intx, 1, 2000);

	/* The guest acks: line low, unmask delivers nothing. */
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	lab_result(!(rd(cfg, CFG_STATUS, 2) & STATUS_INTERRUPT), "intx-config-status-clear",
		   "Interrupt Status still set after the guest cleared the cause");
	set_none(INTX, VFIO_IRQ_SET_ACTION_UNMASK, 1);
	expect_fired("intx-acked-line-quiet", intx, 0, 200);

	/* Masked by the user: a new interrupt waits for the unmask. */
	lab_result(!set_none(INTX, VFIO_IRQ_SET_ACTION_MASK, 1), "intx-mask", strerror(errno));
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("intx-masked-holds", intx, 0, 200);
	set_irqs(INTX, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, 1,
		 sizeof(struct vfio_irq_set) + 1);
	expect_fired("intx-bool-unmask-delivers", intx, 1, 2000);

	/* KVM's path: the resample eventfd unmasks. */
	lab_result(!set_fd(INTX, VFIO_IRQ_SET_ACTION_UNMASK, resample), "intx-resample-set",
		   strerror(errno));
	if (write(resample, &one, sizeof(one)) != sizeof(one))
		perror("resample");
	expect_fired("intx-resample-unmasks", intx, 1, 2000);
	lab_result(!set_fd(INTX, VFIO_IRQ_SET_ACTION_UNMASK, -1), "intx-resample-clear",
		   strerror(errno));
	if (write(resample, &one, sizeof(one)) != sizeof(one))
		perror("resample");
	expect_fired("intx-resample-cleared-quiet", intx, 0, 300);

	/* Interrupt Disable gates the line; clearing it delivers. */
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	set_none(INTX, VFIO_IRQ_SET_ACTION_UNMASK, 1);
	wr(cfg, CFG_COMMAND, 2, CMD_MEMORY | CMD_INTX_DISABLE);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("intx-disable-bit-gates", intx, 0, 200);
	wr(cfg, CFG_COMMAND, 2, CMD_MEMORY);
	expect_fired("intx-disable-bit-cleared-delivers", intx, 1, 2000);

	/* Loopback, then INTx off: nothing more arrives. */
	lab_result(!set_none(INTX, VFIO_IRQ_SET_ACTION_TRIGGER, 1), "intx-loopback",
		   strerror(errno));
	expect_fired("intx-loopback-fires", intx, 1, 2000);
	lab_result(!set_none(INTX, VFIO_IRQ_SET_ACTION_TRIGGER, 0), "intx-disable",
		   strerror(errno));
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("intx-disabled-quiet", intx, 0, 200);
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	close(intx);
	close(resample);
}

static void check_msi(void)
{
	int msi = eventfd(0, EFD_NONBLOCK), intx = eventfd(0, EFD_NONBLOCK);

	lab_result(!set_fd(MSI, VFIO_IRQ_SET_ACTION_TRIGGER, msi), "msi-enable",
		   strerror(errno));
	refused("intx-while-msi-einval", set_fd(INTX, VFIO_IRQ_SET_ACTION_TRIGGER, intx),
		EINVAL);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("msi-raised", msi, 1, 2000);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("msi-one-per-edge", msi, 0, 200);
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("msi-next-edge", msi, 1, 2000);

	/* Reset drops the line with the registers; a raise needs re-enabling. */
	lab_result(!ioctl(device, VFIO_DEVICE_RESET) && !vfio_enable_memory(device), "reset",
		   strerror(errno));
	lab_result(rd(bar2, IRQ_STATUS, 4) == 0 && rd(bar2, IRQ_ENABLE, 4) == 0 &&
		   !(rd(cfg, CFG_STATUS, 2) & STATUS_INTERRUPT), "reset-clears-interrupt",
		   "interrupt registers or Interrupt Status survived reset");
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("msi-quiet-after-reset", msi, 0, 200);
	wr(bar2, IRQ_ENABLE, 4, IRQ_SWI);
	expect_fired("msi-enable-pending-edge", msi, 1, 2000);

	lab_result(!set_fd(MSI, VFIO_IRQ_SET_ACTION_TRIGGER, -1), "msi-disable",
		   strerror(errno));
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
	expect_fired("msi-disabled-quiet", msi, 0, 200);
	wr(bar2, IRQ_STATUS, 4, IRQ_SWI);
	close(msi);
	close(intx);
}

/*
 * Remove the device while it is open: VFIO asks through REQ, we close,
 * and the removal returns.  A child does the removal, which blocks.
 */
static void check_req(const char *uuid)
{
	int req = eventfd(0, EFD_NONBLOCK), status = 0;
	char path[128];
	pid_t child;
	int i;

	lab_result(!set_fd(REQ, VFIO_IRQ_SET_ACTION_TRIGGER, req), "req-set", strerror(errno));
	lab_result(!set_none(REQ, VFIO_IRQ_SET_ACTION_TRIGGER, 1), "req-loopback",
		   strerror(errno));
	expect_fired("req-loopback-fires", req, 1, 2000);

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	child = fork();
	if (child == 0) {
		int fd;

		/* Our copy of the device fd would keep it open forever. */
		close(device);
		fd = open(path, O_WRONLY);

		_exit(fd >= 0 && write(fd, "1", 1) == 1 ? 0 : 1);
	}
	expect_fired("req-signalled-on-remove", req, 1, 20000);
	lab_result(waitpid(child, &status, WNOHANG) == 0, "remove-waits-while-open",
		   "the removal returned while the device was still open");
	close(device);
	for (i = 0; i < 200 && waitpid(child, &status, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 200) {
		kill(child, SIGKILL);
		lab_result(0, "remove-completes-after-close",
			   "the removal still blocks 20 s after the device was closed");
		return;
	}
	lab_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "remove-completes-after-close", "the write to remove failed");
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	lab_result(access(path, F_OK) != 0, "removed-device-gone", "the mdev is still there");
}

/*
 * --raise-and-close: leave the device with its interrupt asserted.
 * --quiet-intx: after something reset the registers while the device was
 * closed, enabling INTx must not deliver the stale line.
 */
static void check_across_close(const char *mode)
{
	int intx = eventfd(0, EFD_NONBLOCK);

	if (!strcmp(mode, "--raise-and-close")) {
		wr(bar2, IRQ_ENABLE, 4, IRQ_SWI);
		wr(bar2, IRQ_RAISE, 4, IRQ_SWI);
		lab_result(rd(cfg, CFG_STATUS, 2) & STATUS_INTERRUPT, "line-left-asserted",
			   "Interrupt Status not set after a raise");
	} else {
		lab_result(!(rd(cfg, CFG_STATUS, 2) & STATUS_INTERRUPT), "line-low-after-reset",
			   "Interrupt Status still set after the registers were reset");
		lab_result(!set_fd(INTX, VFIO_IRQ_SET_ACTION_TRIGGER, intx), "intx-enable-reopened",
			   strerror(errno));
		expect_fired("no-stale-intx", intx, 0, 300);
	}
	close(intx);
}

int main(int argc, char **argv)
{
	char group[64];

	if (argc != 3 && !(argc == 4 && (!strcmp(argv[3], "--raise-and-close") ||
					 !strcmp(argv[3], "--quiet-intx")))) {
		fprintf(stderr, "usage: %s SUITE UUID [--raise-and-close|--quiet-intx]\n",
			argv[0]);
		return 2;
	}
	lab_suite = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	device = vfio_open_mdev(argv[2], group, sizeof(group));
	if (device < 0) {
		lab_result(0, "irq-open", "cannot open the device");
		return 1;
	}
	bar2 = region(VFIO_PCI_BAR2_REGION_INDEX);
	cfg = region(VFIO_PCI_CONFIG_REGION_INDEX);
	if (argc == 4) {
		check_across_close(argv[3]);
		return lab_failures ? 1 : 0;
	}

	check_info();
	check_intx();
	check_msi();
	check_req(argv[2]);
	return lab_failures ? 1 : 0;
}
