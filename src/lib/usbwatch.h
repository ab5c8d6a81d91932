/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * USB arrivals and departures on the PCH's ports, for anything that waits
 * for a person to plug something in (the `usbroute map` wizard) or that
 * follows a device around (usbrouted's device profiles).
 *
 * Each event names the PCH port the device is on, whichever controller it
 * enumerated on: an EHCI's rate-matching hub port, the xHCI's USB2 root
 * port (both as the XUSB2PR bit), or the xHCI's USB3 root port (ss_port;
 * bit -1: map it through the config's ss-pair lines).  A device on a
 * further hub is reported with the port that hub is on and behind_hub
 * set.  Root hubs, the rate-matching hubs and devices on other
 * controllers (an add-in card) are not reported.
 *
 * How it learns of changes: on the real /sys, the kernel's uevents
 * (NETLINK_KOBJECT_UEVENT, no libudev), with a slow sysfs re-read behind
 * them for where no uevents arrive (a container's network namespace);
 * on any other sysfs root (a simulation) by reading sysfs every
 * interval_ms.  Either way what is reported is the difference between two
 * reads of sysfs, so the two ways give the same events.
 *
 * Use, from any poll loop (one fd, readable when there may be news):
 *
 *	struct ur_usbwatch *w;
 *
 *	if (ur_usbwatch_open(&w, root, cs, 0, &err) < 0) ...
 *	ur_usbwatch_present(w, print_one, NULL);   // what is there already
 *	pfd.fd = ur_usbwatch_fd(w); pfd.events = POLLIN;
 *	while (poll(&pfd, 1, -1) > 0)
 *		if (ur_usbwatch_drain(w, on_event, arg, &err) < 0) ...
 *	ur_usbwatch_close(w);
 *
 * (usbrouted: virEventAddHandle(ur_usbwatch_fd(w), VIR_EVENT_HANDLE_READABLE,
 * ...) and drain in the callback.)  Devices present at open are the
 * baseline: they are not arrivals.  The fd never needs to be read by the
 * caller; drain does that.  Not thread-safe; one watcher per loop.
 */
#ifndef UR_USBWATCH_H
#define UR_USBWATCH_H

#include "chipset.h"
#include "err.h"
#include "usb.h"

struct ur_usbwatch;

enum ur_usbev_kind {
	UR_USBEV_ARRIVED,
	UR_USBEV_LEFT,
};

struct ur_usbev {
	enum ur_usbev_kind kind;
	struct ur_usbloc loc;	/* bit or ss_port, behind_hub, side */
	struct ur_usbdev dev;	/* busid, vid:pid, devnum, speed, product,
				 * serial; for a departure, as last seen */
};

typedef void ur_usbwatch_fn(const struct ur_usbev *ev, void *arg);

/* sysfs reads a second behind the uevents (real /sys); the simulation's
 * polling period when interval_ms is 0. */
#define UR_USBWATCH_BACKSTOP_MS	2000
#define UR_USBWATCH_POLL_MS	100

/*
 * Starts watching sysfs_root ("/sys" uses uevents) for the ports of cs.
 * interval_ms: how often sysfs is read when polling (0: the default).
 * Reads the baseline at once.  Returns 0, or -1 with err set.
 */
int ur_usbwatch_open(struct ur_usbwatch **w, const char *sysfs_root,
    const struct ur_chipset *cs, int interval_ms, struct ur_err *err);

/* The fd to poll for POLLIN (an epoll fd over the uevent socket and a
 * timer).  Owned by the watcher. */
int ur_usbwatch_fd(const struct ur_usbwatch *w);

/* 1 when uevents are in use, 0 when only polling. */
int ur_usbwatch_uses_uevents(const struct ur_usbwatch *w);

/*
 * Consumes what made the fd readable, reads sysfs again and calls fn for
 * each change since the last read: departures first, then arrivals (a
 * device moved to another port is one of each).  A device re-plugged
 * into the same port between two reads shows as a departure and an
 * arrival (its devnum is new).  Returns the number of events, or -1 with
 * err set (the watcher stays usable).
 */
int ur_usbwatch_drain(struct ur_usbwatch *w, ur_usbwatch_fn *fn, void *arg,
    struct ur_err *err);

/* Calls fn (kind ARRIVED) for each device known now, in port order. */
void ur_usbwatch_present(const struct ur_usbwatch *w, ur_usbwatch_fn *fn,
    void *arg);

void ur_usbwatch_close(struct ur_usbwatch *w);

#endif
