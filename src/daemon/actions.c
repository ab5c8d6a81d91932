/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a request line does.  Every change goes through ur_machine_commit: the
 * ownership table under its lock, then the registers, the same path the
 * hook and the command line take.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "ports.h"
#include "report.h"
#include "usbrouted.h"

enum what { TOGGLE, GUEST, HOST, PROFILE };

struct change {
	struct domain *d;
	enum what what;
	const char *profile;	/* PROFILE: the one to switch to */
	int lent;		/* result: 1 if the ports are with the host */
	uint16_t ports;		/* result: the domain's ports */
};

/* The domain claims a profile's ports, with the guest. */
static int
claim_profile(struct ur_table *t, struct ur_machine *m, struct change *c,
    const char *name, struct ur_err *err)
{
	struct ur_claim claim;

	/* Its devices where they are plugged in now, as at start. */
	if (ur_claim_profile(m, t, &c->d->meta, name, c->d->uuid, c->d->name,
	    &claim, err) < 0)
		return -1;
	c->lent = 0;
	c->ports = claim.owner.ports;
	return 0;
}

static int
edit(struct ur_table *t, struct ur_machine *m, void *arg, struct ur_err *err)
{
	struct change *c = arg;
	struct ur_owner *o = ur_table_find(t, c->d->uuid);
	const struct ur_profile *dflt;

	if (c->what == PROFILE)
		return claim_profile(t, m, c, c->profile, err);
	if (o == NULL) {
		/* Not in the table (started before the hook was installed,
		 * or the table was lost): the host has everything. */
		if (c->what == HOST) {
			c->lent = 1;
			c->ports = 0;
			return 0;
		}
		if (c->d->meta.default_profile < 0)
			return ur_errf(err, "%s has no default profile to give "
			    "the guest; name one: guest %s PROFILE",
			    c->d->name, c->d->name);
		dflt = &c->d->meta.profile[c->d->meta.default_profile];
		return claim_profile(t, m, c, dflt->name, err);
	}
	if (c->what == TOGGLE)
		c->lent = o->lent == 0;
	else
		c->lent = c->what == HOST;
	if (ur_table_lend(t, o->id, c->lent) < 0)
		return ur_errf(err, "internal error: %s vanished", c->d->name);
	c->ports = o->ports;
	return 0;
}

static void
do_switch(struct domain *d, enum what what, const char *profile,
    char *reply, size_t len)
{
	struct change c = { d, what, profile, 0, 0 };
	struct ur_err err;
	char ports[128];

	if (!ud.machine_open) {
		snprintf(reply, len, "error: no routable chipset (see the "
		    "daemon's log)");
		return;
	}
	if (ur_machine_commit(&ud.machine, edit, &c, NULL, &err) < 0) {
		snprintf(reply, len, "error: %s", err.msg);
		return;
	}
	ur_ports_format(c.ports, ud.machine.cs, ports, sizeof(ports));
	snprintf(reply, len, "ok %s %s %s XUSB2PR=0x%08x", d->name,
	    c.lent ? "host" : "guest", ports, ud.machine.regs.xusb2pr);
	/* After the reply: the asker waits for the register, not the log. */
	ud_log_later(LOG_INFO, "%s: ports %s to the %s: XUSB2PR 0x%08x",
	    d->name, ports, c.lent ? "host" : "guest", ud.machine.regs.xusb2pr);
}

/* "win10 profile=desk ports=ehci2.1-6 side=guest" for each domain, or
 * for only one (a guest learns nothing of the others). */
static void
status_text(const struct domain *only, char *reply, size_t len)
{
	const struct ur_owner *o;
	struct ur_table t;
	struct ur_err err;
	const char *sep = "";
	char ports[128];
	size_t n;
	int i;

	if (!ud.machine_open || ur_machine_table(&ud.machine, &t, &err) < 0) {
		snprintf(reply, len, "error: %s", ud.machine_open ? err.msg :
		    "no routable chipset (see the daemon's log)");
		return;
	}
	n = (size_t)snprintf(reply, len, "ok");
	for (i = 0; i < MAX_DOMAINS && n < len; i++) {
		if (!ud.dom[i].used || (only != NULL && &ud.dom[i] != only))
			continue;
		o = ur_table_find(&t, ud.dom[i].uuid);
		if (o != NULL)
			ur_ports_format(o->ports, ud.machine.cs, ports,
			    sizeof(ports));
		n += (size_t)snprintf(reply + n, len - n, "%s %s profile=%s "
		    "ports=%s side=%s%s", sep, ud.dom[i].name,
		    o ? o->profile : "-", o ? ports : "none",
		    o == NULL || o->ports == 0 ? "host" :
		    o->lent == o->ports ? "host" : "guest",
		    ud.dom[i].chan.fd >= 0 ? " channel=connected" : "");
		sep = ";";
	}
}

/* The JSON of `usbroute status --json`, on one line, with the domains
 * the daemon serves. */
