// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: vendor attribute names and values, type descriptions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "typedesc.h"
#include "vattr.h"

#define DESC "framebuffer=32M, max_instance=8, max_resolution=1920x1200, class=0x030000"
/* What drivers before the removal of num_heads, frl_config and weight printed. */
#define OLD_DESC "framebuffer=32M, max_instance=8, max_resolution=1920x1200, num_heads=1, frl_config=60, weight=100, class=0x030000"

static struct vs_limits lim32(void)
{
	struct vs_typedesc td;
	struct vs_limits lim;

	vs_typedesc_parse(DESC, &td);
	vs_limits_from_type(&lim, &td);
	return lim;
}

static bool ok(const char *name, const char *val)
{
	struct vs_limits lim = lim32();
	char why[256];

	return vs_attr_value_ok(vs_attr_lookup(name, strlen(name)), val, strlen(val),
				&lim, why, sizeof(why));
}

static void lookup_names(void **state)
{
	(void)state;
	assert_non_null(vs_attr_lookup("vslice/owner", 12));
	assert_non_null(vs_attr_lookup("vslice/max_resolution", 21));
	assert_null(vs_attr_lookup("vslice/owner/", 13));
	assert_null(vs_attr_lookup("owner", 5));
	assert_null(vs_attr_lookup("vslice//owner", 13));
	assert_null(vs_attr_lookup("vslice/owner", 11));	/* a prefix only */
	assert_false(vs_attr_lookup("vslice/scanout", 14)->writable);
	assert_false(vs_attr_lookup("vslice/vram_size", 16)->writable);
	assert_true(vs_attr_lookup("vslice/owner", 12)->live);
	assert_false(vs_attr_lookup("vslice/max_resolution", 21)->live);
}

static void owner_values(void **state)
{
	char max[64], over[65];

	(void)state;
	memset(max, 'a', 63);
	max[63] = '\0';
	memset(over, 'a', 64);
	over[64] = '\0';
	assert_true(ok("vslice/owner", ""));
	assert_true(ok("vslice/owner", "nova:6f1c-AB_x.y@host/z"));
	assert_true(ok("vslice/owner", max));
	assert_true(ok("vslice/owner", "vm1\n"));
	assert_false(ok("vslice/owner", over));
	assert_false(ok("vslice/owner", "a b"));
	assert_false(ok("vslice/owner", "a\n\n"));
	assert_false(ok("vslice/owner", "x;rm"));
	assert_false(ok("vslice/owner", "\xc3\xa9"));
}

/* Removed attributes are known by name, and are no attribute any more. */
static void removed_names(void **state)
{
	(void)state;
	assert_true(vs_attr_removed("vslice/weight", 13));
	assert_true(vs_attr_removed("vslice/fps_cap", 14));
	assert_null(vs_attr_lookup("vslice/weight", 13));
	assert_null(vs_attr_lookup("vslice/fps_cap", 14));
	assert_false(vs_attr_removed("vslice/weight", 12));
	assert_false(vs_attr_removed("vslice/weights", 14));
	assert_false(vs_attr_removed("weight", 6));
	assert_false(vs_attr_removed("vslice/owner", 12));
	assert_false(vs_attr_removed("vslice/num_heads", 16));
}

static void resolution_values(void **state)
{
	struct vs_limits lim = lim32();
	char why[256];

	(void)state;
	assert_true(ok("vslice/max_resolution", "640x480"));
	assert_true(ok("vslice/max_resolution", "1920x1200"));
	assert_true(ok("vslice/max_resolution", "1024x768\n"));
	assert_false(ok("vslice/max_resolution", "639x480"));
	assert_false(ok("vslice/max_resolution", "640x479"));
	assert_false(ok("vslice/max_resolution", "1921x1200"));
	assert_false(ok("vslice/max_resolution", "1920x1201"));
	assert_false(ok("vslice/max_resolution", "1920X1200"));
	assert_false(ok("vslice/max_resolution", "1920x"));
	assert_false(ok("vslice/max_resolution", "x1200"));
	assert_false(ok("vslice/max_resolution", "1920x1200x"));
	assert_false(ok("vslice/max_resolution", "01920x1200"));
	assert_false(vs_attr_value_ok(vs_attr_lookup("vslice/max_resolution", 21),
				      "800x600", 7, &(struct vs_limits){ .max_width = 700,
				      .max_height = 700 }, why, sizeof(why)));
	assert_non_null(strstr(why, "700x700"));
	(void)lim;
}

