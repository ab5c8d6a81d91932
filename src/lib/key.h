/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux key codes by name (KEY_LEFTCTRL = 29, as linux/input-event-codes.h
 * numbers them), and a chord of them: what usbrouted's host hotkey
 * listens for.  Pure: no device is read here. */
#ifndef UR_KEY_H
#define UR_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define UR_KEY_MAX 0x2ff	/* KEY_MAX */
#define UR_CHORD_MAX 4		/* keys in one chord */

/* The code of "KEY_LEFTCTRL" (the KEY_ may be left out, any case), or
 * of a decimal number up to UR_KEY_MAX; -1 if it is neither. */
int ur_key_code(const char *name);

/* "KEY_LEFTCTRL", or NULL for a code the table does not name. */
const char *ur_key_name(int code);

/* The i-th entry of the table, for tests; NULL past the end. */
const char *ur_key_at(size_t i, int *code);

struct ur_chord {
	int n;
	uint16_t code[UR_CHORD_MAX];
};

/* "KEY_LEFTCTRL+KEY_RIGHTCTRL": two to four different keys joined by
 * '+'.  The message says which key is wrong. */
int ur_key_chord_parse(const char *text, struct ur_chord *c, struct ur_err *err);

/* "KEY_LEFTCTRL+KEY_RIGHTCTRL" */
void ur_key_chord_format(const struct ur_chord *c, char *buf, size_t len);

/* Which of the chord's keys are down on one device, and whether this
 * press of the chord has fired. */
struct ur_chord_state {
	unsigned down;		/* bit i: code[i] is held */
	int fired;
};

/*
 * One key event (struct input_event's type, code and value) from a
 * device.  Returns 1 when it completes the chord: the last of its keys
 * went down (value 1) while the others were held.  It fires once per
 * press: holding the keys (autorepeat, value 2) fires nothing more, and
 * a key of the chord must be let go before it can fire again.  Other
 * keys and other event types change nothing.
 */
int ur_key_chord_feed(const struct ur_chord *c, struct ur_chord_state *s,
    unsigned type, unsigned code, int value);

#endif
