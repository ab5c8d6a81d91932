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
/* systemd's system-sleep directory, where hooks/usbroute-sleep goes
 * (configure asks systemd for it). */
#ifndef SLEEPDIR
#define SLEEPDIR "/lib/systemd/system-sleep"
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
		if (d->f[i].file != NULL) {
			printf(", \"file\": ");
			ur_report_json_string(stdout, d->f[i].file);
			printf(", \"line\": %d, \"key\": ", d->f[i].line);
			ur_report_json_string(stdout, d->f[i].key);
		}
		printf("}");
	}
	printf("\n]}\n");
}

static int
cmd_doctor(struct cli *cli, const struct cmd_args *a)
{
	struct ur_doctor_paths paths = {
		.hooks_dir = cmd_opt(a, "--hooks-dir"),
		.sleep_dir = cmd_opt(a, "--sleep-dir"),
	};
	static struct ur_doctor d;	/* large */
	int i, fails = 0, warns = 0;

	if (paths.hooks_dir == NULL)
		paths.hooks_dir = HOOKSDIR;
	if (paths.sleep_dir == NULL)
		paths.sleep_dir = SLEEPDIR;
	/* The config was read with ur_conf_load_all (the entry's
	 * config_findings): its wrong lines are findings here. */
	ur_doctor_run(&cli->conf, &cli->conf_problems, &paths, &d);
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

const struct cmd cmd_doctor_entry = {
	.name = "doctor", .run = cmd_doctor, .args = "", .min = 0, .max = 0,
	.opts = { { "--hooks-dir", "DIR", 0 }, { "--sleep-dir", "DIR", 0 } },
	.help = "will it work here? chipset, firmware, EHCIs, IOMMU, config, "
	    "hook, sleep hook, daemon (--json: as JSON)",
	.config_findings = 1,
};
