/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute status [--json] */
#include "config.h"

#include <stdio.h>

#include "report.h"
#include "usbroute.h"

static int
cmd_status(struct cli *cli, const struct cmd_args *a)
{
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	int rc;

	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	if (ur_machine_table(&m, &t, &err) < 0) {
		ur_machine_close(&m);
		return fail(&err);
	}
	if (cli->json)
		ur_report_json(stdout, &m, &t);
	else
		ur_report_text(stdout, &m, &t);
	ur_machine_close(&m);
	return EXIT_OK;
}

const struct cmd cmd_status_entry = {
	.name = "status", .run = cmd_status, .args = "", .min = 0, .max = 0,
	.help = "controller, registers, and each port's side, owner and "
	    "device (--json: as JSON)",
};
