// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGPU type table image parser.
 *
 * The image comes from a file on disk, so every byte of it is untrusted:
 * each field is read byte by byte within bounds checked first, every
 * value is checked against its range before it is used, and the caller's
 * table is written only once the whole image has passed.  A refused image
 * leaves a one-line reason that starts with the name of the failed check.
 *
 * Pure logic: this file also builds in userspace (the fuzzer and the
 * builder's self-check), so it includes nothing but the pure environment
 * and formats its messages itself.
 */
#include "vgpu_fw.h"
#include "vgpu_fw_format.h"

/**
 * vgpu_fw_crc32() - the CRC of a type table image
 * @image: the image
 * @size: its size in bytes
 *
 * The IEEE 802.3 CRC-32 (what zlib's crc32() computes, and the kernel's
 * crc32_le() with the initial value and final XOR all ones) over the
 * whole image, with the four bytes of the CRC field taken as zero so that
 * the CRC can sit inside the data it covers: the bytes before the field,
 * four zero bytes in its place, then the bytes after it.  crc32_le() is
 * the kernel's in a kernel build and zlib's, through the pure
 * environment, in userspace builds.
 *
 * Return: the CRC.
 */
u32 vgpu_fw_crc32(const u8 *image, size_t size)
{
	static const u8 zero[4];
	const size_t field = VGPU_FW_HDR_CRC, after = VGPU_FW_HDR_CRC + 4;
	u32 crc = ~0U;

	crc = crc32_le(crc, image, size < field ? size : field);
	if (size > field)
		crc = crc32_le(crc, zero, (size < after ? size : after) - field);
	if (size > after)
		crc = crc32_le(crc, image + after, size - after);
	return ~crc;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_fw_crc32);

/* Say why the image is refused and return @err, for "return refuse()". */
static __printf(4, 5) int refuse(char *why, size_t why_len, int err,
				 const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_len)
		return err;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return err;
}

/* The header fields, decoded once the header is known to be there. */
struct fw_header {
	u32 major;
	u32 minor;
	u32 hdr_size;
	u32 entry_size;
	u32 nr_types;
	u32 length;
	u32 crc;
	u32 vendor;
	u32 device;
	u32 vram_mib;
	u32 revision;
};

static void decode_header(const u8 *p, struct fw_header *h)
{
	h->major = vgpu_fw_get_le16(p + VGPU_FW_HDR_MAJOR);
	h->minor = vgpu_fw_get_le16(p + VGPU_FW_HDR_MINOR);
	h->hdr_size = vgpu_fw_get_le16(p + VGPU_FW_HDR_HDR_SIZE);
	h->entry_size = vgpu_fw_get_le16(p + VGPU_FW_HDR_ENTRY_SIZE);
	h->nr_types = vgpu_fw_get_le32(p + VGPU_FW_HDR_NR_TYPES);
	h->length = vgpu_fw_get_le32(p + VGPU_FW_HDR_LENGTH);
	h->crc = vgpu_fw_get_le32(p + VGPU_FW_HDR_CRC);
	h->vendor = vgpu_fw_get_le16(p + VGPU_FW_HDR_VENDOR);
	h->device = vgpu_fw_get_le16(p + VGPU_FW_HDR_DEVICE);
	h->vram_mib = vgpu_fw_get_le32(p + VGPU_FW_HDR_VRAM_MIB);
	h->revision = vgpu_fw_get_le32(p + VGPU_FW_HDR_REVISION);
}

/*
 * Everything about the image as a whole, in the order that names the
 * most useful failure: a file of another kind, then one that is cut
 * short or damaged, then a layout this driver cannot hold, and only then
 * (with the contents known intact) one made for another GPU.
 */
