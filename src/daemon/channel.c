/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest channels: the daemon connects to QEMU's end of a domain's
 * serial, console or virtio-serial port (QEMU listens: the VM starts
 * whether or not the daemon runs) and reads request lines from the
 * guest.  A guest is not trusted: lines are bounded and must be
 * printable, switches are rate limited, and it can only name its own
 * profiles.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "metachan.h"
#include "sock.h"
#include "usbrouted.h"

#define CONNECT_TRIES 20	/* every 500 ms: QEMU may still be starting */

static void channel_read(int watch, int fd, int events, void *opaque);

#define LOG_BURST 5		/* log lines about one guest at once, */
#define LOG_PER_S 1.0		/* then this many a second */

enum held { HELD_BINARY, HELD_LONG, HELD_OTHER };

static int held_timer = -1;

/* Whether a line about this guest may be logged now: a token bucket like
 * the one for its switches, so that whatever a guest sends, the host's
 * log gets a few lines a second about it. */
static int
log_room(struct channel *c)
{
	double t = ud_now();

	c->log_tokens += (t - c->log_last) * LOG_PER_S;
	if (c->log_tokens > LOG_BURST)
		c->log_tokens = LOG_BURST;
	c->log_last = t;
	if (c->log_tokens < 1.0)
		return 0;
	c->log_tokens -= 1.0;
	return 1;
}

static unsigned
held_total(const struct channel *c)
{
	return c->held[HELD_BINARY] + c->held[HELD_LONG] + c->held[HELD_OTHER];
}

/* One line for all that was held back (the caller has the room). */
static void
log_held(struct domain *d)
{
	struct channel *c = &d->chan;

	ud_log(LOG_WARNING, "%s: held back by the log rate limit: %u guest "
	    "line(s) with binary bytes, %u over %d bytes, %u other "
	    "message(s)", d->name, c->held[HELD_BINARY], c->held[HELD_LONG],
	    MAX_LINE, c->held[HELD_OTHER]);
	memset(c->held, 0, sizeof(c->held));
}

/* Once a second while something is held back: tell it when there is
 * room, even if the guest has gone quiet. */
static void
held_tick(int timer, void *opaque)
{
	int i, pending = 0;

	(void)timer;
	(void)opaque;
	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!ud.dom[i].used || held_total(&ud.dom[i].chan) == 0)
			continue;
		if (log_room(&ud.dom[i].chan))
			log_held(&ud.dom[i]);
		else
			pending = 1;
	}
	if (!pending)
		virEventUpdateTimeout(held_timer, -1);
}

