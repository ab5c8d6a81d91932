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

#include "usbrouted.h"

void
ud_log(int prio, const char *fmt, ...)
{
	char raw[1024], msg[1280];
	va_list ap;

	static int journal = -1;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* Names from guests, XML and clients: one line, no escapes. */
	ur_err_esc(raw, msg, sizeof(msg));
	if (journal) {
		fprintf(stderr, "<%d>%s\n", prio, msg);
		return;
	}
	syslog(prio, "%s", msg);
	fprintf(stderr, "usbrouted: %s\n", msg);
}

double
ud_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
