/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "claim.h"
#include "metaedit.h"
#include "ports.h"
#include "usbfind.h"

/* Messages are one line of virsh's error or of the daemon's log. */

/* 1: plugged into port c->bit; 0: not plugged in; -1: plugged in where
 * no claim can follow it (why says where and what to do). */
static int
locate(const struct ur_machine *m, const struct ur_devspec *s,
    struct ur_claimdev *c, char *why, size_t len)
{
	struct ur_usbfound f[UR_USBFIND_MAX];
	char port[16];
	int n, bit;

	c->bit = -1;
	c->busid[0] = c->product[0] = '\0';
	n = ur_usbfind(m->conf->sysfs_root, m->cs, &m->pairs, s, f);
	if (n < 0) {
		snprintf(why, len, "cannot look for device %s: cannot read "
		    "%.300s/bus/usb/devices", c->device, m->conf->sysfs_root);
		return -1;
	}
	if (n == 0)
		return 0;
	if (n > 1) {
		snprintf(why, len, "device %s is plugged in %d times (usb %s "
		    "and %s); name the one meant by its serial, %s/SERIAL",
		    c->device, n, f[0].busid, f[1].busid, c->device);
		return -1;
	}
	snprintf(c->busid, sizeof(c->busid), "%s", f[0].busid);
	snprintf(c->product, sizeof(c->product), "%s", f[0].product);
	if ((bit = f[0].bit) < 0) {
		snprintf(why, len, "device %s is on %s; plug it into a PCH "
		    "port usbroute can switch", c->device, f[0].where);
		return -1;
	}
	ur_chipset_port_name(m->cs, bit, port, sizeof(port));
	if (!(m->switchable & (1u << bit))) {
		snprintf(why, len, "device %s is on port %s, which %s; plug "
		    "it into a switchable port", c->device, port,
		    !(m->present & (1u << bit)) ? "this chipset has fused "
		    "off" : "firmware does not let the OS switch (its "
		    "USB2PRM bit is 0)");
		return -1;
	}
	c->bit = bit;
	return 1;
}

static const char *
label(const struct ur_owner *o)
{
	return o->name[0] != '\0' ? o->name : o->id;
}

/* May owner o take port bit for device dev?  *held says whether another
 * owner has it (the daemon leaves such a device alone). */
static int
may_take(const struct ur_machine *m, const struct ur_table *t,
    const struct ur_owner *o, const char *dev, int bit, int *held,
    char *why, size_t len)
{
	const struct ur_owner *h = ur_table_holder(t, bit);
	char port[16], reach[256];

	*held = 0;
	ur_chipset_port_name(m->cs, bit, port, sizeof(port));
	if (h != NULL && strcmp(h->id, o->id) != 0) {
		*held = 1;
		snprintf(why, len, "device %s is on port %s, held by %s "
		    "(profile %s); plug it into another port or stop %s",
		    dev, port, label(h), h->profile[0] ? h->profile : "-",
		    label(h));
		return -1;
	}
	if (ur_table_reach(o->ctrls, m->cs, bit, label(o), reach,
	    sizeof(reach)) < 0) {
		snprintf(why, len, "device %s is on port %s, but %s; plug it "
		    "into a port of a controller it holds", dev, port, reach);
		return -1;
	}
	return 0;
}

int
ur_claim_fixed(const struct ur_machine *m, const struct ur_profile *p,
    uint16_t *mask, struct ur_err *err)
{
	*mask = 0;
	if (p->ports[0] == '\0')
		return 0;
	return ur_ports_parse(p->ports, m->cs, m->conf, m->present,
	    m->switchable, mask, err);
}

static int
fixed_ports(const struct ur_machine *m, const struct ur_profile *p,
    uint16_t *mask, struct ur_err *err)
{
	if (ur_claim_fixed(m, p, mask, err) < 0)
		return ur_err_prefix(err, "profile %s", p->name);
	return 0;
}

