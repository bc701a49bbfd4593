// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: mdev hostdevs in libvirt domain XML.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domxml.h"

#define U "8c2c3a4e-5b1d-4c8e-9f00-0123456789ab"
#define V "11111111-2222-4333-8444-555555555555"

static const char dom[] =
	"<domain type='kvm'>\n"
	"  <name>vm1</name>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'><source file='/x.img'/><target dev='vda'/></disk>\n"
	"    <hostdev mode='subsystem' type='pci' managed='yes'><source>"
	"<address domain='0x0000' bus='0x06' slot='0x00' function='0x0'/></source></hostdev>\n"
	"    <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='on'>"
	"<source><address uuid='" V "'/></source></hostdev>\n"
	"  </devices>\n"
	"</domain>\n";

static void finds_mdevs(void **state)
{
	(void)state;
	assert_int_equal(vs_domxml_has_mdev(dom, V), 1);
	assert_int_equal(vs_domxml_has_mdev(dom, "11111111-2222-4333-8444-555555555555"), 1);
	assert_int_equal(vs_domxml_has_mdev(dom, U), 0);
	assert_int_equal(vs_domxml_has_mdev("<domain><devices/></domain>", U), 0);
	assert_int_equal(vs_domxml_has_mdev("<domain>", U), -1);
	assert_int_equal(vs_domxml_has_mdev("", U), -1);
	/* Upper-case UUIDs in the XML are the same device. */
	assert_int_equal(vs_domxml_has_mdev("<domain><devices><hostdev type='mdev'><source>"
					    "<address uuid='8C2C3A4E-5B1D-4C8E-9F00-0123456789AB'/>"
					    "</source></hostdev></devices></domain>", U), 1);
	/* A PCI hostdev's address is no mdev. */
	assert_int_equal(vs_domxml_has_mdev("<domain><devices><hostdev type='pci'><source>"
					    "<address uuid='" U "'/></source></hostdev></devices></domain>",
					    U), 0);
}

static void adds_once(void **state)
{
	char err[256], *out, *again;

	(void)state;
	assert_int_equal(vs_domxml_add_mdev(dom, U, &out, err, sizeof(err)), 0);
	assert_non_null(out);
	assert_int_equal(vs_domxml_has_mdev(out, U), 1);
	assert_int_equal(vs_domxml_has_mdev(out, V), 1);
	assert_non_null(strstr(out, "<hostdev mode=\"subsystem\" type=\"mdev\" model=\"vfio-pci\">"
				    "<source><address uuid=\"" U "\"/></source></hostdev>"));
	assert_non_null(strstr(out, "<source file=\"/x.img\"/>"));
	assert_int_equal(vs_domxml_add_mdev(out, U, &again, err, sizeof(err)), 0);
	assert_null(again);
	free(out);
	/* A domain without <devices>. */
	assert_int_equal(vs_domxml_add_mdev("<domain type='kvm'><name>x</name></domain>", U, &out,
					    err, sizeof(err)), 0);
	assert_int_equal(vs_domxml_has_mdev(out, U), 1);
	free(out);
}

static void removes_only_it(void **state)
{
	char err[256], *out, *none;

	(void)state;
	assert_int_equal(vs_domxml_remove_mdev(dom, V, &out, err, sizeof(err)), 0);
	assert_non_null(out);
	assert_int_equal(vs_domxml_has_mdev(out, V), 0);
	assert_non_null(strstr(out, "type=\"pci\""));
	assert_non_null(strstr(out, "<disk"));
	assert_int_equal(vs_domxml_remove_mdev(out, V, &none, err, sizeof(err)), 0);
	assert_null(none);
	free(out);
}

static void rejects_non_domains(void **state)
{
	char err[256], *out;

	(void)state;
	assert_int_equal(vs_domxml_add_mdev("<network/>", U, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not <domain> XML"));
	assert_int_equal(vs_domxml_add_mdev("<domain", U, &out, err, sizeof(err)), -1);
	assert_int_equal(vs_domxml_remove_mdev("junk", U, &out, err, sizeof(err)), -1);
	assert_null(out);
}

/*
 * Entities are never expanded: not from the file system (an external
 * entity could pull in any file the caller can read) and not from the
 * document's own DTD.  Each entity holds an mdev hostdev of U, which the
 * parser would find if it substituted the entity; the same hostdev
 * written out in the document is found, so the entity tests can fail.
 */
#define HOSTDEV_U "<hostdev mode='subsystem' type='mdev' model='vfio-pci'>" \
	"<source><address uuid='" U "'/></source></hostdev>"

static void expands_no_entities(void **state)
{
	char path[] = "/tmp/vslice-test-domxml-XXXXXX", xml[512];
	int fd, found;
	FILE *f;

	(void)state;
	assert_int_equal(vs_domxml_has_mdev("<domain><devices>" HOSTDEV_U "</devices></domain>", U),
			 1);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(HOSTDEV_U "\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	snprintf(xml, sizeof(xml),
		 "<!DOCTYPE domain [<!ENTITY e SYSTEM \"file://%s\">]>"
		 "<domain><devices>&e;</devices></domain>", path);
	found = vs_domxml_has_mdev(xml, U);
	unlink(path);
	assert_int_equal(found, 0);

	assert_int_equal(vs_domxml_has_mdev("<!DOCTYPE domain [<!ENTITY e \"" HOSTDEV_U "\">]>"
					    "<domain><devices>&e;</devices></domain>", U), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_mdevs),
		cmocka_unit_test(adds_once),
		cmocka_unit_test(removes_only_it),
		cmocka_unit_test(rejects_non_domains),
		cmocka_unit_test(expands_no_entities),
	};

	return cmocka_run_group_tests_name("domxml", tests, NULL, NULL);
}
