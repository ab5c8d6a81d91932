/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profiles that name devices: while a domain runs, its claim follows the
 * device.  usbwatch says when something was plugged in (uevents on /sys,
 * polling on a simulation); each arrival makes every served domain's
 * devices be looked for again (ur_claim_follow), and a device found on a
 * new switchable port takes its claim there, the old port going home.
 * Moves of one domain are rate limited: a device that bounces between
 * ports (a loose cable) cannot make the routing flap faster than once a
 * FOLLOW_GAP_S.  What is left alone (a port another domain holds) is
 * logged once, not on every arrival.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "claim.h"
#include "usbrouted.h"
#include "usbwatch.h"

#define FOLLOW_GAP_S 1.0

/* Per served domain (by slot in ud.dom), what following it remembers. */
struct follow_state {
	char uuid[40];		/* whose state this is; reset when it differs */
	double last_move;	/* when its claim last moved (monotonic s) */
	int limited_logged;	/* said "rate limited" since the last move */
	char said[1024];	/* the notes last logged, not to repeat them */
};

static struct ur_usbwatch *watch;
static int watch_handle = -1;
static int retry_timer = -1;
static struct follow_state fs[MAX_DOMAINS];

static int
names_devices(const struct domain *d)
{
	int i;

	for (i = 0; i < d->meta.nprofiles; i++)
		if (d->meta.profile[i].devices[0] != '\0')
			return 1;
	return 0;
}

static struct follow_state *
state_of(const struct domain *d)
{
	struct follow_state *s = &fs[d - ud.dom];

	if (strcmp(s->uuid, d->uuid) != 0) {
		memset(s, 0, sizeof(*s));
		snprintf(s->uuid, sizeof(s->uuid), "%s", d->uuid);
		s->last_move = -1e9;
	}
	return s;
}

struct step {
	const struct domain *d;
	struct ur_follow notes[UR_FOLLOW_MAX];
	int n;
	int changed;
};

static int
edit_follow(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct step *st = arg;

	st->changed = ur_claim_follow(t, m, &st->d->meta, st->d->uuid,
	    st->notes, &st->n, err);
	return st->changed < 0 ? -1 : 0;
}

static void
port(int bit, char *buf, size_t len)
{
	if (bit < 0)
		snprintf(buf, len, "nowhere");
	else
		ur_chipset_port_name(ud.machine.cs, bit, buf, len);
}

/* The notes of one step, each once. */
static void
log_notes(const struct domain *d, struct follow_state *s,
    const struct step *st, uint32_t before)
{
	char from[16], to[16], said[sizeof(s->said)];
	size_t used = 0;
	int i;

	said[0] = '\0';
	for (i = 0; i < st->n; i++) {
		const struct ur_follow *f = &st->notes[i];

		port(f->from, from, sizeof(from));
		port(f->to, to, sizeof(to));
		if (f->what == UR_FOLLOW_MOVED && f->from < 0) {
			ud_log(LOG_INFO, "%s: device %s plugged into %s: "
			    "claimed; XUSB2PR 0x%08x -> 0x%08x", d->name,
			    f->device, to, before, ud.machine.regs.xusb2pr);
			continue;
		}
		if (f->what == UR_FOLLOW_MOVED) {
			ud_log(LOG_INFO, "%s: device %s moved from %s to %s: "
			    "the claim follows it; XUSB2PR 0x%08x -> 0x%08x",
			    d->name, f->device, from, to, before,
			    ud.machine.regs.xusb2pr);
			continue;
		}
		if (used < sizeof(said))
			used += (size_t)snprintf(said + used,
			    sizeof(said) - used, "%s|", f->why);
		if (strstr(s->said, f->why) == NULL)
			ud_log(LOG_WARNING, "%s: %s; left alone, the claim "
			    "stays on %s", d->name, f->why, from);
	}
	snprintf(s->said, sizeof(s->said), "%s", said);
}

