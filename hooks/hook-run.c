/*
 * usbroute-hook-run: the hook's work for a domain that has usbroute
 * metadata.  usbroute-hook execs it with libvirt's arguments and the
 * domain XML on standard input.
 *
 *   prepare begin    claim the default profile's ports, route them
 *   release end      give the domain's ports back (safe if it never claimed)
 *   reconnect begin  libvirtd restarted: make sure table and registers
 *                    still hold the domain's claim
 *   migrate begin    refused: physical ports cannot follow a VM
 *
 * Never calls the libvirt API (libvirtd is waiting for us: deadlock),
 * never forks, and takes the state lock with a timeout.  A refusal is one
 * line on stderr, written to read well inside virsh's "Hook script
 * execution failed" message, and a line in syslog.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "claim.h"
#include "conf.h"
#include "fileio.h"
#include "machine.h"
#include "meta.h"
#include "metascan.h"
#include "portset.h"

#define MAX_XML (16u << 20)	/* as the front: it passed no more */

struct hook {
	const char *name;	/* domain name, from libvirt's arguments */
	const char *dom;	/* ... escaped, for messages (dom_show) */
	char dom_show[160];
	char id[64];		/* its identity, as claimed (claimable) */
	const char *op;
	char extra[256];	/* what libvirt passed after the sub-operation */
	char *xml;
	size_t len;
	struct ur_conf conf;
};

static int __attribute__((format(printf, 2, 3)))
refuse(const struct hook *h, const char *fmt, ...)
{
	char raw[768], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* One line whatever the names in it hold. */
	ur_esc(raw, msg, sizeof(msg));
	fprintf(stderr, "usbroute: %s\n", msg);
	syslog(LOG_ERR, "%s %s: %s", h->dom, h->op, msg);
	return 1;
}

/* A domain's default profile, claimed under the state lock: where its
 * devices are and who holds what is read there. */
struct start {
	const struct hook *h;
	const struct ur_domain *d;
	struct ur_claim claim;
};

static int
edit_claim(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct start *s = arg;
	const struct ur_domain *d = s->d;

	if (ur_claim_build(m, t, d, d->default_profile,
	    s->h->id, d->name[0] ? d->name : s->h->dom,
	    &s->claim, err) < 0)
		return -1;
	return ur_claim_apply(t, m, &s->claim, err);
}

/* The log says where each device of the claim was found, or that it
 * was not: the domain runs without it. */
static void
log_devices(const struct hook *h, const struct ur_machine *m,
    const struct ur_claim *c)
{
	char port[16];
	int i;

	for (i = 0; i < c->ndevs; i++) {
		if (c->dev[i].bit < 0) {
			syslog(LOG_WARNING, "%s: device %s is not plugged in; "
			    "starting without it (usbrouted claims its port "
			    "when it is plugged in)", h->dom,
			    c->dev[i].device);
			continue;
		}
		ur_port_name(m->cs, c->dev[i].bit, port, sizeof(port));
		syslog(LOG_INFO, "%s: device %s (%s) is on port %s (usb %s)",
		    h->dom, c->dev[i].device, c->dev[i].product, port,
		    c->dev[i].busid);
	}
}

static int
edit_release(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	(void)m;
	(void)err;
	ur_table_release(t, arg);
	return 0;
}

/* 1 if the domain has a default profile to claim, 0 if there is nothing
 * to claim, -1 after refusing. */
static int
claimable(struct hook *h, const struct ur_domain *d, int *rc)
{
	struct ur_err err;

	if (d->default_profile < 0)
		return 0;
	/* One identity on every path (metascan.c), never a cut name. */
	if (ur_meta_identity(h->xml, h->len, h->name, h->id, sizeof(h->id),
	    &err) < 0) {
		*rc = refuse(h, "cannot start %s: %s", h->dom, err.msg);
		return -1;
	}
	if (ur_meta_ctrls(d) == 0) {
		*rc = refuse(h, "cannot start %s: it holds no PCH USB "
		    "controller; pass 00:1a.0 or 00:1d.0 (or 00:14.0) with "
		    "<hostdev>, or name them in controllers= of its usbroute "
		    "metadata", h->dom);
		return -1;
	}
	return 1;
}

static int
parse(struct hook *h, struct ur_domain *d, const char *verb)
{
	struct ur_err err;

	if (ur_meta_parse(h->xml, h->len, d, &err) < 0)
		return refuse(h, "cannot %s %s: %s", verb, h->dom, err.msg);
	return 0;
}

static int
prepare(struct hook *h)
{
	struct start s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_err err;
	char ports[128];
	uint32_t before;
	int rc = 0;

	if (parse(h, &d, "start") != 0)
		return 1;
	if (!d.has_meta || claimable(h, &d, &rc) <= 0)
		return rc;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return refuse(h, "cannot start %s: %s", h->dom, err.msg);
	memset(&s, 0, sizeof(s));
	s.h = h;
	s.d = &d;
	before = m.regs.xusb2pr;
	if (ur_commit(&m, edit_claim, &s, NULL, &err) < 0) {
		ur_machine_close(&m);
		return refuse(h, "cannot start %s: %s", h->dom, err.msg);
	}
	log_devices(h, &m, &s.claim);
	ur_ports_format(s.claim.owner.ports, m.cs, ports, sizeof(ports));
	syslog(LOG_INFO, "%s: claimed %s (profile %s): XUSB2PR 0x%08x -> "
	    "0x%08x", h->dom, ports, s.claim.owner.profile, before,
	    m.regs.xusb2pr);
	ur_machine_close(&m);
	return 0;
}

