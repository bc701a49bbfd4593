// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslice vendor GPU driver: binding to the physical GPU.
 *
 * Like vfio-pci, the driver has no static ID table and never takes a
 * device on its own: the admin hands devices over with the ids= module
 * parameter (dynamic IDs) or with driver_override.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vgpu.h"

/* The lab GPU is QEMU's bochs-display, the same IDs the vGPUs show. */
#define VGPU_VRAM_BAR 0

static char ids[1024];
module_param_string(ids, ids, sizeof(ids), 0444);
MODULE_PARM_DESC(ids, "Initial PCI IDs to add to the driver, format is \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\" and multiple comma separated entries can be specified");

static int vgpu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vgpu_device *gpu;
	resource_size_t size;
	int ret;

	if (pdev->vendor != VGPU_PCI_VENDOR || pdev->device != VGPU_PCI_DEVICE) {
		pci_warn(pdev, "%04x:%04x is not a supported GPU (want %04x:%04x)\n",
			 pdev->vendor, pdev->device, VGPU_PCI_VENDOR,
			 VGPU_PCI_DEVICE);
		return -ENODEV;
	}
	if (!(pci_resource_flags(pdev, VGPU_VRAM_BAR) & IORESOURCE_MEM)) {
		pci_err(pdev, "BAR%d is not a memory BAR\n", VGPU_VRAM_BAR);
		return -ENODEV;
	}
	size = pci_resource_len(pdev, VGPU_VRAM_BAR);
	if (size >> VGPU_UNIT_SHIFT > VS_POOL_MAX_UNITS)
		size = (resource_size_t)VS_POOL_MAX_UNITS << VGPU_UNIT_SHIFT;

	gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return -ENOMEM;
	gpu->pdev = pdev;
	mutex_init(&gpu->lock);

	/* Whatever the VRAM held before is cleared before a slice shows it. */
	bitmap_fill(gpu->dirty, VS_POOL_MAX_UNITS);
	ret = vs_pool_init(&gpu->pool, size >> VGPU_UNIT_SHIFT);
	if (ret) {
		pci_err(pdev, "VRAM of %pa bytes is smaller than one unit\n",
			&size);
		goto err_free;
	}

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_region(pdev, VGPU_VRAM_BAR, VGPU_DRIVER_NAME);
	if (ret)
		goto err_disable;

	gpu->vram_phys = pci_resource_start(pdev, VGPU_VRAM_BAR);
	gpu->vram_size = size;
	gpu->vram = ioremap_wc(gpu->vram_phys, size);
	if (!gpu->vram) {
		ret = -ENOMEM;
		goto err_release;
	}
	pci_set_drvdata(pdev, gpu);
	gpu->homogeneous = vgpu_default_homogeneous;
	vgpu_load_types(gpu);

	/* All of VRAM is dirty: the scrubber zeroes it in the background. */
	ret = vgpu_scrub_start(gpu);
	if (ret)
		goto err_unmap;
	ret = vgpu_parent_register(gpu);
	if (ret)
		goto err_scrub;

	pci_info(pdev, "vGPU parent with %llu MiB of VRAM\n",
		 (unsigned long long)(size >> 20));
	return 0;

err_scrub:
	vgpu_scrub_stop(gpu);
err_unmap:
	iounmap(gpu->vram);
err_release:
	pci_release_region(pdev, VGPU_VRAM_BAR);
err_disable:
	pci_disable_device(pdev);
err_free:
	mutex_destroy(&gpu->lock);
	kfree(gpu);
	return ret;
}

static void vgpu_remove(struct pci_dev *pdev)
{
	struct vgpu_device *gpu = pci_get_drvdata(pdev);

	/* Removes every instance first, waiting for open ones. */
	vgpu_parent_unregister(gpu);
	/* No instance is left to queue a scrub; stop it before the unmap. */
	vgpu_scrub_stop(gpu);
	iounmap(gpu->vram);
	pci_release_region(pdev, VGPU_VRAM_BAR);
	pci_disable_device(pdev);
	mutex_destroy(&gpu->lock);
	kfree(gpu);
}

static struct pci_driver vgpu_pci_driver = {
	.name = VGPU_DRIVER_NAME,
	.id_table = NULL,
	.probe = vgpu_probe,
	.remove = vgpu_remove,
	.dev_groups = vgpu_gpu_groups,
};

/*
 * Parse one "vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]",
 * every field hex; anything else, trailing characters included, is
 * refused.
 */
static int vgpu_parse_id(char *id, struct pci_device_id *out)
{
	unsigned int field[6] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0 };
	unsigned int n = 0;
	char *tok;

	while ((tok = strsep(&id, ":"))) {
		if (n == ARRAY_SIZE(field) || kstrtouint(tok, 16, &field[n]))
			return -EINVAL;
		n++;
	}
	if (n < 2 || field[0] > 0xffff || field[1] > 0xffff)
		return -EINVAL;
	out->vendor = field[0];
	out->device = field[1];
	out->subvendor = field[2];
	out->subdevice = field[3];
	out->class = field[4];
	out->class_mask = field[5];
	return 0;
}

static int vgpu_add_ids(void)
{
	char *list = ids, *id;
	int ret;

	while ((id = strsep(&list, ","))) {
		struct pci_device_id pid;
		char copy[64];

		if (!*id)
			continue;
		if (strscpy(copy, id, sizeof(copy)) < 0 ||
		    vgpu_parse_id(copy, &pid)) {
			pr_err("vslice: ids: \"%s\" is not vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex\n",
			       id);
			return -EINVAL;
		}
		ret = pci_add_dynid(&vgpu_pci_driver, pid.vendor, pid.device,
				    pid.subvendor, pid.subdevice, pid.class,
				    pid.class_mask, 0);
		if (ret) {
			pr_err("vslice: ids: cannot add %s: %d\n", id, ret);
			return ret;
		}
		pr_info("vslice: added %04x:%04x to the driver's IDs\n",
			pid.vendor, pid.device);
	}
	return 0;
}

static int __init vgpu_init(void)
{
	int ret;

	ret = pci_register_driver(&vgpu_pci_driver);
	if (ret)
		return ret;
	ret = vgpu_add_ids();
	if (ret)
		pci_unregister_driver(&vgpu_pci_driver);
	return ret;
}

static void __exit vgpu_exit(void)
{
	pci_unregister_driver(&vgpu_pci_driver);
}

module_init(vgpu_init);
module_exit(vgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vslice vendor GPU driver: vGPU slices of a physical GPU");
MODULE_AUTHOR("The vslice authors");
MODULE_SOFTDEP("pre: vslice_vfio_mdev");
/*
 * The type tables vgpu_load_types() finds for the GPUs vslice knows
 * (firmware/src/, the vslice-firmware package); for any other VRAM size
 * it asks in vain and uses the built-in types.
 */
MODULE_FIRMWARE("vslice/gpu-1234-1111-128m.fw");
MODULE_FIRMWARE("vslice/gpu-1234-1111-256m.fw");
