// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the vGPU type table image parser, compiled from
 * kernel/vendor_gpu/vgpu_fw.c.
 *
 * The first input byte picks how the rest becomes an image:
 *   mode 0: the bytes as they are;
 *   mode 1: the bytes, with the length and CRC fields made right and the
 *           GPU taken from the image, so mutations get past those checks;
 *   mode 2: a valid lab image, edited by (offset le16, value) byte triples
 *           from the input, CRC made right: the entries' checks, from inside;
 *   mode 3: as mode 2 with the CRC left as it is.
 * Bit 2 of that byte shortens @why to exercise its truncation.  Bit 6
 * (modes 2 and 3) takes the GPU from the edited header, so that edits of
 * the GPU's VRAM reach the slice-size limit instead of the GPU match.
 *
 * On success the table must satisfy every documented rule, checked here
 * independently of the parser (with an independent CRC); on failure the
 * table must be untouched and the reason a terminated line naming a check.
 * Before the first input, the boundary of the slice size is checked once:
 * VGPU_FW_MAX_SLICE_MIB accepted, twice that refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_fw.h"
#include "vgpu_fw_format.h"

#define POISON 0x5a
#define MAX_IMAGE 8192

static const struct vgpu_fw_gpu lab_gpu = { 0x1234, 0x1111, 256 };

static u32 crc_table[256];

/* A table-driven CRC-32, independent of the parser's (zlib's, here). */
static u32 ref_crc(const u8 *p, size_t n)
{
	u32 c = ~0U;
	size_t i;

	if (!crc_table[1]) {
		for (i = 0; i < 256; i++) {
			u32 v = i;
			int k;

			for (k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320U ^ (v >> 1) : v >> 1;
			crc_table[i] = v;
		}
	}
	for (i = 0; i < n; i++) {
		u8 b = i >= VGPU_FW_HDR_CRC && i < VGPU_FW_HDR_CRC + 4 ? 0 : p[i];

		c = crc_table[(c ^ b) & 0xff] ^ (c >> 8);
	}
	return ~c;
}

static size_t lab_image(u8 *img)
{
	static const struct {
		const char *id;
		u32 mib, w, h;
	} t[] = {
		{ "s16", 16, 1280, 1024 }, { "s32", 32, 1920, 1200 },
		{ "s64", 64, 2560, 1600 }, { "s128", 128, 3840, 2160 },
		{ "s256", 256, 7680, 4320 },
	};
	size_t i, n = ARRAY_SIZE(t);
	size_t len = VGPU_FW_HDR_V1_SIZE + n * VGPU_FW_ENT_V1_SIZE;

	memset(img, 0, len);
	memcpy(img, VGPU_FW_MAGIC, VGPU_FW_MAGIC_LEN);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MAJOR, VGPU_FW_FORMAT_MAJOR);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MINOR, VGPU_FW_FORMAT_MINOR);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_HDR_SIZE, VGPU_FW_HDR_V1_SIZE);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_ENTRY_SIZE, VGPU_FW_ENT_V1_SIZE);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_NR_TYPES, n);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_LENGTH, len);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_VENDOR, lab_gpu.vendor);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_DEVICE, lab_gpu.device);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_VRAM_MIB, lab_gpu.vram_mib);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_REVISION, 1);
	for (i = 0; i < n; i++) {
		u8 *e = img + VGPU_FW_HDR_V1_SIZE + i * VGPU_FW_ENT_V1_SIZE;

		memcpy(e + VGPU_FW_ENT_ID, t[i].id, strlen(t[i].id));
		snprintf((char *)e + VGPU_FW_ENT_NAME, VGPU_FW_NAME_LEN, "vslice S%u", t[i].mib);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_VRAM_MIB, t[i].mib);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_INST, 256 / t[i].mib);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_WIDTH, t[i].w);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_HEIGHT, t[i].h);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_HEADS, VGPU_FW_RETIRED_HEADS_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_WEIGHT, VGPU_FW_RETIRED_WEIGHT_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_FPS_CAP, VGPU_FW_RETIRED_FPS_CAP_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_PCI_CLASS, VGPU_FW_CLASS_VGA);
	}
	return len;
}

static void check_string(const char *s, size_t len, bool is_id)
{
	size_t n = strnlen(s, len), i;

	if (n == 0 || n == len)
		abort();
	for (i = n; i < len; i++)
		if (s[i])
			abort();
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (is_id) {
			if (!((c >= 'a' && c <= 'z') ||
			      (i && ((c >= '0' && c <= '9') || c == '_'))))
				abort();
		} else if (c < 0x20 || c > 0x7e) {
			abort();
		}
	}
}

