/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "file.h"
#include "usbwatch.h"

#define PATHLEN 4096

struct ur_usbwatch {
	char root[PATHLEN];
	const struct ur_chipset *cs;
	int epfd;
	int nlfd;		/* uevent socket, -1 when polling only */
	int tfd;		/* the timer that reads sysfs anyway */
	struct ur_usbev *devs;	/* the last read, sorted; kind ARRIVED */
	size_t ndevs;
};

/* A growing list of devices from one read of sysfs. */
struct devlist {
	struct ur_usbev *v;
	size_t n, cap;
};

static int
list_add(struct devlist *l, const struct ur_usbev *ev, struct ur_err *err)
{
	struct ur_usbev *nv;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL)
			return ur_errf(err, "out of memory");
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *ev;
	return 0;
}

/* Port order: USB2 ports by bit, then USB3 ports, then busid. */
static int
port_key(const struct ur_usbloc *l)
{
	return l->bit >= 0 ? l->bit : UR_MAX_PORTS + l->ss_port;
}

static int
cmp_ev(const void *a, const void *b)
{
	const struct ur_usbev *x = a, *y = b;
	int kx = port_key(&x->loc), ky = port_key(&y->loc);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return strcmp(x->dev.busid, y->dev.busid);
}

/* A sysfs without bus/usb is a machine without USB support loaded: no
 * devices, not an error.  A root that is not a sysfs at all is one. */
static int
no_usb(const char *root, const char *dir, struct ur_err *err)
{
	char bus[PATHLEN];
	int e = errno;

	if (e == ENOENT && ur_file_path(bus, sizeof(bus), "%s/bus", root) == 0 &&
	    access(bus, F_OK) == 0)
		return 0;
	return ur_errf(err, "cannot read %s: %s", dir, strerror(e));
}

/* Every device on a PCH port, as sysfs shows it now. */
static int
read_all(const char *root, const struct ur_chipset *cs, struct devlist *l,
    struct ur_err *err)
{
	char dir[PATHLEN];
	struct ur_usbbuses buses;
	struct ur_usbev ev;
	struct dirent *ent;
	DIR *d;
	int r;

	if (ur_file_path(dir, sizeof(dir), "%s/bus/usb/devices", root) < 0)
		return ur_errf(err, "path too long: %s", root);
	/* Bus numbers change when a controller is rebound (vfio-pci). */
	ur_usb_buses(root, &buses);
	if ((d = opendir(dir)) == NULL)
		return no_usb(root, dir, err);
	while ((ent = readdir(d)) != NULL) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = UR_USBEV_ARRIVED;
		if (ur_usb_locate(cs, &buses, ent->d_name, &ev.loc) != 1)
			continue;
		r = ur_usb_read_device(root, ent->d_name, ev.loc.side,
		    &ev.dev);
		/* A device half gone or half made is seen on the next read. */
		if (r != 1)
			continue;
		if (list_add(l, &ev, err) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_ev);
	return 0;
}

/* The same plugging of the same device: devnum is new on every plug. */
static int
same_dev(const struct ur_usbev *a, const struct ur_usbev *b)
{
	return strcmp(a->dev.busid, b->dev.busid) == 0 &&
	    a->dev.vid == b->dev.vid && a->dev.pid == b->dev.pid &&
	    a->dev.devnum == b->dev.devnum;
}

static int
contains(const struct ur_usbev *v, size_t n, const struct ur_usbev *ev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_dev(&v[i], ev))
			return 1;
	return 0;
}

/* The uevent socket, or -1 (then the timer does all the work). */
static int
open_uevents(void)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1;		/* the kernel's own uevents */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_timer(int ms, struct ur_err *err)
{
	struct itimerspec its;
	int fd;

	if ((fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) < 0)
		return ur_errf(err, "cannot create a timer: %s",
		    strerror(errno));
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	its.it_interval = its.it_value;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		return ur_errf(err, "cannot set a timer: %s",
		    strerror(errno));
	}
	return fd;
}

static int
watch_fd(int epfd, int fd, struct ur_err *err)
{
	struct epoll_event ee;

	memset(&ee, 0, sizeof(ee));
	ee.events = EPOLLIN;
	ee.data.fd = fd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ee) < 0)
		return ur_errf(err, "cannot watch fd %d: %s", fd,
		    strerror(errno));
	return 0;
}

