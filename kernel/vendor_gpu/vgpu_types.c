// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where a GPU's vGPU types come from: the type table firmware image for
 * its model, or, when there is none or it does not validate, the table
 * built into the driver.
 */
#include <linux/firmware.h>
#include <linux/slab.h>

#include "vgpu.h"

/* id, name, VRAM MiB, max resolution, heads: the lab's types. */
static const struct {
	const char *id;
	const char *name;
	u32 vram_mib;
	u32 max_width;
	u32 max_height;
	u32 heads;
} vgpu_builtin_types[] = {
	{ "s16",  "vslice S16",  16,  1280, 1024, 1 },
	{ "s32",  "vslice S32",  32,  1920, 1200, 1 },
	{ "s64",  "vslice S64",  64,  2560, 1600, 2 },
	{ "s128", "vslice S128", 128, 3840, 2160, 4 },
	{ "s256", "vslice S256", 256, 7680, 4320, 4 },
};

/**
 * vgpu_builtin_table() - the built-in types that fit a GPU
 * @table: filled with revision 0 and the types no larger than the VRAM
 * @gpu: the GPU
 */
void vgpu_builtin_table(struct vgpu_fw_table *table,
			const struct vgpu_fw_gpu *gpu)
{
	unsigned int i;

	memset(table, 0, sizeof(*table));
	table->gpu = *gpu;
	for (i = 0; i < ARRAY_SIZE(vgpu_builtin_types); i++) {
		struct vgpu_fw_type *t = &table->types[table->nr_types];

		if (vgpu_builtin_types[i].vram_mib > gpu->vram_mib)
			continue;
		strscpy(t->id, vgpu_builtin_types[i].id, sizeof(t->id));
		strscpy(t->name, vgpu_builtin_types[i].name, sizeof(t->name));
		t->vram_mib = vgpu_builtin_types[i].vram_mib;
		t->max_instances = gpu->vram_mib / t->vram_mib;
		t->max_width = vgpu_builtin_types[i].max_width;
		t->max_height = vgpu_builtin_types[i].max_height;
		t->heads = vgpu_builtin_types[i].heads;
		t->weight = 100;
		t->fps_cap = 60;
		t->pci_class = VGPU_FW_CLASS_VGA;
		table->nr_types++;
	}
}

/**
 * vgpu_load_types() - fill gpu->table for the GPU's model
 * @gpu: the GPU, its VRAM size known
 *
 * Asks for "vslice/gpu-<vendor>-<device>-<VRAM MiB>m.fw".  The image is
 * applied only when all of it validates; otherwise the log says which
 * check failed and the built-in table is used.  Never fails: a GPU
 * always has types.
 */
void vgpu_load_types(struct vgpu_device *gpu)
{
	struct pci_dev *pdev = gpu->pdev;
	struct vgpu_fw_gpu model = {
		.vendor = pdev->vendor,
		.device = pdev->device,
		.vram_mib = gpu->vram_size >> 20,
	};
	const struct firmware *fw;
	struct vgpu_fw_table *table;
	char name[64], why[160];
	int ret;

	snprintf(name, sizeof(name), "vslice/gpu-%04x-%04x-%um.fw",
		 model.vendor, model.device, model.vram_mib);
	ret = firmware_request_nowarn(&fw, name, &pdev->dev);
	if (ret) {
		pci_info(pdev, "no type table %s (%d): using the built-in types\n",
			 name, ret);
		snprintf(gpu->table_source, sizeof(gpu->table_source),
			 "built-in (no %s)", name);
		vgpu_builtin_table(&gpu->table, &model);
		return;
	}

	/* Parsed aside, so a refused image leaves nothing behind. */
	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table) {
		ret = -ENOMEM;
		strscpy(why, "out of memory", sizeof(why));
	} else {
		ret = vgpu_fw_parse(fw->data, fw->size, &model, table, why,
				    sizeof(why));
	}
	release_firmware(fw);
	if (ret) {
		pci_err(pdev, "type table %s refused: %s; using the built-in types\n",
			name, why);
		snprintf(gpu->table_source, sizeof(gpu->table_source),
			 "built-in (%s refused)", name);
		vgpu_builtin_table(&gpu->table, &model);
	} else {
		gpu->table = *table;
		snprintf(gpu->table_source, sizeof(gpu->table_source),
			 "firmware %s revision %u", name, table->revision);
		pci_info(pdev, "%u vGPU types from %s revision %u\n",
			 table->nr_types, name, table->revision);
	}
	kfree(table);
}
