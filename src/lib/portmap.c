/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "portmap.h"
#include "ports.h"

#define PATHLEN 4096
#define CONF_MAX (1024 * 1024)	/* a config bigger than this is not ours */

void
ur_portmap_init(struct ur_portmap *pm, const struct ur_conf *conf,
    const struct ur_chipset *cs, uint16_t switchable,
    const struct ur_pairs *pairs)
{
	const char *alias;
	int bit, i;

	memset(pm, 0, sizeof(*pm));
	pm->cs = cs;
	pm->switchable = switchable;
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		alias = ur_ports_alias(conf, cs, bit);
		if (alias != NULL) {
			snprintf(pm->name[bit], sizeof(pm->name[bit]), "%s",
			    alias);
			pm->named_before |= (uint16_t)(1u << bit);
		}
		if (pairs != NULL && pairs->ss[bit] >= 0) {
			pm->ss[bit] = (int8_t)(pairs->ss[bit] + 1);
			pm->paired_before |= (uint16_t)(1u << bit);
		}
	}
	/* A group name ("desk = ehci2.1-6") is no socket's, but it is
	 * taken all the same. */
	for (i = 0; i < conf->nnames && i < UR_CONF_MAX_NAMES; i++)
		snprintf(pm->taken[pm->ntaken++], sizeof(pm->taken[0]), "%s",
		    conf->names[i].name);
}

int
ur_portmap_mapped(const struct ur_portmap *pm)
{
	int bit, n = 0;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if ((pm->switchable & (1u << bit)) && pm->name[bit][0] != '\0')
			n++;
	return n;
}

int
ur_portmap_total(const struct ur_portmap *pm)
{
	return __builtin_popcount(pm->switchable);
}

/* The bit named name, UR_MAX_PORTS for a taken group name, or -1. */
static int
name_user(const struct ur_portmap *pm, const char *name)
{
	int bit, i;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (strcmp(pm->name[bit], name) == 0)
			return bit;
	for (i = 0; i < pm->ntaken; i++)
		if (strcmp(pm->taken[i], name) == 0)
			return UR_MAX_PORTS;
	return -1;
}

void
ur_portmap_default(const struct ur_portmap *pm, char *buf, size_t len)
{
	int n;

	for (n = 1; n < 1000; n++) {
		snprintf(buf, len, "socket-%d", n);
		if (name_user(pm, buf) < 0)
			return;
	}
}

int
ur_portmap_name(struct ur_portmap *pm, int bit, const char *name,
    struct ur_err *err)
{
	const char *why;
	char word[16];
	int user;

	if (bit < 0 || bit >= UR_MAX_PORTS)
		return ur_errf(err, "bit %d is not a USB2 port", bit);
	if ((why = ur_conf_name_problem(name)) != NULL)
		return ur_errf(err, "'%s' %s", name, why);
	user = name_user(pm, name);
	if (user == bit)
		return 0;
	if (user == UR_MAX_PORTS)
		return ur_errf(err, "'%s' is already a name in the config; "
		    "pick another", name);
	if (user >= 0) {
		ur_chipset_port_name(pm->cs, user, word, sizeof(word));
		return ur_errf(err, "'%s' is already the name of %s; pick "
		    "another", name, word);
	}
	snprintf(pm->name[bit], sizeof(pm->name[bit]), "%s", name);
	return 0;
}

int
ur_portmap_bit_of_ss(const struct ur_portmap *pm, int ss)
{
	int bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (ss > 0 && pm->ss[bit] == ss)
			return bit;
	return -1;
}

void
ur_portmap_pair(struct ur_portmap *pm, int bit, int ss)
{
	int other;

	if (bit < 0 || bit >= UR_MAX_PORTS || ss < 1 ||
	    ss > UR_MAX_SS_PORTS)
		return;
	/* One USB3 port shares one connector. */
	while ((other = ur_portmap_bit_of_ss(pm, ss)) >= 0)
		pm->ss[other] = 0;
	pm->ss[bit] = (int8_t)ss;
}

/* New names and changed pairs, as bit sets. */
static uint16_t
new_names(const struct ur_portmap *pm)
{
	uint16_t m = 0;
	int bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (pm->name[bit][0] != '\0' &&
		    !(pm->named_before & (1u << bit)))
			m |= (uint16_t)(1u << bit);
	return m;
}

