// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the callout protocol's JSON, every malformed input a
 * message and no crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "callout_json.h"

/* Parse s; return the number of problems (0: parsed). */
static size_t problems(const char *s, size_t len, struct vs_msgs *m)
{
	struct vs_conf conf;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = vs_conf_parse(s, len, &conf, m);
	if (!ret) {
		assert_int_equal(vs_msgs_count(m), 0);
		vs_conf_free(&conf);
	} else {
		/* Every refusal says why. */
		assert_true(vs_msgs_count(m) > 0);
	}
	return vs_msgs_count(m);
}

static bool has(const struct vs_msgs *m, const char *text)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strstr(m->line[i], text))
			return true;
	return false;
}

#define REFUSED(json, text) \
	do { \
		struct vs_msgs m_; \
		assert_true(problems(json, sizeof(json) - 1, &m_) > 0); \
		if (!has(&m_, text)) \
			fail_msg("no \"%s\" in \"%s\"", text, m_.n ? m_.line[0] : ""); \
		vs_msgs_free(&m_); \
	} while (0)

static void valid_conf(void **state)
{
	const char *s = "{\"mdev_type\":\"vslice-s32\",\"start\":\"auto\",\"attrs\":"
			"[{\"vslice/max_resolution\":\"800x600\"},{\"vslice/owner\":\"\"}]}";
	struct vs_msgs m = { 0 };
	struct vs_conf c;

	(void)state;
	assert_int_equal(vs_conf_parse(s, strlen(s), &c, &m), 0);
	assert_string_equal(c.mdev_type, "vslice-s32");
	assert_string_equal(c.start, "auto");
	assert_int_equal(c.nr_attrs, 2);
	assert_string_equal(c.attrs[0].name, "vslice/max_resolution");
	assert_string_equal(c.attrs[0].value, "800x600");
	assert_int_equal(c.attrs[1].value_len, 0);
	vs_conf_free(&c);
}

static void optional_fields(void **state)
{
	struct vs_msgs m;

	(void)state;
#define OK_(s) assert_int_equal(problems(s, strlen(s), &m), 0)
	OK_("{}");
	OK_("{\"attrs\":null}");
	OK_("{\"attrs\":[]}");
	OK_(" {\"attrs\":[]}\r\n");
	/* Fields of later mdevctl versions are ignored. */
	OK_("{\"mdev_type\":\"vslice-s16\",\"parent\":\"x\",\"new\":[1,{}]}");
#undef OK_
	/* mdevctl 1.3 trims NULs from outputs; inputs may carry them too. */
	assert_int_equal(problems("{}\n\0\0", 5, &m), 0);
}

static void bad_json(void **state)
{
	(void)state;
	REFUSED("", "empty");
	REFUSED("   \n", "empty");
	REFUSED("{", "ends early");
	REFUSED("{\"attrs\": [", "ends early");
	REFUSED("{\"a\":1,}", "not valid JSON");
	REFUSED("nul", "ends early");
	REFUSED("nulx", "not valid JSON");
	REFUSED("{} {}", "at offset 3");
	REFUSED("{}x", "at offset 2");
	REFUSED("12", "must be a JSON object");
	REFUSED("  null \n", "JSON null");
	REFUSED("1.5e", "ends early");
	REFUSED("\xff\xfe{}", "not valid JSON");
}

static void wrong_types(void **state)
{
	(void)state;
	REFUSED("[]", "must be a JSON object");
	REFUSED("\"x\"", "must be a JSON object");
	REFUSED("42", "must be a JSON object");
	REFUSED("{\"attrs\": 1}", "\"attrs\" must be an array");
	REFUSED("{\"attrs\": {\"vslice/owner\": \"1\"}}", "\"attrs\" must be an array");
	REFUSED("{\"attrs\": \"vslice/owner=1\"}", "\"attrs\" must be an array");
	REFUSED("{\"attrs\": [1]}", "attrs[0] must be an object");
	REFUSED("{\"attrs\": [null]}", "attrs[0] must be an object");
	REFUSED("{\"attrs\": [[\"a\",\"b\"]]}", "attrs[0] must be an object");
	REFUSED("{\"attrs\": [{}]}", "exactly one member");
	REFUSED("{\"attrs\": [{\"a\":\"1\",\"b\":\"2\"}]}", "exactly one member");
	REFUSED("{\"attrs\": [{\"vslice/owner\": 200}]}", "must be a string, not a number");
	REFUSED("{\"attrs\": [{\"vslice/owner\": null}]}", "must be a string, not null");
	REFUSED("{\"attrs\": [{\"vslice/owner\": true}]}", "must be a string, not a boolean");
	REFUSED("{\"attrs\": [{\"vslice/owner\": [\"1\"]}]}", "not an array");
	REFUSED("{\"mdev_type\": 5}", "\"mdev_type\" must be a string");
	REFUSED("{\"start\": \"sometimes\"}", "\"auto\" or \"manual\"");
	REFUSED("{\"start\": false}", "\"start\" must be a string");
}

static void every_problem_reported(void **state)
{
	struct vs_msgs m;
	const char *s = "{\"mdev_type\":1,\"start\":2,\"attrs\":[1,{},{\"a\":3}]}";

	(void)state;
	assert_int_equal(problems(s, strlen(s), &m), 5);
	vs_msgs_free(&m);
}

