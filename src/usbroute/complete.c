/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbroute --complete WORD...: the candidates for the last WORD of a
 * command line, one a line, for the bash completion.  Hidden from --help.
 *
 * What a command takes is read from its entry in the command table (the
 * same declarations cmd_parse parses by and --help prints): its options
 * with the metavariable of their value, and the words of its positionals,
 * where a lowercase word (or words joined by '|') is a literal and an
 * UPPERCASE word a metavariable.  A command with subcommands (sim) has a
 * form per subcommand, whose first slot is the subcommand's name.
 *
 * Metavariables name what is offered: PORTS and PORT the port words of
 * this chipset and the names of the config; OWNER and DOMAIN the owners
 * in the ownership table; NAME after --chipset the chipset presets; DIR
 * and FILE a line "@dirs" or "@files", which the script turns into
 * directory or file completion; the NAME of `usbroute domain` the domains
 * libvirt knows, listed by usbroute-domain.  Anything else: nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chipset.h"
#include "preset.h"
#include "table.h"
#include "state.h"
#include "usbroute.h"

#define MAX_TOK 64

/* One form of a command: its literal-or-metavariable slots in order, and
 * its options with the metavariable of their value ("" for a flag). */
struct form {
	const char *slot[MAX_TOK];
	int nslot;
	const char *opt[MAX_TOK];
	const char *optval[MAX_TOK];
	int nopt;
};

struct spec {
	char buf[1024];
	struct form form[8];
	int nform;
	size_t used;
};

static int
is_upper_word(const char *s)
{
	return *s >= 'A' && *s <= 'Z';
}

/* Strips the brackets and parentheses a usage word is wrapped in. */
static char *
bare(char *t)
{
	size_t n;

	while (*t == '[' || *t == '(')
		t++;
	n = strlen(t);
	while (n > 0 && (t[n - 1] == ']' || t[n - 1] == ')'))
		t[--n] = '\0';
	return t;
}

/* One form from entry c: prefix (a subcommand's name) first, then the
 * words of its positionals, and its declared options. */
static void
form_add(struct spec *s, const struct cmd *c, const char *prefix)
{
	struct form *f;
	char *save, *t, *words;
	int k;

	if (s->nform >= 8)
		return;
	f = &s->form[s->nform++];
	if (prefix != NULL)
		f->slot[f->nslot++] = prefix;
	words = s->buf + s->used;
	snprintf(words, sizeof(s->buf) - s->used, "%s", c->args ? c->args : "");
	s->used += strlen(words) + 1;
	if (s->used >= sizeof(s->buf))
		s->used = sizeof(s->buf) - 1;
	for (t = strtok_r(words, " \t", &save); t != NULL && f->nslot < MAX_TOK;
	    t = strtok_r(NULL, " \t", &save)) {
		t = bare(t);
		if (*t != '\0' && strcmp(t, "...") != 0)
			f->slot[f->nslot++] = t;
	}
	for (k = 0; k < CMD_MAX_OPTS && c->opts[k].name != NULL; k++) {
		f->opt[f->nopt] = c->opts[k].name;
		f->optval[f->nopt++] = c->opts[k].value ? c->opts[k].value : "";
	}
}

static void
spec_from_cmd(struct spec *s, const struct cmd *c)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (c->subs == NULL) {
		form_add(s, c, NULL);
		return;
	}
	for (i = 0; c->subs[i] != NULL; i++)
		form_add(s, c->subs[i], c->subs[i]->name);
}

/* The value metavariable of option word in any form, NULL if it is none
 * of theirs; "" for a flag. */
static const char *
spec_optval(const struct spec *s, const char *word)
{
	int i, j;

	for (i = 0; i < s->nform; i++)
		for (j = 0; j < s->form[i].nopt; j++)
			if (strcmp(s->form[i].opt[j], word) == 0)
				return s->form[i].optval[j];
	return NULL;
}

static void
print_split(const char *alts)
{
	char buf[256], *t, *save;

	snprintf(buf, sizeof(buf), "%s", alts);
	for (t = strtok_r(buf, "|", &save); t != NULL;
	    t = strtok_r(NULL, "|", &save))
		printf("%s\n", t);
}

