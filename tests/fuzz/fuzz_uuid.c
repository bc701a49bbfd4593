// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the "create" UUID parser of the mdev core, compiled
 * from kernel/mdev_core/mdev_uuid.c.  Checks it against an independent
 * description of what is accepted, and that an accepted UUID prints back
 * as the input in lower case.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "mdev_uuid.h"

static int canonical(const uint8_t *d, size_t n)
{
	size_t i;

	if (n == 37 && d[36] == '\n')
		n = 36;
	if (n != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? d[i] != '-' : !isxdigit(d[i]))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 uuid[16];
	char text[37];
	int ret = mdev_uuid_parse((const char *)data, size, uuid);
	size_t i;

	if (canonical(data, size) != (ret == 0))
		abort();
	if (ret)
		return 0;
	snprintf(text, sizeof(text),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6],
		 uuid[7], uuid[8], uuid[9], uuid[10], uuid[11], uuid[12],
		 uuid[13], uuid[14], uuid[15]);
	for (i = 0; i < 36; i++)
		if (text[i] != tolower(data[i]))
			abort();
	return 0;
}