static void nul_bytes(void **state)
{
	(void)state;
	REFUSED("{\"attrs\"\0: []}", "NUL byte at offset 8");
	REFUSED("\0{}", "NUL byte at offset 0");
	/* Escaped NULs: json-c would cut the member name at them. */
	REFUSED("{\"attrs\":[{\"vslice/owner\\u0000x\":\"1\"}]}", "\\u0000");
	REFUSED("{\"attrs\":[{\"vslice/owner\":\"1\\u0000\"}]}", "\\u0000");
	REFUSED("{\"mdev_type\":\"vslice-s16\\u0000\"}", "\\u0000");
}

static void escaped_backslash_is_no_nul(void **state)
{
	/* "\\u0000" is a backslash and "u0000": no NUL. */
	const char *s = "{\"attrs\":[{\"vslice/owner\":\"\\\\u0000\"}]}";
	struct vs_msgs m = { 0 };
	struct vs_conf c;

	(void)state;
	assert_int_equal(vs_conf_parse(s, strlen(s), &c, &m), 0);
	assert_string_equal(c.attrs[0].value, "\\u0000");
	vs_conf_free(&c);
}

static void deep_nesting(void **state)
{
	size_t depth = 100000, i;
	char *s = malloc(2 * depth + 16);
	struct vs_msgs m;

	(void)state;
	strcpy(s, "{\"x\":");
	for (i = 0; i < depth; i++)
		s[5 + i] = '[';
	for (i = 0; i < depth; i++)
		s[5 + depth + i] = ']';
	strcpy(s + 5 + 2 * depth, "}");
	assert_true(problems(s, strlen(s), &m) > 0);
	assert_true(has(&m, "nests deeper"));
	vs_msgs_free(&m);
	/* Within the limit: fine. */
	assert_int_equal(problems("{\"x\":[[[[[{}]]]]]}", 18, &m), 0);
	free(s);
}

static void huge_input(void **state)
{
	size_t n = 8 * 1024 * 1024, i;
	char *s = malloc(n + 64);
	struct vs_msgs m;
	struct vs_conf c;

	(void)state;
	/* Many attributes: parsed, every one kept. */
	{
		size_t o = 0;

		o += (size_t)sprintf(s + o, "{\"attrs\":[");
		for (i = 0; i < 100000; i++)
			o += (size_t)sprintf(s + o, "%s{\"a\":\"b\"}", i ? "," : "");
		sprintf(s + o, "]}");
	}
	memset(&m, 0, sizeof(m));
	assert_int_equal(vs_conf_parse(s, strlen(s), &c, &m), 0);
	assert_int_equal(c.nr_attrs, 100000);
	vs_conf_free(&c);
	/* One huge string. */
	memset(s, 'a', n);
	memcpy(s, "{\"mdev_type\":\"", 14);
	strcpy(s + n - 3, "\"}");
	assert_int_equal(problems(s, strlen(s), &m), 0);
	free(s);
}

static void many_problems_capped(void **state)
{
	char s[4096] = "{\"attrs\":[";
	struct vs_msgs m;
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		strcat(s, i ? ",1" : "1");
	strcat(s, "]}");
	assert_int_equal(problems(s, strlen(s), &m), 100);
	assert_int_equal(m.n, VS_MSGS_MAX);
	assert_int_equal(m.dropped, 100 - VS_MSGS_MAX);
	vs_msgs_free(&m);
}

static void capabilities(void **state)
{
	const char *q = "{\"provides\":{\"version\":2,\"actions\":[\"start\"],\"events\":[\"pre\"]}}";
	struct json_object *o, *sup, *v;
	struct vs_msgs m = { 0 };
	int version = 0;
	char *a;

	(void)state;
	assert_int_equal(vs_caps_parse(q, strlen(q), &version, &m), 0);
	assert_int_equal(version, 2);
	assert_int_equal(vs_caps_parse("{\"provides\":1}", 14, &version, &m), -1);
	assert_int_equal(vs_caps_parse("{\"provides\":{}}", 15, &version, &m), -1);
	assert_int_equal(vs_caps_parse("[", 1, &version, &m), -1);
	assert_int_equal(vs_msgs_count(&m), 3);
	vs_msgs_free(&m);

	a = vs_caps_json();
	o = json_tokener_parse(a);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "supports", &sup));
	assert_true(json_object_object_get_ex(sup, "version", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_non_null(strstr(a, "\"live\""));
	assert_non_null(strstr(a, "\"capabilities\""));
	json_object_put(o);
	free(a);
}

static void attributes_output(void **state)
{
	struct vs_kv kv[2] = {
		{ "vslice/max_resolution", 21, "800x600", 7 },
		{ "vslice/owner", 12, "a/b", 3 },
	};
	char *s;

	(void)state;
	s = vs_attrs_json(kv, 2);
	assert_string_equal(s, "[{\"vslice/max_resolution\":\"800x600\"},{\"vslice/owner\":\"a/b\"}]");
	free(s);
	s = vs_attrs_json(kv, 0);
	assert_string_equal(s, "[]");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_conf),
		cmocka_unit_test(optional_fields),
		cmocka_unit_test(bad_json),
		cmocka_unit_test(wrong_types),
		cmocka_unit_test(every_problem_reported),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(escaped_backslash_is_no_nul),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(huge_input),
		cmocka_unit_test(many_problems_capped),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(attributes_output),
	};

	return cmocka_run_group_tests_name("callout_json", tests, NULL, NULL);
}
