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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
