// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslicectl parents: each GPU bound to vslice, its PCI name (libpci), its
 * VRAM (BAR0) and how much of it the vGPUs use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "pciname.h"
#include "tool.h"

static unsigned long long used_by(const struct vs_inst *in, size_t n,
				  const char *bdf, unsigned int *count)
{
	unsigned long long used = 0;
	size_t i;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(in[i].parent, bdf))
			continue;
		(*count)++;
		used += strtoull(in[i].attr[VS_ATTR_VRAM_SIZE], NULL, 0);
	}
	return used;
}

static struct json_object *json_row(const struct vs_parent *p,
				    const struct vs_pci_info *pci,
				    unsigned long long used, unsigned int count)
{
	struct json_object *o = json_object_new_object();
	struct json_object *v = json_object_new_object();
	int64_t total = (int64_t)pci->bar0_size, in_use = (int64_t)used;
	char id[8];

	json_object_object_add(o, "parent", json_object_new_string(p->bdf));
	json_object_object_add(o, "name", json_object_new_string(pci->name));
	snprintf(id, sizeof(id), "%04x", pci->vendor);
	json_object_object_add(o, "vendor_id", json_object_new_string(id));
	snprintf(id, sizeof(id), "%04x", pci->device);
	json_object_object_add(o, "device_id", json_object_new_string(id));
	json_object_object_add(v, "total", json_object_new_int64(total));
	json_object_object_add(v, "used", json_object_new_int64(in_use));
	json_object_object_add(v, "free",
			       json_object_new_int64(in_use <= total ? total - in_use : 0));
	json_object_object_add(o, "vram_bytes", v);
	json_object_object_add(o, "registered", json_object_new_boolean(p->registered));
	json_object_object_add(o, "placement", json_object_new_string(p->placement));
	json_object_object_add(o, "type_table", json_object_new_string(p->type_table));
	json_object_object_add(o, "types", json_object_new_int((int)p->nr_types));
	json_object_object_add(o, "instances", json_object_new_int((int)count));
	return o;
}

int vs_cmd_parents(struct vs_tool *t, int argc, char **argv)
{
	struct json_object *arr = json_object_new_array();
	struct vs_names bdfs;
	struct vs_inst *in;
	size_t i, nin;
	int ret;

	(void)argc;
	(void)argv;
	ret = vs_parent_list(t->root, &bdfs);
	if (!ret)
		ret = vs_load_instances(t, &in, &nin);
	if (ret) {
		json_object_put(arr);
		return vs_fail(t, VS_EXIT_FAIL, "cannot read sysfs: %s", strerror(-ret));
	}
	if (!t->json)
		fprintf(t->out, "%-14s %-34s %-18s %-6s %-5s %s\n", "PARENT", "NAME",
			"VRAM USED/TOTAL", "TYPES", "VGPUS", "PLACEMENT");
	for (i = 0; i < bdfs.n; i++) {
		struct vs_pci_info pci;
		struct vs_parent p;
		unsigned long long used;
		unsigned int count;
		char vram[48];

		if (vs_parent_load(t->root, bdfs.name[i], &p))
			continue;
		if (vs_pci_info(t->root, p.bdf, &pci))
			pci.bar0_size = 0;
		used = used_by(in, nin, p.bdf, &count);
		if (t->json) {
			json_object_array_add(arr, json_row(&p, &pci, used, count));
		} else {
			snprintf(vram, sizeof(vram), "%llu/%llu MiB", used >> 20,
				 pci.bar0_size >> 20);
			fprintf(t->out, "%-14s %-34.34s %-18s %-6zu %-5u %s\n", p.bdf, pci.name,
				vram, p.nr_types, count,
				p.registered ? p.placement : "(not registered)");
		}
		vs_parent_free(&p);
	}
	if (t->json) {
		struct json_object *top = json_object_new_object();

		json_object_object_add(top, "parents", arr);
		vs_emit(t, top);
	} else {
		json_object_put(arr);
	}
	vs_names_free(&bdfs);
	free(in);
	return VS_EXIT_OK;
}
