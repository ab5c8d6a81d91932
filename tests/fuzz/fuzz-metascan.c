/*
 * The hook's fast path, ur_metascan_mentions and ur_metascan_uuid, on arbitrary
 * bytes without a terminating NUL.  Invariants: a UUID found is a
 * non-empty, trimmed piece of the input that fits, and the same with any
 * buffer large enough; and the fast path never skips a domain the XML
 * parser finds our element in (for a <domain> in plain ASCII without
 * character references, which is what libvirt writes; our element alone
 * may leave the namespace out, but the hook never sees one).
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

/* Is the root element a <domain>?  Asked only when the fast path and the
 * parser disagree, so it may be slow. */
static int
is_domain(const char *xml, size_t size)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int yes;

	doc = xmlReadMemory(xml, (int)size, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return 0;
	root = xmlDocGetRootElement(doc);
	yes = root != NULL && root->ns == NULL &&
	    xmlStrcmp(root->name, (const xmlChar *)"domain") == 0;
	xmlFreeDoc(doc);
	return yes;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_domain d;
	char uuid[64], *small, *xml;
	struct ur_err err;
	size_t n;
	int mentions;

	if ((xml = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(xml, data, size);

	mentions = ur_metascan_mentions(xml, size);
	FUZZ_CHECK(mentions == 0 || mentions == 1);

	if (ur_metascan_uuid(xml, size, uuid, sizeof(uuid)) == 0) {
		n = strnlen(uuid, sizeof(uuid));
		FUZZ_CHECK(n > 0 && n < sizeof(uuid));
		FUZZ_CHECK(!isspace((unsigned char)uuid[0]));
		FUZZ_CHECK(!isspace((unsigned char)uuid[n - 1]));
		FUZZ_CHECK(memmem(xml, size, uuid, n) != NULL);
		if ((small = malloc(n + 1)) == NULL)
			abort();
		FUZZ_CHECK(ur_metascan_uuid(xml, size, small, n + 1) == 0);
		FUZZ_CHECK(strcmp(small, uuid) == 0);
		FUZZ_CHECK(ur_metascan_uuid(xml, size, small, n) == -1);
		free(small);
	} else
		FUZZ_CHECK(ur_metascan_uuid(xml, size, uuid, 1) == -1);

	if (!mentions && plain_ascii(data, size) &&
	    ur_meta_parse(xml, size, &d, &err) == 0 && d.has_meta)
		FUZZ_CHECK(!is_domain(xml, size));
	free(xml);
	return 0;
}