static int
release(struct hook *h)
{
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	char uuid[sizeof(t.owner[0].id)], ports[128];
	const struct ur_owner *o;
	uint32_t before;

	/* No XML parser here: release must work even when the metadata
	 * has since become unparsable.  The identity is found as prepare
	 * found it; one that cannot be found could not have claimed. */
	if (ur_meta_identity(h->xml, h->len, h->name, uuid, sizeof(uuid),
	    &err) < 0)
		return 0;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return refuse(h, "cannot release the ports of %s: %s", h->dom,
		    err.msg);
	if (ur_machine_table(&m, &t, &err) < 0) {
		ur_machine_close(&m);
		return refuse(h, "cannot release the ports of %s: %s", h->dom,
		    err.msg);
	}
	o = ur_table_find(&t, uuid);
	if (o == NULL) {
		/* libvirt releases domains whose prepare failed or never
		 * claimed: nothing of ours to undo. */
		ur_machine_close(&m);
		return 0;
	}
	ur_ports_format(o->ports, m.cs, ports, sizeof(ports));
	before = m.regs.xusb2pr;
	if (ur_commit(&m, edit_release, uuid, NULL, &err) < 0) {
		ur_machine_close(&m);
		return refuse(h, "cannot release the ports of %s: %s", h->dom,
		    err.msg);
	}
	syslog(LOG_INFO, "%s: released %s: XUSB2PR 0x%08x -> 0x%08x%s%s",
	    h->dom, ports, before, m.regs.xusb2pr,
	    h->extra[0] ? "; libvirt says: " : "", h->extra);
	ur_machine_close(&m);
	return 0;
}

static int
reconnect(struct hook *h)
{
	struct start s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	uint32_t before;
	char id[sizeof(t.owner[0].id)];
	int rc = 0, known;

	if (parse(h, &d, "reconnect to") != 0)
		return 1;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return refuse(h, "cannot check the ports of %s: %s", h->dom,
		    err.msg);
	if (ur_machine_table(&m, &t, &err) < 0) {
		ur_machine_close(&m);
		return refuse(h, "cannot check the ports of %s: %s", h->dom,
		    err.msg);
	}
	known = ur_meta_identity(h->xml, h->len, h->name, id, sizeof(id),
	    &err) == 0 && ur_table_find(&t, id) != NULL;
	before = m.regs.xusb2pr;
	if (known) {
		/* The table holds what the domain has now (a guest may have
		 * switched profiles): re-apply it as it is. */
		rc = ur_commit(&m, NULL, NULL, NULL, &err);
	} else if (d.has_meta && claimable(h, &d, &rc) > 0) {
		syslog(LOG_WARNING, "%s: running but missing from the "
		    "ownership table; claiming profile %s again", h->dom,
		    d.profile[d.default_profile].name);
		/* A running guest's device may be on its side, where the
		 * host cannot see it: not finding it is no reason to stop
		 * the domain now. */
		d.profile[d.default_profile].required = 0;
		memset(&s, 0, sizeof(s));
		s.h = h;
		s.d = &d;
		rc = ur_commit(&m, edit_claim, &s, NULL, &err);
	} else {
		ur_machine_close(&m);
		return rc;
	}
	if (rc < 0) {
		ur_machine_close(&m);
		return refuse(h, "cannot restore the ports of %s: %s", h->dom,
		    err.msg);
	}
	if (before != m.regs.xusb2pr)
		syslog(LOG_WARNING, "%s: routing had drifted; repaired "
		    "XUSB2PR 0x%08x -> 0x%08x", h->dom, before,
		    m.regs.xusb2pr);
	ur_machine_close(&m);
	return 0;
}

static int
migrate(struct hook *h)
{
	struct ur_domain d;

	if (parse(h, &d, "migrate") != 0)
		return 1;
	if (!d.has_meta || d.default_profile < 0)
		return 0;
	return refuse(h, "cannot migrate %s: it owns physical USB ports of "
	    "its host (profile %s), which cannot follow it; shut it down, or "
	    "remove its usbroute metadata first", h->dom,
	    d.profile[d.default_profile].name);
}

int
main(int argc, char **argv)
{
	struct hook h;
	struct ur_err err;
	int i, rc;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMAIN OPERATION SUB-OPERATION "
		    "[EXTRA...] < domain.xml\n", argv[0]);
		return 2;
	}
	memset(&h, 0, sizeof(h));
	h.name = argv[1];
	h.dom = ur_esc(argv[1], h.dom_show, sizeof(h.dom_show));
	h.op = argv[2];
	for (i = 4; i < argc; i++) {
		size_t n = strlen(h.extra);

		if (strcmp(argv[i], "-") != 0)
			snprintf(h.extra + n, sizeof(h.extra) - n, "%s%s",
			    n ? " " : "", argv[i]);
	}
	openlog("usbroute-hook", LOG_PID, LOG_DAEMON);
	if (ur_conf_load(&h.conf, ur_conf_default_path(), 1, &err) < 0)
		return refuse(&h, "%s", err.msg);
	h.xml = ur_read_all(0, MAX_XML, &h.len);
	if (h.xml == NULL)
		return refuse(&h, "cannot read the domain XML of %s: %s",
		    h.dom, strerror(errno));

	if (strcmp(argv[2], "prepare") == 0 && strcmp(argv[3], "begin") == 0)
		rc = prepare(&h);
	else if (strcmp(argv[2], "release") == 0 && strcmp(argv[3], "end") == 0)
		rc = release(&h);
	else if (strcmp(argv[2], "reconnect") == 0 &&
	    strcmp(argv[3], "begin") == 0)
		rc = reconnect(&h);
	else if (strcmp(argv[2], "migrate") == 0 &&
	    strcmp(argv[3], "begin") == 0)
		rc = migrate(&h);
	else
		rc = 0;
	free(h.xml);
	closelog();
	return rc;
}
