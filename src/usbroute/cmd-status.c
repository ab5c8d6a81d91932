/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute status [--json] */
#include "config.h"

#include <stdio.h>

#include "report.h"
#include "usbroute.h"

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	struct ur_machine m;
	struct ur_table t;
	struct ur_err err;
	int rc;

	if (argc > 0)
		return usage_error("status", "unexpected argument '%s'",
		    argv[0]);
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
