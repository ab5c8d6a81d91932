/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The usbroute command line: one file per command, this header between
 * them. */
#ifndef USBROUTE_H
#define USBROUTE_H

#include "conf.h"
#include "err.h"
#include "machine.h"

/* Exit codes: the contract scripts rely on. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* refused or failed; one line on stderr */
#define EXIT_USAGE	2

struct cli {
	struct ur_conf conf;
	int json;
};

/* Options that may stand anywhere on the command line. */
struct cli_globals {
	const char *config;
	const char *root;
	const char *state;
	int json;
	int config_may_be_new;	/* a missing --config is fine (map makes it) */
};

/* Takes the global options out of argv; EXIT_USAGE on a bad one. */
int cli_globals(int *argc, char **argv, struct cli_globals *g);

/* Loads the config they name (or the default one) into cli. */
int cli_config(struct cli *cli, const struct cli_globals *g);

struct cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *args;
	const char *help;
};

int cmd_status(struct cli *, int, char **);
int cmd_doctor(struct cli *, int, char **);
int cmd_explain(struct cli *, int, char **);
int cmd_route(struct cli *, int, char **);
int cmd_set(struct cli *, int, char **);
int cmd_claim(struct cli *, int, char **);
int cmd_release(struct cli *, int, char **);
int cmd_repair(struct cli *, int, char **);
int cmd_sim(struct cli *, int, char **);
int cmd_map(struct cli *, int, char **);
int cmd_domain(struct cli *, int, char **);
int cmd_toggle(struct cli *, int, char **);
int cmd_guest(struct cli *, int, char **);
int cmd_host(struct cli *, int, char **);
int cmd_profile(struct cli *, int, char **);
int cmd_control(struct cli *cli, const char *verb, int argc, char **argv,
    int min, int max);

/* Runs usbroute-domain with argv (the one beside this program, else the
 * installed one); returns only on failure. */
int exec_domain(char **argv);

/* usbroute --complete WORD...: candidates for the last word, one a line
 * (complete.c).  globals: the usage of the global options. */
int complete(const struct cmd *cmds, size_t ncmds, const char *globals,
    int argc, char **argv);

/* Prints "usbroute: message" and returns EXIT_FAIL. */
int fail(const struct ur_err *err);
/* Prints "usbroute: message" plus a usage hint and returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Takes "--name VALUE" / "--name=VALUE" (or a flag "--name" when value is
 * NULL) out of argv at *i.  Returns 1 if argv[*i] was that option, 0 if
 * not, -1 on a missing value.
 */
int take_opt(int argc, char **argv, int *i, const char *name,
    const char **value);

/* A --controllers value of command cmd; EXIT_USAGE after saying what is
 * wrong. */
int ctrls_option(const char *cmd, const char *list, unsigned *ctrls);

/* Opens the machine, printing the error. */
int open_machine(struct cli *cli, struct ur_machine *m);

#endif
