// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev hostdevs in libvirt domain XML (see domxml.h).
 *
 * libxml2 is loaded at run time, like libvirt (virt.c), which needs it
 * anyway: vslicectl runs on hosts with neither.  The types come from
 * libxml2's headers.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domxml.h"

static struct {
	int state;	/* 0 not tried, 1 loaded, -1 failed */
	char error[256];
	xmlDocPtr (*read_memory)(const char *buf, int size, const char *url,
				 const char *encoding, int options);
	xmlNodePtr (*root)(const xmlDoc *doc);
	xmlChar *(*get_prop)(const xmlNode *node, const xmlChar *name);
	xmlFreeFunc *free;	/* the variable xmlFree */
	void (*free_doc)(xmlDocPtr doc);
	void (*dump)(xmlDocPtr doc, xmlChar **mem, int *size);
	xmlNodePtr (*new_child)(xmlNodePtr parent, xmlNsPtr ns, const xmlChar *name,
				const xmlChar *content);
	xmlAttrPtr (*new_prop)(xmlNodePtr node, const xmlChar *name, const xmlChar *value);
	void (*unlink)(xmlNodePtr node);
	void (*free_node)(xmlNodePtr node);
} x;

static int load(char *err, size_t errlen)
{
	struct {
		void **slot;
		const char *name;
	} syms[] = {
		{ (void **)&x.read_memory, "xmlReadMemory" },
		{ (void **)&x.root, "xmlDocGetRootElement" },
		{ (void **)&x.get_prop, "xmlGetProp" },
		{ (void **)&x.free, "xmlFree" },
		{ (void **)&x.free_doc, "xmlFreeDoc" },
		{ (void **)&x.dump, "xmlDocDumpMemory" },
		{ (void **)&x.new_child, "xmlNewChild" },
		{ (void **)&x.new_prop, "xmlNewProp" },
		{ (void **)&x.unlink, "xmlUnlinkNode" },
		{ (void **)&x.free_node, "xmlFreeNode" },
	};
	void *lib;
	size_t i;

	if (!x.state) {
		x.state = -1;
		lib = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
		if (!lib) {
			snprintf(x.error, sizeof(x.error), "libxml2 is not installed (%s)",
				 dlerror());
		} else {
			for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
				*syms[i].slot = dlsym(lib, syms[i].name);
				if (!*syms[i].slot) {
					snprintf(x.error, sizeof(x.error), "libxml2.so.2 has no %s",
						 syms[i].name);
					break;
				}
			}
			if (i == sizeof(syms) / sizeof(syms[0]))
				x.state = 1;
		}
	}
	if (x.state < 0 && err)
		snprintf(err, errlen, "%s", x.error);
	return x.state > 0 ? 0 : -1;
}

static void xfree(void *p)
{
	if (p)
		(*x.free)(p);
}

static xmlDocPtr parse(const char *xml)
{
	return x.read_memory(xml, (int)strlen(xml), "domain.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	for (n = parent ? parent->children : NULL; n; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

static bool prop_is(xmlNodePtr n, const char *prop, const char *val, bool nocase)
{
	xmlChar *v = x.get_prop(n, BAD_CAST prop);
	bool same = v && (nocase ? !strcasecmp((char *)v, val) : !strcmp((char *)v, val));

	xfree(v);
	return same;
}

/* <hostdev type='mdev'><source><address uuid='UUID'/> */
static bool is_mdev_hostdev(xmlNodePtr n, const char *uuid)
{
	return named(n, "hostdev") && prop_is(n, "type", "mdev", false) &&
	       child(child(n, "source"), "address") &&
	       prop_is(child(child(n, "source"), "address"), "uuid", uuid, true);
}

static xmlNodePtr devices_of(xmlDocPtr doc)
{
	xmlNodePtr root = x.root(doc);

	return root && named(root, "domain") ? child(root, "devices") : NULL;
}

int vs_domxml_has_mdev(const char *xml, const char *uuid)
{
	xmlNodePtr devs, n;
	xmlDocPtr doc;
	int found = 0;

	if (load(NULL, 0))
		return -1;
	doc = parse(xml);
	if (!doc)
		return -1;
	devs = devices_of(doc);
	for (n = devs ? devs->children : NULL; n && !found; n = n->next)
		found = is_mdev_hostdev(n, uuid);
	x.free_doc(doc);
	return found;
}

static int dump(xmlDocPtr doc, char **out, char *err, size_t errlen)
{
	xmlChar *mem = NULL;
	int size = 0;

	x.dump(doc, &mem, &size);
	if (!mem) {
		snprintf(err, errlen, "cannot serialize the domain XML");
		return -1;
	}
	*out = strdup((char *)mem);
	xfree(mem);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int vs_domxml_add_mdev(const char *xml, const char *uuid, char **out,
		       char *err, size_t errlen)
{
	xmlNodePtr root, devs, n, hd, src, addr;
	xmlDocPtr doc;
	int ret;

	*out = NULL;
	if (load(err, errlen))
		return -1;
	doc = parse(xml);
	root = doc ? x.root(doc) : NULL;
	if (!root || !named(root, "domain")) {
		snprintf(err, errlen, "the domain definition is not <domain> XML");
		x.free_doc(doc);
		return -1;
	}
	devs = child(root, "devices");
	if (!devs)
		devs = x.new_child(root, NULL, BAD_CAST "devices", NULL);
	for (n = devs ? devs->children : NULL; n; n = n->next) {
		if (is_mdev_hostdev(n, uuid)) {
			x.free_doc(doc);
			return 0;
		}
	}
	hd = devs ? x.new_child(devs, NULL, BAD_CAST "hostdev", NULL) : NULL;
	src = hd ? x.new_child(hd, NULL, BAD_CAST "source", NULL) : NULL;
	addr = src ? x.new_child(src, NULL, BAD_CAST "address", NULL) : NULL;
	if (!addr ||
	    !x.new_prop(hd, BAD_CAST "mode", BAD_CAST "subsystem") ||
	    !x.new_prop(hd, BAD_CAST "type", BAD_CAST "mdev") ||
	    !x.new_prop(hd, BAD_CAST "model", BAD_CAST "vfio-pci") ||
	    !x.new_prop(addr, BAD_CAST "uuid", BAD_CAST uuid)) {
		snprintf(err, errlen, "out of memory");
		x.free_doc(doc);
		return -1;
	}
	ret = dump(doc, out, err, errlen);
	x.free_doc(doc);
	return ret;
}

int vs_domxml_remove_mdev(const char *xml, const char *uuid, char **out,
			  char *err, size_t errlen)
{
	xmlNodePtr devs, n, next;
	xmlDocPtr doc;
	int removed = 0, ret = 0;

	*out = NULL;
	if (load(err, errlen))
		return -1;
	doc = parse(xml);
	if (!doc || !x.root(doc) || !named(x.root(doc), "domain")) {
		snprintf(err, errlen, "the domain definition is not <domain> XML");
		x.free_doc(doc);
		return -1;
	}
	devs = devices_of(doc);
	for (n = devs ? devs->children : NULL; n; n = next) {
		next = n->next;
		if (is_mdev_hostdev(n, uuid)) {
			x.unlink(n);
			x.free_node(n);
			removed++;
		}
	}
	if (removed)
		ret = dump(doc, out, err, errlen);
	x.free_doc(doc);
	return ret;
}
