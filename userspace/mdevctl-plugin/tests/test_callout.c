// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the callout's events and actions against a fake sysfs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "callout.h"
#include "fakesys.h"
#include "util.h"

#define GPU0 "0000:00:04.0"
#define GPU_UNBOUND "0000:00:06.0"
#define U1 "8c2c3a4e-5b1d-4c8e-9f00-0123456789ab"
#define U_NEW "11111111-2222-4333-8444-555555555555"

struct run {
	int rc;
	char *out, *err, *log;
	size_t outlen, errlen, loglen;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	free(r->log);
}

/*
 * Run the callout as mdevctl would.  input NULL: nothing written, the
 * pipe closed; keep_open: the pipe is never closed (a hung writer).
 */
static int call(const char *root, const char *input, bool keep_open,
		struct run *r, const char *type, const char *event,
		const char *action, const char *uuid, const char *parent)
{
	const char *argv[] = { "vslice", "-t", type, "-e", event, "-a", action,
			       "-s", "none", "-u", uuid, "-p", parent, NULL };
	struct vs_callout_args a;
	struct vs_callout_env env = { .root = root, .timeout_ms = 2000 };
	int fds[2];
	pid_t writer = -1;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe(fds), 0);
	if (input && strlen(input) < 60000) {
		assert_int_equal(write(fds[1], input, strlen(input)), (ssize_t)strlen(input));
	} else if (input) {
		writer = fork();
		if (!writer) {
			ssize_t ignored = write(fds[1], input, strlen(input));

			(void)ignored;
			_exit(0);
		}
	}
	if (!keep_open)
		close(fds[1]);
	else
		env.timeout_ms = 300;
	env.in_fd = fds[0];
	env.out = open_memstream(&r->out, &r->outlen);
	env.err = open_memstream(&r->err, &r->errlen);
	env.log = open_memstream(&r->log, &r->loglen);
	assert_int_equal(vs_callout_parse_args(13, (char **)argv, &a, env.err), 0);
	r->rc = vs_callout_run(&a, &env);
	fclose(env.out);
	fclose(env.err);
	fclose(env.log);
	close(fds[0]);
	if (keep_open)
		close(fds[1]);
	if (writer > 0)
		waitpid(writer, NULL, 0);
	return r->rc;
}

static int setup(void **state)
{
	char *root = fake_new();

	fake_gpu(root, GPU0, 0x1234, 0x1111, 256, true);
	fake_type(root, GPU0, "s32", 32, 8, 1920, 1200, 7);
	fake_type(root, GPU0, "s64", 64, 4, 2560, 1600, 3);
	fake_type(root, GPU0, "s256", 256, 1, 2560, 1600, 0);
	fake_inst(root, GPU0, "vslice-s32", U1, 12, 32);
	fake_gpu(root, GPU_UNBOUND, 0x1234, 0x1111, 128, false);
	fake_module(root, 0);
	*state = root;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

#define CONF(attrs) "{\"mdev_type\":\"vslice-s32\",\"start\":\"auto\",\"attrs\":[" attrs "]}"
#define ATTR_FILE(name) "sys/devices/pci0000:00/" GPU0 "/" U1 "/vslice/" name

/*
 * Not vslice's: a type that is not vslice-* on a parent that is not a GPU
 * bound to vslice (another driver's, absent, or not PCI at all).
 */
static void not_ours_exits_2(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{}", false, &r, "nvidia-35", "pre", "define", U1,
			      GPU_UNBOUND), VS_CALLOUT_NOT_OURS);
	assert_int_equal(r.errlen, 0);
	run_free(&r);
	assert_int_equal(call(*state, NULL, false, &r, "vslice-", "get", "attributes", U1,
			      "0000:00:1f.7"), VS_CALLOUT_NOT_OURS);
	run_free(&r);
	assert_int_equal(call(*state, "{}", false, &r, "mtty-2", "get", "capabilities", U1, "mtty"),
			 VS_CALLOUT_NOT_OURS);
	assert_int_equal(r.outlen, 0);
	run_free(&r);
	/* A parent bound to another driver, even with vslice's sysfs look. */
	fake_link(*state, "sys/devices/pci0000:00/" GPU_UNBOUND "/driver",
		  "../../../bus/pci/drivers/nvidia");
	assert_int_equal(call(*state, "{\"mdev_type\":\"nvidia-35\"}", false, &r, "nvidia-35",
			      "pre", "start", U1, GPU_UNBOUND), VS_CALLOUT_NOT_OURS);
	run_free(&r);
}

