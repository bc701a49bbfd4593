/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mdevctl callout of vslice: what each event and action does.
 *
 *   vslice -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
 *
 * Exit 0: go ahead (or done); 1: refused or failed, with one message per
 * problem on stderr; 2: not vslice's device, neither a vslice-* TYPE nor
 * a PARENT bound to the vslice driver (mdevctl then asks the next
 * callout).
 */
#ifndef VS_CALLOUT_H
#define VS_CALLOUT_H

#include <stdbool.h>
#include <stdio.h>

#define VS_CALLOUT_OK 0
#define VS_CALLOUT_REFUSED 1
#define VS_CALLOUT_NOT_OURS 2

struct vs_callout_args {
	const char *type, *event, *action, *state, *uuid, *parent;
	bool help;
};

struct vs_callout_env {
	const char *root;	/* "" for the real system */
	int in_fd;		/* the configuration mdevctl writes */
	FILE *out;		/* answers to "get" */
	FILE *err;		/* messages mdevctl shows the user */
	FILE *log;		/* NULL: syslog */
	int timeout_ms;		/* for reading in_fd */
};

/*
 * Parse the arguments mdevctl passes.  Return: 0, or -1 after a message
 * on err.
 */
int vs_callout_parse_args(int argc, char **argv, struct vs_callout_args *a,
			  FILE *err);
void vs_callout_usage(FILE *f, const char *prog);
/* Return: the exit status. */
int vs_callout_run(const struct vs_callout_args *a,
		   const struct vs_callout_env *env);

#endif /* VS_CALLOUT_H */
