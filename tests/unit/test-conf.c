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

struct bad {
	const char *text, *msg;
};

/* Each text is refused with one line holding its msg. */
static void
refused(const struct bad *bad, size_t n)
{
	struct ur_conf c;
	struct ur_err err;
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(load(bad[i].text, &c, &err), -1);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i].text,
			    err.msg, bad[i].msg);
		if (strchr(err.msg, '\n') != NULL)
			fail_msg("'%s': more than one line", bad[i].text);
	}
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
	static const struct bad bad[] = {
		{ "sysfs-root\n", "line 1: expected 'key = value'" },
		{ "\nbogus = 1\n", "line 2: unknown key 'bogus'" },
		{ "sysfs-root = relative\n", "line 1: sysfs-root = 'relative' "
		    "must be an absolute path, like /sys" },
		{ "state-dir = run\n", "state-dir = 'run' must be an absolute "
		    "path" },
		{ "port ehci9 = ehci1.1\n", "looks like a port word" },
		{ "port a = ehci1.1\nport a = ehci1.2\n", "already defined on line 1" },
		{ "port b@d = ehci1.1\n", "may hold only" },
		{ "port empty =\n", "has no port words" },
		{ "ss-pair ehci1.1 = 7\n", "from 1 to 6" },
		{ "ss-pair ehci1.1 = x\n", "from 1 to 6" },
		{ "lock-timeout-ms = -5\n", "line 1: lock-timeout-ms = '-5' "
		    "must be a number from 0 to 600000" },
		{ "state-dir extra = /x\n", "unexpected 'extra'" },
	};

	(void)state;
	refused(bad, sizeof(bad) / sizeof(bad[0]));
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

/* Each key's type, judged when the file is read: one line naming the
 * file, the line, the key and what to write. */
