/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute sim create DIR (--chipset NAME | --from-lspci FILE)
 * usbroute sim plug DIR PORT VID:PID [PRODUCT] [--serial S]
 *                   [--behind-hub | --superspeed N]
 * usbroute sim unplug DIR PORT
 * usbroute sim sync DIR */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lspci.h"
#include "xhci.h"
#include "ports.h"
#include "preset.h"
#include "sim.h"
#include "usbroute.h"

static int
sim_create(struct cli *cli, const struct cmd_args *a)
{
	const char *dir = a->argv[0], *key = cmd_opt(a, "--chipset");
	const char *file = cmd_opt(a, "--from-lspci");
	const struct ur_chipset *cs;
	const struct ur_preset *preset;
	struct ur_dump dump;
	struct ur_err err;
	FILE *f;
	int rc;

	if ((key == NULL) == (file == NULL))
		return usage_error("sim", "sim create takes --chipset NAME or "
		    "--from-lspci FILE, one of them");
	if (key != NULL) {
		preset = ur_preset_by_key(key);
		if (preset == NULL)
			return usage_error("sim", "unknown chipset '%s': use "
			    "one of %s", key, ur_preset_keys());
		ur_preset_build(preset, &dump);
	} else {
		f = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
		if (f == NULL) {
			ur_errf(&err, "cannot read %s: %s", file,
			    strerror(errno));
			return fail(&err);
		}
		rc = ur_lspci_parse(f, file, &dump, &err);
		if (f != stdin)
			fclose(f);
		if (rc < 0)
			return fail(&err);
	}
	if (ur_sim_create(dir, &dump, &err) < 0)
		return fail(&err);
	cs = ur_chipset_by_id(ur_le16(dump.xhci.cfg), ur_le16(dump.xhci.cfg + 2));
	printf("simulated %s in %s\n  try: usbroute --sysfs-root %s "
	    "--state-dir %s/run status\n", cs ? cs->name :
	    "an unknown controller", dir, dir, dir);
	return EXIT_OK;
}

/* "ehci2.3" on a part where it has no routing bit (7-series ports
 * ehci1.5-8 and ehci2.*, wired to their EHCI alone): the bit the
 * simulation files it under, or -1. */
static int
ehci_only_bit(const struct ur_chipset *cs, const char *word)
{
	int which, port, n = 0, bit, p;

	if (sscanf(word, "ehci%d.%d%n", &which, &port, &n) != 2 ||
	    word[n] != '\0')
		return -1;
	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (!(cs->port_mask & (1u << bit)) &&
		    ur_chipset_port_ehci(cs, bit, &p) == which && p == port)
			return bit;
	return -1;
}

/* The one port a plug or unplug names, as a bit: any port the part has,
 * switchable or not (a person plugs into all of them). */
static int
sim_port(struct cli *cli, const char *dir, const char *word, int *bit)
{
	struct ur_machine m;
	struct ur_err err;
	uint16_t mask;
	int rc;

	snprintf(cli->conf.sysfs_root, sizeof(cli->conf.sysfs_root), "%s",
	    dir);
	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	if ((*bit = ehci_only_bit(m.cs, word)) >= 0) {
		ur_machine_close(&m);
		return EXIT_OK;
	}
	rc = ur_ports_parse(word, m.cs, &cli->conf, m.present,
	    m.cs->port_mask, &mask, &err);
	ur_machine_close(&m);
	if (rc < 0)
		return fail(&err);
	if (mask & (mask - 1))
		return usage_error("sim", "one port at a time");
	for (*bit = 0; !(mask & (1u << *bit)); ++*bit)
		;
	return EXIT_OK;
}

