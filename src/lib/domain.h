/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A domain as usbroute sees it: its routing profiles and the PCH
 * controllers it holds.  Plain data and questions about it; reading it
 * from XML and writing it back is meta.c's (libxml2), so a program that
 * only asks questions (the hook's release) loads no XML library. */
#ifndef UR_DOMAIN_H
#define UR_DOMAIN_H

#define UR_DOMAIN_MAX_PROFILES 8

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
	struct ur_profile profile[UR_DOMAIN_MAX_PROFILES];
	int default_profile;	/* index, or -1 when there are no profiles */
	char toggle_device[64];	/* <toggle device=>, "" if none */
};

/* A domain with no metadata: no profiles, no default. */
void ur_domain_init(struct ur_domain *d);

/* The controllers the domain holds: hostdev_ctrls | attr_ctrls. */
unsigned ur_domain_ctrls(const struct ur_domain *d);

/* The index of the profile called name, or -1. */
int ur_domain_find_profile(const struct ur_domain *d, const char *name);

/* Nothing left to say: no profiles, no toggle, no controllers=. */
int ur_domain_is_empty(const struct ur_domain *d);

#endif
