/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hook's operations that need the domain's metadata:
 *
 *   prepare begin    claim the default profile's ports, route them
 *   reconnect begin  libvirtd restarted: make sure table and registers
 *                    still hold the domain's claim
 *   migrate begin    refused: physical ports cannot follow a VM
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "claim.h"
#include "hook.h"
#include "machine.h"
#include "ports.h"

/* A domain's default profile, claimed under the state lock: where its
 * devices are and who holds what is read there. */
struct start {
	const struct hook *h;
	const struct ur_domain *d;
	struct ur_claim claim;
	int known;		/* reconnect: the table holds the domain */
	int noctrl;		/* reconnect: ... not, and it holds no
				 * controller to claim its ports on */
};

static int
edit_claim(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct start *s = arg;
	const struct ur_domain *d = s->d;

	return ur_claim_profile(m, t, d, d->profile[d->default_profile].name,
	    s->h->id, d->name[0] ? d->name : s->h->dom, &s->claim,
	    err);
}
/* The log says where each device of the claim was found, or that it
 * was not: the domain runs without it. */
static void
log_devices(const struct hook *h, const struct ur_machine *m,
    const struct ur_claim *c)
{
	char port[16], product[4 * sizeof(c->dev[0].product)];
	int i;

	for (i = 0; i < c->ndevs; i++) {
		if (c->dev[i].bit < 0) {
			syslog(LOG_WARNING, "%s: device %s is not plugged in; "
			    "starting without it (usbrouted claims its port "
			    "when it is plugged in)", h->dom,
			    c->dev[i].device);
			continue;
		}
		ur_chipset_port_name(m->cs, c->dev[i].bit, port, sizeof(port));
		/* A USB device names itself: escaped like any name. */
		syslog(LOG_INFO, "%s: device %s (%s) is on port %s (usb %s)",
		    h->dom, c->dev[i].device, ur_err_esc(c->dev[i].product,
		    product, sizeof(product)), port, c->dev[i].busid);
	}
}

/* 1 if the domain has a default profile to claim, 0 if there is nothing
 * to claim, -1 after refusing. */
static int
claimable(struct hook *h, const struct ur_domain *d, int *rc)
{
	if (d->default_profile < 0)
		return 0;
	/* Never a cut name, never a <uuid> another path would read
	 * otherwise. */
	if (h->id_rc < 0) {
		*rc = hook_refuse(h, "cannot start %s: %s", h->dom,
		    h->id_err.msg);
		return -1;
	}
	if (ur_domain_ctrls(d) == 0) {
		*rc = hook_refuse(h, "cannot start %s: it " UR_NO_CTRL,
		    h->dom);
		return -1;
	}
	return 1;
}

int
hook_prepare(struct hook *h)
{
	struct start s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_err err;
	char ports[128];
	int rc = 0;

	if (hook_read_meta(h, &d, "start") != 0)
		return 1;
	if (!d.has_meta || claimable(h, &d, &rc) <= 0)
		return rc;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return hook_refuse(h, "cannot start %s: %s", h->dom, err.msg);
	memset(&s, 0, sizeof(s));
	s.h = h;
	s.d = &d;
	if (ur_machine_commit(&m, edit_claim, &s, NULL, &err) < 0) {
		ur_machine_close(&m);
		return hook_refuse(h, "cannot start %s: %s", h->dom, err.msg);
	}
	log_devices(h, &m, &s.claim);
	ur_ports_format(s.claim.owner.ports, m.cs, ports, sizeof(ports));
	syslog(LOG_INFO, "%s: claimed %s (profile %s): XUSB2PR 0x%08x -> "
	    "0x%08x", h->dom, ports, s.claim.owner.profile,
	    m.before.xusb2pr, m.regs.xusb2pr);
	ur_machine_close(&m);
	return 0;
}

/* Under one lock: a domain the table holds gets its claim re-applied as
 * it is (a guest may have switched profiles); one missing from it claims
 * its default profile again; any other has nothing to do (returns 1). */
static int
edit_reconnect(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct start *s = arg;

	if (s->h->id_rc < 0)
		return ur_errf(err, "%s", s->h->id_err.msg);
	s->known = ur_table_find(t, s->h->id) != NULL;
	if (s->known)
		return 0;
	if (!s->d->has_meta || s->d->default_profile < 0)
		return 1;
	if (ur_domain_ctrls(s->d) == 0) {
		s->noctrl = 1;	/* refused by claimable(), after the lock */
		return ur_errf(err, "holds no controller");
	}
	return edit_claim(t, m, arg, err);
}

int
hook_reconnect(struct hook *h)
{
	struct start s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_err err;
	int rc = 0;

	if (hook_read_meta(h, &d, "reconnect to") != 0)
		return 1;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return hook_refuse(h, "cannot check the ports of %s: %s",
		    h->dom, err.msg);
	/* A running guest's device may be on its side, where the host
	 * cannot see it: not finding it is no reason to stop the domain
	 * now (only a claim of a domain missing from the table looks). */
	if (d.has_meta && d.default_profile >= 0)
		d.profile[d.default_profile].required = 0;
	memset(&s, 0, sizeof(s));
	s.h = h;
	s.d = &d;
	rc = ur_machine_commit(&m, edit_reconnect, &s, NULL, &err);
	if (rc < 0) {
		ur_machine_close(&m);
		if (s.noctrl && claimable(h, &d, &rc) < 0)
			return rc;
		return hook_refuse(h, "cannot restore the ports of %s: %s",
		    h->dom, err.msg);
	}
	if (rc == 0 && !s.known)
		syslog(LOG_WARNING, "%s: running but missing from the "
		    "ownership table; claimed profile %s again", h->dom,
		    d.profile[d.default_profile].name);
	if (rc == 0 && m.before.xusb2pr != m.regs.xusb2pr)
		syslog(LOG_WARNING, "%s: routing had drifted; repaired "
		    "XUSB2PR 0x%08x -> 0x%08x", h->dom, m.before.xusb2pr,
		    m.regs.xusb2pr);
	ur_machine_close(&m);
	return 0;
}

int
hook_migrate(struct hook *h)
{
	struct ur_domain d;

	if (hook_read_meta(h, &d, "migrate") != 0)
		return 1;
	if (!d.has_meta || d.default_profile < 0)
		return 0;
	return hook_refuse(h, "cannot migrate %s: it owns physical USB ports of "
	    "its host (profile %s), which cannot follow it; shut it down, or "
	    "remove its usbroute metadata first", h->dom,
	    d.profile[d.default_profile].name);
}
