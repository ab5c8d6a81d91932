/* usbroute domain NAME show|check|set|unset: a libvirt domain's routing
 * metadata, read and written through the libvirt API. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "meta.h"
#include "portset.h"
#include "report.h"
#include "usbroute.h"

#define DEFAULT_URI	"qemu:///system"
#define META_MAX	8192	/* our element as text: 8 full profiles fit */

static const char domain_help[] =
"usage: usbroute domain [--connect URI] NAME show|check|set|unset [OPTIONS]\n"
"\n"
"Reads, checks and edits a libvirt domain's routing metadata: the\n"
"<usbroute> element in namespace " UR_META_NS "\n"
"inside its <metadata>, which the hook reads when the domain starts.\n"
"\n"
"  show [--json] [--live|--persistent]\n"
"      the profiles, their ports on this host, the default profile, the\n"
"      toggle device and the PCH controllers the domain holds\n"
"  check [--live|--persistent]\n"
"      every profile's ports exist and are switchable here, the domain\n"
"      holds a controller for each, and its default profile shares no\n"
"      port with another domain's default profile; exit 1 if not\n"
"  set [--profile NAME] [--ports PORTS] [--default|--no-default]\n"
"      [--toggle DEVICE|--no-toggle] [--controllers LIST|--no-controllers]\n"
"      [--live] [--persistent]\n"
"      add or replace a profile (NAME defaults to \"default\"); the first\n"
"      profile is the default one, later ones only with --default; an\n"
"      existing profile keeps its default flag; --no-default fails\n"
"      rather than leave this profile the default.  Without --ports,\n"
"      changes only what is given.  Ports are checked against this\n"
"      host when its chipset can be opened; nothing is written if\n"
"      one is wrong.\n"
"  unset [--profile NAME] [--live] [--persistent]\n"
"      remove one profile, or without --profile the whole element\n"
"\n"
"  --connect URI, -c URI  libvirt URI (default: libvirt-uri in usbroute.conf,\n"
"                         else " DEFAULT_URI ")\n"
"  --live                 the running domain\n"
"  --persistent           its persistent config (virsh's --config; usbroute's\n"
"                         own --config names usbroute.conf); --inactive is\n"
"                         the same\n"
"  neither                the running domain if it runs, else the config\n"
"\n"
"The same with virsh:\n"
"  virsh metadata NAME --uri " UR_META_NS " --key usbroute \\\n"
"    --set '<usbroute><profile name=\"desk\" ports=\"ehci2.1-6\" "
"default=\"yes\"/></usbroute>'\n";

struct dopts {
	const char *uri;
	const char *name;
	const char *sub;
	const char *ports;
	const char *profile;
	const char *toggle;
	const char *ctrls;
	unsigned ctrl_mask;	/* ctrls, parsed */
	int dflt, no_dflt, no_toggle, no_ctrls;
	int live, persistent;
};

struct session {
	const char *uri;
	const char *name;
	virConnectPtr conn;
	virDomainPtr dom;
};

/* The default handler prints every error on stderr as it happens, often
 * twice; we print one line of our own instead. */