static void
guest_log(struct domain *d, enum held kind, int prio, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A line about what the guest did, "NAME: ...", within the log rate
 * limit; over it, counted by kind. */
static void
guest_log(struct domain *d, enum held kind, int prio, const char *fmt, ...)
{
	struct channel *c = &d->chan;
	char msg[768];
	va_list ap;

	if (!log_room(c)) {
		c->held[kind]++;
		if (held_timer < 0)
			held_timer = virEventAddTimeout(1000, held_tick, NULL,
			    NULL);
		else
			virEventUpdateTimeout(held_timer, 1000);
		return;
	}
	if (held_total(c) > 0)
		log_held(d);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ud_log(prio, "%s: %s", d->name, msg);
}

static void
close_fd(struct channel *c)
{
	if (c->watch >= 0)
		virEventRemoveHandle(c->watch);
	c->watch = -1;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	linebuf_reset(&c->line);
}

/* Finds the socket in the live XML and connects; 0 on success, -1 to
 * try again later, -2 to give up. */
static int
try_attach(struct domain *d)
{
	struct ur_err err;
	char *xml;

	if (d->chan.path[0] == '\0') {
		if (lv_domain_xml(d, &xml) < 0)
			return -1;
		if (ur_metachan_path(xml, strlen(xml), d->meta.toggle_device,
		    d->chan.path, sizeof(d->chan.path), &err) < 0) {
			free(xml);
			ud_log(LOG_ERR, "%s: %s; the guest cannot switch its "
			    "ports", d->name, err.msg);
			return -2;
		}
		free(xml);
	}
	d->chan.fd = ur_sock_connect(d->chan.path, SOCK_NONBLOCK);
	if (d->chan.fd < 0)
		return -1;
	d->chan.watch = virEventAddHandle(d->chan.fd,
	    VIR_EVENT_HANDLE_READABLE, channel_read, d, NULL);
	if (d->chan.watch < 0) {
		close_fd(&d->chan);
		return -2;
	}
	d->chan.tokens = ud.guest_rate;
	d->chan.last = ud_now();
	d->chan.log_tokens = LOG_BURST;
	d->chan.log_last = d->chan.last;
	memset(d->chan.held, 0, sizeof(d->chan.held));
	ud_log(LOG_INFO, "%s: listening to the guest on %s (%s)", d->name,
	    d->meta.toggle_device, d->chan.path);
	return 0;
}

static void
retry(int timer, void *opaque)
{
	struct domain *d = opaque;
	int rc;

	(void)timer;
	rc = try_attach(d);
	if (rc == -1 && ++d->retries < CONNECT_TRIES)
		return;
	if (rc == -1)
		ud_log(LOG_ERR, "%s: cannot connect to %s: %s; the guest cannot "
		    "switch its ports", d->name, d->chan.path[0] ?
		    d->chan.path : d->meta.toggle_device, strerror(errno));
	virEventRemoveTimeout(d->retry_timer);
	d->retry_timer = -1;
}

void
channel_attach(struct domain *d)
{
	d->retries = 0;
	if (try_attach(d) != -1)
		return;
	if (d->retry_timer < 0)
		d->retry_timer = virEventAddTimeout(500, retry, d, NULL);
}

void
channel_detach(struct domain *d)
{
	if (d->retry_timer >= 0)
		virEventRemoveTimeout(d->retry_timer);
	d->retry_timer = -1;
	close_fd(&d->chan);
}

/* A token bucket: guest_rate switches a second, as many in a burst. */
static int
rate_ok(struct domain *d)
{
	struct channel *c = &d->chan;
	double t = ud_now();

	c->tokens += (t - c->last) * ud.guest_rate;
	if (c->tokens > ud.guest_rate)
		c->tokens = ud.guest_rate;
	c->last = t;
	if (c->tokens >= 1.0) {
		c->tokens -= 1.0;
		return 1;
	}
	/* A flood must not flood the log either: one line a second. */
	c->limited++;
	if (t - c->limited_logged >= 1.0) {
		guest_log(d, HELD_OTHER, LOG_WARNING, "guest over the rate "
		    "limit (%.0f switches/s): %u request(s) refused",
		    ud.guest_rate, c->limited);
		c->limited = 0;
		c->limited_logged = t;
	}
	return 0;
}

static int
printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static void
reply(struct domain *d, const char *text)
{
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "%s\r\n", text);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	/* Non-blocking: a guest that does not read loses replies, it
	 * never stalls the daemon. */
	(void)ur_sock_send_all(d->chan.fd, line, (size_t)n);
}

/* A line from the guest (NULL: one over MAX_LINE bytes, dropped). */
static int
handle_line(void *arg, char *line, size_t n)
{
	struct domain *d = arg;
	char out[1024];

	if (line == NULL) {
		guest_log(d, HELD_LONG, LOG_WARNING, "guest sent a line over "
		    "%d bytes; dropped", MAX_LINE);
		return 0;
	}
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0)
		return 0;
	if (!printable(line, n)) {
		guest_log(d, HELD_BINARY, LOG_WARNING, "guest sent a line "
		    "with binary bytes; dropped");
		return 0;
	}
	if (strcmp(line, "status") != 0 && !rate_ok(d)) {
		reply(d, "error: rate limit");
		return 0;
	}
	action_guest(d, line, out, sizeof(out));
	if (strncmp(out, "error", 5) == 0)
		guest_log(d, HELD_OTHER, LOG_NOTICE, "guest asked '%s': %s",
		    line, out);
	reply(d, out);
	return d->chan.fd < 0;
}

static void
channel_read(int watch, int fd, int events, void *opaque)
{
	struct domain *d = opaque;
	struct channel *c = &d->chan;

	(void)watch;
	(void)events;
	if (linebuf_read(&c->line, fd, handle_line, d) == 0)
		return;
	/* QEMU closed the socket: the domain is going away, or QEMU
	 * restarted the chardev. Try again for a while. */
	close_fd(c);
	if (d->used && d->retry_timer < 0) {
		d->retries = 0;
		d->retry_timer = virEventAddTimeout(500, retry, d, NULL);
	}
}