/* The retired fields a format 1.0 image sets, judged without the parser. */
static u32 ref_ignored(const u8 *img, u32 nr_types)
{
	static const u32 off[] = { VGPU_FW_ENT_HEADS, VGPU_FW_ENT_WEIGHT, VGPU_FW_ENT_FPS_CAP };
	static const u32 bit[] = { VGPU_FW_IGNORED_HEADS, VGPU_FW_IGNORED_WEIGHT,
				   VGPU_FW_IGNORED_FPS_CAP };
	u32 hdr = vgpu_fw_get_le16(img + VGPU_FW_HDR_HDR_SIZE);
	u32 stride = vgpu_fw_get_le16(img + VGPU_FW_HDR_ENTRY_SIZE);
	u32 i, k, set = 0;

	if (vgpu_fw_get_le16(img + VGPU_FW_HDR_MINOR))
		return 0;
	for (i = 0; i < nr_types; i++)
		for (k = 0; k < ARRAY_SIZE(off); k++)
			if (vgpu_fw_get_le32(img + hdr + (size_t)i * stride + off[k]))
				set |= bit[k];
	return set;
}

static void check_accepted(const u8 *img, size_t size, const struct vgpu_fw_gpu *gpu,
			   const struct vgpu_fw_table *t)
{
	u32 i, j;

	/* The header, judged without the parser. */
	if (size < VGPU_FW_HDR_V1_SIZE || memcmp(img, VGPU_FW_MAGIC, VGPU_FW_MAGIC_LEN) ||
	    vgpu_fw_get_le16(img + VGPU_FW_HDR_MAJOR) != VGPU_FW_FORMAT_MAJOR ||
	    vgpu_fw_get_le32(img + VGPU_FW_HDR_LENGTH) != size ||
	    vgpu_fw_get_le32(img + VGPU_FW_HDR_CRC) != ref_crc(img, size) ||
	    vgpu_fw_get_le16(img + VGPU_FW_HDR_ENTRY_SIZE) < VGPU_FW_ENT_V1_SIZE ||
	    vgpu_fw_get_le16(img + VGPU_FW_HDR_HDR_SIZE) < VGPU_FW_HDR_V1_SIZE ||
	    vgpu_fw_get_le16(img + VGPU_FW_HDR_HDR_SIZE) +
	    (u64)t->nr_types * vgpu_fw_get_le16(img + VGPU_FW_HDR_ENTRY_SIZE) > size)
		abort();
	if (t->gpu.vendor != gpu->vendor || t->gpu.device != gpu->device ||
	    t->gpu.vram_mib != gpu->vram_mib ||
	    t->revision != vgpu_fw_get_le32(img + VGPU_FW_HDR_REVISION) ||
	    t->minor != vgpu_fw_get_le16(img + VGPU_FW_HDR_MINOR) ||
	    t->nr_types != vgpu_fw_get_le32(img + VGPU_FW_HDR_NR_TYPES))
		abort();
	if (t->nr_types < 1 || t->nr_types > VGPU_FW_MAX_TYPES)
		abort();
	if (t->ignored != ref_ignored(img, t->nr_types))
		abort();
	for (i = 0; i < t->nr_types; i++) {
		const struct vgpu_fw_type *y = &t->types[i];

		check_string(y->id, sizeof(y->id), true);
		check_string(y->name, sizeof(y->name), false);
		for (j = 0; j < i; j++)
			if (!strcmp(y->id, t->types[j].id))
				abort();
		if (!y->vram_mib || (y->vram_mib & (y->vram_mib - 1)) ||
		    y->vram_mib > gpu->vram_mib)
			abort();
		/* Its BAR0 size, a u32 power of two, and VIDEO_MEMORY_64K exist. */
		if ((u64)y->vram_mib << 20 > UINT32_MAX ||
		    ((u64)y->vram_mib << 20) / 65536 > 0xffff)
			abort();
		if (y->max_instances < 1 || y->max_instances > gpu->vram_mib / y->vram_mib)
			abort();
		if (y->max_width < VGPU_FW_MIN_WIDTH || y->max_width > VGPU_FW_MAX_RES ||
		    y->max_height < VGPU_FW_MIN_HEIGHT || y->max_height > VGPU_FW_MAX_RES)
			abort();
		if (y->pci_class != VGPU_FW_CLASS_VGA && y->pci_class != VGPU_FW_CLASS_DISPLAY)
			abort();
	}
	/* Unused types stay zero. */
	for (i = t->nr_types; i < VGPU_FW_MAX_TYPES; i++) {
		const u8 *p = (const u8 *)&t->types[i];

		for (j = 0; j < sizeof(t->types[i]); j++)
			if (p[j])
				abort();
	}
}

