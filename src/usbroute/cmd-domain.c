/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain NAME show|check|set|unset: a libvirt domain's routing
 * metadata, read and written through the libvirt API.  This file takes
 * the options apart and hands each subcommand to its own file. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd-domain.h"

/* The subcommands, each with the options it takes: what --help shows and
 * what a given option is checked against. */
#define PLACE { "--live", NULL, 0 }, { "--persistent", NULL, 0 }

static const struct cmd show_entry = {
	.name = "show", .opts = { PLACE },
	.help = "the profiles, their ports on this host, the default profile, "
	    "the\ntoggle device and the PCH controllers the domain holds "
	    "(--json: as JSON)",
};

static const struct cmd check_entry = {
	.name = "check", .opts = { PLACE },
	.help = "every profile's ports exist and are switchable here, the "
	    "domain\nholds a controller for each, and its default profile "
	    "shares no\nport with another domain's default profile, and (when "
	    "it is not\nrunning) the devices its profiles name are plugged in "
	    "where the\nhook can claim them; exit 1 if not",
};

static const struct cmd set_entry = {
	.name = "set", .opts = { { "--profile", "NAME", 0 },
	    { "--ports", "PORTS", 0 }, { "--devices", "DEVICES", 0 },
	    { "--required", NULL, 0 }, { "--no-required", NULL, 0 },
	    { "--default", NULL, 0 }, { "--no-default", NULL, 0 },
	    { "--toggle", "DEVICE", 0 }, { "--no-toggle", NULL, 0 },
	    { "--controllers", "LIST", 0 }, { "--no-controllers", NULL, 0 },
	    PLACE },
	.help = "add or replace a profile (NAME defaults to \"default\"); the "
	    "first\nprofile is the default one, later ones only with "
	    "--default; an\nexisting profile keeps its default flag; "
	    "--no-default fails\nrather than leave this profile the default.  "
	    "Without --ports,\nchanges only what is given.  Ports are checked "
	    "against this\nhost when its chipset can be opened; nothing is "
	    "written if\none is wrong.  --devices '046d:c52b "
	    "046d:c077/SERIAL' names USB\ndevices whose ports the profile "
	    "claims wherever they are plugged\nin (\"\" removes them); "
	    "--required refuses a start without them.",
};

static const struct cmd unset_entry = {
	.name = "unset", .opts = { { "--profile", "NAME", 0 }, PLACE },
	.help = "remove one profile, or without --profile the whole element",
};

static const struct cmd *const subs[] = {
	&show_entry, &check_entry, &set_entry, &unset_entry, NULL,
};

/* Options of every subcommand: the connection, and --inactive, virsh's
 * word for --persistent. */
static const struct cmd_opt common[] = {
	{ "--connect", "URI", 0 }, { "-c", "URI", 0 },
	{ "--inactive", NULL, 0 },
};

#define NCOMMON (sizeof(common) / sizeof(common[0]))

static const char help_head[] =
"usage: usbroute domain [--connect URI] NAME show|check|set|unset [OPTIONS]\n"
"\n"
"Reads, checks and edits a libvirt domain's routing metadata: the\n"
"<usbroute> element in namespace " UR_META_NS "\n"
"inside its <metadata>, which the hook reads when the domain starts.\n"
"\n";

static const char help_tail[] =
"\n"
"  --connect URI, -c URI  libvirt URI (default: libvirt-uri in usbroute.conf,\n"
"                         else " DEFAULT_URI ")\n"
"  --live                 the running domain\n"
"  --persistent           its persistent config (virsh's --config; usbroute's\n"
"                         own --config names usbroute.conf); --inactive is\n"
"                         the same\n"
"  neither                the running domain if it runs, else the config\n"
"\n"
"The same with virsh:\n"
"  virsh metadata NAME --uri " UR_META_NS " --key usbroute \\\n"
"    --set '<usbroute><profile name=\"desk\" ports=\"ehci2.1-6\" "
"default=\"yes\"/></usbroute>'\n";