static int
sim_plug(struct cli *cli, const struct cmd_args *a)
{
	struct ur_err err;
	unsigned vid, pid;
	char *end, **argv = a->argv;
	const char *ssword = cmd_opt(a, "--superspeed");
	const char *serial = cmd_opt(a, "--serial");
	long ss = 0;
	int rc, bit, argc = a->argc;
	int hub = cmd_opt(a, "--behind-hub") != NULL;

	if (ssword != NULL) {
		ss = strtol(ssword, &end, 10);
		if (*end != '\0' || ss < 1 || ss > UR_MAX_SS_PORTS)
			return usage_error("sim", "--superspeed %s: the USB3 "
			    "port is a number from 1 to %d", ssword,
			    UR_MAX_SS_PORTS);
	}
	if (hub && ss != 0)
		return usage_error("sim", "--behind-hub or --superspeed, not "
		    "both");
	if (serial != NULL && ss != 0)
		return usage_error("sim", "--serial is for USB 2.0 devices; "
		    "drop --superspeed or --serial");
	vid = (unsigned)strtoul(argv[2], &end, 16);
	if (*end != ':' || end == argv[2] || vid > 0xffff)
		return usage_error("sim", "'%s' is not VID:PID (e.g. "
		    "046d:c52b)", argv[2]);
	pid = (unsigned)strtoul(end + 1, &end, 16);
	if (*end != '\0' || pid > 0xffff)
		return usage_error("sim", "'%s' is not VID:PID (e.g. "
		    "046d:c52b)", argv[2]);
	if ((rc = sim_port(cli, argv[0], argv[1], &bit)) != EXIT_OK)
		return rc;
	if (ss != 0)
		rc = ur_sim_plug_ss(argv[0], bit, (int)ss, (uint16_t)vid,
		    (uint16_t)pid, argc == 4 ? argv[3] : "", &err);
	else
		rc = (hub ? ur_sim_plug_behind_hub : ur_sim_plug)(argv[0], bit,
		    (uint16_t)vid, (uint16_t)pid, argc == 4 ? argv[3] : "",
		    &err);
	if (rc == 0 && serial != NULL)
		rc = ur_sim_set_serial(argv[0], bit, serial, &err);
	if (rc < 0)
		return fail(&err);
	return EXIT_OK;
}

static int
sim_unplug(struct cli *cli, const struct cmd_args *a)
{
	char **argv = a->argv;
	struct ur_err err;
	int rc, bit, removed;

	if ((rc = sim_port(cli, argv[0], argv[1], &bit)) != EXIT_OK)
		return rc;
	if (ur_sim_unplug(argv[0], bit, &removed, &err) < 0)
		return fail(&err);
	if (!removed)
		fprintf(stderr, "usbroute: nothing was plugged into %s\n",
		    argv[1]);
	return EXIT_OK;
}

static int
sim_sync(struct cli *cli, const struct cmd_args *a)
{
	struct ur_err err;
	int moved;

	if (ur_sim_sync(a->argv[0], &moved, &err) < 0)
		return fail(&err);
	printf("%d device%s re-enumerated on the other side\n", moved,
	    moved == 1 ? "" : "s");
	return EXIT_OK;
}

static const struct cmd sim_create_entry = {
	.name = "create", .parent = "sim", .run = sim_create, .args = "DIR", .min = 1,
	.max = 1, .opts = { { "--chipset", "NAME", 0 },
	    { "--from-lspci", "FILE", 0 } },
	.help = "",
};

static const struct cmd sim_plug_entry = {
	.name = "plug", .parent = "sim", .run = sim_plug, .args = "DIR PORT VID:PID [PRODUCT]",
	.min = 3, .max = 4, .opts = { { "--serial", "S", 0 },
	    { "--behind-hub", NULL, 0 }, { "--superspeed", "N", 0 } },
	.help = "",
};

static const struct cmd sim_unplug_entry = {
	.name = "unplug", .parent = "sim", .run = sim_unplug, .args = "DIR PORT", .min = 2,
	.max = 2, .help = "",
};

static const struct cmd sim_sync_entry = {
	.name = "sync", .parent = "sim", .run = sim_sync, .args = "DIR", .min = 1, .max = 1,
	.help = "",
};

static const struct cmd *const sim_subs[] = {
	&sim_create_entry, &sim_plug_entry, &sim_unplug_entry,
	&sim_sync_entry, NULL,
};

const struct cmd cmd_sim_entry = {
	.name = "sim", .subs = sim_subs,
	.help = "make a simulated chipset to run usbroute against",
};
