/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain NAME show|check|set|unset: a libvirt domain's routing
 * metadata, read and written through the libvirt API.  This file takes
 * the options apart and hands each subcommand to its own file. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "domain.h"

static const char domain_help[] =
"usage: usbroute domain [--connect URI] NAME show|check|set|unset [OPTIONS]\n"
"\n"
"Reads, checks and edits a libvirt domain's routing metadata: the\n"
"<usbroute> element in namespace " UR_META_NS "\n"
"inside its <metadata>, which the hook reads when the domain starts.\n"
"\n"
"  show [--json] [--live|--persistent]\n"
"      the profiles, their ports on this host, the default profile, the\n"
"      toggle device and the PCH controllers the domain holds\n"
"  check [--live|--persistent]\n"
"      every profile's ports exist and are switchable here, the domain\n"
"      holds a controller for each, and its default profile shares no\n"
"      port with another domain's default profile, and (when it is not\n"
"      running) the devices its profiles name are plugged in where the\n"
"      hook can claim them; exit 1 if not\n"
"  set [--profile NAME] [--ports PORTS] [--devices DEVICES]\n"
"      [--required|--no-required] [--default|--no-default]\n"
"      [--toggle DEVICE|--no-toggle] [--controllers LIST|--no-controllers]\n"
"      [--live] [--persistent]\n"
"      add or replace a profile (NAME defaults to \"default\"); the first\n"
"      profile is the default one, later ones only with --default; an\n"
"      existing profile keeps its default flag; --no-default fails\n"
"      rather than leave this profile the default.  Without --ports,\n"
"      changes only what is given.  Ports are checked against this\n"
"      host when its chipset can be opened; nothing is written if\n"
"      one is wrong.  --devices '046d:c52b 046d:c077/SERIAL' names USB\n"
"      devices whose ports the profile claims wherever they are plugged\n"
"      in (\"\" removes them); --required refuses a start without them.\n"
"  unset [--profile NAME] [--live] [--persistent]\n"
"      remove one profile, or without --profile the whole element\n"
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

static int
parse_opts(int argc, char **argv, struct dopts *o)
{
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if ((r = take_opt(argc, argv, &i, "--connect", &o->uri)) ||
		    (r = take_opt(argc, argv, &i, "-c", &o->uri)) ||
		    (r = take_opt(argc, argv, &i, "--ports", &o->ports)) ||
		    (r = take_opt(argc, argv, &i, "--devices",
		    &o->devices)) ||
		    (r = take_opt(argc, argv, &i, "--profile", &o->profile)) ||
		    (r = take_opt(argc, argv, &i, "--toggle", &o->toggle)) ||
		    (r = take_opt(argc, argv, &i, "--controllers",
		    &o->ctrls))) {
			if (r < 0)
				return usage_error("domain", "%s needs a value",
				    argv[i]);
		} else if (take_opt(argc, argv, &i, "--default", NULL)) {
			o->dflt = 1;
		} else if (take_opt(argc, argv, &i, "--no-default", NULL)) {
			o->no_dflt = 1;
		} else if (take_opt(argc, argv, &i, "--required", NULL)) {
			o->required = 1;
		} else if (take_opt(argc, argv, &i, "--no-required", NULL)) {
			o->no_required = 1;
		} else if (take_opt(argc, argv, &i, "--no-toggle", NULL)) {
			o->no_toggle = 1;
		} else if (take_opt(argc, argv, &i, "--no-controllers",
		    NULL)) {
			o->no_ctrls = 1;
		} else if (take_opt(argc, argv, &i, "--live", NULL)) {
			o->live = 1;
		} else if (take_opt(argc, argv, &i, "--persistent", NULL) ||
		    take_opt(argc, argv, &i, "--inactive", NULL)) {
			o->persistent = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error("domain", "unknown option '%s'",
			    argv[i]);
		} else if (o->name == NULL) {
			o->name = argv[i];
		} else if (o->sub == NULL) {
			o->sub = argv[i];
		} else {
			return usage_error("domain", "unexpected argument "
			    "'%s'; quote the ports as one argument, e.g. "
			    "--ports 'ehci2.1-6 front-left'", argv[i]);
		}
	}
	return EXIT_OK;
}

/* The options together: contradictions, the controller list, and what
 * the subcommand does not take. */
static int
check_opts(struct dopts *o)
{
	const char *v = o->sub;

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
	if (v != NULL && strcmp(v, "set") != 0 && (o->ports != NULL ||
	    o->devices != NULL || o->required || o->no_required ||
	    o->dflt || o->no_dflt || o->toggle != NULL || o->no_toggle ||
	    o->ctrls != NULL || o->no_ctrls))
		return usage_error("domain", "%s takes no --ports, --devices, "
		    "--required, --default, --toggle or --controllers; those "
		    "are for set", v);
	if (v != NULL && strcmp(v, "unset") != 0 && strcmp(v, "set") != 0 &&
	    o->profile != NULL)
		return usage_error("domain", "%s takes no --profile", v);
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
	struct dopts o;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) != EXIT_OK ||
	    (rc = check_opts(&o)) != EXIT_OK)
		return rc;
	/* A domain named "help" is still reached as 'help show'. */
	if (o.name != NULL && strcmp(o.name, "help") == 0 && o.sub == NULL) {
		fputs(domain_help, stdout);
		return EXIT_OK;
	}
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
