/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "key.h"

#define EV_KEY_TYPE 1	/* EV_KEY */

/* Codes as linux/input-event-codes.h numbers them (a unit test checks
 * every entry against the header): the keys a chord is made of. */
static const struct key {
	const char *name;
	int code;
} keys[] = {
	{ "KEY_ESC", 1 }, { "KEY_1", 2 }, { "KEY_2", 3 }, { "KEY_3", 4 },
	{ "KEY_4", 5 }, { "KEY_5", 6 }, { "KEY_6", 7 }, { "KEY_7", 8 },
	{ "KEY_8", 9 }, { "KEY_9", 10 }, { "KEY_0", 11 }, { "KEY_MINUS", 12 },
	{ "KEY_EQUAL", 13 }, { "KEY_BACKSPACE", 14 }, { "KEY_TAB", 15 },
	{ "KEY_Q", 16 }, { "KEY_W", 17 }, { "KEY_E", 18 }, { "KEY_R", 19 },
	{ "KEY_T", 20 }, { "KEY_Y", 21 }, { "KEY_U", 22 }, { "KEY_I", 23 },
	{ "KEY_O", 24 }, { "KEY_P", 25 }, { "KEY_LEFTBRACE", 26 },
	{ "KEY_RIGHTBRACE", 27 }, { "KEY_ENTER", 28 }, { "KEY_LEFTCTRL", 29 },
	{ "KEY_A", 30 }, { "KEY_S", 31 }, { "KEY_D", 32 }, { "KEY_F", 33 },
	{ "KEY_G", 34 }, { "KEY_H", 35 }, { "KEY_J", 36 }, { "KEY_K", 37 },
	{ "KEY_L", 38 }, { "KEY_SEMICOLON", 39 }, { "KEY_APOSTROPHE", 40 },
	{ "KEY_GRAVE", 41 }, { "KEY_LEFTSHIFT", 42 }, { "KEY_BACKSLASH", 43 },
	{ "KEY_Z", 44 }, { "KEY_X", 45 }, { "KEY_C", 46 }, { "KEY_V", 47 },
	{ "KEY_B", 48 }, { "KEY_N", 49 }, { "KEY_M", 50 }, { "KEY_COMMA", 51 },
	{ "KEY_DOT", 52 }, { "KEY_SLASH", 53 }, { "KEY_RIGHTSHIFT", 54 },
	{ "KEY_KPASTERISK", 55 }, { "KEY_LEFTALT", 56 }, { "KEY_SPACE", 57 },
	{ "KEY_CAPSLOCK", 58 }, { "KEY_F1", 59 }, { "KEY_F2", 60 },
	{ "KEY_F3", 61 }, { "KEY_F4", 62 }, { "KEY_F5", 63 }, { "KEY_F6", 64 },
	{ "KEY_F7", 65 }, { "KEY_F8", 66 }, { "KEY_F9", 67 }, { "KEY_F10", 68 },
	{ "KEY_NUMLOCK", 69 }, { "KEY_SCROLLLOCK", 70 }, { "KEY_KP7", 71 },
	{ "KEY_KP8", 72 }, { "KEY_KP9", 73 }, { "KEY_KPMINUS", 74 },
	{ "KEY_KP4", 75 }, { "KEY_KP5", 76 }, { "KEY_KP6", 77 },
	{ "KEY_KPPLUS", 78 }, { "KEY_KP1", 79 }, { "KEY_KP2", 80 },
	{ "KEY_KP3", 81 }, { "KEY_KP0", 82 }, { "KEY_KPDOT", 83 },
	{ "KEY_102ND", 86 }, { "KEY_F11", 87 }, { "KEY_F12", 88 },
	{ "KEY_KPENTER", 96 }, { "KEY_RIGHTCTRL", 97 }, { "KEY_KPSLASH", 98 },
	{ "KEY_SYSRQ", 99 }, { "KEY_RIGHTALT", 100 }, { "KEY_HOME", 102 },
	{ "KEY_UP", 103 }, { "KEY_PAGEUP", 104 }, { "KEY_LEFT", 105 },
	{ "KEY_RIGHT", 106 }, { "KEY_END", 107 }, { "KEY_DOWN", 108 },
	{ "KEY_PAGEDOWN", 109 }, { "KEY_INSERT", 110 }, { "KEY_DELETE", 111 },
	{ "KEY_MUTE", 113 }, { "KEY_VOLUMEDOWN", 114 }, { "KEY_VOLUMEUP", 115 },
	{ "KEY_POWER", 116 }, { "KEY_KPEQUAL", 117 }, { "KEY_PAUSE", 119 },
	{ "KEY_LEFTMETA", 125 }, { "KEY_RIGHTMETA", 126 },
	{ "KEY_COMPOSE", 127 }, { "KEY_MENU", 139 }, { "KEY_SLEEP", 142 },
	{ "KEY_WAKEUP", 143 }, { "KEY_F13", 183 }, { "KEY_F14", 184 },
	{ "KEY_F15", 185 }, { "KEY_F16", 186 }, { "KEY_F17", 187 },
	{ "KEY_F18", 188 }, { "KEY_F19", 189 }, { "KEY_F20", 190 },
	{ "KEY_F21", 191 }, { "KEY_F22", 192 }, { "KEY_F23", 193 },
	{ "KEY_F24", 194 }, { "KEY_PRINT", 210 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int
ur_key_code(const char *name)
{
	char *end;
	long n;
	size_t i;

	if (isdigit((unsigned char)name[0])) {
		n = strtol(name, &end, 10);
		return *end == '\0' && n > 0 && n <= UR_KEY_MAX ? (int)n : -1;
	}
	for (i = 0; i < NKEYS; i++)
		if (strcasecmp(keys[i].name, name) == 0 ||
		    strcasecmp(keys[i].name + 4, name) == 0)
			return keys[i].code;
	return -1;
}

const char *
ur_key_name(int code)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].code == code)
			return keys[i].name;
	return NULL;
}

