// SPDX-License-Identifier: GPL-2.0-only
/*
 * placement-check: what available_instances of each type of a GPU must
 * be, computed from sysfs alone and not from the driver's allocator: the
 * naturally aligned blocks of the type's size that no live instance's
 * slice (vslice/vram_offset, vslice/vram_size) overlaps, within the
 * type's max_instance minus its live instances, and none while another
 * type has instances under homogeneous placement.
 *
 * usage: placement-check GPU_BDF VRAM_MIB          compare every type
 *        placement-check GPU_BDF VRAM_MIB TYPE_ID  print TYPE_ID's count
 *
 * Compare mode prints "type:want=N,got=M" for each mismatch and exits 1
 * if there is one.  Written in C so that a long create/remove walk costs
 * one process per step, which matters under the sanitizer kernel.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MDEVS "/sys/bus/mdev/devices"
#define MAX_LIVE 4096

struct slice {
	unsigned long long off, len;	/* MiB */
	char type[64];
};

static struct slice live[MAX_LIVE];
static int nr_live;

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok = f && fgets(buf, len, f);

	if (f)
		fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The live instances on one GPU: their slices and types. */
static void scan_live(const char *gpu)
{
	char path[PATH_MAX], real[PATH_MAX], buf[128];
	struct dirent *e;
	DIR *d = opendir(MDEVS);

	while (d && (e = readdir(d)) && nr_live < MAX_LIVE) {
		struct slice *s = &live[nr_live];
		char *slash;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", MDEVS, e->d_name);
		if (!realpath(path, real))
			continue;
		/* .../<gpu>/<uuid>: the parent is the directory above. */
		slash = strrchr(real, '/');
		*slash = '\0';
		if (strcmp(strrchr(real, '/') + 1, gpu))
			continue;
		snprintf(path, sizeof(path), "%s/%s/vslice/vram_offset", MDEVS, e->d_name);
		if (read_line(path, buf, sizeof(buf)))
			continue;
		s->off = strtoull(buf, NULL, 0) >> 20;
		snprintf(path, sizeof(path), "%s/%s/vslice/vram_size", MDEVS, e->d_name);
		if (read_line(path, buf, sizeof(buf)))
			continue;
		s->len = strtoull(buf, NULL, 0) >> 20;
		snprintf(path, sizeof(path), "%s/%s/mdev_type", MDEVS, e->d_name);
		if (!realpath(path, real))
			continue;
		snprintf(s->type, sizeof(s->type), "%s", strrchr(real, '/') + 1);
		nr_live++;
	}
	if (d)
		closedir(d);
}

/* A "key=value" of a type's description, as a number (32M reads as 32). */
static unsigned long long desc_value(const char *desc, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	p = strstr(desc, pat);
	return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static unsigned long long expected(const char *gpu, const char *type,
				   unsigned long long vram)
{
	char path[PATH_MAX], desc[512], placement[32] = "";
	unsigned long long size, max, b, free = 0, mine = 0, others = 0;
	int i;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/mdev_supported_types/%s/description", gpu, type);
	if (read_line(path, desc, sizeof(desc)))
		return ~0ULL;
	size = desc_value(desc, "framebuffer");
	max = desc_value(desc, "max_instance");
	if (!size)
		return ~0ULL;
	for (i = 0; i < nr_live; i++) {
		if (!strcmp(live[i].type, type))
			mine++;
		else
			others++;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vslice/placement", gpu);
	read_line(path, placement, sizeof(placement));
	if (!strcmp(placement, "homogeneous") && others)
		return 0;
	for (b = 0; b + size <= vram; b += size) {
		int busy = 0;

		for (i = 0; i < nr_live && !busy; i++)
			busy = live[i].off < b + size && live[i].off + live[i].len > b;
		free += !busy;
	}
	return mine >= max ? 0 : (free < max - mine ? free : max - mine);
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], buf[64];
	unsigned long long vram, want;
	struct dirent *e;
	int bad = 0;
	DIR *d;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s GPU_BDF VRAM_MIB [vslice-TYPE_ID]\n", argv[0]);
		return 2;
	}
	vram = strtoull(argv[2], NULL, 10);
	scan_live(argv[1]);
	if (argc == 4) {
		printf("%llu\n", expected(argv[1], argv[3], vram));
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/mdev_supported_types", argv[1]);
	d = opendir(path);
	if (!d) {
		perror(path);
		return 2;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		want = expected(argv[1], e->d_name, vram);
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/mdev_supported_types/%s/available_instances",
			 argv[1], e->d_name);
		if (read_line(path, buf, sizeof(buf)) || strtoull(buf, NULL, 10) != want) {
			printf("%s:want=%llu,got=%s ", e->d_name, want, buf);
			bad = 1;
		}
	}
	closedir(d);
	return bad;
}
