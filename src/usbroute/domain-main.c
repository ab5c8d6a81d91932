/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbroute-domain: `usbroute domain ...`, the one command that talks to
 * libvirt, in a program of its own so that the others do not load it.
 * usbroute execs it with the command line it was given.
 */
#include "config.h"

#include <string.h>

#include "cmd-domain.h"
#include "usbroute.h"

int
main(int argc, char **argv)
{
	struct cli_globals g;
	struct cli cli;
	int i, rc;

	memset(&cli, 0, sizeof(cli));
	if ((rc = cli_globals(&argc, argv, &g)) != EXIT_OK)
		return rc;
	cli.json = g.json;
	if (argc < 2 || strcmp(argv[1], "domain") != 0)
		return usage_error("domain", "usbroute-domain is run by "
		    "'usbroute domain'");
	if ((rc = cli_config(&cli, &g)) != EXIT_OK)
		return rc;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--complete-domains") == 0)
			return domain_complete_names(&cli, argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[2], "--complete-opts") == 0)
		return domain_complete_opts(argv[3]);
	return cmd_domain(&cli, argc - 2, argv + 2);
}
