// SPDX-License-Identifier: GPL-2.0-only
/*
 * Type descriptions (see typedesc.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "typedesc.h"

/* A decimal or 0x number filling [s, end) exactly, up to UINT_MAX. */
static int parse_uint(const char *s, const char *end, int base,
		      unsigned int *val)
{
	char buf[24], *e;
	unsigned long v;
	size_t len = (size_t)(end - s);

	if (!len || len >= sizeof(buf) || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoul(buf, &e, base);
	if (errno || *e || v > 0xffffffffUL)
		return -EINVAL;
	*val = (unsigned int)v;
	return 0;
}

/* One "key=value" entry, value in [v, vend). */
static int parse_field(const char *key, size_t klen, const char *v,
		       const char *vend, struct vs_typedesc *td)
{
	const char *x;

#define KEY(k) (klen == strlen(k) && !memcmp(key, k, klen))
	if (KEY("framebuffer")) {
		/* "<n>M" */
		if (vend == v || vend[-1] != 'M' ||
		    parse_uint(v, vend - 1, 10, &td->framebuffer_mib))
			return 0;
		td->have |= VS_TD_FRAMEBUFFER;
	} else if (KEY("max_instance")) {
		if (parse_uint(v, vend, 10, &td->max_instance))
			return 0;
		td->have |= VS_TD_MAX_INSTANCE;
	} else if (KEY("max_resolution")) {
		x = memchr(v, 'x', (size_t)(vend - v));
		if (!x || parse_uint(v, x, 10, &td->max_width) ||
		    parse_uint(x + 1, vend, 10, &td->max_height))
			return 0;
		td->have |= VS_TD_MAX_RESOLUTION;
	} else if (KEY("class")) {
		if (parse_uint(v, vend, 16, &td->pci_class))
			return 0;
		td->have |= VS_TD_CLASS;
	} else {
		return 0;
	}
#undef KEY
	return 1;
}

/*
 * Walk the entries of a description: fn(key, klen, value, vend, arg) for
 * each "key=value" between commas, spaces trimmed.
 */
static int walk(const char *s,
		int (*fn)(const char *, size_t, const char *, const char *, void *),
		void *arg)
{
	int found = 0;

	while (s && *s) {
		const char *end = strchr(s, ','), *eq, *k, *kend, *v, *vend;

		if (!end)
			end = s + strlen(s);
		k = s;
		while (k < end && (*k == ' ' || *k == '\t' || *k == '\n'))
			k++;
		vend = end;
		while (vend > k && (vend[-1] == ' ' || vend[-1] == '\t' || vend[-1] == '\n'))
			vend--;
		eq = memchr(k, '=', (size_t)(vend - k));
		if (eq && eq > k) {
			kend = eq;
			v = eq + 1;
			found += fn(k, (size_t)(kend - k), v, vend, arg);
		}
		s = *end ? end + 1 : end;
	}
	return found;
}

static int field_cb(const char *k, size_t klen, const char *v,
		    const char *vend, void *arg)
{
	return parse_field(k, klen, v, vend, arg);
}

int vs_typedesc_parse(const char *s, struct vs_typedesc *td)
{
	memset(td, 0, sizeof(*td));
	return walk(s, field_cb, td);
}

static int json_cb(const char *k, size_t klen, const char *v,
		   const char *vend, void *arg)
{
	struct json_object *obj = arg, *val;
	unsigned int n;
	char *key;

	key = strndup(k, klen);
	if (!key)
		return 0;
	if (vend > v && *v != '0' && !parse_uint(v, vend, 10, &n))
		val = json_object_new_int64(n);
	else if (vend - v == 1 && *v == '0')
		val = json_object_new_int64(0);
	else
		val = json_object_new_string_len(v, (int)(vend - v));
	json_object_object_add(obj, key, val);
	free(key);
	return 1;
}

struct json_object *vs_typedesc_json(const char *s)
{
	struct json_object *obj = json_object_new_object();

	if (obj)
		walk(s, json_cb, obj);
	return obj;
}
