// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: vslicectl's commands against a fake sysfs, and assign /
 * unassign against libvirt's test driver (test:///default).
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
#include <libvirt/libvirt.h>

#include "fakesys.h"
#include "holders.h"
#include "tool.h"
#include "virt.h"

#define GPU0 "0000:00:04.0"
#define GPU1 "0000:00:05.0"
#define U1 "8c2c3a4e-5b1d-4c8e-9f00-0123456789ab"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
/* A URI no libvirt driver takes: libvirt "absent". */
#define NO_LIBVIRT "--connect=vslice-none:///"

struct out {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
	struct json_object *json;
};

static void out_free(struct out *o)
{
	free(o->out);
	free(o->err);
	json_object_put(o->json);
}

/* vslicectl ARGS... --root ROOT; with --json, the output parsed. */
static int tool(const char *root, struct out *o, ...)
{
	char *argv[32], rootopt[4200];
	int argc = 0;
	bool json = false;
	const char *arg;
	FILE *out, *err;
	va_list ap;

	memset(o, 0, sizeof(*o));
	argv[argc++] = (char *)"vslicectl";
	snprintf(rootopt, sizeof(rootopt), "--root=%s", root);
	argv[argc++] = rootopt;
	va_start(ap, o);
	while ((arg = va_arg(ap, const char *)) && argc < 31) {
		argv[argc++] = (char *)arg;
		if (!strcmp(arg, "--json"))
			json = true;
	}
	va_end(ap);
	argv[argc] = NULL;
	out = open_memstream(&o->out, &o->outlen);
	err = open_memstream(&o->err, &o->errlen);
	o->rc = vs_tool_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	if (json) {
		o->json = json_tokener_parse(o->out);
		if (!o->json)
			fail_msg("not JSON: %s", o->out);
	}
	return o->rc;
}

/* o->json["key"][index]["field"] as a string. */
static const char *jget(struct json_object *j, const char *path)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(j, json_type_array))
			j = json_object_array_get_idx(j, (size_t)atoi(tok));
		else if (!json_object_object_get_ex(j, tok, &j))
			return NULL;
	}
	return j ? json_object_get_string(j) : NULL;
}

