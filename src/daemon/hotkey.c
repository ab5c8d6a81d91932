/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host hotkey: key events read from the host's input devices
 * (hotkey-device = /dev/input/by-id/...-event-kbd, several allowed), and
 * a chord (hotkey = KEY_LEFTCTRL+KEY_RIGHTCTRL) that toggles the domain
 * named by hotkey-domain, or the only running one.  It works where no
 * desktop does: a login screen, Wayland, no user session at all.
 *
 * What it never does: grab the device (no EVIOCGRAB: the keys still
 * reach whoever reads them), log a key (only "the chord toggled"), act on
 * anything but the chord.
 *
 * A device going away is normal (its port was just routed to the guest,
 * or it was unplugged): it is closed quietly and opened again, quietly,
 * when it is back (HOTKEY_RETRY_MS).  A FIFO works as a device (tests
 * feed struct input_event records through one); so does a regular file,
 * read as it grows.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "key.h"
#include "usbrouted.h"

#define HOTKEY_MAX_DEVICES UR_CONF_HOTKEY_DEVICES
#define HOTKEY_RETRY_MS 500

struct hkdev {
	char path[256];
	int fd;			/* -1 while it is not there */
	int watch;		/* libvirt event handle, -1 if none */
	int regular;		/* a regular file: read as it grows */
	dev_t dev;		/* which file is open, to notice a new one */
	ino_t ino;
	unsigned char buf[sizeof(struct input_event)];
	size_t have;		/* bytes of a partial record */
	struct ur_chord_state st;
	int said_missing;	/* logged once that it is not there */
};

static struct hkdev dev[HOTKEY_MAX_DEVICES];
static int ndev;
static struct ur_chord chord;
static int timer = -1;

static void
fire(const struct hkdev *h)
{
	const char *dom = ur_conf_get(&ud.conf, "hotkey-domain");
	char line[MAX_LINE], reply[2048];

	snprintf(line, sizeof(line), "toggle%s%s", dom != NULL ? " " : "",
	    dom != NULL ? dom : "");
	action_host(line, reply, sizeof(reply));
	ud_log(LOG_INFO, "hotkey on %s: %s", h->path, reply);
}

static void
hk_close(struct hkdev *h)
{
	if (h->watch >= 0)
		virEventRemoveHandle(h->watch);
	h->watch = -1;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->have = 0;
	/* Its keys are up now, whatever they were. */
	memset(&h->st, 0, sizeof(h->st));
}

/* Every whole record read so far goes to the chord. */
static void
feed(struct hkdev *h, const unsigned char *p, size_t n)
{
	struct input_event ev;
	size_t take;

	while (n > 0) {
		take = sizeof(h->buf) - h->have;
		if (take > n)
			take = n;
		memcpy(h->buf + h->have, p, take);
		h->have += take;
		p += take;
		n -= take;
		if (h->have < sizeof(h->buf))
			break;
		memcpy(&ev, h->buf, sizeof(ev));
		h->have = 0;
		if (ur_key_chord_feed(&chord, &h->st, ev.type, ev.code, ev.value))
			fire(h);
	}
}

/* Reads what is there.  Returns 0 at end of file, -1 when the device
 * is gone, 1 when there is nothing more for now. */
