// SPDX-License-Identifier: GPL-2.0-only
/*
 * UUID parsing for the "create" attribute.
 *
 * sysfs hands the attribute the bytes userspace wrote, which are not
 * NUL-terminated in general, so the parser works on (buf, count) only.
 * Accepted: exactly 36 characters in the 8-4-4-4-12 form, upper or lower
 * case hex, optionally followed by one newline (what "echo" adds).
 * Anything else, including a NUL inside the string, is -EINVAL.
 */
#include "mdev_uuid.h"

#define UUID_TEXT_LEN 36

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_dash_position(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

/**
 * mdev_uuid_parse() - parse a UUID written to a "create" attribute
 * @buf: the bytes written, not necessarily NUL-terminated
 * @count: how many bytes were written
 * @uuid: receives the 16 bytes in text order
 *
 * Return: 0, or -EINVAL for anything but a canonical UUID with an
 * optional trailing newline.  @uuid is only written on success.
 */
int mdev_uuid_parse(const char *buf, size_t count, u8 uuid[16])
{
	u8 out[16];
	size_t i, n = 0;

	if (count == UUID_TEXT_LEN + 1 && buf[UUID_TEXT_LEN] == '\n')
		count = UUID_TEXT_LEN;
	if (count != UUID_TEXT_LEN)
		return -EINVAL;

	for (i = 0; i < UUID_TEXT_LEN; i++) {
		int hi, lo;

		if (is_dash_position(i)) {
			if (buf[i] != '-')
				return -EINVAL;
			continue;
		}
		hi = hex_value(buf[i]);
		lo = hex_value(buf[i + 1]);
		if (hi < 0 || lo < 0 || is_dash_position(i + 1))
			return -EINVAL;
		out[n++] = (u8)(hi << 4 | lo);
		i++;
	}

	for (i = 0; i < sizeof(out); i++)
		uuid[i] = out[i];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_uuid_parse);
