/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ownership table: who holds each switchable port, and which side
 * that puts it on.  Pure data and pure functions; the file behind it is
 * state.c, the registers are route.c. */
#ifndef UR_TABLE_H
#define UR_TABLE_H

#include <stdint.h>

#include "chipset.h"
#include "err.h"

#define UR_MAX_OWNERS 16
#define UR_HOST (-1)

struct ur_owner {
	char id[64];		/* domain UUID, or any string from the CLI */
	char name[128];		/* domain name, for messages */
	char profile[64];	/* the profile that claimed the ports */
	unsigned ctrls;		/* enum ur_ctrl set the owner holds */
	uint16_t ports;		/* ports it claimed */
	uint16_t lent;		/* of those, the ones it has given back to the
				 * host for now (a guest toggle) */
};

/* A device a profile names, and the port it made its owner claim: the
 * port follows the device (the daemon moves it) while the owner runs. */
#define UR_MAX_DEVCLAIMS 32
struct ur_devclaim {
	char owner[64];		/* the owner's id */
	char device[96];	/* "046d:c52b" or "046d:c52b/SERIAL" */
	int8_t bit;		/* the port it holds; -1: not plugged in */
};

struct ur_table {
	int nowners;
	struct ur_owner owner[UR_MAX_OWNERS];
	int ndevs;
	struct ur_devclaim dev[UR_MAX_DEVCLAIMS];
	uint16_t pin_mask;	/* host ports routed by hand (route/set) */
	uint16_t pin_xhci;	/* ... and the side they were put on */
	char pm_saved[16];	/* xHCI power/control before we set "on" */
};

void ur_table_init(struct ur_table *t);

/*
 * "Holds no controller", decided here only.  An owner holding ctrls (enum
 * ur_ctrl) may have port bit when it holds the EHCI the port is wired to,
 * or the xHCI.  Returns 0, or -1 with why = "WHO holds neither EHCI #N
 * nor the xHCI" (why may be NULL).  UR_NO_CTRL is what is said of a
 * domain that holds none at all.
 */
int ur_table_reach(unsigned ctrls, const struct ur_chipset *cs, int bit,
    const char *who, char *why, size_t len);
#define UR_NO_CTRL "holds no PCH USB controller; pass 00:1a.0 or " \
	"00:1d.0 (or 00:14.0) with <hostdev>, or name them in " \
	"controllers= of its usbroute metadata"

/* The owner with this id, or NULL. */
struct ur_owner *ur_table_find(struct ur_table *t, const char *id);
const struct ur_owner *ur_table_holder(const struct ur_table *t, int bit);

/*
 * Owner o now holds exactly o->ports (idempotent; a claim replaces the
 * owner's earlier set, and drops its device records).  Refused, naming
 * the holder, if another owner holds one of them, and refused if o does
 * not hold a controller that port can be routed to.
 */
int ur_table_claim(struct ur_table *t, const struct ur_owner *o,
    const struct ur_chipset *cs, struct ur_err *err);

/* Lends all the owner's ports to the host (lend 1), or gives them back
 * to the owner (lend 0).  Returns -1 if there is no such owner. */
int ur_table_lend(struct ur_table *t, const char *id, int lend);

/* The owner's device records become devs[0..n-1] (its earlier ones go).
 * -1 if the table has no room. */
int ur_table_set_devices(struct ur_table *t, const char *id,
    const struct ur_devclaim *devs, int n);

/* The device record that holds port bit for owner id, or NULL. */
const struct ur_devclaim *ur_table_device_at(const struct ur_table *t,
    const char *id, int bit);

/* Forgets the owner and its device records; returns the ports it held
 * (0 if it held none). */
uint16_t ur_table_release(struct ur_table *t, const char *id);

/*
 * The side every port should be on.  Returns the XUSB2PR bits (1 = xHCI)
 * for the ports in switchable; bits outside switchable are 0 and must be
 * taken from the register.
 *
 * A domain's port goes to its EHCI when the domain holds that EHCI, else
 * to the xHCI when it holds the xHCI.  A host port goes to the side it was
 * pinned to by hand, else to the xHCI unless a domain holds the xHCI.
 */
uint16_t ur_table_compute(const struct ur_table *t,
    const struct ur_chipset *cs, uint16_t switchable);

/* Ports whose side differs from where Linux puts them (all on xHCI):
 * while any are, runtime PM of the xHCI must stay off. */
uint16_t ur_table_away(const struct ur_table *t,
    const struct ur_chipset *cs, uint16_t switchable);

#endif
