/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute route PORTS --to xhci|ehci; usbroute set MASK
 *
 * Routing by hand goes through the ownership table like everything
 * else: the ports are pinned to a side for the host, so status, the hook
 * and the daemon agree with what was done. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ports.h"
#include "usbroute.h"

struct pin {
	uint16_t ports;
	uint16_t xhci;		/* of ports, the ones going to the xHCI */
};

static int
refuse_held(const struct ur_table *t, const struct ur_machine *m,
    uint16_t ports, struct ur_err *err)
{
	const struct ur_owner *o;
	char name[16];
	int bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(ports & (1u << bit)) ||
		    (o = ur_table_holder(t, bit)) == NULL)
			continue;
		ur_chipset_port_name(m->cs, bit, name, sizeof(name));
		return ur_errf(err, "port %s is held by %s; release it first "
		    "('usbroute release %s')", name,
		    o->name[0] ? o->name : o->id, o->id);
	}
	return 0;
}

static int
edit_pin(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct pin *p = arg;

	if (refuse_held(t, m, p->ports, err) < 0)
		return -1;
	t->pin_mask |= p->ports;
	t->pin_xhci = (uint16_t)((t->pin_xhci & ~p->ports) | p->xhci);
	/* A pin to where the host's ports go anyway is no pin. */
	{
		struct ur_table plain = *t;
		uint16_t dflt;

		plain.pin_mask = 0;
		plain.pin_xhci = 0;
		dflt = ur_table_compute(&plain, m->cs, m->switchable);
		t->pin_mask &= (uint16_t)(t->pin_xhci ^ dflt) | ~p->ports;
		t->pin_xhci &= t->pin_mask;
	}
	return 0;
}

static int
commit_and_report(struct ur_machine *m, ur_edit_fn fn, void *arg)
{
	struct ur_err err;
	int rc;

	rc = ur_machine_commit(m, fn, arg, NULL, &err);
	if (rc < 0) {
		ur_machine_close(m);
		return fail(&err);
	}
	/* "before" as the commit read it under the lock: another usbroute
	 * may have written between our open and the commit. */
	printf("XUSB2PR 0x%08x -> 0x%08x\n", m->before.xusb2pr,
	    m->regs.xusb2pr);
	ur_machine_close(m);
	return EXIT_OK;
}

static int
cmd_route(struct cli *cli, const struct cmd_args *a)
{
	const char *to = cmd_opt(a, "--to"), *words = a->argv[0];
	struct ur_machine m;
	struct ur_err err;
	struct pin p;
	int rc;

	if (strcmp(to, "xhci") != 0 && strcmp(to, "ehci") != 0)
		return usage_error("route", "--to takes xhci or ehci, not "
		    "'%s'", to);
	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	if (ur_ports_parse(words, m.cs, &cli->conf, m.present, m.switchable,
	    &p.ports, &err) < 0) {
		ur_machine_close(&m);
		return fail(&err);
	}
	p.xhci = strcmp(to, "xhci") == 0 ? p.ports : 0;
	return commit_and_report(&m, edit_pin, &p);
}

static int
cmd_set(struct cli *cli, const struct cmd_args *a)
{
	struct ur_machine m;
	struct ur_err err;
	struct pin p;
	uint32_t value, fixed;
	char name[16];
	int rc, bit;

	if (ur_ports_mask(a->argv[0], &value, &err) < 0)
		return fail(&err);
	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	if (value & ~(uint32_t)m.cs->port_mask) {
		ur_errf(&err, "mask 0x%04x has bits outside the ports of %s "
		    "(0x%04x)", value, m.cs->name, m.cs->port_mask);
		ur_machine_close(&m);
		return fail(&err);
	}
	/* Ports firmware will not move must already be where asked. */
	fixed = (value ^ m.regs.xusb2pr) & m.cs->port_mask &
	    ~(uint32_t)m.switchable;
	if (fixed != 0) {
		for (bit = 0; !(fixed & (1u << bit)); bit++)
			;
		ur_chipset_port_name(m.cs, bit, name, sizeof(name));
		ur_errf(&err, "port %s cannot be moved: the firmware does not "
		    "allow switching it (USB2PRM 0x%04x); keep its bit as %u",
		    name, m.regs.usb2prm, (m.regs.xusb2pr >> bit) & 1);
		ur_machine_close(&m);
		return fail(&err);
	}
	p.ports = m.switchable;
	p.xhci = (uint16_t)(value & m.switchable);
	return commit_and_report(&m, edit_pin, &p);
}

const struct cmd cmd_route_entry = {
	.name = "route", .run = cmd_route, .args = "PORTS", .min = 1,
	.max = 1, .opts = { { "--to", "xhci|ehci", 1 } },
	.help = "move host ports by hand (what setpci did)",
};

const struct cmd cmd_set_entry = {
	.name = "set", .run = cmd_set, .args = "MASK", .min = 1, .max = 1,
	.help = "set the routing of all host ports from a raw mask (bit set "
	    "= xHCI, e.g. 0x00ff)",
};
