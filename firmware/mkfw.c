// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkfw: build a vGPU type table image from its source.
 *
 *   mkfw [--corrupt=crc] [--entry-size=N] SOURCE OUTPUT
 *
 * The source format, the image layout and what the driver checks are in
 * firmware/README.md.  The image is written with the layout of
 * kernel/vendor_gpu/vgpu_fw_format.h, read back from disk and parsed by
 * vgpu_fw_parse(), compiled from the driver's own vgpu_fw.c: an image
 * that the driver would refuse is never left at OUTPUT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_fw.h"
#include "vgpu_fw_format.h"

/* A type and the source line that opened its section. */
struct src_type {
	struct vgpu_fw_type t;
	unsigned int line;
	unsigned int seen;	/* bit per key, KEY_* */
};

struct src {
	const char *path;
	struct vgpu_fw_gpu gpu;
	u32 revision;
	unsigned int gpu_line;
	unsigned int gpu_seen;
	unsigned int nr_types;
	struct src_type types[VGPU_FW_MAX_TYPES];
};

enum { IN_NONE, IN_GPU, IN_TYPE };

/* The keys of each section; every one is required, each only once. */
static const char *const gpu_keys[] = {
	"vendor", "device", "vram_mib", "revision",
};

static const char *const type_keys[] = {
	"name", "vram_mib", "max_instances", "max_width", "max_height",
	"pci_class",
};

/*
 * Keys of format 1.0 sources that format 1.1 retired: a table that sets
 * one is refused, so that nobody keeps tuning a value that does nothing.
 */
static const char *const retired_keys[] = { "heads", "weight", "fps_cap" };

static __printf(3, 4) int src_error(const struct src *s, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", s->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: mkfw [--corrupt=crc] [--entry-size=N] SOURCE OUTPUT\n"
		"\n"
		"Builds a vslice vGPU type table image from SOURCE (see\n"
		"firmware/README.md) and writes it to OUTPUT, which must be named\n"
		"gpu-<vendor>-<device>-<vram>m.fw after the [gpu] section, e.g.\n"
		"gpu-1234-1111-256m.fw: the name the driver asks request_firmware\n"
		"for, under vslice/.  The image is read back and checked with the\n"
		"driver's own parser; OUTPUT is only written if it passes.\n"
		"\n"
		"  --corrupt=crc     then flip a bit of the CRC field, for tests that\n"
		"                    need an image the driver must refuse; mkfw checks\n"
		"                    that the driver refuses it for its CRC\n"
		"  --entry-size=N    write N-byte entries (%u to 65535) whose bytes\n"
		"                    after the format 1 fields are zero, as a newer\n"
		"                    minor version would; the driver skips them\n"
		"  --help            this text\n",
		VGPU_FW_ENT_V1_SIZE);
}

static char *trim(char *p)
{
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return p;
}

/* Decimal or 0x-hexadecimal, no sign, at most @max. */
static int parse_u32(const char *v, u32 max, u32 *out)
{
	unsigned long long n;
	char *end;

	if (!(*v >= '0' && *v <= '9'))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || n > max)
		return -1;
	*out = n;
	return 0;
}

static int key_index(const char *const *keys, size_t nkeys, const char *key)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(keys[i], key))
			return i;
	return -1;
}

static int check_id(const struct src *s, unsigned int line, const char *id)
{
	size_t i, n = strlen(id);

	if (!n || n >= VGPU_FW_ID_LEN)
		return src_error(s, line, "type id \"%s\" must be 1 to %u characters", id,
				 VGPU_FW_ID_LEN - 1);
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		      (i && ((id[i] >= '0' && id[i] <= '9') || id[i] == '_'))))
			return src_error(s, line,
					 "type id \"%s\": ids are a lowercase letter, then lowercase letters, digits and '_'",
					 id);
	return 0;
}

static int open_type(struct src *s, unsigned int line, const char *id)
{
	struct src_type *st;

	if (check_id(s, line, id))
		return -1;
	if (s->nr_types == VGPU_FW_MAX_TYPES)
		return src_error(s, line, "more than %u types", VGPU_FW_MAX_TYPES);
	st = &s->types[s->nr_types++];
	memset(st, 0, sizeof(*st));
	memcpy(st->t.id, id, strlen(id) + 1);
	st->line = line;
	return 0;
}

