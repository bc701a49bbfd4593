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

/**
 * mdev_uuid_parse() - parse a UUID written to a "create" attribute
 * @buf: the bytes written, not necessarily NUL-terminated
 * @count: how many bytes were written
 * @uuid: receives the 16 bytes in text order
 *
 * The length is checked here; the 36 characters are then the kernel's
 * uuid_parse()'s, which reads exactly that many and needs no NUL.
 *
 * Return: 0, or -EINVAL for anything but a canonical UUID with an
 * optional trailing newline.  @uuid is only written on success.
 */
int mdev_uuid_parse(const char *buf, size_t count, u8 uuid[16])
{
	uuid_t u;

	if (count == UUID_TEXT_LEN + 1 && buf[UUID_TEXT_LEN] == '\n')
		count = UUID_TEXT_LEN;
	if (count != UUID_TEXT_LEN || uuid_parse(buf, &u))
		return -EINVAL;
	memcpy(uuid, u.b, sizeof(u.b));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mdev_uuid_parse);