/*
 * Any type on a GPU bound to vslice is judged: a type the GPU does not
 * publish is refused at define, start, modify and live modify, and in
 * the "get attributes" that define of a running device asks first, each
 * time with the GPU's real types.
 */
static void foreign_type_on_vslice_gpu(void **state)
{
	static const char conf[] = "{\"mdev_type\":\"nvidia-35\",\"start\":\"auto\",\"attrs\":[]}";
	static const char *const acts[] = { "define", "start", "modify" };
	static const char real[] = GPU0 " publishes no type nvidia-35; it has: vslice-s256, vslice-s32, vslice-s64";
	struct run r;
	size_t i;

	for (i = 0; i < VS_ARRAY_SIZE(acts); i++) {
		assert_int_equal(call(*state, conf, false, &r, "nvidia-35", "pre", acts[i], U_NEW,
				      GPU0), VS_CALLOUT_REFUSED);
		assert_non_null(strstr(r.err, real));
		assert_non_null(strstr(r.err, "refusing to "));
		run_free(&r);
	}
	/* mdevctl define -u U1 -p GPU0 -t nvidia-35 while U1 runs. */
	assert_int_equal(call(*state, NULL, false, &r, "nvidia-35", "get", "attributes", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_string_equal(r.err, "cannot get attributes of " U1 ": " GPU0
			    " publishes no type nvidia-35; it has: vslice-s256, vslice-s32, vslice-s64\n");
	assert_int_equal(r.outlen, 0);
	run_free(&r);
	/* ...and with a real type, but not the one it runs as. */
	assert_int_equal(call(*state, NULL, false, &r, "vslice-s64", "get", "attributes", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, U1 " runs as a vslice-s32 on " GPU0 ", not as a vslice-s64 on " GPU0));
	run_free(&r);
	assert_int_equal(call(*state, conf, false, &r, "nvidia-35", "live", "modify", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, real));
	run_free(&r);
	/* mdevctl 1.3+ asks first: the answer makes it use this callout. */
	assert_int_equal(call(*state, "{\"provides\":{\"version\":2}}", false, &r, "nvidia-35",
			      "get", "capabilities", U_NEW, GPU0), 0);
	assert_non_null(strstr(r.out, "{\"supports\":{\"version\":2,"));
	run_free(&r);
	/* A definition stored before this can still be stopped and undefined. */
	assert_int_equal(call(*state, conf, false, &r, "nvidia-35", "pre", "undefine", U_NEW, GPU0),
			 0);
	run_free(&r);
	assert_int_equal(call(*state, conf, false, &r, "nvidia-35", "pre", "stop", U_NEW, GPU0), 0);
	run_free(&r);
	assert_int_equal(call(*state, conf, false, &r, "nvidia-35", "post", "define", U_NEW, GPU0),
			 0);
	run_free(&r);
}

/* Bound to vslice but not registered: no type list, but not vslice-*. */
static void foreign_type_on_unregistered_vslice_gpu(void **state)
{
	char path[4096];
	struct run r;

	fake_gpu(*state, "0000:00:07.0", 0x1234, 0x1111, 64, true);
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:07.0/mdev_supported_types",
		 (char *)*state);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(call(*state, "{\"mdev_type\":\"i915-GVTg_V5_4\"}", false, &r,
			      "i915-GVTg_V5_4", "pre", "define", U_NEW, "0000:00:07.0"),
			 VS_CALLOUT_REFUSED);
	assert_string_equal(r.err, "refusing to define " U_NEW ": 0000:00:07.0 publishes no type i915-GVTg_V5_4: the vslice driver's types are all named vslice-*, and 0000:00:07.0 has none registered now\n");
	run_free(&r);
	/* A vslice type there: allowed with a warning, as before. */
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\"}", false, &r, "vslice-s32",
			      "pre", "define", U_NEW, "0000:00:07.0"), 0);
	assert_non_null(strstr(r.err, "warning: 0000:00:07.0 is not registered"));
	run_free(&r);
}

static void pre_define_ok(void **state)
{
	struct run r;

	assert_int_equal(call(*state, CONF("{\"vslice/max_resolution\":\"1920x1200\"},"
					   "{\"vslice/owner\":\"nova:vm-1\"}"),
			      false, &r, "vslice-s32", "pre", "define", U_NEW, GPU0), 0);
	assert_int_equal(r.errlen, 0);
	run_free(&r);
	/* No attributes at all. */
	assert_int_equal(call(*state, CONF(""), false, &r, "vslice-s32", "pre", "modify", U_NEW,
			      GPU0), 0);
	run_free(&r);
}

