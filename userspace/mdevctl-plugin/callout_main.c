// SPDX-License-Identifier: GPL-2.0-only
/*
 * main() of the vslice mdevctl callout (see callout.h).
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "callout.h"
#include "input.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct vs_callout_env env = {
		.in_fd = STDIN_FILENO,
		.out = stdout,
		.err = stderr,
		.timeout_ms = VS_INPUT_TIMEOUT_MS,
	};
	struct vs_callout_args a;
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int ret;

	if (vs_callout_parse_args(argc, argv, &a, stderr)) {
		/* Without a vslice type this is not for us (mdevctl's rule). */
		if (!vs_is_our_type(a.type))
			return VS_CALLOUT_NOT_OURS;
		fprintf(stderr, "Try '%s --help'.\n", prog);
		return VS_CALLOUT_REFUSED;
	}
	if (a.help) {
		vs_callout_usage(stdout, prog);
		return 0;
	}
	env.root = getenv("VSLICE_ROOT");
	if (!env.root)
		env.root = getenv("MDEVCTL_ENV_ROOT");
	if (!env.root)
		env.root = "";
	if (getenv("VSLICE_CALLOUT_LOG_STDERR"))
		env.log = stderr;
	else
		openlog("vslice-mdevctl", LOG_PID, LOG_USER);
	ret = vs_callout_run(&a, &env);
	fflush(stdout);
	return ret;
}
