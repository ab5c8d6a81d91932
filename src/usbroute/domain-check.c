/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain NAME check: every profile's ports exist and are
 * switchable here, the domain holds a controller for each, its default
 * profile shares no port with another domain's, and its toggle device
 * is there and is a unix socket QEMU binds. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "cmd-domain.h"
#include "claim.h"
#include "domain.h"
#include "metachan.h"
#include "ports.h"

struct checker {
	const char *name;
	int problems;
};

static void
problem(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", c->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	c->problems++;
}

/* Ports of mask the domain holds no controller for, one line per
 * missing controller. */
static void
check_reach(struct checker *c, const struct ur_profile *p, uint16_t mask,
    unsigned ctrls, const struct ur_machine *m)
{
	static const struct {
		unsigned bit;
		const char *where, *fix;
	} need[] = {
		{ UR_CTRL_EHCI1, "EHCI #1 (" UR_ADDR_EHCI1 ") or the xHCI",
		  "ehci1" },
		{ UR_CTRL_EHCI2, "EHCI #2 (" UR_ADDR_EHCI2 ") or the xHCI",
		  "ehci2" },
		{ 0, "the xHCI (" UR_ADDR_XHCI ")", "xhci" },
	};
	char ports[128];
	uint16_t lost;
	size_t i;
	int bit;

	if (ctrls & UR_CTRL_XHCI)
		return;		/* every port can go to the xHCI */
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		lost = 0;
		for (bit = 0; bit < UR_MAX_PORTS; bit++)
			if ((mask & (1u << bit)) &&
			    ur_chipset_port_ehci_ctrl(m->cs, bit) == need[i].bit &&
			    ur_table_reach(ctrls, m->cs, bit, NULL, NULL,
			    0) < 0)
				lost |= (uint16_t)(1u << bit);
		if (lost == 0)
			continue;
		ur_ports_format(lost, m->cs, ports, sizeof(ports));
		problem(c, "profile '%s': %s can be routed only to %s, and "
		    "%s %s; pass %s through with a <hostdev>, or add "
		    "controllers=\"%s\"", p->name, ports, need[i].where,
		    c->name, need[i].bit != 0 ? "holds neither" :
		    "does not hold it", need[i].bit != 0 ? "one" : "it",
		    need[i].fix);
	}
}

/* The default profile's ports of a domain other than ours, on this
 * host; 0 when it has none or they do not resolve (its own check will
 * say so). */
static uint16_t
other_default(virDomainPtr dom, const struct ur_machine *m,
    const struct ur_conf *conf, char *pname, size_t len)
{
	struct ur_domain d;
	struct ur_err err;
	uint16_t mask;
	unsigned flags;
	int found;

	/* A defined domain claims what its config says when it next
	 * starts; a transient one has only its live definition. */
	flags = virDomainIsPersistent(dom) == 1 ? VIR_DOMAIN_AFFECT_CONFIG :
	    VIR_DOMAIN_AFFECT_LIVE;
	if (meta_read(dom, flags, &d, &found, &err) < 0 || !found ||
	    d.default_profile < 0)
		return 0;
	if (ur_claim_fixed(m, &d.profile[d.default_profile], &mask,
	    &err) < 0)
		return 0;
	snprintf(pname, len, "%s", d.profile[d.default_profile].name);
	return mask;
}

static int
check_overlap(struct checker *c, struct session *s, const char *pname,
    uint16_t mine, const struct ur_machine *m, const struct ur_conf *conf,
    struct ur_err *err)
{
	char self[VIR_UUID_STRING_BUFLEN], uuid[VIR_UUID_STRING_BUFLEN];
	char theirs[64], ports[128];
	virDomainPtr *doms = NULL;
	const char *oname;
	uint16_t both;
	int i, n;

	if (virDomainGetUUIDString(s->dom, self) < 0)
		return lverr(err, "cannot read the UUID of %s", s->name);
	if ((n = virConnectListAllDomains(s->conn, &doms, 0)) < 0)
		return lverr(err, "cannot list the domains on %s", s->uri);
	for (i = 0; i < n; i++) {
		if (virDomainGetUUIDString(doms[i], uuid) < 0 ||
		    strcmp(uuid, self) == 0 ||
		    (oname = virDomainGetName(doms[i])) == NULL)
			continue;
		both = mine & other_default(doms[i], m, conf, theirs,
		    sizeof(theirs));
		if (both == 0)
			continue;
		ur_ports_format(both, m->cs, ports, sizeof(ports));
		problem(c, "default profile '%s' shares %s with the default "
		    "profile '%s' of domain '%s'; whichever starts second "
		    "will be refused", pname, ports, theirs, oname);
	}
	for (i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	return 0;
}

/*
 * The toggle device: the serial, console or channel device with that
 * alias, type='unix' with mode='bind', in the running domain (its live
 * XML has the aliases libvirt gave) or, for a domain that is not running
 * or with --persistent, in its definition (where libvirt's default
 * aliases are implied by the devices' order).
 */
static void
check_toggle(struct checker *c, const struct session *s,
    const struct dopts *o, const char *alias)
{
	struct ur_err err;
	char path[4096], *xml;
	int live, rc;

	live = !o->persistent && virDomainIsActive(s->dom) == 1;
	xml = virDomainGetXMLDesc(s->dom, live ? 0 : VIR_DOMAIN_XML_INACTIVE);
	if (xml == NULL) {
		lverr(&err, "cannot read the domain XML");
		problem(c, "toggle device '%s': %s", alias, err.msg);
		return;
	}
	rc = (live ? ur_metachan_path : ur_metachan_path_defined)(xml,
	    strlen(xml), alias, path, sizeof(path), &err);
	free(xml);
	if (rc < 0)
		problem(c, "%s; the guest's toggle needs e.g. <serial "
		    "type='unix'><source mode='bind' path='/run/usbroute/"
		    "%s.sock'/></serial> (README: switching while the VM runs)",
		    err.msg, s->name);
}

/*
 * A profile's devices, as the hook will find them at the next start: a
 * required one not plugged in, one on a port that cannot be switched, on
 * a controller the domain does not hold, or on a port another running
 * domain holds.  Only for a domain that is not running: a running one's
 * devices may be on the guest's side, where the host cannot see them.
 */
static void
check_devices(struct checker *c, const struct session *s,
    struct ur_domain *d, unsigned hostdev, struct ur_machine *m)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct ur_claim claim;
	struct ur_table t;
	struct ur_err err;
	int i;

