// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where a GPU's vGPU types come from: the type table firmware image for
 * its model, or, when there is none or it does not validate, the table
 * built into the driver.
 */
#include <linux/firmware.h>
#include <linux/slab.h>

#include "vgpu.h"

/*
 * id, name, VRAM MiB, max resolution: the lab's types.  Every size is a
 * power of two of at most VGPU_FW_MAX_SLICE_MIB, as the parser demands
 * of a firmware table (vgpu_builtin_table() skips any that is not).
 */
static const struct {
	const char *id;
	const char *name;
	u32 vram_mib;
	u32 max_width;
	u32 max_height;
} vgpu_builtin_types[] = {
	{ "s16",  "vslice S16",  16,  1280, 1024 },
	{ "s32",  "vslice S32",  32,  1920, 1200 },
	{ "s64",  "vslice S64",  64,  2560, 1600 },
	{ "s128", "vslice S128", 128, 3840, 2160 },
	{ "s256", "vslice S256", 256, 7680, 4320 },
};

/**
 * vgpu_builtin_table() - the built-in types that fit a GPU
 * @table: filled with revision 0 and the types no larger than the VRAM
 *	(nor than VGPU_FW_MAX_SLICE_MIB)
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
		u32 mib = vgpu_builtin_types[i].vram_mib;

		if (mib > gpu->vram_mib || mib > VGPU_FW_MAX_SLICE_MIB ||
		    WARN_ON_ONCE(mib & (mib - 1)))
			continue;
		strscpy(t->id, vgpu_builtin_types[i].id, sizeof(t->id));
		strscpy(t->name, vgpu_builtin_types[i].name, sizeof(t->name));
		t->vram_mib = mib;
		t->max_instances = gpu->vram_mib / t->vram_mib;
		t->max_width = vgpu_builtin_types[i].max_width;
		t->max_height = vgpu_builtin_types[i].max_height;
		t->pci_class = VGPU_FW_CLASS_VGA;
		table->nr_types++;
	}
}

/*
 * One line for an image whose author set fields that format 1.1 retired:
 * the image still applies, and the admin learns that those values do
 * nothing (and never did).
 */
static void vgpu_log_ignored(struct pci_dev *pdev, const char *name,
			     const struct vgpu_fw_table *table)
{
	static const char *const field[] = { "heads", "weight", "fps_cap" };
	char list[32] = "";
	unsigned int i;
	int n = 0;

	BUILD_BUG_ON(VGPU_FW_IGNORED_HEADS != 1 << 0 ||
		     VGPU_FW_IGNORED_WEIGHT != 1 << 1 ||
		     VGPU_FW_IGNORED_FPS_CAP != 1 << 2);
	for (i = 0; i < ARRAY_SIZE(field); i++)
		if (table->ignored & 1U << i)
			n += scnprintf(list + n, sizeof(list) - n, "%s%s",
				       n ? ", " : "", field[i]);
	if (n)
		pci_notice(pdev, "type table %s is format 1.%u: ignoring %s (retired in format 1.1; no vGPU acts on them)\n",
			   name, table->minor, list);
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
		vgpu_log_ignored(pdev, name, table);
	}
	kfree(table);
}
