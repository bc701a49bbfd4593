// SPDX-License-Identifier: GPL-2.0-only
/*
 * main() of vslicectl (see tool.h and vslicectl(8)).
 */
#include <stdio.h>

#include "tool.h"

int main(int argc, char **argv)
{
	int ret = vs_tool_main(argc, argv, stdout, stderr);

	if (fflush(stdout) && !ret)
		ret = VS_EXIT_FAIL;
	return ret;
}
