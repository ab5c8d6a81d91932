/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbrouted: one process, one libvirt event loop.  This header is what
 * its modules share: the daemon's state and each module's entry points. */
#ifndef USBROUTED_H
#define USBROUTED_H

#include <stdint.h>
#include <syslog.h>

#include "conf.h"
#include "machine.h"
#include "meta.h"
#include "linebuf.h"
#define MAX_DOMAINS 16

/* A guest's toggle device: QEMU's end of the domain's serial/channel. */
struct channel {
	int fd;			/* -1 while not connected */
	int watch;		/* libvirt event handle, -1 if none */
	char path[108];
	struct linebuf line;
	double tokens;		/* rate limit: switches the guest may make */
	double last;		/* when tokens were last refilled (s) */
	unsigned limited;	/* requests refused since the last log line */
	double limited_logged;
	double log_tokens;	/* log lines about the guest we may write */
	double log_last;
	unsigned held[3];	/* lines held back: binary, long, other */
};

/* A running domain that has usbroute metadata. */
struct domain {
	int used;
	char uuid[40];
	char name[128];
	struct ur_domain meta;
	struct channel chan;
	int retry_timer;	/* connecting to the channel, -1 if none */
	int retries;
};

struct daemon {
	const char *config_path;
	const char *sysfs_override, *state_override;
	struct ur_conf conf;
	struct ur_machine machine;
	int machine_open;
	double guest_rate;	/* switches per second */
	int drift_ms;
	int drift_timer;
	struct domain dom[MAX_DOMAINS];
	int quit;
};

extern struct daemon ud;

/* log.c */
/* The daemon-wide names carry its prefix, ud: its state, its log, its
 * clock. */
void ud_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A line written once the event loop's turn ends (ud_log_flush, from the
 * main loop), or before the next ud_log line, in order: what a client
 * waits for goes out first, the log of it after. */
void ud_log_later(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ud_log_flush(void);
double ud_now(void);

/* listen.c: the control socket and the TCP listener.  prepare opens
 * what conf names beside what serves now and changes nothing that
 * serves; then commit (the new serve, the old close) or abort. */
int listen_prepare(const struct ur_conf *conf, struct ur_err *err);
void listen_commit(void);
void listen_abort(void);
void listen_stop(void);

/* libvirt.c: the connection, its events, the running domains */
int lv_start(void);
void lv_stop(void);
struct domain *domain_lookup(const char *key, char *why, size_t len);
int lv_domain_xml(struct domain *d, char **xml);

/* channel.c: guest channels */
void channel_attach(struct domain *d);
void channel_detach(struct domain *d);

/* actions.c: what a request line does */
void action_host(const char *line, char *reply, size_t len);
void action_guest(struct domain *d, const char *line, char *reply,
    size_t len);
void drift_check(void);

/* follow.c: profiles that name devices follow them while domains run */
int follow_start(struct ur_err *err);
void follow_stop(void);
void follow_check(void);

/* hotkey.c: a key chord on the host's input devices toggles (its lines
 * were checked when the config was read: conf.c) */
int hotkey_start(struct ur_err *err);
void hotkey_stop(void);

#endif
