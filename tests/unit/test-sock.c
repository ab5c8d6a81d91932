/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"
#include "testutil.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	return tu_tmpdir(dir, sizeof(dir), "sock");
}

static int
teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

static void
test_addr(void **state)
{
	struct sockaddr_un sa;
	char longpath[200];

	(void)state;
	assert_int_equal(ur_sock_addr(&sa, "/run/usbroute/control"), 0);
	assert_int_equal(sa.sun_family, AF_UNIX);
	assert_string_equal(sa.sun_path, "/run/usbroute/control");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	errno = 0;
	assert_int_equal(ur_sock_addr(&sa, longpath), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
test_connect(void **state)
{
	struct sockaddr_un sa;
	char path[128];
	int lfd, fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/s", dir);
	errno = 0;
	assert_int_equal(ur_sock_connect(path, 0), -1);
	assert_int_equal(errno, ENOENT);

	assert_int_equal(ur_sock_addr(&sa, path), 0);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);

	fd = ur_sock_connect(path, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	/* what the flags promise: never inherited, and non-blocking */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	fd = ur_sock_connect(path, 0);
	assert_true(fd >= 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	close(lfd);
	/* a socket file nobody listens on: refused, as for a dead daemon */
	errno = 0;
	assert_int_equal(ur_sock_connect(path, 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
}

/* A peer that reads gets all of it; one whose buffer is full makes it
 * return at once (EAGAIN), never wait; one that is gone is EPIPE, not
 * SIGPIPE (which would end this test). */
static void
test_send_all(void **state)
{
	static char big[1 << 20], got[64];
	int sv[2];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	assert_int_equal(ur_sock_send_all(sv[0], "ok host\n", 8), 0);
	assert_int_equal(read(sv[1], got, sizeof(got)), 8);
	assert_memory_equal(got, "ok host\n", 8);
	/* more than any socket buffer: nobody reads sv[1] */
	errno = 0;
	assert_int_equal(ur_sock_send_all(sv[0], big, sizeof(big)), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(sv[1]);
	errno = 0;
	assert_int_equal(ur_sock_send_all(sv[0], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test(test_send_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
