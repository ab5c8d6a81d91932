/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One machine (real or simulated) opened for routing: its config, its
 * xHCI, what the registers say now, and the transaction that changes the
 * ownership table and the registers together. */
#ifndef UR_MACHINE_H
#define UR_MACHINE_H

#include "conf.h"
#include "err.h"
#include "table.h"
#include "xhci.h"
#include "route.h"
#include "state.h"

struct ur_machine {
	const struct ur_conf *conf;
	struct ur_xhci *xhci;
	const struct ur_chipset *cs;
	struct ur_regs regs;		/* as last read */
	struct ur_regs before;		/* as the last ur_machine_commit read them
					 * under its lock, before writing:
					 * what a log's "from" is */
	uint16_t present;		/* ports: fuses, or USB2PRM says so */
	uint16_t switchable;		/* USB2PRM: what the OS may move */
	uint16_t fused;			/* ports the fuses leave */
	uint8_t ss_present;		/* PSSEN bits the fuses leave */
	struct ur_pairs pairs;
	/* Set by a process that commits often (the daemon): the state
	 * lock's file stays open between commits. */
	int keep_lock;
	struct ur_lock lock;
};

int ur_machine_open(struct ur_machine *m, const struct ur_conf *conf,
    struct ur_err *err);
void ur_machine_close(struct ur_machine *m);

/* Changes the table; returning -1 aborts the whole transaction, 1 ends
 * it with nothing changed (nothing to do: ur_machine_commit returns 1). */
typedef int (*ur_edit_fn)(struct ur_table *t, struct ur_machine *m,
    void *arg, struct ur_err *err);

/*
 * Under the state lock: loads the table, lets edit change a copy,
 * computes the registers from it, keeps the xHCI's runtime PM off while
 * ports are away from it, writes the registers, then saves the table.
 * Any failure leaves table, registers and power/control as they were.
 * With edit NULL it re-applies the table (drift repair).  *out, if not
 * NULL, gets the table as committed (or as read, when edit returned 1).
 * m->before gets the registers as read under the lock.  Returns 0, 1
 * when edit found nothing to do, -1 on an error.
 */
int ur_machine_commit(struct ur_machine *m, ur_edit_fn edit, void *arg,
    struct ur_table *out, struct ur_err *err);

/* Reads the registers again into m->regs: for a machine kept open (the
 * daemon) whose registers others write too. */
int ur_machine_refresh(struct ur_machine *m, struct ur_err *err);

/* The edits every program makes, for ur_machine_commit. */

/* arg: const struct ur_owner *: it holds exactly its ports now
 * (ur_table_claim).  An owner from a domain's profile: ur_claim_profile. */
int ur_machine_edit_claim(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err);

/* arg: struct ur_release *: the owner gives its ports back; ports gets
 * what it held.  An owner that holds nothing ends the commit untouched
 * (ur_machine_commit returns 1; *out, if asked for, is the table as read). */
struct ur_release {
	const char *id;
	uint16_t ports;
};
int ur_machine_edit_release(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err);

/* Reads the table under the lock (for status). */
int ur_machine_table(struct ur_machine *m, struct ur_table *t,
    struct ur_err *err);

/* Refuses (naming the port and the missing controller) if any port of
 * `ehci_side` would be routed to an EHCI that is not on the bus: the
 * port would be dead.  Linux switches ports only once it has found an
 * Intel EHCI (pci-quirks.c usb_enable_intel_xhci_ports). */
int ur_machine_check_ehci(const struct ur_machine *m, uint16_t ehci_side,
    struct ur_err *err);

/* Ports whose register bit disagrees with the table: XUSB2PR, or the
 * PSSEN bit ss-paired with the port. */
uint16_t ur_machine_drift(const struct ur_machine *m,
    const struct ur_table *t);

#endif
