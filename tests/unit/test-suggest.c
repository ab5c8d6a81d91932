/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "suggest.h"

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(ur_suggest_distance("status", "status"), 0);
	assert_int_equal(ur_suggest_distance("stauts", "status"), 1);	/* swap */
	assert_int_equal(ur_suggest_distance("ehc2.1", "ehci2.1"), 1);
	assert_int_equal(ur_suggest_distance("win10", "Win10"), 0);	/* case */
	assert_int_equal(ur_suggest_distance("", "abc"), 3);
	assert_int_equal(ur_suggest_distance("kitten", "sitting"), 3);
	assert_true(ur_suggest_distance("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") > 2);
}

static void
test_suggest(void **state)
{
	const char *cmds[] = { "status", "doctor", "claim", "release", NULL,
	    "set" };

	(void)state;
	assert_string_equal(ur_suggest("stauts", cmds, 6), "status");
	assert_string_equal(ur_suggest("clam", cmds, 6), "claim");
	assert_string_equal(ur_suggest("STATUS", cmds, 6), "status");
	/* An exact word is no typo; far words get no guess. */
	assert_null(ur_suggest("status", cmds, 6));
	assert_null(ur_suggest("xyzzy", cmds, 6));
	/* Two edits in a 3-letter word is a different word. */
	assert_null(ur_suggest("sux", cmds, 6));
	assert_null(ur_suggest("x", cmds, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