static void nul_inside_values(void **state)
{
	struct vs_limits lim = lim32();
	char why[256];

	(void)state;
	assert_false(vs_attr_value_ok(vs_attr_lookup("vslice/max_resolution", 21), "640x480\0",
				      8, &lim, why, sizeof(why)));
	assert_false(vs_attr_value_ok(vs_attr_lookup("vslice/owner", 12), "a\0b", 3, &lim,
				      why, sizeof(why)));
	assert_non_null(strstr(why, "0x00"));
}

static void readonly_refused(void **state)
{
	(void)state;
	assert_false(ok("vslice/scanout", "x"));
	assert_false(ok("vslice/vram_offset", "0"));
}

static void typedesc_fields(void **state)
{
	struct vs_typedesc td;

	(void)state;
	assert_int_equal(vs_typedesc_parse(DESC, &td), 4);
	assert_int_equal(td.framebuffer_mib, 32);
	assert_int_equal(td.max_instance, 8);
	assert_int_equal(td.max_width, 1920);
	assert_int_equal(td.max_height, 1200);
	assert_int_equal(td.pci_class, 0x030000);
	/* An older driver's extra keys are skipped, the rest read the same. */
	assert_int_equal(vs_typedesc_parse(OLD_DESC, &td), 4);
	assert_int_equal(td.max_width, 1920);
	assert_int_equal(td.pci_class, 0x030000);
}

static void typedesc_malformed(void **state)
{
	struct vs_typedesc td;

	(void)state;
	assert_int_equal(vs_typedesc_parse("", &td), 0);
	assert_int_equal(vs_typedesc_parse(",,,", &td), 0);
	assert_int_equal(vs_typedesc_parse("framebuffer=32, max_instance=-1, max_resolution=1x, =5, x", &td), 0);
	assert_int_equal(vs_typedesc_parse("max_instance=99999999999", &td), 0);
	assert_int_equal(vs_typedesc_parse("  max_instance=7  ,foo=bar", &td), 1);
	assert_int_equal(td.max_instance, 7);
	/* A description without max_resolution: generic limits. */
	{
		struct vs_limits lim;

		vs_typedesc_parse("framebuffer=64M, max_instance=4", &td);
		vs_limits_from_type(&lim, &td);
		assert_false(lim.from_type);
		assert_int_equal(lim.max_width, UINT32_MAX);
		vs_typedesc_parse("framebuffer=64M, max_resolution=2560x1600", &td);
		vs_limits_from_type(&lim, &td);
		assert_true(lim.from_type);
		assert_int_equal(lim.max_width, 2560);
	}
}

static void typedesc_as_json(void **state)
{
	struct json_object *o = vs_typedesc_json(DESC), *v;

	(void)state;
	assert_true(json_object_object_get_ex(o, "framebuffer", &v));
	assert_string_equal(json_object_get_string(v), "32M");
	assert_true(json_object_object_get_ex(o, "max_instance", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int(v), 8);
	assert_true(json_object_object_get_ex(o, "class", &v));
	assert_string_equal(json_object_get_string(v), "0x030000");
	assert_true(json_object_object_get_ex(o, "max_resolution", &v));
	assert_string_equal(json_object_get_string(v), "1920x1200");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_names),
		cmocka_unit_test(owner_values),
		cmocka_unit_test(removed_names),
		cmocka_unit_test(resolution_values),
		cmocka_unit_test(nul_inside_values),
		cmocka_unit_test(readonly_refused),
		cmocka_unit_test(typedesc_fields),
		cmocka_unit_test(typedesc_malformed),
		cmocka_unit_test(typedesc_as_json),
	};

	return cmocka_run_group_tests_name("vattr", tests, NULL, NULL);
}
