/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libxml2 reader (xml.c): a document from memory with no
 * network and no entities, its first error on one line, and node helpers.
 * ur_xml_read fails with NULL, check_attrs, get_attr and one_line with
 * -1 (< 0), each saying why in err; the is_ and in_ ones are predicates. */
#ifndef UR_XML_H
#define UR_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "err.h"

xmlDocPtr ur_xml_read(const char *xml, size_t len, struct ur_err *err);
int ur_xml_one_line(struct ur_err *err);
int ur_xml_is_named(xmlNodePtr n, const char *name);
int ur_xml_in_our_ns(xmlNodePtr n);
int ur_xml_is_ours_or_plain(xmlNodePtr n);
xmlNodePtr ur_xml_plain_child(xmlNodePtr parent, const char *name);
const char *ur_xml_shorten(const char *s, char *buf, size_t len);
int ur_xml_check_attrs(xmlNodePtr n, const char *what,
    const char *const *known, const char *hint, struct ur_err *err);
int ur_xml_get_attr(xmlNodePtr n, const char *name, char *dst, size_t size,
    int *present, const char *what, struct ur_err *err);

#endif
