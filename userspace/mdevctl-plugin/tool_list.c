// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl list [UUID]: each vGPU with its type, GPU, vendor attributes,
 * whether it is open (see holders.h), the libvirt domain that runs with
 * it, and every domain whose persistent definition names it.
 *
 * The domain that runs with it is the one a QEMU holding it open was
 * started for (its -name guest=), else the running domain whose live XML
 * has it: the holder is right even when libvirt is not reachable, and
 * libvirt's live state is right when the device is not opened (yet).
 * Without libvirt or libvirtd the definitions are unknown; that is not
 * an error.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "holders.h"
#include "tool.h"
#include "virt.h"

struct row {
	const struct vs_inst *in;
	enum vs_open_state state;
	struct vs_holder h[VS_MAX_HOLDERS];
	size_t nh;
	/* libvirt's domains that name it; nvm -1: libvirt unknown */
	struct vs_vm_use vm[VS_MAX_VM_USES];
	int nvm;
	/* the domain that runs with it ("" none), and its QEMU's pid (0) */
	char runs_in[256];
	int runs_pid;
};

/* Who runs with the vGPU (see the top of this file). */
static void runs_in(struct row *r)
{
	size_t i;
	int k;

	for (i = 0; i < r->nh; i++) {
		if (r->h[i].guest[0]) {
			snprintf(r->runs_in, sizeof(r->runs_in), "%s", r->h[i].guest);
			r->runs_pid = r->h[i].pid;
			return;
		}
	}
	for (k = 0; k < r->nvm && k < VS_MAX_VM_USES; k++) {
		if (r->vm[k].active && r->vm[k].live) {
			snprintf(r->runs_in, sizeof(r->runs_in), "%s", r->vm[k].name);
			return;
		}
	}
}

static const enum vs_attr_id settable[] = {
	VS_ATTR_OWNER, VS_ATTR_MAX_RESOLUTION,
};

/* A decimal or 0x number of sysfs; 0 when it is none. */
static int64_t number(const char *s)
{
	return strtoll(s, NULL, 0);
}

static struct json_object *json_row(const struct row *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *attrs = json_object_new_object();
	struct json_object *holders = json_object_new_array();
	const struct vs_inst *in = r->in;
	size_t i;

	json_object_object_add(o, "uuid", json_object_new_string(in->uuid));
	json_object_object_add(o, "parent", json_object_new_string(in->parent));
	json_object_object_add(o, "type", json_object_new_string(in->type));
	json_object_object_add(o, "state", json_object_new_string(vs_open_state_name(r->state)));
	for (i = 0; i < r->nh; i++) {
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "pid", json_object_new_int(r->h[i].pid));
		json_object_object_add(h, "command", json_object_new_string(r->h[i].comm));
		json_object_array_add(holders, h);
	}
	json_object_object_add(o, "holders", holders);
	if (r->runs_in[0]) {
		struct json_object *vm = json_object_new_object();

		json_object_object_add(vm, "domain", json_object_new_string(r->runs_in));
		json_object_object_add(vm, "running", json_object_new_boolean(true));
		json_object_object_add(vm, "pid", r->runs_pid ?
				       json_object_new_int(r->runs_pid) : NULL);
		json_object_object_add(o, "vm", vm);
	} else {
		json_object_object_add(o, "vm", NULL);
	}
	if (r->nvm >= 0) {
		struct json_object *defs = json_object_new_array();
		int k;

		for (k = 0; k < r->nvm && k < VS_MAX_VM_USES; k++) {
			struct json_object *d;

			if (!r->vm[k].config)
				continue;
			d = json_object_new_object();
			json_object_object_add(d, "domain", json_object_new_string(r->vm[k].name));
			json_object_object_add(d, "running",
					       json_object_new_boolean(r->vm[k].active));
			json_object_object_add(d, "attached",
					       json_object_new_boolean(r->vm[k].live));
			json_object_array_add(defs, d);
		}
		json_object_object_add(o, "definitions", defs);
	} else {
		json_object_object_add(o, "definitions", NULL);
	}
	for (i = 0; i < VS_ARRAY_SIZE(settable); i++)
		if (in->attr_ok[settable[i]])
			json_object_object_add(attrs, vs_attr_table[settable[i]].name,
					       json_object_new_string(in->attr[settable[i]]));
	json_object_object_add(o, "attributes", attrs);
	json_object_object_add(o, "vram_offset",
			       json_object_new_int64(number(in->attr[VS_ATTR_VRAM_OFFSET])));
	json_object_object_add(o, "vram_size",
			       json_object_new_int64(number(in->attr[VS_ATTR_VRAM_SIZE])));
	json_object_object_add(o, "scanout", json_object_new_string(in->attr[VS_ATTR_SCANOUT]));
	json_object_object_add(o, "iommu_group", json_object_new_string(in->iommu_group));
	return o;
}

