// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail-nth: one operation on the vGPU stack with the Nth fault-injection
 * point of the calling thread made to fail (/proc/thread-self/fail-nth,
 * failslab), for sweeps that walk N = 1, 2, ... through every allocation
 * an operation makes (t-95-faults.sh).
 *
 * usage: fail-nth N write PATH DATA
 *        fail-nth N open-device UUID
 *        fail-nth N set-irqs UUID
 *
 * write:       one write(2) of DATA (sysfs-write's escapes) to PATH, opened
 *              before arming, so that only the write itself is swept.
 * open-device: VFIO_GROUP_GET_DEVICE_FD on a group and container set up
 *              before arming; the fd is closed afterwards.
 * set-irqs:    on a device opened before arming, SET_IRQS enabling INTx
 *              with a trigger eventfd, then an unmask (resample) eventfd;
 *              then, disarmed, the same two again, which must work
 *              whatever the armed attempt left, and INTx disabled.
 *
 * Prints "<INJECTED|CLEAN> <OK|errno name>": INJECTED when the Nth point
 * was reached (the fault fired), CLEAN when the operation made fewer than
 * N (the sweep is done).  set-irqs appends " RECOVERED" or
 * " NOT-RECOVERED <errno name>" for the disarmed retry.  Exits 0 when it
 * could run the operation at all, 2 otherwise.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/eventfd.h>

#include "vfio_util.h"

static int nth_fd = -1;

static int arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		return -1;
	return write(nth_fd, buf, len) == len ? 0 : -1;
}

/*
 * Disarms, then prints "<INJECTED|CLEAN> <OK|errno name>" for an operation
 * that failed with @err (0: succeeded), without a newline.  Returns 0, or
 * -1 when fail-nth could not be read back.
 */
static int disarm_and_report(int err)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	/* Writing 0 disarms a count that the operation did not reach. */
	if (pwrite(nth_fd, "0", 1, 0) != 1 || n <= 0)
		return -1;
	close(nth_fd);
	/* The count ran down to zero: the fault fired. */
	printf("%s %s", atoi(buf) == 0 ? "INJECTED" : "CLEAN",
	       err ? strerrorname_np(err) : "OK");
	return 0;
}

static int do_write(unsigned int n, const char *path, const char *data)
{
	int fd = open(path, O_WRONLY), err = 0;
	size_t len = strlen(data);
	char *buf = malloc(len + 1), *out = buf;

	if (fd < 0 || !buf) {
		perror(path);
		return 2;
	}
	/* The escapes sysfs-write takes that the sweeps use: \n. */
	for (const char *in = data; *in; in++) {
		if (in[0] == '\\' && in[1] == 'n') {
			*out++ = '\n';
			in++;
		} else {
			*out++ = *in;
		}
	}
	if (arm(n))
		return 2;
	if (write(fd, buf, out - buf) < 0)
		err = errno;
	if (disarm_and_report(err))
		return 2;
	printf("\n");
	close(fd);
	return 0;
}

static int do_open_device(unsigned int n, const char *uuid)
{
	int groupfd, device, err = 0;
	char group[64];

	groupfd = vfio_open_mdev_group(uuid, group, sizeof(group));
	if (groupfd < 0)
		return 2;
	if (arm(n))
		return 2;
	device = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (device < 0)
		err = errno;
	if (disarm_and_report(err))
		return 2;
	printf("\n");
	if (device >= 0)
		close(device);
	return 0;
}

static int set_irq(int device, unsigned int index, unsigned int action, int fd)
{
	return vfio_set_irq_eventfd(device, index, action, fd);
}

static int intx_enable(int device, int trigger, int unmask)
{
	int err = set_irq(device, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, trigger);

	return err ? err : set_irq(device, VFIO_PCI_INTX_IRQ_INDEX,
				   VFIO_IRQ_SET_ACTION_UNMASK, unmask);
}

static int do_set_irqs(unsigned int n, const char *uuid)
{
	struct vfio_irq_set off = {
		.argsz = sizeof(off), .index = VFIO_PCI_INTX_IRQ_INDEX,
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	int trigger = eventfd(0, EFD_CLOEXEC), unmask = eventfd(0, EFD_CLOEXEC);
	char group[64];
	int device, err;

	device = vfio_open_mdev(uuid, group, sizeof(group));
	if (device < 0 || trigger < 0 || unmask < 0)
		return 2;
	if (arm(n))
		return 2;
	err = intx_enable(device, trigger, unmask);
	if (disarm_and_report(err))
		return 2;
	err = intx_enable(device, trigger, unmask);
	if (!err && ioctl(device, VFIO_DEVICE_SET_IRQS, &off))
		err = errno;
	if (err)
		printf(" NOT-RECOVERED %s\n", strerrorname_np(err));
	else
		printf(" RECOVERED\n");
	close(device);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n;

	if (argc < 4 || !(n = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: %s N write PATH DATA | N open-device UUID | N set-irqs UUID\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[2], "write") && argc == 5)
		return do_write(n, argv[3], argv[4]);
	if (!strcmp(argv[2], "open-device") && argc == 4)
		return do_open_device(n, argv[3]);
	if (!strcmp(argv[2], "set-irqs") && argc == 4)
		return do_set_irqs(n, argv[3]);
	fprintf(stderr, "%s: unknown operation %s\n", argv[0], argv[2]);
	return 2;
}
