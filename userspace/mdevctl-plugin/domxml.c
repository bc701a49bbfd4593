// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev hostdevs in libvirt domain XML (see domxml.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domxml.h"

static xmlDocPtr parse(const char *xml)
{
	return xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
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
	xmlChar *v = xmlGetProp(n, BAD_CAST prop);
	bool same = v && (nocase ? !strcasecmp((char *)v, val) : !strcmp((char *)v, val));

	xmlFree(v);
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
	xmlNodePtr root = xmlDocGetRootElement(doc);

	return root && named(root, "domain") ? child(root, "devices") : NULL;
}

int vs_domxml_has_mdev(const char *xml, const char *uuid)
{
	xmlDocPtr doc = parse(xml);
	xmlNodePtr devs, n;
	int found = 0;

	if (!doc)
		return -1;
	devs = devices_of(doc);
	for (n = devs ? devs->children : NULL; n && !found; n = n->next)
		found = is_mdev_hostdev(n, uuid);
	xmlFreeDoc(doc);
	return found;
}

static int dump(xmlDocPtr doc, char **out, char *err, size_t errlen)
{
	xmlChar *mem = NULL;
	int size = 0;

	xmlDocDumpMemory(doc, &mem, &size);
	if (!mem) {
		snprintf(err, errlen, "cannot serialize the domain XML");
		return -1;
	}
	*out = strdup((char *)mem);
	xmlFree(mem);
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
	doc = parse(xml);
	if (!doc || !(root = xmlDocGetRootElement(doc)) || !named(root, "domain")) {
		snprintf(err, errlen, "the domain definition is not <domain> XML");
		xmlFreeDoc(doc);
		return -1;
	}
	devs = child(root, "devices");
	if (!devs)
		devs = xmlNewChild(root, NULL, BAD_CAST "devices", NULL);
	for (n = devs ? devs->children : NULL; n; n = n->next) {
		if (is_mdev_hostdev(n, uuid)) {
			xmlFreeDoc(doc);
			return 0;
		}
	}
	hd = devs ? xmlNewChild(devs, NULL, BAD_CAST "hostdev", NULL) : NULL;
	src = hd ? xmlNewChild(hd, NULL, BAD_CAST "source", NULL) : NULL;
	addr = src ? xmlNewChild(src, NULL, BAD_CAST "address", NULL) : NULL;
	if (!addr ||
	    !xmlNewProp(hd, BAD_CAST "mode", BAD_CAST "subsystem") ||
	    !xmlNewProp(hd, BAD_CAST "type", BAD_CAST "mdev") ||
	    !xmlNewProp(hd, BAD_CAST "model", BAD_CAST "vfio-pci") ||
	    !xmlNewProp(addr, BAD_CAST "uuid", BAD_CAST uuid)) {
		snprintf(err, errlen, "out of memory");
		xmlFreeDoc(doc);
		return -1;
	}
	ret = dump(doc, out, err, errlen);
	xmlFreeDoc(doc);
	return ret;
}

int vs_domxml_remove_mdev(const char *xml, const char *uuid, char **out,
			  char *err, size_t errlen)
{
	xmlNodePtr devs, n, next;
	xmlDocPtr doc;
	int removed = 0, ret = 0;

	*out = NULL;
	doc = parse(xml);
	if (!doc || !xmlDocGetRootElement(doc) ||
	    !named(xmlDocGetRootElement(doc), "domain")) {
		snprintf(err, errlen, "the domain definition is not <domain> XML");
		xmlFreeDoc(doc);
		return -1;
	}
	devs = devices_of(doc);
	for (n = devs ? devs->children : NULL; n; n = next) {
		next = n->next;
		if (is_mdev_hostdev(n, uuid)) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			removed++;
		}
	}
	if (removed)
		ret = dump(doc, out, err, errlen);
	xmlFreeDoc(doc);
	return ret;
}