/*
 * The VM column: who runs with it (a domain, else the process holding
 * it), then the other domains that name it, each with why it is not the
 * one: "vm-b, vm-a (off)".
 */
static void vm_column(const struct row *r, char *buf, size_t n)
{
	size_t o = 0;
	int k, w;

	buf[0] = '\0';
	if (r->runs_in[0])
		o = (size_t)snprintf(buf, n, "%s", r->runs_in);
	else if (r->nh)
		o = (size_t)snprintf(buf, n, "pid %d (%s)", r->h[0].pid, r->h[0].comm);
	for (k = 0; k < r->nvm && k < VS_MAX_VM_USES && o < n; k++) {
		const struct vs_vm_use *u = &r->vm[k];
		const char *why;

		if (!strcmp(u->name, r->runs_in))
			continue;
		if (!u->active)
			why = "off";
		else if (u->live)
			why = "running";
		else
			why = "running without it";
		w = snprintf(buf + o, n - o, "%s%s (%s)", o ? ", " : "", u->name, why);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (r->nvm > VS_MAX_VM_USES && o < n)
		snprintf(buf + o, n - o, ", ...");
	if (!buf[0])
		snprintf(buf, n, "-");
}

static void text_row(struct vs_tool *t, const struct row *r)
{
	const struct vs_inst *in = r->in;
	char vm[1024];
	size_t i;

	vm_column(r, vm, sizeof(vm));
	fprintf(t->out, "%-36s %-14s %-12s %-7s %-20s", in->uuid, in->parent, in->type,
		vs_open_state_name(r->state), vm);
	for (i = 0; i < VS_ARRAY_SIZE(settable); i++) {
		const char *name = vs_attr_table[settable[i]].name + strlen("vslice/");

		fprintf(t->out, " %s=%s", name, in->attr[settable[i]]);
	}
	fputc('\n', t->out);
}

int vs_cmd_list(struct vs_tool *t, int argc, char **argv)
{
	struct json_object *arr = json_object_new_array(), *lv = json_object_new_object();
	char err[512] = "";
	struct vs_virt *virt;
	struct vs_inst *in;
	size_t i, n, shown = 0;
	int ret;

	if (argc == 1 && !vs_uuid_valid(argv[0])) {
		json_object_put(arr);
		json_object_put(lv);
		return vs_fail(t, VS_EXIT_USAGE, "%s is not a UUID", argv[0]);
	}
	ret = vs_load_instances(t, &in, &n);
	if (ret) {
		json_object_put(arr);
		json_object_put(lv);
		return vs_fail(t, VS_EXIT_FAIL, "cannot read sysfs: %s", strerror(-ret));
	}
	virt = vs_virt_open(t->uri, true, err, sizeof(err));
	json_object_object_add(lv, "connected", json_object_new_boolean(virt != NULL));
	if (!virt)
		json_object_object_add(lv, "reason", json_object_new_string(err));
	if (!t->json)
		fprintf(t->out, "%-36s %-14s %-12s %-7s %-20s %s\n", "UUID", "PARENT", "TYPE",
			"STATE", "VM", "ATTRIBUTES");
	for (i = 0; i < n; i++) {
		struct row r = { .in = &in[i], .nvm = -1 };

		if (argc == 1 && strcasecmp(argv[0], in[i].uuid))
			continue;
		shown++;
		r.state = vs_open_state(t->root, &in[i], r.h, VS_MAX_HOLDERS, &r.nh);
		if (virt)
			r.nvm = vs_virt_mdev_users(virt, in[i].uuid, r.vm, VS_MAX_VM_USES, err,
						   sizeof(err));
		runs_in(&r);
		if (t->json)
			json_object_array_add(arr, json_row(&r));
		else
			text_row(t, &r);
	}
	vs_virt_close(virt);
	free(in);
	if (argc == 1 && !shown) {
		json_object_put(arr);
		json_object_put(lv);
		return vs_fail(t, VS_EXIT_NOTFOUND, "no vslice vGPU %s", argv[0]);
	}
	if (t->json) {
		struct json_object *top = json_object_new_object();

		json_object_object_add(top, "instances", arr);
		json_object_object_add(top, "libvirt", lv);
		vs_emit(t, top);
	} else {
		json_object_put(arr);
		json_object_put(lv);
	}
	return VS_EXIT_OK;
}
