/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain's routing metadata: our element inside <metadata>, and the
 * PCH controllers the domain is given in <hostdev>. */
#ifndef UR_META_H
#define UR_META_H

#include <stddef.h>

#include "err.h"

#define UR_META_NS  "urn:usbroute:libvirt:domain:1"
#define UR_META_KEY "usbroute"
#define UR_META_MAX_PROFILES 8

struct ur_profile {
	char name[64];
	char ports[256];	/* port words, resolved later against the chipset;
				 * "" when the profile names only devices */
	char devices[256];	/* device words (devspec.h), checked; "" if none */
	int required;		/* required="yes": no start without them */
	int is_default;
};

struct ur_domain {
	char uuid[40];
	char name[128];
	int has_meta;		/* our element is there */
	unsigned hostdev_ctrls;	/* enum ur_ctrl: PCH controllers in <hostdev> */
	unsigned attr_ctrls;	/* enum ur_ctrl: controllers= on our element */
	int nprofiles;
	struct ur_profile profile[UR_META_MAX_PROFILES];
	int default_profile;	/* index, or -1 when there are no profiles */
	char toggle_device[64];	/* <toggle device=>, "" if none */
};

/*
 * Parses a whole domain XML (the hook's stdin, virDomainGetXMLDesc) or
 * our element alone (virDomainGetMetadata).  No network, no entity
 * expansion, no DTD loading.  A domain without our element parses fine
 * with has_meta = 0.  A malformed element is an error naming what is
 * wrong (two default profiles, a profile without ports, ...).
 */
int ur_meta_parse(const char *xml, size_t len, struct ur_domain *d,
    struct ur_err *err);

/* A domain with no metadata: no profiles, no default. */
void ur_meta_init(struct ur_domain *d);

/* The controllers the domain holds: hostdev_ctrls | attr_ctrls. */
unsigned ur_meta_ctrls(const struct ur_domain *d);

/* Our element as XML text, for virDomainSetMetadata. */
int ur_meta_format(const struct ur_domain *d, char *buf, size_t len,
    struct ur_err *err);

#endif
