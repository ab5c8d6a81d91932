/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Looking at domain XML without an XML parser: the hook's fast path.
 * libvirt runs the hook for every domain; a domain that is none of ours
 * must not cost the loading of libxml2 and libpci.  This module links
 * libc only (the hook's front, src/hook/hook.c, uses it). */
#ifndef UR_METASCAN_H
#define UR_METASCAN_H

#include <stddef.h>

#include "err.h"

/* More attributes than this on one element: not a domain libvirt wrote
 * (its elements carry a dozen at most), and libxml2 2.9 checks them for
 * duplicates in time that grows with the square of their number. */
#define UR_METASCAN_MAX_ATTRS 1000

/* Can this text hold our element at all (does it name our namespace)? */
int ur_metascan_mentions(const char *xml, size_t len);

/*
 * The text of /domain/uuid, as an XML parser reads it: the first <uuid>
 * child of a root <domain>, both without a namespace; comments,
 * processing instructions and CDATA are read as XML reads them, and a
 * <uuid> anywhere else (in a comment, in metadata) is not it.  Returns
 * 1 with the trimmed text in uuid; 0 if the document has no
 * /domain/uuid; -1 if it has one that is not a UUID usbroute takes
 * (empty, not hex digits and dashes, longer than size - 1), or if the
 * text cannot be read as XML up to it (a <!DOCTYPE>, an unclosed tag).
 */
int ur_metascan_uuid(const char *xml, size_t len, char *uuid, size_t size);

/*
 * The one identity of a domain, the same on every path (claim, release,
 * reconnect, the hook's front): its /domain/uuid, or, when it has none,
 * its name (libvirt's argument) whole.  Never cut: a name that does not
 * fit, or a <uuid> that is no UUID, is refused.  Returns 0 or -1.
 */
int ur_metascan_identity(const char *xml, size_t len, const char *name,
    char *id, size_t size, struct ur_err *err);

/* Refuses (-1) XML with more than UR_METASCAN_MAX_ATTRS attributes on one
 * element, before any parser spends time on it. */
int ur_metascan_bounded(const char *xml, size_t len, struct ur_err *err);

#endif
