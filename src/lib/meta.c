/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "chipset.h"
#include "devspec.h"
#include "err.h"
#include "meta.h"
#include "metascan.h"
#include "xml.h"

/*
 * Every message below ends up inside libvirt's "Hook script execution
 * failed" line, so each one starts with what it is about and ends with
 * what to change.
 */
#define PFX "usbroute metadata: "

/* Characters allowed in profile names and toggle devices: they are used
 * as words on command lines and in the guest protocol. */
#define NAME_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

#define SHOW_MAX 24	/* how much of an oversize value a message quotes */


static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s) && *s != ',')
			return 0;
	return 1;
}

static int
is_name(const char *s)
{
	return s[0] != '\0' && strspn(s, NAME_CHARS) == strlen(s);
}

/* The seed's raw register value, "0x00ff": only its shape is checked
 * here, what it means is decided with the chipset. */
static int
is_mask(const char *s)
{
	size_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	return n > 0 && n <= 8 && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* ----------------------------------------------------- our element */

static int
parse_controllers(const char *text, unsigned *ctrls, struct ur_err *err)
{
	char bad[16], show[SHOW_MAX];

	if (ur_chipset_ctrl_parse_list(text, ctrls, bad, sizeof(bad)) == 0)
		return 0;
	if (bad[0] == '\0')
		return ur_errf(err, PFX "controllers= is empty; name ehci1, "
		    "ehci2 or xhci, or remove the attribute");
	return ur_errf(err, PFX "controllers=\"%s\": unknown controller "
	    "\"%s%s\"; use ehci1, ehci2 or xhci",
	    ur_xml_shorten(text, show, sizeof(show)), bad,
	    strlen(bad) == sizeof(bad) - 1 ? "..." : "");
}

/* yes/no attributes: absent is no. */
static int
get_yesno(xmlNodePtr n, const char *name, int *v, const char *what,
    struct ur_err *err)
{
	char buf[32];
	int have;

	*v = 0;
	if (ur_xml_get_attr(n, name, buf, sizeof(buf), &have, what, err) == -1)
		return -1;
	if (!have || strcmp(buf, "no") == 0)
		return 0;
	if (strcmp(buf, "yes") == 0) {
		*v = 1;
		return 0;
	}
	return ur_errf(err, PFX "%s: %s=\"%s\"; use %s=\"yes\" or "
	    "%s=\"no\"", what, name, buf, name, name);
}

/* devices= and required= of a profile (or of the short form). */
static int
parse_devices(xmlNodePtr n, struct ur_profile *p, const char *what,
    int *have, struct ur_err *err)
{
	struct ur_devspec spec[UR_DEVSPEC_MAX];
	struct ur_err why;
	int count;

	if (ur_xml_get_attr(n, "devices", p->devices, sizeof(p->devices), have,
	    what, err) == -1)
		return -1;
	if (*have && ur_devspec_list(p->devices, spec, UR_DEVSPEC_MAX,
	    &count, &why) == -1)
		return ur_errf(err, PFX "%s: %s", what, why.msg);
	if (*have && count == 0)
		return ur_errf(err, PFX "%s has empty devices=; list devices "
		    "like devices=\"046d:c52b\"", what);
	if (get_yesno(n, "required", &p->required, what, err) == -1)
		return -1;
	if (p->required && !*have)
		return ur_errf(err, PFX "%s: required=\"yes\" but no "
		    "devices=; name the devices it requires", what);
	return 0;
}

static int
parse_profile(xmlNodePtr n, struct ur_domain *d, struct ur_err *err)
{
	static const char *const known[] = {
		"name", "ports", "mask", "devices", "required", "default", NULL
	};
	struct ur_profile *p;
	char what[96], dflt[32], mask[sizeof(p->ports)];
	int have_name, have_ports, have_mask, have_dflt, have_devs, i;

	if (d->nprofiles >= UR_DOMAIN_MAX_PROFILES)
		return ur_errf(err, PFX "more than %d <profile> elements; "
		    "merge some", UR_DOMAIN_MAX_PROFILES);
	p = &d->profile[d->nprofiles];
	memset(p, 0, sizeof(*p));
	snprintf(what, sizeof(what), "profile #%d", d->nprofiles + 1);

	if (ur_xml_get_attr(n, "name", p->name, sizeof(p->name), &have_name, what,
	    err) == -1)
		return -1;
	if (!have_name || p->name[0] == '\0')
		return ur_errf(err, PFX "%s has no name; add name=\"...\"",
		    what);
	if (!is_name(p->name))
		return ur_errf(err, PFX "profile name \"%s\" has characters "
		    "other than letters, digits, '_', '.' and '-'; rename it",
		    p->name);
	snprintf(what, sizeof(what), "profile \"%s\"", p->name);
	if (ur_xml_check_attrs(n, what, known,
	    "name=, ports= (or mask=), devices=, required= and default=",
	    err) == -1)
		return -1;
	for (i = 0; i < d->nprofiles; i++)
		if (strcmp(d->profile[i].name, p->name) == 0)
			return ur_errf(err, PFX "two profiles are named "
			    "\"%s\"; rename one", p->name);

	if (ur_xml_get_attr(n, "ports", p->ports, sizeof(p->ports), &have_ports,
	    what, err) == -1)
		return -1;
	if (ur_xml_get_attr(n, "mask", mask, sizeof(mask), &have_mask, what,
	    err) == -1)
		return -1;
	if (have_ports && have_mask)
		return ur_errf(err, PFX "%s has both ports= and mask=; keep "
		    "one", what);
	if (parse_devices(n, p, what, &have_devs, err) == -1)
		return -1;
	if (have_mask) {
		if (!is_mask(mask))
			return ur_errf(err, PFX "%s: mask=\"%s\" is not a "
			    "register value; write it like mask=\"0x00ff\"",
			    what, mask);
		/* ur_ports_parse knows a raw mask by its 0x (is_mask: at
		 * most 8 digits). */
		if (mask[0] == '0' && (mask[1] == 'x' || mask[1] == 'X'))
			memcpy(p->ports, mask, sizeof(p->ports));
		else
			snprintf(p->ports, sizeof(p->ports), "0x%.8s", mask);
	} else if (!have_ports && !have_devs) {
		return ur_errf(err, PFX "%s has no ports and no devices; add "
		    "ports=\"ehci2.1-6\" or devices=\"046d:c52b\" or the "
		    "like", what);
	} else if (have_ports && is_blank(p->ports)) {
		return ur_errf(err, PFX "%s has empty ports=; list ports "
		    "like ports=\"ehci2.1-6\"", what);
	}

	if (ur_xml_get_attr(n, "default", dflt, sizeof(dflt), &have_dflt, what,
	    err) == -1)
		return -1;
	if (have_dflt) {
		if (strcmp(dflt, "yes") == 0)
			p->is_default = 1;
		else if (strcmp(dflt, "no") != 0)
			return ur_errf(err, PFX "%s: default=\"%s\"; use "
			    "default=\"yes\" or default=\"no\"", what, dflt);
	}
	d->nprofiles++;
	return 0;
}

static int
parse_toggle(xmlNodePtr n, struct ur_domain *d, struct ur_err *err)
{
	static const char *const known[] = { "device", NULL };
	int have;

	if (d->toggle_device[0] != '\0')
		return ur_errf(err, PFX "more than one <toggle>; a domain has "
		    "one toggle device, keep one");
	if (ur_xml_check_attrs(n, "<toggle>", known, "device=", err) == -1)
		return -1;
	if (ur_xml_get_attr(n, "device", d->toggle_device, sizeof(d->toggle_device),
	    &have, "<toggle>", err) == -1)
		return -1;
	if (!have || d->toggle_device[0] == '\0')
		return ur_errf(err, PFX "<toggle> has no device; add the alias "
		    "of a serial port or channel, like device=\"serial0\"");
	if (!is_name(d->toggle_device))
		return ur_errf(err, PFX "<toggle device=\"%s\">: not a device "
		    "alias (letters, digits, '_', '.', '-'); use one like "
		    "\"serial0\" or \"ua-usbroute\"", d->toggle_device);
	return 0;
}

/* Exactly one default when there are several profiles: guessing which
 * ports a domain takes at start is not ours to do. */
static int
pick_default(struct ur_domain *d, struct ur_err *err)
{
	char names[160];
	int i, first = -1, count = 0;
	size_t used = 0;

	names[0] = '\0';
	for (i = 0; i < d->nprofiles; i++) {
		if (!d->profile[i].is_default)
			continue;
		if (first == -1)
			first = i;
		count++;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used,
			    sizeof(names) - used, "%s%s",
			    count > 1 ? ", " : "", d->profile[i].name);
	}
	if (count > 1)
		return ur_errf(err, PFX "%s profiles are marked default (%s); "
		    "mark one", count == 2 ? "two" : "several", names);
	if (count == 0 && d->nprofiles > 1)
		return ur_errf(err, PFX "%d profiles and none is "
		    "default=\"yes\"; mark the one to claim at start",
		    d->nprofiles);
	if (count == 0 && d->nprofiles == 1) {
		first = 0;
		d->profile[0].is_default = 1;
	}
	d->default_profile = first;
	return 0;
}