static int setup(void **state)
{
	char *root = fake_new();

	fake_gpu(root, GPU0, 0x1234, 0x1111, 256, true);
	fake_type(root, GPU0, "s32", 32, 8, 1920, 1200, 6);
	fake_type(root, GPU0, "s64", 64, 4, 2560, 1600, 2);
	fake_type(root, GPU0, "s256", 256, 1, 2560, 1600, 0);
	fake_inst(root, GPU0, "vslice-s32", U1, 12, 32);
	fake_inst(root, GPU0, "vslice-s64", U2, 13, 64);
	fake_gpu(root, GPU1, 0x10de, 0x2235, 128, true);
	fake_type(root, GPU1, "s16", 16, 8, 1280, 1024, 8);
	fake_gpu(root, "0000:00:06.0", 0x1234, 0x1111, 64, false);
	fake_module(root, 0);
	*state = root;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/*
 * Also the test driver's vm-* domains: a test that failed half-way has
 * left its connection open, and with it test:///default's state.
 */
static int teardown_vms(void **state)
{
	virConnectPtr conn = virConnectOpen("test:///default");
	virDomainPtr *doms = NULL;
	int i, n;

	if (conn) {
		n = virConnectListAllDomains(conn, &doms, 0);
		for (i = 0; i < n; i++) {
			if (!strncmp(virDomainGetName(doms[i]), "vm-", 3)) {
				if (virDomainIsActive(doms[i]) == 1)
					virDomainDestroy(doms[i]);
				if (virDomainIsPersistent(doms[i]) == 1)
					virDomainUndefine(doms[i]);
			}
			virDomainFree(doms[i]);
		}
		free(doms);
		virConnectClose(conn);
	}
	return teardown(state);
}

static void parents(void **state)
{
	struct out o;

	assert_int_equal(tool(*state, &o, "parents", "--json", NULL), VS_EXIT_OK);
	assert_int_equal(json_object_array_length(json_object_object_get(o.json, "parents")), 2);
	assert_string_equal(jget(o.json, "parents.0.parent"), GPU0);
	assert_string_equal(jget(o.json, "parents.0.vendor_id"), "1234");
	assert_string_equal(jget(o.json, "parents.0.vram_bytes.total"), "268435456");
	assert_string_equal(jget(o.json, "parents.0.vram_bytes.used"), "100663296");
	assert_string_equal(jget(o.json, "parents.0.instances"), "2");
	assert_string_equal(jget(o.json, "parents.0.types"), "3");
	assert_string_equal(jget(o.json, "parents.0.placement"), "mixed");
	/* libpci's name from pci.ids (or hwdb). */
	assert_string_equal(jget(o.json, "parents.1.name"), "NVIDIA Corporation GA102GL [A40]");
	assert_string_equal(jget(o.json, "parents.1.vram_bytes.used"), "0");
	out_free(&o);
	assert_int_equal(tool(*state, &o, "parents", NULL), VS_EXIT_OK);
	assert_non_null(strstr(o.out, GPU0));
	assert_non_null(strstr(o.out, "96/256 MiB"));
	assert_null(strstr(o.out, "0000:00:06.0"));
	out_free(&o);
}

static void no_driver_no_parents(void **state)
{
	char *root = fake_new();
	struct out o;

	(void)state;
	assert_int_equal(tool(root, &o, "parents", "--json", NULL), VS_EXIT_OK);
	assert_int_equal(json_object_array_length(json_object_object_get(o.json, "parents")), 0);
	out_free(&o);
	assert_int_equal(tool(root, &o, "list", NO_LIBVIRT, NULL), VS_EXIT_OK);
	out_free(&o);
	fake_free(root);
}

static void types(void **state)
{
	struct out o;

	assert_int_equal(tool(*state, &o, "types", "--json", NULL), VS_EXIT_OK);
	assert_int_equal(json_object_array_length(json_object_object_get(o.json, "types")), 4);
	assert_string_equal(jget(o.json, "types.0.type"), "vslice-s256");
	assert_string_equal(jget(o.json, "types.0.available_instances"), "0");
	assert_string_equal(jget(o.json, "types.1.type"), "vslice-s32");
	assert_string_equal(jget(o.json, "types.1.instances"), "1");
	assert_string_equal(jget(o.json, "types.1.properties.max_resolution"), "1920x1200");
	assert_null(json_object_object_get(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "types"), 1), "properties"), "frl_config"));
	assert_string_equal(jget(o.json, "types.1.properties.framebuffer"), "32M");
	assert_string_equal(jget(o.json, "types.3.parent"), GPU1);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "types", GPU1, NULL), VS_EXIT_OK);
	assert_non_null(strstr(o.out, "vslice-s16"));
	assert_null(strstr(o.out, "vslice-s32"));
	assert_non_null(strstr(o.out, "1280x1024"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "types", "0000:00:06.0", NULL), VS_EXIT_NOTFOUND);
	out_free(&o);
}

