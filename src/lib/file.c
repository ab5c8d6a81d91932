/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

ssize_t
ur_file_read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - (size_t)total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	if (total > 0 && buf[total - 1] == '\n')
		buf[--total] = '\0';
	return total;
}

char *
ur_file_read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1), *nbuf;
	ssize_t r;

	if (buf == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			nbuf = realloc(buf, cap * 2 + 1);
			if (nbuf == NULL) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
ur_file_write_all_by(int fd, const void *data, size_t len, ur_write_fn op)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = op(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)	/* not for len > 0; never loop on it */
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ur_file_write_all(int fd, const void *data, size_t len)
{
	return ur_file_write_all_by(fd, data, len, write);
}

int
ur_file_write_attr(const char *path, const char *data, struct ur_err *err)
{
	int fd;

	/* O_TRUNC as a shell redirection does: sysfs ignores it, a plain
	 * file in a simulation needs it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return ur_errf(err, "cannot open %s: %s", path, strerror(errno));
	if (ur_file_write_all(fd, data, strlen(data)) < 0) {
		int e = errno;

		close(fd);
		return ur_errf(err, "cannot write %s: %s", path, strerror(e));
	}
	if (close(fd) < 0)
		return ur_errf(err, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

int
ur_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct ur_err *err)
{
	char tmp[4096];
	int fd, e;

	if (ur_file_path(tmp, sizeof(tmp), "%s.tmp", path) < 0)
		return ur_errf(err, "path too long: %s", path);
	/* A .tmp left by a crash may have other permissions, or be a
	 * symlink someone put there: start from nothing. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0 && errno == EEXIST) {
		if (unlink(tmp) < 0)
			return ur_errf(err, "cannot remove %s: %s", tmp,
			    strerror(errno));
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
	}
	if (fd < 0)
		return ur_errf(err, "cannot create %s: %s", tmp, strerror(errno));
	if (ur_file_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return ur_errf(err, "cannot write %s: %s", tmp, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		return ur_errf(err, "cannot replace %s: %s", path, strerror(e));
	}
	return 0;
}

int
ur_file_mkdirs(const char *path, mode_t mode, struct ur_err *err)
{
	char buf[4096];
	struct stat st;
	char *p;

	if (*path == '\0')
		return ur_errf(err, "empty directory name");
	if (ur_file_path(buf, sizeof(buf), "%s", path) < 0)
		return ur_errf(err, "path too long: %s", path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return ur_errf(err, "cannot create directory %s: %s",
			    buf, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	/* EEXIST above may have been a file. */
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))
		return ur_errf(err, "%s exists and is not a directory", buf);
	return 0;
}

int
ur_file_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
