/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream sockets: unix ones by path (the daemon's control socket, QEMU's
 * end of a guest channel), and sending on any, TCP included. */
#ifndef UR_SOCK_H
#define UR_SOCK_H

#include <sys/socket.h>
#include <sys/un.h>

/* Fills sa for path; -1 with errno ENAMETOOLONG if it does not fit. */
int ur_sock_addr(struct sockaddr_un *sa, const char *path);

/* A connected socket (flags: SOCK_NONBLOCK or 0; always close-on-exec),
 * or -1 with errno from socket() or connect(). */
int ur_sock_connect(const char *path, int flags);

/* Sends all of data on a stream socket, across short sends and EINTR,
 * without SIGPIPE (MSG_NOSIGNAL): 0, or -1 with errno.  It never waits
 * for a peer that does not read: on a non-blocking socket whose buffer
 * is full, -1 with EAGAIN, part of data sent.  (ur_file_write_all is
 * the same for blocking files.) */
int ur_sock_send_all(int fd, const void *data, size_t len);

#endif
