/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small file helpers: whole-file reads of sysfs-style attributes and
 * atomic replacement of a file. */
#ifndef UR_FILE_H
#define UR_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Reads up to len-1 bytes of path into buf, NUL-terminated, with one
 * trailing newline removed.  Returns the length or -1 (errno set). */
ssize_t ur_file_read_attr(const char *path, char *buf, size_t len);

/* Reads fd to its end into a NUL-terminated buffer the caller frees;
 * NULL with errno set (EFBIG past max bytes). */
char *ur_file_read_all(int fd, size_t max, size_t *len);

/* Writes data to path as it is (a sysfs attribute: no temp file). */
int ur_file_write_attr(const char *path, const char *data, struct ur_err *err);

/* Writes all of data to fd, across short writes and EINTR: 0, or -1 with
 * errno set. */
int ur_file_write_all(int fd, const void *data, size_t len);

/* The one loop under ur_file_write_all and ur_sock_send_all (sock.h):
 * op (write(2), or a send without SIGPIPE) until all of data is out. */
typedef ssize_t (*ur_write_fn)(int fd, const void *data, size_t len);
int ur_file_write_all_by(int fd, const void *data, size_t len,
    ur_write_fn op);

/* Writes data to path.tmp, fsyncs it and renames it over path, so a
 * reader sees the old file or the new one, never half of one. */
int ur_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct ur_err *err);

/* mkdir -p with the given mode for created directories. */
int ur_file_mkdirs(const char *path, mode_t mode, struct ur_err *err);

/* snprintf that reports truncation as an error. */
int ur_file_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
