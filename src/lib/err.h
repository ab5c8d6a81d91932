/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error message, carried up to the program that prints it. */
#ifndef UR_ERR_H
#define UR_ERR_H

#include <stddef.h>

struct ur_err {
	char msg[512];
};

/* Sets the message and returns -1, so callers can write
 * "return ur_errf(err, ...);". */
int ur_errf(struct ur_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of the message already there. */
int ur_err_prefix(struct ur_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * s for a terminal or a log: control characters (newline, ESC, DEL ...)
 * written as \xHH, so a name from XML or argv can neither drive a
 * terminal nor split a one-line message.  A backslash stays itself, so
 * escaping twice changes nothing (an error prefixed is escaped again).  Cut with "..." to fit
 * len.  Returns buf.  Every message usbroute prints goes through it
 * (ur_errf does it for every error).
 */
const char *ur_err_esc(const char *s, char *buf, size_t len);

#endif
