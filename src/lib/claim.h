/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a domain's profile claims: its ports, and the port each device it
 * names is plugged into now.  The hook and the daemon build the claim
 * inside a commit (the table under its lock), so "held by another
 * domain" is decided against the table as it is. */
#ifndef UR_CLAIM_H
#define UR_CLAIM_H

#include <stdint.h>

#include "devspec.h"
#include "machine.h"
#include "domain.h"
#include "table.h"

struct ur_claimdev {
	char device[96];	/* canonical: "046d:c52b[/SERIAL]" */
	int bit;		/* the port it is on; -1: not plugged in */
	char busid[32];		/* where sysfs shows it, "" if absent */
	char product[128];
};

struct ur_claim {
	struct ur_owner owner;	/* ports = fixed | the devices' ports */
	uint16_t fixed;		/* the profile's ports= */
	int ndevs;
	struct ur_claimdev dev[UR_DEVSPEC_MAX];
};

/* A profile's ports= on machine m: 0 when it names only devices. */
int ur_claim_fixed(const struct ur_machine *m, const struct ur_profile *p,
    uint16_t *mask, struct ur_err *err);

/*
 * Builds the claim of profile `profile` (an index) of domain d for owner
 * id/name.  Refused with one line: a port word that is wrong here; a
 * required device that is not plugged in; a device plugged in twice
 * (name it by serial); a device on a port that cannot be switched (no
 * XUSB2PR bit, fused, USB2PRM 0, or a SuperSpeed port no ss-pair ties),
 * on a port another owner in t holds, or on a port of a controller the
 * domain does not hold.  A device that is not plugged in (and not
 * required) is in the claim with bit -1.
 */
int ur_claim_build(const struct ur_machine *m, const struct ur_table *t,
    const struct ur_domain *d, int profile, const char *id,
    const char *name, struct ur_claim *c, struct ur_err *err);

/* Puts c in t: the owner and its device records. */
int ur_claim_apply(struct ur_table *t, const struct ur_machine *m,
    const struct ur_claim *c, struct ur_err *err);

/*
 * The one way an owner comes from a profile: domain d claims its profile
 * named `profile` (its devices where they are plugged in now) for owner
 * id/name, in t.  Refused as ur_claim_build and ur_claim_apply refuse,
 * and when d has no such profile (naming the ones it has).  The hook's
 * prepare and reconnect and the daemon's guest and profile requests all
 * claim through it, inside a commit.
 */
int ur_claim_profile(const struct ur_machine *m, struct ur_table *t,
    const struct ur_domain *d, const char *profile, const char *id,
    const char *name, struct ur_claim *c, struct ur_err *err);

/* What following a domain's devices did, for the log. */
enum ur_follow_what {
	UR_FOLLOW_MOVED,	/* device moved; its port claim moved with it */
	UR_FOLLOW_LEFT,		/* device on a port another domain holds */
	UR_FOLLOW_REFUSED,	/* device on a port the domain cannot have */
};

struct ur_follow {
	enum ur_follow_what what;
	char device[96];
	int from, to;		/* ports (bits); -1: none */
	char why[256];		/* LEFT, REFUSED: one line */
};

#define UR_FOLLOW_MAX UR_DEVSPEC_MAX

/*
 * Owner id's devices (from its profile in d) where they are now: a
 * device found on a port other than the one it holds moves its claim
 * there (the old port goes home unless the profile or another device
 * keeps it).  A device not found keeps its port: it may be on the
 * guest's side, where the host cannot see it.  A device on a port
 * another owner holds, or one the domain cannot have, is left where it
 * is and reported.  *n gets the number of notes.  Returns 1 if the
 * table changed, 0 if not, -1 on an error.
 */
int ur_claim_follow(struct ur_table *t, const struct ur_machine *m,
    const struct ur_domain *d, const char *id,
    struct ur_follow notes[UR_FOLLOW_MAX], int *n, struct ur_err *err);

#endif
