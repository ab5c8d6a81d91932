/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest channel's host-side socket, looked up in a domain's XML: what
 * usbrouted connects to for a domain's toggle device (and domain check
 * reports).  Only the daemon and domain check need it; the hook never. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "err.h"
#include "metachan.h"
#include "xml.h"


static int
has_alias(xmlNodePtr dev, const char *alias)
{
	xmlNodePtr c;
	xmlChar *name;
	int match;

	for (c = dev->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !ur_xml_is_named(c, "alias"))
			continue;
		name = xmlGetProp(c, (const xmlChar *)"name");
		match = name != NULL && strcmp((const char *)name, alias) == 0;
		xmlFree(name);
		if (match)
			return 1;
	}
	return 0;
}

/* The unix socket path of a serial/console/channel device, or an error
 * saying why it cannot be used as a toggle device. */
static int
channel_path(xmlNodePtr dev, const char *alias, char *path, size_t size,
    struct ur_err *err)
{
	xmlChar *type, *mode = NULL, *p = NULL;
	xmlNodePtr src;
	int rc = -1;

	type = xmlGetProp(dev, (const xmlChar *)"type");
	src = ur_xml_plain_child(dev, "source");
	if (src != NULL) {
		mode = xmlGetProp(src, (const xmlChar *)"mode");
		p = xmlGetProp(src, (const xmlChar *)"path");
	}
	if (type == NULL || strcmp((const char *)type, "unix") != 0)
		ur_errf(err, "toggle device %s is type='%s'; it must be "
		    "type='unix' with <source mode='bind' path=...>", alias,
		    type ? (const char *)type : "");
	else if (mode == NULL || strcmp((const char *)mode, "bind") != 0)
		ur_errf(err, "toggle device %s has mode='%s'; it must be "
		    "mode='bind' (QEMU listens, so the VM starts without the "
		    "daemon)", alias, mode ? (const char *)mode : "");
	else if (p == NULL || *p == '\0')
		ur_errf(err, "toggle device %s has no socket path", alias);
	else if (strlen((const char *)p) >= size)
		ur_errf(err, "toggle device %s: socket path too long", alias);
	else {
		memcpy(path, p, strlen((const char *)p) + 1);
		rc = 0;
	}
	xmlFree(type);
	xmlFree(mode);
	xmlFree(p);
	return rc;
}

/*
 * Whether dev carries alias.  In a defined (inactive) domain a device
 * without an <alias> gets libvirt's default one when the domain starts:
 * its kind and its index among the devices of that kind ("serial0",
 * "channel1"); implied says to count those.
 */
static int
matches(xmlNodePtr dev, const char *alias, int implied, int index)
{
	char name[32];
	xmlNodePtr c;

	if (has_alias(dev, alias))
		return 1;
	if (!implied)
		return 0;
	for (c = dev->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && ur_xml_is_named(c, "alias"))
			return 0;
	snprintf(name, sizeof(name), "%s%d", (const char *)dev->name, index);
	return strcmp(name, alias) == 0;
}

static int
find_channel(const char *xml, size_t len, const char *alias, int implied,
    char *path, size_t size, struct ur_err *err)
{
	static const char *const kinds[] = { "serial", "console", "channel" };
	int index[3] = { 0, 0, 0 };
	xmlNodePtr root, devices, dev;
	xmlDocPtr doc;
	int rc = 1, k;

	if ((doc = ur_xml_read(xml, len, err)) == NULL)
		return ur_xml_one_line(err);
	root = xmlDocGetRootElement(doc);
	devices = ur_xml_is_named(root, "domain") ?
	    ur_xml_plain_child(root, "devices") : NULL;
	for (dev = devices ? devices->children : NULL; dev != NULL;
	    dev = dev->next) {
		if (dev->type != XML_ELEMENT_NODE)
			continue;
		for (k = 0; k < 3 && !ur_xml_is_named(dev, kinds[k]); k++)
			;
		if (k == 3 || !matches(dev, alias, implied, index[k]++))
			continue;
		rc = channel_path(dev, alias, path, size, err);
		break;
	}
	if (rc == 1)
		ur_errf(err, "no serial, console or channel device with alias "
		    "'%s' in the %s domain", alias, implied ? "defined" :
		    "running");
	xmlFreeDoc(doc);
	return rc == 0 ? 0 : ur_xml_one_line(err);
}

int
ur_metachan_path(const char *xml, size_t len, const char *alias, char *path,
    size_t size, struct ur_err *err)
{
	return find_channel(xml, len, alias, 0, path, size, err);
}

int
ur_metachan_path_defined(const char *xml, size_t len, const char *alias,
    char *path, size_t size, struct ur_err *err)
{
	return find_channel(xml, len, alias, 1, path, size, err);
}