static int
parse_ours(xmlNodePtr root, struct ur_domain *d, struct ur_err *err)
{
	static const char *const known[] = {
		"controllers", "ports", "devices", "required", NULL
	};
	char ctrls[128];
	xmlNodePtr c;
	int have_ctrls, have_ports, have_devs;
	struct ur_profile *p;

	if (!ur_xml_is_named(root, UR_META_KEY))
		return ur_errf(err, PFX "element <%s> in namespace %s; the "
		    "element is <usbroute>", (const char *)root->name,
		    UR_META_NS);
	d->has_meta = 1;
	if (ur_xml_check_attrs(root, "<usbroute>", known,
	    "controllers=, ports=, devices= and required=", err) == -1)
		return -1;
	if (ur_xml_get_attr(root, "controllers", ctrls, sizeof(ctrls), &have_ctrls,
	    "<usbroute>", err) == -1)
		return -1;
	if (have_ctrls && parse_controllers(ctrls, &d->attr_ctrls, err) == -1)
		return -1;

	for (c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !ur_xml_is_ours_or_plain(c))
			continue;
		if (ur_xml_is_named(c, "profile")) {
			if (parse_profile(c, d, err) == -1)
				return -1;
		} else if (ur_xml_is_named(c, "toggle")) {
			if (parse_toggle(c, d, err) == -1)
				return -1;
		} else {
			return ur_errf(err, PFX "unknown element <%s>; use "
			    "<profile> or <toggle>", (const char *)c->name);
		}
	}

	/* Short form: ports= and devices= on the root are one profile
	 * named "default". */
	if (xmlHasNsProp(root, (const xmlChar *)"ports", NULL) != NULL ||
	    xmlHasNsProp(root, (const xmlChar *)"devices", NULL) != NULL ||
	    xmlHasNsProp(root, (const xmlChar *)"required", NULL) != NULL) {
		if (d->nprofiles > 0)
			return ur_errf(err, PFX "%s= on <usbroute> and "
			    "<profile> elements; move it into a profile",
			    xmlHasNsProp(root, (const xmlChar *)"ports",
			    NULL) != NULL ? "ports" : "devices");
		p = &d->profile[0];
		memset(p, 0, sizeof(*p));
		if (ur_xml_get_attr(root, "ports", p->ports, sizeof(p->ports),
		    &have_ports, "<usbroute>", err) == -1 ||
		    parse_devices(root, p, "<usbroute>", &have_devs,
		    err) == -1)
			return -1;
		if (!have_ports && !have_devs)
			return ur_errf(err, PFX "<usbroute> has required= but "
			    "no devices=; name the devices it requires");
		if (have_ports && is_blank(p->ports))
			return ur_errf(err, PFX "<usbroute> has empty ports=; "
			    "list ports like ports=\"ehci2.1-6\"");
		snprintf(p->name, sizeof(p->name), "default");
		p->is_default = 1;
		d->nprofiles = 1;
	}
	return pick_default(d, err);
}

