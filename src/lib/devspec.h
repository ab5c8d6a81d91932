/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A USB device as a profile names it: "046d:c52b" (vendor:product, hex
 * as lsusb prints them) or "046d:c52b/SERIAL" (one device of that kind,
 * by its iSerial string). */
#ifndef UR_DEVSPEC_H
#define UR_DEVSPEC_H

#include <stdint.h>

#include "err.h"

#define UR_DEVSPEC_MAX 8	/* devices one profile may name */
#define UR_SERIAL_MAX 64	/* serial string, with its NUL */

struct ur_devspec {
	uint16_t vid, pid;
	char serial[UR_SERIAL_MAX];	/* "" matches any serial */
};

/* One word.  The message says what is wrong with it. */
int ur_devspec_parse(const char *word, struct ur_devspec *s,
    struct ur_err *err);

/* Words separated by blanks or commas; at most max of them, no two the
 * same.  *n may be 0 (an empty list). */
int ur_devspec_list(const char *words, struct ur_devspec *out, int max,
    int *n, struct ur_err *err);

/* "046d:c52b" or "046d:c52b/SERIAL": what ur_devspec_parse reads back. */
void ur_devspec_format(const struct ur_devspec *s, char *buf, size_t len);

/* Does a device with these ids and this serial ("" if it has none) match? */
int ur_devspec_match(const struct ur_devspec *s, uint16_t vid, uint16_t pid,
    const char *serial);

#endif
