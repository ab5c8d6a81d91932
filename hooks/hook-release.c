/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hook's "release end", for a domain that has usbroute metadata or
 * holds ports in the table: gives the domain's ports back; safe if it
 * never claimed (libvirt runs release after a failed prepare too).  No
 * XML parser: the domain is found by its identity (/domain/uuid, found
 * without a parser, as prepare finds it), so release works even when the
 * metadata has since become unparsable -- and it loads no libxml2,
 * which is most of what a release would otherwise cost ('make bench').
 */
#include "config.h"

#include <stdio.h>
#include <syslog.h>

#include "hook.h"
#include "machine.h"
#include "ports.h"

int
hook_release(struct hook *h)
{
	struct ur_machine m;
	struct ur_err err;
	struct ur_release r;
	char ports[128];
	int rc;

	/* The identity prepare used (hook.c, metascan.c); one that
	 * cannot be found could not have claimed. */
	if (h->id_rc < 0)
		return 0;
	r.id = h->id;
	r.ports = 0;
	if (ur_machine_open(&m, &h->conf, &err) < 0)
		return hook_refuse(h, "cannot release the ports of %s: %s",
		    h->dom, err.msg);
	rc = ur_machine_commit(&m, ur_machine_edit_release, &r, NULL, &err);
	if (rc < 0) {
		ur_machine_close(&m);
		return hook_refuse(h, "cannot release the ports of %s: %s",
		    h->dom, err.msg);
	}
	/* rc 1: a domain whose prepare failed or never claimed. */
	if (rc == 0) {
		ur_ports_format(r.ports, m.cs, ports, sizeof(ports));
		syslog(LOG_INFO, "%s: released %s: XUSB2PR 0x%08x -> 0x%08x%s%s",
		    h->dom, ports, m.before.xusb2pr, m.regs.xusb2pr,
		    h->extra[0] ? "; libvirt says: " : "", h->extra);
	}
	ur_machine_close(&m);
	return 0;
}