static int check_header(const u8 *data, size_t size,
			const struct vgpu_fw_gpu *gpu, struct fw_header *h,
			char *why, size_t why_len)
{
	u64 end;
	u32 crc;

	if (size >= VGPU_FW_MAGIC_LEN &&
	    memcmp(data + VGPU_FW_HDR_MAGIC, VGPU_FW_MAGIC, VGPU_FW_MAGIC_LEN))
		return refuse(why, why_len, -EINVAL,
			      "magic: %02x %02x %02x %02x is not \"%s\"",
			      data[0], data[1], data[2], data[3], VGPU_FW_MAGIC);
	if (size < VGPU_FW_HDR_V1_SIZE)
		return refuse(why, why_len, -EINVAL,
			      "header: file has %zu bytes, the header needs %u",
			      size, VGPU_FW_HDR_V1_SIZE);
	decode_header(data, h);
	if (h->major != VGPU_FW_FORMAT_MAJOR)
		return refuse(why, why_len, -EINVAL,
			      "version: format %u.%u, this driver reads %u.x",
			      h->major, h->minor, VGPU_FW_FORMAT_MAJOR);
	if (h->hdr_size < VGPU_FW_HDR_V1_SIZE)
		return refuse(why, why_len, -EINVAL,
			      "header: header_size %u is below the v1 header's %u",
			      h->hdr_size, VGPU_FW_HDR_V1_SIZE);
	if (h->length != size)
		return refuse(why, why_len, -EINVAL,
			      "length: header says %u bytes, file has %zu",
			      h->length, size);
	crc = vgpu_fw_crc32(data, size);
	if (h->crc != crc)
		return refuse(why, why_len, -EINVAL,
			      "crc: image says 0x%08x, computed 0x%08x",
			      h->crc, crc);
	if (h->entry_size < VGPU_FW_ENT_V1_SIZE)
		return refuse(why, why_len, -EINVAL,
			      "header: entry_size %u is below the v1 entry's %u",
			      h->entry_size, VGPU_FW_ENT_V1_SIZE);
	if (!h->nr_types)
		return refuse(why, why_len, -EINVAL, "count: the image has no types");
	if (h->nr_types > VGPU_FW_MAX_TYPES)
		return refuse(why, why_len, -EINVAL,
			      "count: %u types, format 1 allows at most %u",
			      h->nr_types, VGPU_FW_MAX_TYPES);
	/* At most 16 entries of 64 KiB from 64 KiB in: no overflow in u64. */
	end = h->hdr_size + (u64)h->nr_types * h->entry_size;
	if (end > h->length)
		return refuse(why, why_len, -EINVAL,
			      "count: %u entries of %u bytes from offset %u end past the %u-byte image",
			      h->nr_types, h->entry_size, h->hdr_size, h->length);
	if (h->vendor != gpu->vendor || h->device != gpu->device)
		return refuse(why, why_len, -ENODEV,
			      "gpu: image is for %04x:%04x, this GPU is %04x:%04x",
			      h->vendor, h->device, gpu->vendor, gpu->device);
	if (h->vram_mib != gpu->vram_mib)
		return refuse(why, why_len, -ENODEV,
			      "gpu: image is for %u MiB of VRAM, this GPU has %u MiB",
			      h->vram_mib, gpu->vram_mib);
	return 0;
}

static const u8 *entry_at(const u8 *data, const struct fw_header *h, u32 i)
{
	return data + h->hdr_size + (size_t)i * h->entry_size;
}

/* Copy a NUL-terminated field, clearing whatever follows the NUL. */
static void copy_string(char *dst, const u8 *src, size_t len)
{
	size_t i;
	bool ended = false;

	for (i = 0; i < len; i++) {
		ended = ended || !src[i];
		dst[i] = ended ? '\0' : src[i];
	}
}

static void decode_type(const u8 *e, struct vgpu_fw_type *t)
{
	copy_string(t->id, e + VGPU_FW_ENT_ID, VGPU_FW_ID_LEN);
	copy_string(t->name, e + VGPU_FW_ENT_NAME, VGPU_FW_NAME_LEN);
	t->vram_mib = vgpu_fw_get_le32(e + VGPU_FW_ENT_VRAM_MIB);
	t->max_instances = vgpu_fw_get_le32(e + VGPU_FW_ENT_MAX_INST);
	t->max_width = vgpu_fw_get_le32(e + VGPU_FW_ENT_MAX_WIDTH);
	t->max_height = vgpu_fw_get_le32(e + VGPU_FW_ENT_MAX_HEIGHT);
	t->pci_class = vgpu_fw_get_le32(e + VGPU_FW_ENT_PCI_CLASS);
}

/*
 * The id becomes part of a sysfs directory name ("vslice-<id>") and of
 * mdevctl's type names: a lowercase letter, then lowercase letters,
 * digits and '_', so never '/', '.', a space or anything to escape.
 */
