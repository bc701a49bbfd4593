// SPDX-License-Identifier: GPL-2.0-only
/*
 * vslice's vendor attributes and their values (see vattr.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "typedesc.h"
#include "vattr.h"

const struct vs_attr_desc vs_attr_table[VS_NR_ATTRS] = {
	{ "vslice/owner", VS_ATTR_OWNER, true, true },
	{ "vslice/max_resolution", VS_ATTR_MAX_RESOLUTION, true, false },
	{ "vslice/vram_offset", VS_ATTR_VRAM_OFFSET, false, false },
	{ "vslice/vram_size", VS_ATTR_VRAM_SIZE, false, false },
	{ "vslice/scanout", VS_ATTR_SCANOUT, false, false },
};

const struct vs_attr_desc *vs_attr_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < VS_NR_ATTRS; i++)
		if (strlen(vs_attr_table[i].name) == len &&
		    !memcmp(vs_attr_table[i].name, name, len))
			return &vs_attr_table[i];
	return NULL;
}

const char *vs_attr_writable_list(void)
{
	return "vslice/owner, vslice/max_resolution";
}

bool vs_attr_removed(const char *name, size_t len)
{
	static const char *const removed[] = { "vslice/weight", "vslice/fps_cap" };
	size_t i;

	for (i = 0; i < sizeof(removed) / sizeof(removed[0]); i++)
		if (strlen(removed[i]) == len && !memcmp(removed[i], name, len))
			return true;
	return false;
}

void vs_limits_from_type(struct vs_limits *lim, const struct vs_typedesc *td)
{
	vs_limits_generic(lim);
	if (td->have & VS_TD_MAX_RESOLUTION) {
		lim->max_width = td->max_width;
		lim->max_height = td->max_height;
		lim->from_type = true;
	}
}

void vs_limits_generic(struct vs_limits *lim)
{
	lim->from_type = false;
	lim->max_width = UINT32_MAX;
	lim->max_height = UINT32_MAX;
}

/* The length without the one trailing newline the driver ignores. */
static size_t strip_newline(const char *s, size_t len)
{
	return len && s[len - 1] == '\n' ? len - 1 : len;
}

/*
 * 1 to 10 decimal digits, no sign, no leading zero.
 * Return: the digits taken, 0 if they form no such number.
 */
static size_t take_decimal(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < len && i < 11 && s[i] >= '0' && s[i] <= '9'; i++)
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	if (!i || i > 10 || (i > 1 && s[0] == '0'))
		return 0;
	return i;
}

#define OWNER_RULE "an owner is up to 63 characters of A-Z a-z 0-9 . _ : @ / -, or empty"

static bool owner_ok(const char *s, size_t len, char *why, size_t n)
{
	size_t i;

	if (len > VS_OWNER_MAX) {
		snprintf(why, n, "is %zu characters long; " OWNER_RULE, len);
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr("._:@/-", c)))
			continue;
		if (c == ' ')
			snprintf(why, n, "has a space at position %zu; " OWNER_RULE, i + 1);
		else if (c > 0x20 && c < 0x7f)
			snprintf(why, n, "has '%c' at position %zu; " OWNER_RULE, c, i + 1);
		else
			snprintf(why, n, "has byte 0x%02x at position %zu; " OWNER_RULE, c, i + 1);
		return false;
	}
	return true;
}

static bool resolution_ok(const char *s, size_t len,
			  const struct vs_limits *lim, char *why, size_t n)
{
	char range[96];
	uint64_t w, h;
	size_t a, b;

	if (lim->max_width == UINT32_MAX)
		snprintf(range, sizeof(range), "it takes %ux%u or more", VS_MIN_WIDTH,
			 VS_MIN_HEIGHT);
	else
		snprintf(range, sizeof(range), "it takes %ux%u to %ux%u, the type's max_resolution",
			 VS_MIN_WIDTH, VS_MIN_HEIGHT, lim->max_width, lim->max_height);
	a = take_decimal(s, len, &w);
	b = a && a < len && s[a] == 'x' ? take_decimal(s + a + 1, len - a - 1, &h) : 0;
	if (!b || a + 1 + b != len) {
		snprintf(why, n, "is not <width>x<height> in plain decimal numbers; %s", range);
		return false;
	}
	if (w < VS_MIN_WIDTH || h < VS_MIN_HEIGHT || w > lim->max_width ||
	    h > lim->max_height) {
		snprintf(why, n, "is out of range; %s", range);
		return false;
	}
	return true;
}

bool vs_attr_value_ok(const struct vs_attr_desc *d, const char *val,
		      size_t len, const struct vs_limits *lim, char *why,
		      size_t whylen)
{
	len = strip_newline(val, len);
	switch (d->id) {
	case VS_ATTR_OWNER:
		return owner_ok(val, len, why, whylen);
	case VS_ATTR_MAX_RESOLUTION:
		return resolution_ok(val, len, lim, why, whylen);
	default:
		snprintf(why, whylen, "is read-only");
		return false;
	}
}
