// SPDX-License-Identifier: GPL-2.0-only
/*
 * UUIDs, quoting and problem lists (see util.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util.h"

bool vs_uuid_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != VS_UUID_LEN - 1)
		return false;
	for (i = 0; i < VS_UUID_LEN - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

void vs_uuid_lower(const char *s, char *out)
{
	size_t i;

	for (i = 0; i < VS_UUID_LEN - 1; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[VS_UUID_LEN - 1] = '\0';
}

int vs_uuid_generate(char *out)
{
	unsigned char b[16];
	size_t i, o = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -errno;
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		o += (size_t)snprintf(out + o, 3, "%02x", b[i]);
	}
	out[o] = '\0';
	return 0;
}

bool vs_is_our_type(const char *type)
{
	return type && !strncmp(type, VS_TYPE_PREFIX, strlen(VS_TYPE_PREFIX)) &&
	       type[strlen(VS_TYPE_PREFIX)] != '\0';
}

const char *vs_quote(char *buf, size_t n, const char *s, size_t len)
{
	const size_t shown = 40;
	size_t i, o = 0;

	if (n < 16) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (i = 0; i < len && i < shown && o + 8 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, n - o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
	}
	buf[o++] = '"';
	if (i < len && o + 4 < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

void vs_msg(struct vs_msgs *m, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (m->n == VS_MSGS_MAX) {
		m->dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line) {
		m->dropped++;
		return;
	}
	m->line[m->n++] = line;
}

size_t vs_msgs_count(const struct vs_msgs *m)
{
	return m->n + m->dropped;
}

void vs_msgs_print(const struct vs_msgs *m, FILE *f, const char *prefix)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		fprintf(f, "%s%s\n", prefix, m->line[i]);
	if (m->dropped)
		fprintf(f, "%s(%zu more problems not shown)\n", prefix, m->dropped);
}

void vs_msgs_free(struct vs_msgs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->line[i]);
	m->n = 0;
	m->dropped = 0;
}
