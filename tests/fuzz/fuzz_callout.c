// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the JSON the vslice mdevctl callout reads on stdin,
 * compiled from userspace/mdevctl-plugin/callout_json.c (the file the
 * callout itself is built from) with the attribute checks of vattr.c.
 *
 * Any input must parse or be refused with at least one message; what
 * parses must check against the attribute table without tripping the
 * sanitizers; attributes printed back as "get attributes" output must
 * parse again to the same names and values.
 *
 * An input starting with '{' goes in as it is.  Any other input drives a
 * generator of configurations (the member names json-c looks up by hash
 * are out of a blind fuzzer's reach): known and unknown attribute names,
 * values of the wrong JSON type, and string values made of the input's
 * bytes, escaped, so that the value checks see every byte sequence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callout_json.h"
#include "typedesc.h"
#include "vattr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct gen {
	const uint8_t *d;
	size_t n;
	char *out;
	size_t len, cap;
};

static unsigned int take(struct gen *g)
{
	if (!g->n)
		return 0;
	g->n--;
	return *g->d++;
}

static void put(struct gen *g, const char *s, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2;
		g->out = realloc(g->out, g->cap);
		if (!g->out)
			abort();
	}
	memcpy(g->out + g->len, s, n);
	g->len += n;
	g->out[g->len] = '\0';
}

static void puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

/* A JSON string of up to 31 input bytes, escaped where JSON needs it. */
static void put_string(struct gen *g)
{
	unsigned int n = take(g) % 32, i;
	char esc[8];

	puts_(g, "\"");
	for (i = 0; i < n && g->n; i++) {
		unsigned char c = (unsigned char)take(g);

		if (c < 0x20 || c == '"' || c == '\\') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			puts_(g, esc);
		} else {
			put(g, (const char *)&c, 1);
		}
	}
	puts_(g, "\"");
}

/* vslice/weight and vslice/fps_cap: removed, as old definitions carry them. */
static const char *const names[] = {
	"vslice/owner", "vslice/weight", "vslice/fps_cap", "vslice/max_resolution",
	"vslice/vram_offset", "vslice/vram_size", "vslice/scanout", "remove",
};
static const char *const others[] = { "1", "null", "true", "[]", "{}", "[\"1\"]", "-0.5e3" };

static char *generate(const uint8_t *data, size_t size)
{
	struct gen g = { .d = data, .n = size };
	unsigned int flags = take(&g), n, i;

	puts_(&g, "{");
	if (flags & 1)
		puts_(&g, "\"mdev_type\":\"vslice-s32\",");
	if (flags & 2)
		puts_(&g, flags & 4 ? "\"start\":\"auto\"," : "\"start\":\"manual\",");
	if (flags & 8) {
		puts_(&g, "\"provides\":{\"version\":");
		puts_(&g, flags & 16 ? "2}," : "\"2\"},");
	}
	puts_(&g, "\"attrs\":");
	if (flags & 32) {
		puts_(&g, others[take(&g) % 7]);
	} else {
		puts_(&g, "[");
		n = take(&g) % 8;
		for (i = 0; i < n; i++) {
			unsigned int kind = take(&g);

			puts_(&g, i ? ",{" : "{");
			if (kind & 1) {
				put_string(&g);
			} else {
				puts_(&g, "\"");
				puts_(&g, names[(kind >> 1) % 8]);
				puts_(&g, "\"");
			}
			puts_(&g, ":");
			if (kind & 16)
				puts_(&g, others[(kind >> 5) % 7]);
			else
				put_string(&g);
			puts_(&g, kind & 0x80 ? ",\"x\":\"y\"}" : "}");
		}
		puts_(&g, "]");
	}
	puts_(&g, "}");
	return g.out;
}

static void round_trip(const struct vs_conf *conf)
{
	struct vs_msgs m = { 0 };
	struct vs_conf again;
	char *json, *wrapped;
	size_t i;

	json = vs_attrs_json(conf->attrs, conf->nr_attrs);
	if (!json)
		abort();
	if (asprintf(&wrapped, "{\"attrs\":%s}", json) < 0)
		abort();
	if (vs_conf_parse(wrapped, strlen(wrapped), &again, &m)) {
		fprintf(stderr, "printed attributes do not parse: %s\n", wrapped);
		abort();
	}
	if (again.nr_attrs != conf->nr_attrs)
		abort();
	for (i = 0; i < again.nr_attrs; i++) {
		if (strcmp(again.attrs[i].name, conf->attrs[i].name) ||
		    again.attrs[i].value_len != conf->attrs[i].value_len ||
		    memcmp(again.attrs[i].value, conf->attrs[i].value,
			   conf->attrs[i].value_len))
			abort();
	}
	vs_conf_free(&again);
	vs_msgs_free(&m);
	free(wrapped);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vs_limits lim;
	struct vs_msgs m = { 0 };
	struct vs_typedesc td;
	struct vs_conf conf;
	int version;
	size_t i;

	if (!lim.max_width) {
		vs_typedesc_parse("framebuffer=32M, max_instance=8, max_resolution=1920x1200, class=0x030000",
				  &td);
		vs_limits_from_type(&lim, &td);
	}
	char *generated = NULL;

	if (size && data[0] != '{') {
		generated = generate(data + 1, size - 1);
		data = (const uint8_t *)generated;
		size = strlen(generated);
	}
	if (vs_conf_parse((const char *)data, size, &conf, &m)) {
		if (!vs_msgs_count(&m))
			abort();	/* refused without saying why */
	} else {
		if (vs_msgs_count(&m))
			abort();
		for (i = 0; i < conf.nr_attrs; i++) {
			const struct vs_attr_desc *d =
				vs_attr_lookup(conf.attrs[i].name, conf.attrs[i].name_len);
			char why[256];

			/* A removed attribute is never taken for a live one. */
			if (d && vs_attr_removed(conf.attrs[i].name, conf.attrs[i].name_len))
				abort();
			if (d && d->writable &&
			    !vs_attr_value_ok(d, conf.attrs[i].value, conf.attrs[i].value_len,
					      &lim, why, sizeof(why)) && !why[0])
				abort();
		}
		round_trip(&conf);
		vs_conf_free(&conf);
	}
	vs_msgs_free(&m);
	if (!vs_caps_parse((const char *)data, size, &version, &m) && vs_msgs_count(&m))
		abort();
	vs_msgs_free(&m);
	/* The same bytes as a type description. */
	if (size < 1024) {
		char *s = strndup((const char *)data, size);

		if (s) {
			vs_typedesc_parse(s, &td);
			free(s);
		}
	}
	free(generated);
	return 0;
}