static int
drain(struct hkdev *h)
{
	unsigned char buf[64 * sizeof(struct input_event)];
	ssize_t n;

	for (;;) {
		n = read(h->fd, buf, sizeof(buf));
		if (n > 0) {
			feed(h, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 1 : -1;
	}
}

static void readable(int watch, int fd, int events, void *opaque);

static int
hk_open(struct hkdev *h)
{
	struct stat st;

	h->fd = open(h->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (h->fd < 0)
		return -1;
	if (fstat(h->fd, &st) < 0 ||
	    !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISREG(st.st_mode))) {
		close(h->fd);
		h->fd = -1;
		return -1;
	}
	h->regular = S_ISREG(st.st_mode);
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	h->said_missing = 0;
	/* A regular file is always readable: the timer reads it instead. */
	if (!h->regular)
		h->watch = virEventAddHandle(h->fd, VIR_EVENT_HANDLE_READABLE,
		    readable, h, NULL);
	return 0;
}

static void
readable(int watch, int fd, int events, void *opaque)
{
	struct hkdev *h = opaque;
	int r;

	(void)watch;
	(void)fd;
	(void)events;
	if (h->fd < 0)
		return;
	r = drain(h);
	if (r == 1 && !(events & (VIR_EVENT_HANDLE_HANGUP |
	    VIR_EVENT_HANDLE_ERROR)))
		return;
	/* Gone (ENODEV: unplugged or routed away), or a FIFO's writer
	 * left: close it; it is opened again when it is there. */
	hk_close(h);
	if (r == 0)
		(void)hk_open(h);	/* else the timer tries again */
}

/* Is the file open still the one at the path?  A FIFO removed and made
 * again, or a device node of a keyboard plugged in again, is a new one. */
static int
same_file(const struct hkdev *h)
{
	struct stat st;

	return stat(h->path, &st) == 0 && st.st_dev == h->dev &&
	    st.st_ino == h->ino;
}

/* Every HOTKEY_RETRY_MS: open what is missing, read regular files as
 * they grow, and follow a path to the new file behind it. */
static void
tick(int t, void *opaque)
{
	struct hkdev *h;
	int i;

	(void)t;
	(void)opaque;
	for (i = 0; i < ndev; i++) {
		h = &dev[i];
		if (h->fd >= 0 && h->regular && drain(h) < 0)
			hk_close(h);
		if (h->fd >= 0 && !same_file(h))
			hk_close(h);
		if (h->fd < 0 && hk_open(h) == 0 && h->regular)
			(void)drain(h);
	}
}

/* The configuration's chord and device paths (conf.c checked them when
 * the file was read). */
static int
read_conf(const struct ur_conf *conf, struct ur_chord *c, const char **paths)
{
	const char *path;
	int n;

	ur_conf_chord(conf, "hotkey", c);
	for (n = 0; n < HOTKEY_MAX_DEVICES &&
	    (path = ur_conf_get_nth(conf, "hotkey-device", n)) != NULL; n++)
		paths[n] = path;
	return n;
}

int
hotkey_start(struct ur_err *err)
{
	const char *paths[HOTKEY_MAX_DEVICES + 1];
	struct ur_chord c;
	char show[128];
	int i, n;

	hotkey_stop();
	if ((n = read_conf(&ud.conf, &c, paths)) == 0)
		return 0;
	chord = c;
	for (ndev = 0; ndev < n; ndev++) {
		memset(&dev[ndev], 0, sizeof(dev[0]));
		dev[ndev].fd = dev[ndev].watch = -1;
		snprintf(dev[ndev].path, sizeof(dev[0].path), "%s",
		    paths[ndev]);
	}
	if ((timer = virEventAddTimeout(HOTKEY_RETRY_MS, tick, NULL,
	    NULL)) < 0)
		return ur_errf(err, "cannot start the hotkey's timer");
	for (i = 0; i < ndev; i++)
		if (hk_open(&dev[i]) < 0 && !dev[i].said_missing++)
			ud_log(LOG_INFO, "hotkey device %s is not there (%s); "
			    "it is opened when it appears", dev[i].path,
			    strerror(errno));
		else if (dev[i].regular)
			(void)drain(&dev[i]);
	ur_key_chord_format(&chord, show, sizeof(show));
	ud_log(LOG_INFO, "hotkey %s on %d device%s toggles %s", show, ndev,
	    ndev == 1 ? "" : "s", ur_conf_get(&ud.conf, "hotkey-domain") ?
	    ur_conf_get(&ud.conf, "hotkey-domain") : "the running domain");
	return 0;
}

void
hotkey_stop(void)
{
	int i;

	for (i = 0; i < ndev; i++)
		hk_close(&dev[i]);
	ndev = 0;
	if (timer >= 0)
		virEventRemoveTimeout(timer);
	timer = -1;
}