static void list_states(void **state)
{
	struct out o;

	fake_write(*state, "sys/devices/pci0000:00/" GPU0 "/" U2 "/vslice/owner", "team-a\n");
	fake_module(*state, 1);
	fake_holder(*state, 999, "qemu-system-x86", "/dev/vfio/13");
	fake_holder(*state, 998, "bash", "/dev/vfio/12-not");
	assert_int_equal(tool(*state, &o, "list", "--json", NO_LIBVIRT, NULL), VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.uuid"), U2);
	assert_string_equal(jget(o.json, "instances.0.state"), "open");
	assert_string_equal(jget(o.json, "instances.0.holders.0.pid"), "999");
	assert_string_equal(jget(o.json, "instances.0.holders.0.command"), "qemu-system-x86");
	assert_string_equal(jget(o.json, "instances.0.attributes.vslice/owner"), "team-a");
	assert_string_equal(jget(o.json, "instances.0.vram_size"), "67108864");
	assert_null(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "instances"), 0), "vm"));
	assert_string_equal(jget(o.json, "instances.1.uuid"), U1);
	assert_string_equal(jget(o.json, "instances.1.state"), "free");
	assert_string_equal(jget(o.json, "instances.1.attributes.vslice/max_resolution"),
			    "1920x1200");
	assert_null(json_object_object_get(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "instances"), 1), "attributes"), "vslice/weight"));
	assert_string_equal(jget(o.json, "libvirt.connected"), "false");
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", NO_LIBVIRT, NULL), VS_EXIT_OK);
	assert_non_null(strstr(o.out, "pid 999 (qemu-system-x86)"));
	assert_non_null(strstr(o.out, "owner=team-a max_resolution=1920x1200\n"));
	out_free(&o);
	/* One device; upper case works. */
	assert_int_equal(tool(*state, &o, "list", "--json", NO_LIBVIRT,
			      "8C2C3A4E-5B1D-4C8E-9F00-0123456789AB", NULL), VS_EXIT_OK);
	assert_int_equal(json_object_array_length(json_object_object_get(o.json, "instances")), 1);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", NO_LIBVIRT, U3, NULL), VS_EXIT_NOTFOUND);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", "not-a-uuid", NULL), VS_EXIT_USAGE);
	out_free(&o);
}

