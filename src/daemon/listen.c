/*
 * The host's ways in: a unix control socket (mode 0660, group from
 * control-group) and, if configured, a TCP listener -- loopback only
 * unless allow-remote-listen says otherwise, because whoever reaches it
 * can take the host's keyboard away.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
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

#include "fileio.h"
#include "sock.h"
#include "usbrouted.h"

#define MAX_CLIENTS 32

struct client {
	int fd;
	int watch;
	char buf[MAX_LINE + 1];
	size_t len;
	int discarding;		/* inside an overlong line */
};

static struct client clients[MAX_CLIENTS];
static int unix_fd = -1, unix_watch = -1;
static int tcp_fd = -1, tcp_watch = -1;
static char unix_path[108];

static void
client_close(struct client *c)
{
	if (c->watch >= 0)
		virEventRemoveHandle(c->watch);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->watch = -1;
	c->len = 0;
}

/* One send: a reply split in two waits for the peer's delayed ACK
 * (Nagle), 40 ms on TCP. */
static void
client_reply(struct client *c, const char *text)
{
	char line[16384];
	size_t n, off = 0;
	ssize_t w;
	int len;

	len = snprintf(line, sizeof(line), "%s\n", text);
	if (len < 0)
		return;
	n = (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1;
	line[n - 1] = '\n';
	while (off < n) {
		w = send(c->fd, line + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			client_close(c);
			return;
		}
		off += (size_t)w;
	}
}

static void
client_read(int watch, int fd, int events, void *opaque)
{
	struct client *c = opaque;
	char out[16384], *nl;
	ssize_t r;

	(void)watch;
	(void)events;
	r = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		client_close(c);
		return;
	}
	c->len += (size_t)r;
	c->buf[c->len] = '\0';
	while (c->fd >= 0 && (nl = strchr(c->buf, '\n')) != NULL) {
		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		if (c->discarding)
			c->discarding = 0;	/* the end of the long one */
		else {
			action_host(c->buf, out, sizeof(out));
			client_reply(c, out);
		}
		c->len -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len + 1);
	}
	/* Too long for a request: say so once and skip to its end.  Not a
	 * close: unread input would turn it into a reset that loses the
	 * reply. */
	if (c->fd >= 0 && c->len >= MAX_LINE) {
		if (!c->discarding)
			client_reply(c, "error: request line too long");
		c->discarding = 1;
		c->len = 0;
	}
}

static void
accept_one(int watch, int fd, int events, void *opaque)
{
	struct client *c = NULL;
	int cfd, i, one = 1;

	(void)watch;
	(void)events;
	(void)opaque;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd < 0) {
			c = &clients[i];
			break;
		}
	if (c == NULL) {
		(void)send(cfd, "error: too many clients\n", 24, MSG_NOSIGNAL);
		close(cfd);
		return;
	}
	/* Replies are single small writes; send each at once. */
	if (fd == tcp_fd)
		(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	c->fd = cfd;
	c->len = 0;
	c->discarding = 0;
	c->watch = virEventAddHandle(cfd, VIR_EVENT_HANDLE_READABLE,
	    client_read, c, NULL);
	if (c->watch < 0)
		client_close(c);
}

/* A socket file left by a daemon that died is removed; a live one means
 * another usbrouted runs. */
