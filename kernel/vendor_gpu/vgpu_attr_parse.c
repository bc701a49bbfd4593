// SPDX-License-Identifier: GPL-2.0-only
/*
 * Values written to the per-instance attributes.  Each parser takes the
 * bytes of a sysfs write (at most one trailing newline, as echo adds)
 * and either accepts all of them or changes nothing: no partial numbers,
 * no trailing junk, no silent clamping.
 */
#include "vgpu_attr_parse.h"

/* The length without the one trailing newline echo adds. */
static size_t strip_newline(const char *buf, size_t len)
{
	return len && buf[len - 1] == '\n' ? len - 1 : len;
}

/*
 * A decimal number of 1 to 10 digits without sign or leading zeros
 * (so that "010" cannot mean 8 to one reader and 10 to another).
 * Return: the number of bytes taken, 0 if none form a number.
 */
static size_t parse_decimal(const char *s, size_t len, u64 *out)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < len && i < 11 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	if (!i || i > 10 || (i > 1 && s[0] == '0'))
		return 0;
	*out = v;
	return i;
}

/**
 * vgpu_parse_owner() - an owner label: who created the instance
 * @buf: the written bytes
 * @len: their number
 * @owner: receives the tag, NUL-terminated, VGPU_OWNER_LEN bytes
 *
 * A tag is empty (no owner) or 1 to VGPU_OWNER_LEN - 1 characters from
 * [A-Za-z0-9._:@/-]: enough for "nova:<uuid>", "user@host" or a libvirt
 * domain name, and nothing that needs quoting in a shell or JSON.
 *
 * Return: 0, or -EINVAL (and @owner untouched) for anything else.
 */
int vgpu_parse_owner(const char *buf, size_t len, char *owner)
{
	size_t i;

	len = strip_newline(buf, len);
	if (len >= VGPU_OWNER_LEN)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == ':' || c == '@' || c == '/' || c == '-'))
			return -EINVAL;
	}
	memcpy(owner, buf, len);
	owner[len] = '\0';
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_parse_owner);

/**
 * vgpu_parse_resolution() - "<width>x<height>", within a maximum
 * @buf: the written bytes
 * @len: their number
 * @max_width: the largest width allowed (the type's)
 * @max_height: the largest height allowed (the type's)
 * @width: receives the width
 * @height: receives the height
 *
 * Both at least 640x480, the smallest mode bochs-drm's clients expect.
 *
 * Return: 0, or -EINVAL (and nothing written) for anything else.
 */
int vgpu_parse_resolution(const char *buf, size_t len, u32 max_width,
			  u32 max_height, u32 *width, u32 *height)
{
	size_t n, m;
	u64 w, h;

	len = strip_newline(buf, len);
	n = parse_decimal(buf, len, &w);
	if (!n || n >= len || buf[n] != 'x')
		return -EINVAL;
	m = parse_decimal(buf + n + 1, len - n - 1, &h);
	if (!m || n + 1 + m != len)
		return -EINVAL;
	if (w < 640 || h < 480 || w > max_width || h > max_height)
		return -EINVAL;
	*width = w;
	*height = h;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vgpu_parse_resolution);
