/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute explain MASK [--chipset NAME] */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xhci.h"
#include "ports.h"
#include "preset.h"
#include "usbroute.h"

static int
cmd_explain(struct cli *cli, const struct cmd_args *a)
{
	const char *mask = a->argv[0], *key = cmd_opt(a, "--chipset");
	const struct ur_chipset *cs;
	const struct ur_preset *preset;
	struct ur_machine m;
	struct ur_err err;
	uint16_t present, switchable;
	uint32_t value;
	int opened = 0;

	if (ur_ports_mask(mask, &value, &err) < 0)
		return fail(&err);

	if (key != NULL) {
		/* The same names as sim create: a fuse variant has the
		 * ports its fuses leave. */
		if ((preset = ur_preset_by_key(key)) == NULL)
			return usage_error("explain", "unknown chipset '%s': "
			    "use one of %s", key, ur_preset_keys());
		cs = ur_chipset_by_key(preset->chipset);
		present = ur_chipset_ports(cs, preset->usb3fus);
		switchable = present;
	} else {
		if (ur_machine_open(&m, &cli->conf, &err) < 0) {
			fprintf(stderr, "usbroute: %s\n", err.msg);
			fprintf(stderr, "usbroute: to explain a mask for "
			    "another machine, add --chipset (%s)\n",
			    ur_preset_keys());
			return EXIT_FAIL;
		}
		opened = 1;
		cs = m.cs;
		present = m.present;
		switchable = m.switchable;
	}
	ur_ports_explain(stdout, value, cs, &cli->conf, present, switchable);
	if (opened)
		ur_machine_close(&m);
	return EXIT_OK;
}

const struct cmd cmd_explain_entry = {
	.name = "explain", .run = cmd_explain, .args = "MASK", .min = 1,
	.max = 1, .opts = { { "--chipset", "NAME", 0 } },
	.help = "draw which port each bit of an XUSB2PR value puts where",
};
