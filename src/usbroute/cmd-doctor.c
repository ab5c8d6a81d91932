/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute doctor [--json]: will routing and passthrough work here? */
#include "config.h"

#include <stdio.h>

#include "doctor.h"
#include "report.h"
#include "usbroute.h"

/* libvirt's hooks directory, which configure does not derive from our
 * prefix: libvirt looks there whatever prefix usbroute has. */
#ifndef HOOKSDIR
#define HOOKSDIR "/etc/libvirt/hooks"
#endif

static void
print_json(const struct ur_doctor *d)
{
	int i;

	printf("{\"worst\": \"%s\", \"findings\": [",
	    ur_doctor_level_name(ur_doctor_worst(d)));
	for (i = 0; i < d->n; i++) {
		printf("%s\n  {\"level\": \"%s\", \"topic\": ", i ? "," : "",
		    ur_doctor_level_name(d->f[i].level));
		ur_report_json_string(stdout, d->f[i].topic);
		printf(", \"message\": ");
		ur_report_json_string(stdout, d->f[i].msg);
		printf("}");
	}
	printf("\n]}\n");
}

int
cmd_doctor(struct cli *cli, int argc, char **argv)
{
	const char *hooks = HOOKSDIR;
	struct ur_doctor d;
	int i, r, fails = 0, warns = 0;

	for (i = 0; i < argc; i++) {
		if ((r = take_opt(argc, argv, &i, "--hooks-dir", &hooks)) < 0)
			return usage_error("doctor", "--hooks-dir needs a "
			    "directory");
		if (r == 0)
			return usage_error("doctor", "unexpected argument "
			    "'%s'", argv[i]);
	}
	ur_doctor_run(&cli->conf, hooks, &d);
	if (cli->json) {
		print_json(&d);
	} else {
		printf("usbroute doctor: can this machine give USB ports to "
		    "a VM?\n");
		for (i = 0; i < d.n; i++)
			printf("  %-5s %-8s %s\n", ur_doctor_level_name(d.f[i].level),
			    d.f[i].topic, d.f[i].msg);
	}
	for (i = 0; i < d.n; i++) {
		fails += d.f[i].level == UR_FAIL;
		warns += d.f[i].level == UR_WARN;
	}
	if (!cli->json)
		printf("%d problem%s, %d warning%s\n", fails,
		    fails == 1 ? "" : "s", warns, warns == 1 ? "" : "s");
	return fails ? EXIT_FAIL : EXIT_OK;
}
