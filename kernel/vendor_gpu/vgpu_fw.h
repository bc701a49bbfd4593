/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vGPU type table firmware image: its parsed form, and the parser
 * that validates an image into it.  Pure logic: compiles in the kernel
 * (vslice_gpu.ko, KUnit) and in userspace (the fuzzer, the builder's
 * self-check).  The on-disk layout is documented in firmware/README.md.
 */
#ifndef VSLICE_VGPU_FW_H
#define VSLICE_VGPU_FW_H

#include <vslice/pure_env.h>

/* Longest sysfs id and pretty name, with their terminating NUL. */
#define VGPU_FW_ID_LEN		16
#define VGPU_FW_NAME_LEN	48
/* Most types one table may carry. */
#define VGPU_FW_MAX_TYPES	16
/*
 * The largest slice a vGPU can show its guest.  BAR0 is a 32-bit memory
 * BAR whose size is a power of two (vgpu_cfg_init() takes it as a u32, so
 * 4 GiB would be 0), and the Bochs VIDEO_MEMORY_64K register counts
 * 64 KiB units in 16 bits (at most 4 GiB - 64 KiB): 2 GiB is the largest
 * power of two both can describe.
 */
#define VGPU_FW_MAX_SLICE_MIB	2048

/* The device classes a type may give its instances (PCI class codes). */
#define VGPU_FW_CLASS_VGA	0x030000
#define VGPU_FW_CLASS_DISPLAY	0x038000

/**
 * struct vgpu_fw_type - one vGPU type, validated
 * @id: sysfs id, [a-z0-9_]+ starting with a letter; the type directory
 *	is "vslice-<id>"
 * @name: pretty name, printable ASCII
 * @vram_mib: VRAM slice in MiB, a power of two, at most the GPU's VRAM
 *	and at most VGPU_FW_MAX_SLICE_MIB (what BAR0 and VIDEO_MEMORY_64K
 *	can describe)
 * @max_instances: most instances of this type on one GPU, 1 to
 *	GPU VRAM / @vram_mib
 * @max_width: largest horizontal resolution, 640 to 16384
 * @max_height: largest vertical resolution, 480 to 16384
 * @pci_class: PCI class code of an instance, VGPU_FW_CLASS_*
 */
struct vgpu_fw_type {
	char id[VGPU_FW_ID_LEN];
	char name[VGPU_FW_NAME_LEN];
	u32 vram_mib;
	u32 max_instances;
	u32 max_width;
	u32 max_height;
	u32 pci_class;
};

/**
 * struct vgpu_fw_gpu - the physical GPU an image must be for
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @vram_mib: VRAM in MiB
 */
struct vgpu_fw_gpu {
	u32 vendor;
	u32 device;
	u32 vram_mib;
};

/* The retired fields of a format 1.0 entry, for vgpu_fw_table.ignored. */
#define VGPU_FW_IGNORED_HEADS	0x1
#define VGPU_FW_IGNORED_WEIGHT	0x2
#define VGPU_FW_IGNORED_FPS_CAP	0x4

/**
 * struct vgpu_fw_table - a validated type table
 * @gpu: the GPU model it is for
 * @revision: the table's revision, from the image
 * @minor: the image's minor format version
 * @ignored: VGPU_FW_IGNORED_* of the retired fields that a format 1.0
 *	image sets (non-zero) in any of its types: values its author meant,
 *	which this driver ignores.  Always 0 for a 1.1 or later image, whose
 *	writer only fills them for 1.0 readers.
 * @nr_types: entries used in @types, 1 to VGPU_FW_MAX_TYPES
 * @types: the types, in image order
 */
struct vgpu_fw_table {
	struct vgpu_fw_gpu gpu;
	u32 revision;
	u32 minor;
	u32 ignored;
	u32 nr_types;
	struct vgpu_fw_type types[VGPU_FW_MAX_TYPES];
};

int vgpu_fw_parse(const u8 *data, size_t size, const struct vgpu_fw_gpu *gpu,
		  struct vgpu_fw_table *table, char *why, size_t why_len);

#endif /* VSLICE_VGPU_FW_H */