static void create(void **state)
{
	struct out o;

	assert_int_equal(tool(*state, &o, "create", GPU0, "vslice-s32", "--uuid",
			      "33333333-3333-4333-8333-33333333333A", NULL), VS_EXIT_OK);
	assert_string_equal(o.out, "33333333-3333-4333-8333-33333333333a\n");
	out_free(&o);
	assert_string_equal(fake_read(*state, "sys/devices/pci0000:00/" GPU0
				      "/mdev_supported_types/vslice-s32/create"),
			    "33333333-3333-4333-8333-33333333333a");
	/* A random UUID, version 4. */
	assert_int_equal(tool(*state, &o, "create", "--json", GPU1, "vslice-s16", NULL), VS_EXIT_OK);
	assert_int_equal(strlen(jget(o.json, "uuid")), 36);
	assert_int_equal(jget(o.json, "uuid")[14], '4');
	assert_string_equal(jget(o.json, "uuid"),
			    fake_read(*state, "sys/devices/pci0000:00/" GPU1
				      "/mdev_supported_types/vslice-s16/create"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", GPU0, "vslice-s256", NULL), VS_EXIT_NOROOM);
	assert_non_null(strstr(o.err, "no room for a vslice-s256"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", GPU0, "vslice-s7", NULL), VS_EXIT_NOTFOUND);
	assert_non_null(strstr(o.err, "has no type vslice-s7; it has: vslice-s256, vslice-s32, vslice-s64"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", "0000:00:06.0", "vslice-s32", NULL),
			 VS_EXIT_NOTFOUND);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", GPU0, "../../x", NULL), VS_EXIT_NOTFOUND);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", GPU0, "vslice-s32", "--uuid", "nope", NULL),
			 VS_EXIT_USAGE);
	out_free(&o);
}

static void remove_refused_while_open(void **state)
{
	struct out o;

	fake_module(*state, 1);
	fake_holder(*state, 4321, "qemu-system-x86", "/dev/vfio/12");
	assert_int_equal(tool(*state, &o, "remove", U1, NULL), VS_EXIT_BUSY);
	assert_non_null(strstr(o.err, "open by pid 4321 (qemu-system-x86)"));
	out_free(&o);
	assert_string_equal(fake_read(*state, "sys/devices/pci0000:00/" GPU0 "/" U1 "/remove"), "");
	assert_int_equal(tool(*state, &o, "remove", "--force", "--json", U1, NULL), VS_EXIT_OK);
	assert_string_equal(jget(o.json, "removed"), "true");
	out_free(&o);
	assert_string_equal(fake_read(*state, "sys/devices/pci0000:00/" GPU0 "/" U1 "/remove"), "1");
	/* A free one goes without --force. */
	assert_int_equal(tool(*state, &o, "remove", U2, NULL), VS_EXIT_OK);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "remove", U3, NULL), VS_EXIT_NOTFOUND);
	out_free(&o);
}

static void usage_errors(void **state)
{
	struct out o;

	assert_int_equal(tool(*state, &o, NULL), VS_EXIT_USAGE);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "frobnicate", NULL), VS_EXIT_USAGE);
	assert_non_null(strstr(o.err, "unknown command frobnicate"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "create", GPU0, NULL), VS_EXIT_USAGE);
	assert_non_null(strstr(o.err, "usage: vslicectl create PARENT TYPE"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", "--uuid", U1, NULL), VS_EXIT_USAGE);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "parents", "--force", NULL), VS_EXIT_USAGE);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "parents", "--bogus", NULL), VS_EXIT_USAGE);
	out_free(&o);
	assert_int_equal(tool(*state, &o, "--json", "remove", "x", NULL), VS_EXIT_USAGE);
	assert_string_equal(jget(o.json, "error.exit_code"), "2");
	assert_non_null(jget(o.json, "error.message"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "--help", NULL), VS_EXIT_OK);
	assert_non_null(strstr(o.out, "Exit status:"));
	out_free(&o);
}

static void assign_needs_libvirt(void **state)
{
	struct out o;

	assert_int_equal(tool(*state, &o, "assign", NO_LIBVIRT, U1, "vm1", NULL),
			 VS_EXIT_NOLIBVIRT);
	assert_non_null(strstr(o.err, "cannot connect to libvirt at vslice-none:///"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U3, "test", NULL),
			 VS_EXIT_NOTFOUND);
	assert_non_null(strstr(o.err, "neither running nor defined"));
	out_free(&o);
}

static void assign_and_unassign(void **state)
{
	struct vs_vm_use u[VS_MAX_VM_USES];
	char err[512];
	struct vs_virt *keep;
	struct out o;

	/*
	 * The test driver keeps test:///default's state while a connection
	 * is open: hold one across the tool's runs.
	 */
	keep = vs_virt_open("test:///default", false, err, sizeof(err));
	assert_non_null(keep);
	assert_int_equal(vs_virt_mdev_users(keep, U1, u, VS_MAX_VM_USES, err, sizeof(err)), 0);
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U1, "test", NULL),
			 VS_EXIT_OK);
	assert_non_null(strstr(o.out, "assigned " U1 " to test"));
	out_free(&o);
	assert_int_equal(vs_virt_mdev_users(keep, U1, u, VS_MAX_VM_USES, err, sizeof(err)), 1);
	assert_string_equal(u[0].name, "test");
	/* In the persistent definition only: the running domain has not. */
	assert_true(u[0].config);
	assert_true(u[0].active);
	assert_false(u[0].live);
	/* Again: nothing changes. */
	assert_int_equal(tool(*state, &o, "assign", "--json", "--connect=test:///default", U1,
			      "test", NULL), VS_EXIT_OK);
	assert_string_equal(jget(o.json, "changed"), "false");
	out_free(&o);
	/* list finds the domain. */
	assert_int_equal(tool(*state, &o, "list", "--json", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.definitions.0.domain"), "test");
	assert_string_equal(jget(o.json, "instances.0.definitions.0.running"), "true");
	assert_string_equal(jget(o.json, "instances.0.definitions.0.attached"), "false");
	assert_null(jget(o.json, "instances.0.vm"));
	assert_string_equal(jget(o.json, "libvirt.connected"), "true");
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_non_null(strstr(o.out, " free    test (running without it) "));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U1, "nosuchvm",
			      NULL), VS_EXIT_BUSY);
	assert_non_null(strstr(o.err, "assigned to domain test already"));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "unassign", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_non_null(strstr(o.out, "removed " U1 " from test"));
	out_free(&o);
	assert_int_equal(vs_virt_mdev_users(keep, U1, u, VS_MAX_VM_USES, err, sizeof(err)), 0);
	assert_int_equal(tool(*state, &o, "unassign", "--json", "--connect=test:///default", U1,
			      NULL), VS_EXIT_OK);
	assert_string_equal(jget(o.json, "changed"), "false");
	out_free(&o);
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U1, "nosuchvm",
			      NULL), VS_EXIT_NOTFOUND);
	out_free(&o);
	vs_virt_close(keep);
}

