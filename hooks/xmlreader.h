/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the hook and its XML reader, usbroute-hook-xml.so: the reader
 * is meta.c built into a module of its own, with libxml2 behind it, so
 * that a hook call for a domain without our metadata, and every
 * release, loads no XML library.  The module and the hook come from one
 * build; the ABI stamp refuses one from another (a half-done upgrade).
 */
#ifndef UR_HOOK_XMLREADER_H
#define UR_HOOK_XMLREADER_H

#include <stddef.h>

#include "domain.h"
#include "err.h"

#define HOOK_XML_MODULE "usbroute-hook-xml.so"
#define HOOK_XML_SYMBOL "usbroute_hook_xml"
#define HOOK_XML_ABI 1u		/* bump when struct hook_xml changes */

struct hook_xml {
	unsigned abi;
	size_t domain_size, err_size;	/* sizeof struct ur_domain, ur_err */
	/* ur_meta_parse */
	int (*parse)(const char *xml, size_t len, struct ur_domain *d,
	    struct ur_err *err);
};

#endif