static int
claim_path(const char *path, struct ur_err *err)
{
	int fd = ur_unix_connect(path, 0);

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
start_unix(struct ur_err *err)
{
	const char *path = ur_conf_control_socket(&D.conf);
	const char *group = ur_conf_get(&D.conf, "control-group");
	char dir[4096], *slash;
	struct sockaddr_un sa;
	struct group *gr = NULL;
	mode_t old;

	if (ur_unix_addr(&sa, path) < 0)
		return ur_errf(err, "control-socket %s: path too long", path);
	if (group != NULL && (gr = getgrnam(group)) == NULL)
		return ur_errf(err, "control-group %s: no such group", group);
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (ur_mkdirs(dir, 0755, err) < 0)
			return -1;
	}
	if (claim_path(path, err) < 0)
		return -1;
	unix_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (unix_fd < 0)
		return ur_errf(err, "socket: %s", strerror(errno));
	/* Never a moment when others may connect. */
	old = umask(0117);
	if (bind(unix_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		return ur_errf(err, "cannot bind %s: %s", path,
		    strerror(errno));
	}
	umask(old);
	if (gr != NULL && chown(path, (uid_t)-1, gr->gr_gid) < 0)
		return ur_errf(err, "cannot give %s to group %s: %s", path,
		    group, strerror(errno));
	if (chmod(path, gr != NULL ? 0660 : 0600) < 0 ||
	    listen(unix_fd, 16) < 0)
		return ur_errf(err, "cannot listen on %s: %s", path,
		    strerror(errno));
	snprintf(unix_path, sizeof(unix_path), "%s", path);
	unix_watch = virEventAddHandle(unix_fd, VIR_EVENT_HANDLE_READABLE,
	    accept_one, NULL, NULL);
	if (unix_watch < 0)
		return ur_errf(err, "cannot watch %s", path);
	return 0;
}

/* "127.0.0.1:4000", "[::1]:4000" */
static int
parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len,
    int *loopback, struct ur_err *err)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char *end;
	long port;
	size_t n;

	if (colon == NULL)
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		goto bad;
	n = (size_t)(colon - text);
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		goto bad;
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
bad:
	return ur_errf(err, "listen-tcp = %s: write it as 127.0.0.1:PORT or "
	    "[::1]:PORT", text);
}

static int
start_tcp(struct ur_err *err)
{
	const char *addr = ur_conf_get(&D.conf, "listen-tcp");
	const char *remote = ur_conf_get(&D.conf, "allow-remote-listen");
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int loopback = 0, one = 1;

	if (addr == NULL || *addr == '\0')
		return 0;
	if (parse_addr(addr, &ss, &len, &loopback, err) < 0)
		return -1;
	if (!loopback) {
		if (remote == NULL || strcmp(remote, "yes") != 0)
			return ur_errf(err, "listen-tcp = %s is not a loopback "
			    "address: anyone who reaches it could move the "
			    "host's ports; use 127.0.0.1, or set "
			    "allow-remote-listen = yes", addr);
	}
	tcp_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (tcp_fd < 0)
		return ur_errf(err, "socket: %s", strerror(errno));
	(void)setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(tcp_fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(tcp_fd, 16) < 0)
		return ur_errf(err, "cannot listen on %s: %s", addr,
		    strerror(errno));
	tcp_watch = virEventAddHandle(tcp_fd, VIR_EVENT_HANDLE_READABLE,
	    accept_one, NULL, NULL);
	if (tcp_watch < 0)
		return ur_errf(err, "cannot watch %s", addr);
	return 0;
}

int
listen_start(struct ur_err *err)
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
	/* The unix socket first: it is how a second daemon learns of the
	 * first.  Nothing is logged until both are up, so a refusal is the
	 * only line. */
	if (start_unix(err) < 0 || start_tcp(err) < 0) {
		listen_stop();
		return -1;
	}
	dlog(LOG_INFO, "control socket %s (%s)", unix_path,
	    ur_conf_get(&D.conf, "control-group") ?
	    ur_conf_get(&D.conf, "control-group") : "root only");
	if (tcp_fd >= 0) {
		const char *remote = ur_conf_get(&D.conf, "allow-remote-listen");

		dlog(remote != NULL && strcmp(remote, "yes") == 0 ?
		    LOG_WARNING : LOG_INFO, "listening on tcp %s%s",
		    ur_conf_get(&D.conf, "listen-tcp"),
		    remote != NULL && strcmp(remote, "yes") == 0 ?
		    " (allow-remote-listen = yes): anyone who reaches it "
		    "beyond this machine can move the host's ports" : "");
	}
	return 0;
}

void
listen_stop(void)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	if (unix_watch >= 0)
		virEventRemoveHandle(unix_watch);
	if (tcp_watch >= 0)
		virEventRemoveHandle(tcp_watch);
	if (unix_fd >= 0)
		close(unix_fd);
	if (tcp_fd >= 0)
		close(tcp_fd);
	if (unix_path[0] != '\0')
		(void)unlink(unix_path);
	unix_fd = tcp_fd = unix_watch = tcp_watch = -1;
	unix_path[0] = '\0';
}
