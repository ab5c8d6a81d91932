/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

const char *
ur_err_esc(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (len == 0)
		return buf;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = c < 0x20 || c == 0x7f ? 4 : 1;

		if (n + need + 1 > len) {
			/* "..." where it was cut, if there is room */
			while (n > 0 && n + 4 > len)
				n--;
			if (n + 4 <= len) {
				memcpy(buf + n, "...", 3);
				n += 3;
			}
			break;
		}
		if (need == 1) {
			buf[n++] = (char)c;
			continue;
		}
		buf[n++] = '\\';
		buf[n++] = 'x';
		buf[n++] = hex[c >> 4];
		buf[n++] = hex[c & 15];
	}
	buf[n] = '\0';
	return buf;
}

/* The message, made printable in place. */
static void
esc_msg(struct ur_err *err)
{
	char raw[sizeof(err->msg)];

	memcpy(raw, err->msg, sizeof(raw));
	ur_err_esc(raw, err->msg, sizeof(err->msg));
}

int
ur_errf(struct ur_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	esc_msg(err);
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
	esc_msg(err);
	return -1;
}
