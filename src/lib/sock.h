/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unix stream sockets by path: the daemon's control socket, QEMU's end
 * of a guest channel. */
#ifndef UR_SOCK_H
#define UR_SOCK_H

#include <sys/socket.h>
#include <sys/un.h>

/* Fills sa for path; -1 with errno ENAMETOOLONG if it does not fit. */
int ur_sock_addr(struct sockaddr_un *sa, const char *path);

/* A connected socket (flags: SOCK_NONBLOCK or 0; always close-on-exec),
 * or -1 with errno from socket() or connect(). */
int ur_sock_connect(const char *path, int flags);

#endif