static void pre_define_one_line_per_problem(void **state)
{
	struct run r;

	assert_int_equal(call(*state, CONF("{\"vslice/max_resolution\":\"2560x1600\"},"
					   "{\"vslice/owner\":\"a b\"},{\"vslice/scanout\":\"x\"},"
					   "{\"remove\":\"1\"}"),
			      false, &r, "vslice-s32", "pre", "define", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "4 problems:\n"));
	assert_non_null(strstr(r.err, "\n  vslice/max_resolution = \"2560x1600\" is out of range; it takes 640x480 to 1920x1200, the type's max_resolution\n"));
	assert_non_null(strstr(r.err, "vslice/owner = \"a b\" has a space at position 2"));
	assert_non_null(strstr(r.err, "attribute vslice/scanout is read-only"));
	assert_non_null(strstr(r.err, "attribute \"remove\" is not a vslice attribute"));
	run_free(&r);
	/* The s64 type has other limits. */
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s64\",\"attrs\":[{\"vslice/max_resolution\":\"2560x1600\"}]}",
			      false, &r, "vslice-s64", "pre", "define", U_NEW, GPU0), 0);
	run_free(&r);
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s64\",\"attrs\":[{\"vslice/max_resolution\":\"2561x1600\"}]}",
			      false, &r, "vslice-s64", "pre", "define", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "it takes 640x480 to 2560x1600, the type's max_resolution"));
	run_free(&r);
}

/*
 * A definition written before vslice/weight and vslice/fps_cap were
 * removed: start refuses it by name, with the mdevctl command that
 * deletes each one (indexes as they are once the earlier removed ones are
 * gone), and define refuses a new one that has them; modify and live
 * modify, the way to delete them, only warn.
 */
static void removed_attributes(void **state)
{
	static const char conf[] = CONF("{\"vslice/owner\":\"vm-1\"},{\"vslice/weight\":\"250\"},"
					"{\"vslice/fps_cap\":\"30\"}");
	struct run r;

	assert_int_equal(call(*state, conf, false, &r, "vslice-s32", "pre", "start", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "2 problems:\n"));
	assert_non_null(strstr(r.err, "\n  vslice/weight is no longer a vslice attribute (no part of the vGPU ever acted on it); delete it from the definition: mdevctl modify -u " U_NEW " --delattr --index=1\n"));
	assert_non_null(strstr(r.err, "\n  vslice/fps_cap is no longer a vslice attribute (no part of the vGPU ever acted on it); delete it from the definition: mdevctl modify -u " U_NEW " --delattr --index=1\n"));
	run_free(&r);
	/* A new definition has nothing stored to modify: leave them out. */
	assert_int_equal(call(*state, conf, false, &r, "vslice-s32", "pre", "define", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "2 problems:\n"));
	assert_non_null(strstr(r.err, "\n  vslice/weight is no longer a vslice attribute (no part of the vGPU ever acted on it); leave it out\n"));
	assert_non_null(strstr(r.err, "\n  vslice/fps_cap is no longer a vslice attribute (no part of the vGPU ever acted on it); leave it out\n"));
	run_free(&r);
	assert_int_equal(call(*state, conf, false, &r, "vslice-s32", "pre", "modify", U_NEW, GPU0),
			 0);
	assert_non_null(strstr(r.err, "warning: vslice/weight is no longer a vslice attribute (no part of the vGPU ever acted on it) and a start will refuse it; delete it from the definition: mdevctl modify -u " U_NEW " --delattr --index=1\n"));
	assert_non_null(strstr(r.err, "warning: vslice/fps_cap is no longer"));
	run_free(&r);
	/* live modify applies the rest and writes nothing for them. */
	assert_int_equal(call(*state, conf, false, &r, "vslice-s32", "live", "modify", U1, GPU0), 0);
	assert_string_equal(fake_read(*state, ATTR_FILE("owner")), "vm-1");
	assert_non_null(strstr(r.err, "warning: vslice/weight is no longer"));
	assert_null(strstr(r.log, "weight ="));
	run_free(&r);
	/* Only the exact names: a look-alike is just not an attribute. */
	assert_int_equal(call(*state, CONF("{\"vslice/weights\":\"1\"}"), false, &r, "vslice-s32",
			      "pre", "modify", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "attribute \"vslice/weights\" is not a vslice attribute; the settable ones are vslice/owner, vslice/max_resolution"));
	run_free(&r);
}

