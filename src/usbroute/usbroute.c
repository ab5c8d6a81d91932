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

static const struct cmd cmds[] = {
	{ "status", cmd_status, "[--json]",
	  "controller, registers, and each port's side, owner and device" },
	{ "doctor", cmd_doctor, "[--json] [--hooks-dir DIR]",
	  "will it work here? chipset, firmware, EHCIs, IOMMU, hook, daemon" },
	{ "explain", cmd_explain, "MASK [--chipset NAME]",
	  "draw which port each bit of an XUSB2PR value puts where" },
	{ "route", cmd_route, "PORTS --to xhci|ehci",
	  "move host ports by hand (what setpci did)" },
	{ "set", cmd_set, "MASK",
	  "set the routing of all host ports from a raw mask (bit set = xHCI)" },
	{ "claim", cmd_claim,
	  "OWNER PORTS [--controllers LIST] [--profile NAME] [--name TEXT]",
	  "give PORTS to OWNER and route them to the controllers it holds" },
	{ "release", cmd_release, "OWNER",
	  "give OWNER's ports back to the host" },
	{ "repair", cmd_repair, "",
	  "write the registers again from the ownership table (after drift)" },
	{ "toggle", cmd_toggle, "[DOMAIN]",
	  "usbrouted: a running domain's ports to the host, or back" },
	{ "guest", cmd_guest, "[DOMAIN [PROFILE]]",
	  "usbrouted: a running domain's ports (or a profile's) to the guest" },
	{ "host", cmd_host, "[DOMAIN]",
	  "usbrouted: a running domain's ports lent to the host" },
	{ "profile", cmd_profile, "DOMAIN NAME",
	  "usbrouted: switch a running domain to another profile" },
	{ "map", cmd_map, "[--list]",
	  "name the sockets: plug a device into each; Ctrl-D writes the map" },
	{ "domain", NULL,
	  "[--connect URI] NAME show|check|set|unset ...",
	  "read, check and edit a domain's metadata ('usbroute domain help')" },
	{ "sim", cmd_sim,
	  "create DIR (--chipset NAME | --from-lspci FILE)\n"
	  "           sim plug DIR PORT VID:PID [PRODUCT] [--serial S]\n"
	  "                [--behind-hub | --superspeed N]\n"
	  "           sim unplug DIR PORT | sim sync DIR",
	  "make a simulated chipset to run usbroute against" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The options that may stand anywhere, as usage shows them and the
 * completion reads them. */
static const char globals_usage[] =
    "[--config FILE] [--sysfs-root DIR] [--state-dir DIR] [--json]";

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out,
	    "usage: usbroute %s\n"
	    "                COMMAND [ARGS]\n\n"
	    "Routes the USB2 ports of an Intel 7/8/9-series or X99 chipset "
	    "between its\nxHCI and EHCI controllers, so a VM given one of "
	    "them owns those ports.\n\ncommands:\n", globals_usage);
	/* No trailing blank after a command without arguments. */
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-*s%s%s\n           %s\n",
		    cmds[i].args[0] ? 8 : 0, cmds[i].name,
		    cmds[i].args[0] ? " " : "", cmds[i].args, cmds[i].help);
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
	printf("usage: usbroute %s%s%s\n%s\nSee usbroute(1).\n", c->name,
	    c->args[0] ? " " : "", c->args, c->help);
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
	static const char *const opts[] = { "--config", "--sysfs-root",
	    "--state-dir", "--json", "--help", "--version" };
	const char *names[NCMDS + 1], *near;
	size_t i;

	if (word[0] == '-') {
		near = ur_suggest(word, opts, sizeof(opts) / sizeof(opts[0]));
		if (near != NULL)
			return usage_error(NULL, "unknown option '%s'; did you "
			    "mean '%s'?", word, near);
		return usage_error(NULL, "unknown option '%s'", word);
	}
	for (i = 0; i < NCMDS; i++)
		names[i] = cmds[i].name;
	names[NCMDS] = "help";
	near = ur_suggest(word, names, NCMDS + 1);
	if (near != NULL)
		return usage_error(NULL, "unknown command '%s'; did you mean "
		    "'%s'?", word, near);
	return usage_error(NULL, "unknown command '%s'", word);
}

/* Everything after the copy of argv: globals, then the command.  One
 * way back to main, which frees the copy whatever happened (LSan found
 * it leaked on the unknown-command and CMD --help returns). */
static int
dispatch(int argc, char **argv, char **orig)
{
	struct cli_globals g;
	struct cli cli;
	size_t i;
	int rc, j;

	/* Hidden: what the bash completion asks (complete.c). */
	if (argc >= 2 && strcmp(argv[1], "--complete") == 0)
		return complete(cmds, NCMDS, globals_usage, argc - 2, argv + 2);
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
		if (strcmp(cmds[i].name, argv[1]) == 0)
			break;
	if (i == NCMDS)
		return unknown(argv[1]);
	for (j = 2; j < argc; j++)
		if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0)
			return cmd_help(&cmds[i]);
	if (cmds[i].run == NULL)
		return exec_domain(orig);
	/* map writes the config: on a first run there is none yet. */
	g.config_may_be_new = cmds[i].run == cmd_map;
	if ((rc = cli_config(&cli, &g)) != EXIT_OK)
		return rc;
	return cmds[i].run(&cli, argc - 2, argv + 2);
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
