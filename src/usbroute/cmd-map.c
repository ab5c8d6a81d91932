/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute map [--list]
 *
 * The port-map wizard: watches USB arrivals and asks a name for each
 * physical socket a device turns up in; Ctrl-D writes the names into the
 * config, Ctrl-C stops without writing.  It does the same thing every
 * time, with no key to press first, so a test drives it through a
 * pseudo-terminal exactly as a person would. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "portmap.h"
#include "ports.h"
#include "state.h"
#include "usbroute.h"
#include "usbwatch.h"

#define MAXQ		64
#define SS_WAIT_MS	10000	/* a device re-enumerates in about 1 s */

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct wizard {
	struct cli *cli;
	struct ur_machine m;
	struct ur_portmap pm;
	struct ur_usbwatch *w;
	struct ur_usbev q[MAXQ];	/* the events of one drain */
	int nq;
	char in[1024];			/* what stdin gave, not yet a line */
	size_t inlen;
	int eof;			/* Ctrl-D: finish and write */
	uint16_t done;			/* ports handled in this drain */
};

/* --------------------------------------------------------- terminal */

static void
queue(const struct ur_usbev *ev, void *arg)
{
	struct wizard *wz = arg;

	if (wz->nq < MAXQ)
		wz->q[wz->nq++] = *ev;
}

/* Moves one line (without its newline) out of the input buffer. */
static int
pop_line(struct wizard *wz, char *line, size_t len)
{
	char *nl = memchr(wz->in, '\n', wz->inlen);
	size_t n;

	if (nl == NULL)
		return 0;
	n = (size_t)(nl - wz->in);
	snprintf(line, len, "%.*s", (int)n, wz->in);
	memmove(wz->in, nl + 1, wz->inlen - n - 1);
	wz->inlen -= n + 1;
	return 1;
}

/* Reads what stdin has.  0 on end of input, -1 on an error. */
static int
fill(struct wizard *wz)
{
	ssize_t n;

	if (wz->inlen == sizeof(wz->in))
		wz->inlen = 0;		/* a line this long is no answer */
	n = read(STDIN_FILENO, wz->in + wz->inlen,
	    sizeof(wz->in) - wz->inlen);
	if (n < 0)
		return errno == EINTR ? 1 : -1;
	if (n == 0) {
		wz->eof = 1;
		return 0;
	}
	wz->inlen += (size_t)n;
	return 1;
}

/* The answer to a question: 1 a line, 0 end of input, -1 Ctrl-C. */
static int
read_line(struct wizard *wz, char *line, size_t len)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		if (interrupted)
			return -1;
		if (pop_line(wz, line, len))
			return 1;
		if (wz->eof)
			return 0;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return 0;
		if (!interrupted && (pfd.revents & (POLLIN | POLLHUP)) &&
		    fill(wz) < 0)
			return 0;
	}
}

static char *
trim(char *s)
{
	char *end;

	s += strspn(s, " \t\r");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static void
describe(const struct ur_usbdev *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x%s%s", d->vid, d->pid,
	    d->product[0] ? " " : "", d->product);
}

static void
progress(const struct wizard *wz)
{
	printf("mapped %d of %d\n", ur_portmap_mapped(&wz->pm),
	    ur_portmap_total(&wz->pm));
}

/* ----------------------------------------------------------- naming */

/* Asks a name for bit.  0 answered (or Ctrl-D), -1 Ctrl-C. */
static int
ask_name(struct wizard *wz, int bit, const char *what)
{
	char word[16], def[32], line[256], *ans;
	struct ur_err err;
	int r;

	ur_chipset_port_name(wz->m.cs, bit, word, sizeof(word));
	ur_portmap_default(&wz->pm, def, sizeof(def));
	for (;;) {
		printf("%s is on %s. Name [%s]: ", what, word, def);
		fflush(stdout);
		if ((r = read_line(wz, line, sizeof(line))) <= 0) {
			printf("\n");
			return r;
		}
		ans = trim(line);
		if (*ans == '\0')
			ans = def;
		if (ur_portmap_name(&wz->pm, bit, ans, &err) == 0)
			break;
		printf("%s\n", err.msg);
	}
	printf("%s = %s; ", wz->pm.name[bit], word);
	progress(wz);
	return 0;
}

