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
 *        fail-nth N mig-state UUID FROM TO
 *        fail-nth N mig-load UUID
 *
 * write:       one write(2) of DATA (sysfs-write's escapes) to PATH, opened
 *              before arming, so that only the write itself is swept.
 * open-device: VFIO_GROUP_GET_DEVICE_FD on a group and container set up
 *              before arming; the fd is closed afterwards.
 * set-irqs:    on a device opened before arming, SET_IRQS enabling INTx
 *              with a trigger eventfd, then an unmask (resample) eventfd;
 *              then, disarmed, the same two again, which must work
 *              whatever the armed attempt left, and INTx disabled.
 * mig-state:   on a device opened before arming and moved to migration
 *              state FROM (a number of enum vfio_device_mig_state), the
 *              SET to state TO; a save fd it leaves (new, or FROM's for
 *              PRE_COPY -> STOP_COPY) must give stream bytes.  After a
 *              failure the device must still be in FROM, and after a
 *              reset the same two moves, disarmed, must work.
 * mig-load:    a stream saved (stop-copy) from the device, then, armed
 *              from STOP on: RESUMING, the stream written back, RESUMING
 *              -> STOP.  After a failure the device must be in STOP (no
 *              resume fd came) or still in RESUMING, and after a reset
 *              the same load, disarmed, must work and reach RUNNING.
 *
 * Prints "<INJECTED|CLEAN> <OK|errno name>": INJECTED when the Nth point
 * was reached (the fault fired), CLEAN when the operation made fewer than
 * N (the sweep is done).  set-irqs, mig-state and mig-load append
 * " RECOVERED" or " NOT-RECOVERED <what went wrong>" for the checks after
 * it and the disarmed retry.  Exits 0 when it
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

/* --- Migration ----------------------------------------------------- */

static int mig_feature(int device, uint32_t flags, struct vfio_device_feature_mig_state *m)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) + sizeof(*m) + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int err;

	f->argsz = sizeof(*f) + sizeof(*m);
	f->flags = flags | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	memcpy(f->data, m, sizeof(*m));
	err = ioctl(device, VFIO_DEVICE_FEATURE, f) ? errno : 0;
	memcpy(m, f->data, sizeof(*m));
	return err;
}

/* SET @state: 0 or the errno; *@fd gets the data fd, or -1. */
static int mig_set(int device, uint32_t state, int *fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -1 };
	int err = mig_feature(device, VFIO_DEVICE_FEATURE_SET, &m);

	*fd = err ? -1 : m.data_fd;
	return err;
}

/* The state, or ~0 when it cannot be read. */
static uint32_t mig_get(int device)
{
	struct vfio_device_feature_mig_state m = { .data_fd = -1 };

	return mig_feature(device, VFIO_DEVICE_FEATURE_GET, &m) ? ~0u : m.device_state;
}

/* A reset that must end in RUNNING; 0 or a reason printed. */
static int mig_reset(int device)
{
	if (ioctl(device, VFIO_DEVICE_RESET)) {
		printf(" NOT-RECOVERED reset: %s\n", strerrorname_np(errno));
		return -1;
	}
	if (mig_get(device) != VFIO_DEVICE_STATE_RUNNING) {
		printf(" NOT-RECOVERED state %u after a reset\n", mig_get(device));
		return -1;
	}
	return 0;
}

/* Reads the whole stop-copy stream of @fd into *@buf; 0 or the errno. */
static int read_all(int fd, uint8_t **buf, size_t *len)
{
	size_t cap = 0;
	ssize_t n;

	*len = 0;
	for (;;) {
		if (*len + (1 << 20) > cap) {
			uint8_t *p = realloc(*buf, cap = cap * 2 + (1 << 20));

			if (!p)
				return ENOMEM;
			*buf = p;
		}
		n = read(fd, *buf + *len, 1 << 20);
		if (n < 0)
			return errno;
		if (!n)
			return 0;
		*len += n;
	}
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	for (size_t off = 0; off < len; off += n) {
		n = write(fd, buf + off, len - off > 65537 ? 65537 : len - off);
		if (n <= 0)
			return n < 0 ? errno : EIO;
	}
	return 0;
}

/* Whether a save fd gives stream bytes. */
static int save_fd_reads(int fd)
{
	uint8_t b[256];

	return read(fd, b, sizeof(b)) > 0;
}

static int is_save_state(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P ||
	       s == VFIO_DEVICE_STATE_STOP_COPY;
}

