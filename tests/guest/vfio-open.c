// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-open: open an mdev the way QEMU does on a kernel without iommufd
 * (container, group, SET_IOMMU, GET_DEVICE_FD) and print what
 * VFIO_DEVICE_GET_INFO answers.
 *
 * usage: vfio-open [--hold] UUID
 *        vfio-open --hold UUID -name guest=NAME,...
 * --hold keeps the device open until SIGTERM/SIGINT, after printing
 * "holding", so that tests can act on an open device.  The -name
 * arguments, ignored, give it the command line by which tools such as
 * vslicectl tell a libvirt QEMU's domain.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "vfio_util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int fail(const char *what)
{
	fprintf(stderr, "vfio-open: %s: %s\n", what, strerror(errno));
	return 1;
}

/*
 * Read the identity through the config region and size BAR0 the way a
 * guest's BIOS does (write all ones, read back, restore), via the fd.
 */
static int config_report(int device)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint32_t id, class, bar0, ones = 0xffffffff, size;

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &reg))
		return fail("VFIO_DEVICE_GET_REGION_INFO(config)");
	if (pread(device, &id, 4, reg.offset) != 4 ||
	    pread(device, &class, 4, reg.offset + 8) != 4 ||
	    pread(device, &bar0, 4, reg.offset + 0x10) != 4 ||
	    pwrite(device, &ones, 4, reg.offset + 0x10) != 4 ||
	    pread(device, &size, 4, reg.offset + 0x10) != 4 ||
	    pwrite(device, &bar0, 4, reg.offset + 0x10) != 4)
		return fail("config region access");
	printf("config=%04x:%04x class=%06x bar0_size=%u MiB config_size=%llu\n",
	       id & 0xffff, id >> 16, class >> 8, (~(size & ~0xfU) + 1) >> 20,
	       (unsigned long long)reg.size);
	return 0;
}

int main(int argc, char **argv)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char group[64];
	int hold = 0, device;

	if (argc == 3 && !strcmp(argv[1], "--hold")) {
		hold = 1;
	} else if (argc == 5 && !strcmp(argv[1], "--hold") && !strcmp(argv[3], "-name")) {
		hold = 1;
	} else if (argc != 2) {
		fprintf(stderr, "usage: %s [--hold] UUID\n"
			"       %s --hold UUID -name guest=NAME,...\n", argv[0], argv[0]);
		return 2;
	}

	device = vfio_open_mdev(argv[hold ? 2 : 1], group, sizeof(group));
	if (device < 0)
		return 1;
	if (ioctl(device, VFIO_DEVICE_GET_INFO, &info))
		return fail("VFIO_DEVICE_GET_INFO");
	if (config_report(device))
		return 1;

	printf("group=%s flags=0x%x%s%s regions=%u irqs=%u\n", group,
	       info.flags,
	       info.flags & VFIO_DEVICE_FLAGS_PCI ? " pci" : "",
	       info.flags & VFIO_DEVICE_FLAGS_RESET ? " reset" : "",
	       info.num_regions, info.num_irqs);

	if (hold) {
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		printf("holding\n");
		fflush(stdout);
		while (!stop)
			pause();
	}
	close(device);
	return 0;
}
