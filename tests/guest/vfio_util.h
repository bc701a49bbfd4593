/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opening an mdev through VFIO the way QEMU does on a kernel without
 * iommufd: container, group, SET_IOMMU(TYPE1v2), GET_DEVICE_FD.  Shared
 * by the lab clients (each is one static binary).
 */
#ifndef VSLICE_VFIO_UTIL_H
#define VSLICE_VFIO_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * The group of an mdev, set into a new TYPE1v2 container: everything
 * short of GET_DEVICE_FD.  Prints what failed; returns the group fd or
 * -1.  The group fd keeps the container in use.
 */
static inline int vfio_open_mdev_group(const char *uuid, char *group, size_t grouplen)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char link[PATH_MAX], path[PATH_MAX];
	int container, groupfd;
	const char *what;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		what = path;
		goto fail;
	}
	link[n] = '\0';
	snprintf(group, grouplen, "%s", strrchr(link, '/') + 1);

	what = "/dev/vfio/vfio";
	container = open(what, O_RDWR);
	if (container < 0)
		goto fail;
	what = "VFIO_GET_API_VERSION";
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		goto fail;
	what = "VFIO_CHECK_EXTENSION(TYPE1v2): no TYPE1 IOMMU backend (modprobe vfio_iommu_type1)";
	errno = ENODEV;
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		goto fail;

	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	what = path;
	groupfd = open(path, O_RDWR);
	if (groupfd < 0)
		goto fail;
	what = "VFIO_GROUP_GET_STATUS";
	if (ioctl(groupfd, VFIO_GROUP_GET_STATUS, &status))
		goto fail;
	what = "group not viable";
	errno = EBUSY;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto fail;
	what = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(groupfd, VFIO_GROUP_SET_CONTAINER, &container))
		goto fail;
	what = "VFIO_SET_IOMMU";
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto fail;
	return groupfd;
fail:
	fprintf(stderr, "vfio: %s: %s\n", what, strerror(errno));
	return -1;
}

/*
 * Turn on Memory Space decode in the device's command register, as a
 * guest driver's pci_enable_device() does: a vGPU answers BAR0 and BAR2
 * accesses only while it decodes memory, and power-on and every reset
 * leave decode off.  Returns 0, or -1 with errno set.
 */
static inline int vfio_enable_memory(int device)
{
	const off_t cmd = ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 0x04;
	uint16_t v;

	if (pread(device, &v, 2, cmd) != 2)
		return -1;
	v |= 0x0002;
	return pwrite(device, &v, 2, cmd) == 2 ? 0 : -1;
}

/*
 * One eventfd as the trigger (or, with another @action, the mask/unmask
 * source) of vector 0 of an interrupt index; @fd -1 tears it down.
 * Returns 0, or the errno of VFIO_DEVICE_SET_IRQS.
 */
static inline int vfio_set_irq_eventfd(int device, uint32_t index, uint32_t action,
				       int32_t fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | action;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	return ioctl(device, VFIO_DEVICE_SET_IRQS, set) ? errno : 0;
}

/* How many times an eventfd was signalled, waiting up to @ms for the first. */
static inline uint64_t eventfd_fired(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, ms) == 1 && read(efd, &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

/*
 * Prints what failed; returns the device fd, with memory decode on, or -1.
 */
static inline int vfio_open_mdev(const char *uuid, char *group, size_t grouplen)
{
	int groupfd = vfio_open_mdev_group(uuid, group, grouplen), device;

	if (groupfd < 0)
		return -1;
	device = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (device < 0) {
		fprintf(stderr, "vfio: VFIO_GROUP_GET_DEVICE_FD: %s\n", strerror(errno));
		return -1;
	}
	if (vfio_enable_memory(device)) {
		fprintf(stderr, "vfio: enabling memory decode: %s\n", strerror(errno));
		close(device);
		return -1;
	}
	/* The device fd keeps the group and container in use. */
	return device;
}

#endif /* VSLICE_VFIO_UTIL_H */
