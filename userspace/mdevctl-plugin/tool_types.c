// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl types [PARENT]: each type of each GPU, how many more fit now,
 * and the properties of the type table (from the type's description).
 */
#include <string.h>

#include <json-c/json.h>

#include "tool.h"

static void text_row(struct vs_tool *t, const struct vs_parent *p,
		     const struct vs_type *ty)
{
	const struct vs_typedesc *d = &ty->td;
	char fb[16] = "?", res[24] = "?";

	if (d->have & VS_TD_FRAMEBUFFER)
		snprintf(fb, sizeof(fb), "%uM", d->framebuffer_mib);
	if (d->have & VS_TD_MAX_RESOLUTION)
		snprintf(res, sizeof(res), "%ux%u", d->max_width, d->max_height);
	fprintf(t->out, "%-14s %-14s %5ld %6u %6s %10s  %s\n", p->bdf, ty->id,
		ty->available, ty->nr_instances, fb, res, ty->name);
}

static struct json_object *json_row(const struct vs_parent *p,
				    const struct vs_type *ty)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "parent", json_object_new_string(p->bdf));
	json_object_object_add(o, "type", json_object_new_string(ty->id));
	json_object_object_add(o, "name", json_object_new_string(ty->name));
	json_object_object_add(o, "available_instances",
			       json_object_new_int64(ty->available));
	json_object_object_add(o, "instances", json_object_new_int((int)ty->nr_instances));
	json_object_object_add(o, "device_api", json_object_new_string(ty->device_api));
	json_object_object_add(o, "description", json_object_new_string(ty->description));
	json_object_object_add(o, "properties", vs_typedesc_json(ty->description));
	return o;
}

int vs_cmd_types(struct vs_tool *t, int argc, char **argv)
{
	struct json_object *arr = json_object_new_array();
	struct vs_names bdfs;
	size_t i, j;
	int ret;

	if (argc == 1) {
		if (!vs_parent_is_ours(t->root, argv[0])) {
			json_object_put(arr);
			return vs_fail(t, VS_EXIT_NOTFOUND, "%s is not a GPU bound to vslice",
				       argv[0]);
		}
		bdfs.n = 1;
		bdfs.name = NULL;
	} else {
		ret = vs_parent_list(t->root, &bdfs);
		if (ret) {
			json_object_put(arr);
			return vs_fail(t, VS_EXIT_FAIL, "cannot read sysfs: %s", strerror(-ret));
		}
	}
	if (!t->json)
		fprintf(t->out, "%-14s %-14s %5s %6s %6s %10s  %s\n", "PARENT",
			"TYPE", "AVAIL", "IN USE", "VRAM", "MAX_RES", "NAME");
	for (i = 0; i < bdfs.n; i++) {
		struct vs_parent p;

		if (vs_parent_load(t->root, argc == 1 ? argv[0] : bdfs.name[i], &p))
			continue;
		for (j = 0; j < p.nr_types; j++) {
			if (t->json)
				json_object_array_add(arr, json_row(&p, &p.types[j]));
			else
				text_row(t, &p, &p.types[j]);
		}
		vs_parent_free(&p);
	}
	if (argc != 1)
		vs_names_free(&bdfs);
	if (t->json) {
		struct json_object *top = json_object_new_object();

		json_object_object_add(top, "types", arr);
		vs_emit(t, top);
	} else {
		json_object_put(arr);
	}
	return VS_EXIT_OK;
}