static void pre_modify_bad_json(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{\"attrs\": 1}", false, &r, "vslice-s32", "pre", "modify",
			      U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_string_equal(r.err, "refusing to modify " U_NEW
			    ": \"attrs\" must be an array of {\"name\": \"value\"} objects, not a number\n");
	run_free(&r);
	assert_int_equal(call(*state, "not json", false, &r, "vslice-s32", "pre", "start", U_NEW,
			      GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "not valid JSON"));
	run_free(&r);
	assert_int_equal(call(*state, "", false, &r, "vslice-s32", "pre", "define", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "the input is empty"));
	run_free(&r);
}

static void type_mismatch(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s64\"}", false, &r, "vslice-s32",
			      "pre", "define", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "mdev_type \"vslice-s64\" is not -t vslice-s32"));
	run_free(&r);
}

static void type_not_published(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s999\"}", false, &r, "vslice-s999",
			      "pre", "define", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, GPU0 " publishes no type vslice-s999; it has: vslice-s256, vslice-s32, vslice-s64"));
	run_free(&r);
}

static void unregistered_parent(void **state)
{
	struct run r;

	/* define: allowed, checked against generic bounds, with a warning. */
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\",\"attrs\":[{\"vslice/max_resolution\":\"7680x4320\"}]}",
			      false, &r, "vslice-s32", "pre", "define", U_NEW, GPU_UNBOUND), 0);
	assert_non_null(strstr(r.err, "warning: " GPU_UNBOUND " is not registered"));
	run_free(&r);
	/* ...but what no type allows is refused anyway. */
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\",\"attrs\":[{\"vslice/max_resolution\":\"639x480\"}]}",
			      false, &r, "vslice-s32", "pre", "define", U_NEW, GPU_UNBOUND),
			 VS_CALLOUT_REFUSED);
	run_free(&r);
	/* start needs the GPU. */
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\"}", false, &r, "vslice-s32",
			      "pre", "start", U_NEW, GPU_UNBOUND), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "is not registered as a vslice GPU (is vslice_gpu loaded"));
	run_free(&r);
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\"}", false, &r, "vslice-s32",
			      "pre", "define", U_NEW, "0000:00:1f.7"), 0);
	assert_non_null(strstr(r.err, "warning: there is no PCI device 0000:00:1f.7"));
	run_free(&r);
}

static void pre_start_no_room(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s256\"}", false, &r, "vslice-s256",
			      "pre", "start", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "has no room for a vslice-s256: available_instances is 0 (placement mixed; in use: 1 x vslice-s32)"));
	run_free(&r);
	assert_int_equal(call(*state, "{\"mdev_type\":\"vslice-s32\"}", false, &r, "vslice-s32",
			      "pre", "start", U_NEW, GPU0), 0);
	run_free(&r);
}

static void get_attributes(void **state)
{
	struct run r;

	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "attributes", U1,
			      GPU0), 0);
	/* The default (empty) owner is left out: nothing to write back. */
	assert_string_equal(r.out, "[{\"vslice/max_resolution\":\"1920x1200\"}]\n");
	run_free(&r);
	fake_write(*state, "sys/devices/pci0000:00/" GPU0 "/" U1 "/vslice/owner", "vm-7\n");
	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "attributes", U1,
			      GPU0), 0);
	assert_non_null(strstr(r.out, "[{\"vslice/owner\":\"vm-7\"},"));
	run_free(&r);
	/* Upper-case UUIDs name the same device. */
	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "attributes",
			      "8C2C3A4E-5B1D-4C8E-9F00-0123456789AB", GPU0), 0);
	run_free(&r);
}

static void get_attributes_of_nothing(void **state)
{
	struct run r;

	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "attributes", U_NEW,
			      GPU0), VS_CALLOUT_REFUSED);
	assert_int_equal(r.outlen, 0);
	assert_non_null(strstr(r.err, "cannot get attributes of " U_NEW ": no running mdev"));
	run_free(&r);
	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "attributes", "x",
			      GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "-u needs a UUID"));
	run_free(&r);
}