void
ur_usbwatch_close(struct ur_usbwatch *w)
{
	if (w == NULL)
		return;
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->nlfd >= 0)
		close(w->nlfd);
	if (w->tfd >= 0)
		close(w->tfd);
	free(w->devs);
	free(w);
}

int
ur_usbwatch_open(struct ur_usbwatch **wp, const char *sysfs_root,
    const struct ur_chipset *cs, int interval_ms, struct ur_err *err)
{
	struct ur_usbwatch *w;
	struct devlist l = { NULL, 0, 0 };
	int ms;

	*wp = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return ur_errf(err, "out of memory");
	w->epfd = w->nlfd = w->tfd = -1;
	w->cs = cs;
	if (ur_file_path(w->root, sizeof(w->root), "%s", sysfs_root) < 0) {
		ur_usbwatch_close(w);
		return ur_errf(err, "path too long: %s", sysfs_root);
	}
	/* Only the real sysfs has a kernel sending uevents about it. */
	if (strcmp(sysfs_root, "/sys") == 0)
		w->nlfd = open_uevents();
	ms = interval_ms > 0 ? interval_ms : UR_USBWATCH_POLL_MS;
	if (w->nlfd >= 0)
		ms = UR_USBWATCH_BACKSTOP_MS;
	if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		ur_errf(err, "cannot create an epoll fd: %s",
		    strerror(errno));
		goto fail;
	}
	if ((w->tfd = open_timer(ms, err)) < 0 ||
	    watch_fd(w->epfd, w->tfd, err) < 0 ||
	    (w->nlfd >= 0 && watch_fd(w->epfd, w->nlfd, err) < 0))
		goto fail;
	if (read_all(w->root, cs, &l, err) < 0)
		goto fail;
	w->devs = l.v;
	w->ndevs = l.n;
	*wp = w;
	return 0;
fail:
	free(l.v);
	ur_usbwatch_close(w);
	return -1;
}

int
ur_usbwatch_fd(const struct ur_usbwatch *w)
{
	return w->epfd;
}

int
ur_usbwatch_uses_uevents(const struct ur_usbwatch *w)
{
	return w->nlfd >= 0;
}

/*
 * Empties the timer and the uevent socket.  The uevents are only a
 * reason to read sysfs again, never read for their content: one from
 * another sender than the kernel (any process may send to the group)
 * costs a read of sysfs and nothing more, and a full socket buffer
 * (ENOBUFS) loses nothing.
 */
static void
consume(struct ur_usbwatch *w)
{
	char buf[8192];
	uint64_t ticks;

	while (read(w->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		;
	if (w->nlfd < 0)
		return;
	for (;;) {
		if (recv(w->nlfd, buf, sizeof(buf), 0) >= 0)
			continue;
		if (errno == EINTR || errno == ENOBUFS)
			continue;
		break;			/* EAGAIN: empty */
	}
}

int
ur_usbwatch_drain(struct ur_usbwatch *w, ur_usbwatch_fn *fn, void *arg,
    struct ur_err *err)
{
	struct devlist l = { NULL, 0, 0 };
	struct ur_usbev ev;
	size_t i;
	int n = 0;

	consume(w);
	if (read_all(w->root, w->cs, &l, err) < 0) {
		free(l.v);
		return -1;
	}
	for (i = 0; i < w->ndevs; i++) {
		if (contains(l.v, l.n, &w->devs[i]))
			continue;
		ev = w->devs[i];
		ev.kind = UR_USBEV_LEFT;
		fn(&ev, arg);
		n++;
	}
	for (i = 0; i < l.n; i++) {
		if (contains(w->devs, w->ndevs, &l.v[i]))
			continue;
		fn(&l.v[i], arg);
		n++;
	}
	free(w->devs);
	w->devs = l.v;
	w->ndevs = l.n;
	return n;
}

void
ur_usbwatch_present(const struct ur_usbwatch *w, ur_usbwatch_fn *fn,
    void *arg)
{
	size_t i;

	for (i = 0; i < w->ndevs; i++)
		fn(&w->devs[i], arg);
}
