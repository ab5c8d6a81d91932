/*
 * usbroute-hook-release: the hook's "release end" for a domain that has
 * usbroute metadata or holds ports in the table.  usbroute-hook execs it
 * with libvirt's arguments and the domain XML on standard input.
 *
 * Gives the domain's ports back; safe if it never claimed (libvirt runs
 * release after a failed prepare too).  No XML parser: the domain is
 * found by the UUID in its XML, so release works even when the metadata
 * has since become unparsable -- and this program does not load libxml2,
 * which is most of what a release would otherwise cost ('make bench').
 * Never calls the libvirt API (libvirtd is waiting for us).
 */
#include "config.h"

#include <stdio.h>
#include <syslog.h>

#include "machine.h"
#include "metascan.h"
#include "portset.h"
#include "worker.h"

struct gone {
	const char *id;
	uint16_t ports;		/* what the domain held */
};

/* Under the commit's lock: a domain that holds nothing ends the
 * commit untouched. */
static int
edit_release(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct gone *g = arg;

	(void)m;
	(void)err;
	if (ur_table_find(t, g->id) == NULL)
		return 1;
	g->ports = ur_table_release(t, g->id);
	return 0;
}

static int
release(struct hook *h)
{
	struct ur_machine m;
	struct ur_err err;
	struct gone g;
	char uuid[64], ports[128];
	int rc;

	if (ur_meta_uuid(h->xml, h->len, uuid, sizeof(uuid)) < 0)
		snprintf(uuid, sizeof(uuid), "%s", h->dom);
	g.id = uuid;
	g.ports = 0;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return hook_refuse(h, "cannot release the ports of %s: %s",
		    h->dom, err.msg);
	rc = ur_commit(&m, edit_release, &g, NULL, &err);
	if (rc < 0) {
		ur_machine_close(&m);
		return hook_refuse(h, "cannot release the ports of %s: %s",
		    h->dom, err.msg);
	}
	/* rc 1: a domain whose prepare failed or never claimed. */
	if (rc == 0) {
		ur_ports_format(g.ports, m.cs, ports, sizeof(ports));
		syslog(LOG_INFO, "%s: released %s: XUSB2PR 0x%08x -> 0x%08x%s%s",
		    h->dom, ports, m.before.xusb2pr, m.regs.xusb2pr,
		    h->extra[0] ? "; libvirt says: " : "", h->extra);
	}
	ur_machine_close(&m);
	return 0;
}

int
main(int argc, char **argv)
{
	struct hook h;
	int rc;

	if (hook_start(&h, argc, argv, &rc) < 0)
		return rc;
	rc = h.what->id == HOOK_RELEASE ? release(&h) : 0;
	hook_end(&h);
	return rc;
}