static void assign_defined_only(void **state)
{
	char err[512];
	struct vs_virt *keep;
	struct out o;

	/* Not running, but defined with mdevctl: assignable. */
	fake_write(*state, "etc/mdevctl.d/" GPU0 "/" U3,
		   "{\"mdev_type\":\"vslice-s32\",\"start\":\"auto\",\"attrs\":[]}");
	keep = vs_virt_open("test:///default", false, err, sizeof(err));
	assert_non_null(keep);
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U3, "test", NULL),
			 VS_EXIT_OK);
	out_free(&o);
	vs_virt_close(keep);
}

/* A test-driver domain with the mdev U1 as a hostdev. */
static const char *dom_xml(const char *name)
{
	static char xml[1024];

	snprintf(xml, sizeof(xml),
		 "<domain type='test'><name>%s</name><memory>65536</memory>"
		 "<os><type>hvm</type></os><devices>"
		 "<hostdev mode='subsystem' type='mdev' model='vfio-pci'>"
		 "<source><address uuid='" U1 "'/></source></hostdev>"
		 "</devices></domain>", name);
	return xml;
}

/*
 * Two persistent definitions name the vGPU, and vm-b runs with it: the
 * domain named as the one with it is vm-b (whatever the order libvirt
 * lists them in), and both definitions are listed.
 */
