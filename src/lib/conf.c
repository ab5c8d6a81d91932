/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>

#include "conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/*
 * The keys of the file (but "port NAME" and "ss-pair WORD", which carry
 * an argument), each with its type; later programs read them through
 * struct ur_conf's fields, ur_conf_get() and the typed accessors: a value is checked here, when the file
 * is read, for every program (usbroute doctor, the hook and usbrouted
 * see the same verdict on `guest-rate = fast`, `control-group = nosuch`
 * or `hotkey = KEY_CTRL`).  Anything else is a typo, and a typo in a root
 * tool's config should stop it, not be silently ignored.
 */
enum key_type {
	KEY_TEXT,
	KEY_INT,	/* a number from min to max */
	KEY_BOOL,	/* yes or no */
	KEY_ADDR,	/* 127.0.0.1:PORT, [::1]:PORT */
	KEY_PATH,	/* an absolute path */
	KEY_SOCKET,	/* an absolute path that fits a unix socket address */
	KEY_GROUP,	/* a group of this machine */
	KEY_CHORD,	/* KEY_LEFTCTRL+KEY_RIGHTCTRL (key.c) */
};

static const struct key {
	const char *name;
	enum key_type type;
	long dflt, min, max;	/* KEY_INT */
	int lines;		/* lines that may each add a value; 0: one
				 * value, a later line replaces it */
	const char *text;	/* KEY_CHORD: its default; KEY_PATH: an
				 * example for the message */
	size_t field;		/* where in struct ur_conf it goes (an int
				 * or a path), 0: with ur_conf_get */
} keys[] = {
	{ .name = "sysfs-root", .type = KEY_PATH, .text = "/sys",
	    .field = offsetof(struct ur_conf, sysfs_root) },
	{ .name = "state-dir", .type = KEY_PATH, .text = "/run/usbroute",
	    .field = offsetof(struct ur_conf, state_dir) },
	{ .name = "lock-timeout-ms", .type = KEY_INT, .dflt = 5000,
	    .max = 600000, .field = offsetof(struct ur_conf, lock_timeout_ms) },
	{ .name = "libvirt-uri", .type = KEY_TEXT },
	{ .name = "control-socket", .type = KEY_SOCKET },
	{ .name = "control-group", .type = KEY_GROUP },
	{ .name = "listen-tcp", .type = KEY_ADDR },
	{ .name = "allow-remote-listen", .type = KEY_BOOL },
	{ .name = "guest-rate", .type = KEY_INT, .dflt = 4, .min = 1,
	    .max = 1000 },
	{ .name = "drift-check-ms", .type = KEY_INT, .dflt = 1000,
	    .max = 3600000 },
	{ .name = "hook-xml-module", .type = KEY_TEXT },
	{ .name = "client-timeout-ms", .type = KEY_INT, .dflt = 10000,
	    .min = 100, .max = 3600000 },
	{ .name = "max-clients-control", .type = KEY_INT, .dflt = 32,
	    .min = 1, .max = 128 },
	{ .name = "max-clients-tcp", .type = KEY_INT, .dflt = 16, .min = 1,
	    .max = 120 },
	{ .name = "hotkey-device", .type = KEY_PATH,
	    .lines = UR_CONF_HOTKEY_DEVICES,
	    .text = "/dev/input/by-id/...-event-kbd" },
	{ .name = "hotkey", .type = KEY_CHORD,
	    .text = "KEY_LEFTCTRL+KEY_RIGHTCTRL" },
	{ .name = "hotkey-domain", .type = KEY_TEXT },
	{ .name = NULL },
};

static const struct key *
find_key(const char *name)
{
	const struct key *k;

	for (k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* "127.0.0.1:4000", "[::1]:4000": 0, or -1 when it is neither. */
static int
parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len,
    int *loopback)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char *end;
	long port;
	size_t n;

	if (colon == NULL)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		return -1;
	n = (size_t)(colon - text);
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
		*loopback = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
		return 0;
	}
	return -1;
}

static int
parse_int(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s == '\0' || *end != '\0' || errno != 0 ? -1 : 0;
}