/* A device on USB2 port bit: name the port unless it has a name. */
static int
port_arrival(struct wizard *wz, int bit, const struct ur_usbev *ev)
{
	char word[16], what[200];

	if (wz->done & (1u << bit))
		return 0;		/* a hub and what is behind it */
	wz->done |= (uint16_t)(1u << bit);
	ur_chipset_port_name(wz->m.cs, bit, word, sizeof(word));
	describe(&ev->dev, what, sizeof(what));
	if (!(wz->m.present & (1u << bit))) {
		printf("%s is on %s, which the %s cannot switch (it has no "
		    "routing bit); it stays out of the map\n", what, word,
		    wz->m.cs->name);
		return 0;
	}
	if (!(wz->m.switchable & (1u << bit))) {
		printf("%s is on %s, which firmware does not let the OS "
		    "switch; it stays out of the map\n", what, word);
		return 0;
	}
	if (ev->loc.behind_hub)
		printf("%s is behind a hub: the socket is the one the hub is "
		    "plugged into, %s\n", what, word);
	if (wz->pm.name[bit][0] != '\0') {
		printf("%s is on %s, already mapped as %s\n", what, word,
		    wz->pm.name[bit]);
		return 0;
	}
	return ask_name(wz, bit, what);
}

/* ------------------------------------------------------- SuperSpeed */

/*
 * Turns the SuperSpeed termination of USB3 port ss on or off, keeping
 * every other bit, under the state lock so no claim writes in between.
 * The lock is not held while the device re-enumerates: a domain start
 * must not wait on a person.
 */
