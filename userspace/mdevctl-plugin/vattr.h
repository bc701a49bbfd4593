/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vendor attributes of a vslice instance, as mdevctl names them
 * (paths relative to /sys/bus/mdev/devices/<uuid>/), and the values the
 * driver accepts.  The checks mirror the driver's parsers: one trailing
 * newline allowed, decimal numbers without sign or leading zeros.
 */
#ifndef VS_VATTR_H
#define VS_VATTR_H

#include <stdbool.h>
#include <stddef.h>

struct vs_typedesc;

enum vs_attr_id {
	VS_ATTR_OWNER,
	VS_ATTR_MAX_RESOLUTION,
	VS_ATTR_VRAM_OFFSET,
	VS_ATTR_VRAM_SIZE,
	VS_ATTR_SCANOUT,
	VS_NR_ATTRS
};

struct vs_attr_desc {
	const char *name;	/* "vslice/owner" */
	enum vs_attr_id id;
	bool writable;
	bool live;		/* may change while a VM has the device open */
};

/* Limits that depend on the type (its max_resolution). */
struct vs_limits {
	bool from_type;		/* false: the type is unknown, generic bounds */
	unsigned int max_width, max_height;
};

#define VS_OWNER_MAX 63
#define VS_MIN_WIDTH 640
#define VS_MIN_HEIGHT 480

extern const struct vs_attr_desc vs_attr_table[VS_NR_ATTRS];

/* The attribute an mdevctl name means, or NULL. */
const struct vs_attr_desc *vs_attr_lookup(const char *name, size_t len);
/* "vslice/owner, vslice/max_resolution" of the writable ones. */
const char *vs_attr_writable_list(void);

/*
 * Whether an mdevctl name is an attribute that vslice once had and
 * removed (vslice/weight, vslice/fps_cap: nothing ever acted on them), so
 * that a definition which still carries one is refused by name rather
 * than by the driver's missing file.
 */
bool vs_attr_removed(const char *name, size_t len);

void vs_limits_from_type(struct vs_limits *lim, const struct vs_typedesc *td);
void vs_limits_generic(struct vs_limits *lim);

/*
 * Whether the driver accepts len bytes of val for a writable attribute.
 * Return: true, or false with why (a sentence without the name) filled.
 */
bool vs_attr_value_ok(const struct vs_attr_desc *d, const char *val,
		      size_t len, const struct vs_limits *lim, char *why,
		      size_t whylen);

#endif /* VS_VATTR_H */
