/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON of the mdevctl callout protocol, through json-c:
 *
 * stdin of pre/post/live/notify: the device's configuration,
 *   {"mdev_type": "vslice-s64", "start": "auto",
 *    "attrs": [{"vslice/owner": "vm1"}, ...]}
 * stdin of "get capabilities" (mdevctl 1.3+):
 *   {"provides": {"version": 2, "actions": [...], "events": [...]}}
 * stdout of "get capabilities": {"supports": {...}}
 * stdout of "get attributes": [{"vslice/owner": "..."}, ...]
 *
 * Any input is handled: malformed JSON, wrong types, NUL bytes, deep
 * nesting.  Problems are collected as messages, one per problem.
 * This file is also built into tests/fuzz/fuzz_callout.
 */
#ifndef VS_CALLOUT_JSON_H
#define VS_CALLOUT_JSON_H

#include <stddef.h>

#include "util.h"

/* Deepest nesting accepted; a configuration needs 3. */
#define VS_JSON_MAX_DEPTH 16

struct vs_kv {
	char *name;
	size_t name_len;
	char *value;
	size_t value_len;	/* may hold NUL bytes */
};

struct vs_conf {
	char *mdev_type;	/* NULL when absent */
	char *start;		/* NULL when absent */
	struct vs_kv *attrs;
	size_t nr_attrs;
};

/* Return: 0, or -1 with the problems added to m. */
int vs_conf_parse(const char *buf, size_t len, struct vs_conf *conf,
		  struct vs_msgs *m);
void vs_conf_free(struct vs_conf *conf);

/*
 * The version mdevctl provides in a capabilities query.
 * Return: 0 and *version, or -1 with the problems added to m.
 */
int vs_caps_parse(const char *buf, size_t len, int *version,
		  struct vs_msgs *m);

/* What the callout supports (protocol version 2).  Caller frees. */
char *vs_caps_json(void);

/* [{"name": "value"}, ...] of n attributes.  Caller frees. */
char *vs_attrs_json(const struct vs_kv *kv, size_t n);

#endif /* VS_CALLOUT_JSON_H */