static void get_capabilities(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{\"provides\":{\"version\":2,\"actions\":[],\"events\":[]}}",
			      false, &r, "vslice-s32", "get", "capabilities", U_NEW, GPU0), 0);
	assert_non_null(strstr(r.out, "{\"supports\":{\"version\":2,"));
	run_free(&r);
	assert_int_equal(call(*state, "{\"provides\":7}", false, &r, "vslice-s32", "get",
			      "capabilities", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_int_equal(r.outlen, 0);
	run_free(&r);
}

static void live_modify_applies(void **state)
{
	struct run r;

	assert_int_equal(call(*state, CONF("{\"vslice/owner\":\"vm-2\"}"),
			      false, &r, "vslice-s32", "live", "modify", U1, GPU0), 0);
	assert_string_equal(fake_read(*state, ATTR_FILE("owner")), "vm-2");
	assert_non_null(strstr(r.log, "live: " U1 " vslice/owner = vm-2"));
	run_free(&r);
	/* A closed device takes a new max_resolution too. */
	assert_int_equal(call(*state, CONF("{\"vslice/max_resolution\":\"1024x768\"}"), false, &r,
			      "vslice-s32", "live", "modify", U1, GPU0), 0);
	assert_string_equal(fake_read(*state, ATTR_FILE("max_resolution")), "1024x768");
	run_free(&r);
}

static void live_modify_refuses_while_open(void **state)
{
	struct run r;

	fake_module(*state, 1);
	fake_holder(*state, 4242, "qemu-system-x86", "/dev/vfio/12");
	assert_int_equal(call(*state, CONF("{\"vslice/owner\":\"vm-5\"},"
					   "{\"vslice/max_resolution\":\"800x600\"}"),
			      false, &r, "vslice-s32", "live", "modify", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "vslice/max_resolution cannot change while pid 4242 (qemu-system-x86) has the device open"));
	/* Nothing changed, not even the live-changeable owner. */
	assert_string_equal(fake_read(*state, ATTR_FILE("owner")), "\n");
	assert_string_equal(fake_read(*state, ATTR_FILE("max_resolution")), "1920x1200\n");
	run_free(&r);
	/* The same max_resolution is no change: owner applies. */
	assert_int_equal(call(*state, CONF("{\"vslice/owner\":\"vm-5\"},"
					   "{\"vslice/max_resolution\":\"1920x1200\"}"),
			      false, &r, "vslice-s32", "live", "modify", U1, GPU0), 0);
	assert_string_equal(fake_read(*state, ATTR_FILE("owner")), "vm-5");
	run_free(&r);
}

static void live_modify_refuses_readonly(void **state)
{
	struct run r;

	assert_int_equal(call(*state, CONF("{\"vslice/vram_size\":\"1\"}"), false, &r,
			      "vslice-s32", "live", "modify", U1, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "refusing to live-modify " U1 ": attribute vslice/vram_size is read-only"));
	run_free(&r);
	/* A device that is not running. */
	assert_int_equal(call(*state, CONF("{\"vslice/owner\":\"x\"}"), false, &r, "vslice-s32",
			      "live", "modify", U_NEW, GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "is not running as a vslice-s32 on " GPU0));
	run_free(&r);
	assert_int_equal(call(*state, CONF(""), false, &r, "vslice-s32", "live", "start", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	run_free(&r);
}

static void live_modify_write_failure(void **state)
{
	char path[4096];
	struct run r;

	/* A directory where the attribute should be: its write fails. */
	snprintf(path, sizeof(path), "%s/" ATTR_FILE("owner"), (char *)*state);
	assert_int_equal(unlink(path), 0);
	fake_write(*state, ATTR_FILE("owner/x"), "");
	assert_int_equal(call(*state, CONF("{\"vslice/max_resolution\":\"1024x768\"},"
					   "{\"vslice/owner\":\"vm-9\"}"),
			      false, &r, "vslice-s32", "live", "modify", U1, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "writing vslice/owner: "));
	assert_non_null(strstr(r.err, "1 attribute(s) before it were applied"));
	run_free(&r);
}

static void pre_stop_warns_when_open(void **state)
{
	struct run r;

	fake_module(*state, 1);
	fake_holder(*state, 77, "qemu-kvm", "/dev/vfio/12");
	assert_int_equal(call(*state, CONF(""), false, &r, "vslice-s32", "pre", "stop", U1, GPU0), 0);
	assert_non_null(strstr(r.err, "warning: " U1 " is open by pid 77 (qemu-kvm)"));
	run_free(&r);
	/* The module says nothing is open: no warning, whatever /proc says. */
	fake_module(*state, 0);
	assert_int_equal(call(*state, CONF(""), false, &r, "vslice-s32", "pre", "stop", U1, GPU0), 0);
	assert_int_equal(r.errlen, 0);
	run_free(&r);
}

static void post_and_notify_never_fail(void **state)
{
	static const char *const inputs[] = { "", "garbage", "{\"attrs\":1}", CONF("") };
	struct run r;
	size_t i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(call(*state, inputs[i], false, &r, "vslice-s32", "post", "start",
				      U1, GPU0), 0);
		assert_int_equal(r.errlen, 0);
		assert_non_null(strstr(r.log, "post start: " U1));
		run_free(&r);
		assert_int_equal(call(*state, inputs[i], false, &r, "vslice-s32", "notify",
				      "define", U1, GPU0), 0);
		run_free(&r);
	}
	/* A writer that never closes stdin: post still returns. */
	assert_int_equal(call(*state, "{", true, &r, "vslice-s32", "post", "stop", U1, GPU0), 0);
	run_free(&r);
}

static void stdin_never_closed(void **state)
{
	struct run r;

	assert_int_equal(call(*state, CONF(""), true, &r, "vslice-s32", "pre", "define", U_NEW,
			      GPU0), VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "no end of input on stdin"));
	run_free(&r);
}

static void stdin_too_large(void **state)
{
	size_t n = 3 * 1024 * 1024;
	char *big = malloc(n + 1);
	struct run r;

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	assert_int_equal(call(*state, big, false, &r, "vslice-s32", "pre", "define", U_NEW, GPU0),
			 VS_CALLOUT_REFUSED);
	assert_non_null(strstr(r.err, "the input is larger than 1048576 bytes"));
	run_free(&r);
	free(big);
}

static void unknown_events_and_actions(void **state)
{
	struct run r;

	assert_int_equal(call(*state, "{}", false, &r, "vslice-s32", "pre", "undefine", U1, GPU0), 0);
	run_free(&r);
	assert_int_equal(call(*state, "{}", false, &r, "vslice-s32", "pre", "teleport", U1, GPU0), 0);
	run_free(&r);
	assert_int_equal(call(*state, "{}", false, &r, "vslice-s32", "later", "start", U1, GPU0), 0);
	run_free(&r);
	assert_int_equal(call(*state, NULL, false, &r, "vslice-s32", "get", "colour", U1, GPU0), 0);
	assert_int_equal(r.outlen, 0);
	run_free(&r);
}

static void argument_parsing(void **state)
{
	const char *bad1[] = { "vslice", "-t", NULL };
	const char *bad2[] = { "vslice", "-t", "vslice-s16", "-x", NULL };
	const char *bad3[] = { "vslice", "-t", "vslice-s16", "extra", NULL };
	const char *help[] = { "vslice", "--help", NULL };
	struct vs_callout_args a;
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	assert_int_equal(vs_callout_parse_args(2, (char **)bad1, &a, null), -1);
	assert_int_equal(vs_callout_parse_args(4, (char **)bad2, &a, null), -1);
	assert_string_equal(a.type, "vslice-s16");
	assert_int_equal(vs_callout_parse_args(4, (char **)bad3, &a, null), -1);
	assert_int_equal(vs_callout_parse_args(2, (char **)help, &a, null), 0);
	assert_true(a.help);
	fclose(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(not_ours_exits_2),
		T(foreign_type_on_vslice_gpu),
		T(foreign_type_on_unregistered_vslice_gpu),
		T(pre_define_ok),
		T(pre_define_one_line_per_problem),
		T(removed_attributes),
		T(pre_modify_bad_json),
		T(type_mismatch),
		T(type_not_published),
		T(unregistered_parent),
		T(pre_start_no_room),
		T(get_attributes),
		T(get_attributes_of_nothing),
		T(get_capabilities),
		T(live_modify_applies),
		T(live_modify_refuses_while_open),
		T(live_modify_refuses_readonly),
		T(live_modify_write_failure),
		T(pre_stop_warns_when_open),
		T(post_and_notify_never_fail),
		T(stdin_never_closed),
		T(stdin_too_large),
		T(unknown_events_and_actions),
		T(argument_parsing),
#undef T
	};

	return cmocka_run_group_tests_name("callout", tests, NULL, NULL);
}