static int set_gpu_key(struct src *s, unsigned int line, const char *key, const char *v)
{
	int k = key_index(gpu_keys, ARRAY_SIZE(gpu_keys), key);
	u32 *field[] = { &s->gpu.vendor, &s->gpu.device, &s->gpu.vram_mib, &s->revision };
	u32 max[] = { 0xffff, 0xffff, 0xffffffff, 0xffffffff };

	if (k < 0)
		return src_error(s, line, "unknown key \"%s\" in [gpu]", key);
	if (s->gpu_seen & 1U << k)
		return src_error(s, line, "\"%s\" given twice in [gpu]", key);
	s->gpu_seen |= 1U << k;
	if (parse_u32(v, max[k], field[k]))
		return src_error(s, line, "%s: \"%s\" is not a number from 0 to %u", key, v,
				 max[k]);
	return 0;
}

static int set_type_key(struct src *s, unsigned int line, const char *key, const char *v)
{
	struct src_type *st = &s->types[s->nr_types - 1];
	struct vgpu_fw_type *t = &st->t;
	int k = key_index(type_keys, ARRAY_SIZE(type_keys), key);
	u32 *field[] = { NULL, &t->vram_mib, &t->max_instances, &t->max_width,
			 &t->max_height, &t->pci_class };
	size_t i;

	if (k < 0 && key_index(retired_keys, ARRAY_SIZE(retired_keys), key) >= 0)
		return src_error(s, line,
				 "\"%s\" in [type %s]: format 1.1 retired it (no vGPU ever acted on it); delete the line",
				 key, t->id);
	if (k < 0)
		return src_error(s, line, "unknown key \"%s\" in [type %s]", key, t->id);
	if (st->seen & 1U << k)
		return src_error(s, line, "\"%s\" given twice in [type %s]", key, t->id);
	st->seen |= 1U << k;
	if (field[k]) {
		if (parse_u32(v, 0xffffffff, field[k]))
			return src_error(s, line, "%s: \"%s\" is not a number", key, v);
		return 0;
	}
	if (!*v || strlen(v) >= VGPU_FW_NAME_LEN)
		return src_error(s, line, "name must be 1 to %u characters",
				 VGPU_FW_NAME_LEN - 1);
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return src_error(s, line, "name: byte %zu is not printable ASCII", i);
	memcpy(t->name, v, strlen(v) + 1);
	return 0;
}

/* A section is complete when it has every key. */
static int close_section(struct src *s, int in)
{
	size_t k;

	if (in == IN_GPU) {
		for (k = 0; k < ARRAY_SIZE(gpu_keys); k++)
			if (!(s->gpu_seen & 1U << k))
				return src_error(s, s->gpu_line, "[gpu] has no \"%s\"",
						 gpu_keys[k]);
	} else if (in == IN_TYPE) {
		const struct src_type *st = &s->types[s->nr_types - 1];

		for (k = 0; k < ARRAY_SIZE(type_keys); k++)
			if (!(st->seen & 1U << k))
				return src_error(s, st->line, "[type %s] has no \"%s\"",
						 st->t.id, type_keys[k]);
	}
	return 0;
}

