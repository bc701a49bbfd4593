/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What libpci knows of a GPU: its IDs and name (pci.ids or the udev
 * hwdb), and the size of BAR0, its VRAM.
 */
#ifndef VS_PCINAME_H
#define VS_PCINAME_H

struct vs_pci_info {
	unsigned int vendor, device;
	char name[256];
	unsigned long long bar0_size;
};

/* Return: 0, or -1 with info->name holding why. */
int vs_pci_info(const char *root, const char *bdf, struct vs_pci_info *info);

#endif /* VS_PCINAME_H */
