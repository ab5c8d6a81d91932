/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain NAME show: the element as text or JSON, each
 * profile's ports resolved on this host when its chipset opens. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "cmd-domain.h"
#include "claim.h"
#include "ports.h"
#include "report.h"

/* "ehci2 (<hostdev> 0000:00:1a.0), xhci (controllers=)" */
static void
describe_ctrls(unsigned hostdev, unsigned attr, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name, *addr;
	} c[] = {
		{ UR_CTRL_EHCI1, "ehci1", UR_ADDR_EHCI1 },
		{ UR_CTRL_EHCI2, "ehci2", UR_ADDR_EHCI2 },
		{ UR_CTRL_XHCI, "xhci", UR_ADDR_XHCI },
	};
	size_t i, used = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(c) / sizeof(c[0]) && used < len; i++) {
		if (!((hostdev | attr) & c[i].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s (%s%s%s)",
		    used > 0 ? ", " : "", c[i].name,
		    hostdev & c[i].bit ? "<hostdev> " : "",
		    hostdev & c[i].bit ? c[i].addr : "",
		    attr & c[i].bit ?
		    (hostdev & c[i].bit ? ", controllers=" : "controllers=") :
		    "");
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, len, "none: no <hostdev> of 00:1d.0, 00:1a.0 or "
		    "00:14.0 and no controllers=, so no port can be routed "
		    "to it");
}

/* A profile's ports on this host, or why they do not resolve. */
static int
resolve(const struct ur_profile *p, const struct ur_machine *m,
    const struct ur_conf *conf, uint16_t *mask, char *buf, size_t len,
    struct ur_err *err)
{
	(void)conf;	/* m->conf is the same configuration */
	if (ur_claim_fixed(m, p, mask, err) < 0)
		return -1;
	ur_ports_format(*mask, m->cs, buf, len);
	return 0;
}

static void
show_text(const char *name, const char *what, const struct ur_domain *d,
    unsigned hostdev, const struct ur_machine *m, const char *why,
    const struct ur_conf *conf)
{
	const struct ur_profile *p;
	struct ur_err err;
	char ctrls[256], ports[128];
	uint16_t mask;
	int i;

	describe_ctrls(hostdev, d->attr_ctrls, ctrls, sizeof(ctrls));
	printf("%s: usbroute metadata (%s)\n", name, what);
	printf("  controllers: %s\n", ctrls);
	if (d->nprofiles == 0)
		printf("  profiles:    none: %s claims no ports\n", name);
	for (i = 0; i < d->nprofiles; i++) {
		p = &d->profile[i];
		printf("  %s %s: %s\n", i == d->default_profile ? "*" : " ",
		    p->name, p->ports[0] ? p->ports : "(no ports)");
		if (p->devices[0] != '\0')
			printf("      devices %s%s\n", p->devices, p->required ?
			    " (required)" : "");
		if (m == NULL)
			continue;
		if (resolve(p, m, conf, &mask, ports, sizeof(ports), &err) < 0)
			printf("      ! %s\n", err.msg);
		else
			printf("      = %s (bits 0x%04x)\n", ports, mask);
	}
	printf("  toggle device: %s\n", d->toggle_device[0] != '\0' ?
	    d->toggle_device : "none");
	if (d->default_profile >= 0)
		printf("  * default profile: claimed when %s starts\n", name);
	if (m == NULL)
		printf("  (ports not resolved on this host: %s)\n", why);
}

static void
json_ctrls(unsigned ctrls)
{
	printf("[%s%s%s%s%s]",
	    ctrls & UR_CTRL_EHCI1 ? "\"ehci1\"" : "",
	    (ctrls & UR_CTRL_EHCI1) && (ctrls & ~UR_CTRL_EHCI1 & UR_CTRL_ALL) ?
	    ", " : "",
	    ctrls & UR_CTRL_EHCI2 ? "\"ehci2\"" : "",
	    (ctrls & UR_CTRL_EHCI2) && (ctrls & UR_CTRL_XHCI) ? ", " : "",
	    ctrls & UR_CTRL_XHCI ? "\"xhci\"" : "");
}

