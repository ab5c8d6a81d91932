/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/*
 * Keys that later programs read through ur_conf_get() and the typed
 * accessors, each with its type: a value is checked here, when the file
 * is read, for every program (usbroute doctor, the hook and usbrouted
 * refuse the same `guest-rate = fast`).  Anything else is a typo, and a
 * typo in a root tool's config should stop it, not be silently ignored.
 * A group, a chord and a device path are checked by usbrouted, which
 * alone uses them (a group must exist on this machine when it starts).
 */
enum key_type { KEY_TEXT, KEY_INT, KEY_BOOL, KEY_ADDR };

static const struct key {
	const char *name;
	enum key_type type;
	long dflt, min, max;	/* KEY_INT */
} keys[] = {
	{ "libvirt-uri", KEY_TEXT, 0, 0, 0 },
	{ "control-socket", KEY_TEXT, 0, 0, 0 },
	{ "control-group", KEY_TEXT, 0, 0, 0 },
	{ "listen-tcp", KEY_ADDR, 0, 0, 0 },
	{ "allow-remote-listen", KEY_BOOL, 0, 0, 1 },
	{ "guest-rate", KEY_INT, 4, 1, 1000 },
	{ "drift-check-ms", KEY_INT, 1000, 0, 3600000 },
	{ "hook-xml-module", KEY_TEXT, 0, 0, 0 },
	{ "client-timeout-ms", KEY_INT, 10000, 100, 3600000 },
	{ "max-clients-control", KEY_INT, 32, 1, 128 },
	{ "max-clients-tcp", KEY_INT, 16, 1, 120 },
	{ "hotkey-device", KEY_TEXT, 0, 0, 0 },
	{ "hotkey", KEY_TEXT, 0, 0, 0 },
	{ "hotkey-domain", KEY_TEXT, 0, 0, 0 },
	{ NULL, KEY_TEXT, 0, 0, 0 },
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

/* Whether value is one of key k's type; says why not. */
static int
check_value(const struct ur_conf *c, const struct key *k, const char *value,
    int line, struct ur_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int loopback;
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
			return ur_errf(err, "%s: %s = %s: write it as "
			    "127.0.0.1:PORT or [::1]:PORT", c->path, k->name,
			    value);
		return 0;
	default:
		return 0;
	}
}

/* Keys that may be given more than once: each line adds a value. */
static int
is_multi(const char *key)
{
	return strcmp(key, "hotkey-device") == 0;
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

static int
set_extra(struct ur_conf *c, const char *key, const char *value, int line,
    struct ur_err *err)
{
	struct ur_conf_kv *kv;
	int i;

	const struct key *k = find_key(key);

	if (k == NULL)
		return ur_errf(err, "%s line %d: unknown key '%s' (see "
		    "usbroute.conf(5))", c->path, line, key);
	if (check_value(c, k, value, line, err) < 0)
		return -1;
	for (i = 0; i < c->nextra; i++)
		if (strcmp(c->extra[i].key, key) == 0 && !is_multi(key))
			break;
	if (i == c->nextra) {
		if (c->nextra == UR_CONF_MAX_EXTRA)
			return ur_errf(err, "%s line %d: too many keys",
			    c->path, line);
		c->nextra++;
	}
	kv = &c->extra[i];
	kv->line = line;
	if (copy(kv->key, sizeof(kv->key), key) < 0 ||
	    copy(kv->value, sizeof(kv->value), value) < 0)
		return ur_errf(err, "%s line %d: value of '%s' is too long",
		    c->path, line, key);
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
	char *end;
	long n;

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
	if (strcmp(key, "sysfs-root") == 0 || strcmp(key, "state-dir") == 0) {
		char *dst = strcmp(key, "sysfs-root") == 0 ?
		    c->sysfs_root : c->state_dir;

		if (value[0] != '/')
			return ur_errf(err, "%s line %d: %s must be an "
			    "absolute path", c->path, line, key);
		if (copy(dst, sizeof(c->sysfs_root), value) < 0)
			return ur_errf(err, "%s line %d: path too long",
			    c->path, line);
		return 0;
	}
	if (strcmp(key, "lock-timeout-ms") == 0) {
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || *value == '\0' || *end != '\0' || n < 0 ||
		    n > 600000)
			return ur_errf(err, "%s line %d: lock-timeout-ms must "
			    "be 0..600000", c->path, line);
		c->lock_timeout_ms = (int)n;
		return 0;
	}
	return set_extra(c, key, value, line, err);
}

int
ur_conf_load(struct ur_conf *c, const char *path, int missing_ok,
    struct ur_err *err)
{
	char buf[1024];
	FILE *f;
	int line = 0;
	int rc = 0;
	char *s;

	ur_conf_defaults(c);
	if (copy(c->path, sizeof(c->path), path) < 0)
		return ur_errf(err, "config path too long");
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return ur_errf(err, "cannot read config %s: %s", path,
		    strerror(errno));
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			rc = ur_errf(err, "%s line %d: line too long", path,
			    line);
			break;
		}
		s = buf + strcspn(buf, "#");
		*s = '\0';
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (parse_line(c, s, line, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = ur_errf(err, "cannot read config %s", path);
	fclose(f);
	return rc;
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

const char *
ur_conf_get(const struct ur_conf *c, const char *key)
{
	int i;

	for (i = 0; i < c->nextra; i++)
		if (strcmp(c->extra[i].key, key) == 0)
			return c->extra[i].value;
	return NULL;
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
