/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "sock.h"

int
ur_sock_addr(struct sockaddr_un *sa, const char *path)
{
	size_t n = strlen(path);

	if (n >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}

int
ur_sock_connect(const char *path, int flags)
{
	struct sockaddr_un sa;
	int fd, e;

	if (ur_sock_addr(&sa, path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static ssize_t
send_nosignal(int fd, const void *data, size_t len)
{
	return send(fd, data, len, MSG_NOSIGNAL);
}

int
ur_sock_send_all(int fd, const void *data, size_t len)
{
	return ur_file_write_all_by(fd, data, len, send_nosignal);
}