int
ur_claim_build(const struct ur_machine *m, const struct ur_table *t,
    const struct ur_domain *d, int profile, const char *id,
    const char *name, struct ur_claim *c, struct ur_err *err)
{
	const struct ur_profile *p;
	struct ur_devspec spec[UR_DEVSPEC_MAX];
	char why[sizeof(err->msg)];
	int i, n, held;

	memset(c, 0, sizeof(*c));
	if (profile < 0 || profile >= d->nprofiles)
		return ur_errf(err, "internal error: no profile #%d", profile);
	p = &d->profile[profile];
	snprintf(c->owner.id, sizeof(c->owner.id), "%s", id);
	snprintf(c->owner.name, sizeof(c->owner.name), "%s", name);
	snprintf(c->owner.profile, sizeof(c->owner.profile), "%s", p->name);
	c->owner.ctrls = ur_domain_ctrls(d);
	if (fixed_ports(m, p, &c->fixed, err) < 0)
		return -1;
	if (ur_devspec_list(p->devices, spec, UR_DEVSPEC_MAX, &n, err) < 0)
		return ur_err_prefix(err, "profile %s", p->name);
	c->owner.ports = c->fixed;
	for (i = 0; i < n; i++) {
		struct ur_claimdev *cd = &c->dev[c->ndevs++];

		ur_devspec_format(&spec[i], cd->device, sizeof(cd->device));
		switch (locate(m, &spec[i], cd, why, sizeof(why))) {
		case 0:
			if (p->required)
				return ur_errf(err, "profile %s requires device "
				    "%s, which is not plugged in; plug it in, "
				    "or drop required=\"yes\"", p->name,
				    cd->device);
			continue;
		case -1:
			return ur_errf(err, "%s", why);
		}
		if (may_take(m, t, &c->owner, cd->device, cd->bit, &held, why,
		    sizeof(why)) < 0)
			return ur_errf(err, "%s", why);
		c->owner.ports |= (uint16_t)(1u << cd->bit);
	}
	return 0;
}

static void
records(const struct ur_claim *c, struct ur_devclaim *rec)
{
	int i;

	for (i = 0; i < c->ndevs; i++) {
		memset(&rec[i], 0, sizeof(rec[i]));
		snprintf(rec[i].device, sizeof(rec[i].device), "%s",
		    c->dev[i].device);
		rec[i].bit = (int8_t)c->dev[i].bit;
	}
}

int
ur_claim_apply(struct ur_table *t, const struct ur_machine *m,
    const struct ur_claim *c, struct ur_err *err)
{
	struct ur_devclaim rec[UR_DEVSPEC_MAX];

	if (ur_table_claim(t, &c->owner, m->cs, err) < 0)
		return -1;
	records(c, rec);
	if (ur_table_set_devices(t, c->owner.id, rec, c->ndevs) < 0)
		return ur_errf(err, "the ownership table has no room for %d "
		    "more device records (at most %d); stop a domain",
		    c->ndevs, UR_MAX_DEVCLAIMS);
	return 0;
}

/* "a, b, c" of d's profile names, for a refusal. */
static void
profile_names(const struct ur_domain *d, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < d->nprofiles && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
		    d->profile[i].name);
}

int
ur_claim_profile(const struct ur_machine *m, struct ur_table *t,
    const struct ur_domain *d, const char *profile, const char *id,
    const char *name, struct ur_claim *c, struct ur_err *err)
{
	char names[256];
	int idx = ur_domain_find_profile(d, profile);

	if (idx < 0) {
		profile_names(d, names, sizeof(names));
		return ur_errf(err, "%s has no profile '%s' (it has: %s)",
		    name, profile, names[0] ? names : "none");
	}
	if (ur_claim_build(m, t, d, idx, id, name, c, err) < 0)
		return -1;
	return ur_claim_apply(t, m, c, err);
}

