/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "linebuf.h"

void
linebuf_reset(struct linebuf *lb)
{
	lb->len = 0;
	lb->discarding = 0;
}

int
linebuf_feed(struct linebuf *lb, const char *data, size_t n,
    linebuf_fn fn, void *arg)
{
	const char *nl;
	size_t seg;
	int rc;

	/* memchr, not strchr: the bytes may hold NULs. */
	while ((nl = memchr(data, '\n', n)) != NULL) {
		seg = (size_t)(nl - data);
		rc = 0;
		if (lb->discarding)
			lb->discarding = 0;	/* the end of the long one */
		else if (lb->len + seg > MAX_LINE)
			rc = fn(arg, NULL, 0);
		else {
			memcpy(lb->buf + lb->len, data, seg);
			lb->len += seg;
			lb->buf[lb->len] = '\0';
			rc = fn(arg, lb->buf, lb->len);
		}
		lb->len = 0;
		if (rc != 0)
			return rc;
		data = nl + 1;
		n -= seg + 1;
	}
	/* The unfinished rest: kept, unless it is already too long (said
	 * once, and skipped to its end). */
	if (n == 0 || lb->discarding)
		return 0;
	if (lb->len + n > MAX_LINE) {
		lb->discarding = 1;
		lb->len = 0;
		return fn(arg, NULL, 0);
	}
	memcpy(lb->buf + lb->len, data, n);
	lb->len += n;
	return 0;
}

int
linebuf_read(struct linebuf *lb, int fd, linebuf_fn fn, void *arg)
{
	char buf[512];
	ssize_t r;

	r = read(fd, buf, sizeof(buf));
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0)
		return -1;
	(void)linebuf_feed(lb, buf, (size_t)r, fn, arg);
	return 0;
}
