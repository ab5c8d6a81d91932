/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chipset.h"
#include "file.h"
#include "power.h"
#include "sim.h"
#include "testutil.h"

/* A simulated 8-series chipset for each test; its xHCI's power/control
 * starts as "auto\n", as Linux leaves it. */
static char dir[64];
static char control[256];

static int
sim_setup(void **state)
{
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	if (tu_tmpdir(dir, sizeof(dir), "power") != 0)
		return -1;
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	if (ur_sim_create(dir, &dump, &err) < 0) {
		fprintf(stderr, "sim: %s\n", err.msg);
		return -1;
	}
	snprintf(control, sizeof(control), "%s/bus/pci/devices/%s/"
	    "power/control", dir, UR_ADDR_XHCI);
	return 0;
}

static int
sim_teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

/* power/control exactly as it is on disk (no newline stripping). */
static const char *
control_raw(void)
{
	static char buf[64];
	FILE *f;
	size_t n;

	f = fopen(control, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
set_control(const char *value)
{
	FILE *f = fopen(control, "w");

	assert_non_null(f);
	fputs(value, f);
	assert_int_equal(fclose(f), 0);
}

static void
test_hold_release(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	assert_string_equal(control_raw(), "auto\n");
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(control_raw(), "on");
	assert_string_equal(saved, "auto");

	/* Held twice: still "auto" remembered, not our own "on". */
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(saved, "auto");
	assert_string_equal(control_raw(), "on");

	assert_int_equal(ur_power_release(dir, saved, &err), 0);
	assert_string_equal(control_raw(), "auto");
	assert_string_equal(saved, "");

	/* Nothing saved: release writes nothing. */
	set_control("on\n");
	assert_int_equal(ur_power_release(dir, saved, &err), 0);
	assert_string_equal(control_raw(), "on\n");
	assert_string_equal(saved, "");
}

/* Held with the value the caller read just now: no second read needed,
 * the same result; "on" is not written again. */
static void
test_hold_from(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_power_hold_from(dir, "auto", saved, sizeof(saved),
	    &err), 0);
	assert_string_equal(control_raw(), "on");
	assert_string_equal(saved, "auto");
	set_control("on\n");
	assert_int_equal(ur_power_hold_from(dir, "on", saved, sizeof(saved),
	    &err), 0);
	assert_string_equal(control_raw(), "on\n");	/* not rewritten */
	assert_string_equal(saved, "auto");
}

static void
test_hold_already_on(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	/* The admin keeps it on: we remember "on" and leave it on. */
	set_control("on\n");
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(saved, "on");
	assert_string_equal(control_raw(), "on\n");	/* not rewritten */
	assert_int_equal(ur_power_release(dir, saved, &err), 0);
	assert_string_equal(saved, "");
	assert_string_equal(control_raw(), "on\n");
}

static void
test_hold_keeps_saved(void **state)
{
	char saved[16] = "on";
	struct ur_err err;

	(void)state;
	/*
	 * power.h: saved gets the old value "when saved is still empty".
	 * Here the first hold found "on" (the admin's) and something has
	 * since set "auto" (powertop, TLP): a second hold must put "on"
	 * back on the file but keep what was there before the first.
	 * BUG: ur_power_hold overwrites saved with "auto", so release later
	 * leaves runtime PM on "auto" instead of the admin's "on".
	 */
	set_control("auto\n");
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(control_raw(), "on");
	assert_string_equal(saved, "on");
}

static void
test_hold_short_saved(void **state)
{
	char saved[4] = "";
	struct ur_err err;

	(void)state;
	/* saved is cut to fit, never overrun. */
	set_control("auto\n");
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(saved, "aut");
	assert_string_equal(control_raw(), "on");
}

static void
test_missing_control(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	/* A kernel without runtime PM: nothing to hold, nothing created. */
	assert_int_equal(unlink(control), 0);
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), 0);
	assert_string_equal(saved, "");
	assert_int_equal(access(control, F_OK), -1);
	/* Nothing held, nothing to release. */
	assert_int_equal(ur_power_release(dir, saved, &err), 0);
	assert_int_equal(access(control, F_OK), -1);

	/* No xHCI directory at all. */
	assert_int_equal(ur_power_hold("/tmp/usbroute-power-nonexistent",
	    saved, sizeof(saved), &err), 0);
	assert_string_equal(saved, "");
}

static void
test_unwritable_control(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	/* Reads as "" and every write fails with ENOSPC, even for root. */
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(unlink(control), 0);
	assert_int_equal(symlink("/dev/full", control), 0);
	err.msg[0] = '\0';
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), -1);
	assert_non_null(strstr(err.msg, "cannot keep the xHCI powered while "
	    "ports are routed away from it: cannot write "));
	assert_non_null(strstr(err.msg, control));
	assert_non_null(strstr(err.msg, strerror(ENOSPC)));
	assert_string_equal(saved, "");	/* nothing held */

	/* A value we cannot put back: reported, and kept for next time. */
	snprintf(saved, sizeof(saved), "auto");
	err.msg[0] = '\0';
	assert_int_equal(ur_power_release(dir, saved, &err), -1);
	assert_non_null(strstr(err.msg, control));
	assert_non_null(strstr(err.msg, strerror(ENOSPC)));
	assert_string_equal(saved, "auto");
}

static void
test_unwritable_control_mode(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	/* Permissions mean nothing to root. */
	if (geteuid() == 0)
		skip();
	assert_int_equal(chmod(control, 0444), 0);
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), -1);
	assert_non_null(strstr(err.msg, "cannot keep the xHCI powered"));
	assert_non_null(strstr(err.msg, strerror(EACCES)));
	assert_string_equal(saved, "");
	assert_string_equal(control_raw(), "auto\n");
}

static void
test_unreadable_control(void **state)
{
	char saved[16] = "";
	struct ur_err err;

	(void)state;
	/* Something other than a missing file is an error. */
	assert_int_equal(unlink(control), 0);
	assert_int_equal(mkdir(control, 0755), 0);
	err.msg[0] = '\0';
	assert_int_equal(ur_power_hold(dir, saved, sizeof(saved), &err), -1);
	assert_non_null(strstr(err.msg, "cannot read"));
	assert_non_null(strstr(err.msg, control));
	assert_non_null(strstr(err.msg, strerror(EISDIR)));
	assert_string_equal(saved, "");
}

static void
test_long_root(void **state)
{
	char root[5000], saved[16] = "auto";
	struct ur_err err;

	(void)state;
	memset(root, 'r', sizeof(root));
	root[0] = '/';
	root[sizeof(root) - 1] = '\0';
	assert_int_equal(ur_power_hold(root, saved, sizeof(saved), &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(ur_power_release(root, saved, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	assert_string_equal(saved, "auto");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hold_release, sim_setup,
		    sim_teardown),
		cmocka_unit_test_setup_teardown(test_hold_from, sim_setup,
		    sim_teardown),
		cmocka_unit_test_setup_teardown(test_hold_already_on,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_hold_keeps_saved,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_hold_short_saved,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_missing_control,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_control,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_control_mode,
		    sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_control,
		    sim_setup, sim_teardown),
		cmocka_unit_test(test_long_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
