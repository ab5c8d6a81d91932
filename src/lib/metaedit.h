/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Editing a domain's routing metadata in memory: the rules of
 * 'usbroute domain NAME set|unset', apart from libvirt and from I/O.
 * Reading and writing the element is meta.c's; this only changes the
 * struct between the two. */
#ifndef UR_METAEDIT_H
#define UR_METAEDIT_H

#include "err.h"
#include "domain.h"

/*
 * Every function here keeps what ur_meta_parse guarantees: when there
 * are profiles, exactly one has is_default set and default_profile is
 * its index; when there are none, default_profile is -1.  An edit that
 * fails leaves the struct as it was.  Messages name the domain as the
 * caller does (domain), and are written for 'usbroute domain'.
 */

/* One set: what to change.  NULL and 0 leave a field as it is. */
struct ur_metaedit {
	const char *profile;	/* the profile to change; NULL means
				 * "default", and then only ports or dflt
				 * touch a profile at all */
	const char *ports;	/* its ports; a profile not there is added */
	const char *devices;	/* its devices (as ports: "" removes them) */
	int required;		/* 1: required="yes"; -1: not; 0: as it is */
	int dflt;		/* 1: make it the default; -1: refuse if it
				 * is the default; 0: it keeps its flag */
	const char *toggle;	/* the toggle device; "" removes it */
	int set_ctrls;		/* controllers= becomes ctrls (0 removes) */
	unsigned ctrls;		/* enum ur_ctrl */
};

/*
 * Applies e.  A profile is added only with ports or devices, and at most
 * UR_DOMAIN_MAX_PROFILES; the first profile becomes the default, later
 * ones only with dflt 1; a profile replaced keeps its default flag.
 * Making one profile the default takes the flag from the others;
 * dflt -1 refuses rather than leave a domain with profiles and no
 * default.  Naming a profile that is not there, without ports or
 * devices, is refused; so is a profile left with neither, a device word
 * that is wrong, and required without devices.  Text longer than its
 * field is refused, not cut.
 */
int ur_metaedit_set(struct ur_domain *d, const struct ur_metaedit *e,
    const char *domain, struct ur_err *err);

/*
 * Removes the profile with this name; the error for a name not there
 * lists the ones that are.  Removing the default profile is refused
 * while two or more others would remain (which one to claim at start is
 * the user's choice); with one other left, that one becomes the default.
 */
int ur_metaedit_remove(struct ur_domain *d, const char *profile,
    const char *domain, struct ur_err *err);

#endif