static void list_two_definitions(void **state)
{
	static const char *const qemu_b[] = {
		"/usr/bin/qemu-system-x86_64", "-name", "guest=vm-b,debug-threads=on", "-S",
	};
	virConnectPtr conn;
	virDomainPtr a, b;
	struct out o;

	conn = virConnectOpen("test:///default");
	assert_non_null(conn);
	a = virDomainDefineXML(conn, dom_xml("vm-a"));
	b = virDomainDefineXML(conn, dom_xml("vm-b"));
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(virDomainCreate(b), 0);

	/* Not opened yet: libvirt's live state names vm-b. */
	assert_int_equal(tool(*state, &o, "list", "--json", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.vm.domain"), "vm-b");
	assert_null(jget(o.json, "instances.0.vm.pid"));
	assert_int_equal(json_object_array_length(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "instances"), 0), "definitions")), 2);
	assert_string_equal(jget(o.json, "instances.0.definitions.0.domain"), "vm-a");
	assert_string_equal(jget(o.json, "instances.0.definitions.0.running"), "false");
	assert_string_equal(jget(o.json, "instances.0.definitions.1.domain"), "vm-b");
	assert_string_equal(jget(o.json, "instances.0.definitions.1.running"), "true");
	assert_string_equal(jget(o.json, "instances.0.definitions.1.attached"), "true");
	out_free(&o);

	/* Open by vm-b's QEMU: named with its pid, in text too. */
	fake_module(*state, 1);
	fake_holder(*state, 4242, "qemu-system-x86", "/dev/vfio/12");
	fake_cmdline(*state, 4242, qemu_b, 4);
	assert_int_equal(tool(*state, &o, "list", "--json", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.state"), "open");
	assert_string_equal(jget(o.json, "instances.0.vm.domain"), "vm-b");
	assert_string_equal(jget(o.json, "instances.0.vm.pid"), "4242");
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_non_null(strstr(o.out, "\n" U1 " " GPU0 "   vslice-s32   open    vm-b, vm-a (off)     owner= max_resolution=1920x1200\n"));
	out_free(&o);
	/* Without libvirt, QEMU's -name still names it; definitions unknown. */
	assert_int_equal(tool(*state, &o, "list", "--json", NO_LIBVIRT, U1, NULL), VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.vm.domain"), "vm-b");
	assert_null(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "instances"), 0), "definitions"));
	out_free(&o);

	/* Both off: no domain runs with it, both definitions shown. */
	fake_module(*state, 0);
	assert_int_equal(virDomainDestroy(b), 0);
	assert_int_equal(tool(*state, &o, "list", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_non_null(strstr(o.out, " free    vm-a (off), vm-b (off) owner="));
	out_free(&o);
	assert_int_equal(tool(*state, &o, "list", "--json", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_null(jget(o.json, "instances.0.vm"));
	out_free(&o);
	/* unassign without a domain would have to pick one: it refuses. */
	assert_int_equal(tool(*state, &o, "unassign", "--connect=test:///default", U1, NULL),
			 VS_EXIT_USAGE);
	assert_non_null(strstr(o.err, U1 " is in the definitions of vm-a, vm-b: name the domain"));
	out_free(&o);
	/* assign to a third refuses, naming both. */
	assert_int_equal(tool(*state, &o, "assign", "--connect=test:///default", U1, "test", NULL),
			 VS_EXIT_BUSY);
	assert_non_null(strstr(o.err, "is assigned to domain vm-a, vm-b already"));
	out_free(&o);
	assert_int_equal(virDomainUndefine(a), 0);
	assert_int_equal(virDomainUndefine(b), 0);
	virDomainFree(a);
	virDomainFree(b);
	virConnectClose(conn);
}

/* A transient domain runs with it: named, but no definition has it. */
static void list_transient(void **state)
{
	virConnectPtr conn;
	virDomainPtr t;
	struct out o;

	conn = virConnectOpen("test:///default");
	assert_non_null(conn);
	t = virDomainCreateXML(conn, dom_xml("vm-t"), 0);
	assert_non_null(t);
	assert_int_equal(tool(*state, &o, "list", "--json", "--connect=test:///default", U1, NULL),
			 VS_EXIT_OK);
	assert_string_equal(jget(o.json, "instances.0.vm.domain"), "vm-t");
	assert_int_equal(json_object_array_length(json_object_object_get(json_object_array_get_idx(
		json_object_object_get(o.json, "instances"), 0), "definitions")), 0);
	out_free(&o);
	assert_int_equal(virDomainDestroy(t), 0);
	virDomainFree(t);
	virConnectClose(conn);
}

static void cmdline_guest(void **state)
{
	static const char a[] = "qemu\0-name\0guest=vm-1,debug-threads=on\0-S";
	static const char b[] = "qemu\0-name\0old-vm,process=x\0";
	static const char c[] = "qemu\0-name\0guest=a,,b,debug-threads=on";
	static const char d[] = "vfio-open\0--hold\0x";
	static const char e[] = "qemu\0-name";
	char buf[64];

	(void)state;
	assert_int_equal(vs_cmdline_guest(a, sizeof(a), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vm-1");
	assert_int_equal(vs_cmdline_guest(b, sizeof(b), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "old-vm");
	assert_int_equal(vs_cmdline_guest(c, sizeof(c), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a,b");
	assert_int_equal(vs_cmdline_guest(d, sizeof(d), buf, sizeof(buf)), -1);
	assert_int_equal(vs_cmdline_guest(e, sizeof(e), buf, sizeof(buf)), -1);
	assert_int_equal(vs_cmdline_guest(a, 5, buf, sizeof(buf)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(parents),
		T(no_driver_no_parents),
		T(types),
		T(list_states),
		T(create),
		T(remove_refused_while_open),
		T(usage_errors),
		T(assign_needs_libvirt),
		T(assign_and_unassign),
		T(assign_defined_only),
		cmocka_unit_test_setup_teardown(list_two_definitions, setup, teardown_vms),
		cmocka_unit_test_setup_teardown(list_transient, setup, teardown_vms),
		T(cmdline_guest),
#undef T
	};

	return cmocka_run_group_tests_name("tool", tests, NULL, NULL);
}
