/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The properties in a vslice type's description, as the driver prints
 * its type table:
 *
 *   framebuffer=32M, max_instance=8, max_resolution=1920x1200,
 *   class=0x030000
 *
 * Older drivers also printed num_heads, frl_config and weight; like any
 * key this file does not know, they are skipped.
 */
#ifndef VS_TYPEDESC_H
#define VS_TYPEDESC_H

struct json_object;

enum {
	VS_TD_FRAMEBUFFER = 1 << 0,
	VS_TD_MAX_INSTANCE = 1 << 1,
	VS_TD_MAX_RESOLUTION = 1 << 2,
	VS_TD_CLASS = 1 << 3,
};

struct vs_typedesc {
	unsigned int have;		/* VS_TD_* of the fields found */
	unsigned int framebuffer_mib;
	unsigned int max_instance;
	unsigned int max_width, max_height;
	unsigned int pci_class;
};

/*
 * Parse a description.  Unknown keys and malformed entries are skipped.
 * Return: the number of fields understood.
 */
int vs_typedesc_parse(const char *s, struct vs_typedesc *td);

/*
 * Every "key=value" of a description as a JSON object: plain decimal
 * values as numbers, the rest as strings.  Return: a new object.
 */
struct json_object *vs_typedesc_json(const char *s);

#endif /* VS_TYPEDESC_H */
