/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The usbroute command line: one file per command, this header between
 * them. */
#ifndef USBROUTE_H
#define USBROUTE_H

#include <stdio.h>

#include "conf.h"
#include "err.h"
#include "machine.h"

/* Exit codes: the contract scripts rely on. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* refused or failed; one line on stderr */
#define EXIT_USAGE	2

struct cli {
	struct ur_conf conf;
	/* The config's wrong lines, for a command whose entry has
	 * config_findings (doctor); others stop at the first. */
	struct ur_conf_problems conf_problems;
	int json;
};

/* Options that may stand anywhere on the command line. */
struct cli_globals {
	const char *config;
	const char *root;
	const char *state;
	int json;
	int config_may_be_new;	/* a missing --config is fine (map makes it) */
	int config_findings;	/* read all of it, noting wrong lines */
};

/* The options that may stand anywhere (cli.c). */
extern const struct cmd cli_global_opts;

/* Takes the global options out of argv; EXIT_USAGE on a bad one. */
int cli_globals(int *argc, char **argv, struct cli_globals *g);

/* Loads the config they name (or the default one) into cli. */
int cli_config(struct cli *cli, const struct cli_globals *g);

/*
 * A command's table entry, as tmux's cmd_entry: its name, what it takes
 * and its help, declared once.  One parser (cmd_parse in cli.c) reads
 * argv with it; --help, the usage of an error and the completion
 * (complete.c) are made from it, so they cannot drift from what is
 * parsed.
 */
#define CMD_MAX_OPTS 16

struct cmd_opt {
	const char *name;	/* "--to" */
	const char *value;	/* its value as usage shows it ("xhci|ehci",
				 * "NAME"); NULL: a flag */
	int required;
};

struct cmd_args;

struct cmd {
	const char *name;
	int (*run)(struct cli *cli, const struct cmd_args *a);
	const char *args;	/* the positionals, as usage shows them */
	int min, max;		/* how many positionals */
	struct cmd_opt opts[CMD_MAX_OPTS];
	const char *help;
	const struct cmd *const *subs;	/* sim: its subcommands, NULL-ended */
	const char *parent;	/* a subcommand's command ("sim") */
	/* doctor: a wrong config line is one of its findings
	 * (cli->conf_problems) instead of a refusal before it runs */
	int config_findings;
};

/* What cmd_parse found: the positionals in order, each declared option's
 * value ("" for a flag given, NULL when absent). */
struct cmd_args {
	const struct cmd *cmd;
	int argc;
	char **argv;
	const char *opt[CMD_MAX_OPTS];
};

/* Parses argv (after the command's name) by c's entry into a; argv is
 * reordered in place.  EXIT_USAGE after one line saying what is wrong. */
int cmd_parse(const struct cmd *c, int argc, char **argv, struct cmd_args *a);

/* The value of option name (declared in the entry), NULL when absent. */
const char *cmd_opt(const struct cmd_args *a, const char *name);

/* Writes "NAME ARGS [--opt VALUE]..." of c (prefix: "sim " for a
 * subcommand), lines of a command with subcommands joined by sep. */
void cmd_usage(FILE *out, const struct cmd *c, const char *sep);

/* The commands, in --help's order (usbroute.c); one entry per file. */
extern const struct cmd cmd_status_entry, cmd_doctor_entry,
    cmd_explain_entry, cmd_route_entry, cmd_set_entry, cmd_claim_entry,
    cmd_release_entry, cmd_repair_entry, cmd_toggle_entry, cmd_guest_entry,
    cmd_host_entry, cmd_profile_entry, cmd_map_entry, cmd_sim_entry;

/* usbroute-domain's command (domain-main.c). */
int cmd_domain(struct cli *cli, int argc, char **argv);

/* Runs usbroute-domain with argv (the one beside this program, else the
 * installed one); returns only on failure. */
int exec_domain(char **argv);

/* usbroute --complete WORD...: candidates for the last word, one a line
 * (complete.c).  globals: the options that may stand anywhere. */
int complete(const struct cmd *const *cmds, const struct cmd *globals,
    int argc, char **argv);

/* Prints "usbroute: message" and returns EXIT_FAIL. */
int fail(const struct ur_err *err);
/* Prints "usbroute: message" plus a usage hint and returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A --controllers value of command cmd; EXIT_USAGE after saying what is
 * wrong. */
int ctrls_option(const char *cmd, const char *list, unsigned *ctrls);

/* Opens the machine, printing the error. */
int open_machine(struct cli *cli, struct ur_machine *m);

#endif
