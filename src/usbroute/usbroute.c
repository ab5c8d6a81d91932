/* usbroute: route Intel PCH USB2 ports between xHCI and EHCI. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usbroute.h"

static const struct cmd cmds[] = {
	{ "status", cmd_status, "[--json]",
	  "controller, registers, and each port's side, owner and device" },
	{ "doctor", cmd_doctor, "[--json] [--hooks-dir DIR]",
	  "check this machine: chipset, firmware mask, EHCIs, IOMMU, hook, daemon" },
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
	  "usbrouted: a running domain's ports to the host if the guest has them, else back" },
	{ "guest", cmd_guest, "[DOMAIN [PROFILE]]",
	  "usbrouted: a running domain's ports (or another profile's) to the guest" },
	{ "host", cmd_host, "[DOMAIN]",
	  "usbrouted: a running domain's ports lent to the host" },
	{ "profile", cmd_profile, "DOMAIN NAME",
	  "usbrouted: switch a running domain to another profile" },
	{ "domain", cmd_domain,
	  "[--connect URI] NAME show|check|set|unset ... (see 'usbroute domain help')",
	  "read, check and edit a libvirt domain's routing metadata" },
	{ "sim", cmd_sim,
	  "create DIR (--chipset NAME | --from-lspci FILE) | plug DIR PORT VID:PID [PRODUCT]",
	  "make a simulated chipset to run usbroute against" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out,
	    "usage: usbroute [--config FILE] [--sysfs-root DIR] "
	    "[--state-dir DIR] [--json] COMMAND [ARGS]\n\n"
	    "Routes the USB2 ports of an Intel 7/8/9-series or X99 chipset "
	    "between its\nxHCI and EHCI controllers, so a VM given one of "
	    "them owns those ports.\n\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-8s %s\n           %s\n", cmds[i].name,
		    cmds[i].args, cmds[i].help);
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

int
fail(const struct ur_err *err)
{
	fprintf(stderr, "usbroute: %s\n", err->msg);
	return EXIT_FAIL;
}

int
usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "usbroute: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, " (see 'usbroute %s --help')\n", cmd);
	else
		fprintf(stderr, " (see 'usbroute --help')\n");
	return EXIT_USAGE;
}

int
take_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return 0;
	if (value == NULL)
		return a[n] == '\0';
	if (a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

int
ctrls_option(const char *cmd, const char *list, unsigned *ctrls)
{
	char bad[16];

	if (ur_ctrl_parse_list(list, ctrls, bad, sizeof(bad)) == 0)
		return EXIT_OK;
	if (bad[0] == '\0')
		return usage_error(cmd, "--controllers is empty");
	return usage_error(cmd, "unknown controller '%s': use ehci1, ehci2 "
	    "or xhci", bad);
}

int
open_machine(struct cli *cli, struct ur_machine *m)
{
	struct ur_err err;

	if (ur_machine_open(m, &cli->conf, &err) < 0)
		return fail(&err);
	return EXIT_OK;
}

/* Pulls the global options out of argv, wherever they stand. */
static int
globals(int *argc, char **argv, const char **config, const char **root,
    const char **state, int *json)
{
	int i, out = 1, r;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((r = take_opt(*argc, argv, &i, "--config", config)) ||
		    (r = take_opt(*argc, argv, &i, "--sysfs-root", root)) ||
		    (r = take_opt(*argc, argv, &i, "--state-dir", state))) {
			if (r < 0)
				return usage_error(NULL, "%s needs a value",
				    argv[i]);
			continue;
		}
		if (take_opt(*argc, argv, &i, "--json", NULL)) {
			*json = 1;
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return EXIT_OK;
}

static int
cmd_help(const struct cmd *c)
{
	printf("usage: usbroute %s %s\n%s\nSee usbroute(1).\n", c->name,
	    c->args, c->help);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	const char *config = NULL, *root = NULL, *state = NULL;
	struct cli cli;
	struct ur_err err;
	size_t i;
	int rc, j;

	memset(&cli, 0, sizeof(cli));
	rc = globals(&argc, argv, &config, &root, &state, &cli.json);
	if (rc != EXIT_OK)
		return rc;
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
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	for (j = 2; j < argc; j++)
		if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0)
			return cmd_help(&cmds[i]);

	if (ur_conf_load(&cli.conf, config ? config : ur_conf_default_path(),
	    config == NULL && getenv("USBROUTE_CONFIG") == NULL, &err) < 0)
		return fail(&err);
	if (root != NULL)
		snprintf(cli.conf.sysfs_root, sizeof(cli.conf.sysfs_root), "%s",
		    root);
	if (state != NULL)
		snprintf(cli.conf.state_dir, sizeof(cli.conf.state_dir), "%s",
		    state);
	return cmds[i].run(&cli, argc - 2, argv + 2);
}
