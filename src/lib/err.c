#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int
ur_errf(struct ur_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ur_err_prefix(struct ur_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t n, m;
	va_list ap;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* prefix, ": ", then as much of the old message as fits */
	n = strlen(err->msg);
	if (n > sizeof(err->msg) - 3)
		n = sizeof(err->msg) - 3;
	err->msg[n] = ':';
	err->msg[n + 1] = ' ';
	m = strnlen(old, sizeof(old));
	if (m > sizeof(err->msg) - n - 3)
		m = sizeof(err->msg) - n - 3;
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
	return -1;
}
