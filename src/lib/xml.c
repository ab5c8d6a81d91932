/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libxml2 reader of domain XML and our element: no network, no
 * entities, the first error only, and the small node helpers the
 * metadata model (meta.c) and the channel lookup share. */
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

#include "err.h"
#include "meta.h"
#include "xml.h"

#define PFX "usbroute metadata: "	/* as meta.c's messages */
#define SHOW_MAX 24	/* how much of an oversize value a message quotes */

/* What the parser callbacks learn while libxml2 runs. */
struct parse_state {
	int saw_doctype;
	int have_error;
	int line;
	char msg[256];
};

/* ---------------------------------------------------------- libxml2 */

/*
 * libxml2 may report more errors after the first fatal one ("Premature
 * end of data" after a tag mismatch); the first is the one that points
 * at the mistake, so keep only that.
 */
#if LIBXML_VERSION >= 21200
typedef const xmlError *error_ptr;	/* 2.12 made the callback's const */
#else
typedef xmlErrorPtr error_ptr;
#endif

static void
on_error(void *data, error_ptr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_state *st;
	size_t n;

	if (ctxt == NULL || e == NULL || e->level < XML_ERR_ERROR)
		return;
	st = ctxt->_private;
	if (st == NULL || st->have_error)
		return;
	st->have_error = 1;
	st->line = e->line;
	snprintf(st->msg, sizeof(st->msg), "%s",
	    e->message != NULL ? e->message : "malformed XML");
	n = strlen(st->msg);
	while (n > 0 && isspace((unsigned char)st->msg[n - 1]))
		st->msg[--n] = '\0';
}

/*
 * libvirt never writes a DOCTYPE, and an internal subset is where entity
 * bombs live: stop at the declaration, before any of it is processed.
 */
static void
on_doctype(void *data, const xmlChar *name, const xmlChar *extid,
    const xmlChar *sysid)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_state *st;

	(void)name;
	(void)extid;
	(void)sysid;
	st = ctxt->_private;
	if (st != NULL)
		st->saw_doctype = 1;
	xmlStopParser(ctxt);
}

xmlDocPtr
ur_xml_read(const char *xml, size_t len, struct ur_err *err)
{
	struct parse_state st;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int opts;

	if (len > INT_MAX) {
		ur_errf(err, "domain XML is %zu bytes, too large to parse",
		    len);
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		ur_errf(err, "domain XML: out of memory creating the parser");
		return NULL;
	}
	ctxt->_private = &st;
	ctxt->sax->serror = on_error;
	ctxt->sax->internalSubset = on_doctype;

	/* No XML_PARSE_NOENT, DTDLOAD, DTDATTR or DTDVALID: nothing is
	 * fetched, expanded or validated. */
	opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL, opts);

	if (st.saw_doctype) {
		ur_errf(err, "domain XML has a <!DOCTYPE>: refused, libvirt "
		    "never writes one and it can declare entity bombs; "
		    "remove it");
		goto fail;
	}
	if (doc == NULL && !st.have_error) {
		/* Should a libxml2 version not pass errors to serror under
		 * XML_PARSE_NOERROR, its last error still has the line. */
		on_error(ctxt, xmlCtxtGetLastError(ctxt));
	}
	if (doc == NULL || st.have_error) {
		if (st.have_error)
			ur_errf(err, "domain XML line %d: %s", st.line, st.msg);
		else
			ur_errf(err, "domain XML is not well-formed");
		goto fail;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		ur_errf(err, "domain XML is empty");
		goto fail;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return NULL;
}

/* ------------------------------------------------------------ helpers */

/*
 * A message is one line of libvirt's error or of a log: libxml2's second
 * line ("Bytes: 0x..") and control characters quoted from the XML
 * ("&#10;" in a value) become spaces.  Returns -1.
 */
int
ur_xml_one_line(struct ur_err *err)
{
	char *p;

	if (err == NULL)
		return -1;
	for (p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return -1;
}

int
ur_xml_is_named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

int
ur_xml_in_our_ns(xmlNodePtr n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	    xmlStrcmp(n->ns->href, (const xmlChar *)UR_META_NS) == 0;
}

/* Our children: in our namespace, or in none (hand-written files put
 * only the root in the namespace). */
int
ur_xml_is_ours_or_plain(xmlNodePtr n)
{
	return n->ns == NULL || ur_xml_in_our_ns(n);
}

/* An element of libvirt's own vocabulary (which has no namespace). */
xmlNodePtr
ur_xml_plain_child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;

	for (c = parent->children; c != NULL; c = c->next)
		if (ur_xml_is_named(c, name) && c->ns == NULL)
			return c;
	return NULL;
}

/* "abcdef..." for messages about values too long to quote whole. */
const char *
ur_xml_shorten(const char *s, char *buf, size_t len)
{
	if (strlen(s) < len) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	snprintf(buf, len, "%.*s...", (int)(len - 4), s);
	return buf;
}

/*
 * Unknown attributes are refused rather than ignored: a typo such as
 * prots= would otherwise route nothing and say nothing.
 */
int
ur_xml_check_attrs(xmlNodePtr n, const char *what, const char *const *known,
    const char *hint, struct ur_err *err)
{
	xmlAttrPtr a;
	size_t i;

	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL && !(a->ns->href != NULL &&
		    xmlStrcmp(a->ns->href, (const xmlChar *)UR_META_NS) == 0))
			continue;	/* someone else's attribute */
		if (a->ns != NULL)
			return ur_errf(err, PFX "%s: attribute %s:%s has a "
			    "namespace prefix; write it as %s=", what,
			    a->ns->prefix != NULL ?
			    (const char *)a->ns->prefix : "",
			    (const char *)a->name, (const char *)a->name);
		for (i = 0; known[i] != NULL; i++)
			if (xmlStrcmp(a->name, (const xmlChar *)known[i]) == 0)
				break;
		if (known[i] == NULL)
			return ur_errf(err, PFX "%s: unknown attribute %s=; "
			    "use %s", what, (const char *)a->name, hint);
	}
	return 0;
}

/*
 * Copies attribute `name` into dst.  *present says whether it was there;
 * a value that does not fit is an error, never silently cut.
 */
int
ur_xml_get_attr(xmlNodePtr n, const char *name, char *dst, size_t size,
    int *present, const char *what, struct ur_err *err)
{
	char show[SHOW_MAX];
	xmlChar *v;
	size_t len;

	*present = 0;
	dst[0] = '\0';
	if (xmlHasNsProp(n, (const xmlChar *)name, NULL) == NULL)
		return 0;
	v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (v == NULL)
		return ur_errf(err, PFX "%s: out of memory reading %s=", what,
		    name);
	len = strlen((const char *)v);
	if (len >= size) {
		ur_errf(err, PFX "%s: %s=\"%s\" is %zu bytes, longer than the "
		    "%zu allowed; shorten it", what, name,
		    ur_xml_shorten((const char *)v, show, sizeof(show)), len,
		    size - 1);
		xmlFree(v);
		return -1;
	}
	memcpy(dst, v, len + 1);
	xmlFree(v);
	*present = 1;
	return 0;
}

