/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute: route Intel PCH USB2 ports between xHCI and EHCI. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "suggest.h"
#include "usbroute.h"

/* `usbroute domain` runs usbroute-domain (exec_domain), which parses its
 * own words; its entry is here for --help and the completion. */
static const struct cmd cmd_domain_entry = {
	.name = "domain", .run = NULL,
	.args = "NAME show|check|set|unset ...", .min = 0, .max = 64,
	.opts = { { "--connect", "URI", 0 } },
	.help = "read, check and edit a domain's metadata ('usbroute domain "
	    "help')",
};

static const struct cmd *const cmds[] = {
	&cmd_status_entry, &cmd_doctor_entry, &cmd_explain_entry,
	&cmd_route_entry, &cmd_set_entry, &cmd_claim_entry, &cmd_release_entry,
	&cmd_repair_entry, &cmd_toggle_entry, &cmd_guest_entry,
	&cmd_host_entry, &cmd_profile_entry, &cmd_map_entry, &cmd_domain_entry,
	&cmd_sim_entry, NULL,
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]) - 1)

#define globals cli_global_opts	/* cli.c */

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ");
	cmd_usage(out, &globals, "");
	fprintf(out,
	    "\n                COMMAND [ARGS]\n\n"
	    "Routes the USB2 ports of an Intel 7/8/9-series or X99 chipset "
	    "between its\nxHCI and EHCI controllers, so a VM given one of "
	    "them owns those ports.\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++) {
		fprintf(out, "  ");
		cmd_usage(out, cmds[i], "\n           ");
		fprintf(out, "\n           %s\n", cmds[i]->help);
	}
	fprintf(out,
	    "\nPORTS: words like ehci1.3, ehci2.1-6, p9, usbr, all, names from "
	    "usbroute.conf,\nor a mask like 0x00ff; several separated by "
	    "spaces or commas.\n\n"
	    "options:\n"
	    "  --config FILE     config file (default %s;\n"
	    "                    USBROUTE_CONFIG overrides the default)\n"
	    "  --sysfs-root DIR  sysfs to use (default /sys; a 'usbroute sim' "
	    "tree works)\n"
	    "  --state-dir DIR   ownership table (default /run/usbroute)\n"
	    "  --json            machine-readable output (status)\n"
	    "  --help, --version\n\n"
	    "exit status: 0 done, 1 refused or failed (one line on stderr), "
	    "2 usage error.\nSee usbroute(1) and usbroute.conf(5).\n",
	    ur_conf_default_path());
}

static int
cmd_help(const struct cmd *c)
{
	printf("usage: usbroute ");
	cmd_usage(stdout, c, "\n       usbroute ");
	printf("\n%s\nSee usbroute(1).\n", c->help);
	return EXIT_OK;
}

/*
 * `usbroute domain` is a program of its own, usbroute-domain: it is the
 * only command that talks to libvirt, and loading libvirt would make every
 * other command (a hotkey's `usbroute toggle`) ten times slower to start.
 * The one built beside this binary wins (a build tree), else the installed
 * one.
 */
int
exec_domain(char **argv)
{
	char self[4096], path[4096], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (snprintf(path, sizeof(path), "%s/usbroute-domain",
			    self) < (int)sizeof(path) && access(path, X_OK) == 0)
				execv(path, argv);
		}
	}
	execv(LIBEXECDIR "/usbroute/usbroute-domain", argv);
	fprintf(stderr, "usbroute: cannot run %s: %s; reinstall usbroute\n",
	    LIBEXECDIR "/usbroute/usbroute-domain", strerror(errno));
	return EXIT_FAIL;
}

/* What is not a command: a mistyped option or command, said as such. */
static int
unknown(const char *word)
{
	const char *names[NCMDS + CMD_MAX_OPTS + 2], *near;
	size_t i, n = 0;

	if (word[0] == '-') {
		for (i = 0; i < CMD_MAX_OPTS && globals.opts[i].name; i++)
			names[n++] = globals.opts[i].name;
		names[n++] = "--help";
		names[n++] = "--version";
		near = ur_suggest(word, names, n);
		if (near != NULL)
			return usage_error(NULL, "unknown option '%s'; did you "
			    "mean '%s'?", word, near);
		return usage_error(NULL, "unknown option '%s'", word);
	}
	for (i = 0; i < NCMDS; i++)
		names[i] = cmds[i]->name;
	names[NCMDS] = "help";
	near = ur_suggest(word, names, NCMDS + 1);
	if (near != NULL)
		return usage_error(NULL, "unknown command '%s'; did you mean "
		    "'%s'?", word, near);
	return usage_error(NULL, "unknown command '%s'", word);
}

/* The subcommand of c that argv[0] names (sim create ...). */
static const struct cmd *
find_sub(const struct cmd *c, int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 0 && c->subs[i] != NULL; i++)
		if (strcmp(c->subs[i]->name, argv[0]) == 0)
			return c->subs[i];
	if (argc == 0)
		usage_error(c->name, "usage: usbroute %s %s ...", c->name,
		    "create|plug|unplug|sync");
	else
		usage_error(c->name, "unknown %s command '%s': create, plug, "
		    "unplug or sync", c->name, argv[0]);
	return NULL;
}

/* Everything after the copy of argv: globals, then the command.  One
 * way back to main, which frees the copy whatever happened (LSan found
 * it leaked on the unknown-command and CMD --help returns). */
static int
dispatch(int argc, char **argv, char **orig)
{
	const struct cmd *c;
	struct cli_globals g;
	struct cmd_args a;
	struct cli cli;
	size_t i;
	int rc, j;

	/* Hidden: what the bash completion asks (complete.c). */
	if (argc >= 2 && strcmp(argv[1], "--complete") == 0)
		return complete(cmds, &globals, argc - 2, argv + 2);
	memset(&cli, 0, sizeof(cli));
	rc = cli_globals(&argc, argv, &g);
	if (rc != EXIT_OK)
		return rc;
	cli.json = g.json;
	if (argc < 2)
		return usage_error(NULL, "no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("usbroute %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i]->name, argv[1]) == 0)
			break;
	if (i == NCMDS)
		return unknown(argv[1]);
	c = cmds[i];
	for (j = 2; j < argc; j++)
		if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0)
			return cmd_help(c);
	if (c->run == NULL && c->subs == NULL)
		return exec_domain(orig);
	argc -= 2;
	argv += 2;
	if (c->subs != NULL) {
		if ((c = find_sub(c, argc, argv)) == NULL)
			return EXIT_USAGE;
		argc--;
		argv++;
	}
	if ((rc = cmd_parse(c, argc, argv, &a)) != EXIT_OK)
		return rc;
	/* map writes the config: on a first run there is none yet. */
	g.config_may_be_new = c == &cmd_map_entry;
	g.config_findings = c->config_findings;
	if ((rc = cli_config(&cli, &g)) != EXIT_OK)
		return rc;
	return c->run(&cli, &a);
}

int
main(int argc, char **argv)
{
	char **orig;
	int rc;

	/* The globals are taken out of argv in place; usbroute-domain gets
	 * the command line as it was. */
	orig = calloc((size_t)argc + 1, sizeof(*orig));
	if (orig == NULL) {
		fprintf(stderr, "usbroute: out of memory\n");
		return EXIT_FAIL;
	}
	memcpy(orig, argv, (size_t)argc * sizeof(*orig));
	rc = dispatch(argc, argv, orig);
	free(orig);
	return rc;
}
