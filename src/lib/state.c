/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "state.h"

/*
 * STATE_DIR/owners, one record a line, fields separated by one space and
 * %-escaped (domain names may hold spaces):
 *
 *   usbroute-state 1
 *   pm-saved auto
 *   pin 0x0003 0x0001
 *   owner <id> <name> <profile> <ctrls> <ports> <lent>
 *   device <owner id> <vid:pid[/serial]> <bit, or - when not plugged in>
 *
 * An empty field is "-".
 */

#define STATE_MAGIC "usbroute-state 1"

static void pm_recorded(const char *dir, struct ur_table *t);

int
ur_state_dir_trusted(const char *dir, struct ur_err *err)
{
	struct stat st;
	int fd;

	/* Opened, not stat'ed by name: what is checked is what is used, and
	 * a symbolic link in its place is refused (ELOOP). */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ur_errf(err, "cannot open state directory %s: %s%s", dir,
		    strerror(errno), errno == ELOOP || errno == ENOTDIR ?
		    " (it must be a real directory, not a link); remove it" :
		    "");
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ur_errf(err, "cannot stat state directory %s: %s", dir,
		    strerror(errno));
	}
	close(fd);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return ur_errf(err, "state directory %s belongs to uid %u, "
		    "neither root nor you: its table could be forged; remove "
		    "it (usbroute makes a new one)", dir, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ur_errf(err, "state directory %s is writable by %s "
		    "(mode %04o): its table could be forged; chmod go-w %s",
		    dir, st.st_mode & S_IWOTH ? "everyone" : "its group",
		    (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

/* The lock file, never through a link (O_NOFOLLOW: a planted symlink
 * is refused with ELOOP, not followed to create its target). */
static int
open_lock(const char *path)
{
	return open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* The exclusive flock on fd within timeout_ms: 0, or -1 with errno
 * (EWOULDBLOCK: someone held it all that time). */
static int
wait_flock(int fd, int timeout_ms)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int waited = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&nap, NULL);
		waited += 10;
	}
}

static int
lock_failed(const char *path, int timeout_ms, struct ur_err *err)
{
	if (errno == EWOULDBLOCK)
		return ur_errf(err, "%s is locked by another usbroute for more "
		    "than %d ms; try again, or see who holds it with "
		    "'fuser -v %s'", path, timeout_ms, path);
	return ur_errf(err, "cannot lock %s: %s", path, strerror(errno));
}

int
ur_state_lock(const char *dir, int timeout_ms, struct ur_lock *lk,
    struct ur_err *err)
{
	char path[4096];

	lk->fd = -1;
	if (ur_file_path(path, sizeof(path), "%s/lock", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	if (access(dir, F_OK) < 0 && errno == ENOENT &&
	    ur_file_mkdirs(dir, 0755, err) < 0)
		return -1;
	if (ur_state_dir_trusted(dir, err) < 0)
		return -1;
	lk->fd = open_lock(path);
	if (lk->fd < 0)
		return ur_errf(err, "cannot open %s: %s%s", path,
		    strerror(errno), errno == ELOOP ? " (a symbolic link: "
		    "not followed; remove it)" : "");
	if (wait_flock(lk->fd, timeout_ms) == 0)
		return 0;
	close(lk->fd);
	lk->fd = -1;
	return lock_failed(path, timeout_ms, err);
}

int
ur_state_relock(const char *dir, int timeout_ms, struct ur_lock *lk,
    struct ur_err *err)
{
	struct stat kept, now;
	char path[4096];

	if (lk->fd < 0)
		return ur_state_lock(dir, timeout_ms, lk, err);
	if (ur_file_path(path, sizeof(path), "%s/lock", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	/* The kept file must still be the one at the path: a lock on a
	 * file someone removed or replaced excludes nobody. */
	if (fstat(lk->fd, &kept) < 0 || lstat(path, &now) < 0 ||
	    kept.st_dev != now.st_dev || kept.st_ino != now.st_ino) {
		ur_state_unlock(lk);
		return ur_state_lock(dir, timeout_ms, lk, err);
	}
	/* Trusted at the first lock; asked again, as a chmod since would
	 * open the table to forgery just the same. */
	if (ur_state_dir_trusted(dir, err) < 0)
		return -1;
	if (wait_flock(lk->fd, timeout_ms) == 0)
		return 0;
	return lock_failed(path, timeout_ms, err);
}

void
ur_state_unlock_keep(struct ur_lock *lk)
{
	if (lk->fd >= 0)
		(void)flock(lk->fd, LOCK_UN);
}

void
ur_state_unlock(struct ur_lock *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
}

static void
put_field(char **p, size_t *left, const char *s)
{
	int n;

	if (*s == '\0' || strcmp(s, "-") == 0) {
		n = snprintf(*p, *left, " %s", *s == '\0' ? "-" : "%2d");
		goto out;
	}
	n = snprintf(*p, *left, " ");
	for (; *s != '\0' && n >= 0 && (size_t)n < *left; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || c == '%')
			n += snprintf(*p + n, *left - (size_t)n, "%%%02x", c);
		else
			n += snprintf(*p + n, *left - (size_t)n, "%c", c);
	}
out:
	if (n < 0 || (size_t)n >= *left) {
		*left = 0;
		return;
	}
	*p += n;
	*left -= (size_t)n;
}

int
ur_state_format(const struct ur_table *t, char *buf, size_t len)
{
	const struct ur_owner *o;
	char *p = buf;
	size_t left = len;
	int i, n;

	n = snprintf(p, left, "%s\n", STATE_MAGIC);
	if (n < 0 || (size_t)n >= left)
		return -1;
	p += n;
	left -= (size_t)n;
	if (t->pm_saved[0] != '\0') {
		n = snprintf(p, left, "pm-saved");
		if (n < 0 || (size_t)n >= left)
			return -1;
		p += n;
		left -= (size_t)n;
		put_field(&p, &left, t->pm_saved);
		if (left < 2)
			return -1;
		*p++ = '\n';
		left--;
	}
	n = snprintf(p, left, "pin 0x%04x 0x%04x\n", t->pin_mask, t->pin_xhci);
	if (n < 0 || (size_t)n >= left)
		return -1;
	p += n;
	left -= (size_t)n;
	for (i = 0; i < t->nowners; i++) {
		o = &t->owner[i];
		n = snprintf(p, left, "owner");
		if (n < 0 || (size_t)n >= left)
			return -1;
		p += n;
		left -= (size_t)n;
		put_field(&p, &left, o->id);
		put_field(&p, &left, o->name);
		put_field(&p, &left, o->profile);
		if (left == 0)
			return -1;
		n = snprintf(p, left, " 0x%x 0x%04x 0x%04x\n", o->ctrls,
		    o->ports, o->lent);
		if (n < 0 || (size_t)n >= left)
			return -1;
		p += n;
		left -= (size_t)n;
	}
	for (i = 0; i < t->ndevs; i++) {
		n = snprintf(p, left, "device");
		if (n < 0 || (size_t)n >= left)
			return -1;
		p += n;
		left -= (size_t)n;
		put_field(&p, &left, t->dev[i].owner);
		put_field(&p, &left, t->dev[i].device);
		if (left == 0)
			return -1;
		if (t->dev[i].bit < 0)
			n = snprintf(p, left, " -\n");
		else
			n = snprintf(p, left, " %d\n", t->dev[i].bit);
		if (n < 0 || (size_t)n >= left)
			return -1;
		p += n;
		left -= (size_t)n;
	}
	return (int)(p - buf);
}

/* Decodes one %-escaped field into dst; -1 if malformed or too long. */
static int
get_field(const char *src, char *dst, size_t len)
{
	char hex[3] = { 0, 0, 0 };
	size_t n = 0;

	if (strcmp(src, "-") == 0) {
		dst[0] = '\0';
		return 0;
	}
	for (; *src != '\0'; src++) {
		int c = (unsigned char)*src;

		if (c == '%') {
			if (!isxdigit((unsigned char)src[1]) ||
			    !isxdigit((unsigned char)src[2]))
				return -1;
			hex[0] = src[1];
			hex[1] = src[2];
			c = (int)strtoul(hex, NULL, 16);
			if (c == 0)
				return -1;
			src += 2;
		}
		if (n + 1 >= len)
			return -1;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return 0;
}

static int
get_hex(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (strncmp(s, "0x", 2) != 0)
		return -1;
	errno = 0;
	*v = strtoul(s + 2, &end, 16);
	if (errno != 0 || end == s + 2 || *end != '\0' || *v > max)
		return -1;
	return 0;
}

static int
parse_device(char **f, struct ur_table *t)
{
	struct ur_devclaim *d;
	char *end;
	long bit;

	if (t->ndevs == UR_MAX_DEVCLAIMS)
		return -1;
	d = &t->dev[t->ndevs];
	memset(d, 0, sizeof(*d));
	if (get_field(f[1], d->owner, sizeof(d->owner)) < 0 ||
	    d->owner[0] == '\0' ||
	    get_field(f[2], d->device, sizeof(d->device)) < 0 ||
	    d->device[0] == '\0')
		return -1;
	if (strcmp(f[3], "-") == 0) {
		d->bit = -1;
	} else {
		bit = strtol(f[3], &end, 10);
		if (*end != '\0' || end == f[3] || bit < 0 ||
		    bit >= UR_MAX_PORTS)
			return -1;
		d->bit = (int8_t)bit;
	}
	t->ndevs++;
	return 0;
}

static int
parse_record(char **f, int nf, struct ur_table *t)
{
	struct ur_owner *o;
	unsigned long a, b, c;

	if (strcmp(f[0], "pm-saved") == 0 && nf == 2)
		return get_field(f[1], t->pm_saved, sizeof(t->pm_saved));
	if (strcmp(f[0], "pin") == 0 && nf == 3) {
		if (get_hex(f[1], 0x7fff, &a) < 0 ||
		    get_hex(f[2], 0x7fff, &b) < 0 || (b & ~a))
			return -1;
		t->pin_mask = (uint16_t)a;
		t->pin_xhci = (uint16_t)b;
		return 0;
	}
	if (strcmp(f[0], "owner") == 0 && nf == 7) {
		if (t->nowners == UR_MAX_OWNERS)
			return -1;
		o = &t->owner[t->nowners];
		memset(o, 0, sizeof(*o));
		if (get_field(f[1], o->id, sizeof(o->id)) < 0 ||
		    o->id[0] == '\0' ||
		    get_field(f[2], o->name, sizeof(o->name)) < 0 ||
		    get_field(f[3], o->profile, sizeof(o->profile)) < 0 ||
		    get_hex(f[4], UR_CTRL_ALL, &a) < 0 ||
		    get_hex(f[5], 0x7fff, &b) < 0 ||
		    get_hex(f[6], 0x7fff, &c) < 0 || (c & ~b))
			return -1;
		o->ctrls = (unsigned)a;
		o->ports = (uint16_t)b;
		o->lent = (uint16_t)c;
		t->nowners++;
		return 0;
	}
	if (strcmp(f[0], "device") == 0 && nf == 4)
		return parse_device(f, t);
	return -1;
}

/* Two owners holding one port, or one id twice: a file no usbroute
 * wrote. */
static int
consistent(const struct ur_table *t)
{
	uint16_t seen = 0;
	int i, j;

	for (i = 0; i < t->nowners; i++) {
		if (seen & t->owner[i].ports)
			return 0;
		seen |= t->owner[i].ports;
		for (j = 0; j < i; j++)
			if (strcmp(t->owner[i].id, t->owner[j].id) == 0)
				return 0;
	}
	/* A device record belongs to an owner and holds one of its ports. */
	for (i = 0; i < t->ndevs; i++) {
		const struct ur_owner *o = NULL;

		for (j = 0; j < t->nowners && o == NULL; j++)
			if (strcmp(t->owner[j].id, t->dev[i].owner) == 0)
				o = &t->owner[j];
		if (o == NULL || (t->dev[i].bit >= 0 &&
		    !(o->ports & (1u << t->dev[i].bit))))
			return 0;
	}
	return 1;
}

int
ur_state_parse(const char *text, const char *name, struct ur_table *t,
    struct ur_err *err)
{
	char line[1024], *f[8], *save = NULL, *tok;
	const char *p = text, *nl;
	int lineno = 0, nf;
	size_t n;

	ur_table_init(t);
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		if (nl == NULL)
			goto bad;	/* every record ends in a newline */
		n = (size_t)(nl - p);
		if (n >= sizeof(line))
			goto bad;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (lineno == 1) {
			if (strcmp(line, STATE_MAGIC) != 0)
				goto bad;
			continue;
		}
		nf = 0;
		for (tok = strtok_r(line, " ", &save); tok != NULL && nf < 8;
		    tok = strtok_r(NULL, " ", &save))
			f[nf++] = tok;
		if (nf == 0 || tok != NULL || parse_record(f, nf, t) < 0)
			goto bad;
	}
	if (lineno == 0) {
		lineno = 1;	/* an empty file: line 1 is missing */
		goto bad;
	}
	if (!consistent(t)) {
		lineno = 0;
		goto bad;
	}
	return 0;
bad:
	ur_table_init(t);
	if (lineno == 0)
		return ur_errf(err, "state file %s is corrupt (inconsistent "
		    "owners); nothing was changed. If no domain is running, "
		    "remove it and run 'usbroute status'", name);
	return ur_errf(err, "state file %s is corrupt at line %d; nothing was "
	    "changed. If no domain is running, remove it and run 'usbroute "
	    "status'", name, lineno);
}

int
ur_state_load(const char *dir, struct ur_table *t, struct ur_err *err)
{
	char path[4096], buf[16384];
	ssize_t n;
	int fd;

	if (ur_file_path(path, sizeof(path), "%s/owners", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			ur_table_init(t);
			pm_recorded(dir, t);
			return 0;
		}
		return ur_errf(err, "cannot read %s: %s", path,
		    strerror(errno));
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return ur_errf(err, "cannot read %s: %s", path,
		    strerror(errno));
	if ((size_t)n == sizeof(buf) - 1)
		return ur_errf(err, "state file %s is too large to be ours; "
		    "nothing was changed", path);
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n)
		return ur_state_parse("", path, t, err);
	if (ur_state_parse(buf, path, t, err) < 0)
		return -1;
	pm_recorded(dir, t);
	return 0;
}

int
ur_state_save(const char *dir, const struct ur_table *t, struct ur_err *err)
{
	char path[4096], buf[16384];
	int n;

	if (ur_file_path(path, sizeof(path), "%s/owners", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	n = ur_state_format(t, buf, sizeof(buf));
	if (n < 0)
		return ur_errf(err, "ownership table too large to save");
	return ur_file_write_atomic(path, buf, (size_t)n, 0644, err);
}

/* STATE_DIR/pm-saved: the value power/control had before usbroute set
 * "on", written before it is set (see record_pm in machine.c). */
int
ur_state_pm_record(const char *dir, const char *value, struct ur_err *err)
{
	char path[4096];

	if (ur_file_path(path, sizeof(path), "%s/pm-saved", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	return ur_file_write_atomic(path, value, strlen(value), 0644, err);
}

void
ur_state_pm_forget(const char *dir)
{
	char path[4096];

	if (ur_file_path(path, sizeof(path), "%s/pm-saved", dir) == 0)
		(void)unlink(path);
}

/* A pm-saved file beside a table without the value: a claim died
 * between holding runtime PM and saving; the value is still known. */
static void
pm_recorded(const char *dir, struct ur_table *t)
{
	char path[4096], buf[sizeof(t->pm_saved)];
	ssize_t n;
	int fd;

	if (t->pm_saved[0] != '\0' ||
	    ur_file_path(path, sizeof(path), "%s/pm-saved", dir) < 0)
		return;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || memchr(buf, '\0', (size_t)n) != NULL)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(t->pm_saved, sizeof(t->pm_saved), "%s", buf);
}

int
ur_state_holds(const char *dir, const char *id, int timeout_ms,
    struct ur_err *err)
{
	struct ur_table t;
	struct ur_lock lk;
	char path[4096];
	int rc;

	/* No table file: nothing is held, and a domain that is none of
	 * ours must not create the state directory. */
	if (ur_file_path(path, sizeof(path), "%s/owners", dir) < 0)
		return ur_errf(err, "state directory path too long: %s", dir);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (ur_state_lock(dir, timeout_ms, &lk, err) < 0)
		return -1;
	rc = ur_state_load(dir, &t, err);
	ur_state_unlock(&lk);
	if (rc < 0)
		return -1;
	return ur_table_find(&t, id) != NULL;
}
