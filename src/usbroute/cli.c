/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every usbroute program shares: messages, options, the config. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
cli_globals(int *argc, char **argv, struct cli_globals *g)
{
	const char **config = &g->config, **root = &g->root;
	const char **state = &g->state;
	int *json = &g->json;
	int i, out = 1, r;

	memset(g, 0, sizeof(*g));
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

int
cli_config(struct cli *cli, const struct cli_globals *g)
{
	struct ur_err err;

	if (ur_conf_load(&cli->conf, g->config ? g->config :
	    ur_conf_default_path(), g->config_may_be_new ||
	    (g->config == NULL && getenv("USBROUTE_CONFIG") == NULL),
	    &err) < 0)
		return fail(&err);
	if (g->root != NULL)
		snprintf(cli->conf.sysfs_root, sizeof(cli->conf.sysfs_root),
		    "%s", g->root);
	if (g->state != NULL)
		snprintf(cli->conf.state_dir, sizeof(cli->conf.state_dir),
		    "%s", g->state);
	return EXIT_OK;
}
