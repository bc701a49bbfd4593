// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslice GPUs, types and instances from sysfs (see model.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int vs_parent_list(const char *root, struct vs_names *bdfs)
{
	struct vs_names all;
	char path[PATH_MAX], link[PATH_MAX];
	size_t i;
	int ret;

	bdfs->name = NULL;
	bdfs->n = 0;
	ret = vs_pathf(path, sizeof(path), root, "/sys/bus/pci/drivers/%s",
		       VS_PCI_DRIVER);
	if (ret)
		return ret;
	ret = vs_list_dir(path, &all);
	if (ret == -ENOENT)
		return 0;	/* the driver is not loaded: no GPUs */
	if (ret)
		return ret;
	/* Bound devices are the links named like a PCI address. */
	for (i = 0; i < all.n; i++) {
		if (strchr(all.name[i], ':') &&
		    !vs_pathf(link, sizeof(link), root, "/sys/bus/pci/drivers/%s/%s",
			      VS_PCI_DRIVER, all.name[i]) &&
		    vs_is_dir(link))
			all.name[bdfs->n++] = all.name[i];
		else
			free(all.name[i]);
	}
	bdfs->name = all.name;
	return 0;
}

bool vs_parent_is_ours(const char *root, const char *bdf)
{
	char path[PATH_MAX], drv[64];

	return !vs_pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/driver",
			 bdf) &&
	       !vs_link_base(path, drv, sizeof(drv)) && !strcmp(drv, VS_PCI_DRIVER);
}

int vs_type_load(const char *root, const char *bdf, const char *type,
		 struct vs_type *t)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct vs_names devs;
	unsigned long avail;

	memset(t, 0, sizeof(*t));
	if (strchr(type, '/') || !strcmp(type, ".") || !strcmp(type, ".."))
		return -ENOENT;
	if (vs_pathf(dir, sizeof(dir), root,
		     "/sys/bus/pci/devices/%s/mdev_supported_types/%s", bdf, type))
		return -ENAMETOOLONG;
	if (!vs_is_dir(dir))
		return -ENOENT;
	if (strlen(type) >= sizeof(t->id))
		return -ENAMETOOLONG;
	strcpy(t->id, type);
	snprintf(path, sizeof(path), "%s/name", dir);
	vs_read_text(path, t->name, sizeof(t->name));
	snprintf(path, sizeof(path), "%s/description", dir);
	vs_read_text(path, t->description, sizeof(t->description));
	snprintf(path, sizeof(path), "%s/device_api", dir);
	vs_read_text(path, t->device_api, sizeof(t->device_api));
	snprintf(path, sizeof(path), "%s/available_instances", dir);
	t->available = vs_read_ulong(path, &avail) ? -1 : (long)avail;
	snprintf(path, sizeof(path), "%s/devices", dir);
	if (!vs_list_dir(path, &devs)) {
		t->nr_instances = (unsigned int)devs.n;
		vs_names_free(&devs);
	}
	vs_typedesc_parse(t->description, &t->td);
	return 0;
}

int vs_parent_load(const char *root, const char *bdf, struct vs_parent *p)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct vs_names types;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	if (strchr(bdf, '/') || strlen(bdf) >= sizeof(p->bdf))
		return -ENOENT;
	if (vs_pathf(dir, sizeof(dir), root, "/sys/bus/pci/devices/%s", bdf))
		return -ENAMETOOLONG;
	if (!vs_is_dir(dir))
		return -ENOENT;
	strcpy(p->bdf, bdf);
	snprintf(path, sizeof(path), "%s/vslice/placement", dir);
	vs_read_text(path, p->placement, sizeof(p->placement));
	snprintf(path, sizeof(path), "%s/vslice/type_table", dir);
	vs_read_text(path, p->type_table, sizeof(p->type_table));
	snprintf(path, sizeof(path), "%s/mdev_supported_types", dir);
	ret = vs_list_dir(path, &types);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	p->registered = true;
	p->types = calloc(types.n ? types.n : 1, sizeof(*p->types));
	if (!p->types) {
		vs_names_free(&types);
		return -ENOMEM;
	}
	for (i = 0; i < types.n; i++)
		if (!vs_type_load(root, bdf, types.name[i], &p->types[p->nr_types]))
			p->nr_types++;
	vs_names_free(&types);
	return 0;
}

void vs_parent_free(struct vs_parent *p)
{
	free(p->types);
	p->types = NULL;
	p->nr_types = 0;
}

int vs_inst_list(const char *root, struct vs_names *uuids)
{
	char path[PATH_MAX];
	int ret;

	ret = vs_pathf(path, sizeof(path), root, "/sys/bus/mdev/devices");
	if (ret)
		return ret;
	ret = vs_list_dir(path, uuids);
	if (ret == -ENOENT) {
		uuids->name = NULL;
		uuids->n = 0;
		return 0;
	}
	return ret;
}

int vs_inst_load(const char *root, const char *uuid, struct vs_inst *in)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], real[PATH_MAX], *slash;
	struct vs_names vd;
	size_t a;

	memset(in, 0, sizeof(*in));
	if (!vs_uuid_valid(uuid))
		return -ENOENT;
	vs_uuid_lower(uuid, in->uuid);
	if (vs_pathf(dir, sizeof(dir), root, "/sys/bus/mdev/devices/%s", in->uuid))
		return -ENAMETOOLONG;
	if (!vs_is_dir(dir))
		return -ENOENT;
	/* The parent is the directory the device sits in. */
	if (!realpath(dir, real))
		return -errno;
	slash = strrchr(real, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (!slash || strlen(slash + 1) >= sizeof(in->parent))
		return -EINVAL;
	strcpy(in->parent, slash + 1);
	snprintf(path, sizeof(path), "%s/mdev_type", dir);
	if (vs_link_base(path, in->type, sizeof(in->type)))
		in->type[0] = '\0';
	snprintf(path, sizeof(path), "%s/iommu_group", dir);
	if (vs_link_base(path, in->iommu_group, sizeof(in->iommu_group)))
		in->iommu_group[0] = '\0';
	snprintf(path, sizeof(path), "%s/vfio-dev", dir);
	if (!vs_list_dir(path, &vd)) {
		if (vd.n && strlen(vd.name[0]) < sizeof(in->vfio_dev))
			strcpy(in->vfio_dev, vd.name[0]);
		vs_names_free(&vd);
	}
	in->ours = vs_is_our_type(in->type) && vs_parent_is_ours(root, in->parent);
	if (!in->ours)
		return 0;
	for (a = 0; a < VS_NR_ATTRS; a++) {
		snprintf(path, sizeof(path), "%s/%s", dir, vs_attr_table[a].name);
		in->attr_ok[a] = !vs_read_text(path, in->attr[a], sizeof(in->attr[a]));
		if (!in->attr_ok[a])
			in->attr[a][0] = '\0';
	}
	return 0;
}