static void
silence(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

/* Our message, then libvirt's last error, on one line. */
static int
lverr(struct ur_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
lverr(struct ur_err *err, const char *fmt, ...)
{
	char what[256], why[256];
	const char *msg;
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	msg = virGetLastErrorMessage();
	snprintf(why, sizeof(why), "%s", msg != NULL ? msg : "unknown error");
	for (p = why; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return ur_errf(err, "%s: %s", what, why);
}

static void
session_close(struct session *s)
{
	if (s->dom != NULL)
		virDomainFree(s->dom);
	if (s->conn != NULL)
		virConnectClose(s->conn);
	s->dom = NULL;
	s->conn = NULL;
}

static int
session_open(struct session *s, const struct cli *cli, const struct dopts *o,
    struct ur_err *err)
{
	memset(s, 0, sizeof(*s));
	s->name = o->name;
	s->uri = o->uri;
	if (s->uri == NULL)
		s->uri = ur_conf_get(&cli->conf, "libvirt-uri");
	if (s->uri == NULL || s->uri[0] == '\0')
		s->uri = DEFAULT_URI;
	virSetErrorFunc(NULL, silence);
	if ((s->conn = virConnectOpen(s->uri)) == NULL)
		return lverr(err, "cannot connect to %s", s->uri);
	s->dom = virDomainLookupByName(s->conn, s->name);
	/* A UUID names a domain as well as its name does. */
	if (s->dom == NULL && virGetLastErrorCode() == VIR_ERR_NO_DOMAIN &&
	    strlen(s->name) == VIR_UUID_STRING_BUFLEN - 1)
		s->dom = virDomainLookupByUUIDString(s->conn, s->name);
	if (s->dom == NULL) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ||
		    virGetLastErrorCode() == VIR_ERR_INVALID_ARG)
			ur_errf(err, "no domain '%s' on %s; see 'virsh list "
			    "--all'", s->name, s->uri);
		else
			lverr(err, "cannot look up domain '%s' on %s",
			    s->name, s->uri);
		session_close(s);
		return -1;
	}
	return 0;
}

static void
domain_empty(struct ur_domain *d)
{
	memset(d, 0, sizeof(*d));
	d->default_profile = -1;
}

#define META_LIBVIRT	(-1)	/* libvirt could not say */
#define META_BROKEN	(-2)	/* the element is there but malformed */

/* Our element as libvirt keeps it for flags (VIR_DOMAIN_AFFECT_*);
 * *found is 0 when the domain has none.  Messages do not name the
 * domain: callers do. */
static int
meta_read(virDomainPtr dom, unsigned flags, struct ur_domain *d, int *found,
    struct ur_err *err)
{
	char *xml;
	int rc;

	domain_empty(d);
	*found = 0;
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
	    UR_META_NS, flags);
	if (xml == NULL) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_METADATA)
			return 0;
		lverr(err, "cannot read the usbroute metadata");
		return META_LIBVIRT;
	}
	*found = 1;
	rc = ur_meta_parse(xml, strlen(xml), d, err);
	free(xml);
	return rc < 0 ? META_BROKEN : 0;
}

/* The PCH controllers in the domain's <hostdev> list. */
static int
hostdev_read(virDomainPtr dom, unsigned xmlflags, unsigned *ctrls,
    struct ur_err *err)
{
	struct ur_domain full;
	char *xml;
	int rc;

	if ((xml = virDomainGetXMLDesc(dom, xmlflags)) == NULL)
		return lverr(err, "cannot read the domain XML");
	rc = ur_meta_parse(xml, strlen(xml), &full, err);
	free(xml);
	if (rc < 0)
		return -1;
	*ctrls = full.hostdev_ctrls;
	return 0;
}

/* VIR_DOMAIN_AFFECT_* for reading: one of them. */
static unsigned
read_flags(const struct dopts *o)
{
	if (o->live)
		return VIR_DOMAIN_AFFECT_LIVE;
	if (o->persistent)
		return VIR_DOMAIN_AFFECT_CONFIG;
	return VIR_DOMAIN_AFFECT_CURRENT;
}

static unsigned
xml_flags(const struct dopts *o)
{
	return o->persistent ? VIR_DOMAIN_XML_INACTIVE : 0;
}