	if (virDomainIsActive(s->dom) == 1)
		return;
	if (virDomainGetUUIDString(s->dom, uuid) < 0)
		snprintf(uuid, sizeof(uuid), "%s", s->name);
	if (ur_machine_table(m, &t, &err) < 0) {
		problem(c, "devices not checked: %s", err.msg);
		return;
	}
	d->hostdev_ctrls = hostdev;
	for (i = 0; i < d->nprofiles; i++)
		if (d->profile[i].devices[0] != '\0' &&
		    ur_claim_build(m, &t, d, i, uuid, s->name, &claim,
		    &err) < 0)
			problem(c, "profile '%s': %s", d->profile[i].name,
			    err.msg);
}

int
domain_check(struct cli *cli, const struct dopts *o)
{
	struct checker c = { o->name, 0 };
	const struct ur_profile *p;
	struct session s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_err err;
	char ports[128], ctrls[32], summary[256];
	uint16_t mask, dmask = 0;
	unsigned hostdev = 0, held;
	int found, i, rc;

	if (o->live && o->persistent)
		return usage_error("domain", "check: give --live or "
		    "--persistent, not both");
	if (open_machine(cli, &m) != EXIT_OK)
		return EXIT_FAIL;
	if (session_open(&s, cli, o, &err) < 0) {
		ur_machine_close(&m);
		return fail(&err);
	}
	if ((rc = meta_read(s.dom, read_flags(o), &d, &found, &err)) < 0) {
		/* A malformed element is what check is for: a finding, not
		 * a failure to look. */
		if (rc == META_BROKEN) {
			problem(&c, "%s", err.msg);
			goto done;
		}
		session_close(&s);
		ur_machine_close(&m);
		ur_err_prefix(&err, "%s", o->name);
		return fail(&err);
	}
	if (!found) {
		printf("%s: ok (no usbroute metadata: usbroute leaves it "
		    "alone)\n", o->name);
		goto done;
	}
	if (hostdev_read(s.dom, xml_flags(o), &hostdev, &err) < 0) {
		problem(&c, "%s", err.msg);
		goto done;
	}
	held = hostdev | d.attr_ctrls;
	if (held == 0 && d.nprofiles > 0)
		problem(&c, "%s", UR_NO_CTRL);
	for (i = 0; i < d.nprofiles; i++) {
		p = &d.profile[i];
		if (ur_claim_fixed(&m, p, &mask, &err) < 0) {
			problem(&c, "profile '%s': %s", p->name, err.msg);
			continue;
		}
		if (held != 0)
			check_reach(&c, p, mask, held, &m);
		if (i == d.default_profile)
			dmask = mask;
	}
	if (held != 0)
		check_devices(&c, &s, &d, hostdev, &m);
	if (d.toggle_device[0] != '\0')
		check_toggle(&c, &s, o, d.toggle_device);
	if (dmask != 0 && check_overlap(&c, &s,
	    d.profile[d.default_profile].name, dmask, &m, &cli->conf,
	    &err) < 0) {
		session_close(&s);
		ur_machine_close(&m);
		return fail(&err);
	}
	if (c.problems == 0) {
		ur_chipset_ctrl_format(held, ctrls, sizeof(ctrls));
		if (d.default_profile >= 0) {
			ur_ports_format(dmask, m.cs, ports, sizeof(ports));
			snprintf(summary, sizeof(summary), "default profile "
			    "'%s': %s", d.profile[d.default_profile].name,
			    ports);
		} else {
			snprintf(summary, sizeof(summary), "no profiles: "
			    "claims no ports");
		}
		printf("%s: ok (%s; %d profile%s; holds %s; toggle %s; on %s)\n",
		    o->name, summary, d.nprofiles, d.nprofiles == 1 ? "" : "s",
		    ctrls, d.toggle_device[0] != '\0' ? d.toggle_device :
		    "none", m.cs->key);
	}
done:
	session_close(&s);
	ur_machine_close(&m);
	if (c.problems == 0)
		return EXIT_OK;
	fflush(stdout);
	fprintf(stderr, "usbroute: %s: %d problem%s found\n", o->name,
	    c.problems, c.problems == 1 ? "" : "s");
	return EXIT_FAIL;
}
