/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the fuzz targets: the libFuzzer entry point and the checks
 * every target makes of a failed parse. */
#ifndef UR_FUZZ_H
#define UR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: libFuzzer reports the crash and keeps the input. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		__builtin_trap();					\
} while (0)

/* The input as a NUL-terminated string (cut at an embedded NUL). */
static inline char *
fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A message set by a failed call: NUL-terminated inside msg, not empty,
 * one line. */
static inline void
fuzz_check_msg(const struct ur_err *err)
{
	size_t n;

	n = strnlen(err->msg, sizeof(err->msg));
	FUZZ_CHECK(n < sizeof(err->msg));
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(memchr(err->msg, '\n', n) == NULL);
}

/* The same for a message that may quote input: a newline in it is the
 * input's own. */
static inline void
fuzz_check_msg_quoting(const struct ur_err *err, const char *input)
{
	size_t n;

	n = strnlen(err->msg, sizeof(err->msg));
	FUZZ_CHECK(n < sizeof(err->msg));
	FUZZ_CHECK(n > 0);
	if (strchr(input, '\n') == NULL)
		FUZZ_CHECK(memchr(err->msg, '\n', n) == NULL);
}

/* Fills err with a marker that a failed call must overwrite. */
static inline void
fuzz_err_init(struct ur_err *err)
{
	memset(err->msg, 'X', sizeof(err->msg));
	err->msg[0] = '\0';
}

#endif