static void check_refused(int ret, const char *why, size_t why_len, const u8 *table,
			  size_t table_len)
{
	static const char *const checks[] = {
		"header:", "magic:", "version:", "length:", "crc:", "count:", "gpu:", "type ",
	};
	size_t i, n;

	if (ret != -EINVAL && ret != -ENODEV)
		abort();
	for (i = 0; i < table_len; i++)
		if (table[i] != POISON)
			abort();
	if (!why_len)
		return;
	n = strnlen(why, why_len);
	if (n == why_len)
		abort();
	if (why_len < VGPU_FW_WHY_LEN)
		return;
	if (!n)
		abort();
	for (i = 0; i < ARRAY_SIZE(checks); i++)
		if (!strncmp(why, checks[i], strlen(checks[i])))
			break;
	if (i == ARRAY_SIZE(checks))
		abort();
	/* -ENODEV is for an intact image made for another GPU, only. */
	if ((ret == -ENODEV) != !strncmp(why, "gpu:", 4))
		abort();
}

/*
 * The slice-size boundary, once: on a 4096 MiB GPU, the lab image with
 * its last type made VGPU_FW_MAX_SLICE_MIB is accepted, and with twice
 * that it is refused for that type.
 */
static void check_slice_boundary(void)
{
	static u8 img[MAX_IMAGE];
	static struct vgpu_fw_table table;
	static const char want[] = "type 4 (s256): vram_mib 4096 exceeds the 2048 MiB";
	struct vgpu_fw_gpu gpu = { 0x1234, 0x1111, 4096 };
	u8 *last;
	char why[VGPU_FW_WHY_LEN];
	size_t len = lab_image(img);

	last = img + len - VGPU_FW_ENT_V1_SIZE;
	vgpu_fw_put_le32(img + VGPU_FW_HDR_VRAM_MIB, gpu.vram_mib);
	vgpu_fw_put_le32(last + VGPU_FW_ENT_VRAM_MIB, VGPU_FW_MAX_SLICE_MIB);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, ref_crc(img, len));
	if (vgpu_fw_parse(img, len, &gpu, &table, why, sizeof(why)) ||
	    table.types[4].vram_mib != VGPU_FW_MAX_SLICE_MIB) {
		fprintf(stderr, "fuzz_fw: a %u MiB type is refused: %s\n",
			VGPU_FW_MAX_SLICE_MIB, why);
		abort();
	}
	vgpu_fw_put_le32(last + VGPU_FW_ENT_VRAM_MIB, 2 * VGPU_FW_MAX_SLICE_MIB);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, ref_crc(img, len));
	if (vgpu_fw_parse(img, len, &gpu, &table, why, sizeof(why)) != -EINVAL ||
	    strncmp(why, want, strlen(want))) {
		fprintf(stderr, "fuzz_fw: a %u MiB type is not refused for its size: %s\n",
			2 * VGPU_FW_MAX_SLICE_MIB, why);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	check_slice_boundary();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 img[MAX_IMAGE];
	static struct vgpu_fw_table table, again;
	struct vgpu_fw_gpu gpu = lab_gpu;
	char why_buf[VGPU_FW_WHY_LEN], *why = why_buf;
	size_t len, why_len, i;
	u8 mode;
	int ret;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	why_len = mode & 4 ? (mode >> 3) % 24 : sizeof(why_buf);
	/* Bit 7: no @why at all (a length with it: the parser must not care). */
	if (mode & 0x80)
		why = NULL;

	switch (mode & 3) {
	case 0:
	case 1:
		if (size > MAX_IMAGE)
			return 0;
		len = size;
		memcpy(img, data, len);
		if ((mode & 3) == 1 && len >= VGPU_FW_HDR_V1_SIZE) {
			vgpu_fw_put_le32(img + VGPU_FW_HDR_LENGTH, len);
			vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, ref_crc(img, len));
			gpu.vendor = vgpu_fw_get_le16(img + VGPU_FW_HDR_VENDOR);
			gpu.device = vgpu_fw_get_le16(img + VGPU_FW_HDR_DEVICE);
			gpu.vram_mib = vgpu_fw_get_le32(img + VGPU_FW_HDR_VRAM_MIB);
		}
		break;
	default:
		len = lab_image(img);
		for (i = 0; i + 2 < size; i += 3)
			img[(data[i] | data[i + 1] << 8) % len] = data[i + 2];
		if ((mode & 3) == 2)
			vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, ref_crc(img, len));
		if (mode & 0x40)
			gpu.vram_mib = vgpu_fw_get_le32(img + VGPU_FW_HDR_VRAM_MIB);
		break;
	}

	memset(&table, POISON, sizeof(table));
	memset(why_buf, 'x', sizeof(why_buf));
	ret = vgpu_fw_parse(img, len, &gpu, &table, why, why_len);
	if (!ret) {
		if (why && why_len && why[0])
			abort();
		check_accepted(img, len, &gpu, &table);
		/* The same bytes parse to the same table. */
		memset(&again, 0, sizeof(again));
		if (vgpu_fw_parse(img, len, &gpu, &again, NULL, 0) ||
		    memcmp(&table, &again, sizeof(table)))
			abort();
	} else {
		check_refused(ret, why, why ? why_len : 0, (const u8 *)&table, sizeof(table));
	}
	return 0;
}
