/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request lines from a byte stream: the host's connections (listen.c)
 * and a guest's channel (channel.c) read through this one buffer. */
#ifndef USBROUTED_LINEBUF_H
#define USBROUTED_LINEBUF_H

#include <stddef.h>

#define MAX_LINE 256		/* longest request line */

struct linebuf {
	char buf[MAX_LINE + 1];
	size_t len;
	int discarding;		/* inside an overlong line */
};

/* A complete line, its '\n' replaced by NUL (n bytes before it; the
 * bytes may hold NULs), or line NULL once for each line over MAX_LINE
 * bytes, which is then skipped to its end.  Returns nonzero when the
 * stream is gone: feeding stops. */
typedef int (*linebuf_fn)(void *arg, char *line, size_t n);

void linebuf_reset(struct linebuf *lb);

/* Feeds n bytes read from the stream; returns nonzero if fn did. */
int linebuf_feed(struct linebuf *lb, const char *data, size_t n,
    linebuf_fn fn, void *arg);

/* One read of what the non-blocking fd has, fed as above: 0 (nothing
 * there yet is 0 too), or -1 when the peer closed or the read failed:
 * then the caller closes the stream. */
int linebuf_read(struct linebuf *lb, int fd, linebuf_fn fn, void *arg);

#endif