/* The group named, looked up now: 0, or -1 saying why not. */
static int
lookup_group(const char *name, gid_t *gid, struct ur_err *err)
{
	struct group *gr;

	errno = 0;
	gr = getgrnam(name);
	if (gr != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (errno != 0 && errno != ENOENT && errno != ESRCH)
		return ur_errf(err, "cannot look up group '%s': %s", name,
		    strerror(errno));
	return ur_errf(err, "no such group on this machine; create it "
	    "(groupadd %s) or name an existing one", name);
}

/* Whether value is one of key k's type; says why not, and what to
 * write instead. */
static int
check_value(const struct ur_conf *c, const struct key *k, const char *value,
    int line, struct ur_err *err)
{
	struct sockaddr_storage ss;
	struct ur_chord chord;
	socklen_t len;
	int loopback;
	gid_t gid;
	long v;

	switch (k->type) {
	case KEY_INT:
		if (parse_int(value, &v) < 0 || v < k->min || v > k->max)
			return ur_errf(err, "%s line %d: %s = '%s' must be a "
			    "number from %ld to %ld", c->path, line, k->name,
			    value, k->min, k->max);
		return 0;
	case KEY_BOOL:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			return ur_errf(err, "%s line %d: %s = '%s' must be yes "
			    "or no", c->path, line, k->name, value);
		return 0;
	case KEY_ADDR:
		if (*value != '\0' &&
		    parse_addr(value, &ss, &len, &loopback) < 0)
			return ur_errf(err, "%s line %d: %s = '%s': write it as "
			    "127.0.0.1:PORT or [::1]:PORT", c->path, line,
			    k->name, value);
		return 0;
	case KEY_PATH:
		if (value[0] != '/')
			return ur_errf(err, "%s line %d: %s = '%s' must be an "
			    "absolute path, like %s", c->path, line, k->name,
			    value, k->text);
		return 0;
	case KEY_SOCKET:
		if (value[0] != '/' || strlen(value) >= UR_CONF_SOCKET_MAX)
			return ur_errf(err, "%s line %d: %s = '%s' must be an "
			    "absolute path shorter than %d characters (a unix "
			    "socket's limit)", c->path, line, k->name, value,
			    UR_CONF_SOCKET_MAX);
		return 0;
	case KEY_GROUP:
		if (lookup_group(value, &gid, err) < 0)
			return ur_err_prefix(err, "%s line %d: %s = '%s'",
			    c->path, line, k->name, value);
		return 0;
	case KEY_CHORD:
		if (ur_key_chord_parse(value, &chord, err) < 0)
			return ur_err_prefix(err, "%s line %d", c->path, line);
		return 0;
	default:
		return 0;
	}
}

void
ur_conf_defaults(struct ur_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->sysfs_root, sizeof(c->sysfs_root), "/sys");
	snprintf(c->state_dir, sizeof(c->state_dir), "/run/usbroute");
	c->lock_timeout_ms = 5000;
}

