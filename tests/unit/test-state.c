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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "testutil.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	return tu_tmpdir(dir, sizeof(dir), "state");
}

static int
teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

static struct ur_table
sample(void)
{
	struct ur_table t;

	ur_table_init(&t);
	snprintf(t.pm_saved, sizeof(t.pm_saved), "auto");
	t.pin_mask = 0x0003;
	t.pin_xhci = 0x0001;
	t.nowners = 2;
	snprintf(t.owner[0].id, sizeof(t.owner[0].id),
	    "4dea22b3-1d52-d8f3-2516-782e98ab3fa0");
	snprintf(t.owner[0].name, sizeof(t.owner[0].name), "win 10 %% gaming");
	snprintf(t.owner[0].profile, sizeof(t.owner[0].profile), "desk");
	t.owner[0].ctrls = 2;
	t.owner[0].ports = 0x3f00;
	t.owner[0].lent = 0x0100;
	snprintf(t.owner[1].id, sizeof(t.owner[1].id), "-");
	t.owner[1].ctrls = 1;
	t.owner[1].ports = 0x0004;
	/* The first owner holds ehci2.1 because of a device; the second
	 * names one that is not plugged in. */
	t.ndevs = 2;
	snprintf(t.dev[0].owner, sizeof(t.dev[0].owner), "%s", t.owner[0].id);
	snprintf(t.dev[0].device, sizeof(t.dev[0].device), "046d:c52b/K%%1");
	t.dev[0].bit = 8;
	snprintf(t.dev[1].owner, sizeof(t.dev[1].owner), "-");
	snprintf(t.dev[1].device, sizeof(t.dev[1].device), "1234:5678");
	t.dev[1].bit = -1;
	return t;
}

static void
test_round_trip(void **state)
{
	struct ur_table t = sample(), back;
	struct ur_err err;
	char buf[4096];

	(void)state;
	assert_true(ur_state_format(&t, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "win%2010%20%25%20gaming"));
	assert_non_null(strstr(buf, "\ndevice 4dea22b3-1d52-d8f3-2516-"
	    "782e98ab3fa0 046d:c52b/K%251 8\n"));
	assert_non_null(strstr(buf, "\ndevice %2d 1234:5678 -\n"));
	assert_int_equal(ur_state_parse(buf, "x", &back, &err), 0);
	assert_memory_equal(&t, &back, sizeof(t));
	assert_int_equal(ur_state_save(dir, &t, &err), 0);
	memset(&back, 0, sizeof(back));
	assert_int_equal(ur_state_load(dir, &back, &err), 0);
	assert_memory_equal(&t, &back, sizeof(t));
}

static void
test_missing_is_empty(void **state)
{
	struct ur_table t = sample();
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_state_load("/nonexistent-dir", &t, &err), 0);
	assert_int_equal(t.nowners, 0);
	assert_int_equal(t.pin_mask, 0);
}

static void
test_corrupt(void **state)
{
	static const char *bad[] = {
		"",
		"usbroute-state 2\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000",
		"usbroute-state 1\nowner a b c 0x9 0x0100 0x0000\n",
		"usbroute-state 1\nowner a b c 0x2 0x8000 0x0000\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0200\n",
		"usbroute-state 1\nowner %zz b c 0x2 0x0100 0x0000\n",
		"usbroute-state 1\nowner %00 b c 0x2 0x0100 0x0000\n",
		"usbroute-state 1\nowner - b c 0x2 0x0100 0x0000\n",
		"usbroute-state 1\npin 0x0001 0x0002\n",
		"usbroute-state 1\nsomething else\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "owner b b c 0x2 0x0100 0x0000\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "owner a b c 0x2 0x0200 0x0000\n",
		/* a device of no owner, on a port its owner does not hold,
		 * past the last port, or with a field missing */
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "device z 046d:c52b 8\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "device a 046d:c52b 9\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "device a 046d:c52b 15\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "device a 046d:c52b\n",
		"usbroute-state 1\nowner a b c 0x2 0x0100 0x0000\n"
		    "device a - 8\n",
	};
	struct ur_table t;
	struct ur_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ur_state_parse(bad[i], "owners", &t, &err) == 0)
			fail_msg("accepted corrupt state #%zu", i);
		assert_non_null(strstr(err.msg, "state file owners is corrupt"));
		assert_non_null(strstr(err.msg, "nothing was changed"));
		assert_int_equal(t.nowners, 0);
	}
}

