// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl assign UUID DOMAIN and unassign UUID [DOMAIN]: the vGPU as
 * <hostdev mode='subsystem' type='mdev' model='vfio-pci'> in the
 * persistent libvirt definition of a domain (see domxml.h, virt.h).
 */
#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "tool.h"
#include "virt.h"

/* Whether mdevctl has a definition of the UUID, on any parent. */
static bool mdevctl_defined(struct vs_tool *t, const char *uuid)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct vs_names parents;
	bool found = false;
	size_t i;

	if (vs_pathf(dir, sizeof(dir), t->root, "/etc/mdevctl.d") ||
	    vs_list_dir(dir, &parents))
		return false;
	for (i = 0; i < parents.n && !found; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, parents.name[i], uuid);
		found = vs_exists(path);
	}
	vs_names_free(&parents);
	return found;
}

/*
 * The domains other than domain that name the vGPU, "a, b", into buf
 * ("" when none).
 */
static void others(const struct vs_vm_use *u, int n, const char *domain,
		   char *buf, size_t len)
{
	size_t o = 0;
	int k, w;

	buf[0] = '\0';
	for (k = 0; k < n && k < VS_MAX_VM_USES && o < len; k++) {
		if (!strcmp(u[k].name, domain))
			continue;
		w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", u[k].name);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static void emit(struct vs_tool *t, const char *uuid, const char *domain,
		 bool changed, const char *text)
{
	if (t->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "domain", json_object_new_string(domain));
		json_object_object_add(o, "changed", json_object_new_boolean(changed));
		vs_emit(t, o);
	} else {
		fprintf(t->out, "%s\n", text);
	}
}

int vs_cmd_assign(struct vs_tool *t, int argc, char **argv)
{
	const char *domain = argv[1];
	struct vs_vm_use users[VS_MAX_VM_USES];
	char uuid[VS_UUID_LEN], err[512], other[1024], msg[640];
	struct vs_virt *v;
	struct vs_inst in;
	struct vs_type ty;
	int ret;

	(void)argc;
	if (!vs_uuid_valid(argv[0]))
		return vs_fail(t, VS_EXIT_USAGE, "%s is not a UUID", argv[0]);
	vs_uuid_lower(argv[0], uuid);
	ret = vs_inst_load(t->root, uuid, &in);
	if (!ret && !in.ours)
		return vs_fail(t, VS_EXIT_NOTFOUND, "%s is not a vslice vGPU", uuid);
	if (ret && !mdevctl_defined(t, uuid))
		return vs_fail(t, VS_EXIT_NOTFOUND,
			       "no vGPU %s: neither running nor defined with mdevctl", uuid);
	if (!ret && !vs_type_load(t->root, in.parent, in.type, &ty) &&
	    strcmp(ty.device_api, "vfio-pci"))
		return vs_fail(t, VS_EXIT_FAIL, "%s has device_api %s; libvirt's model is vfio-pci",
			       uuid, ty.device_api);
	v = vs_virt_open(t->uri, false, err, sizeof(err));
	if (!v)
		return vs_fail(t, VS_EXIT_NOLIBVIRT, "%s", err);
	ret = vs_virt_mdev_users(v, uuid, users, VS_MAX_VM_USES, err, sizeof(err));
	if (ret < 0) {
		vs_virt_close(v);
		return vs_fail(t, VS_EXIT_FAIL, "%s", err);
	}
	others(users, ret, domain, other, sizeof(other));
	if (other[0] && !t->force) {
		vs_virt_close(v);
		return vs_fail(t, VS_EXIT_BUSY, "%s is assigned to domain %s already (--force to add it anyway)",
			       uuid, other);
	}
	ret = vs_virt_assign(v, uuid, domain, err, sizeof(err));
	vs_virt_close(v);
	if (ret == -2)
		return vs_fail(t, VS_EXIT_NOTFOUND, "%s", err);
	if (ret < 0)
		return vs_fail(t, VS_EXIT_FAIL, "%s", err);
	snprintf(msg, sizeof(msg), ret ? "assigned %s to %s (from its next start)" :
		 "%s is assigned to %s already", uuid, domain);
	emit(t, uuid, domain, ret == 1, msg);
	return VS_EXIT_OK;
}

int vs_cmd_unassign(struct vs_tool *t, int argc, char **argv)
{
	struct vs_vm_use users[VS_MAX_VM_USES];
	char uuid[VS_UUID_LEN], err[512], domain[256], msg[1400];
	struct vs_virt *v;
	int ret, k, named = 0;

	if (!vs_uuid_valid(argv[0]))
		return vs_fail(t, VS_EXIT_USAGE, "%s is not a UUID", argv[0]);
	vs_uuid_lower(argv[0], uuid);
	v = vs_virt_open(t->uri, false, err, sizeof(err));
	if (!v)
		return vs_fail(t, VS_EXIT_NOLIBVIRT, "%s", err);
	if (argc == 2) {
		snprintf(domain, sizeof(domain), "%s", argv[1]);
	} else {
		ret = vs_virt_mdev_users(v, uuid, users, VS_MAX_VM_USES, err, sizeof(err));
		if (ret < 0) {
			vs_virt_close(v);
			return vs_fail(t, VS_EXIT_FAIL, "%s", err);
		}
		/* Only persistent definitions are edited. */
		for (k = 0; k < ret && k < VS_MAX_VM_USES; k++)
			if (users[k].config && !named++)
				snprintf(domain, sizeof(domain), "%.255s", users[k].name);
		if (!named) {
			vs_virt_close(v);
			emit(t, uuid, "", false, "no libvirt domain definition has it");
			return VS_EXIT_OK;
		}
		if (named > 1) {
			char all[1024];

			others(users, ret, "", all, sizeof(all));
			vs_virt_close(v);
			return vs_fail(t, VS_EXIT_USAGE, "%s is in the definitions of %s: name the domain to remove it from",
				       uuid, all);
		}
	}
	ret = vs_virt_unassign(v, uuid, domain, err, sizeof(err));
	vs_virt_close(v);
	if (ret == -2)
		return vs_fail(t, VS_EXIT_NOTFOUND, "%s", err);
	if (ret < 0)
		return vs_fail(t, VS_EXIT_FAIL, "%s", err);
	snprintf(msg, sizeof(msg), ret ? "removed %s from %s (from its next start)" :
		 "%s was not in %s", uuid, domain);
	emit(t, uuid, domain, ret == 1, msg);
	return VS_EXIT_OK;
}