static int
pssen_set(struct wizard *wz, int ss, int on, struct ur_err *err)
{
	struct ur_lock lk;
	struct ur_regs regs;
	uint32_t bit = 1u << (ss - 1), v, rb;
	int rc;

	if (ur_state_lock(wz->m.conf->state_dir, wz->m.conf->lock_timeout_ms,
	    &lk, err) < 0)
		return -1;
	rc = ur_xhci_read(wz->m.xhci, &regs, err);
	if (rc == 0) {
		v = on ? regs.pssen | bit : regs.pssen & ~bit;
		rc = ur_xhci_write(wz->m.xhci, UR_REG_PSSEN, v, &rb, err);
		if (rc == 0 && (rb & bit) != (v & bit))
			rc = ur_errf(err, "SuperSpeed port %d did not turn %s "
			    "(PSSEN reads 0x%08x): firmware blocks it", ss,
			    on ? "on" : "off", rb);
	}
	ur_state_unlock(&lk);
	return rc;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The USB2 port the device turns up on, -1 when none does in time, -2
 * on Ctrl-C.  Prefers a device with the same vendor. */
static int
wait_usb2(struct wizard *wz, const struct ur_usbdev *dev)
{
	struct pollfd pfd = { .fd = ur_usbwatch_fd(wz->w), .events = POLLIN };
	struct ur_err err;
	long end = now_ms() + SS_WAIT_MS, left;
	int i, found = -1;

	while (found < 0 && (left = end - now_ms()) > 0) {
		if (interrupted)
			return -2;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		wz->nq = 0;
		if (ur_usbwatch_drain(wz->w, queue, wz, &err) < 0) {
			printf("%s\n", err.msg);
			return -1;
		}
		for (i = 0; i < wz->nq; i++) {
			const struct ur_usbev *ev = &wz->q[i];

			if (ev->kind != UR_USBEV_ARRIVED || ev->loc.bit < 0 ||
			    ev->loc.behind_hub)
				continue;
			if (found < 0 || ev->dev.vid == dev->vid)
				found = ev->loc.bit;
		}
	}
	return interrupted ? -2 : found;
}

/* Learns which USB2 port shares a connector with USB3 port ss. */
static int
learn_pair(struct wizard *wz, int ss, const struct ur_usbev *ev)
{
	struct ur_usbev moved;
	struct ur_err err;
	char word[16];
	int bit;

	if (!(wz->m.regs.usb3prm & (1u << (ss - 1)))) {
		printf("firmware does not let the OS switch SuperSpeed port "
		    "%d; plug a USB 2.0 device into this socket to name it\n",
		    ss);
		return 0;
	}
	if (pssen_set(wz, ss, 0, &err) < 0) {
		printf("%s\n", err.msg);
		return 0;
	}
	printf("SuperSpeed port %d is off; waiting for the device on its "
	    "USB 2.0 port...\n", ss);
	fflush(stdout);
	bit = wait_usb2(wz, &ev->dev);
	/* Put it back whatever happened, Ctrl-C included. */
	if (pssen_set(wz, ss, 1, &err) < 0)
		printf("%s; turn it on with `usbroute repair`\n", err.msg);
	else
		printf("SuperSpeed port %d is on again\n", ss);
	if (bit == -2)
		return -1;
	if (bit < 0) {
		printf("nothing turned up on a USB 2.0 port within %d s; "
		    "SuperSpeed port %d stays unpaired\n", SS_WAIT_MS / 1000,
		    ss);
		return 0;
	}
	ur_portmap_pair(&wz->pm, bit, ss);
	ur_chipset_port_name(wz->m.cs, bit, word, sizeof(word));
	printf("SuperSpeed port %d shares its socket with %s\n", ss, word);
	moved = *ev;
	moved.loc.bit = bit;
	moved.loc.behind_hub = 0;
	return port_arrival(wz, bit, &moved);
}

/* A device on USB3 port ss whose USB2 port is not known yet. */
static int
ss_arrival(struct wizard *wz, const struct ur_usbev *ev)
{
	char what[200], line[64], *ans;
	int ss = ev->loc.ss_port, r;

	describe(&ev->dev, what, sizeof(what));
	if (ev->loc.behind_hub) {
		printf("%s is behind a hub on SuperSpeed port %d; plug the "
		    "hub or a device straight into the socket\n", what, ss);
		return 0;
	}
	printf("%s is on SuperSpeed port %d, whose USB 2.0 port is not known "
	    "yet.\nTurn SuperSpeed port %d off for a moment so the device "
	    "shows on its USB 2.0 port? [Y/n] ", what, ss, ss);
	fflush(stdout);
	if ((r = read_line(wz, line, sizeof(line))) <= 0) {
		printf("\n");
		return r;
	}
	ans = trim(line);
	if (*ans == 'n' || *ans == 'N') {
		printf("skipped SuperSpeed port %d\n", ss);
		return 0;
	}
	return learn_pair(wz, ss, ev);
}

static int
arrival(struct wizard *wz, const struct ur_usbev *ev)
{
	int bit = ev->loc.bit;

	if (ev->kind != UR_USBEV_ARRIVED)
		return 0;
	if (bit < 0 && (bit = ur_portmap_bit_of_ss(&wz->pm,
	    ev->loc.ss_port)) < 0)
		return ss_arrival(wz, ev);
	return port_arrival(wz, bit, ev);
}

/* ------------------------------------------------------------- loop */

/* Ports a VM holds now are the VM's: what is plugged there never shows
 * up here.  Say so first, rather than leave the person waiting. */
static void
say_held(struct wizard *wz)
{
	const struct ur_owner *o;
	struct ur_table t;
	struct ur_err err;
	char ports[128];
	uint16_t away;
	int i;

	if (ur_machine_table(&wz->m, &t, &err) < 0)
		return;
	for (i = 0; i < t.nowners; i++) {
		o = &t.owner[i];
		away = (uint16_t)(o->ports & ~o->lent);
		if (away == 0)
			continue;
		ur_ports_format(away, wz->m.cs, ports, sizeof(ports));
		printf("%s %s held by %s: devices there show up in the VM, not "
		    "here; 'usbroute host %s' or stopping it gives them back\n",
		    ports, away & (away - 1) ? "are" : "is",
		    o->name[0] ? o->name : o->id, o->name[0] ? o->name : o->id);
	}
}

static int
finish(struct wizard *wz)
{
	const char *path = wz->cli->conf.path;
	struct ur_err err;
	int n = ur_portmap_news(&wz->pm);

	if (n == 0) {
		printf("nothing new; %s is unchanged\n", path);
		return EXIT_OK;
	}
	if (ur_portmap_write(&wz->pm, path, &err) < 0)
		return fail(&err);
	printf("wrote %d line%s to %s (the old one is %s.bak); ", n,
	    n == 1 ? "" : "s", path, path);
	progress(wz);
	return EXIT_OK;
}

/* Until Ctrl-D (0) or Ctrl-C (-1). */
static int
watch(struct wizard *wz)
{
	struct pollfd pfd[2] = {
		{ .fd = ur_usbwatch_fd(wz->w), .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	struct ur_err err;
	char line[256];
	int i;

	while (!wz->eof) {
		if (interrupted)
			return -1;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			if (fill(wz) < 0)
				return 0;
			while (pop_line(wz, line, sizeof(line)))
				printf("plug a device into a socket; Ctrl-D "
				    "writes the map, Ctrl-C quits\n");
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		wz->nq = 0;
		wz->done = 0;
		if (ur_usbwatch_drain(wz->w, queue, wz, &err) < 0) {
			printf("%s\n", err.msg);
			continue;
		}
		/* What is behind a hub first: the person plugged in the
		 * device, the hub it came with is the lesser news. */
		for (i = 0; i < wz->nq && !wz->eof; i++)
			if (wz->q[i].loc.behind_hub &&
			    arrival(wz, &wz->q[i]) < 0)
				return -1;
		for (i = 0; i < wz->nq && !wz->eof; i++)
			if (!wz->q[i].loc.behind_hub &&
			    arrival(wz, &wz->q[i]) < 0)
				return -1;
		fflush(stdout);
	}
	return 0;
}

static int
wizard(struct cli *cli)
{
	struct sigaction sa;
	struct wizard *wz;
	struct ur_err err;
	int rc;

	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "usbroute: map asks questions: run it on a "
		    "terminal (or see the map with 'usbroute map --list')\n");
		return EXIT_FAIL;
	}
	if ((wz = calloc(1, sizeof(*wz))) == NULL) {
		fprintf(stderr, "usbroute: out of memory\n");
		return EXIT_FAIL;
	}
	wz->cli = cli;
	if ((rc = open_machine(cli, &wz->m)) != EXIT_OK) {
		free(wz);
		return rc;
	}
	ur_portmap_init(&wz->pm, &cli->conf, wz->m.cs, wz->m.switchable,
	    &wz->m.pairs);
	if (ur_usbwatch_open(&wz->w, cli->conf.sysfs_root, wz->m.cs, 0,
	    &err) < 0) {
		ur_machine_close(&wz->m);
		free(wz);
		return fail(&err);
	}
	/* Ctrl-C interrupts poll and read; the loop says so and writes
	 * nothing (after putting back a SuperSpeed port it turned off).  A
	 * closed terminal (SIGHUP) or a kill (SIGTERM) is no "finished"
	 * either. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		ur_errf(&err, "cannot catch signals: %s", strerror(errno));
		ur_usbwatch_close(wz->w);
		ur_machine_close(&wz->m);
		free(wz);
		return fail(&err);
	}
	printf("Plug a device into each USB socket in turn (or move one "
	    "device around).\nEnter keeps the suggested name; Ctrl-D writes "
	    "the map to %s;\nCtrl-C stops without writing.\n",
	    cli->conf.path);
	say_held(wz);
	progress(wz);
	fflush(stdout);
	if (watch(wz) < 0) {
		printf("\n");
		fprintf(stderr, "usbroute: map stopped; nothing written\n");
		rc = EXIT_FAIL;
	} else {
		rc = finish(wz);
	}
	ur_usbwatch_close(wz->w);
	ur_machine_close(&wz->m);
	free(wz);
	return rc;
}

/* ------------------------------------------------------------- list */

struct listing {
	const struct ur_portmap *pm;
	char devs[UR_MAX_PORTS][256];
	char extra[1024];		/* on USB3 ports with no pair */
};

static void
list_dev(const struct ur_usbev *ev, void *arg)
{
	struct listing *l = arg;
	char what[200], *dst;
	size_t len, used;
	int bit = ev->loc.bit;

	if (bit < 0)
		bit = ur_portmap_bit_of_ss(l->pm, ev->loc.ss_port);
	describe(&ev->dev, what, sizeof(what));
	if (bit >= 0) {
		dst = l->devs[bit];
		len = sizeof(l->devs[bit]);
	} else {
		dst = l->extra;
		len = sizeof(l->extra);
	}
	used = strlen(dst);
	if (bit < 0)
		snprintf(dst + used, len - used, "  SuperSpeed port %d: %s "
		    "(no ss-pair yet)\n", ev->loc.ss_port, what);
	else
		snprintf(dst + used, len - used, "%s%s%s", used ? "; " : "",
		    what, ev->loc.behind_hub ? " (behind a hub)" : "");
}

static int
list(struct cli *cli)
{
	struct ur_machine m;
	struct ur_usbwatch *w;
	struct ur_portmap pm;
	struct ur_err err;
	struct listing *l;
	char word[16], ss[8];
	int rc, bit;

	if ((rc = open_machine(cli, &m)) != EXIT_OK)
		return rc;
	ur_portmap_init(&pm, &cli->conf, m.cs, m.switchable, &m.pairs);
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    ur_usbwatch_open(&w, cli->conf.sysfs_root, m.cs, 0, &err) < 0) {
		if (l == NULL)
			ur_errf(&err, "out of memory");
		free(l);
		ur_machine_close(&m);
		return fail(&err);
	}
	l->pm = &pm;
	ur_usbwatch_present(w, list_dev, l);
	ur_usbwatch_close(w);
	printf("%-9s %-16s %-4s %s\n", "PORT", "NAME", "USB3", "DEVICE");
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m.present & (1u << bit)))
			continue;
		ur_chipset_port_name(m.cs, bit, word, sizeof(word));
		snprintf(ss, sizeof(ss), "%d", pm.ss[bit]);
		printf("%-9s %-16s %-4s %s%s\n", word,
		    pm.name[bit][0] ? pm.name[bit] : "-",
		    pm.ss[bit] ? ss : "-", l->devs[bit][0] ? l->devs[bit] : "-",
		    m.switchable & (1u << bit) ? "" : " (not switchable)");
	}
	fputs(l->extra, stdout);
	printf("mapped %d of %d switchable ports (%s)\n",
	    ur_portmap_mapped(&pm), ur_portmap_total(&pm), cli->conf.path);
	free(l);
	ur_machine_close(&m);
	return EXIT_OK;
}

static int
cmd_map(struct cli *cli, const struct cmd_args *a)
{
	return cmd_opt(a, "--list") != NULL ? list(cli) : wizard(cli);
}

const struct cmd cmd_map_entry = {
	.name = "map", .run = cmd_map, .args = "", .min = 0, .max = 0,
	.opts = { { "--list", NULL, 0 } },
	.help = "name the sockets: plug a device into each; Ctrl-D writes "
	    "the map",
};