static void
test_types(void **state)
{
	static const struct bad bad[] = {
		{ "guest-rate = fast\n", "line 1: guest-rate = 'fast' must be "
		    "a number from 1 to 1000" },
		{ "\nallow-remote-listen = maybe\n", "line 2: "
		    "allow-remote-listen = 'maybe' must be yes or no" },
		{ "listen-tcp = localhost\n", "line 1: listen-tcp = "
		    "'localhost': write it as 127.0.0.1:PORT or [::1]:PORT" },
		{ "listen-tcp = 0.0.0.0:4000\n", "line 1: listen-tcp = "
		    "0.0.0.0:4000 is not a loopback address" },
		{ "allow-remote-listen = no\nlisten-tcp = [::]:4000\n",
		    "line 2: listen-tcp = [::]:4000 is not a loopback" },
		{ "control-group = no-such-group-here\n", "line 1: "
		    "control-group = 'no-such-group-here': no such group on "
		    "this machine; create it" },
		{ "control-socket = run/control\n", "line 1: control-socket "
		    "= 'run/control' must be an absolute path shorter than "
		    "108 characters" },
		{ "control-socket = /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaa\n", "must be an absolute path shorter than 108" },
		{ "hotkey = KEY_LEFTCTRL+KEY_CTRL\n", "line 1: hotkey "
		    "'KEY_LEFTCTRL+KEY_CTRL': unknown key 'KEY_CTRL'" },
		{ "hotkey = KEY_A\n", "one key alone" },
		{ "hotkey-device = dev/input/kbd\n", "line 1: hotkey-device = "
		    "'dev/input/kbd' must be an absolute path, like "
		    "/dev/input/by-id/" },
		{ "hotkey-device = /a\nhotkey-device = /b\nhotkey-device = "
		    "/c\nhotkey-device = /d\nhotkey-device = /e\nhotkey-device "
		    "= /f\nhotkey-device = /g\nhotkey-device = /h\n"
		    "hotkey-device = /i\n", "line 9: more than 8 hotkey-device "
		    "lines" },
	};

	(void)state;
	refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* Good values through the typed accessors; defaults when not given. */
static void
test_typed(void **state)
{
	struct sockaddr_storage ss;
	struct ur_chord ch;
	struct ur_conf c;
	struct ur_err err;
	socklen_t len;
	int loopback;
	gid_t gid = 1;
	char show[64];

	(void)state;
	assert_int_equal(load("", &c, &err), 0);
	assert_int_equal(ur_conf_int(&c, "guest-rate"), 4);
	assert_int_equal(ur_conf_bool(&c, "allow-remote-listen"), 0);
	assert_int_equal(ur_conf_addr(&c, "listen-tcp", &ss, &len, &loopback),
	    0);
	assert_int_equal(ur_conf_group(&c, "control-group", &gid, &err), 0);
	ur_conf_chord(&c, "hotkey", &ch);
	ur_key_chord_format(&ch, show, sizeof(show));
	assert_string_equal(show, "KEY_LEFTCTRL+KEY_RIGHTCTRL");
	assert_string_equal(ur_conf_control_socket(&c), "/run/usbroute/control");

	assert_int_equal(load(
	    "guest-rate = 20\n"
	    "listen-tcp = 0.0.0.0:4000\n"
	    "allow-remote-listen = yes\n"
	    "control-group = root\n"
	    "control-socket = /tmp/ctl\n"
	    "hotkey = KEY_RIGHTALT+KEY_SCROLLLOCK\n", &c, &err), 0);
	assert_int_equal(ur_conf_int(&c, "guest-rate"), 20);
	assert_int_equal(ur_conf_bool(&c, "allow-remote-listen"), 1);
	assert_int_equal(ur_conf_addr(&c, "listen-tcp", &ss, &len, &loopback),
	    1);
	assert_int_equal(loopback, 0);
	assert_int_equal(ur_conf_group(&c, "control-group", &gid, &err), 1);
	assert_int_equal(gid, 0);
	ur_conf_chord(&c, "hotkey", &ch);
	ur_key_chord_format(&ch, show, sizeof(show));
	assert_string_equal(show, "KEY_RIGHTALT+KEY_SCROLLLOCK");
	assert_string_equal(ur_conf_control_socket(&c), "/tmp/ctl");
}

/* doctor's reading: every bad line noted, in the file's order, the good
 * ones taken, each bad key at its default; the same file stops
 * ur_conf_load at its first bad line. */
static void
test_load_all(void **state)
{
	static struct ur_conf c, strict;
	struct ur_conf_problems pr;
	struct ur_chord ch;
	struct ur_err err;
	char text[2048], show[64];

	(void)state;
	snprintf(text, sizeof(text),
	    "guest-rate = fast\n"
	    "drift-check-ms = 250\n"
	    "listen-tcp = 0.0.0.0:4000\n"
	    "bogus = 1\n"
	    "port desk = ehci2.1\n"
	    "hotkey = KEY_CTRL+KEY_A\n"
	    "libvirt-uri = %01100d\n"
	    "control-socket = /tmp/ctl\n"
	    "sysfs-root = sim\n"
	    "state-dir = /tmp/st\n", 0);
	assert_int_equal(write_conf(text), 0);
	assert_int_equal(ur_conf_load_all(&c, path, 0, &pr, &err), 0);
	assert_int_equal(ur_conf_load(&strict, path, 0, &err), -1);
	unlink(path);
	assert_non_null(strstr(err.msg, "line 1: guest-rate = 'fast'"));

	assert_int_equal(pr.n, 6);
	assert_int_equal(pr.more, 0);
	assert_int_equal(pr.p[0].line, 1);
	assert_string_equal(pr.p[0].key, "guest-rate");
	assert_non_null(strstr(pr.p[0].msg, "line 1: guest-rate = 'fast' "
	    "must be a number from 1 to 1000"));
	assert_int_equal(pr.p[1].line, 3);
	assert_string_equal(pr.p[1].key, "listen-tcp");
	assert_non_null(strstr(pr.p[1].msg, "not a loopback address"));
	assert_int_equal(pr.p[2].line, 4);
	assert_non_null(strstr(pr.p[2].msg, "unknown key 'bogus'"));
	assert_int_equal(pr.p[3].line, 6);
	assert_non_null(strstr(pr.p[3].msg, "unknown key 'KEY_CTRL'"));
	assert_int_equal(pr.p[4].line, 7);
	assert_string_equal(pr.p[4].key, "libvirt-uri");
	assert_non_null(strstr(pr.p[4].msg, "line 7: line too long"));
	assert_int_equal(pr.p[5].line, 9);
	assert_string_equal(pr.p[5].key, "sysfs-root");
	assert_string_equal(c.sysfs_root, "/sys");
	assert_string_equal(c.state_dir, "/tmp/st");

	assert_int_equal(ur_conf_int(&c, "guest-rate"), 4);
	assert_int_equal(ur_conf_int(&c, "drift-check-ms"), 250);
	assert_null(ur_conf_get(&c, "listen-tcp"));
	assert_null(ur_conf_get(&c, "libvirt-uri"));
	ur_conf_chord(&c, "hotkey", &ch);
	ur_key_chord_format(&ch, show, sizeof(show));
	assert_string_equal(show, "KEY_LEFTCTRL+KEY_RIGHTCTRL");
	assert_int_equal(c.nnames, 1);
	assert_string_equal(ur_conf_control_socket(&c), "/tmp/ctl");

	/* A named file that is not there: one problem, the defaults. */
	assert_int_equal(ur_conf_load_all(&c, "/nonexistent/u.conf", 0, &pr,
	    &err), 0);
	assert_int_equal(pr.n, 1);
	assert_int_equal(pr.p[0].line, 0);
	assert_non_null(strstr(pr.p[0].msg, "cannot read config"));
	assert_string_equal(c.sysfs_root, "/sys");
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
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_load_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
