/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Result lines of the lab clients, in the protocol of tests/README.md.
 * A client sets lab_suite, calls lab_result() per check and exits with
 * lab_failures != 0.
 */
#ifndef VSLICE_LAB_RESULT_H
#define VSLICE_LAB_RESULT_H

#include <stdio.h>

static const char *lab_suite;
static int lab_failures;

static inline void lab_result(int ok, const char *name, const char *why)
{
	if (ok) {
		printf("VSLICE-RESULT: PASS %s/%s\n", lab_suite, name);
	} else {
		printf("VSLICE-RESULT: FAIL %s/%s: %s\n", lab_suite, name, why);
		lab_failures++;
	}
}

#endif /* VSLICE_LAB_RESULT_H */