static uint16_t
new_pairs(const struct ur_portmap *pm)
{
	uint16_t m = 0;
	int bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (pm->ss[bit] != 0 && !(pm->paired_before & (1u << bit)))
			m |= (uint16_t)(1u << bit);
	return m;
}

int
ur_portmap_news(const struct ur_portmap *pm)
{
	return __builtin_popcount(new_names(pm)) +
	    __builtin_popcount(new_pairs(pm));
}

/* The first word of a config line, comments and blanks aside. */
static int
line_is(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);

	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len > k && strncmp(line, key, k) == 0 &&
	    (line[k] == ' ' || line[k] == '\t');
}

/* A growing string. */
struct buf {
	char *s;
	size_t n, cap;
	int oom;
};

static void
put(struct buf *b, const char *s, size_t len)
{
	char *ns;
	size_t cap;

	if (b->oom)
		return;
	if (b->n + len + 1 > b->cap) {
		cap = (b->n + len + 1) * 2;
		if ((ns = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static void
put_lines(struct buf *b, const struct ur_portmap *pm, int pairs)
{
	char line[128], word[16];
	uint16_t m = pairs ? new_pairs(pm) : new_names(pm);
	int bit, n;

	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m & (1u << bit)))
			continue;
		ur_chipset_port_name(pm->cs, bit, word, sizeof(word));
		if (pairs)
			n = snprintf(line, sizeof(line), "ss-pair %s = %d\n",
			    word, pm->ss[bit]);
		else
			n = snprintf(line, sizeof(line), "port %s = %s\n",
			    pm->name[bit], word);
		put(b, line, (size_t)n);
	}
}

char *
ur_portmap_render(const struct ur_portmap *pm, const char *old)
{
	struct buf b = { NULL, 0, 0, 0 };
	const char *p, *nl;
	size_t len;
	int i, last_port = -1, last_pair = -1;

	for (i = 0, p = old; *p != '\0'; i++, p += len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		if (line_is(p, len, "port"))
			last_port = i;
		if (line_is(p, len, "ss-pair"))
			last_pair = i;
	}
	put(&b, "", 0);
	for (i = 0, p = old; *p != '\0'; i++, p += len) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		put(&b, p, len);
		if (nl == NULL)
			put(&b, "\n", 1);
		if (i == last_port)
			put_lines(&b, pm, 0);
		if (i == last_pair)
			put_lines(&b, pm, 1);
	}
	if (last_port < 0)
		put_lines(&b, pm, 0);
	if (last_pair < 0)
		put_lines(&b, pm, 1);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The config as it is, "" when there is none yet; *mode its mode. */
static char *
read_old(const char *path, mode_t *mode, int *exists, struct ur_err *err)
{
	struct stat st;
	size_t len;
	char *text;
	int fd;

	*exists = 0;
	*mode = 0644;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return strdup("");
	if (fd < 0 || fstat(fd, &st) < 0) {
		ur_errf(err, "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*exists = 1;
	*mode = st.st_mode & 07777;
	text = ur_file_read_all(fd, CONF_MAX, &len);
	if (text == NULL)
		ur_errf(err, "cannot read %s: %s", path, strerror(errno));
	close(fd);
	return text;
}

/* The directory of path, made when missing (a first config). */
static int
make_dir_of(const char *path, struct ur_err *err)
{
	char dir[PATHLEN], *slash;

	if (ur_file_path(dir, sizeof(dir), "%s", path) < 0)
		return ur_errf(err, "path too long: %s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return ur_file_mkdirs(dir, 0755, err);
}

int
ur_portmap_write(const struct ur_portmap *pm, const char *path,
    struct ur_err *err)
{
	char bak[PATHLEN], *old, *text;
	mode_t mode;
	int exists, rc = -1;

	if (ur_file_path(bak, sizeof(bak), "%s.bak", path) < 0)
		return ur_errf(err, "path too long: %s", path);
	if ((old = read_old(path, &mode, &exists, err)) == NULL)
		return -1;
	if ((text = ur_portmap_render(pm, old)) == NULL) {
		ur_errf(err, "out of memory");
		goto out;
	}
	if (make_dir_of(path, err) < 0)
		goto out;
	if (exists && ur_file_write_atomic(bak, old, strlen(old), mode, err) < 0)
		goto out;
	rc = ur_file_write_atomic(path, text, strlen(text), mode, err);
out:
	free(old);
	free(text);
	return rc;
}
