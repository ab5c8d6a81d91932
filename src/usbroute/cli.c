/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every usbroute program shares: messages, options, the config. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "usbroute.h"

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

/* The entry's option that argv word a names ("--to" or "--to=..."). */
static int
find_opt(const struct cmd *c, const char *a)
{
	size_t n;
	int k;

	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++) {
		n = strlen(c->opts[k].name);
		if (strncmp(a, c->opts[k].name, n) == 0 && (a[n] == '\0' ||
		    (a[n] == '=' && c->opts[k].value != NULL)))
			return k;
	}
	return -1;
}

static int
unknown_opt(const struct cmd *c, const char *name, const char *word)
{
	const char *names[CMD_MAX_OPTS + 1], *near;
	int k;

	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++)
		names[k] = c->opts[k].name;
	names[k++] = "--help";
	near = ur_suggest(word, names, (size_t)k);
	if (near != NULL)
		return usage_error(name, "unknown option '%s'; did you mean "
		    "'%s'?", word, near);
	return usage_error(name, "unknown option '%s'", word);
}

/* "usage: usbroute ..." as an error: what was given does not fit. */
static int
usage_line(const struct cmd *c, const char *name, const char *what)
{
	char line[512];
	FILE *f = fmemopen(line, sizeof(line), "w");

	if (f == NULL)
		return usage_error(name, "%s", what);
	cmd_usage(f, c, " | ");
	fclose(f);
	line[sizeof(line) - 1] = '\0';
	return usage_error(name, "%s; usage: usbroute %s%s%s", what,
	    c->parent ? c->parent : "", c->parent ? " " : "", line);
}

/* Whether c takes port words, as a positional or an option's value. */
static int
takes_ports(const struct cmd *c)
{
	int k;

	if (c->args != NULL && strstr(c->args, "PORTS") != NULL)
		return 1;
	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++)
		if (c->opts[k].value && strcmp(c->opts[k].value, "PORTS") == 0)
			return 1;
	return 0;
}

int
cmd_parse(const struct cmd *c, int argc, char **argv, struct cmd_args *a)
{
	const char *name = c->parent ? c->parent : c->name, *eq;
	int i, k, n = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = c;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				argv[n++] = argv[i];
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			argv[n++] = argv[i];
			continue;
		}
		if ((k = find_opt(c, argv[i])) < 0)
			return unknown_opt(c, name, argv[i]);
		if (c->opts[k].value == NULL) {
			a->opt[k] = "";
			continue;
		}
		eq = strchr(argv[i], '=');
		if (eq != NULL)
			a->opt[k] = eq + 1;
		else if (i + 1 < argc)
			a->opt[k] = argv[++i];
		if (a->opt[k] == NULL || a->opt[k][0] == '\0')
			return usage_error(name, "%s needs a value: %s %s",
			    c->opts[k].name, c->opts[k].name, c->opts[k].value);
	}
	a->argc = n;
	a->argv = argv;
	if (n < c->min)
		return usage_line(c, name, n == 0 ? "missing arguments" :
		    "too few arguments");
	if (n > c->max) {
		/* Several port words are one argument (the shell splits
		 * them): say how, the commonest slip. */
		if (takes_ports(c))
			return usage_error(name, "give the ports as one "
			    "argument, e.g. 'ehci2.1-6 front-left'");
		return usage_line(c, name, "too many arguments");
	}
	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++)
		if (c->opts[k].required && a->opt[k] == NULL)
			return usage_line(c, name, "missing option");
	return EXIT_OK;
}

const char *
cmd_opt(const struct cmd_args *a, const char *name)
{
	int k;

	for (k = 0; k < CMD_MAX_OPTS && a->cmd->opts[k].name != NULL; k++)
		if (strcmp(a->cmd->opts[k].name, name) == 0)
			return a->opt[k];
	return NULL;
}

void
cmd_usage(FILE *out, const struct cmd *c, const char *sep)
{
	const struct cmd_opt *o;
	size_t i;
	int k;

	if (c->subs != NULL) {
		for (i = 0; c->subs[i] != NULL; i++) {
			fprintf(out, "%s%s ", i > 0 ? sep : "", c->name);
			cmd_usage(out, c->subs[i], sep);
		}
		return;
	}
	fprintf(out, "%s", c->name);
	if (c->args != NULL && c->args[0] != '\0')
		fprintf(out, " %s", c->args);
	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++) {
		o = &c->opts[k];
		fprintf(out, " %s%s%s%s%s", o->required ? "" : "[", o->name,
		    o->value ? " " : "", o->value ? o->value : "",
		    o->required ? "" : "]");
	}
}

int
ctrls_option(const char *cmd, const char *list, unsigned *ctrls)
{
	char bad[16];

	if (ur_chipset_ctrl_parse_list(list, ctrls, bad, sizeof(bad)) == 0)
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

/* The options that may stand anywhere, before or after the command: the
 * one declaration usage, the parser and the completion read. */
const struct cmd cli_global_opts = {
	.name = "usbroute",
	.opts = { { "--config", "FILE", 0 }, { "--sysfs-root", "DIR", 0 },
	    { "--state-dir", "DIR", 0 }, { "--json", NULL, 0 } },
};

int
cli_globals(int *argc, char **argv, struct cli_globals *g)
{
	const char **val[] = { &g->config, &g->root, &g->state, NULL };
	const struct cmd *c = &cli_global_opts;
	const char *eq;
	int i, k, out = 1;

	memset(g, 0, sizeof(*g));
	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((k = find_opt(c, argv[i])) < 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (c->opts[k].value == NULL) {
			g->json = 1;
			continue;
		}
		eq = strchr(argv[i], '=');
		if (eq == NULL && i + 1 >= *argc)
			return usage_error(NULL, "%s needs a value", argv[i]);
		*val[k] = eq != NULL ? eq + 1 : argv[++i];
	}
	*argc = out;
	argv[out] = NULL;
	return EXIT_OK;
}

int
cli_config(struct cli *cli, const struct cli_globals *g)
{
	const char *path = g->config ? g->config : ur_conf_default_path();
	int missing_ok = g->config_may_be_new ||
	    (g->config == NULL && getenv("USBROUTE_CONFIG") == NULL);
	struct ur_err err;

	if ((g->config_findings ? ur_conf_load_all(&cli->conf, path,
	    missing_ok, &cli->conf_problems, &err) : ur_conf_load(&cli->conf,
	    path, missing_ok, &err)) < 0)
		return fail(&err);
	if (g->root != NULL)
		snprintf(cli->conf.sysfs_root, sizeof(cli->conf.sysfs_root),
		    "%s", g->root);
	if (g->state != NULL)
		snprintf(cli->conf.state_dir, sizeof(cli->conf.state_dir),
		    "%s", g->state);
	return EXIT_OK;
}