/* Looks for one domain's devices; moves its claim where they went. */
static int
follow_one(struct domain *d, double t)
{
	struct follow_state *s = state_of(d);
	struct ur_table table;
	struct ur_err err;
	struct step st;
	uint32_t before;

	memset(&st, 0, sizeof(st));
	st.d = d;
	/* A dry run on a copy first: most arrivals are not ours, and a
	 * commit writes the table. */
	if (ur_machine_table(&ud.machine, &table, &err) < 0 ||
	    (st.changed = ur_claim_follow(&table, &ud.machine, &d->meta,
	    d->uuid, st.notes, &st.n, &err)) < 0) {
		ud_log(LOG_WARNING, "%s: following its devices: %s", d->name,
		    err.msg);
		return 0;
	}
	if (st.changed && t - s->last_move < FOLLOW_GAP_S) {
		if (!s->limited_logged++)
			ud_log(LOG_INFO, "%s: a device moved again within "
			    "%.0f s; rate limited, looking again shortly",
			    d->name, FOLLOW_GAP_S);
		return 1;	/* look again when the gap is over */
	}
	/* The hook and the command line write the register too. */
	if (ur_machine_refresh(&ud.machine, &err) < 0)
		ud_log(LOG_WARNING, "%s: %s", d->name, err.msg);
	before = ud.machine.regs.xusb2pr;
	if (st.changed) {
		memset(&st, 0, sizeof(st));
		st.d = d;
		if (ur_machine_commit(&ud.machine, edit_follow, &st, NULL, &err) < 0) {
			ud_log(LOG_ERR, "%s: cannot move its claim after its "
			    "device: %s", d->name, err.msg);
			return 0;
		}
		if (st.changed) {
			s->last_move = t;
			s->limited_logged = 0;
		}
	}
	log_notes(d, s, &st, before);
	return 0;
}

void
follow_check(void)
{
	double t = ud_now();
	int i, again = 0;

	if (!ud.machine_open)
		return;
	for (i = 0; i < MAX_DOMAINS; i++)
		if (ud.dom[i].used && names_devices(&ud.dom[i]))
			again |= follow_one(&ud.dom[i], t);
	if (retry_timer >= 0)
		virEventUpdateTimeout(retry_timer,
		    again ? (int)(FOLLOW_GAP_S * 1000) : -1);
}

static void
on_usb(const struct ur_usbev *ev, void *arg)
{
	int *arrived = arg;

	if (ev->kind == UR_USBEV_ARRIVED)
		*arrived = 1;
}

static void
watch_readable(int w, int fd, int events, void *opaque)
{
	struct ur_err err;
	int arrived = 0;

	(void)w;
	(void)fd;
	(void)events;
	(void)opaque;
	if (ur_usbwatch_drain(watch, on_usb, &arrived, &err) < 0)
		ud_log(LOG_WARNING, "watching USB devices: %s", err.msg);
	/* A departure moves nothing: the device may be on the guest's
	 * side, where the host does not see it. */
	if (arrived)
		follow_check();
}

static void
retry(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
	follow_check();
}

int
follow_start(struct ur_err *err)
{
	if (!ud.machine_open)
		return 0;
	if (ur_usbwatch_open(&watch, ud.conf.sysfs_root, ud.machine.cs, 0,
	    err) < 0)
		return -1;
	watch_handle = virEventAddHandle(ur_usbwatch_fd(watch),
	    VIR_EVENT_HANDLE_READABLE, watch_readable, NULL, NULL);
	if (retry_timer < 0)
		retry_timer = virEventAddTimeout(-1, retry, NULL, NULL);
	if (watch_handle < 0 || retry_timer < 0) {
		follow_stop();
		return ur_errf(err, "cannot watch USB devices: no event handle");
	}
	return 0;
}

void
follow_stop(void)
{
	if (watch_handle >= 0)
		virEventRemoveHandle(watch_handle);
	watch_handle = -1;
	ur_usbwatch_close(watch);
	watch = NULL;
}