/* The port owner id's record for device holds now, or -1. */
static int
held_bit(const struct ur_table *t, const char *id, const char *device)
{
	int i;

	for (i = 0; i < t->ndevs; i++)
		if (strcmp(t->dev[i].owner, id) == 0 &&
		    strcmp(t->dev[i].device, device) == 0)
			return t->dev[i].bit;
	return -1;
}

static void
note(struct ur_follow *notes, int *n, enum ur_follow_what what,
    const struct ur_claimdev *cd, int from, const char *why)
{
	struct ur_follow *f;

	if (*n >= UR_FOLLOW_MAX)
		return;
	f = &notes[(*n)++];
	memset(f, 0, sizeof(*f));
	f->what = what;
	snprintf(f->device, sizeof(f->device), "%s", cd->device);
	f->from = from;
	f->to = cd->bit;
	snprintf(f->why, sizeof(f->why), "%s", why);
}

/* Where one device of owner o goes now: its old port, or a new one. */
static int
follow_one(const struct ur_machine *m, const struct ur_table *t,
    const struct ur_owner *o, const struct ur_devspec *s,
    struct ur_claimdev *cd, struct ur_follow *notes, int *n)
{
	char why[256];
	int old = held_bit(t, o->id, cd->device), r, held;

	r = locate(m, s, cd, why, sizeof(why));
	if (r == 0 || cd->bit == old) {
		/* Not seen (unplugged, or on the guest's side where the host
		 * cannot see it) or where it was: the claim stays. */
		cd->bit = old;
		return 0;
	}
	if (r < 0) {
		note(notes, n, UR_FOLLOW_REFUSED, cd, old, why);
		cd->bit = old;
		return 0;
	}
	if (!(o->ports & (1u << cd->bit)) &&
	    may_take(m, t, o, cd->device, cd->bit, &held, why,
	    sizeof(why)) < 0) {
		note(notes, n, held ? UR_FOLLOW_LEFT : UR_FOLLOW_REFUSED, cd,
		    old, why);
		cd->bit = old;
		return 0;
	}
	note(notes, n, UR_FOLLOW_MOVED, cd, old, "");
	return 1;
}

int
ur_claim_follow(struct ur_table *t, const struct ur_machine *m,
    const struct ur_domain *d, const char *id,
    struct ur_follow notes[UR_FOLLOW_MAX], int *n, struct ur_err *err)
{
	struct ur_devspec spec[UR_DEVSPEC_MAX];
	const struct ur_owner *o;
	struct ur_claim c;
	int i, p, nspec, moved = 0;

	*n = 0;
	if ((o = ur_table_find(t, id)) == NULL ||
	    (p = ur_domain_find_profile(d, o->profile)) < 0 ||
	    d->profile[p].devices[0] == '\0')
		return 0;
	memset(&c, 0, sizeof(c));
	c.owner = *o;
	if (fixed_ports(m, &d->profile[p], &c.fixed, err) < 0 ||
	    ur_devspec_list(d->profile[p].devices, spec, UR_DEVSPEC_MAX,
	    &nspec, err) < 0)
		return -1;
	c.owner.ports = c.fixed;
	for (i = 0; i < nspec; i++) {
		struct ur_claimdev *cd = &c.dev[c.ndevs++];

		ur_devspec_format(&spec[i], cd->device, sizeof(cd->device));
		moved += follow_one(m, t, o, &spec[i], cd, notes, n);
		if (cd->bit >= 0)
			c.owner.ports |= (uint16_t)(1u << cd->bit);
	}
	if (moved == 0)
		return 0;
	/* Ports lent to the host stay lent, the new one with them. */
	c.owner.lent = o->lent != 0 && o->lent == o->ports ? c.owner.ports :
	    (uint16_t)(o->lent & c.owner.ports);
	if (ur_claim_apply(t, m, &c, err) < 0)
		return -1;
	return 1;
}
