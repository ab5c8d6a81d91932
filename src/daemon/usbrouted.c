/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbrouted: switch a running domain's USB ports between guest and host,
 * from the host (control socket, TCP) and from the guest (its serial
 * port), and keep the routing from drifting.  See usbrouted(8).
 *
 * One thread, libvirt's default event loop: our sockets, the guest
 * channels, the timers and the libvirt connection all run in it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>

#include "usbrouted.h"

struct daemon ud;

static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	/* glibc's warn_unused_result does not accept a (void) cast. */
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending already */
	}
	errno = e;
}

/* A configuration read and checked, with the machine it names, not yet
 * in use (static: struct ur_conf is large). */
static struct staged {
	struct ur_conf conf;
	struct ur_machine machine;
	long rate, drift;
} S;

/* Config, then the machine it names, into S; nothing in use changes. */
static int
load(struct ur_err *err)
{
	if (ur_conf_load(&S.conf, ud.config_path, 1, err) < 0)
		return -1;
	if (ud.sysfs_override != NULL)
		snprintf(S.conf.sysfs_root, sizeof(S.conf.sysfs_root), "%s",
		    ud.sysfs_override);
	if (ud.state_override != NULL)
		snprintf(S.conf.state_dir, sizeof(S.conf.state_dir), "%s",
		    ud.state_override);
	/* Checked in range when the file was read (conf.c). */
	S.rate = ur_conf_int(&S.conf, "guest-rate");
	S.drift = ur_conf_int(&S.conf, "drift-check-ms");
	return ur_machine_open(&S.machine, &S.conf, err);
}

/* S becomes the daemon's configuration and machine. */
static void
adopt(void)
{
	if (ud.machine_open)
		ur_machine_close(&ud.machine);
	ud.conf = S.conf;
	ud.machine = S.machine;
	ud.machine.conf = &ud.conf;	/* it pointed at S.conf */
	/* Every toggle takes the state lock: open its file once. */
	ud.machine.keep_lock = 1;
	ud.machine_open = 1;
	ud.guest_rate = (double)S.rate;
	ud.drift_ms = (int)S.drift;
}

static void
drift_timer(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
	drift_check();
}

/* Seconds the machine has spent suspended since boot: CLOCK_BOOTTIME
 * counts them, CLOCK_MONOTONIC does not. */
static double
slept(void)
{
	struct timespec b, m;

	if (clock_gettime(CLOCK_BOOTTIME, &b) < 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &m) < 0)
		return 0;
	return (double)(b.tv_sec - m.tv_sec) +
	    (double)(b.tv_nsec - m.tv_nsec) / 1e9;
}

/*
 * Linux re-routes every port to the xHCI when it resumes: look at once
 * after a suspend rather than at the next drift check (which may be off).
 */
static void
resume_timer(int timer, void *opaque)
{
	static double before = -1;
	double s = slept();

	(void)timer;
	(void)opaque;
	if (before >= 0 && s - before > 0.5) {
		ud_log(LOG_INFO, "the system resumed after %.0f s asleep; "
		    "checking the routing", s - before);
		drift_check();
	}
	before = s;
}

/* All of the new configuration, its machine and its sockets, or none:
 * a reload that fails leaves the daemon serving as it was. */
static void
reload(void)
{
	struct ur_err err;

	if (load(&err) < 0) {
		ud_log(LOG_ERR, "SIGHUP: %s; keeping the old configuration",
		    err.msg);
		return;
	}
	if (listen_prepare(&S.conf, &err) < 0) {
		ur_machine_close(&S.machine);
		ud_log(LOG_ERR, "SIGHUP: %s; keeping the old configuration",
		    err.msg);
		return;
	}
	adopt();
	listen_commit();
	/* Device following and the hotkey read ud.conf: started again on
	 * the configuration just adopted. */
	follow_stop();
	if (follow_start(&err) < 0)
		ud_log(LOG_ERR, "SIGHUP: %s", err.msg);
	if (hotkey_start(&err) < 0)
		ud_log(LOG_ERR, "SIGHUP: %s; the hotkey is off", err.msg);
	virEventUpdateTimeout(ud.drift_timer,
	    ud.drift_ms > 0 ? ud.drift_ms : -1);
	ud_log(LOG_INFO, "configuration reloaded from %s", ud.config_path);
}

