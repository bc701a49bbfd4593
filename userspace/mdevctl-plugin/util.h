/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the callout and the host tool: UUIDs, quoting
 * of untrusted bytes for messages, and a list of problem messages.
 */
#ifndef VS_UTIL_H
#define VS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* 36 characters, 8-4-4-4-12 hex digits, and the NUL. */
#define VS_UUID_LEN 37

/* Type directories of the vendor driver are "vslice-<id>". */
#define VS_TYPE_PREFIX "vslice-"
/* The PCI driver the GPUs (mdev parents) are bound to. */
#define VS_PCI_DRIVER "vslice"

bool vs_uuid_valid(const char *s);
/* Lower-case copy of a valid UUID into out (VS_UUID_LEN bytes). */
void vs_uuid_lower(const char *s, char *out);
/* A random (version 4) UUID from getrandom(2).  Return: 0 or -errno. */
int vs_uuid_generate(char *out);
bool vs_is_our_type(const char *type);

/*
 * Quote len bytes of s for a message: in double quotes, printable ASCII
 * as is, anything else as \xNN, cut after a few dozen characters.
 * Return: buf.
 */
const char *vs_quote(char *buf, size_t n, const char *s, size_t len);

/* Problems found while checking an input: one message each. */
#define VS_MSGS_MAX 32
struct vs_msgs {
	char *line[VS_MSGS_MAX];
	size_t n;
	size_t dropped;
};

void vs_msg(struct vs_msgs *m, const char *fmt, ...) VS_PRINTF(2, 3);
size_t vs_msgs_count(const struct vs_msgs *m);
/* Each message on its own line, after prefix. */
void vs_msgs_print(const struct vs_msgs *m, FILE *f, const char *prefix);
void vs_msgs_free(struct vs_msgs *m);

#endif /* VS_UTIL_H */