static int
find_profile(const struct ur_domain *d, const char *name)
{
	int i;

	for (i = 0; i < d->nprofiles; i++)
		if (strcmp(d->profile[i].name, name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- show */

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
	if (ur_ports_parse(p->ports, m->cs, conf, m->present, m->switchable,
	    mask, err) < 0)
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
		    p->name, p->ports);
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
	ur_json_string(stdout, name);
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
		ur_json_string(stdout, p->name);
		printf(", \"ports\": ");
		ur_json_string(stdout, p->ports);
		printf(", \"default\": %s", i == d->default_profile ?
		    "true" : "false");
		if (m == NULL) {
			printf(", \"resolved\": null, \"mask\": null, "
			    "\"error\": null}");
		} else if (resolve(p, m, conf, &mask, ports, sizeof(ports),
		    &err) < 0) {
			printf(", \"resolved\": null, \"mask\": null, "
			    "\"error\": ");
			ur_json_string(stdout, err.msg);
			printf("}");
		} else {
			printf(", \"resolved\": ");
			ur_json_string(stdout, ports);
			printf(", \"mask\": \"0x%04x\", \"error\": null}",
			    mask);
		}
	}
	printf("], \"default\": ");
	if (d->default_profile >= 0)
		ur_json_string(stdout, d->profile[d->default_profile].name);
	else
		printf("null");
	printf(", \"toggle\": ");
	if (d->toggle_device[0] != '\0')
		ur_json_string(stdout, d->toggle_device);
	else
		printf("null");
	printf("}, \"host\": {\"chipset\": ");
	if (m != NULL)
		ur_json_string(stdout, m->cs->key);
	else
		printf("null");
	printf(", \"error\": ");
	if (m == NULL)
		ur_json_string(stdout, why);
	else
		printf("null");
	printf("}}\n");
}

static int
do_show(struct cli *cli, const struct dopts *o)
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
			ur_json_string(stdout, o->name);
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

/* ------------------------------------------------------------ check */

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
			    ur_port_ehci_ctrl(m->cs, bit) == need[i].bit &&
			    !(ctrls & need[i].bit))
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
	if (ur_ports_parse(d.profile[d.default_profile].ports, m->cs, conf,
	    m->present, m->switchable, &mask, &err) < 0)
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

