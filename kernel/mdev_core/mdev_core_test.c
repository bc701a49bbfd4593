// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the vslice mdev core: UUID parsing, and parent
 * registration, create and remove against a test parent and a test bus
 * driver on a KUnit device.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/slab.h>

#include "mdev_private.h"
#include "mdev_uuid.h"

/* UUID parsing */

struct uuid_case {
	const char *desc;
	const char *in;
	size_t len;	/* 0: strlen(in) */
	int ret;
};

static const struct uuid_case uuid_cases[] = {
	{ "lower", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b", 0, 0 },
	{ "upper", "2B3E8F1C-52A6-4D6E-9F3A-1C2D3E4F5A6B", 0, 0 },
	{ "newline", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b\n", 0, 0 },
	{ "two newlines", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b\n\n", 0, -EINVAL },
	{ "space", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b ", 0, -EINVAL },
	{ "short", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6", 0, -EINVAL },
	{ "long", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b0", 0, -EINVAL },
	{ "empty", "", 0, -EINVAL },
	{ "not hex", "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6g", 0, -EINVAL },
	{ "dash moved", "2b3e8f1-c52a6-4d6e-9f3a-1c2d3e4f5a6b", 0, -EINVAL },
	{ "no dashes", "2b3e8f1c52a64d6e9f3a1c2d3e4f5a6b0000", 0, -EINVAL },
	{ "embedded NUL", "2b3e8f1c-52a6-4d6e-9f3a\0001c2d3e4f5a6b", 36, -EINVAL },
	{ "plus sign", "+b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b", 0, -EINVAL },
	{ "0x prefix", "0x3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b", 0, -EINVAL },
};

static void uuid_case_desc(const struct uuid_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(uuid, uuid_cases, uuid_case_desc);

static void mdev_uuid_parse_cases(struct kunit *test)
{
	const struct uuid_case *c = test->param_value;
	size_t len = c->len ? c->len : strlen(c->in);
	u8 out[16];

	memset(out, 0xa5, sizeof(out));
	KUNIT_EXPECT_EQ(test, mdev_uuid_parse(c->in, len, out), c->ret);
	if (c->ret) {
		/* Nothing is written on failure. */
		KUNIT_EXPECT_EQ(test, out[0], 0xa5);
		KUNIT_EXPECT_EQ(test, out[15], 0xa5);
	}
}

static void mdev_uuid_parse_bytes(struct kunit *test)
{
	static const u8 want[16] = {
		0x2b, 0x3e, 0x8f, 0x1c, 0x52, 0xa6, 0x4d, 0x6e,
		0x9f, 0x3a, 0x1c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b,
	};
	static const char *lo = "2b3e8f1c-52a6-4d6e-9f3a-1c2d3e4f5a6b";
	static const char *up = "2B3E8F1C-52A6-4D6E-9F3A-1C2D3E4F5A6B\n";
	u8 lower[16], upper[16];

	KUNIT_ASSERT_EQ(test, mdev_uuid_parse(lo, 36, lower), 0);
	KUNIT_ASSERT_EQ(test, mdev_uuid_parse(up, 37, upper), 0);
	KUNIT_EXPECT_MEMEQ(test, lower, want, sizeof(want));
	KUNIT_EXPECT_MEMEQ(test, upper, want, sizeof(want));
}

/* Registration, create and remove */

struct test_parent {
	unsigned int capacity;		/* instances the parent accepts */
	unsigned int live;		/* created, not yet removed */
	unsigned int creates;		/* calls of ->create */
	unsigned int removes;		/* calls of ->remove */
};

static unsigned int tp_get_available(struct mdev_type *type)
{
	struct test_parent *tp = mdev_parent_drvdata(type->parent);

	return tp->capacity - tp->live;
}

static int tp_create(struct mdev_device *mdev)
{
	struct test_parent *tp = mdev_parent_drvdata(mdev_parent_of(mdev));

	tp->creates++;
	if (tp->live == tp->capacity)
		return -ENOSPC;
	tp->live++;
	return 0;
}

static void tp_remove(struct mdev_device *mdev)
{
	struct test_parent *tp = mdev_parent_drvdata(mdev_parent_of(mdev));

	tp->removes++;
	tp->live--;
}

static const struct mdev_parent_ops tp_ops = {
	.owner = THIS_MODULE,
	.device_api = "kunit-test",
	.get_available = tp_get_available,
	.create = tp_create,
	.remove = tp_remove,
};

/* A parent whose devices no bus driver serves. */
static const struct mdev_parent_ops tp_orphan_ops = {
	.owner = THIS_MODULE,
	.device_api = "kunit-orphan",
	.get_available = tp_get_available,
	.create = tp_create,
	.remove = tp_remove,
};

static const struct mdev_type_desc tp_types[] = {
	{ .sysfs_name = "ta", .pretty_name = "Test A" },
	{ .sysfs_name = "tb" },
};

/* The test bus driver records what it was asked to do. */
static struct {
	int probe_ret;
	unsigned int probes;
	unsigned int removes;
	struct mdev_device *last;
} tdrv;

static bool tdrv_match(struct mdev_device *mdev)
{
	return mdev_parent_of(mdev)->ops == &tp_ops;
}

static int tdrv_probe(struct mdev_device *mdev)
{
	if (tdrv.probe_ret)
		return tdrv.probe_ret;
	tdrv.probes++;
	tdrv.last = mdev;
	return 0;
}

static void tdrv_remove(struct mdev_device *mdev)
{
	tdrv.removes++;
}

/*
 * Devices the test driver holds now.  Counting calls would not do: a
 * kernel with DEBUG_TEST_DRIVER_REMOVE probes, removes and probes again.
 */
static unsigned int tdrv_bound(void)
{
	return tdrv.probes - tdrv.removes;
}

static struct mdev_driver test_mdev_driver = {
	.match = tdrv_match,
	.probe = tdrv_probe,
	.remove = tdrv_remove,
	.driver = {
		.name = "kunit_mdev_test",
		.owner = THIS_MODULE,
	},
};

static const u8 uuid_a[16] = { 0x11, 0x22, 0x33, 0x44, 1 };
static const u8 uuid_b[16] = { 0x11, 0x22, 0x33, 0x44, 2 };
static const u8 uuid_c[16] = { 0x11, 0x22, 0x33, 0x44, 3 };

struct reg_ctx {
	struct device *dev;
	struct device *dev2;
	struct test_parent tp;
	struct test_parent tp2;
};

static int mdev_reg_init(struct kunit *test)
{
	static unsigned int seq;
	struct reg_ctx *ctx;
	char name[32];

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/*
	 * Names are never reused: the previous case's devices may still be
	 * in sysfs, their release delayed (DEBUG_KOBJECT_RELEASE).
	 */
	snprintf(name, sizeof(name), "vslice-mdev-test%u", seq++);
	ctx->dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->dev));
	snprintf(name, sizeof(name), "vslice-mdev-test%u", seq++);
	ctx->dev2 = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->dev2));
	tdrv.probe_ret = 0;
	tdrv.probes = 0;
	tdrv.removes = 0;
	tdrv.last = NULL;
	test->priv = ctx;
	return 0;
}

static struct mdev_parent *register_tp(struct kunit *test, struct device *dev,
				       const struct mdev_parent_ops *ops,
				       struct test_parent *tp,
				       unsigned int capacity)
{
	struct mdev_parent *parent;

	tp->capacity = capacity;
	parent = vslice_mdev_register_parent(dev, ops, tp_types,
					     ARRAY_SIZE(tp_types), tp);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(parent), "register: %ld",
			       PTR_ERR(parent));
	return parent;
}

static void mdev_register_publishes_types(struct kunit *test)
{
	struct reg_ctx *ctx = test->priv;
	struct mdev_parent *parent;

	parent = register_tp(test, ctx->dev, &tp_ops, &ctx->tp, 2);
	KUNIT_EXPECT_EQ(test, parent->nr_types, 2U);
	KUNIT_EXPECT_NOT_NULL(test, parent->types_kset);
	KUNIT_EXPECT_STREQ(test, parent->types[0]->sysfs_name, "ta");
	KUNIT_EXPECT_STREQ(test, parent->types[0]->pretty_name, "Test A");
	KUNIT_EXPECT_NULL(test, parent->types[1]->pretty_name);
	KUNIT_EXPECT_NOT_NULL(test, strstr(kobject_name(&parent->types[0]->kobj), "-ta"));
	KUNIT_EXPECT_PTR_EQ(test, parent->types[1]->parent, parent);
	vslice_mdev_unregister_parent(parent);
}

/* Registration that must fail: its errno. */
static long reg_err(struct reg_ctx *ctx, const struct mdev_parent_ops *ops,
		    const struct mdev_type_desc *types, unsigned int nr)
{
	struct mdev_parent *parent;

	parent = vslice_mdev_register_parent(ctx->dev, ops, types, nr, &ctx->tp);
	if (!IS_ERR(parent)) {
		vslice_mdev_unregister_parent(parent);
		return 0;
	}
	return PTR_ERR(parent);
}

static void mdev_register_rejects_bad_input(struct kunit *test)
{
	static const struct mdev_type_desc bad_id[] = {
		{ .sysfs_name = "ok" }, { .sysfs_name = "no/slash" },
	};
	static const struct mdev_type_desc empty_id[] = { { .sysfs_name = "" } };
	static const struct mdev_parent_ops no_create = {
		.device_api = "kunit-test", .get_available = tp_get_available,
		.remove = tp_remove,
	};
	struct reg_ctx *ctx = test->priv;
	struct mdev_parent *parent;

	KUNIT_EXPECT_EQ(test, reg_err(ctx, &tp_ops, bad_id, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, reg_err(ctx, &tp_ops, empty_id, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, reg_err(ctx, &no_create, tp_types, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, reg_err(ctx, &tp_ops, tp_types, 0), -EINVAL);

	/* A failed registration leaves nothing: the same device registers. */
	parent = register_tp(test, ctx->dev, &tp_ops, &ctx->tp, 1);
	KUNIT_EXPECT_EQ(test, reg_err(ctx, &tp_ops, tp_types, 2), -EEXIST);
	vslice_mdev_unregister_parent(parent);
}

static void mdev_create_and_remove(struct kunit *test)
{
	struct reg_ctx *ctx = test->priv;
	struct mdev_parent *parent;
	struct mdev_device *mdev;

	parent = register_tp(test, ctx->dev, &tp_ops, &ctx->tp, 2);

	KUNIT_ASSERT_EQ(test, mdev_device_create(parent->types[0], uuid_a), 0);
	mdev = tdrv.last;
	KUNIT_ASSERT_NOT_NULL(test, mdev);
	KUNIT_EXPECT_STREQ(test, dev_name(&mdev->dev), "11223344-0100-0000-0000-000000000000");
	KUNIT_EXPECT_PTR_EQ(test, mdev->dev.parent, ctx->dev);
	KUNIT_EXPECT_PTR_EQ(test, mdev->type, parent->types[0]);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&mdev->dev));
	KUNIT_EXPECT_PTR_EQ(test, mdev->dev.driver, &test_mdev_driver.driver);
	KUNIT_EXPECT_EQ(test, ctx->tp.live, 1U);

	KUNIT_EXPECT_EQ(test, tdrv_bound(), 1U);

	KUNIT_EXPECT_EQ(test, mdev_device_remove(mdev), 0);
	KUNIT_EXPECT_EQ(test, ctx->tp.live, 0U);
	KUNIT_EXPECT_EQ(test, tdrv_bound(), 0U);
	KUNIT_EXPECT_EQ(test, ctx->tp.removes, 1U);

	/* The UUID is free again at once. */
	KUNIT_EXPECT_EQ(test, mdev_device_create(parent->types[1], uuid_a), 0);
	vslice_mdev_unregister_parent(parent);
	KUNIT_EXPECT_EQ(test, tdrv_bound(), 0U);
}

static void mdev_create_errors_leave_nothing(struct kunit *test)
{
	struct reg_ctx *ctx = test->priv;
	struct mdev_parent *p1, *p2;

	p1 = register_tp(test, ctx->dev, &tp_ops, &ctx->tp, 1);
	p2 = register_tp(test, ctx->dev2, &tp_ops, &ctx->tp2, 4);

	KUNIT_ASSERT_EQ(test, mdev_device_create(p1->types[0], uuid_a), 0);

	/* Duplicate UUID, same parent and other parent: the parent is not asked. */
	KUNIT_EXPECT_EQ(test, mdev_device_create(p1->types[1], uuid_a), -EEXIST);
	KUNIT_EXPECT_EQ(test, mdev_device_create(p2->types[0], uuid_a), -EEXIST);
	KUNIT_EXPECT_EQ(test, ctx->tp.creates, 1U);
	KUNIT_EXPECT_EQ(test, ctx->tp2.creates, 0U);

	/* No room: ENOSPC, the bus driver never sees it, the UUID stays free. */
	KUNIT_EXPECT_EQ(test, mdev_device_create(p1->types[0], uuid_b), -ENOSPC);
	KUNIT_EXPECT_EQ(test, tdrv_bound(), 1U);
	KUNIT_EXPECT_EQ(test, mdev_device_create(p2->types[0], uuid_b), 0);

	/* Bus driver probe fails: the create fails and the parent undoes it. */
	tdrv.probe_ret = -EIO;
	KUNIT_EXPECT_EQ(test, mdev_device_create(p2->types[0], uuid_c), -EIO);
	KUNIT_EXPECT_EQ(test, ctx->tp2.live, 1U);
	KUNIT_EXPECT_EQ(test, ctx->tp2.removes, 1U);
	tdrv.probe_ret = 0;
	KUNIT_EXPECT_EQ(test, mdev_device_create(p2->types[0], uuid_c), 0);

	/* Unregistering a parent removes its instances first. */
	vslice_mdev_unregister_parent(p2);
	KUNIT_EXPECT_EQ(test, ctx->tp2.live, 0U);
	KUNIT_EXPECT_EQ(test, mdev_device_create(p1->types[0], uuid_b), -ENOSPC);
	vslice_mdev_unregister_parent(p1);
	KUNIT_EXPECT_EQ(test, ctx->tp.live, 0U);
	KUNIT_EXPECT_EQ(test, tdrv_bound(), 0U);
}

static void mdev_create_without_bus_driver(struct kunit *test)
{
	struct reg_ctx *ctx = test->priv;
	struct mdev_parent *parent;

	parent = register_tp(test, ctx->dev, &tp_orphan_ops, &ctx->tp, 2);
	KUNIT_EXPECT_EQ(test, mdev_device_create(parent->types[0], uuid_a), -ENODEV);
	KUNIT_EXPECT_EQ(test, ctx->tp.live, 0U);
	KUNIT_EXPECT_EQ(test, ctx->tp.creates, ctx->tp.removes);
	vslice_mdev_unregister_parent(parent);
}

static struct kunit_case mdev_uuid_cases[] = {
	KUNIT_CASE_PARAM(mdev_uuid_parse_cases, uuid_gen_params),
	KUNIT_CASE(mdev_uuid_parse_bytes),
	{}
};

static struct kunit_suite mdev_uuid_suite = {
	.name = "vslice_mdev_uuid",
	.test_cases = mdev_uuid_cases,
};

static struct kunit_case mdev_core_cases[] = {
	KUNIT_CASE(mdev_register_publishes_types),
	KUNIT_CASE(mdev_register_rejects_bad_input),
	KUNIT_CASE(mdev_create_and_remove),
	KUNIT_CASE(mdev_create_errors_leave_nothing),
	KUNIT_CASE(mdev_create_without_bus_driver),
	{}
};

/*
 * The test bus driver is registered once for the suite: a driver name
 * cannot be registered again until the previous registration's kobject
 * is released, which DEBUG_KOBJECT_RELEASE delays.
 */
static int mdev_core_suite_init(struct kunit_suite *suite)
{
	return vslice_mdev_register_driver(&test_mdev_driver);
}

static void mdev_core_suite_exit(struct kunit_suite *suite)
{
	vslice_mdev_unregister_driver(&test_mdev_driver);
}

static struct kunit_suite mdev_core_suite = {
	.name = "vslice_mdev_core",
	.suite_init = mdev_core_suite_init,
	.suite_exit = mdev_core_suite_exit,
	.init = mdev_reg_init,
	.test_cases = mdev_core_cases,
};

kunit_test_suites(&mdev_uuid_suite, &mdev_core_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vslice mdev core");
/* MODULE_IMPORT_NS() spelled so that it means the same before and after 6.13. */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