static int check_id(const u8 *id, u32 i, char *why, size_t why_len)
{
	size_t n;

	if (!memchr(id, '\0', VGPU_FW_ID_LEN))
		return refuse(why, why_len, -EINVAL,
			      "type %u: id not NUL-terminated within %u bytes",
			      i, VGPU_FW_ID_LEN);
	if (!id[0])
		return refuse(why, why_len, -EINVAL, "type %u: id is empty", i);
	for (n = 0; id[n]; n++) {
		u8 c = id[n];
		bool ok = (c >= 'a' && c <= 'z') ||
			  (n && ((c >= '0' && c <= '9') || c == '_'));

		if (!ok)
			return refuse(why, why_len, -EINVAL,
				      "type %u: id byte %zu is 0x%02x, ids are [a-z][a-z0-9_]*",
				      i, n, c);
	}
	return 0;
}

static int check_name(const u8 *name, u32 i, const char *id, char *why,
		      size_t why_len)
{
	size_t n;

	if (!memchr(name, '\0', VGPU_FW_NAME_LEN))
		return refuse(why, why_len, -EINVAL,
			      "type %u (%s): name not NUL-terminated within %u bytes",
			      i, id, VGPU_FW_NAME_LEN);
	if (!name[0])
		return refuse(why, why_len, -EINVAL, "type %u (%s): name is empty",
			      i, id);
	for (n = 0; name[n]; n++)
		if (name[n] < 0x20 || name[n] > 0x7e)
			return refuse(why, why_len, -EINVAL,
				      "type %u (%s): name byte %zu is 0x%02x, not printable ASCII",
				      i, id, n, name[n]);
	return 0;
}

/* The numeric fields with a range; false (and @why set) if one is out. */
static bool check_ranges(const struct vgpu_fw_type *t, u32 gpu_vram, u32 i,
			 char *why, size_t why_len)
{
	const struct {
		const char *field;
		u32 v, lo, hi;
	} r[] = {
		{ "max_instances", t->max_instances, 1, gpu_vram / t->vram_mib },
		{ "max_width", t->max_width, VGPU_FW_MIN_WIDTH, VGPU_FW_MAX_RES },
		{ "max_height", t->max_height, VGPU_FW_MIN_HEIGHT, VGPU_FW_MAX_RES },
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(r); k++)
		if (r[k].v < r[k].lo || r[k].v > r[k].hi) {
			refuse(why, why_len, -EINVAL,
			       "type %u (%s): %s %u is not in %u..%u",
			       i, t->id, r[k].field, r[k].v, r[k].lo, r[k].hi);
			return false;
		}
	return true;
}

static int check_type(const u8 *data, const struct fw_header *h, u32 i,
		      char *why, size_t why_len)
{
	const u8 *e = entry_at(data, h, i);
	struct vgpu_fw_type t;
	u32 j, gpu_vram = h->vram_mib;
	int ret;

	ret = check_id(e + VGPU_FW_ENT_ID, i, why, why_len);
	if (ret)
		return ret;
	decode_type(e, &t);
	ret = check_name(e + VGPU_FW_ENT_NAME, i, t.id, why, why_len);
	if (ret)
		return ret;
	/* Earlier ids are already known to be terminated. */
	for (j = 0; j < i; j++)
		if (!strcmp((const char *)entry_at(data, h, j) + VGPU_FW_ENT_ID, t.id))
			return refuse(why, why_len, -EINVAL,
				      "type %u: id \"%s\" duplicates type %u",
				      i, t.id, j);

	/* Slices are naturally aligned power-of-two blocks of VRAM. */
	if (!t.vram_mib || t.vram_mib & (t.vram_mib - 1))
		return refuse(why, why_len, -EINVAL,
			      "type %u (%s): vram_mib %u is not a power of two",
			      i, t.id, t.vram_mib);
	if (t.vram_mib > gpu_vram)
		return refuse(why, why_len, -EINVAL,
			      "type %u (%s): vram_mib %u exceeds the GPU's %u MiB",
			      i, t.id, t.vram_mib, gpu_vram);
	/* Published, it could never be created: its BAR0 would not exist. */
	if (t.vram_mib > VGPU_FW_MAX_SLICE_MIB)
		return refuse(why, why_len, -EINVAL,
			      "type %u (%s): vram_mib %u exceeds the %u MiB that a 32-bit BAR0 and VIDEO_MEMORY_64K can describe",
			      i, t.id, t.vram_mib, VGPU_FW_MAX_SLICE_MIB);
	if (!check_ranges(&t, gpu_vram, i, why, why_len))
		return -EINVAL;
	if (t.pci_class != VGPU_FW_CLASS_VGA && t.pci_class != VGPU_FW_CLASS_DISPLAY)
		return refuse(why, why_len, -EINVAL,
			      "type %u (%s): pci_class 0x%06x is not 0x%06x or 0x%06x",
			      i, t.id, t.pci_class, VGPU_FW_CLASS_VGA,
			      VGPU_FW_CLASS_DISPLAY);
	return 0;
}