static int do_mig_state(unsigned int n, const char *uuid, uint32_t from, uint32_t to)
{
	int device, err, fd = -1, fd2 = -1, ok = 0;
	char group[64];

	device = vfio_open_mdev(uuid, group, sizeof(group));
	if (device < 0)
		return 2;
	if (from != VFIO_DEVICE_STATE_RUNNING && (err = mig_set(device, from, &fd))) {
		fprintf(stderr, "fail-nth: unarmed move to %u: %s\n", from, strerror(err));
		return 2;
	}
	if (arm(n))
		return 2;
	err = mig_set(device, to, &fd2);
	if (disarm_and_report(err))
		return 2;
	if (!err) {
		int save = fd2 >= 0 ? fd2 : fd;

		if (mig_get(device) != to)
			printf(" NOT-RECOVERED state %u after the move to %u\n", mig_get(device), to);
		else if (to == VFIO_DEVICE_STATE_RESUMING && fd2 < 0)
			printf(" NOT-RECOVERED no resume fd\n");
		else if (is_save_state(to) && (save < 0 || !save_fd_reads(save)))
			printf(" NOT-RECOVERED the save fd gives no stream\n");
		else
			ok = 1;
	} else if (fd2 >= 0) {
		printf(" NOT-RECOVERED a data fd came with the failure\n");
	} else if (mig_get(device) != from) {
		printf(" NOT-RECOVERED state %u after the failed move, want %u\n",
		       mig_get(device), from);
	} else if (!mig_reset(device)) {
		if (fd >= 0)
			close(fd);
		fd = -1;
		err = from == VFIO_DEVICE_STATE_RUNNING ? 0 : mig_set(device, from, &fd);
		if (!err)
			err = mig_set(device, to, &fd2);
		if (err)
			printf(" NOT-RECOVERED the disarmed retry: %s\n", strerrorname_np(err));
		else
			ok = 1;
	}
	if (ok && !mig_reset(device))
		printf(" RECOVERED\n");
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	close(device);
	return 0;
}

/*
 * From STOP: RESUMING, the stream, RESUMING -> STOP; armed with @armed_n
 * from the move to RESUMING on unless it is 0.  Returns 0 or the errno
 * of the first failure, with *@want the state a failure must leave
 * (STOP when RESUMING was not reached, else RESUMING); -1 when a step
 * before arming failed, or arming did.
 */
static int load(int device, const uint8_t *buf, size_t len, unsigned int armed_n,
		uint32_t *want)
{
	int fd, none, err;

	if (mig_set(device, VFIO_DEVICE_STATE_STOP, &none) || (armed_n && arm(armed_n)))
		return -1;
	*want = VFIO_DEVICE_STATE_STOP;
	err = mig_set(device, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (err)
		return err;
	*want = VFIO_DEVICE_STATE_RESUMING;
	err = write_all(fd, buf, len);
	if (!err)
		err = mig_set(device, VFIO_DEVICE_STATE_STOP, &none);
	close(fd);
	return err;
}

static int do_mig_load(unsigned int n, const char *uuid)
{
	uint32_t want = 0, dummy;
	uint8_t *buf = NULL;
	int device, err, fd;
	char group[64];
	size_t len;

	device = vfio_open_mdev(uuid, group, sizeof(group));
	if (device < 0)
		return 2;
	err = mig_set(device, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (!err)
		err = fd < 0 ? EBADF : read_all(fd, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (err || ioctl(device, VFIO_DEVICE_RESET)) {
		fprintf(stderr, "fail-nth: saving the stream: %s\n", strerror(err ? err : errno));
		return 2;
	}
	err = load(device, buf, len, n, &want);
	if (err < 0 || disarm_and_report(err))
		return 2;
	if (!err) {
		if (mig_get(device) != VFIO_DEVICE_STATE_STOP)
			printf(" NOT-RECOVERED state %u after the load\n", mig_get(device));
		else if (!mig_reset(device))
			printf(" RECOVERED\n");
	} else if (mig_get(device) != want) {
		printf(" NOT-RECOVERED state %u after the failed load, want %u\n",
		       mig_get(device), want);
	} else if (!mig_reset(device)) {
		err = load(device, buf, len, 0, &dummy);
		if (!err && mig_set(device, VFIO_DEVICE_STATE_RUNNING, &fd))
			err = errno;
		if (err)
			printf(" NOT-RECOVERED the disarmed load: %s\n",
			       err < 0 ? "cannot reach STOP" : strerrorname_np(err));
		else
			printf(" RECOVERED\n");
	}
	free(buf);
	close(device);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n;

	if (argc < 4 || !(n = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: %s N write PATH DATA | N open-device UUID | N set-irqs UUID"
			" | N mig-state UUID FROM TO | N mig-load UUID\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[2], "write") && argc == 5)
		return do_write(n, argv[3], argv[4]);
	if (!strcmp(argv[2], "open-device") && argc == 4)
		return do_open_device(n, argv[3]);
	if (!strcmp(argv[2], "set-irqs") && argc == 4)
		return do_set_irqs(n, argv[3]);
	if (!strcmp(argv[2], "mig-state") && argc == 6)
		return do_mig_state(n, argv[3], strtoul(argv[4], NULL, 0), strtoul(argv[5], NULL, 0));
	if (!strcmp(argv[2], "mig-load") && argc == 4)
		return do_mig_load(n, argv[3]);
	fprintf(stderr, "%s: unknown operation %s\n", argv[0], argv[2]);
	return 2;
}