static int read_source(struct src *s)
{
	unsigned int line = 0;
	int in = IN_NONE;
	char buf[512];
	FILE *f;
	int ret = 0;

	f = fopen(s->path, "r");
	if (!f) {
		fprintf(stderr, "mkfw: %s: %s\n", s->path, strerror(errno));
		return -1;
	}
	while (!ret && fgets(buf, sizeof(buf), f)) {
		char *p, *eq;

		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ret = src_error(s, line, "line longer than %zu bytes", sizeof(buf) - 2);
			break;
		}
		p = trim(buf);
		if (!*p || *p == '#')
			continue;
		if (*p == '[') {
			size_t n = strlen(p);

			if (p[n - 1] != ']') {
				ret = src_error(s, line, "section header without ']'");
				break;
			}
			p[n - 1] = '\0';
			p = trim(p + 1);
			ret = close_section(s, in);
			if (ret)
				break;
			if (!strcmp(p, "gpu")) {
				if (in != IN_NONE) {
					ret = src_error(s, line, "[gpu] must come first, and once");
					break;
				}
				in = IN_GPU;
				s->gpu_line = line;
			} else if (!strncmp(p, "type", 4) && (p[4] == ' ' || p[4] == '\t')) {
				if (in == IN_NONE) {
					ret = src_error(s, line, "[gpu] must come first");
					break;
				}
				in = IN_TYPE;
				ret = open_type(s, line, trim(p + 4));
			} else {
				ret = src_error(s, line,
						"unknown section [%s]; sections are [gpu] and [type <id>]",
						p);
			}
			continue;
		}
		eq = strchr(p, '=');
		if (!eq) {
			ret = src_error(s, line,
					"expected \"key = value\", a [section] or a # comment");
			break;
		}
		*eq = '\0';
		if (in == IN_NONE)
			ret = src_error(s, line, "\"%s\" outside a section", trim(p));
		else if (in == IN_GPU)
			ret = set_gpu_key(s, line, trim(p), trim(eq + 1));
		else
			ret = set_type_key(s, line, trim(p), trim(eq + 1));
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "mkfw: %s: read error\n", s->path);
		ret = -1;
	}
	fclose(f);
	if (ret)
		return ret;
	if (in == IN_NONE)
		return src_error(s, line, "no [gpu] section");
	ret = close_section(s, in);
	if (!ret && !s->nr_types)
		ret = src_error(s, line, "no [type <id>] sections");
	return ret;
}

static u8 *serialise(const struct src *s, u32 entry_size, size_t *len)
{
	u8 *img, *e;
	u32 i;

	*len = VGPU_FW_HDR_V1_SIZE + (size_t)s->nr_types * entry_size;
	img = calloc(1, *len);
	if (!img)
		return NULL;
	memcpy(img + VGPU_FW_HDR_MAGIC, VGPU_FW_MAGIC, VGPU_FW_MAGIC_LEN);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MAJOR, VGPU_FW_FORMAT_MAJOR);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_MINOR, VGPU_FW_FORMAT_MINOR);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_HDR_SIZE, VGPU_FW_HDR_V1_SIZE);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_ENTRY_SIZE, entry_size);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_NR_TYPES, s->nr_types);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_LENGTH, *len);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_VENDOR, s->gpu.vendor);
	vgpu_fw_put_le16(img + VGPU_FW_HDR_DEVICE, s->gpu.device);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_VRAM_MIB, s->gpu.vram_mib);
	vgpu_fw_put_le32(img + VGPU_FW_HDR_REVISION, s->revision);
	for (i = 0; i < s->nr_types; i++) {
		const struct vgpu_fw_type *t = &s->types[i].t;

		e = img + VGPU_FW_HDR_V1_SIZE + (size_t)i * entry_size;
		/* calloc() zeroed the padding after each string's NUL. */
		memcpy(e + VGPU_FW_ENT_ID, t->id, strlen(t->id));
		memcpy(e + VGPU_FW_ENT_NAME, t->name, strlen(t->name));
		vgpu_fw_put_le32(e + VGPU_FW_ENT_VRAM_MIB, t->vram_mib);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_INST, t->max_instances);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_WIDTH, t->max_width);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_MAX_HEIGHT, t->max_height);
		/* Retired, filled so that a format 1.0 driver loads the image. */
		vgpu_fw_put_le32(e + VGPU_FW_ENT_HEADS, VGPU_FW_RETIRED_HEADS_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_WEIGHT, VGPU_FW_RETIRED_WEIGHT_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_FPS_CAP, VGPU_FW_RETIRED_FPS_CAP_FILL);
		vgpu_fw_put_le32(e + VGPU_FW_ENT_PCI_CLASS, t->pci_class);
	}
	vgpu_fw_put_le32(img + VGPU_FW_HDR_CRC, vgpu_fw_crc32(img, *len));
	return img;
}

/* Point a refusal of "type <n>" at the line of that type's section. */
static void report_refusal(const struct src *s, const char *why)
{
	unsigned int i, line = s->gpu_line;

	if (sscanf(why, "type %u", &i) == 1 && i < s->nr_types)
		line = s->types[i].line;
	src_error(s, line, "the driver would refuse this table: %s", why);
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long n = -1;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = n;
out:
	fclose(f);
	return buf;
}