/* ------------------------------------------------------- the domain */

/* A PCI address number, hex with or without 0x, as libvirt accepts it. */
static int
get_hex(xmlNodePtr n, const char *name, unsigned long dflt,
    unsigned long *out)
{
	xmlChar *v;
	const char *s;
	char *end;

	v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (v == NULL) {
		*out = dflt;
		return dflt == ULONG_MAX ? -1 : 0;
	}
	s = (const char *)v;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit((unsigned char)s[0])) {
		xmlFree(v);
		return -1;
	}
	*out = strtoul(s, &end, 16);
	if (*end != '\0') {
		xmlFree(v);
		return -1;
	}
	xmlFree(v);
	return 0;
}

static unsigned
hostdev_ctrl(xmlNodePtr hostdev)
{
	unsigned long dom, bus, slot, fn;
	xmlNodePtr src, addr;
	xmlChar *mode, *type;
	int pci;

	mode = xmlGetNoNsProp(hostdev, (const xmlChar *)"mode");
	type = xmlGetNoNsProp(hostdev, (const xmlChar *)"type");
	pci = mode != NULL && type != NULL &&
	    xmlStrcmp(mode, (const xmlChar *)"subsystem") == 0 &&
	    xmlStrcmp(type, (const xmlChar *)"pci") == 0;
	xmlFree(mode);
	xmlFree(type);
	if (!pci)
		return 0;
	if ((src = ur_xml_plain_child(hostdev, "source")) == NULL ||
	    (addr = ur_xml_plain_child(src, "address")) == NULL)
		return 0;
	if (get_hex(addr, "domain", 0, &dom) == -1 ||
	    get_hex(addr, "bus", ULONG_MAX, &bus) == -1 ||
	    get_hex(addr, "slot", ULONG_MAX, &slot) == -1 ||
	    get_hex(addr, "function", 0, &fn) == -1)
		return 0;
	if (dom != 0 || bus != 0 || fn != 0)
		return 0;
	switch (slot) {
	case 0x14:
		return UR_CTRL_XHCI;
	case 0x1d:
		return UR_CTRL_EHCI1;
	case 0x1a:
		return UR_CTRL_EHCI2;
	}
	return 0;
}

