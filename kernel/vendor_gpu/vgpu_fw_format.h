/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The on-disk layout of the vGPU type table image, format 1.1: what the
 * parser (vgpu_fw.c), the builder (firmware/mkfw.c), the KUnit suite and
 * the fuzzer share.  firmware/README.md documents the same layout for
 * people; keep the two in step.
 *
 * Every integer is little-endian and read byte by byte, so neither the
 * host's byte order nor the image's alignment matters.
 */
#ifndef VSLICE_VGPU_FW_FORMAT_H
#define VSLICE_VGPU_FW_FORMAT_H

#include <vslice/pure_env.h>

#define VGPU_FW_MAGIC		"VSFW"
#define VGPU_FW_MAGIC_LEN	4
/*
 * A new major version is free to change anything, so readers refuse any
 * major they do not know.  A new minor version may only add: fields in
 * the reserved tail of the header, fields after the v1 part of each entry
 * (a larger entry size), bytes after the last entry.  It may also retire
 * a field: the field keeps its offset, its readers ignore it, and its
 * writers fill it with a value that every older reader accepts.  Readers
 * accept every minor version and skip what they do not know.
 */
#define VGPU_FW_FORMAT_MAJOR	1
/* 1.1 retired heads, weight and fps_cap (see the entry below). */
#define VGPU_FW_FORMAT_MINOR	1

/* Header: offsets from the start of the image. */
#define VGPU_FW_HDR_MAGIC	0x00	/* 4 bytes, "VSFW" */
#define VGPU_FW_HDR_MAJOR	0x04	/* le16 */
#define VGPU_FW_HDR_MINOR	0x06	/* le16 */
#define VGPU_FW_HDR_HDR_SIZE	0x08	/* le16, offset of the first entry */
#define VGPU_FW_HDR_ENTRY_SIZE	0x0a	/* le16, stride of the entries */
#define VGPU_FW_HDR_NR_TYPES	0x0c	/* le32 */
#define VGPU_FW_HDR_LENGTH	0x10	/* le32, of the whole image */
#define VGPU_FW_HDR_CRC		0x14	/* le32, taken as zero while computed */
#define VGPU_FW_HDR_VENDOR	0x18	/* le16, PCI vendor ID */
#define VGPU_FW_HDR_DEVICE	0x1a	/* le16, PCI device ID */
#define VGPU_FW_HDR_VRAM_MIB	0x1c	/* le32 */
#define VGPU_FW_HDR_REVISION	0x20	/* le32 */
/* 0x24 to 0x3f: reserved; writers zero it, v1 readers ignore it. */
#define VGPU_FW_HDR_V1_SIZE	0x40

/* Entry: offsets from the start of each entry. */
#define VGPU_FW_ENT_ID		0x00	/* VGPU_FW_ID_LEN bytes, NUL-padded */
#define VGPU_FW_ENT_NAME	0x10	/* VGPU_FW_NAME_LEN bytes, NUL-padded */
#define VGPU_FW_ENT_VRAM_MIB	0x40	/* le32 */
#define VGPU_FW_ENT_MAX_INST	0x44	/* le32 */
#define VGPU_FW_ENT_MAX_WIDTH	0x48	/* le32 */
#define VGPU_FW_ENT_MAX_HEIGHT	0x4c	/* le32 */
/*
 * Retired in 1.1: heads, weight and fps_cap of format 1.0.  No part of a
 * vGPU ever acted on them (it has one scanout, and nothing schedules or
 * paces it), so readers ignore them.  They keep their offsets and
 * writers fill them with values a 1.0 reader accepts, so that a 1.0
 * driver still loads a 1.1 image (it checks heads 1..4, weight 1..1000,
 * fps_cap 1..240).
 */
#define VGPU_FW_ENT_HEADS	0x50	/* le32, retired */
#define VGPU_FW_ENT_WEIGHT	0x54	/* le32, retired */
#define VGPU_FW_ENT_FPS_CAP	0x58	/* le32, retired */
#define VGPU_FW_ENT_PCI_CLASS	0x5c	/* le32 */
#define VGPU_FW_ENT_V1_SIZE	0x60

/* What 1.1 writers put in the retired fields. */
#define VGPU_FW_RETIRED_HEADS_FILL	1
#define VGPU_FW_RETIRED_WEIGHT_FILL	100
#define VGPU_FW_RETIRED_FPS_CAP_FILL	60

/* The value ranges of struct vgpu_fw_type, inclusive. */
#define VGPU_FW_MIN_WIDTH	640
#define VGPU_FW_MIN_HEIGHT	480
#define VGPU_FW_MAX_RES		16384

/* Long enough for every message vgpu_fw_parse() writes to @why. */
#define VGPU_FW_WHY_LEN		128

static inline u32 vgpu_fw_get_le16(const u8 *p)
{
	return p[0] | (u32)p[1] << 8;
}

static inline u32 vgpu_fw_get_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline void vgpu_fw_put_le16(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8 & 0xff;
}

static inline void vgpu_fw_put_le32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8 & 0xff;
	p[2] = v >> 16 & 0xff;
	p[3] = v >> 24 & 0xff;
}

u32 vgpu_fw_crc32(const u8 *image, size_t size);

#endif /* VSLICE_VGPU_FW_FORMAT_H */