/* Each subcommand's usage, made from its entry, and its help indented. */
static void
print_help(void)
{
	const char *h;
	size_t i;

	fputs(help_head, stdout);
	for (i = 0; subs[i] != NULL; i++) {
		printf("  ");
		cmd_usage(stdout, subs[i], "");
		printf("\n      ");
		for (h = subs[i]->help; *h != '\0'; h++)
			fputs(*h == '\n' ? "\n      " : (char[2]){ *h, 0 },
			    stdout);
		printf("\n");
	}
	fputs(help_tail, stdout);
}

/* The entry argv is parsed by: NAME and the subcommand, and the options
 * of every subcommand (each declared once, in its entry above); which of
 * them the subcommand takes is checked after (sub_takes). */
static void
all_options(struct cmd *all)
{
	size_t i, n = 0;
	int k, j, dup;

	memset(all, 0, sizeof(*all));
	all->name = "domain";
	all->args = "NAME show|check|set|unset";
	all->min = 0;
	all->max = 2;
	for (i = 0; i < NCOMMON; i++)
		all->opts[n++] = common[i];
	for (i = 0; subs[i] != NULL; i++)
		for (k = 0; k < CMD_MAX_OPTS && subs[i]->opts[k].name; k++) {
			for (dup = 0, j = 0; j < (int)n; j++)
				dup |= strcmp(all->opts[j].name,
				    subs[i]->opts[k].name) == 0;
			if (!dup && n < CMD_MAX_OPTS)
				all->opts[n++] = subs[i]->opts[k];
		}
}

/* For completion: the options of domain subcommand sub (every one's
 * when sub is not one), one a line. */
int
domain_complete_opts(const char *sub)
{
	size_t i;
	int k;

	for (i = 0; i < NCOMMON; i++)
		printf("%s\n", common[i].name);
	for (i = 0; subs[i] != NULL; i++)
		if (strcmp(subs[i]->name, sub) == 0)
			break;
	if (subs[i] != NULL)
		for (k = 0; k < CMD_MAX_OPTS && subs[i]->opts[k].name; k++)
			printf("%s\n", subs[i]->opts[k].name);
	return EXIT_OK;
}

/* Whether subcommand sub declares option name (the common ones are
 * everyone's). */
static int
sub_takes(const struct cmd *sub, const char *name)
{
	size_t i;
	int k;

	for (i = 0; i < NCOMMON; i++)
		if (strcmp(common[i].name, name) == 0)
			return 1;
	for (k = 0; k < CMD_MAX_OPTS && sub->opts[k].name != NULL; k++)
		if (strcmp(sub->opts[k].name, name) == 0)
			return 1;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct dopts *o, struct cmd *all,
    struct cmd_args *a)
{
	int rc;

	memset(o, 0, sizeof(*o));
	all_options(all);
	if ((rc = cmd_parse(all, argc, argv, a)) != EXIT_OK)
		return rc;
	o->name = a->argc > 0 ? a->argv[0] : NULL;
	o->sub = a->argc > 1 ? a->argv[1] : NULL;
	o->uri = cmd_opt(a, "--connect");
	if (cmd_opt(a, "-c") != NULL)
		o->uri = cmd_opt(a, "-c");
	o->ports = cmd_opt(a, "--ports");
	o->devices = cmd_opt(a, "--devices");
	o->profile = cmd_opt(a, "--profile");
	o->toggle = cmd_opt(a, "--toggle");
	o->ctrls = cmd_opt(a, "--controllers");
	o->dflt = cmd_opt(a, "--default") != NULL;
	o->no_dflt = cmd_opt(a, "--no-default") != NULL;
	o->required = cmd_opt(a, "--required") != NULL;
	o->no_required = cmd_opt(a, "--no-required") != NULL;
	o->no_toggle = cmd_opt(a, "--no-toggle") != NULL;
	o->no_ctrls = cmd_opt(a, "--no-controllers") != NULL;
	o->live = cmd_opt(a, "--live") != NULL;
	o->persistent = cmd_opt(a, "--persistent") != NULL ||
	    cmd_opt(a, "--inactive") != NULL;
	return EXIT_OK;
}

