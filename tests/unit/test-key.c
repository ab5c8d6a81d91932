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

#include "key.h"

#define HEADER "/usr/include/linux/input-event-codes.h"
#define EV_KEY 1
#define EV_SYN 0

/* Every name of the table has the kernel header's number. */
static void
test_table_matches_header(void **state)
{
	char line[256], name[64];
	const char *ours;
	long value;
	size_t i;
	int code, checked = 0, found;
	FILE *f;

	(void)state;
	f = fopen(HEADER, "r");
	if (f == NULL)
		fail_msg("cannot read %s (install linux-libc-dev)", HEADER);
	for (i = 0; (ours = ur_key_at(i, &code)) != NULL; i++) {
		found = 0;
		rewind(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "#define %63s %li", name, &value) != 2 ||
			    strcmp(name, ours) != 0)
				continue;
			if (value != code)
				fail_msg("%s is %ld in %s, %d in keys.c", ours,
				    value, HEADER, code);
			found = 1;
			break;
		}
		if (!found)
			fail_msg("%s is not in %s", ours, HEADER);
		checked++;
	}
	assert_int_equal(fclose(f), 0);
	assert_true(checked > 100);
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(ur_key_code("KEY_LEFTCTRL"), 29);
	assert_int_equal(ur_key_code("leftctrl"), 29);
	assert_int_equal(ur_key_code("KEY_SCROLLLOCK"), 70);
	assert_int_equal(ur_key_code("183"), 183);
	assert_int_equal(ur_key_code("KEY_NOSUCH"), -1);
	assert_int_equal(ur_key_code("0"), -1);
	assert_int_equal(ur_key_code("768"), -1);
	assert_int_equal(ur_key_code("29x"), -1);
	assert_string_equal(ur_key_name(97), "KEY_RIGHTCTRL");
	assert_null(ur_key_name(700));
}

static void
test_chord_parse(void **state)
{
	struct ur_chord c;
	struct ur_err err;
	char buf[128];

	(void)state;
	assert_int_equal(ur_key_chord_parse("KEY_LEFTCTRL+KEY_RIGHTCTRL", &c,
	    &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.code[0], 29);
	assert_int_equal(c.code[1], 97);
	assert_int_equal(ur_key_chord_parse(" leftalt + KEY_F12 + 200 ", &c,
	    &err), 0);
	ur_key_chord_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "KEY_LEFTALT+KEY_F12+200");

	assert_int_equal(ur_key_chord_parse("KEY_LEFTCTRL+KEY_CTRL", &c, &err),
	    -1);
	assert_string_equal(err.msg, "hotkey 'KEY_LEFTCTRL+KEY_CTRL': "
	    "unknown key 'KEY_CTRL'; use KEY_* names of "
	    "linux/input-event-codes.h (KEY_LEFTCTRL, KEY_SCROLLLOCK, ...) or "
	    "key numbers");
	assert_int_equal(ur_key_chord_parse("KEY_PAUSE", &c, &err), -1);
	assert_non_null(strstr(err.msg, "one key alone"));
	assert_int_equal(ur_key_chord_parse("KEY_A+", &c, &err), -1);
	assert_non_null(strstr(err.msg, "a key is missing"));
	assert_int_equal(ur_key_chord_parse("KEY_A+a", &c, &err), -1);
	assert_non_null(strstr(err.msg, "twice"));
	assert_int_equal(ur_key_chord_parse("a+b+c+d+e", &c, &err), -1);
	assert_non_null(strstr(err.msg, "more than 4 keys"));
}

static int
feed(const struct ur_chord *c, struct ur_chord_state *s, unsigned code,
    int value)
{
	int fired = ur_key_chord_feed(c, s, EV_KEY, code, value);

	/* What a keyboard sends after every key event. */
	assert_int_equal(ur_key_chord_feed(c, s, EV_SYN, 0, 0), 0);
	return fired;
}

static void
test_chord_feed(void **state)
{
	struct ur_chord c;
	struct ur_chord_state s;
	struct ur_err err;
	int i;

	(void)state;
	assert_int_equal(ur_key_chord_parse("KEY_LEFTCTRL+KEY_RIGHTCTRL", &c,
	    &err), 0);
	memset(&s, 0, sizeof(s));
	/* typing: nothing */
	assert_int_equal(feed(&c, &s, 30, 1), 0);
	assert_int_equal(feed(&c, &s, 30, 0), 0);
	assert_int_equal(feed(&c, &s, 29, 1), 0);
	assert_int_equal(feed(&c, &s, 46, 1), 0);	/* Ctrl+C */
	assert_int_equal(feed(&c, &s, 46, 0), 0);
	/* the chord: fires when its last key goes down */
	assert_int_equal(feed(&c, &s, 97, 1), 1);
	/* held: autorepeat of either key fires nothing */
	for (i = 0; i < 20; i++) {
		assert_int_equal(feed(&c, &s, 97, 2), 0);
		assert_int_equal(feed(&c, &s, 29, 2), 0);
	}
	/* another key while held: nothing */
	assert_int_equal(feed(&c, &s, 30, 1), 0);
	/* one key let go and pressed again: fires again */
	assert_int_equal(feed(&c, &s, 29, 0), 0);
	assert_int_equal(feed(&c, &s, 29, 1), 1);
	assert_int_equal(feed(&c, &s, 29, 0), 0);
	assert_int_equal(feed(&c, &s, 97, 0), 0);
	/* in the other order */
	assert_int_equal(feed(&c, &s, 97, 1), 0);
	assert_int_equal(feed(&c, &s, 29, 1), 1);
	/* a stray repeat of a key that is not down does not press it */
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed(&c, &s, 29, 2), 0);
	assert_int_equal(feed(&c, &s, 97, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_header),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_chord_parse),
		cmocka_unit_test(test_chord_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