/*
 * The retired fields (heads, weight, fps_cap) that a format 1.0 entry
 * sets.  1.0 required them, so its author meant them; the caller says
 * that they are ignored.
 */
static u32 retired_set(const u8 *e)
{
	u32 set = 0;

	if (vgpu_fw_get_le32(e + VGPU_FW_ENT_HEADS))
		set |= VGPU_FW_IGNORED_HEADS;
	if (vgpu_fw_get_le32(e + VGPU_FW_ENT_WEIGHT))
		set |= VGPU_FW_IGNORED_WEIGHT;
	if (vgpu_fw_get_le32(e + VGPU_FW_ENT_FPS_CAP))
		set |= VGPU_FW_IGNORED_FPS_CAP;
	return set;
}

/**
 * vgpu_fw_parse() - validate a type table image and decode it
 * @data: the image, as read from the file; untrusted
 * @size: its size in bytes
 * @gpu: the GPU the image must be for
 * @table: where to put the decoded table
 * @why: where to put the reason for a refusal, a NUL-terminated line that
 *	starts with the name of the failed check ("header:", "magic:",
 *	"version:", "length:", "crc:", "count:", "gpu:" or "type <n>");
 *	set to "" on success.  May be NULL.
 * @why_len: size of @why; VGPU_FW_WHY_LEN holds every message whole
 *
 * Checks everything firmware/README.md lists before it writes anything:
 * on failure @table is untouched, so a caller can never use a table that
 * is half old and half new.  Fields the image has beyond format 1 (a
 * longer header, longer entries, bytes after the last entry, the header's
 * reserved bytes) are skipped, whatever its minor version, and so are
 * the fields format 1.1 retired (heads, weight, fps_cap): whatever they
 * hold, @table->ignored names those a 1.0 image sets.  The id and name of
 * each type are copied up to their NUL and zero-padded.
 *
 * Return: 0 when @table holds the image's table; -EINVAL when the image
 * is damaged or malformed, including an unknown major version and more
 * than VGPU_FW_MAX_TYPES types (format 1 allows no more, so such an image
 * is malformed rather than too big for this driver); -ENODEV when the
 * image is intact but made for another GPU (PCI IDs or VRAM size).
 */
int vgpu_fw_parse(const u8 *data, size_t size, const struct vgpu_fw_gpu *gpu,
		  struct vgpu_fw_table *table, char *why, size_t why_len)
{
	struct fw_header h = { 0 };
	u32 i;
	int ret;

	if (why && why_len)
		why[0] = '\0';
	ret = check_header(data, size, gpu, &h, why, why_len);
	if (ret)
		return ret;
	for (i = 0; i < h.nr_types; i++) {
		ret = check_type(data, &h, i, why, why_len);
		if (ret)
			return ret;
	}

	/* All of it is valid: only now is the caller's table written. */
	memset(table, 0, sizeof(*table));
	table->gpu.vendor = h.vendor;
	table->gpu.device = h.device;
	table->gpu.vram_mib = h.vram_mib;
	table->revision = h.revision;
	table->minor = h.minor;
	table->nr_types = h.nr_types;
	for (i = 0; i < h.nr_types; i++) {
		decode_type(entry_at(data, &h, i), &table->types[i]);
		if (!h.minor)
			table->ignored |= retired_set(entry_at(data, &h, i));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_fw_parse);
