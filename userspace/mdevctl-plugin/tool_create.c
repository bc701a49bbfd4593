// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl create PARENT TYPE [--uuid UUID] and remove UUID [--force]:
 * the sysfs "create" and "remove" files, with the driver's errnos turned
 * into exit codes and sentences.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "holders.h"
#include "tool.h"

static void type_list(const struct vs_parent *p, char *buf, size_t n)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nr_types; i++) {
		int w = snprintf(buf + o, n - o, "%s%s", i ? ", " : "", p->types[i].id);

		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

static void emit_done(struct vs_tool *t, const char *uuid, const char *parent,
		      const char *type, const char *what)
{
	if (t->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "parent", json_object_new_string(parent));
		json_object_object_add(o, "type", json_object_new_string(type));
		json_object_object_add(o, what, json_object_new_boolean(1));
		vs_emit(t, o);
	} else if (!strcmp(what, "created")) {
		fprintf(t->out, "%s\n", uuid);
	}
}

int vs_cmd_create(struct vs_tool *t, int argc, char **argv)
{
	const char *bdf = argv[0], *type = argv[1];
	char uuid[VS_UUID_LEN], path[PATH_MAX], names[512];
	struct vs_parent p;
	struct vs_type ty;
	int ret;

	(void)argc;
	if (t->uuid) {
		if (!vs_uuid_valid(t->uuid))
			return vs_fail(t, VS_EXIT_USAGE, "%s is not a UUID (8-4-4-4-12 hex digits)",
				       t->uuid);
		vs_uuid_lower(t->uuid, uuid);
	} else {
		ret = vs_uuid_generate(uuid);
		if (ret)
			return vs_fail(t, VS_EXIT_FAIL, "cannot make a UUID: %s", strerror(-ret));
	}
	if (strchr(bdf, '/') || !vs_parent_is_ours(t->root, bdf))
		return vs_fail(t, VS_EXIT_NOTFOUND, "%s is not a GPU bound to vslice", bdf);
	if (vs_type_load(t->root, bdf, type, &ty)) {
		if (vs_parent_load(t->root, bdf, &p))
			return vs_fail(t, VS_EXIT_NOTFOUND, "%s has no type %s", bdf, type);
		type_list(&p, names, sizeof(names));
		vs_parent_free(&p);
		return vs_fail(t, VS_EXIT_NOTFOUND, "%s has no type %s; it has: %s", bdf,
			       type, names[0] ? names : "(none: not registered)");
	}
	if (ty.available == 0)
		return vs_fail(t, VS_EXIT_NOROOM,
			       "%s has no room for a %s (available_instances is 0); see the kernel log or 'vslicectl parents'",
			       bdf, type);
	vs_pathf(path, sizeof(path), t->root,
		 "/sys/bus/pci/devices/%s/mdev_supported_types/%s/create", bdf, type);
	ret = vs_write_text(path, uuid, strlen(uuid));
	switch (ret) {
	case 0:
		emit_done(t, uuid, bdf, type, "created");
		return VS_EXIT_OK;
	case -EEXIST:
		return vs_fail(t, VS_EXIT_BUSY, "an mdev %s exists already", uuid);
	case -ENOSPC:
		return vs_fail(t, VS_EXIT_NOROOM,
			       "%s has no room for a %s (ENOSPC); the kernel log says why",
			       bdf, type);
	case -ENODEV:
		return vs_fail(t, VS_EXIT_FAIL,
			       "%s is going away, or no mdev bus driver is loaded (ENODEV)", bdf);
	default:
		return vs_fail(t, VS_EXIT_FAIL, "creating %s on %s: %s", type, bdf,
			       strerror(-ret));
	}
}

int vs_cmd_remove(struct vs_tool *t, int argc, char **argv)
{
	struct vs_holder h[VS_MAX_HOLDERS];
	char path[PATH_MAX];
	struct vs_inst in;
	size_t nh;
	int ret;

	(void)argc;
	if (!vs_uuid_valid(argv[0]))
		return vs_fail(t, VS_EXIT_USAGE, "%s is not a UUID", argv[0]);
	ret = vs_inst_load(t->root, argv[0], &in);
	if (ret == -ENOENT || (!ret && !in.ours))
		return vs_fail(t, VS_EXIT_NOTFOUND, "no vslice vGPU %s", argv[0]);
	if (ret)
		return vs_fail(t, VS_EXIT_FAIL, "cannot read %s: %s", argv[0], strerror(-ret));
	if (vs_open_state(t->root, &in, h, VS_MAX_HOLDERS, &nh) == VS_OPEN && !t->force)
		return vs_fail(t, VS_EXIT_BUSY,
			       "%s is open by pid %d (%s); removing it would wait until that VM lets go (--force asks it to)",
			       in.uuid, h[0].pid, h[0].comm);
	vs_pathf(path, sizeof(path), t->root, "/sys/bus/mdev/devices/%s/remove", in.uuid);
	ret = vs_write_text(path, "1", 1);
	if (ret)
		return vs_fail(t, ret == -ENOENT ? VS_EXIT_NOTFOUND : VS_EXIT_FAIL,
			       "removing %s: %s", in.uuid, strerror(-ret));
	emit_done(t, in.uuid, in.parent, in.type, "removed");
	return VS_EXIT_OK;
}
