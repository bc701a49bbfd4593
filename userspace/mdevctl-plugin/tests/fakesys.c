// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fake trees for the unit tests (see fakesys.h).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakesys.h"

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fakesys: %s %s: %s\n", what, path, strerror(errno));
	abort();
}

static void mkdirs(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			die("mkdir", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		die("mkdir", buf);
}

static void parent_dirs(const char *path)
{
	char buf[PATH_MAX], *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash && slash != buf) {
		*slash = '\0';
		mkdirs(buf);
	}
}

char *fake_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *root;

	if (asprintf(&root, "%s/vslice-fake.XXXXXX", tmp ? tmp : "/tmp") < 0)
		abort();
	if (!mkdtemp(root))
		die("mkdtemp", root);
	return root;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void fake_free(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

void fake_write(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	parent_dirs(path);
	f = fopen(path, "w");
	if (!f)
		die("fopen", path);
	fputs(content, f);
	fclose(f);
}

const char *fake_read(const char *root, const char *rel)
{
	static char buf[4096];
	char path[PATH_MAX];
	size_t n = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

void fake_link(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	parent_dirs(path);
	unlink(path);
	if (symlink(target, path))
		die("symlink", path);
}

static char *devdir(const char *bdf)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "sys/devices/pci0000:00/%s", bdf);
	return buf;
}

void fake_gpu(const char *root, const char *bdf, unsigned int vendor,
	      unsigned int device, unsigned int vram_mib, bool bound)
{
	char rel[PATH_MAX], val[256], target[256];
	unsigned long long base = 0xe0000000ULL, size = (unsigned long long)vram_mib << 20;

	snprintf(rel, sizeof(rel), "%s/vendor", devdir(bdf));
	snprintf(val, sizeof(val), "0x%04x\n", vendor);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/device", devdir(bdf));
	snprintf(val, sizeof(val), "0x%04x\n", device);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/class", devdir(bdf));
	fake_write(root, rel, "0x038000\n");
	snprintf(rel, sizeof(rel), "%s/irq", devdir(bdf));
	fake_write(root, rel, "0\n");
	snprintf(rel, sizeof(rel), "%s/resource", devdir(bdf));
	snprintf(val, sizeof(val),
		 "0x%016llx 0x%016llx 0x0000000000042208\n"
		 "0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
		 base, base + size - 1);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	fake_link(root, rel, target);
	if (!bound)
		return;
	snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/vslice/%s", bdf);
	snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", bdf);
	fake_link(root, rel, target);
	snprintf(rel, sizeof(rel), "%s/driver", devdir(bdf));
	fake_link(root, rel, "../../../bus/pci/drivers/vslice");
	snprintf(rel, sizeof(rel), "sys/class/mdev_bus/%s", bdf);
	snprintf(target, sizeof(target), "../../devices/pci0000:00/%s", bdf);
	fake_link(root, rel, target);
	snprintf(rel, sizeof(rel), "%s/vslice/placement", devdir(bdf));
	fake_write(root, rel, "mixed\n");
	snprintf(rel, sizeof(rel), "%s/vslice/type_table", devdir(bdf));
	fake_write(root, rel, "built-in\n");
	snprintf(rel, sizeof(rel), "%s/%s/mdev_supported_types", root, devdir(bdf));
	mkdirs(rel);
}

void fake_type(const char *root, const char *bdf, const char *id,
	       unsigned int fb_mib, unsigned int max_inst, unsigned int max_w,
	       unsigned int max_h, unsigned int avail)
{
	char dir[512], rel[600], val[512];

	snprintf(dir, sizeof(dir), "%s/mdev_supported_types/vslice-%s", devdir(bdf), id);
	snprintf(rel, sizeof(rel), "%s/name", dir);
	snprintf(val, sizeof(val), "vslice %s\n", id);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/description", dir);
	snprintf(val, sizeof(val),
		 "framebuffer=%uM, max_instance=%u, max_resolution=%ux%u, class=0x030000\n",
		 fb_mib, max_inst, max_w, max_h);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/available_instances", dir);
	snprintf(val, sizeof(val), "%u\n", avail);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/device_api", dir);
	fake_write(root, rel, "vfio-pci\n");
	snprintf(rel, sizeof(rel), "%s/create", dir);
	fake_write(root, rel, "");
	snprintf(rel, sizeof(rel), "%s/%s/devices", root, dir);
	mkdirs(rel);
}

void fake_inst(const char *root, const char *bdf, const char *type,
	       const char *uuid, unsigned int group, unsigned int vram_mib)
{
	char dir[512], rel[700], val[256];

	snprintf(dir, sizeof(dir), "%s/%s", devdir(bdf), uuid);
	snprintf(rel, sizeof(rel), "%s/remove", dir);
	fake_write(root, rel, "");
	snprintf(rel, sizeof(rel), "%s/mdev_type", dir);
	snprintf(val, sizeof(val), "../mdev_supported_types/%s", type);
	fake_link(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/iommu_group", dir);
	snprintf(val, sizeof(val), "../../../../kernel/iommu_groups/%u", group);
	fake_link(root, rel, val);
	snprintf(rel, sizeof(rel), "sys/bus/mdev/devices/%s", uuid);
	snprintf(val, sizeof(val), "../../../devices/pci0000:00/%s/%s", bdf, uuid);
	fake_link(root, rel, val);
	snprintf(rel, sizeof(rel), "%s/mdev_supported_types/%s/devices/%s",
		 devdir(bdf), type, uuid);
	snprintf(val, sizeof(val), "../../../%s", uuid);
	fake_link(root, rel, val);
#define ATTR(name, value) \
	do { \
		snprintf(rel, sizeof(rel), "%s/vslice/%s", dir, name); \
		fake_write(root, rel, value); \
	} while (0)
	ATTR("owner", "\n");
	ATTR("max_resolution", "1920x1200\n");
	ATTR("vram_offset", "0x0\n");
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)vram_mib << 20);
	ATTR("vram_size", val);
	ATTR("scanout", "disabled\n");
#undef ATTR
}

void fake_holder(const char *root, int pid, const char *comm,
		 const char *node)
{
	char rel[256], val[128];

	snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
	snprintf(val, sizeof(val), "%s\n", comm);
	fake_write(root, rel, val);
	snprintf(rel, sizeof(rel), "proc/%d/fd/0", pid);
	fake_link(root, rel, "/dev/null");
	snprintf(rel, sizeof(rel), "proc/%d/fd/5", pid);
	fake_link(root, rel, node);
}

void fake_cmdline(const char *root, int pid, const char *const *argv, int n)
{
	char path[PATH_MAX];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "proc/%d/cmdline", pid);
	fake_write(root, path, "");
	snprintf(path, sizeof(path), "%s/proc/%d/cmdline", root, pid);
	f = fopen(path, "w");
	if (!f)
		die("fopen", path);
	for (i = 0; i < n; i++)
		fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
	fclose(f);
}

void fake_module(const char *root, unsigned int refcnt)
{
	char val[32], path[PATH_MAX];

	snprintf(val, sizeof(val), "%u\n", refcnt);
	fake_write(root, "sys/module/vslice_gpu/refcnt", val);
	snprintf(path, sizeof(path), "%s/sys/module/vslice_gpu/holders", root);
	mkdirs(path);
}