const char *
ur_key_at(size_t i, int *code)
{
	if (i >= NKEYS)
		return NULL;
	*code = keys[i].code;
	return keys[i].name;
}

/* The text as a message quotes it: on one line, control characters as
 * '?'. */
static const char *
printable(const char *text, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && text[i] != '\0'; i++)
		buf[i] = isprint((unsigned char)text[i]) ? text[i] : '?';
	buf[i] = '\0';
	return buf;
}

int
ur_key_chord_parse(const char *in, struct ur_chord *c, struct ur_err *err)
{
	char word[32], shown[65];
	const char *text = printable(in, shown, sizeof(shown));
	const char *p = in;
	size_t len;
	int code, i;

	memset(c, 0, sizeof(*c));
	for (;;) {
		p += strspn(p, " \t");
		len = strcspn(p, "+");
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == 0 || len >= sizeof(word))
			return ur_errf(err, "hotkey '%.64s': %s; write keys "
			    "joined by '+', like KEY_LEFTCTRL+KEY_RIGHTCTRL",
			    text, len == 0 ? "a key is missing" :
			    "a key name is too long");
		memcpy(word, p, len);
		word[len] = '\0';
		code = ur_key_code(word);
		printable(word, word, sizeof(word));
		if (code < 0)
			return ur_errf(err, "hotkey '%.64s': unknown key '%s'; "
			    "use KEY_* names of linux/input-event-codes.h "
			    "(KEY_LEFTCTRL, KEY_SCROLLLOCK, ...) or key numbers",
			    text, word);
		for (i = 0; i < c->n; i++)
			if (c->code[i] == code)
				return ur_errf(err, "hotkey '%.64s': %s is in it "
				    "twice", text, word);
		if (c->n == UR_CHORD_MAX)
			return ur_errf(err, "hotkey '%.64s': more than %d "
			    "keys", text, UR_CHORD_MAX);
		c->code[c->n++] = (uint16_t)code;
		p += strcspn(p, "+");
		if (*p == '\0')
			break;
		p++;
	}
	/* One key alone would be taken from everyone typing it. */
	if (c->n < 2)
		return ur_errf(err, "hotkey '%.64s': one key alone would fire "
		    "while typing; make it a chord of two to %d keys, like "
		    "KEY_LEFTCTRL+KEY_RIGHTCTRL", text, UR_CHORD_MAX);
	return 0;
}

void
ur_key_chord_format(const struct ur_chord *c, char *buf, size_t len)
{
	const char *name;
	size_t used = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < c->n && used < len; i++) {
		name = ur_key_name(c->code[i]);
		if (name != NULL)
			n = snprintf(buf + used, len - used, "%s%s",
			    i ? "+" : "", name);
		else
			n = snprintf(buf + used, len - used, "%s%u",
			    i ? "+" : "", c->code[i]);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

int
ur_key_chord_feed(const struct ur_chord *c, struct ur_chord_state *s,
    unsigned type, unsigned code, int value)
{
	unsigned all = (1u << c->n) - 1;
	int i;

	if (type != EV_KEY_TYPE)
		return 0;
	for (i = 0; i < c->n && c->code[i] != code; i++)
		;
	if (i == c->n)
		return 0;
	if (value == 0) {
		s->down &= ~(1u << i);
		s->fired = 0;
		return 0;
	}
	if (value != 1)
		return 0;	/* autorepeat: the chord is being held */
	s->down |= 1u << i;
	if (s->down != all || s->fired)
		return 0;
	s->fired = 1;
	return 1;
}