static void
print_ports(const struct cli *cli)
{
	const struct ur_chipset *cs = NULL;
	struct ur_machine m;
	struct ur_err err;
	uint16_t present;
	char word[32];
	int bit, i;

	if (ur_machine_open(&m, &cli->conf, &err) == 0) {
		cs = m.cs;
		present = m.present;
		ur_machine_close(&m);
	} else {
		/* No chipset here: the words of the commonest part. */
		cs = ur_chipset_by_key("8-series");
		present = cs != NULL ? ur_chipset_ports(cs, 0) : 0;
	}
	for (bit = 0; cs != NULL && bit < UR_MAX_PORTS; bit++)
		if (present & (1u << bit)) {
			ur_chipset_port_name(cs, bit, word, sizeof(word));
			printf("%s\n", word);
		}
	printf("all\n");
	for (i = 0; i < cli->conf.nnames; i++)
		printf("%s\n", cli->conf.names[i].name);
}

static void
print_owners(const struct cli *cli, int by_name)
{
	struct ur_table t;
	struct ur_err err;
	int i;

	if (ur_state_load(cli->conf.state_dir, &t, &err) < 0)
		return;
	for (i = 0; i < t.nowners; i++)
		printf("%s\n", by_name && t.owner[i].name[0] != '\0' ?
		    t.owner[i].name : t.owner[i].id);
}

static void
print_presets(void)
{
	const struct ur_preset *p;
	size_t i;

	for (i = 0; (p = ur_preset_at(i)) != NULL; i++)
		printf("%s\n", p->key);
}

/* What a metavariable or literal slot offers. */
static void
print_meta(const struct cli *cli, const char *opt, const char *meta)
{
	if (!is_upper_word(meta))
		print_split(meta);
	else if (strcmp(meta, "PORTS") == 0 || strcmp(meta, "PORT") == 0)
		print_ports(cli);
	else if (strcmp(meta, "OWNER") == 0)
		print_owners(cli, 0);
	else if (strcmp(meta, "DOMAIN") == 0)
		print_owners(cli, 1);
	else if (strcmp(meta, "DIR") == 0)
		printf("@dirs\n");
	else if (strcmp(meta, "FILE") == 0)
		printf("@files\n");
	else if (strcmp(meta, "LIST") == 0 && opt != NULL &&
	    strcmp(opt, "--controllers") == 0)
		printf("ehci1\nehci2\nxhci\n");
	else if (strcmp(meta, "NAME") == 0 && opt != NULL &&
	    strcmp(opt, "--chipset") == 0)
		print_presets();
}

static void
print_opts(const struct spec *s)
{
	int i, j;

	for (i = 0; i < s->nform; i++)
		for (j = 0; j < s->form[i].nopt; j++)
			printf("%s\n", s->form[i].opt[j]);
}

/*
 * The positional words of argv (options and their values left out); the
 * form they follow is the one whose first literal matches the first word.
 */
static const struct form *
pick_form(const struct spec *s, const char *first)
{
	int i;

	for (i = 0; first != NULL && i < s->nform; i++)
		if (s->form[i].nslot > 0 &&
		    !is_upper_word(s->form[i].slot[0]) &&
		    strcmp(s->form[i].slot[0], first) == 0)
			return &s->form[i];
	return &s->form[0];
}

/* libvirt's domains: usbroute-domain lists them (it links libvirt),
 * from the URI a --connect among the words names. */
static int
list_domains(int argc, char **argv)
{
	char *args[6] = { "usbroute", "domain", "--complete-domains", NULL,
	    NULL, NULL };
	int i;

	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "--connect") == 0 ||
		    strcmp(argv[i], "-c") == 0) {
			args[3] = "--connect";
			args[4] = argv[i + 1];
		}
	fflush(stdout);
	return exec_domain(args);
}

/* The options of `usbroute domain NAME SUB`: usbroute-domain knows its
 * subcommands' (they are declared where they run). */
