// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the per-instance attribute parsers.
 */
#include <kunit/test.h>

#include "vgpu_attr_parse.h"

/* The parsers take the bytes of a write, not a C string. */
static int own(const char *s, char *out)
{
	return vgpu_parse_owner(s, strlen(s), out);
}

static int res(const char *s, u32 *w, u32 *h)
{
	return vgpu_parse_resolution(s, strlen(s), 1920, 1200, w, h);
}

static void attr_owner(struct kunit *test)
{
	char owner[VGPU_OWNER_LEN] = "kept";
	char longest[VGPU_OWNER_LEN];

	KUNIT_EXPECT_EQ(test, own("nova:1f2e-3d@host_a.b/c\n", owner), 0);
	KUNIT_EXPECT_STREQ(test, owner, "nova:1f2e-3d@host_a.b/c");
	KUNIT_EXPECT_EQ(test, own("\n", owner), 0);
	KUNIT_EXPECT_STREQ(test, owner, "");

	memset(longest, 'a', sizeof(longest));
	strscpy(owner, "kept", sizeof(owner));
	KUNIT_EXPECT_EQ(test, vgpu_parse_owner(longest, VGPU_OWNER_LEN - 1, owner), 0);
	KUNIT_EXPECT_EQ(test, strlen(owner), (size_t)VGPU_OWNER_LEN - 1);

	strscpy(owner, "kept", sizeof(owner));
	KUNIT_EXPECT_EQ(test, vgpu_parse_owner(longest, VGPU_OWNER_LEN, owner), -EINVAL);
	KUNIT_EXPECT_EQ(test, own("two words", owner), -EINVAL);
	KUNIT_EXPECT_EQ(test, own("quote\"", owner), -EINVAL);
	KUNIT_EXPECT_EQ(test, own("a\n\n", owner), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_parse_owner("a\0b", 3, owner), -EINVAL);
	KUNIT_EXPECT_EQ(test, own("caf\xc3\xa9", owner), -EINVAL);
	KUNIT_EXPECT_STREQ(test, owner, "kept");
}

/* The decimal numbers of a resolution: no sign, no leading zero, 32 bits. */
static void attr_resolution_numbers(struct kunit *test)
{
	u32 w = 1, h = 2;

	KUNIT_EXPECT_EQ(test, vgpu_parse_resolution("4294967295x4294967295", 21,
						    U32_MAX, U32_MAX, &w, &h), 0);
	KUNIT_EXPECT_EQ(test, w, U32_MAX);
	KUNIT_EXPECT_EQ(test, h, U32_MAX);

	w = 1;
	h = 2;
	KUNIT_EXPECT_EQ(test, vgpu_parse_resolution("4294967296x480", 14,
						    U32_MAX, U32_MAX, &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_parse_resolution("640x99999999999", 15,
						    U32_MAX, U32_MAX, &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("0640x480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("640x0480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("+640x480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("-640x480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("640 x480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("640x480 ", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("640x480\n\n", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("0x280x0x1e0", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("\n", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu_parse_resolution("640x480\0", 8, 1920, 1200, &w, &h),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, w, 1U);
	KUNIT_EXPECT_EQ(test, h, 2U);
}

static void attr_resolution(struct kunit *test)
{
	u32 w = 1, h = 2;

	KUNIT_EXPECT_EQ(test, res("1920x1080\n", &w, &h), 0);
	KUNIT_EXPECT_EQ(test, w, 1920U);
	KUNIT_EXPECT_EQ(test, h, 1080U);
	KUNIT_EXPECT_EQ(test, res("640x480", &w, &h), 0);

	w = 1;
	h = 2;
	KUNIT_EXPECT_EQ(test, res("1921x1080", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("1920x1201", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("639x480", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("640x479", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("1920X1080", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("1920x", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("x1080", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, res("1920x1080x32", &w, &h),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, res("1920", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, w, 1U);
	KUNIT_EXPECT_EQ(test, h, 2U);
}

static struct kunit_case vgpu_attr_cases[] = {
	KUNIT_CASE(attr_owner),
	KUNIT_CASE(attr_resolution_numbers),
	KUNIT_CASE(attr_resolution),
	{}
};

static struct kunit_suite vgpu_attr_suite = {
	.name = "vslice_vgpu_attr",
	.test_cases = vgpu_attr_cases,
};

kunit_test_suite(vgpu_attr_suite);
