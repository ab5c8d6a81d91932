/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host hotkey: ur_key_chord_parse on arbitrary text, then ur_key_chord_feed
 * on arbitrary key events.  The input is the chord's text, a NUL, then
 * events of 4 bytes each (type, code low, code high, value).
 * Invariants: a failure carries a one-line message; a chord has 2 to
 * UR_CHORD_MAX different codes up to UR_KEY_MAX and reads back from its
 * format; fed events, the chord fires exactly when a model of it says
 * (the last of its keys pressed, value 1, while the others are held, and
 * not again before one of them is let go) and never on other keys.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "key.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ur_chord c, back;
	struct ur_chord_state st;
	struct ur_err err;
	const uint8_t *nul = memchr(data, 0, size);
	char *text, buf[256];
	unsigned down = 0, all, code, type;
	int i, j, fired = 0, value, want, got;
	size_t off;

	text = fuzz_strdup(data, nul != NULL ? (size_t)(nul - data) : size);
	fuzz_err_init(&err);
	if (ur_key_chord_parse(text, &c, &err) < 0) {
		fuzz_check_msg(&err);
		free(text);
		return 0;
	}
	free(text);
	FUZZ_CHECK(c.n >= 2 && c.n <= UR_CHORD_MAX);
	for (i = 0; i < c.n; i++) {
		FUZZ_CHECK(c.code[i] > 0 && c.code[i] <= UR_KEY_MAX);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(c.code[i] != c.code[j]);
	}
	ur_key_chord_format(&c, buf, sizeof(buf));
	FUZZ_CHECK(ur_key_chord_parse(buf, &back, &err) == 0);
	FUZZ_CHECK(back.n == c.n &&
	    memcmp(back.code, c.code, sizeof(c.code)) == 0);

	all = (1u << c.n) - 1;
	memset(&st, 0, sizeof(st));
	for (off = nul != NULL ? (size_t)(nul - data) + 1 : size;
	    off + 4 <= size; off += 4) {
		type = data[off] % 3;		/* EV_SYN, EV_KEY, EV_REL */
		code = (unsigned)(data[off + 1] | (data[off + 2] << 8)) %
		    (UR_KEY_MAX + 1);
		value = data[off + 3] % 4;	/* 3: not a key value */
		got = ur_key_chord_feed(&c, &st, type, code, value);
		want = 0;
		for (i = 0; i < c.n && c.code[i] != code; i++)
			;
		if (type == 1 && i < c.n) {
			if (value == 0) {
				down &= ~(1u << i);
				fired = 0;
			} else if (value == 1) {
				down |= 1u << i;
				if (down == all && !fired)
					want = fired = 1;
			}
		}
		FUZZ_CHECK(got == want);
	}
	return 0;
}
