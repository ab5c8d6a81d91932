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

#endif
