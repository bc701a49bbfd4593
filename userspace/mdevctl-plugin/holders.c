// SPDX-License-Identifier: GPL-2.0-only
/*
 * Holders of vGPUs through /proc/<pid>/fd (see holders.h).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holders.h"
#include "model.h"

#define VS_VENDOR_MODULE "vslice_gpu"

long vs_open_count(const char *root)
{
	char path[PATH_MAX];
	struct vs_names holders;
	unsigned long refcnt;

	if (vs_pathf(path, sizeof(path), root, "/sys/module/%s/refcnt",
		     VS_VENDOR_MODULE) ||
	    vs_read_ulong(path, &refcnt))
		return -1;
	if (vs_pathf(path, sizeof(path), root, "/sys/module/%s/holders",
		     VS_VENDOR_MODULE) ||
	    vs_list_dir(path, &holders))
		return -1;
	refcnt = refcnt >= holders.n ? refcnt - holders.n : 0;
	vs_names_free(&holders);
	return (long)refcnt;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Whether process pid has one of the nodes open.  -EACCES: unreadable. */
static int pid_holds(const char *root, const char *pid, const char *const *nodes,
		     size_t nr_nodes)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], target[PATH_MAX];
	struct vs_names fds;
	size_t f, k;
	int ret, found = 0;

	if (vs_pathf(dir, sizeof(dir), root, "/proc/%s/fd", pid))
		return 0;
	ret = vs_list_dir(dir, &fds);
	if (ret == -ENOENT)
		return 0;	/* gone meanwhile */
	if (ret)
		return ret;
	for (f = 0; f < fds.n && !found; f++) {
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, fds.name[f]);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		for (k = 0; k < nr_nodes; k++)
			if (!strcmp(target, nodes[k]))
				found = 1;
	}
	vs_names_free(&fds);
	return found;
}

/* One option of a QEMU option list: up to a lone ",", ",," being ",". */
static const char *opt_value(const char *s, const char *end, char *buf, size_t n)
{
	size_t o = 0;

	while (s < end && *s) {
		if (*s == ',') {
			if (s + 1 < end && s[1] == ',') {
				s++;
			} else {
				s++;
				break;
			}
		}
		if (o + 1 < n)
			buf[o++] = *s;
		s++;
	}
	buf[o] = '\0';
	return s;
}

int vs_cmdline_guest(const char *cmdline, size_t len, char *buf, size_t n)
{
	const char *s = cmdline, *end = cmdline + len;
	char part[256];

	if (!n)
		return -1;
	buf[0] = '\0';
	while (s < end) {
		size_t arglen = strnlen(s, (size_t)(end - s));
		bool name = !strcmp(s, "-name") || !strcmp(s, "--name");

		s += arglen + 1;
		if (!name || s >= end)
			continue;
		/* The value: "guest=NAME,debug-threads=on" or "NAME,...". */
		arglen = strnlen(s, (size_t)(end - s));
		for (const char *p = s; p < s + arglen && *p;) {
			p = opt_value(p, s + arglen, part, sizeof(part));
			if (!strncmp(part, "guest=", 6)) {
				snprintf(buf, n, "%s", part + 6);
				break;
			}
			if (!strchr(part, '=') && !buf[0])
				snprintf(buf, n, "%s", part);
		}
		return buf[0] ? 0 : -1;
	}
	return -1;
}

/* The guest name of process pid, or "". */
static void pid_guest(const char *root, const char *pid, char *buf, size_t n)
{
	char path[PATH_MAX], cmdline[16384];
	ssize_t len;
	FILE *f;

	buf[0] = '\0';
	if (vs_pathf(path, sizeof(path), root, "/proc/%s/cmdline", pid))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	len = (ssize_t)fread(cmdline, 1, sizeof(cmdline), f);
	fclose(f);
	if (len > 0 && vs_cmdline_guest(cmdline, (size_t)len, buf, n))
		buf[0] = '\0';
}

enum vs_open_state vs_open_state(const char *root, const struct vs_inst *in,
				 struct vs_holder *h, size_t max, size_t *n)
{
	char group_node[96], cdev_node[96], path[PATH_MAX];
	const char *nodes[2];
	size_t nr_nodes = 0, p;
	struct vs_names pids;
	bool unreadable = false;
	long open_count;

	*n = 0;
	open_count = vs_open_count(root);
	if (open_count == 0)
		return VS_FREE;
	if (in->iommu_group[0]) {
		snprintf(group_node, sizeof(group_node), "/dev/vfio/%s", in->iommu_group);
		nodes[nr_nodes++] = group_node;
	}
	if (in->vfio_dev[0]) {
		snprintf(cdev_node, sizeof(cdev_node), "/dev/vfio/devices/%s", in->vfio_dev);
		nodes[nr_nodes++] = cdev_node;
	}
	if (!nr_nodes)
		return VS_FREE;	/* not registered with VFIO: nobody can open it */
	if (vs_pathf(path, sizeof(path), root, "/proc") || vs_list_dir(path, &pids))
		return VS_UNKNOWN;
	for (p = 0; p < pids.n; p++) {
		int ret;

		if (!all_digits(pids.name[p]))
			continue;
		ret = pid_holds(root, pids.name[p], nodes, nr_nodes);
		if (ret < 0) {
			unreadable = true;
			continue;
		}
		if (!ret)
			continue;
		if (*n < max) {
			char comm_path[PATH_MAX];

			h[*n].pid = atoi(pids.name[p]);
			h[*n].comm[0] = '\0';
			if (!vs_pathf(comm_path, sizeof(comm_path), root,
				      "/proc/%s/comm", pids.name[p]))
				vs_read_text(comm_path, h[*n].comm, sizeof(h[*n].comm));
			pid_guest(root, pids.name[p], h[*n].guest, sizeof(h[*n].guest));
		}
		(*n)++;
	}
	vs_names_free(&pids);
	if (*n > max)
		*n = max;
	if (*n)
		return VS_OPEN;
	return unreadable ? VS_UNKNOWN : VS_FREE;
}

const char *vs_open_state_name(enum vs_open_state s)
{
	switch (s) {
	case VS_FREE: return "free";
	case VS_OPEN: return "open";
	default: return "unknown";
	}
}
