/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one symbol usbroute-hook-xml.so exports (everything else in it is
 * built hidden, so its copy of the library never meets the hook's). */
#include "config.h"

#include "meta.h"
#include "xmlreader.h"

__attribute__((visibility("default")))
const struct hook_xml usbroute_hook_xml = {
	HOOK_XML_ABI,
	sizeof(struct ur_domain),
	sizeof(struct ur_err),
	ur_meta_parse,
};