static int write_file(const char *path, const u8 *img, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(img, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

/* request_firmware() asks for the name the GPU gives: insist on it. */
static int check_output_name(const struct src *s, const char *out)
{
	const char *base = strrchr(out, '/');
	char want[64];

	base = base ? base + 1 : out;
	snprintf(want, sizeof(want), "gpu-%04x-%04x-%um.fw", s->gpu.vendor, s->gpu.device,
		 s->gpu.vram_mib);
	if (strcmp(base, want)) {
		fprintf(stderr, "mkfw: %s: the driver looks for this table as %s\n", out, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct src s;
	static struct vgpu_fw_table table;
	const char *src_path = NULL, *out = NULL;
	char why[VGPU_FW_WHY_LEN], tmp[4096];
	u32 entry_size = VGPU_FW_ENT_V1_SIZE;
	bool corrupt = false;
	size_t len, back_len;
	u8 *img, *back;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--corrupt=crc")) {
			corrupt = true;
		} else if (!strncmp(a, "--entry-size=", 13)) {
			if (parse_u32(a + 13, 0xffff, &entry_size) ||
			    entry_size < VGPU_FW_ENT_V1_SIZE) {
				fprintf(stderr, "mkfw: --entry-size must be %u to 65535\n",
					VGPU_FW_ENT_V1_SIZE);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mkfw: unknown option %s (try --help)\n", a);
			return 2;
		} else if (!src_path) {
			src_path = a;
		} else if (!out) {
			out = a;
		} else {
			print_usage(stderr);
			return 2;
		}
	}
	if (!out) {
		print_usage(stderr);
		return 2;
	}

	s.path = src_path;
	if (read_source(&s) || check_output_name(&s, out))
		return 1;
	img = serialise(&s, entry_size, &len);
	if (!img) {
		fprintf(stderr, "mkfw: out of memory\n");
		return 1;
	}
	/* Semantic rules (sizes, ranges) are the driver's: ask it first. */
	if (vgpu_fw_parse(img, len, &s.gpu, &table, why, sizeof(why))) {
		report_refusal(&s, why);
		return 1;
	}
	if (corrupt)
		img[VGPU_FW_HDR_CRC] ^= 0x01;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= sizeof(tmp)) {
		fprintf(stderr, "mkfw: %s: name too long\n", out);
		return 1;
	}
	if (write_file(tmp, img, len)) {
		fprintf(stderr, "mkfw: %s: %s\n", tmp, strerror(errno));
		remove(tmp);
		return 1;
	}
	/* What reached the disk is what the driver will read: parse that. */
	back = read_file(tmp, &back_len);
	if (!back) {
		fprintf(stderr, "mkfw: %s: cannot read it back\n", tmp);
		remove(tmp);
		return 1;
	}
	ret = vgpu_fw_parse(back, back_len, &s.gpu, &table, why, sizeof(why));
	if (corrupt ? ret != -EINVAL || strncmp(why, "crc:", 4) : ret) {
		fprintf(stderr, "mkfw: %s: the written image %s: %s\n", out,
			corrupt ? "is not refused for its CRC" : "does not parse",
			ret ? why : "it parses");
		remove(tmp);
		return 1;
	}
	if (!corrupt && (back_len != len || memcmp(back, img, len) ||
			 table.nr_types != s.nr_types)) {
		fprintf(stderr, "mkfw: %s: read back differs from what was written\n", tmp);
		remove(tmp);
		return 1;
	}
	if (rename(tmp, out)) {
		fprintf(stderr, "mkfw: %s: %s\n", out, strerror(errno));
		remove(tmp);
		return 1;
	}
	printf("mkfw: %s: %u types for %04x:%04x with %u MiB, revision %u, %zu bytes%s\n",
	       out, s.nr_types, s.gpu.vendor, s.gpu.device, s.gpu.vram_mib, s.revision, len,
	       corrupt ? ", CRC deliberately wrong" : "");
	free(back);
	free(img);
	return 0;
}