const char *
ur_conf_default_path(void)
{
	const char *env = getenv("USBROUTE_CONFIG");

	if (env != NULL && *env != '\0')
		return env;
	return SYSCONFDIR "/usbroute/usbroute.conf";
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int
copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

static int
valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* The entry of key: the one a later line replaces, or a new one when
 * the key may be given on several lines; NULL (err set) when no more. */
static struct ur_conf_kv *
extra_slot(struct ur_conf *c, const struct key *k, int line,
    struct ur_err *err)
{
	int i, n = 0;

	for (i = 0; i < c->nextra; i++) {
		if (strcmp(c->extra[i].key, k->name) != 0)
			continue;
		if (k->lines == 0)
			return &c->extra[i];
		if (++n == k->lines) {
			ur_errf(err, "%s line %d: more than %d %s lines",
			    c->path, line, k->lines, k->name);
			return NULL;
		}
	}
	if (c->nextra == UR_CONF_MAX_EXTRA) {
		ur_errf(err, "%s line %d: too many keys", c->path, line);
		return NULL;
	}
	return &c->extra[c->nextra++];
}

/* A key that has its own field in struct ur_conf: the value, checked,
 * goes there. */
static int
set_field(struct ur_conf *c, const struct key *k, const char *value,
    int line, struct ur_err *err)
{
	char *dst = (char *)c + k->field;
	long v;

	if (k->type == KEY_INT) {
		(void)parse_int(value, &v);	/* checked in range */
		*(int *)(void *)dst = (int)v;
		return 0;
	}
	if (copy(dst, sizeof(c->sysfs_root), value) < 0)
		return ur_errf(err, "%s line %d: %s: path too long", c->path,
		    line, k->name);
	return 0;
}

/* A line of the table's keys: checked first, so a bad line changes
 * nothing (doctor reads on past it). */
static int
set_key(struct ur_conf *c, const char *key, const char *value, int line,
    struct ur_err *err)
{
	const struct key *k = find_key(key);
	struct ur_conf_kv *kv;

	if (k == NULL)
		return ur_errf(err, "%s line %d: unknown key '%s' (see "
		    "usbroute.conf(5))", c->path, line, key);
	if (check_value(c, k, value, line, err) < 0)
		return -1;
	if (k->field != 0)
		return set_field(c, k, value, line, err);
	if (strlen(value) >= sizeof(kv->value))
		return ur_errf(err, "%s line %d: value of '%s' is too long "
		    "(at most %zu characters)", c->path, line, key,
		    sizeof(kv->value) - 1);
	if ((kv = extra_slot(c, k, line, err)) == NULL)
		return -1;
	kv->line = line;
	/* Both fit: the key is the table's, the value was measured. */
	(void)copy(kv->key, sizeof(kv->key), k->name);
	(void)copy(kv->value, sizeof(kv->value), value);
	return 0;
}

const char *
ur_conf_name_problem(const char *name)
{
	if (!valid_name(name))
		return "may hold only letters, digits, '-' and '_'";
	if (strncmp(name, "ehci", 4) == 0 || strcmp(name, "all") == 0 ||
	    strcmp(name, "usbr") == 0 ||
	    (name[0] == 'p' && isdigit((unsigned char)name[1])))
		return "looks like a port word; pick another name";
	if (strlen(name) >= sizeof(((struct ur_conf_name *)0)->name))
		return "is too long";
	return NULL;
}

static int
set_port_name(struct ur_conf *c, const char *name, const char *words,
    int line, struct ur_err *err)
{
	struct ur_conf_name *n;
	const char *why;
	int i;

	if ((why = ur_conf_name_problem(name)) != NULL)
		return ur_errf(err, "%s line %d: port name '%s' %s", c->path,
		    line, name, why);
	for (i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i].name, name) == 0)
			return ur_errf(err, "%s line %d: port name '%s' is "
			    "already defined on line %d", c->path, line, name,
			    c->names[i].line);
	if (c->nnames == UR_CONF_MAX_NAMES)
		return ur_errf(err, "%s line %d: more than %d port names",
		    c->path, line, UR_CONF_MAX_NAMES);
	n = &c->names[c->nnames];
	if (copy(n->name, sizeof(n->name), name) < 0 ||
	    copy(n->words, sizeof(n->words), words) < 0)
		return ur_errf(err, "%s line %d: port name or value too long",
		    c->path, line);
	if (*words == '\0')
		return ur_errf(err, "%s line %d: port '%s' has no port words",
		    c->path, line, name);
	n->line = line;
	c->nnames++;
	return 0;
}

static int
set_pair(struct ur_conf *c, const char *word, const char *value, int line,
    struct ur_err *err)
{
	struct ur_conf_pair *p;
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || *value == '\0' || *end != '\0' || n < 1 ||
	    n > UR_MAX_SS_PORTS)
		return ur_errf(err, "%s line %d: ss-pair %s = '%s': the USB3 "
		    "port must be a number from 1 to %d", c->path, line, word,
		    value, UR_MAX_SS_PORTS);
	if (c->npairs == UR_MAX_PORTS)
		return ur_errf(err, "%s line %d: more than %d ss-pair lines",
		    c->path, line, UR_MAX_PORTS);
	p = &c->pairs[c->npairs];
	if (copy(p->word, sizeof(p->word), word) < 0)
		return ur_errf(err, "%s line %d: port word too long",
		    c->path, line);
	p->ss_port = (int)n;
	p->line = line;
	c->npairs++;
	return 0;
}

