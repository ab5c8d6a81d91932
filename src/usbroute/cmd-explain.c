/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute explain MASK [--chipset NAME] */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xhci.h"
#include "ports.h"
#include "presets.h"
#include "usbroute.h"

int
cmd_explain(struct cli *cli, int argc, char **argv)
{
	const char *mask = NULL, *key = NULL;
	const struct ur_chipset *cs;
	const struct ur_preset *preset;
	struct ur_machine m;
	struct ur_err err;
	uint16_t present, switchable;
	uint32_t value;
	int i, r, opened = 0;

	for (i = 0; i < argc; i++) {
		if ((r = take_opt(argc, argv, &i, "--chipset", &key)) != 0) {
			if (r < 0)
				return usage_error("explain",
				    "--chipset needs a name");
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return usage_error("explain", "unknown option '%s'",
			    argv[i]);
		} else if (mask == NULL) {
			mask = argv[i];
		} else {
			return usage_error("explain", "one mask at a time");
		}
	}
	if (mask == NULL)
		return usage_error("explain", "give a mask, e.g. 0x00ff");
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
