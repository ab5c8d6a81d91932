/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute claim OWNER PORTS [--controllers LIST] [--profile NAME]
 *     [--name TEXT]; usbroute release OWNER; usbroute repair */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ports.h"
#include "suggest.h"
#include "usbroute.h"

struct release {
	const char *id;
	char near[64];		/* an owner id close to a mistyped one */
	char near_name[128];	/* ... and its name, when it is a domain */
};

/* The owner a release of an unknown id was probably meant for: an id
 * or a domain name close to it (a domain is released by its id). */
static void
near_owner(const struct ur_table *t, struct release *r)
{
	const char *cands[2 * UR_MAX_OWNERS], *near;
	int i, n = 0;

	for (i = 0; i < t->nowners && i < UR_MAX_OWNERS; i++) {
		cands[n++] = t->owner[i].id;
		cands[n++] = t->owner[i].name[0] ? t->owner[i].name : NULL;
	}
	if ((near = ur_suggest(r->id, cands, (size_t)n)) == NULL) {
		/* An exact domain name: its id is what release takes. */
		for (i = 0; i < t->nowners; i++)
			if (strcmp(t->owner[i].name, r->id) == 0)
				near = t->owner[i].name;
		if (near == NULL)
			return;
	}
	for (i = 0; i < t->nowners; i++) {
		if (strcmp(t->owner[i].id, near) != 0 &&
		    strcmp(t->owner[i].name, near) != 0)
			continue;
		snprintf(r->near, sizeof(r->near), "%s", t->owner[i].id);
		if (strcmp(t->owner[i].id, t->owner[i].name) != 0)
			snprintf(r->near_name, sizeof(r->near_name), "%s",
			    t->owner[i].name);
		return;
	}
}

static int
set_field(char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len)
		return usage_error("claim", "%s is longer than %zu characters",
		    what, len - 1);
	memcpy(dst, src, strlen(src) + 1);
	return EXIT_OK;
}


static int
cmd_claim(struct cli *cli, const struct cmd_args *a)
{
	const char *ctrls = cmd_opt(a, "--controllers");
	const char *profile = cmd_opt(a, "--profile");
	const char *name = cmd_opt(a, "--name");
	const char *id = a->argv[0], *words = a->argv[1];
	struct ur_owner o;
	struct ur_machine m;
	struct ur_err err;
	char ports[128];
	int rc, bit;

	memset(&o, 0, sizeof(o));
	if ((rc = set_field(o.id, sizeof(o.id), id, "OWNER")) != EXIT_OK ||
	    (rc = set_field(o.name, sizeof(o.name), name ? name : "",
	    "--name")) != EXIT_OK ||
	    (rc = set_field(o.profile, sizeof(o.profile),
	    profile ? profile : "", "--profile")) != EXIT_OK)
		return rc;
	if (ctrls != NULL &&
	    (rc = ctrls_option("claim", ctrls, &o.ctrls)) != EXIT_OK)
		return rc;
	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	if (ur_ports_parse(words, m.cs, &cli->conf, m.present, m.switchable,
	    &o.ports, &err) < 0) {
		ur_machine_close(&m);
		return fail(&err);
	}
	/* Without --controllers the owner holds the EHCIs of its ports:
	 * the usual passthrough of an EHCI to a VM. */
	if (ctrls == NULL)
		for (bit = 0; bit < UR_MAX_PORTS; bit++)
			if (o.ports & (1u << bit))
				o.ctrls |= ur_chipset_port_ehci_ctrl(m.cs, bit);
	rc = ur_machine_commit(&m, ur_machine_edit_claim, &o, NULL, &err);
	ur_machine_close(&m);
	if (rc < 0)
		return fail(&err);
	ur_ports_format(o.ports, m.cs, ports, sizeof(ports));
	printf("%s holds %s; XUSB2PR now 0x%08x\n", o.id, ports,
	    m.regs.xusb2pr);
	return EXIT_OK;
}

static int
cmd_release(struct cli *cli, const struct cmd_args *a)
{
	struct release r;
	struct ur_release rel;
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	char ports[128];
	int rc;

	memset(&r, 0, sizeof(r));
	r.id = a->argv[0];
	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	rel.id = r.id;
	rc = ur_machine_commit(&m, ur_machine_edit_release, &rel, &t, &err);
	ur_machine_close(&m);
	if (rc < 0)
		return fail(&err);
	if (rel.ports == 0)
		near_owner(&t, &r);
	/* Releasing an owner that holds nothing is not an error: libvirt
	 * releases domains whose start failed before they claimed.  But a
	 * typo must not leave ports held unnoticed: say so, on stderr. */
	if (rel.ports == 0 && r.near[0] != '\0' && r.near_name[0] != '\0')
		fprintf(stderr, "usbroute: %s holds no ports; did you mean "
		    "'%s' (domain %s)?\n", r.id, r.near, r.near_name);
	else if (rel.ports == 0 && r.near[0] != '\0')
		fprintf(stderr, "usbroute: %s holds no ports; did you mean "
		    "'%s'?\n", r.id, r.near);
	else if (rel.ports == 0)
		fprintf(stderr, "usbroute: %s holds no ports\n", r.id);
	ur_ports_format(rel.ports, m.cs, ports, sizeof(ports));
	printf("%s released %s; XUSB2PR now 0x%08x\n", r.id, ports,
	    m.regs.xusb2pr);
	return EXIT_OK;
}

static int
cmd_repair(struct cli *cli, const struct cmd_args *a)
{
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	struct ur_regs before;
	int rc;

	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	rc = ur_machine_commit(&m, NULL, NULL, &t, &err);
	ur_machine_close(&m);
	if (rc < 0)
		return fail(&err);
	before = m.before;	/* read under the lock, not at the open */
	if (before.xusb2pr == m.regs.xusb2pr && before.pssen == m.regs.pssen)
		printf("routing matches the ownership table: XUSB2PR "
		    "0x%08x USB3_PSSEN 0x%08x\n", before.xusb2pr, before.pssen);
	else
		printf("repaired: XUSB2PR 0x%08x -> 0x%08x, USB3_PSSEN "
		    "0x%08x -> 0x%08x\n", before.xusb2pr, m.regs.xusb2pr,
		    before.pssen, m.regs.pssen);
	return EXIT_OK;
}

const struct cmd cmd_claim_entry = {
	.name = "claim", .run = cmd_claim, .args = "OWNER PORTS", .min = 2,
	.max = 2, .opts = { { "--controllers", "LIST", 0 },
	    { "--profile", "NAME", 0 }, { "--name", "TEXT", 0 } },
	.help = "give PORTS to OWNER and route them to the controllers it "
	    "holds",
};

const struct cmd cmd_release_entry = {
	.name = "release", .run = cmd_release, .args = "OWNER", .min = 1,
	.max = 1, .help = "give OWNER's ports back to the host",
};

const struct cmd cmd_repair_entry = {
	.name = "repair", .run = cmd_repair, .args = "", .min = 0, .max = 0,
	.help = "write the registers again from the ownership table (after "
	    "drift)",
};