/* The options given that subcommand sub does not take. */
static int
check_sub_opts(const struct cmd *all, const struct cmd_args *a,
    const char *sub)
{
	size_t i;
	int k;

	for (i = 0; subs[i] != NULL; i++)
		if (strcmp(subs[i]->name, sub) == 0)
			break;
	if (subs[i] == NULL)
		return EXIT_OK;	/* said later: an unknown subcommand */
	for (k = 0; k < CMD_MAX_OPTS && all->opts[k].name != NULL; k++)
		if (a->opt[k] != NULL && !sub_takes(subs[i], all->opts[k].name))
			return usage_error("domain", "%s takes no %s", sub,
			    all->opts[k].name);
	return EXIT_OK;
}

/* The options together: contradictions, the controller list, and what
 * the subcommand does not take. */
static int
check_opts(struct dopts *o)
{

	if (o->dflt && o->no_dflt)
		return usage_error("domain", "--default and --no-default "
		    "contradict each other");
	if (o->required && o->no_required)
		return usage_error("domain", "--required and --no-required "
		    "contradict each other");
	if (o->toggle != NULL && o->no_toggle)
		return usage_error("domain", "--toggle and --no-toggle "
		    "contradict each other");
	if (o->ctrls != NULL && o->no_ctrls)
		return usage_error("domain", "--controllers and "
		    "--no-controllers contradict each other");
	if (o->ctrls != NULL &&
	    ctrls_option("domain", o->ctrls, &o->ctrl_mask) != EXIT_OK)
		return EXIT_USAGE;
	if (o->name != NULL && o->name[0] == '\0')
		return usage_error("domain", "empty domain name");
	return EXIT_OK;
}

static int
is_sub(const char *s)
{
	return s != NULL && (strcmp(s, "show") == 0 ||
	    strcmp(s, "check") == 0 || strcmp(s, "set") == 0 ||
	    strcmp(s, "unset") == 0);
}

int
cmd_domain(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	struct cmd all;
	struct dopts o;
	int rc;

	if ((rc = parse_opts(argc, argv, &o, &all, &a)) != EXIT_OK ||
	    (rc = check_opts(&o)) != EXIT_OK)
		return rc;
	/* A domain named "help" is still reached as 'help show'. */
	if (o.name != NULL && strcmp(o.name, "help") == 0 && o.sub == NULL) {
		print_help();
		return EXIT_OK;
	}
	if (o.sub != NULL && (rc = check_sub_opts(&all, &a, o.sub)) != EXIT_OK)
		return rc;
	if (o.name == NULL)
		return usage_error("domain", "usage: usbroute domain NAME "
		    "show|check|set|unset");
	if (o.sub == NULL) {
		if (is_sub(o.name))
			return usage_error("domain", "no domain named: the "
			    "domain comes first, 'usbroute domain NAME %s'",
			    o.name);
		o.sub = "show";
	}
	if (strcmp(o.sub, "show") == 0)
		return domain_show(cli, &o);
	if (cli->json)
		return usage_error("domain", "--json works with show only");
	if (strcmp(o.sub, "check") == 0)
		return domain_check(cli, &o);
	if (strcmp(o.sub, "set") == 0)
		return domain_edit(cli, &o, 0);
	if (strcmp(o.sub, "unset") == 0)
		return domain_edit(cli, &o, 1);
	if (is_sub(o.name))
		return usage_error("domain", "the domain comes first: "
		    "'usbroute domain %s %s'", o.sub, o.name);
	return usage_error("domain", "unknown subcommand '%s': use show, "
	    "check, set or unset", o.sub);
}
