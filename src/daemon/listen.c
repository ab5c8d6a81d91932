/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's ways in: a unix control socket (mode 0660, group from
 * control-group) and, if configured, a TCP listener -- loopback only
 * unless allow-remote-listen says otherwise, because whoever reaches it
 * can take the host's keyboard away.
 *
 * Connections are held in two pools with limits of their own, so that
 * whatever is done to the TCP listener (which any local user reaches)
 * the control socket keeps room; a few more control-socket places are
 * kept for root's peers alone.  A connection that has not finished a
 * request line within client-timeout-ms is closed: idle holders and
 * byte-at-a-time senders give their place back.
 *
 * A reload opens what the new configuration names beside what serves
 * now (reusing a socket whose address did not change), and only when
 * all of it opened are the old ones closed: a reload that fails leaves
 * the daemon serving as before.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "file.h"
#include "sock.h"
#include "usbrouted.h"

#define MAX_CLIENTS 256		/* all pools together, reserve included */
#define ROOT_RESERVE 8		/* control-socket places for uid 0 only */

enum pool { POOL_CONTROL, POOL_TCP, NPOOLS };
static const char *const pool_name[NPOOLS] = { "control socket", "tcp" };

struct client {
	int fd;
	int watch;
	enum pool pool;
	double since;		/* when the pending request line began */
	struct linebuf line;
};

/* The sockets one configuration names, and its limits. */
struct listeners {
	int unix_fd, unix_watch;
	char unix_path[108];
	dev_t unix_dev;		/* the socket file we bound: only it is */
	ino_t unix_ino;		/* ever removed */
	int grouped;
	gid_t gid;
	char group[64];
	int tcp_fd, tcp_watch;
	struct sockaddr_storage tcp_ss;
	socklen_t tcp_len;
	char tcp_text[128];
	int remote;		/* allow-remote-listen = yes */
	int max[NPOOLS];
	int timeout_ms;
};

static struct client clients[MAX_CLIENTS];
static struct listeners cur = { .unix_fd = -1, .unix_watch = -1,
	.tcp_fd = -1, .tcp_watch = -1 };
static struct listeners next;
static int sweep_timer = -1;

static void
client_close(struct client *c)
{
	if (c->watch >= 0)
		virEventRemoveHandle(c->watch);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->watch = -1;
	linebuf_reset(&c->line);
}

/* One send: a reply split in two waits for the peer's delayed ACK
 * (Nagle), 40 ms on TCP.  A peer that does not read its replies fills
 * its socket buffer and is closed, never waited for. */
static void
client_reply(struct client *c, const char *text)
{
	char line[16384];
	size_t n;
	int len;

	len = snprintf(line, sizeof(line), "%s\n", text);
	if (len < 0)
		return;
	n = (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	line[n - 1] = '\n';
	if (ur_sock_send_all(c->fd, line, n) < 0)
		client_close(c);
}

/* One complete line (its '\n' replaced by NUL; n bytes before it), or
 * NULL for one over MAX_LINE bytes. */
static int
client_line(void *arg, char *line, size_t n)
{
	struct client *c = arg;
	char out[16384];

	if (line == NULL) {
		/* Said once; not a close: unread input would turn it into a
		 * reset that loses the reply. */
		client_reply(c, "error: request line too long");
		c->since = ud_now();
		return c->fd < 0;
	}
	c->since = ud_now();
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	/* A NUL would end the string action_host sees: say so rather
	 * than act on a part of the line. */
	if (memchr(line, '\0', n) != NULL) {
		client_reply(c, "error: request line has a NUL byte; "
		    "requests are lines of text");
		return c->fd < 0;
	}
	action_host(line, out, sizeof(out));
	client_reply(c, out);
	return c->fd < 0;
}

static void
client_read(int watch, int fd, int events, void *opaque)
{
	struct client *c = opaque;

	(void)watch;
	(void)events;
	if (linebuf_read(&c->line, fd, client_line, c) < 0)
		client_close(c);
}

/* Idle connections and lines that never end give their place back. */
static void
sweep(int timer, void *opaque)
{
	char msg[128];
	double t = ud_now();
	int i;

	(void)timer;
	(void)opaque;
	snprintf(msg, sizeof(msg), "error: no complete request line in "
	    "%d ms; closing", cur.timeout_ms);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0 &&
		    (t - clients[i].since) * 1000 >= cur.timeout_ms) {
			client_reply(&clients[i], msg);
			client_close(&clients[i]);
		}
}

