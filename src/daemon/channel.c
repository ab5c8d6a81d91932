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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "sock.h"
#include "usbrouted.h"

#define CONNECT_TRIES 20	/* every 500 ms: QEMU may still be starting */

static void channel_read(int watch, int fd, int events, void *opaque);

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
		if (ur_meta_channel(xml, strlen(xml), d->meta.toggle_device,
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
		ud_log(LOG_WARNING, "%s: guest over the rate limit (%.0f "
		    "switches/s): %u request(s) refused", d->name,
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
	(void)send(d->chan.fd, line, (size_t)n, MSG_NOSIGNAL);
}

/* A line from the guest (NULL: one over MAX_LINE bytes, dropped). */
static int
handle_line(void *arg, char *line, size_t n)
{
	struct domain *d = arg;
	char out[1024];

	if (line == NULL) {
		ud_log(LOG_WARNING, "%s: guest sent a line over %d bytes; "
		    "dropped", d->name, MAX_LINE);
		return 0;
	}
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n == 0)
		return 0;
	if (!printable(line, n)) {
		ud_log(LOG_WARNING, "%s: guest sent a line with binary bytes; "
		    "dropped", d->name);
		return 0;
	}
	if (strcmp(line, "status") != 0 && !rate_ok(d)) {
		reply(d, "error: rate limit");
		return 0;
	}
	action_guest(d, line, out, sizeof(out));
	if (strncmp(out, "error", 5) == 0)
		ud_log(LOG_NOTICE, "%s: guest asked '%s': %s", d->name, line,
		    out);
	reply(d, out);
	return d->chan.fd < 0;
}

static void
channel_read(int watch, int fd, int events, void *opaque)
{
	struct domain *d = opaque;
	struct channel *c = &d->chan;
	char buf[512];
	ssize_t r;

	(void)watch;
	(void)events;
	r = read(fd, buf, sizeof(buf));
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		/* QEMU closed the socket: the domain is going away, or
		 * QEMU restarted the chardev. Try again for a while. */
		close_fd(c);
		if (d->used && d->retry_timer < 0) {
			d->retries = 0;
			d->retry_timer = virEventAddTimeout(500, retry, d,
			    NULL);
		}
		return;
	}
	(void)linebuf_feed(&c->line, buf, (size_t)r, handle_line, d);
}