static void
signal_read(int watch, int fd, int events, void *opaque)
{
	unsigned char c;

	(void)watch;
	(void)events;
	(void)opaque;
	while (read(fd, &c, 1) == 1) {
		if (c == SIGHUP)
			reload();
		else
			ud.quit = 1;
	}
}

/* systemd's readiness notification, without libsystemd. */
static void
notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	(void)sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path)));
	close(fd);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: usbrouted [--config FILE] [--sysfs-root DIR] "
	    "[--state-dir DIR]\n"
	    "Switches running domains' USB ports between guest and host; "
	    "see usbrouted(8).\n"
	    "  --config FILE     default %s\n"
	    "  --sysfs-root DIR  override sysfs-root of the config\n"
	    "  --state-dir DIR   override state-dir of the config\n",
	    ur_conf_default_path());
}

static int
options(int argc, char **argv)
{
	const char **slot;
	int i;

	ud.config_path = ur_conf_default_path();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("usbrouted %s\n", PACKAGE_VERSION);
			exit(0);
		}
		if (strcmp(argv[i], "--config") == 0)
			slot = &ud.config_path;
		else if (strcmp(argv[i], "--sysfs-root") == 0)
			slot = &ud.sysfs_override;
		else if (strcmp(argv[i], "--state-dir") == 0)
			slot = &ud.state_override;
		else {
			fprintf(stderr, "usbrouted: unknown argument '%s'\n",
			    argv[i]);
			usage(stderr);
			return -1;
		}
		if (++i == argc) {
			fprintf(stderr, "usbrouted: %s needs a value\n",
			    argv[i - 1]);
			return -1;
		}
		*slot = argv[i];
	}
	return 0;
}

static int
setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return virEventAddHandle(sig_pipe[0], VIR_EVENT_HANDLE_READABLE,
	    signal_read, NULL, NULL) < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct ur_err err;

	if (options(argc, argv) < 0)
		return 2;
	/* NDELAY: connect to syslog once, not on every toggle. */
	openlog("usbrouted", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	xmlInitParser();
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		fprintf(stderr, "usbrouted: cannot start libvirt's event "
		    "loop\n");
		return 1;
	}
	if (load(&err) < 0) {
		fprintf(stderr, "usbrouted: %s\n", err.msg);
		return 1;
	}
	adopt();
	if (setup_signals() < 0) {
		fprintf(stderr, "usbrouted: cannot set up signals: %s\n",
		    strerror(errno));
		return 1;
	}
	/* Nothing is logged until all sockets are up, so a refusal is
	 * the only line. */
	if (listen_prepare(&ud.conf, &err) < 0) {
		fprintf(stderr, "usbrouted: %s\n", err.msg);
		return 1;
	}
	listen_commit();
	ud.drift_timer = virEventAddTimeout(ud.drift_ms > 0 ? ud.drift_ms : -1,
	    drift_timer, NULL, NULL);
	if (ud.drift_timer < 0 ||
	    virEventAddTimeout(1000, resume_timer, NULL, NULL) < 0 ||
	    lv_start() < 0) {
		fprintf(stderr, "usbrouted: cannot start its timers\n");
		listen_stop();
		return 1;
	}
	if (follow_start(&err) < 0)
		ud_log(LOG_ERR, "%s; device profiles will not follow their "
		    "devices", err.msg);
	if (hotkey_start(&err) < 0) {
		fprintf(stderr, "usbrouted: %s\n", err.msg);
		return 1;
	}
	ud_log(LOG_INFO, "serving %s on %s", ud.machine.cs->name,
	    ud.conf.sysfs_root);
	drift_check();
	follow_check();
	notify_ready();
	while (!ud.quit) {
		if (virEventRunDefaultImpl() < 0) {
			ud_log(LOG_ERR, "event loop: %s",
			    virGetLastErrorMessage());
			break;
		}
		ud_log_flush();
	}
	ud_log(LOG_INFO, "stopping");
	hotkey_stop();
	follow_stop();
	lv_stop();
	listen_stop();
	if (ud.machine_open)
		ur_machine_close(&ud.machine);
	closelog();
	return 0;
}
