/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain's routing metadata read from its XML and written back
 * (libxml2): our element inside <metadata>, and the PCH controllers the
 * domain is given in <hostdev>.  The struct it fills is domain.h's. */
#ifndef UR_META_H
#define UR_META_H

#include <stddef.h>

#include "domain.h"
#include "err.h"

#define UR_META_NS  "urn:usbroute:libvirt:domain:1"
#define UR_META_KEY "usbroute"

/*
 * Parses a whole domain XML (the hook's stdin, virDomainGetXMLDesc) or
 * our element alone (virDomainGetMetadata).  No network, no entity
 * expansion, no DTD loading.  A domain without our element parses fine
 * with has_meta = 0.  A malformed element is an error naming what is
 * wrong (two default profiles, a profile without ports, ...).
 */
int ur_meta_parse(const char *xml, size_t len, struct ur_domain *d,
    struct ur_err *err);

/* Our element as XML text, for virDomainSetMetadata. */
int ur_meta_format(const struct ur_domain *d, char *buf, size_t len,
    struct ur_err *err);

#endif