static void
test_lock_excludes(void **state)
{
	struct ur_lock a, b;
	struct ur_err err;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(ur_state_lock(dir, 0, &a, &err), 0);
	/* flock is per open file: a second open in a child must wait, then
	 * time out with a message that says what to do. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (ur_state_lock(dir, 50, &b, &err) == 0)
			_exit(1);
		_exit(strstr(err.msg, "is locked by another usbroute") ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ur_state_unlock(&a);
	assert_int_equal(ur_state_lock(dir, 0, &b, &err), 0);
	ur_state_unlock(&b);
}

/* The hostile cases issue 7 found: a state directory someone else can
 * write, one that is a link, and a planted lock symlink with O_CREAT. */
static void
test_untrusted_dir(void **state)
{
	char path[128], target[128];
	struct ur_lock lk;
	struct ur_err err;
	struct stat st;

	(void)state;
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(ur_state_lock(dir, 0, &lk, &err), -1);
	assert_non_null(strstr(err.msg, "writable by everyone (mode 0777)"));
	assert_int_equal(chmod(dir, 0770), 0);
	assert_int_equal(ur_state_dir_trusted(dir, &err), -1);
	assert_non_null(strstr(err.msg, "writable by its group"));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(ur_state_dir_trusted(dir, &err), 0);
	/* Owned by someone else (root can make that case; as another user
	 * the directory is already someone else's to that user). */
	if (geteuid() == 0) {
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_int_equal(ur_state_lock(dir, 0, &lk, &err), -1);
		assert_non_null(strstr(err.msg, "belongs to uid 65534, neither "
		    "root nor you"));
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	/* The directory itself a link to a good one. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(target, sizeof(target), "%s/link", dir);
	assert_int_equal(symlink(path, target), 0);
	assert_int_equal(ur_state_lock(target, 0, &lk, &err), -1);
	assert_non_null(strstr(err.msg, "not a link"));
	/* A planted lock link: refused, its target never created. */
	snprintf(path, sizeof(path), "%s/lock", dir);
	snprintf(target, sizeof(target), "%s/created-through-link", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ur_state_lock(dir, 0, &lk, &err), -1);
	assert_non_null(strstr(err.msg, "a symbolic link: not followed"));
	assert_int_equal(lstat(target, &st), -1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ur_state_lock(dir, 0, &lk, &err), 0);
	ur_state_unlock(&lk);
}

static void
test_atomic_no_tmp_left(void **state)
{
	struct ur_table t = sample();
	struct ur_err err;
	char path[128];

	(void)state;
	assert_int_equal(ur_state_save(dir, &t, &err), 0);
	snprintf(path, sizeof(path), "%s/owners.tmp", dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* A kept lock file: dropped, the lock is free to others; taken again,
 * it excludes them; once the file at the path is another, relock takes
 * the new one (a lock on a removed file would exclude nobody). */
static void
test_relock_kept_file(void **state)
{
	struct ur_lock k = { -1 }, b;
	struct ur_err err;
	struct stat st1, st2;
	char path[128];
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(ur_state_relock(dir, 0, &k, &err), 0);
	ur_state_unlock_keep(&k);
	assert_true(k.fd >= 0);
	assert_int_equal(ur_state_lock(dir, 0, &b, &err), 0);
	ur_state_unlock(&b);
	assert_int_equal(ur_state_relock(dir, 0, &k, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(ur_state_lock(dir, 30, &b, &err) == 0 ? 1 : 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ur_state_unlock_keep(&k);
	snprintf(path, sizeof(path), "%s/lock", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ur_state_relock(dir, 0, &k, &err), 0);
	assert_int_equal(fstat(k.fd, &st1), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino && st1.st_dev == st2.st_dev);
	ur_state_unlock(&k);
}

/* The hook front's question, "does this UUID hold ports?": no table
 * yet is "no", and creates nothing (a domain that is none of ours must
 * not make the state directory). */
static void
test_holds(void **state)
{
	struct ur_table t = sample();
	struct ur_err err;
	char sub[128];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/not-yet", dir);
	assert_int_equal(ur_state_holds(sub, "x", 0, &err), 0);
	assert_int_equal(access(sub, F_OK), -1);
	assert_int_equal(ur_state_save(dir, &t, &err), 0);
	assert_int_equal(ur_state_holds(dir,
	    "4dea22b3-1d52-d8f3-2516-782e98ab3fa0", 0, &err), 1);
	/* a part of an id is not the id (the old lookup was a strstr) */
	assert_int_equal(ur_state_holds(dir, "4dea22b3", 0, &err), 0);
	assert_int_equal(ur_state_holds(dir, "desk", 0, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test(test_missing_is_empty),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test_setup_teardown(test_lock_excludes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_atomic_no_tmp_left, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relock_kept_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
