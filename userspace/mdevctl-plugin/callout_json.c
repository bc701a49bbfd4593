// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON of the mdevctl callout protocol (see callout_json.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "callout_json.h"

static const char *json_type_word(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double:
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Whether JSON text escapes a NUL (\u0000).  json-c keeps NULs in
 * string values but cuts member names at them, so that
 * {"vslice/owner\u0000x": ...} would look like a valid name.
 */
static bool has_escaped_nul(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\\')
			continue;
		if (buf[i + 1] == 'u' && i + 5 < len && !memcmp(buf + i + 2, "0000", 4))
			return true;
		i++;	/* skip the escaped character */
	}
	return false;
}

/*
 * Parse one JSON value filling buf (trailing NULs and white space
 * allowed, as some writers terminate their output so).
 * Return: the value, or NULL with the problem added to m.
 */
static struct json_object *parse_strict(const char *buf, size_t len,
					struct vs_msgs *m)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error err;
	const char *nul;
	size_t end;

	while (len && (buf[len - 1] == '\0' || is_space(buf[len - 1])))
		len--;
	if (!len) {
		vs_msg(m, "the input is empty; expected a JSON object");
		return NULL;
	}
	nul = memchr(buf, '\0', len);
	if (nul) {
		vs_msg(m, "the input has a NUL byte at offset %zu; expected JSON text",
		       (size_t)(nul - buf));
		return NULL;
	}
	if (has_escaped_nul(buf, len)) {
		vs_msg(m, "the input has a \\u0000 escape; names and values cannot hold NUL characters");
		return NULL;
	}
	if (len > (size_t)INT32_MAX) {
		vs_msg(m, "the input is too large");
		return NULL;
	}
	tok = json_tokener_new_ex(VS_JSON_MAX_DEPTH);
	if (!tok) {
		vs_msg(m, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (err == json_tokener_continue && end == len) {
		/* The end of the text ends a number or literal at the top. */
		obj = json_tokener_parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
		if (err != json_tokener_success)
			err = json_tokener_continue;
		end = len;
	}
	if (err == json_tokener_continue) {
		vs_msg(m, "the JSON input ends early (after %zu bytes)", len);
	} else if (err == json_tokener_error_depth) {
		vs_msg(m, "the JSON input nests deeper than %d levels",
		       VS_JSON_MAX_DEPTH);
	} else if (err != json_tokener_success) {
		vs_msg(m, "the input is not valid JSON: %s at offset %zu",
		       json_tokener_error_desc(err), end);
	} else if (end < len) {
		vs_msg(m, "the input has data after its JSON value, at offset %zu",
		       end);
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	if (err != json_tokener_success) {
		json_object_put(obj);
		return NULL;
	}
	if (!obj)	/* json-c's null */
		vs_msg(m, "the input is JSON null; expected an object");
	return obj;
}

/* A string member, or NULL; a problem if present but not a string. */
static char *get_string(struct json_object *top, const char *key,
			struct vs_msgs *m, bool *bad)
{
	struct json_object *v;
	const char *s;
	int len;

	if (!json_object_object_get_ex(top, key, &v) || !v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		vs_msg(m, "\"%s\" must be a string, not %s", key, json_type_word(v));
		*bad = true;
		return NULL;
	}
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if (memchr(s, '\0', (size_t)len)) {
		vs_msg(m, "\"%s\" has a NUL character", key);
		*bad = true;
		return NULL;
	}
	return strdup(s);
}

/* attrs[i]: an object with exactly one member whose value is a string. */
static int take_attr(struct json_object *a, size_t i, struct vs_kv *kv,
		     struct vs_msgs *m)
{
	struct json_object_iterator it, end;
	struct json_object *v;
	const char *name;
	char q[128];

	if (!json_object_is_type(a, json_type_object)) {
		vs_msg(m, "attrs[%zu] must be an object {\"name\": \"value\"}, not %s",
		       i, json_type_word(a));
		return -1;
	}
	if (json_object_object_length(a) != 1) {
		vs_msg(m, "attrs[%zu] must have exactly one member {\"name\": \"value\"}, it has %d",
		       i, json_object_object_length(a));
		return -1;
	}
	it = json_object_iter_begin(a);
	end = json_object_iter_end(a);
	if (json_object_iter_equal(&it, &end))
		return -1;
	name = json_object_iter_peek_name(&it);
	v = json_object_iter_peek_value(&it);
	kv->name_len = strlen(name);
	if (!v || !json_object_is_type(v, json_type_string)) {
		vs_msg(m, "attrs[%zu]: the value of %s must be a string, not %s",
		       i, vs_quote(q, sizeof(q), name, kv->name_len),
		       v ? json_type_word(v) : "null");
		return -1;
	}
	kv->name = strdup(name);
	kv->value_len = (size_t)json_object_get_string_len(v);
	kv->value = malloc(kv->value_len + 1);
	if (!kv->name || !kv->value) {
		free(kv->name);
		free(kv->value);
		kv->name = kv->value = NULL;
		vs_msg(m, "out of memory");
		return -1;
	}
	memcpy(kv->value, json_object_get_string(v), kv->value_len);
	kv->value[kv->value_len] = '\0';
	return 0;
}

int vs_conf_parse(const char *buf, size_t len, struct vs_conf *conf,
		  struct vs_msgs *m)
{
	struct json_object *top, *attrs;
	bool bad = false;
	size_t i, n;

	memset(conf, 0, sizeof(*conf));
	top = parse_strict(buf, len, m);
	if (!top)
		return -1;
	if (!json_object_is_type(top, json_type_object)) {
		vs_msg(m, "the input must be a JSON object with \"mdev_type\", \"start\" and \"attrs\", not %s",
		       json_type_word(top));
		json_object_put(top);
		return -1;
	}
	conf->mdev_type = get_string(top, "mdev_type", m, &bad);
	conf->start = get_string(top, "start", m, &bad);
	if (conf->start && strcmp(conf->start, "auto") &&
	    strcmp(conf->start, "manual")) {
		char q[128];

		vs_msg(m, "\"start\" must be \"auto\" or \"manual\", not %s",
		       vs_quote(q, sizeof(q), conf->start, strlen(conf->start)));
		bad = true;
	}
	if (!json_object_object_get_ex(top, "attrs", &attrs))
		attrs = NULL;
	n = attrs && json_object_is_type(attrs, json_type_array) ?
	    json_object_array_length(attrs) : 0;
	if (attrs) {
		if (!json_object_is_type(attrs, json_type_array)) {
			vs_msg(m, "\"attrs\" must be an array of {\"name\": \"value\"} objects, not %s",
			       json_type_word(attrs));
			bad = true;
		} else if (n > 0) {
			conf->attrs = calloc(n, sizeof(*conf->attrs));
			if (!conf->attrs) {
				vs_msg(m, "out of memory");
				bad = true;
				n = 0;
			}
			for (i = 0; i < n; i++) {
				struct vs_kv *kv = &conf->attrs[conf->nr_attrs];

				if (take_attr(json_object_array_get_idx(attrs, i),
					      i, kv, m))
					bad = true;
				else
					conf->nr_attrs++;
			}
		}
	}
	json_object_put(top);
	if (bad) {
		vs_conf_free(conf);
		return -1;
	}
	return 0;
}

void vs_conf_free(struct vs_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr_attrs; i++) {
		free(conf->attrs[i].name);
		free(conf->attrs[i].value);
	}
	free(conf->attrs);
	free(conf->mdev_type);
	free(conf->start);
	memset(conf, 0, sizeof(*conf));
}

int vs_caps_parse(const char *buf, size_t len, int *version, struct vs_msgs *m)
{
	struct json_object *top, *prov, *ver;
	int ret = -1;

	top = parse_strict(buf, len, m);
	if (!top)
		return -1;
	if (!json_object_is_type(top, json_type_object) ||
	    !json_object_object_get_ex(top, "provides", &prov) ||
	    !json_object_is_type(prov, json_type_object)) {
		vs_msg(m, "a capabilities query must be {\"provides\": {...}}");
	} else if (!json_object_object_get_ex(prov, "version", &ver) ||
		   !json_object_is_type(ver, json_type_int)) {
		vs_msg(m, "\"provides\" has no numeric \"version\"");
	} else {
		*version = (int)json_object_get_int64(ver);
		ret = 0;
	}
	json_object_put(top);
	return ret;
}

static char *to_string(struct json_object *o)
{
	const char *s;
	char *copy = NULL;

	if (!o)
		return NULL;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s)
		copy = strdup(s);
	json_object_put(o);
	return copy;
}

static struct json_object *word_array(const char *const *w, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(w[i]));
	return a;
}

char *vs_caps_json(void)
{
	static const char *const actions[] = {
		"start", "stop", "define", "undefine", "modify", "attributes",
		"capabilities",
	};
	static const char *const events[] = {
		"pre", "post", "notify", "get", "live",
	};
	struct json_object *top = json_object_new_object();
	struct json_object *sup = json_object_new_object();

	if (!top || !sup) {
		json_object_put(top);
		json_object_put(sup);
		return NULL;
	}
	json_object_object_add(sup, "version", json_object_new_int(2));
	json_object_object_add(sup, "actions",
			       word_array(actions, VS_ARRAY_SIZE(actions)));
	json_object_object_add(sup, "events",
			       word_array(events, VS_ARRAY_SIZE(events)));
	json_object_object_add(top, "supports", sup);
	return to_string(top);
}

char *vs_attrs_json(const struct vs_kv *kv, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		struct json_object *o = json_object_new_object();

		if (!o) {
			json_object_put(a);
			return NULL;
		}
		json_object_object_add(o, kv[i].name,
				       json_object_new_string_len(kv[i].value,
								  (int)kv[i].value_len));
		json_object_array_add(a, o);
	}
	return to_string(a);
}
