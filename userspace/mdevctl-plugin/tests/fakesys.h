/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fake sysfs, procfs and /etc/mdevctl.d trees for the unit tests, laid
 * out (links included) like the real ones of a host with vslice loaded.
 */
#ifndef VS_FAKESYS_H
#define VS_FAKESYS_H

#include <stdbool.h>

/* A new empty root under $TMPDIR.  Caller frees with fake_free(). */
char *fake_new(void);
/* Remove the tree and free root. */
void fake_free(char *root);

/* Create root/rel with content (parents created). */
void fake_write(const char *root, const char *rel, const char *content);
/* root/rel's content, or "" (static buffer). */
const char *fake_read(const char *root, const char *rel);
/* A symlink root/rel -> target (parents created). */
void fake_link(const char *root, const char *rel, const char *target);

/*
 * A GPU at bdf with a vram_mib BAR0, vendor:device IDs; bound to vslice
 * and registered (mdev_supported_types, vslice/) if bound.
 */
void fake_gpu(const char *root, const char *bdf, unsigned int vendor,
	      unsigned int device, unsigned int vram_mib, bool bound);
/* A type vslice-<id> of the driver's type table. */
void fake_type(const char *root, const char *bdf, const char *id,
	       unsigned int fb_mib, unsigned int max_inst, unsigned int max_w,
	       unsigned int max_h, unsigned int avail);
/* An instance: links, remove, and vendor attributes at their defaults. */
void fake_inst(const char *root, const char *bdf, const char *type,
	       const char *uuid, unsigned int group, unsigned int vram_mib);
/* Process pid (comm) holding node (e.g. "/dev/vfio/12") as fd 5. */
void fake_holder(const char *root, int pid, const char *comm,
		 const char *node);
/* Process pid's command line: the n arguments, NUL-separated. */
void fake_cmdline(const char *root, int pid, const char *const *argv, int n);
/* /sys/module/vslice_gpu with refcnt. */
void fake_module(const char *root, unsigned int refcnt);

#endif /* VS_FAKESYS_H */
