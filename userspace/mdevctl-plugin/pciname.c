// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPU names and VRAM sizes through libpci (see pciname.h).  libpci reads
 * the sysfs of the root given (its "sysfs.path" parameter), so the tests'
 * fake trees work too.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pci/pci.h>

#include "pciname.h"
#include "sysfs.h"

/* libpci's error callback must not return; it jumps back here. */
static jmp_buf pci_jmp;
static char pci_err[160];

static void __attribute__((noreturn)) pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_err, sizeof(pci_err), msg, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

int vs_pci_info(const char *root, const char *bdf, struct vs_pci_info *info)
{
	static struct pci_access *volatile acc;
	char path[PATH_MAX], slot[64];
	struct pci_filter filter;
	struct pci_dev *dev;
	char *err;

	memset(info, 0, sizeof(*info));
	if (vs_pathf(path, sizeof(path), root, "/sys/bus/pci") ||
	    strlen(bdf) >= sizeof(slot)) {
		snprintf(info->name, sizeof(info->name), "path too long");
		return -1;
	}
	strcpy(slot, bdf);
	acc = pci_alloc();
	if (!acc) {
		snprintf(info->name, sizeof(info->name), "libpci: out of memory");
		return -1;
	}
	if (setjmp(pci_jmp)) {
		snprintf(info->name, sizeof(info->name), "libpci: %s", pci_err);
		pci_cleanup(acc);
		return -1;
	}
	acc->error = pci_error;
	acc->warning = pci_quiet;
	acc->debug = pci_quiet;
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(acc, "sysfs.path", path);
	pci_init(acc);
	pci_filter_init(acc, &filter);
	err = pci_filter_parse_slot(&filter, slot);
	if (err || filter.domain < 0 || filter.bus < 0 || filter.slot < 0 ||
	    filter.func < 0) {
		snprintf(info->name, sizeof(info->name), "%s is not a PCI address", bdf);
		pci_cleanup(acc);
		return -1;
	}
	dev = pci_get_dev(acc, filter.domain, filter.bus, filter.slot, filter.func);
	if (!dev) {
		snprintf(info->name, sizeof(info->name), "libpci: no device %s", bdf);
		pci_cleanup(acc);
		return -1;
	}
	pci_fill_info(dev, PCI_FILL_IDENT | PCI_FILL_SIZES);
	info->vendor = dev->vendor_id;
	info->device = dev->device_id;
	info->bar0_size = (unsigned long long)dev->size[0];
	pci_lookup_name(acc, info->name, sizeof(info->name),
			PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, dev->vendor_id,
			dev->device_id);
	pci_free_dev(dev);
	pci_cleanup(acc);
	return 0;
}
