/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether a vGPU is open, and by which process.
 *
 * A VMM opens an instance through its VFIO group, /dev/vfio/<group>, or
 * its VFIO device node, /dev/vfio/devices/vfio<N> (iommufd), and keeps
 * that file open for the life of the VM.  The holders are the processes
 * with one of those files among their /proc/<pid>/fd.
 *
 * A second signal bounds the first: the vendor driver pins its module
 * while any of its instances is open, so a vslice_gpu refcnt (minus the
 * modules that depend on it) of 0 means that nothing is open, whatever
 * /proc says.  Without the permission to read every process's fd table
 * (not root), an instance with no holder found is "unknown" while the
 * module says something is open.
 */
#ifndef VS_HOLDERS_H
#define VS_HOLDERS_H

#include <stddef.h>

struct vs_inst;

enum vs_open_state {
	VS_FREE,
	VS_OPEN,
	VS_UNKNOWN,
};

struct vs_holder {
	int pid;
	char comm[64];
	/*
	 * The VM name a QEMU was started with (-name guest=NAME,... as
	 * libvirt starts it, or -name NAME), "" for any other process.
	 */
	char guest[256];
};

#define VS_MAX_HOLDERS 8

/* How many vslice instances are open, from the module's refcnt, or -1. */
long vs_open_count(const char *root);

/*
 * The guest name in a command line (NUL-separated arguments, len bytes):
 * the value of -name, its guest= key or its first unkeyed part, with
 * QEMU's ",," read as ",".  Return: 0, or -1 when there is none.
 */
int vs_cmdline_guest(const char *cmdline, size_t len, char *buf, size_t n);

enum vs_open_state vs_open_state(const char *root, const struct vs_inst *in,
				 struct vs_holder *h, size_t max, size_t *n);
const char *vs_open_state_name(enum vs_open_state s);

#endif /* VS_HOLDERS_H */
