/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static char path[64];

static int
write_conf(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/usbroute-conf-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int
load(const char *text, struct ur_conf *c, struct ur_err *err)
{
	int rc;

	assert_int_equal(write_conf(text), 0);
	rc = ur_conf_load(c, path, 0, err);
	unlink(path);
	return rc;
}

static void
test_defaults(void **state)
{
	struct ur_conf c;
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_conf_load(&c, "/nonexistent/usbroute.conf", 1,
	    &err), 0);
	assert_string_equal(c.sysfs_root, "/sys");
	assert_string_equal(c.state_dir, "/run/usbroute");
	assert_int_equal(ur_conf_load(&c, "/nonexistent/usbroute.conf", 0,
	    &err), -1);
	assert_non_null(strstr(err.msg, "cannot read config"));
}

static void
test_full(void **state)
{
	struct ur_conf c;
	struct ur_err err;

	(void)state;
	assert_int_equal(load(
	    "# a comment\n"
	    "sysfs-root = /tmp/sim   # trailing comment\n"
	    "state-dir=/tmp/state\n"
	    "\n"
	    "port front-left = ehci1.3\n"
	    "port desk = ehci2.1-6, p0\n"
	    "ss-pair ehci1.1 = 1\n"
	    "libvirt-uri = qemu:///system\n"
	    "lock-timeout-ms = 250\n", &c, &err), 0);
	assert_string_equal(c.sysfs_root, "/tmp/sim");
	assert_string_equal(c.state_dir, "/tmp/state");
	assert_int_equal(c.nnames, 2);
	assert_string_equal(c.names[0].name, "front-left");
	assert_string_equal(c.names[1].words, "ehci2.1-6, p0");
	assert_int_equal(c.npairs, 1);
	assert_int_equal(c.pairs[0].ss_port, 1);
	assert_string_equal(ur_conf_get(&c, "libvirt-uri"), "qemu:///system");
	assert_null(ur_conf_get(&c, "listen-tcp"));
	assert_int_equal(c.lock_timeout_ms, 250);
}

static void
test_errors(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "sysfs-root\n", "line 1: expected 'key = value'" },
		{ "\nbogus = 1\n", "line 2: unknown key 'bogus'" },
		{ "sysfs-root = relative\n", "absolute path" },
		{ "port ehci9 = ehci1.1\n", "looks like a port word" },
		{ "port a = ehci1.1\nport a = ehci1.2\n", "already defined on line 1" },
		{ "port b@d = ehci1.1\n", "may hold only" },
		{ "port empty =\n", "has no port words" },
		{ "ss-pair ehci1.1 = 7\n", "from 1 to 6" },
		{ "ss-pair ehci1.1 = x\n", "from 1 to 6" },
		{ "lock-timeout-ms = -5\n", "lock-timeout-ms" },
		{ "state-dir extra = /x\n", "unexpected 'extra'" },
	};
	struct ur_conf c;
	struct ur_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i].text, &c, &err), -1);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i].text,
			    err.msg, bad[i].msg);
	}
}

/* hotkey-device may be given on several lines; each adds one, and keys
 * given once keep theirs. */
static void
test_multi(void **state)
{
	struct ur_conf c;
	struct ur_err err;

	(void)state;
	assert_int_equal(load(
	    "hook-xml-module = /x/run\n"
	    "hotkey-device = /dev/input/a\n"
	    "hotkey = KEY_LEFTCTRL+KEY_RIGHTCTRL\n"
	    "hotkey-device = /dev/input/b\n"
	    "hook-xml-module = /y/run\n", &c, &err), 0);
	assert_string_equal(ur_conf_get(&c, "hook-xml-module"), "/y/run");
	assert_string_equal(ur_conf_get(&c, "hotkey-device"), "/dev/input/a");
	assert_string_equal(ur_conf_get_nth(&c, "hotkey-device", 0),
	    "/dev/input/a");
	assert_string_equal(ur_conf_get_nth(&c, "hotkey-device", 1),
	    "/dev/input/b");
	assert_null(ur_conf_get_nth(&c, "hotkey-device", 2));
	assert_string_equal(ur_conf_get_nth(&c, "hook-xml-module", 0), "/y/run");
	assert_null(ur_conf_get_nth(&c, "hook-xml-module", 1));
}

static void
test_env_path(void **state)
{
	(void)state;
	setenv("USBROUTE_CONFIG", "/tmp/other.conf", 1);
	assert_string_equal(ur_conf_default_path(), "/tmp/other.conf");
	unsetenv("USBROUTE_CONFIG");
	assert_non_null(strstr(ur_conf_default_path(),
	    "/usbroute/usbroute.conf"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_env_path),
		cmocka_unit_test(test_multi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