/* Text of a libvirt element such as <uuid>, trimmed. */
static int
get_text(xmlNodePtr parent, const char *name, char *dst, size_t size,
    struct ur_err *err)
{
	char show[SHOW_MAX];
	xmlNodePtr n;
	xmlChar *v;
	const char *s;
	size_t len;

	dst[0] = '\0';
	if ((n = ur_xml_plain_child(parent, name)) == NULL)
		return 0;
	if ((v = xmlNodeGetContent(n)) == NULL)
		return ur_errf(err, "domain XML: out of memory reading <%s>",
		    name);
	s = (const char *)v;
	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= size) {
		ur_errf(err, "domain <%s>%s</%s> is %zu bytes, longer than "
		    "the %zu usbroute handles; shorten it", name,
		    ur_xml_shorten(s, show, sizeof(show)), name, len, size - 1);
		xmlFree(v);
		return -1;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	xmlFree(v);
	return 0;
}

static int
parse_domain(xmlNodePtr dom, struct ur_domain *d, struct ur_err *err)
{
	xmlNodePtr meta, devs, c, ours = NULL;

	/* d->uuid is not read here: ur_meta_parse takes it from the one
	 * scanner every path uses (metascan.c). */
	if (get_text(dom, "name", d->name, sizeof(d->name), err) == -1)
		return -1;

	if ((devs = ur_xml_plain_child(dom, "devices")) != NULL)
		for (c = devs->children; c != NULL; c = c->next)
			if (ur_xml_is_named(c, "hostdev") && c->ns == NULL)
				d->hostdev_ctrls |= hostdev_ctrl(c);

	if ((meta = ur_xml_plain_child(dom, "metadata")) == NULL)
		return 0;
	for (c = meta->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !ur_xml_in_our_ns(c))
			continue;
		/* libvirt keeps one element per namespace; two means the
		 * XML was not written by libvirt, and we will not guess. */
		if (ours != NULL)
			return ur_errf(err, PFX "two elements in namespace %s "
			    "inside <metadata>; keep one", UR_META_NS);
		ours = c;
	}
	if (ours == NULL)
		return 0;
	return parse_ours(ours, d, err);
}

int
ur_meta_parse(const char *xml, size_t len, struct ur_domain *d,
    struct ur_err *err)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int rc;

	ur_domain_init(d);
	if (xml == NULL || len == 0)
		return ur_errf(err, "domain XML is empty");
	if (ur_metascan_bounded(xml, len, err) < 0)
		return -1;
	if ((doc = ur_xml_read(xml, len, err)) == NULL)
		return ur_xml_one_line(err);
	root = xmlDocGetRootElement(doc);
	if (ur_xml_is_named(root, "domain") && root->ns == NULL) {
		rc = parse_domain(root, d, err);
		/* The domain's identity as the hook's release finds it,
		 * without this parser: one answer on every path. */
		if (rc == 0 && ur_metascan_uuid(xml, len, d->uuid,
		    sizeof(d->uuid)) < 0)
			rc = ur_errf(err, "domain <uuid> is not a UUID (hex "
			    "digits and dashes, at most %zu); pass the XML "
			    "libvirt wrote", sizeof(d->uuid) - 1);
	}
	else if (ur_xml_is_named(root, UR_META_KEY) && ur_xml_is_ours_or_plain(root))
		rc = parse_ours(root, d, err);
	else if (ur_xml_in_our_ns(root))
		rc = parse_ours(root, d, err);	/* names the wrong element */
	else
		rc = ur_errf(err, "XML root is <%s>, neither a libvirt "
		    "<domain> nor a <usbroute> element in %s; pass the "
		    "domain XML",
		    (const char *)root->name, UR_META_NS);
	xmlFreeDoc(doc);
	if (rc == -1) {
		/* Half a result is no result: callers may not peek. */
		ur_domain_init(d);
		ur_xml_one_line(err);
	}
	return rc;
}