static void
show_json(const char *name, const struct ur_domain *d, unsigned hostdev,
    const struct ur_machine *m, const char *why, const struct ur_conf *conf)
{
	const struct ur_profile *p;
	struct ur_err err;
	char ports[128];
	uint16_t mask;
	int i;

	printf("{\"domain\": ");
	ur_report_json_string(stdout, name);
	printf(", \"metadata\": {\"controllers\": ");
	json_ctrls(hostdev | d->attr_ctrls);
	printf(", \"hostdev_controllers\": ");
	json_ctrls(hostdev);
	printf(", \"attr_controllers\": ");
	json_ctrls(d->attr_ctrls);
	printf(", \"profiles\": [");
	for (i = 0; i < d->nprofiles; i++) {
		p = &d->profile[i];
		printf("%s{\"name\": ", i > 0 ? ", " : "");
		ur_report_json_string(stdout, p->name);
		printf(", \"ports\": ");
		ur_report_json_string(stdout, p->ports);
		printf(", \"devices\": ");
		ur_report_json_string(stdout, p->devices);
		printf(", \"required\": %s", p->required ? "true" : "false");
		printf(", \"default\": %s", i == d->default_profile ?
		    "true" : "false");
		if (m == NULL) {
			printf(", \"resolved\": null, \"mask\": null, "
			    "\"error\": null}");
		} else if (resolve(p, m, conf, &mask, ports, sizeof(ports),
		    &err) < 0) {
			printf(", \"resolved\": null, \"mask\": null, "
			    "\"error\": ");
			ur_report_json_string(stdout, err.msg);
			printf("}");
		} else {
			printf(", \"resolved\": ");
			ur_report_json_string(stdout, ports);
			printf(", \"mask\": \"0x%04x\", \"error\": null}",
			    mask);
		}
	}
	printf("], \"default\": ");
	if (d->default_profile >= 0)
		ur_report_json_string(stdout, d->profile[d->default_profile].name);
	else
		printf("null");
	printf(", \"toggle\": ");
	if (d->toggle_device[0] != '\0')
		ur_report_json_string(stdout, d->toggle_device);
	else
		printf("null");
	printf("}, \"host\": {\"chipset\": ");
	if (m != NULL)
		ur_report_json_string(stdout, m->cs->key);
	else
		printf("null");
	printf(", \"error\": ");
	if (m == NULL)
		ur_report_json_string(stdout, why);
	else
		printf("null");
	printf("}}\n");
}

int
domain_show(struct cli *cli, const struct dopts *o)
{
	struct session s;
	struct ur_domain d;
	struct ur_machine m;
	struct ur_err err, merr;
	const char *what;
	unsigned hostdev = 0;
	int found, have_m;

	if (o->live && o->persistent)
		return usage_error("domain", "show: give --live or "
		    "--persistent, not both");
	if (session_open(&s, cli, o, &err) < 0)
		return fail(&err);
	if (meta_read(s.dom, read_flags(o), &d, &found, &err) < 0 ||
	    (found && hostdev_read(s.dom, xml_flags(o), &hostdev,
	    &err) < 0)) {
		session_close(&s);
		ur_err_prefix(&err, "%s", o->name);
		return fail(&err);
	}
	what = o->live ? "live" : o->persistent ? "persistent config" :
	    virDomainIsActive(s.dom) == 1 ? "live" : "persistent config";
	session_close(&s);
	if (!found) {
		if (cli->json) {
			printf("{\"domain\": ");
			ur_report_json_string(stdout, o->name);
			printf(", \"metadata\": null}\n");
		} else {
			printf("%s has no usbroute metadata; add some with "
			    "'usbroute domain %s set --ports ...'\n", o->name,
			    o->name);
		}
		return EXIT_OK;
	}
	/* Showing works without the chipset (another host's domain, or no
	 * PCH here); only the resolution of the words needs it. */
	have_m = ur_machine_open(&m, &cli->conf, &merr) == 0;
	if (cli->json)
		show_json(o->name, &d, hostdev, have_m ? &m : NULL, merr.msg,
		    &cli->conf);
	else
		show_text(o->name, what, &d, hostdev,
		    have_m ? &m : NULL, merr.msg, &cli->conf);
	if (have_m)
		ur_machine_close(&m);
	return EXIT_OK;
}
