/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vslicectl, the host tool: shared state of one run, exit codes, and the
 * commands (one file each).
 */
#ifndef VS_TOOL_H
#define VS_TOOL_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "util.h"

struct json_object;

/* Exit codes; vslicectl(8) documents them. */
enum {
	VS_EXIT_OK = 0,
	VS_EXIT_FAIL = 1,	/* the operation failed (sysfs, libvirt, ...) */
	VS_EXIT_USAGE = 2,	/* bad command line */
	VS_EXIT_NOTFOUND = 3,	/* no such GPU, type, vGPU or domain */
	VS_EXIT_BUSY = 4,	/* in use: open by a VM, UUID taken, assigned elsewhere */
	VS_EXIT_NOROOM = 5,	/* no room on the GPU for the type */
	VS_EXIT_NOLIBVIRT = 6,	/* libvirt needed but not reachable */
};

struct vs_tool {
	const char *root;	/* "" for the real system */
	const char *uri;	/* libvirt URI, NULL for the default */
	const char *uuid;	/* create --uuid */
	bool json, force;
	FILE *out, *err;
};

/* An error: a message on err (and an "error" object with --json). */
int vs_fail(struct vs_tool *t, int code, const char *fmt, ...) VS_PRINTF(3, 4);
/* Print o (and drop it). */
void vs_emit(struct vs_tool *t, struct json_object *o);

/* Every vslice instance, sorted by UUID.  Return: 0 or -errno. */
int vs_load_instances(struct vs_tool *t, struct vs_inst **list, size_t *n);

int vs_cmd_parents(struct vs_tool *t, int argc, char **argv);
int vs_cmd_types(struct vs_tool *t, int argc, char **argv);
int vs_cmd_list(struct vs_tool *t, int argc, char **argv);
int vs_cmd_create(struct vs_tool *t, int argc, char **argv);
int vs_cmd_remove(struct vs_tool *t, int argc, char **argv);
int vs_cmd_assign(struct vs_tool *t, int argc, char **argv);
int vs_cmd_unassign(struct vs_tool *t, int argc, char **argv);

/* The whole tool, for main() and the tests.  Return: the exit code. */
int vs_tool_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* VS_TOOL_H */
