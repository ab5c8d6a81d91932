/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging.  Under systemd, standard error is the journal: one line there
 * with its priority prefix, not a second copy through syslog.  Anywhere
 * else: syslog, and standard error so a foreground run shows what it
 * does. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "usbrouted.h"

/* Lines ud_log_later keeps for the end of the event loop's turn. */
#define LATER_MAX 8

static struct {
	int prio;
	char msg[1280];
} later[LATER_MAX];
static int nlater;

/*
 * Whether there is a syslog socket to send to.  Without one (a container,
 * a test, a system with no syslog daemon) glibc's syslog() tries to
 * connect again for every line: a socket, a connect and a close each
 * time.  Looked for at most every 10 s instead, so a syslog daemon that
 * starts later is found.
 */
static int
syslog_there(void)
{
	static double looked = -1e9;
	static int there;
	double t = ud_now();

	if (t - looked >= 10) {
		there = access(_PATH_LOG, F_OK) == 0;
		looked = t;
	}
	return there;
}

static void
put(int prio, const char *msg)
{
	static int journal = -1;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	if (journal) {
		fprintf(stderr, "<%d>%s\n", prio, msg);
		return;
	}
	if (syslog_there())
		syslog(prio, "%s", msg);
	fprintf(stderr, "usbrouted: %s\n", msg);
}

/* Names from guests, XML and clients: one line, no escapes.  (The
 * attribute: clang's -Wformat-nonliteral, in the sanitizer build.) */
static void __attribute__((format(printf, 3, 0)))
format(char *msg, size_t len, const char *fmt, va_list ap)
{
	char raw[1024];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	ur_err_esc(raw, msg, len);
}

void
ud_log_flush(void)
{
	int i;

	for (i = 0; i < nlater; i++)
		put(later[i].prio, later[i].msg);
	nlater = 0;
}

void
ud_log(int prio, const char *fmt, ...)
{
	char msg[1280];
	va_list ap;

	/* In the order they were said. */
	ud_log_flush();
	va_start(ap, fmt);
	format(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	put(prio, msg);
}

void
ud_log_later(int prio, const char *fmt, ...)
{
	va_list ap;

	if (nlater == LATER_MAX)
		ud_log_flush();
	later[nlater].prio = prio;
	va_start(ap, fmt);
	format(later[nlater].msg, sizeof(later[nlater].msg), fmt, ap);
	va_end(ap);
	nlater++;
}

double
ud_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
