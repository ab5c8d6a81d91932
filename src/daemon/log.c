/* Logging: syslog (the journal under systemd) and standard error, so a
 * foreground run shows what it does. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "usbrouted.h"

void
dlog(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	syslog(prio, "%s", msg);
	fprintf(stderr, "usbrouted: %s\n", msg);
}

double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
