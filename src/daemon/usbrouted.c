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

struct daemon D;

static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	(void)write(sig_pipe[1], &c, 1);
	errno = e;
}

static int
numeric(const char *key, long dflt, long min, long max, long *v,
    struct ur_err *err)
{
	const char *s = ur_conf_get(&D.conf, key);
	char *end;

	*v = dflt;
	if (s == NULL)
		return 0;
	*v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *v < min || *v > max)
		return ur_errf(err, "%s: %s = '%s' must be a number from %ld "
		    "to %ld", D.conf.path, key, s, min, max);
	return 0;
}

/* Config, then the machine it names.  On failure the old ones stay. */
static int
load(struct ur_err *err)
{
	struct ur_conf old = D.conf;
	long rate, drift;

	if (ur_conf_load(&D.conf, D.config_path, 1, err) < 0)
		goto fail;
	if (D.sysfs_override != NULL)
		snprintf(D.conf.sysfs_root, sizeof(D.conf.sysfs_root), "%s",
		    D.sysfs_override);
	if (D.state_override != NULL)
		snprintf(D.conf.state_dir, sizeof(D.conf.state_dir), "%s",
		    D.state_override);
	if (numeric("guest-rate", 4, 1, 1000, &rate, err) < 0 ||
	    numeric("drift-check-ms", 1000, 0, 3600000, &drift, err) < 0)
		goto fail;
	if (D.machine_open)
		ur_machine_close(&D.machine);
	D.machine_open = 0;
	/* machine.conf points into D.conf, which now holds the new one. */
	if (ur_machine_open(&D.machine, &D.conf, err) < 0)
		goto fail_machine;
	D.machine_open = 1;
	D.guest_rate = (double)rate;
	D.drift_ms = (int)drift;
	return 0;
fail:
	D.conf = old;
	return -1;
fail_machine:
	D.conf = old;
	if (ur_machine_open(&D.machine, &D.conf, NULL) == 0)
		D.machine_open = 1;
	return -1;
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
		dlog(LOG_INFO, "the system resumed after %.0f s asleep; "
		    "checking the routing", s - before);
		drift_check();
	}
	before = s;
}

static void
reload(void)
{
	struct ur_err err;

	if (load(&err) < 0) {
		dlog(LOG_ERR, "SIGHUP: %s; keeping the old configuration",
		    err.msg);
		return;
	}
	listen_stop();
	if (listen_start(&err) < 0)
		dlog(LOG_ERR, "SIGHUP: %s", err.msg);
	follow_stop();
	if (follow_start(&err) < 0)
		dlog(LOG_ERR, "SIGHUP: %s", err.msg);
	if (hotkey_start(&err) < 0)
		dlog(LOG_ERR, "SIGHUP: %s; the hotkey is off", err.msg);
	virEventUpdateTimeout(D.drift_timer, D.drift_ms > 0 ? D.drift_ms : -1);
	dlog(LOG_INFO, "configuration reloaded from %s", D.config_path);
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
			D.quit = 1;
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

	D.config_path = ur_conf_default_path();
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
			slot = &D.config_path;
		else if (strcmp(argv[i], "--sysfs-root") == 0)
			slot = &D.sysfs_override;
		else if (strcmp(argv[i], "--state-dir") == 0)
			slot = &D.state_override;
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
	if (setup_signals() < 0) {
		fprintf(stderr, "usbrouted: cannot set up signals: %s\n",
		    strerror(errno));
		return 1;
	}
	if (listen_start(&err) < 0) {
		fprintf(stderr, "usbrouted: %s\n", err.msg);
		return 1;
	}
	D.drift_timer = virEventAddTimeout(D.drift_ms > 0 ? D.drift_ms : -1,
	    drift_timer, NULL, NULL);
	if (D.drift_timer < 0 ||
	    virEventAddTimeout(1000, resume_timer, NULL, NULL) < 0 ||
	    lv_start() < 0) {
		fprintf(stderr, "usbrouted: cannot start its timers\n");
		listen_stop();
		return 1;
	}
	if (follow_start(&err) < 0)
		dlog(LOG_ERR, "%s; device profiles will not follow their "
		    "devices", err.msg);
	if (hotkey_start(&err) < 0) {
		fprintf(stderr, "usbrouted: %s\n", err.msg);
		return 1;
	}
	dlog(LOG_INFO, "serving %s on %s", D.machine.cs->name,
	    D.conf.sysfs_root);
	drift_check();
	follow_check();
	notify_ready();
	while (!D.quit) {
		if (virEventRunDefaultImpl() < 0) {
			dlog(LOG_ERR, "event loop: %s", virGetLastErrorMessage());
			break;
		}
	}
	dlog(LOG_INFO, "stopping");
	hotkey_stop();
	follow_stop();
	lv_stop();
	listen_stop();
	if (D.machine_open)
		ur_machine_close(&D.machine);
	closelog();
	return 0;
}