static void
status_json(char *reply, size_t len)
{
	struct ur_table t;
	struct ur_err err;
	char *text = NULL, *p, *q;
	size_t tlen = 0;
	FILE *f;
	int i, first = 1;

	if (!ud.machine_open || ur_machine_table(&ud.machine, &t, &err) < 0 ||
	    ur_machine_refresh(&ud.machine, &err) < 0) {
		snprintf(reply, len, "error: %s", ud.machine_open ? err.msg :
		    "no routable chipset (see the daemon's log)");
		return;
	}
	f = open_memstream(&text, &tlen);
	if (f == NULL) {
		snprintf(reply, len, "error: out of memory");
		return;
	}
	fprintf(f, "{\"domains\": [");
	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!ud.dom[i].used)
			continue;
		fprintf(f, "%s{\"name\": ", first ? "" : ", ");
		ur_report_json_string(f, ud.dom[i].name);
		fprintf(f, ", \"uuid\": ");
		ur_report_json_string(f, ud.dom[i].uuid);
		fprintf(f, ", \"channel\": %s}",
		    ud.dom[i].chan.fd >= 0 ? "true" : "false");
		first = 0;
	}
	fprintf(f, "], \"status\": ");
	ur_report_json(f, &ud.machine, &t);
	fprintf(f, "}");
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		snprintf(reply, len, "error: out of memory");
		return;
	}
	/* JSON strings never hold a raw newline: dropping them is safe. */
	for (p = q = text; *p != '\0'; p++)
		if (*p != '\n')
			*q++ = *p;
	*q = '\0';
	if (strlen(text) + 4 > len)
		snprintf(reply, len, "error: status too large for one line");
	else
		snprintf(reply, len, "ok %s", text);
	free(text);
}

#define MAX_WORDS 4

static int
split(const char *line, char words[MAX_WORDS][128])
{
	char buf[MAX_LINE + 1], *w, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS || strlen(w) >= 128)
			return -1;
		memcpy(words[n++], w, strlen(w) + 1);
	}
	return n;
}

void
action_host(const char *line, char *reply, size_t len)
{
	char w[MAX_WORDS][128], why[256];
	struct domain *d;
	int n = split(line, w);

	if (n <= 0) {
		snprintf(reply, len, "error: empty or too long request; use "
		    "status, toggle, guest, host or profile");
		return;
	}
	if (strcmp(w[0], "status") == 0 && n <= 2) {
		if (n == 2 && strcmp(w[1], "--json") != 0)
			snprintf(reply, len, "error: status takes only --json");
		else if (n == 2)
			status_json(reply, len);
		else
			status_text(NULL, reply, len);
		return;
	}
	if ((strcmp(w[0], "toggle") == 0 || strcmp(w[0], "host") == 0) &&
	    n <= 2) {
		if ((d = domain_lookup(n == 2 ? w[1] : NULL, why,
		    sizeof(why))) == NULL)
			snprintf(reply, len, "error: %s", why);
		else
			do_switch(d, w[0][0] == 't' ? TOGGLE : HOST, NULL,
			    reply, len);
		return;
	}
	if (strcmp(w[0], "guest") == 0 && n <= 3) {
		if ((d = domain_lookup(n >= 2 ? w[1] : NULL, why,
		    sizeof(why))) == NULL)
			snprintf(reply, len, "error: %s", why);
		else
			do_switch(d, n == 3 ? PROFILE : GUEST,
			    n == 3 ? w[2] : NULL, reply, len);
		return;
	}
	if (strcmp(w[0], "profile") == 0 && n == 3) {
		if ((d = domain_lookup(w[1], why, sizeof(why))) == NULL)
			snprintf(reply, len, "error: %s", why);
		else
			do_switch(d, PROFILE, w[2], reply, len);
		return;
	}
	snprintf(reply, len, "error: unknown request '%.64s'; use status "
	    "[--json], toggle [DOMAIN], guest [DOMAIN [PROFILE]], host "
	    "[DOMAIN] or profile DOMAIN NAME", line);
}

/* A guest names no domain: it is always its own. */
void
action_guest(struct domain *d, const char *line, char *reply, size_t len)
{
	char w[MAX_WORDS][128];
	int n = split(line, w);

	if (n == 1 && strcmp(w[0], "toggle") == 0)
		do_switch(d, TOGGLE, NULL, reply, len);
	else if (n == 1 && strcmp(w[0], "guest") == 0)
		do_switch(d, GUEST, NULL, reply, len);
	else if (n == 1 && strcmp(w[0], "host") == 0)
		do_switch(d, HOST, NULL, reply, len);
	else if (n == 2 && strcmp(w[0], "profile") == 0)
		do_switch(d, PROFILE, w[1], reply, len);
	else if (n == 1 && strcmp(w[0], "status") == 0)
		status_text(d, reply, len);
	else
		snprintf(reply, len, "error: unknown request; use toggle, "
		    "guest, host, profile NAME or status");
}

void
drift_check(void)
{
	struct ur_table t;
	struct ur_err err;
	uint16_t drift;
	char ports[128];

	if (!ud.machine_open)
		return;
	if (ur_machine_table(&ud.machine, &t, &err) < 0 ||
	    ur_machine_refresh(&ud.machine, &err) < 0) {
		ud_log(LOG_WARNING, "drift check: %s", err.msg);
		return;
	}
	drift = ur_machine_drift(&ud.machine, &t);
	if (drift == 0)
		return;
	ur_ports_format(drift, ud.machine.cs, ports, sizeof(ports));
	if (ur_machine_commit(&ud.machine, NULL, NULL, NULL, &err) < 0) {
		ud_log(LOG_ERR, "routing of %s drifted and cannot be "
		    "repaired: %s",
		    ports, err.msg);
		return;
	}
	ud_log(LOG_WARNING, "routing of %s drifted (Linux re-routes on xHCI "
	    "resume); repaired XUSB2PR 0x%08x -> 0x%08x, USB3_PSSEN 0x%08x -> "
	    "0x%08x", ports, ud.machine.before.xusb2pr,
	    ud.machine.regs.xusb2pr, ud.machine.before.pssen,
	    ud.machine.regs.pssen);
}