static int
do_check(struct cli *cli, const struct dopts *o)
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
		problem(&c, "holds no PCH USB controller: no <hostdev> of "
		    "00:1d.0, 00:1a.0 or 00:14.0 and no controllers=");
	for (i = 0; i < d.nprofiles; i++) {
		p = &d.profile[i];
		if (ur_ports_parse(p->ports, m.cs, &cli->conf, m.present,
		    m.switchable, &mask, &err) < 0) {
			problem(&c, "profile '%s': %s", p->name, err.msg);
			continue;
		}
		if (held != 0)
			check_reach(&c, p, mask, held, &m);
		if (i == d.default_profile)
			dmask = mask;
	}
	if (dmask != 0 && check_overlap(&c, &s,
	    d.profile[d.default_profile].name, dmask, &m, &cli->conf,
	    &err) < 0) {
		session_close(&s);
		ur_machine_close(&m);
		return fail(&err);
	}
	if (c.problems == 0) {
		ur_ctrl_format(held, ctrls, sizeof(ctrls));
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

/* -------------------------------------------------------- set, unset */

static int
copy(char *dst, size_t len, const char *src, const char *what,
    struct ur_err *err)
{
	if (strlen(src) >= len)
		return ur_errf(err, "%s '%.24s...' is longer than the %zu "
		    "characters allowed", what, src, len - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* default_profile follows the is_default flags after an edit. */
static void
sync_default(struct ur_domain *d)
{
	int i;

	d->default_profile = -1;
	for (i = 0; i < d->nprofiles; i++)
		if (d->profile[i].is_default)
			d->default_profile = i;
	/* A lone profile is the default (the parser says so too). */
	if (d->nprofiles == 1) {
		d->profile[0].is_default = 1;
		d->default_profile = 0;
	}
}

static int
edit_set(struct ur_domain *d, const struct dopts *o, const char *pname,
    struct ur_err *err)
{
	struct ur_profile *p;
	int i, idx;

	idx = find_profile(d, pname);
	if (o->ports != NULL && idx < 0) {
		if (d->nprofiles >= UR_META_MAX_PROFILES)
			return ur_errf(err, "%s has %d profiles, the most "
			    "usbroute keeps; remove one with 'usbroute domain "
			    "%s unset --profile NAME'", o->name,
			    d->nprofiles, o->name);
		idx = d->nprofiles++;
		p = &d->profile[idx];
		memset(p, 0, sizeof(*p));
		if (copy(p->name, sizeof(p->name), pname, "profile name",
		    err) < 0)
			return -1;
		/* Only the first profile becomes the default by itself:
		 * which ports a domain takes at start should not change
		 * because another profile was added. */
		p->is_default = d->default_profile < 0;
	}
	if (idx < 0 && (o->profile != NULL || o->dflt || o->no_dflt))
		return ur_errf(err, "%s has no profile '%s'; give --ports to "
		    "create it", o->name, pname);
	if (idx >= 0) {
		p = &d->profile[idx];
		if (o->ports != NULL && copy(p->ports, sizeof(p->ports),
		    o->ports, "--ports", err) < 0)
			return -1;
		if (o->dflt) {
			for (i = 0; i < d->nprofiles; i++)
				d->profile[i].is_default = 0;
			p->is_default = 1;
		}
		/* Exactly one profile is the default when there are any:
		 * --no-default can only refuse, never leave none. */
		if (o->no_dflt && p->is_default && d->nprofiles == 1)
			return ur_errf(err, "profile '%s' is the only one, so "
			    "it is the default: a domain with usbroute "
			    "metadata claims its default profile at start",
			    pname);
		if (o->no_dflt && p->is_default)
			return ur_errf(err, "profile '%s' is the default; make "
			    "another one the default with --profile NAME "
			    "--default", pname);
	}
	if (o->toggle != NULL && copy(d->toggle_device,
	    sizeof(d->toggle_device), o->toggle, "--toggle", err) < 0)
		return -1;
	if (o->no_toggle)
		d->toggle_device[0] = '\0';
	if (o->ctrls != NULL)
		d->attr_ctrls = o->ctrl_mask;
	if (o->no_ctrls)
		d->attr_ctrls = 0;
	sync_default(d);
	return 0;
}

static int
edit_unset(struct ur_domain *d, const struct dopts *o, struct ur_err *err)
{
	char names[160];
	size_t used = 0;
	int i, idx, n;

	if ((idx = find_profile(d, o->profile)) < 0) {
		names[0] = '\0';
		for (i = 0; i < d->nprofiles && used < sizeof(names); i++) {
			n = snprintf(names + used, sizeof(names) - used,
			    "%s%s", i > 0 ? ", " : "", d->profile[i].name);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		return ur_errf(err, "%s has no profile '%s' (it has %s)",
		    o->name, o->profile, d->nprofiles > 0 ? names : "none");
	}
	if (d->profile[idx].is_default && d->nprofiles > 2)
		return ur_errf(err, "profile '%s' is the default of %s; make "
		    "another one the default first: usbroute domain %s set "
		    "--profile NAME --default", o->profile, o->name,
		    o->name);
	for (i = idx; i + 1 < d->nprofiles; i++)
		d->profile[i] = d->profile[i + 1];
	d->nprofiles--;
	sync_default(d);
	return 0;
}

/* One read-modify-write of the element for one of LIVE, CONFIG or
 * CURRENT: the live and the persistent element may differ. */
static int
rewrite(struct session *s, const struct dopts *o, const char *pname,
    unsigned flags, int unset, struct ur_err *err)
{
	struct ur_domain d;
	char *xml, why[sizeof(err->msg)];
	int found, rc;

	rc = meta_read(s->dom, flags, &d, &found, err);
	if (rc == META_LIBVIRT)
		return ur_err_prefix(err, "%s", s->name);
	/* A broken element can still be removed whole, not edited. */
	if (rc == META_BROKEN && !(unset && o->profile == NULL)) {
		memcpy(why, err->msg, sizeof(why));
		return ur_errf(err, "%s: %s; nothing changed: fix it with "
		    "virsh or remove it with 'usbroute domain %s unset'",
		    s->name, why, s->name);
	}
	if (unset && !found) {
		printf("%s has no usbroute metadata; nothing to remove\n",
		    s->name);
		return 0;
	}
	if (unset && o->profile != NULL && edit_unset(&d, o, err) < 0)
		return -1;
	if (!unset && edit_set(&d, o, pname, err) < 0)
		return -1;
	if (unset && (o->profile == NULL || (d.nprofiles == 0 &&
	    d.toggle_device[0] == '\0' && d.attr_ctrls == 0))) {
		if (virDomainSetMetadata(s->dom, VIR_DOMAIN_METADATA_ELEMENT,
		    NULL, UR_META_KEY, UR_META_NS, flags) < 0)
			return lverr(err, "cannot remove the metadata of %s",
			    s->name);
		printf("%s: usbroute metadata removed\n", s->name);
		return 0;
	}
	if ((xml = malloc(META_MAX)) == NULL)
		return ur_errf(err, "out of memory");
	if (ur_meta_format(&d, xml, META_MAX, err) < 0) {
		free(xml);
		return -1;
	}
	rc = virDomainSetMetadata(s->dom, VIR_DOMAIN_METADATA_ELEMENT, xml,
	    UR_META_KEY, UR_META_NS, flags);
	free(xml);
	if (rc < 0)
		return lverr(err, "cannot write the metadata of %s", s->name);
	if (unset)
		printf("%s: profile '%s' removed\n", s->name, o->profile);
	else if ((rc = find_profile(&d, pname)) >= 0 &&
	    (o->ports != NULL || o->profile != NULL || o->dflt))
		printf("%s: profile '%s'%s: %s\n", s->name, pname,
		    d.profile[rc].is_default ? " (default)" : "",
		    d.profile[rc].ports);
	else
		printf("%s: usbroute metadata updated\n", s->name);
	return 0;
}

/* Port words are checked here, before anything is written, when this
 * host's chipset can be opened; editing a domain for another host (or on
 * a host without a PCH) is allowed, with a note. */
static int
check_words(struct cli *cli, const char *words, struct ur_err *err)
{
	struct ur_machine m;
	struct ur_err merr;
	uint16_t mask;
	int rc;

	if (ur_machine_open(&m, &cli->conf, &merr) < 0) {
		printf("note: ports not checked against this host (%s)\n",
		    merr.msg);
		return 0;
	}
	rc = ur_ports_parse(words, m.cs, &cli->conf, m.present, m.switchable,
	    &mask, err);
	ur_machine_close(&m);
	return rc;
}

static int
do_edit(struct cli *cli, const struct dopts *o, int unset)
{
	struct session s;
	struct ur_err err;
	unsigned targets[2];
	const char *pname = o->profile != NULL ? o->profile : "default";
	int i, n = 0;

	if (cli->json)
		return usage_error("domain", "--json works with show only");
	if (!unset && o->ports == NULL && o->profile == NULL && !o->dflt &&
	    !o->no_dflt && o->toggle == NULL && !o->no_toggle &&
	    o->ctrls == NULL && !o->no_ctrls)
		return usage_error("domain", "set: nothing to change; give "
		    "--ports, --toggle or --controllers");
	if (o->ports != NULL && check_words(cli, o->ports, &err) < 0)
		return fail(&err);
	if (o->live)
		targets[n++] = VIR_DOMAIN_AFFECT_LIVE;
	if (o->persistent)
		targets[n++] = VIR_DOMAIN_AFFECT_CONFIG;
	if (n == 0)
		targets[n++] = VIR_DOMAIN_AFFECT_CURRENT;
	if (session_open(&s, cli, o, &err) < 0)
		return fail(&err);
	for (i = 0; i < n; i++) {
		if (rewrite(&s, o, pname, targets[i], unset, &err) < 0) {
			session_close(&s);
			if (i > 0)
				ur_err_prefix(&err, "live element changed, "
				    "persistent one not");
			return fail(&err);
		}
	}
	session_close(&s);
	return EXIT_OK;
}

/* ---------------------------------------------------------- options */


static int
parse_opts(int argc, char **argv, struct dopts *o)
{
	const char *v;
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if ((r = take_opt(argc, argv, &i, "--connect", &o->uri)) ||
		    (r = take_opt(argc, argv, &i, "-c", &o->uri)) ||
		    (r = take_opt(argc, argv, &i, "--ports", &o->ports)) ||
		    (r = take_opt(argc, argv, &i, "--profile", &o->profile)) ||
		    (r = take_opt(argc, argv, &i, "--toggle", &o->toggle)) ||
		    (r = take_opt(argc, argv, &i, "--controllers",
		    &o->ctrls))) {
			if (r < 0)
				return usage_error("domain", "%s needs a value",
				    argv[i]);
		} else if (take_opt(argc, argv, &i, "--default", NULL)) {
			o->dflt = 1;
		} else if (take_opt(argc, argv, &i, "--no-default", NULL)) {
			o->no_dflt = 1;
		} else if (take_opt(argc, argv, &i, "--no-toggle", NULL)) {
			o->no_toggle = 1;
		} else if (take_opt(argc, argv, &i, "--no-controllers",
		    NULL)) {
			o->no_ctrls = 1;
		} else if (take_opt(argc, argv, &i, "--live", NULL)) {
			o->live = 1;
		} else if (take_opt(argc, argv, &i, "--persistent", NULL) ||
		    take_opt(argc, argv, &i, "--inactive", NULL)) {
			o->persistent = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error("domain", "unknown option '%s'",
			    argv[i]);
		} else if (o->name == NULL) {
			o->name = argv[i];
		} else if (o->sub == NULL) {
			o->sub = argv[i];
		} else {
			return usage_error("domain", "unexpected argument "
			    "'%s'; quote the ports as one argument, e.g. "
			    "--ports 'ehci2.1-6 front-left'", argv[i]);
		}
	}
	if (o->dflt && o->no_dflt)
		return usage_error("domain", "--default and --no-default "
		    "contradict each other");
	if (o->toggle != NULL && o->no_toggle)
		return usage_error("domain", "--toggle and --no-toggle "
		    "contradict each other");
	if (o->ctrls != NULL && o->no_ctrls)
		return usage_error("domain", "--controllers and "
		    "--no-controllers contradict each other");
	if (o->ctrls != NULL &&
	    ctrls_option("domain", o->ctrls, &o->ctrl_mask) != EXIT_OK)
		return EXIT_USAGE;
	v = o->sub;
	if (o->name != NULL && o->name[0] == '\0')
		return usage_error("domain", "empty domain name");
	if (v != NULL && strcmp(v, "set") != 0 && (o->ports != NULL ||
	    o->dflt || o->no_dflt || o->toggle != NULL || o->no_toggle ||
	    o->ctrls != NULL || o->no_ctrls))
		return usage_error("domain", "%s takes no --ports, --default, "
		    "--toggle or --controllers; those are for set", v);
	if (v != NULL && strcmp(v, "unset") != 0 && strcmp(v, "set") != 0 &&
	    o->profile != NULL)
		return usage_error("domain", "%s takes no --profile", v);
	return EXIT_OK;
}

static int
is_sub(const char *s)
{
	return s != NULL && (strcmp(s, "show") == 0 ||
	    strcmp(s, "check") == 0 || strcmp(s, "set") == 0 ||
	    strcmp(s, "unset") == 0);
}

int
cmd_domain(struct cli *cli, int argc, char **argv)
{
	struct dopts o;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) != EXIT_OK)
		return rc;
	/* A domain named "help" is still reached as 'help show'. */
	if (o.name != NULL && strcmp(o.name, "help") == 0 && o.sub == NULL) {
		fputs(domain_help, stdout);
		return EXIT_OK;
	}
	if (o.name == NULL)
		return usage_error("domain", "usage: usbroute domain NAME "
		    "show|check|set|unset");
	if (o.sub == NULL) {
		if (is_sub(o.name))
			return usage_error("domain", "no domain named: the "
			    "domain comes first, 'usbroute domain NAME %s'",
			    o.name);
		o.sub = "show";
	}
	if (strcmp(o.sub, "show") == 0)
		return do_show(cli, &o);
	if (cli->json)
		return usage_error("domain", "--json works with show only");
	if (strcmp(o.sub, "check") == 0)
		return do_check(cli, &o);
	if (strcmp(o.sub, "set") == 0)
		return do_edit(cli, &o, 0);
	if (strcmp(o.sub, "unset") == 0)
		return do_edit(cli, &o, 1);
	if (is_sub(o.name))
		return usage_error("domain", "the domain comes first: "
		    "'usbroute domain %s %s'", o.sub, o.name);
	return usage_error("domain", "unknown subcommand '%s': use show, "
	    "check, set or unset", o.sub);
}