static int
list_domain_opts(const struct spec *globals, const char *sub)
{
	char *args[5] = { "usbroute", "domain", "--complete-opts", NULL, NULL };

	args[3] = (char *)sub;
	print_opts(globals);
	printf("--help\n");
	fflush(stdout);
	return exec_domain(args);
}

/* Candidates for the positional or option after words argv[0..argc-1]
 * of command c (argv[0] is its first argument). */
static int
complete_args(const struct cli *cli, const struct spec *globals,
    const struct cmd *c, int argc, char **argv, const char *cur)
{
	const char *pos[MAX_TOK], *val;
	const struct form *f;
	struct spec s;
	int i, npos = 0;

	spec_from_cmd(&s, c);
	if (argc > 0 && (val = spec_optval(&s, argv[argc - 1])) != NULL &&
	    *val != '\0') {
		print_meta(cli, argv[argc - 1], val);
		return EXIT_OK;
	}
	if (cur[0] == '-' && c->run == NULL && c->subs == NULL && argc >= 2)
		return list_domain_opts(globals, argv[1]);
	if (cur[0] == '-') {
		print_opts(&s);
		print_opts(globals);
		printf("--help\n");
		return EXIT_OK;
	}
	for (i = 0; i < argc; i++) {
		val = spec_optval(&s, argv[i]);
		if (val != NULL && *val != '\0')
			i++;
		else if (val == NULL && argv[i][0] != '-' && npos < MAX_TOK)
			pos[npos++] = argv[i];
	}
	f = pick_form(&s, npos > 0 ? pos[0] : NULL);
	if (npos == 0 && s.nform > 1) {
		for (i = 0; i < s.nform; i++)
			if (s.form[i].nslot > 0)
				print_meta(cli, NULL, s.form[i].slot[0]);
		return EXIT_OK;
	}
	if (c->run == NULL && c->subs == NULL && npos == 0)
		return list_domains(argc, argv);
	if (npos < f->nslot)
		print_meta(cli, NULL, f->slot[npos]);
	else if (f->nslot > 0 && strcmp(f->slot[f->nslot - 1], "PORTS") == 0)
		print_meta(cli, NULL, "PORTS");	/* several port words */
	return EXIT_OK;
}

int
complete(const struct cmd *const *cmds, const struct cmd *globals,
    int argc, char **argv)
{
	struct cli_globals g;
	struct spec s;
	struct cli cli;
	const char *cur, *val;
	char **w;
	size_t i;
	int n;

	if (argc < 1)
		return EXIT_OK;
	cur = argv[argc - 1];
	spec_from_cmd(&s, globals);
	/* A global option's value comes first: it may stand anywhere. */
	if (argc >= 2 && (val = spec_optval(&s, argv[argc - 2])) != NULL &&
	    *val != '\0') {
		memset(&cli, 0, sizeof(cli));
		ur_conf_defaults(&cli.conf);
		print_meta(&cli, argv[argc - 2], val);
		return EXIT_OK;
	}
	/* The words before cur, without the globals, as cli_globals sees
	 * them; its config and state name the ports and owners. */
	w = calloc((size_t)argc + 1, sizeof(*w));
	if (w == NULL)
		return EXIT_FAIL;
	w[0] = "usbroute";
	memcpy(w + 1, argv, (size_t)(argc - 1) * sizeof(*w));
	n = argc;
	memset(&cli, 0, sizeof(cli));
	if (cli_globals(&n, w, &g) != EXIT_OK ||
	    cli_config(&cli, &g) != EXIT_OK)
		ur_conf_defaults(&cli.conf);
	if (n < 2) {
		if (cur[0] == '-') {
			print_opts(&s);
			printf("--help\n--version\n");
		} else {
			for (i = 0; cmds[i] != NULL; i++)
				printf("%s\n", cmds[i]->name);
		}
		free(w);
		return EXIT_OK;
	}
	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(cmds[i]->name, w[1]) == 0)
			break;
	n = cmds[i] != NULL ? complete_args(&cli, &s, cmds[i], n - 2, w + 2,
	    cur) : EXIT_OK;
	free(w);
	return n;
}
