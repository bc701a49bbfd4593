// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvirt through dlopen (see virt.h).  The types come from libvirt's
 * headers; the functions are looked up in libvirt.so.0 at run time.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "domxml.h"
#include "virt.h"

struct vs_virt {
	void *lib;
	virConnectPtr conn;
	virConnectPtr (*open)(const char *name);
	virConnectPtr (*open_ro)(const char *name);
	int (*close)(virConnectPtr conn);
	int (*list_all)(virConnectPtr conn, virDomainPtr **doms, unsigned int flags);
	virDomainPtr (*lookup)(virConnectPtr conn, const char *name);
	const char *(*name)(virDomainPtr dom);
	char *(*xml)(virDomainPtr dom, unsigned int flags);
	int (*active)(virDomainPtr dom);
	int (*persistent)(virDomainPtr dom);
	virDomainPtr (*define)(virConnectPtr conn, const char *xml);
	int (*free_dom)(virDomainPtr dom);
	const char *(*last_error)(void);
	void (*set_error_func)(void *data, virErrorFunc handler);
};

static void quiet(void *data, virErrorPtr error)
{
	(void)data;
	(void)error;
}

#define SYM(field, name) { (void **)&v->field, name }

static int load(struct vs_virt *v, char *err, size_t errlen)
{
	struct {
		void **slot;
		const char *name;
	} syms[] = {
		SYM(open, "virConnectOpen"),
		SYM(open_ro, "virConnectOpenReadOnly"),
		SYM(close, "virConnectClose"),
		SYM(list_all, "virConnectListAllDomains"),
		SYM(lookup, "virDomainLookupByName"),
		SYM(name, "virDomainGetName"),
		SYM(xml, "virDomainGetXMLDesc"),
		SYM(active, "virDomainIsActive"),
		SYM(persistent, "virDomainIsPersistent"),
		SYM(define, "virDomainDefineXML"),
		SYM(free_dom, "virDomainFree"),
		SYM(last_error, "virGetLastErrorMessage"),
		SYM(set_error_func, "virSetErrorFunc"),
	};
	size_t i;

	v->lib = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!v->lib) {
		snprintf(err, errlen, "libvirt is not installed (%s)", dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(v->lib, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(err, errlen, "libvirt.so.0 has no %s", syms[i].name);
			return -1;
		}
	}
	return 0;
}

struct vs_virt *vs_virt_open(const char *uri, bool readonly, char *err,
			     size_t errlen)
{
	struct vs_virt *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (load(v, err, errlen)) {
		vs_virt_close(v);
		return NULL;
	}
	v->set_error_func(NULL, quiet);
	if (!uri)
		uri = getenv("LIBVIRT_DEFAULT_URI");
	if (!uri || !*uri)
		uri = "qemu:///system";
	v->conn = readonly ? v->open_ro(uri) : v->open(uri);
	if (!v->conn) {
		snprintf(err, errlen, "cannot connect to libvirt at %s: %s", uri,
			 v->last_error());
		vs_virt_close(v);
		return NULL;
	}
	return v;
}

void vs_virt_close(struct vs_virt *v)
{
	if (!v)
		return;
	if (v->conn)
		v->close(v->conn);
	/* libvirt keeps threads and handlers: never dlclose it. */
	free(v);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vs_vm_use *)a)->name,
		      ((const struct vs_vm_use *)b)->name);
}

/* Return: 1 if the domain's XML (flags) names the mdev, else 0. */
static int xml_has(struct vs_virt *v, virDomainPtr dom, unsigned int flags,
		   const char *uuid)
{
	char *xml = v->xml(dom, flags);
	int has = xml && vs_domxml_has_mdev(xml, uuid) == 1;

	free(xml);
	return has;
}

int vs_virt_mdev_users(struct vs_virt *v, const char *uuid,
		       struct vs_vm_use *u, size_t max, char *err, size_t errlen)
{
	virDomainPtr *doms = NULL;
	size_t found = 0;
	int n, i;

	n = v->list_all(v->conn, &doms, 0);
	if (n < 0) {
		snprintf(err, errlen, "cannot list libvirt domains: %s", v->last_error());
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct vs_vm_use one = { .active = v->active(doms[i]) == 1 };

		/*
		 * A running domain's XML is what it runs with; the INACTIVE
		 * flag gives its persistent definition (the next start).  A
		 * domain that does not run has only the latter.
		 */
		if (one.active)
			one.live = xml_has(v, doms[i], 0, uuid);
		if (v->persistent(doms[i]) == 1)
			one.config = xml_has(v, doms[i], VIR_DOMAIN_XML_INACTIVE, uuid);
		if (one.live || one.config) {
			if (found < max) {
				snprintf(one.name, sizeof(one.name), "%s", v->name(doms[i]));
				u[found] = one;
			}
			found++;
		}
		v->free_dom(doms[i]);
	}
	free(doms);
	qsort(u, found < max ? found : max, sizeof(*u), by_name);
	return (int)found;
}

/* Edit the persistent definition of domain with fn. */
static int edit(struct vs_virt *v, const char *uuid, const char *domain,
		int (*fn)(const char *, const char *, char **, char *, size_t),
		char *err, size_t errlen)
{
	virDomainPtr dom, def;
	char *xml, *edited = NULL;
	int ret;

	dom = v->lookup(v->conn, domain);
	if (!dom) {
		snprintf(err, errlen, "no libvirt domain %s: %s", domain, v->last_error());
		return -2;
	}
	if (v->persistent(dom) != 1) {
		snprintf(err, errlen, "libvirt domain %s is transient: it has no persistent definition",
			 domain);
		v->free_dom(dom);
		return -1;
	}
	xml = v->xml(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml) {
		snprintf(err, errlen, "cannot read the definition of %s: %s", domain,
			 v->last_error());
		v->free_dom(dom);
		return -1;
	}
	ret = fn(xml, uuid, &edited, err, errlen);
	free(xml);
	if (ret || !edited) {
		v->free_dom(dom);
		return ret ? -1 : 0;
	}
	def = v->define(v->conn, edited);
	free(edited);
	if (!def) {
		snprintf(err, errlen, "libvirt refused the new definition of %s: %s",
			 domain, v->last_error());
		v->free_dom(dom);
		return -1;
	}
	v->free_dom(def);
	v->free_dom(dom);
	return 1;
}

int vs_virt_assign(struct vs_virt *v, const char *uuid, const char *domain,
		   char *err, size_t errlen)
{
	return edit(v, uuid, domain, vs_domxml_add_mdev, err, errlen);
}

int vs_virt_unassign(struct vs_virt *v, const char *uuid, const char *domain,
		     char *err, size_t errlen)
{
	return edit(v, uuid, domain, vs_domxml_remove_mdev, err, errlen);
}
