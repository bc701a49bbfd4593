/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What sysfs says about vslice GPUs (mdev parents), their types and
 * their instances:
 *
 *   /sys/bus/pci/drivers/vslice/<bdf>                  the GPUs
 *   /sys/bus/pci/devices/<bdf>/mdev_supported_types/vslice-<id>/
 *       name, description, available_instances, device_api, devices/
 *   /sys/bus/pci/devices/<bdf>/vslice/{placement,type_table}
 *   /sys/bus/mdev/devices/<uuid>/{mdev_type,iommu_group,vslice/...}
 */
#ifndef VS_MODEL_H
#define VS_MODEL_H

#include <stdbool.h>

#include "sysfs.h"
#include "typedesc.h"
#include "vattr.h"

struct vs_type {
	char id[64];			/* vslice-s64 */
	char name[128];
	char description[512];
	char device_api[32];
	long available;			/* -1 when unreadable */
	unsigned int nr_instances;	/* entries in devices/ */
	struct vs_typedesc td;
};

struct vs_parent {
	char bdf[64];
	char placement[32];
	char type_table[256];
	bool registered;		/* publishes mdev_supported_types */
	struct vs_type *types;
	size_t nr_types;
};

struct vs_inst {
	char uuid[VS_UUID_LEN];
	char parent[64];
	char type[64];
	char iommu_group[32];		/* "" without one */
	char vfio_dev[32];		/* "vfio0" with a VFIO cdev, or "" */
	bool ours;			/* on a GPU bound to vslice */
	/* Values of the vendor attributes ("" when unreadable). */
	char attr[VS_NR_ATTRS][128];
	bool attr_ok[VS_NR_ATTRS];
};

/* The GPUs bound to the vslice driver, sorted.  Return: 0 or -errno. */
int vs_parent_list(const char *root, struct vs_names *bdfs);
/*
 * One GPU and its types.  Return: 0 (registered or not), -ENOENT when
 * there is no such PCI device, or -errno.
 */
int vs_parent_load(const char *root, const char *bdf, struct vs_parent *p);
void vs_parent_free(struct vs_parent *p);
/* Return: 0, -ENOENT when the parent does not publish the type. */
int vs_type_load(const char *root, const char *bdf, const char *type,
		 struct vs_type *t);
/* Whether a PCI device is bound to the vslice driver. */
bool vs_parent_is_ours(const char *root, const char *bdf);

/* The mdev UUIDs in sysfs (any vendor), sorted.  Return: 0 or -errno. */
int vs_inst_list(const char *root, struct vs_names *uuids);
/* Return: 0, -ENOENT when no such mdev exists, or -errno. */
int vs_inst_load(const char *root, const char *uuid, struct vs_inst *i);

#endif /* VS_MODEL_H */