static int
parse_line(struct ur_conf *c, char *s, int line, struct ur_err *err)
{
	char *eq, *key, *value, *arg;

	eq = strchr(s, '=');
	if (eq == NULL)
		return ur_errf(err, "%s line %d: expected 'key = value'",
		    c->path, line);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);

	/* "port NAME" and "ss-pair WORD" carry an argument in the key. */
	arg = key + strcspn(key, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		arg = trim(arg);
	}
	if (strcmp(key, "port") == 0)
		return set_port_name(c, arg, value, line, err);
	if (strcmp(key, "ss-pair") == 0)
		return set_pair(c, arg, value, line, err);
	if (*arg != '\0')
		return ur_errf(err, "%s line %d: unexpected '%s' after '%s'",
		    c->path, line, arg, key);
	return set_key(c, key, value, line, err);
}

/* The key a line names ("guest-rate", "port desk"), for a problem. */
static void
line_key(const char *s, char *key, size_t len)
{
	size_t n = strcspn(s, "=");

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(key, s, n);
	key[n] = '\0';
}

/*
 * What is wrong at line (0: the file as a whole).  Without pr the
 * reading stops there (-1, err says it); with pr it is noted and the
 * reading goes on (0): that key keeps its default.
 */
static int
bad_line(struct ur_conf_problems *pr, int line, const char *key,
    const struct ur_err *err)
{
	struct ur_conf_problem *p;

	if (pr == NULL)
		return -1;
	if (pr->n == UR_CONF_MAX_PROBLEMS) {
		pr->more++;
		return 0;
	}
	p = &pr->p[pr->n++];
	p->line = line;
	snprintf(p->key, sizeof(p->key), "%s", key);
	snprintf(p->msg, sizeof(p->msg), "%s", err->msg);
	return 0;
}

static int
find_extra(const struct ur_conf *c, const char *key)
{
	int i;

	for (i = 0; i < c->nextra; i++)
		if (strcmp(c->extra[i].key, key) == 0)
			return i;
	return -1;
}

/* Keys judged together: a TCP listener beyond loopback only with
 * allow-remote-listen = yes (anyone who reaches it may move the host's
 * ports).  With pr a bad listen-tcp is dropped, as if not given. */
static int
check_together(struct ur_conf *c, struct ur_conf_problems *pr,
    struct ur_err *err)
{
	struct sockaddr_storage ss;
	int i = find_extra(c, "listen-tcp");
	int loopback = 0;
	socklen_t len;

	if (i < 0 || ur_conf_bool(c, "allow-remote-listen") ||
	    ur_conf_addr(c, "listen-tcp", &ss, &len, &loopback) == 0 ||
	    loopback)
		return 0;
	ur_errf(err, "%s line %d: listen-tcp = %s is not a loopback address: "
	    "anyone who reaches it could move the host's ports; use "
	    "127.0.0.1, or set allow-remote-listen = yes", c->path,
	    c->extra[i].line, c->extra[i].value);
	if (bad_line(pr, c->extra[i].line, "listen-tcp", err) < 0)
		return -1;
	memmove(&c->extra[i], &c->extra[i + 1],
	    (size_t)(c->nextra - i - 1) * sizeof(c->extra[0]));
	c->nextra--;
	return 0;
}

/* Reads the lines of f into c; see bad_line for pr. */
static int
read_lines(struct ur_conf *c, FILE *f, struct ur_conf_problems *pr,
    struct ur_err *err)
{
	char buf[1024], key[32];
	int line = 0, ch;
	char *s;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			ur_errf(err, "%s line %d: line too long (at most %zu "
			    "characters)", c->path, line, sizeof(buf) - 2);
			line_key(trim(buf), key, sizeof(key));
			if (bad_line(pr, line, key, err) < 0)
				return -1;
			while ((ch = getc(f)) != EOF && ch != '\n')
				;	/* the rest of that line */
			continue;
		}
		s = buf + strcspn(buf, "#");
		*s = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		line_key(s, key, sizeof(key));
		if (parse_line(c, s, line, err) < 0 &&
		    bad_line(pr, line, key, err) < 0)
			return -1;
	}
	if (ferror(f)) {
		ur_errf(err, "cannot read config %s", c->path);
		return bad_line(pr, 0, "", err);
	}
	return check_together(c, pr, err);
}

