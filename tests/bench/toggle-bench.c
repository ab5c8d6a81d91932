/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toggle-bench - latency of usbrouted's "toggle", request sent to reply
 * received, over its control socket or its TCP listener (or over anything
 * that speaks the same one-line protocol, such as reference-server.py).
 *
 * usage: toggle-bench [-c] [-w WARMUP] unix PATH N [REQUEST]
 *        toggle-bench [-c] [-w WARMUP] tcp HOST:PORT N [REQUEST]
 *
 * Sends REQUEST (default "toggle") N times, one at a time, each after the
 * reply to the one before, on one connection (or, with -c, on a new
 * connection each time, connect and close included in the time: what
 * `nc 127.0.0.1 PORT <<< toggle` costs).  WARMUP requests (default 10) go
 * first and are not counted.  A reply is one line; it must start with
 * "ok".  Prints one line:
 *
 *	n=N p50_us=.. p99_us=.. mean_us=.. min_us=.. max_us=..
 *
 * Exit 0, or 1 with a message on stderr (connection failed, a reply that
 * is not "ok", the server closed the connection).
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXREPLY	65536

enum kind { K_UNIX, K_TCP };

struct target {
	enum kind	 kind;
	const char	*path;		/* K_UNIX */
	char		 host[256];	/* K_TCP */
	char		 port[32];
};

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("toggle-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: toggle-bench [-c] [-w WARMUP] unix PATH N "
	    "[REQUEST]\n"
	    "       toggle-bench [-c] [-w WARMUP] tcp HOST:PORT N "
	    "[REQUEST]\n");
	exit(2);
}

static double
now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		die("clock_gettime: %s", strerror(errno));
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		die("%s: path too long for a unix socket", path);
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("connect %s: %s", path, strerror(errno));
	return fd;
}

static int
connect_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, e, on = 1, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s:%s: %s", host, port, gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		die("connect %s:%s: %s", host, port, strerror(saved));
	/* One small request, then wait: do not let Nagle hold it back. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == -1)
		die("TCP_NODELAY: %s", strerror(errno));
	return fd;
}

static int
connect_target(const struct target *t)
{
	if (t->kind == K_UNIX)
		return connect_unix(t->path);
	return connect_tcp(t->host, t->port);
}

static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			die("write: %s", strerror(errno));
		}
		buf += n;
		len -= n;
	}
}

/*
 * Reads one reply line into buf (without the newline).  One read usually
 * takes it all, as nc's would: the server sends each reply in one write.
 * The protocol is strictly one line for one request, and the next request
 * goes only after this reply, so nothing may follow the newline; bytes
 * that do are an error, not a reply to keep for later.  (A byte at a
 * time would count some 40 system calls of the client's own in every
 * figure.)
 */
static void
read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char *nl;

	for (;;) {
		if (len + 1 >= size)
			die("a reply longer than %zu bytes", size - 1);
		if ((n = read(fd, buf + len, size - 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			die("read: %s", strerror(errno));
		}
		if (n == 0)
			die("the server closed the connection%s",
			    len ? " in the middle of a reply" : "");
		len += n;
		if ((nl = memchr(buf, '\n', len)) != NULL)
			break;
	}
	if ((size_t)(nl - buf) + 1 != len)
		die("more than one line in reply to one request");
	len = nl - buf;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n-1]. */
static double
percentile(const double *v, size_t n, double p)
{
	size_t rank;

	rank = (size_t)(p / 100.0 * n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

static void
parse_target(struct target *t, const char *kind, const char *where)
{
	const char *colon;
	size_t hl;

	memset(t, 0, sizeof(*t));
	if (strcmp(kind, "unix") == 0) {
		t->kind = K_UNIX;
		t->path = where;
		return;
	}
	if (strcmp(kind, "tcp") != 0)
		usage();
	t->kind = K_TCP;
	if ((colon = strrchr(where, ':')) == NULL || colon[1] == '\0')
		die("%s: expected HOST:PORT", where);
	hl = colon - where;
	/* [::1]:PORT */
	if (hl >= 2 && where[0] == '[' && where[hl - 1] == ']') {
		where++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(t->host) ||
	    strlen(colon + 1) >= sizeof(t->port))
		die("%s: expected HOST:PORT", where);
	memcpy(t->host, where, hl);
	t->host[hl] = '\0';
	strncpy(t->port, colon + 1, sizeof(t->port) - 1);
}

int
main(int argc, char *argv[])
{
	struct target t;
	const char *request = "toggle";
	char *line, *ep, *reply;
	double *lat, t0, sum = 0;
	long n, warm = 10, i;
	int ch, fd = -1, each = 0;
	size_t rlen;

	while ((ch = getopt(argc, argv, "cw:")) != -1) {
		switch (ch) {
		case 'c':
			each = 1;
			break;
		case 'w':
			warm = strtol(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || warm < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3 && argc != 4)
		usage();
	parse_target(&t, argv[0], argv[1]);
	n = strtol(argv[2], &ep, 10);
	if (*argv[2] == '\0' || *ep != '\0' || n < 1 || n > 10000000)
		usage();
	if (argc == 4)
		request = argv[3];

	rlen = strlen(request) + 1;
	if ((line = malloc(rlen + 1)) == NULL ||
	    (reply = malloc(MAXREPLY)) == NULL ||
	    (lat = calloc(n, sizeof(*lat))) == NULL)
		die("out of memory");
	snprintf(line, rlen + 1, "%s\n", request);

	if (!each)
		fd = connect_target(&t);
	for (i = -warm; i < n; i++) {
		t0 = now_us();
		if (each)
			fd = connect_target(&t);
		write_all(fd, line, rlen);
		read_line(fd, reply, MAXREPLY);
		if (each) {
			close(fd);
			fd = -1;
		}
		if (i >= 0)
			lat[i] = now_us() - t0;
		if (strncmp(reply, "ok", 2) != 0 ||
		    (reply[2] != '\0' && reply[2] != ' '))
			die("request %ld: reply '%s'", i + warm + 1, reply);
	}
	if (fd != -1)
		close(fd);

	for (i = 0; i < n; i++)
		sum += lat[i];
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("n=%ld p50_us=%.1f p99_us=%.1f mean_us=%.1f min_us=%.1f "
	    "max_us=%.1f\n", n, percentile(lat, n, 50), percentile(lat, n, 99),
	    sum / n, lat[0], lat[n - 1]);
	free(lat);
	free(reply);
	free(line);
	return 0;
}
