/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hook's fast path (metascan.c) on arbitrary bytes without a
 * terminating NUL, checked against libxml2.
 *
 * Invariants:
 * - /domain/uuid as the scanner finds it is libxml2's answer: where the
 *   document parses, the scanner never names another UUID than the text
 *   of the first <uuid> child of a root <domain> (both without a
 *   namespace), never says "none" when libxml2 finds one, and finds
 *   every one libxml2 reads as a UUID in plain ASCII without character
 *   references (those it refuses: a refusal, never another answer);
 * - a UUID found fits, and the same with any buffer large enough;
 * - the fast path never skips a domain the XML parser finds our element
 *   in (for a <domain> in plain ASCII without character references,
 *   which is what libvirt writes);
 * - the attribute bound never lets through what it says it refuses.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fuzz.h"
#include "meta.h"
#include "metascan.h"

static int
plain_ascii(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (data[i] == '\0' || data[i] >= 0x80 || data[i] == '&')
			return 0;
	return memmem(data, size, "encoding", 8) == NULL;
}

static xmlDocPtr
parse(const char *xml, size_t size)
{
	if (size > 1u << 20)
		return NULL;
	return xmlReadMemory(xml, (int)size, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Is the root element a <domain>?  Asked only when the fast path and the
 * parser disagree, so it may be slow. */
static int
is_domain(const char *xml, size_t size)
{
	xmlDocPtr doc = parse(xml, size);
	xmlNodePtr root;
	int yes;

	if (doc == NULL)
		return 0;
	root = xmlDocGetRootElement(doc);
	yes = root != NULL && root->ns == NULL &&
	    xmlStrcmp(root->name, (const xmlChar *)"domain") == 0;
	xmlFreeDoc(doc);
	return yes;
}

/*
 * libxml2's /domain/uuid: 1 with the trimmed text in out if it is a UUID
 * as usbroute takes it, 0 for none, -1 for one that is not a UUID, -2
 * when the document does not parse (or has a DTD: refused elsewhere).
 */
static int
libxml_uuid(const char *xml, size_t size, char *out, size_t len)
{
	xmlDocPtr doc = parse(xml, size);
	xmlNodePtr root, c;
	xmlChar *v;
	const char *s;
	size_t n, i;
	int rc = 0;

	if (doc == NULL)
		return -2;
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL || root == NULL) {
		xmlFreeDoc(doc);
		return -2;
	}
	if (root->ns != NULL ||
	    xmlStrcmp(root->name, (const xmlChar *)"domain") != 0) {
		xmlFreeDoc(doc);
		return 0;
	}
	for (c = root->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns == NULL &&
		    xmlStrcmp(c->name, (const xmlChar *)"uuid") == 0)
			break;
	if (c != NULL) {
		rc = -1;
		if ((v = xmlNodeGetContent(c)) == NULL)
			abort();
		s = (const char *)v;
		s += strspn(s, " \t\r\n");
		n = strlen(s);
		while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
			n--;
		for (i = 0; i < n; i++)
			if (!isxdigit((unsigned char)s[i]) && s[i] != '-')
				break;
		/* Element children make no UUID for the scanner. */
		for (c = c->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				n = 0;
		if (n > 0 && i == n && n < len) {
			memcpy(out, s, n);
			out[n] = '\0';
			rc = 1;
		}
		xmlFree(v);
	}
	xmlFreeDoc(doc);
	return rc;
}

static void
check_against_libxml(const uint8_t *data, const char *xml, size_t size)
{
	char mine[64], theirs[64];
	int a, b;

	a = ur_metascan_uuid(xml, size, mine, sizeof(mine));
	b = libxml_uuid(xml, size, theirs, sizeof(theirs));
	if (b == -2)
		return;
	if (a == 1)
		FUZZ_CHECK(b == 1 && strcmp(mine, theirs) == 0);
	if (a == 0)
		FUZZ_CHECK(b == 0);
	/* Other encodings and character references: refused, not read. */
	if (b == 1 && plain_ascii(data, size))
		FUZZ_CHECK(a == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_domain d;
	char uuid[64], *small, *xml;
	struct ur_err err;
	size_t n;
	int mentions, rc;

	if ((xml = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(xml, data, size);

	mentions = ur_metascan_mentions(xml, size);
	FUZZ_CHECK(mentions == 0 || mentions == 1);

	rc = ur_metascan_uuid(xml, size, uuid, sizeof(uuid));
	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc == 1) {
		n = strnlen(uuid, sizeof(uuid));
		FUZZ_CHECK(n > 0 && n < sizeof(uuid));
		FUZZ_CHECK(strspn(uuid, "0123456789abcdefABCDEF-") == n);
		if ((small = malloc(n + 1)) == NULL)
			abort();
		FUZZ_CHECK(ur_metascan_uuid(xml, size, small, n + 1) == 1);
		FUZZ_CHECK(strcmp(small, uuid) == 0);
		FUZZ_CHECK(ur_metascan_uuid(xml, size, small, n) == -1);
		free(small);
	}
	check_against_libxml(data, xml, size);

	if (ur_metascan_bounded(xml, size, &err) == 0 &&
	    ur_meta_parse(xml, size, &d, &err) == 0 && d.has_meta &&
	    !mentions && plain_ascii(data, size))
		FUZZ_CHECK(!is_domain(xml, size));
	free(xml);
	return 0;
}