static int
by_line(const void *a, const void *b)
{
	const struct ur_conf_problem *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static int
load(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_conf_problems *pr, struct ur_err *err)
{
	FILE *f;
	int rc;

	ur_conf_defaults(c);
	if (pr != NULL)
		memset(pr, 0, sizeof(*pr));
	if (copy(c->path, sizeof(c->path), path) < 0)
		return ur_errf(err, "config path too long");
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		ur_errf(err, "cannot read config %s: %s", path,
		    strerror(errno));
		return bad_line(pr, 0, "", err);
	}
	rc = read_lines(c, f, pr, err);
	fclose(f);
	/* In the file's order (a listener judged with the whole file is
	 * noted last). */
	if (pr != NULL)
		qsort(pr->p, (size_t)pr->n, sizeof(pr->p[0]), by_line);
	return rc;
}

int
ur_conf_load(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_err *err)
{
	return load(c, path, missing_ok, NULL, err);
}

int
ur_conf_load_all(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_conf_problems *pr, struct ur_err *err)
{
	return load(c, path, missing_ok, pr, err);
}

long
ur_conf_int(const struct ur_conf *c, const char *key)
{
	const struct key *k = find_key(key);
	const char *s = ur_conf_get(c, key);
	long v;

	if (s != NULL && parse_int(s, &v) == 0)
		return v;	/* checked in range when it was read */
	return k != NULL ? k->dflt : 0;
}

int
ur_conf_bool(const struct ur_conf *c, const char *key)
{
	const char *s = ur_conf_get(c, key);

	return s != NULL && strcmp(s, "yes") == 0;
}

int
ur_conf_addr(const struct ur_conf *c, const char *key,
    struct sockaddr_storage *ss, socklen_t *len, int *loopback)
{
	const char *s = ur_conf_get(c, key);

	if (s == NULL || *s == '\0')
		return 0;
	return parse_addr(s, ss, len, loopback) == 0 ? 1 : 0;
}

int
ur_conf_group(const struct ur_conf *c, const char *key, gid_t *gid,
    struct ur_err *err)
{
	const char *s = ur_conf_get(c, key);

	if (s == NULL)
		return 0;
	/* Looked up again: the group may have gone since the file was
	 * read. */
	if (lookup_group(s, gid, err) < 0)
		return ur_err_prefix(err, "%s: %s = '%s'", c->path, key, s);
	return 1;
}

void
ur_conf_chord(const struct ur_conf *c, const char *key, struct ur_chord *ch)
{
	const struct key *k = find_key(key);
	const char *s = ur_conf_get(c, key);
	struct ur_err err;

	memset(ch, 0, sizeof(*ch));
	if (s == NULL && k != NULL)
		s = k->text;
	/* Checked when the file was read; the default is a good chord. */
	if (s != NULL && ur_key_chord_parse(s, ch, &err) < 0)
		memset(ch, 0, sizeof(*ch));
}

const char *
ur_conf_get(const struct ur_conf *c, const char *key)
{
	int i = find_extra(c, key);

	return i >= 0 ? c->extra[i].value : NULL;
}

const char *
ur_conf_get_nth(const struct ur_conf *c, const char *key, int n)
{
	int i;

	for (i = 0; i < c->nextra; i++)
		if (strcmp(c->extra[i].key, key) == 0 && n-- == 0)
			return c->extra[i].value;
	return NULL;
}

const char *
ur_conf_control_socket(const struct ur_conf *c)
{
	const char *path = ur_conf_get(c, "control-socket");

	return path != NULL ? path : "/run/usbroute/control";
}