static int
pool_count(enum pool p)
{
	int i, n = 0;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0 && clients[i].pool == p)
			n++;
	return n;
}

/* Whether a new connection to pool p may stay: within the pool's limit,
 * or root's on the control socket within the reserve. */
static int
may_join(int fd, enum pool p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int n = pool_count(p);

	if (n < cur.max[p])
		return 1;
	if (p != POOL_CONTROL || n >= cur.max[p] + ROOT_RESERVE)
		return 0;
	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    cred.uid == 0;
}

static void
accept_one(int watch, int fd, int events, void *opaque)
{
	enum pool p = (enum pool)(long)opaque;
	struct client *c = NULL;
	int cfd, i, one = 1;

	(void)watch;
	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	if (may_join(cfd, p))
		for (i = 0; i < MAX_CLIENTS; i++)
			if (clients[i].fd < 0) {
				c = &clients[i];
				break;
			}
	if (c == NULL) {
		char msg[128];
		int n = snprintf(msg, sizeof(msg), "error: too many clients on "
		    "the %s; try again later\n", pool_name[p]);

		(void)ur_sock_send_all(cfd, msg, (size_t)n);
		close(cfd);
		return;
	}
	c->fd = cfd;
	c->watch = -1;
	c->pool = p;
	c->since = ud_now();
	linebuf_reset(&c->line);
	/* A new connection's request is often there already (nc sends it
	 * right after the handshake): read and answer it now, not an
	 * event-loop turn later.  Nothing there yet: EAGAIN, and the watch
	 * reads it. */
	client_read(-1, cfd, VIR_EVENT_HANDLE_READABLE, c);
	if (c->fd < 0)
		return;		/* answered and gone, or closed */
	/* Then, not before the first reply (the asker would wait for
	 * them): the watch for what follows, and TCP_NODELAY for a kernel
	 * that does not pass the listener's on (tcp_open). */
	if (p == POOL_TCP)
		(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	c->watch = virEventAddHandle(cfd, VIR_EVENT_HANDLE_READABLE,
	    client_read, c, NULL);
	if (c->watch < 0)
		client_close(c);
}

/* Only the socket file we bound is ever removed: never a file someone
 * put at that path since, never one that is not a socket. */
static void
unlink_ours(const struct listeners *l)
{
	struct stat st;

	if (l->unix_path[0] == '\0' || lstat(l->unix_path, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode) && st.st_dev == l->unix_dev &&
	    st.st_ino == l->unix_ino)
		(void)unlink(l->unix_path);
}

/* A socket file left by a daemon that died is removed; a live one means
 * another usbrouted runs; anything else at the path is not ours to
 * remove. */
static int
claim_path(const char *path, struct ur_err *err)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return ur_errf(err, "control-socket %s: %s", path,
		    strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return ur_errf(err, "control-socket %s exists and is not a "
		    "socket; remove it or set control-socket to another "
		    "path", path);
	fd = ur_sock_connect(path, 0);
	if (fd >= 0) {
		close(fd);
		return ur_errf(err, "another usbrouted is serving %s; stop it "
		    "first", path);
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return ur_errf(err, "cannot remove the old %s: %s", path,
		    strerror(errno));
	return 0;
}

static int
unix_perms(const char *path, int grouped, gid_t gid, const char *group,
    struct ur_err *err)
{
	if (grouped && chown(path, (uid_t)-1, gid) < 0)
		return ur_errf(err, "cannot give %s to group %s: %s", path,
		    group, strerror(errno));
	if (chmod(path, grouped ? 0660 : 0600) < 0)
		return ur_errf(err, "cannot set the mode of %s: %s", path,
		    strerror(errno));
	return 0;
}

/* A new control socket at l->unix_path, listening, with its mode. */
static int
unix_open(struct listeners *l, struct ur_err *err)
{
	char dir[4096], *slash;
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;

	if (ur_sock_addr(&sa, l->unix_path) < 0)
		return ur_errf(err, "control-socket %s: path too long",
		    l->unix_path);
	snprintf(dir, sizeof(dir), "%s", l->unix_path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (ur_file_mkdirs(dir, 0755, err) < 0)
			return -1;
	}
	if (claim_path(l->unix_path, err) < 0)
		return -1;
	l->unix_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (l->unix_fd < 0)
		return ur_errf(err, "socket: %s", strerror(errno));
	/* Never a moment when others may connect. */
	old = umask(0117);
	if (bind(l->unix_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		ur_errf(err, "cannot bind %s: %s", l->unix_path,
		    strerror(errno));
		goto fail_fd;
	}
	umask(old);
	if (lstat(l->unix_path, &st) < 0) {
		ur_errf(err, "%s: %s", l->unix_path, strerror(errno));
		goto fail_fd;
	}
	l->unix_dev = st.st_dev;
	l->unix_ino = st.st_ino;
	if (unix_perms(l->unix_path, l->grouped, l->gid, l->group, err) < 0)
		goto fail_file;
	if (listen(l->unix_fd, 16) < 0) {
		ur_errf(err, "cannot listen on %s: %s", l->unix_path,
		    strerror(errno));
		goto fail_file;
	}
	return 0;
fail_file:
	unlink_ours(l);
fail_fd:
	close(l->unix_fd);
	l->unix_fd = -1;
	return -1;
}

static int
tcp_open(struct listeners *l, struct ur_err *err)
{
	int one = 1;

	l->tcp_fd = socket(l->tcp_ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (l->tcp_fd < 0)
		return ur_errf(err, "socket: %s", strerror(errno));
	(void)setsockopt(l->tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one));
	/* Replies are single small writes: send each at once.  Linux
	 * gives accepted sockets the listener's TCP_NODELAY, so it holds
	 * from a connection's first reply (accept_one sets it again). */
	(void)setsockopt(l->tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one));
	if (bind(l->tcp_fd, (struct sockaddr *)&l->tcp_ss, l->tcp_len) < 0 ||
	    listen(l->tcp_fd, 16) < 0) {
		ur_errf(err, "cannot listen on %s: %s", l->tcp_text,
		    strerror(errno));
		close(l->tcp_fd);
		l->tcp_fd = -1;
		return -1;
	}
	return 0;
}

/* What conf asks for, before anything is opened.  Each value was
 * checked when the file was read (conf.c), the listener's address with
 * allow-remote-listen too; the group is looked up again. */
static int
read_conf(const struct ur_conf *conf, struct listeners *l,
    struct ur_err *err)
{
	const char *group = ur_conf_get(conf, "control-group");
	int loopback = 0, rc;

	memset(l, 0, sizeof(*l));
	l->unix_fd = l->unix_watch = l->tcp_fd = l->tcp_watch = -1;
	l->max[POOL_CONTROL] = (int)ur_conf_int(conf, "max-clients-control");
	l->max[POOL_TCP] = (int)ur_conf_int(conf, "max-clients-tcp");
	l->timeout_ms = (int)ur_conf_int(conf, "client-timeout-ms");
	snprintf(l->unix_path, sizeof(l->unix_path), "%s",
	    ur_conf_control_socket(conf));
	if ((rc = ur_conf_group(conf, "control-group", &l->gid, err)) < 0)
		return -1;
	if (rc == 1) {
		l->grouped = 1;
		snprintf(l->group, sizeof(l->group), "%s", group);
	}
	l->remote = ur_conf_bool(conf, "allow-remote-listen");
	if (ur_conf_addr(conf, "listen-tcp", &l->tcp_ss, &l->tcp_len,
	    &loopback) == 1)
		snprintf(l->tcp_text, sizeof(l->tcp_text), "%s",
		    ur_conf_get(conf, "listen-tcp"));
	return 0;
}

static int
same_tcp(const struct listeners *a, const struct listeners *b)
{
	return a->tcp_fd >= 0 && a->tcp_len == b->tcp_len &&
	    memcmp(&a->tcp_ss, &b->tcp_ss, a->tcp_len) == 0;
}

/* Closes what n opened that cur does not use. */
static void
drop_new(struct listeners *n)
{
	if (n->tcp_fd >= 0 && n->tcp_fd != cur.tcp_fd) {
		if (n->tcp_watch >= 0)
			virEventRemoveHandle(n->tcp_watch);
		close(n->tcp_fd);
	}
	if (n->unix_fd >= 0 && n->unix_fd != cur.unix_fd) {
		if (n->unix_watch >= 0)
			virEventRemoveHandle(n->unix_watch);
		close(n->unix_fd);
		unlink_ours(n);
	}
	n->unix_fd = n->unix_watch = n->tcp_fd = n->tcp_watch = -1;
}

/* The unix socket first: it is how a second daemon learns of the first. */
static int
open_new(struct listeners *n, struct ur_err *err)
{
	if (cur.unix_fd >= 0 && strcmp(cur.unix_path, n->unix_path) == 0) {
		n->unix_fd = cur.unix_fd;
		n->unix_watch = cur.unix_watch;
		n->unix_dev = cur.unix_dev;
		n->unix_ino = cur.unix_ino;
	} else {
		if (unix_open(n, err) < 0)
			return -1;
		n->unix_watch = virEventAddHandle(n->unix_fd,
		    VIR_EVENT_HANDLE_READABLE, accept_one,
		    (void *)(long)POOL_CONTROL, NULL);
		if (n->unix_watch < 0)
			return ur_errf(err, "cannot watch %s", n->unix_path);
	}
	if (n->tcp_len == 0)
		return 0;
	if (same_tcp(&cur, n)) {
		n->tcp_fd = cur.tcp_fd;
		n->tcp_watch = cur.tcp_watch;
		return 0;
	}
	if (tcp_open(n, err) < 0)
		return -1;
	n->tcp_watch = virEventAddHandle(n->tcp_fd, VIR_EVENT_HANDLE_READABLE,
	    accept_one, (void *)(long)POOL_TCP, NULL);
	if (n->tcp_watch < 0)
		return ur_errf(err, "cannot watch %s", n->tcp_text);
	return 0;
}

int
listen_prepare(const struct ur_conf *conf, struct ur_err *err)
{
	static int ready;
	int i;

	if (!ready) {
		for (i = 0; i < MAX_CLIENTS; i++) {
			clients[i].fd = -1;
			clients[i].watch = -1;
		}
		ready = 1;
	}
	if (read_conf(conf, &next, err) < 0)
		return -1;
	if (open_new(&next, err) < 0) {
		drop_new(&next);
		return -1;
	}
	/* A socket kept from before gets the new group and mode; if that
	 * fails, it keeps the old ones. */
	if (next.unix_fd == cur.unix_fd &&
	    (next.grouped != cur.grouped || next.gid != cur.gid) &&
	    unix_perms(next.unix_path, next.grouped, next.gid, next.group,
	    err) < 0) {
		(void)unix_perms(cur.unix_path, cur.grouped, cur.gid,
		    cur.group, NULL);
		drop_new(&next);
		return -1;
	}
	return 0;
}

void
listen_abort(void)
{
	drop_new(&next);
}

static void
log_serving(void)
{
	ud_log(LOG_INFO, "control socket %s (%s; up to %d clients, %d more "
	    "for root)", cur.unix_path, cur.grouped ? cur.group : "root only",
	    cur.max[POOL_CONTROL], ROOT_RESERVE);
	if (cur.tcp_fd >= 0)
		ud_log(cur.remote ? LOG_WARNING : LOG_INFO, "listening on tcp "
		    "%s (up to %d clients)%s", cur.tcp_text, cur.max[POOL_TCP],
		    cur.remote ? " (allow-remote-listen = yes): anyone who "
		    "reaches it beyond this machine can move the host's ports"
		    : "");
}

/* Whoever connected before the limits changed stays connected. */
void
listen_commit(void)
{
	int period;

	if (cur.tcp_fd >= 0 && cur.tcp_fd != next.tcp_fd) {
		virEventRemoveHandle(cur.tcp_watch);
		close(cur.tcp_fd);
	}
	if (cur.unix_fd >= 0 && cur.unix_fd != next.unix_fd) {
		virEventRemoveHandle(cur.unix_watch);
		close(cur.unix_fd);
		unlink_ours(&cur);
	}
	cur = next;
	next.unix_fd = next.unix_watch = next.tcp_fd = next.tcp_watch = -1;
	/* A quarter of the timeout: a connection goes at most 25% late. */
	period = cur.timeout_ms / 4 < 1000 ? cur.timeout_ms / 4 : 1000;
	if (sweep_timer < 0)
		sweep_timer = virEventAddTimeout(period, sweep, NULL, NULL);
	else
		virEventUpdateTimeout(sweep_timer, period);
	if (sweep_timer < 0)
		ud_log(LOG_ERR, "cannot start the idle timer: idle connections "
		    "are not closed");
	log_serving();
}

void
listen_stop(void)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	if (sweep_timer >= 0)
		virEventRemoveTimeout(sweep_timer);
	sweep_timer = -1;
	if (cur.unix_watch >= 0)
		virEventRemoveHandle(cur.unix_watch);
	if (cur.tcp_watch >= 0)
		virEventRemoveHandle(cur.tcp_watch);
	if (cur.unix_fd >= 0)
		close(cur.unix_fd);
	if (cur.tcp_fd >= 0)
		close(cur.tcp_fd);
	unlink_ours(&cur);
	cur.unix_fd = cur.tcp_fd = cur.unix_watch = cur.tcp_watch = -1;
	cur.unix_path[0] = '\0';
}