/* --------------------------------------------------------- format */

struct out {
	char *buf;
	size_t len, used;
	int overflow;
};

static void
put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->overflow = 1;
		return;
	}
	o->used += (size_t)n;
}

/* An attribute value; tabs and newlines as references because XML
 * turns literal ones into spaces on the way back in. */
static void
put_attr(struct out *o, const char *name, const char *v)
{
	put(o, " %s=\"", name);
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '&': put(o, "&amp;"); break;
		case '<': put(o, "&lt;"); break;
		case '>': put(o, "&gt;"); break;
		case '"': put(o, "&quot;"); break;
		case '\'': put(o, "&apos;"); break;
		case '\t': put(o, "&#9;"); break;
		case '\n': put(o, "&#10;"); break;
		case '\r': put(o, "&#13;"); break;
		default: put(o, "%c", *v); break;
		}
	}
	put(o, "\"");
}

int
ur_meta_format(const struct ur_domain *d, char *buf, size_t len,
    struct ur_err *err)
{
	struct ur_domain check;
	struct out o = { buf, len, 0, 0 };
	char ctrls[32];
	int i;

	if (buf == NULL || len == 0)
		return ur_errf(err, PFX "no room to write the element");
	buf[0] = '\0';
	if (d->nprofiles < 0 || d->nprofiles > UR_DOMAIN_MAX_PROFILES)
		return ur_errf(err, PFX "%d profiles; at most %d", d->nprofiles,
		    UR_DOMAIN_MAX_PROFILES);

	put(&o, "<%s xmlns=\"%s\"", UR_META_KEY, UR_META_NS);
	if (d->attr_ctrls != 0) {
		/* Spaces, not ur_chipset_ctrl_format's commas: XML lists are
		 * space-separated. */
		snprintf(ctrls, sizeof(ctrls), "%s%s%s",
		    d->attr_ctrls & UR_CTRL_EHCI1 ? " ehci1" : "",
		    d->attr_ctrls & UR_CTRL_EHCI2 ? " ehci2" : "",
		    d->attr_ctrls & UR_CTRL_XHCI ? " xhci" : "");
		put_attr(&o, "controllers", ctrls + 1);
	}
	if (d->nprofiles == 0 && d->toggle_device[0] == '\0') {
		put(&o, "/>\n");
	} else {
		put(&o, ">\n");
		for (i = 0; i < d->nprofiles; i++) {
			put(&o, "  <profile");
			put_attr(&o, "name", d->profile[i].name);
			if (d->profile[i].ports[0] != '\0' ||
			    d->profile[i].devices[0] == '\0')
				put_attr(&o, "ports", d->profile[i].ports);
			if (d->profile[i].devices[0] != '\0')
				put_attr(&o, "devices", d->profile[i].devices);
			if (d->profile[i].required)
				put(&o, " required=\"yes\"");
			if (d->profile[i].is_default ||
			    i == d->default_profile)
				put(&o, " default=\"yes\"");
			put(&o, "/>\n");
		}
		if (d->toggle_device[0] != '\0') {
			put(&o, "  <toggle");
			put_attr(&o, "device", d->toggle_device);
			put(&o, "/>\n");
		}
		put(&o, "</%s>\n", UR_META_KEY);
	}
	if (o.overflow) {
		buf[0] = '\0';
		return ur_errf(err, PFX "the element needs more than %zu bytes",
		    len - 1);
	}

	/* Never hand libvirt something the hook would refuse at start. */
	if (ur_meta_parse(buf, o.used, &check, err) == -1) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
