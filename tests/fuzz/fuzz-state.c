/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_state_parse on arbitrary text.  Invariants: a failure leaves a
 * zeroed table and a one-line message; a success gives a table that
 * ur_state_format writes and ur_state_parse reads back unchanged, and
 * whose text is a fixed point of format(parse()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "state.h"

#define TEXT_MAX 16384	/* ur_state_save's buffer */

static void
check_table(const struct ur_table *t)
{
	const struct ur_owner *o;
	uint16_t seen = 0;
	int i, j;

	FUZZ_CHECK(t->nowners >= 0 && t->nowners <= UR_MAX_OWNERS);
	FUZZ_CHECK((t->pin_mask & ~0x7fffu) == 0);
	FUZZ_CHECK((t->pin_xhci & ~t->pin_mask) == 0);
	FUZZ_CHECK(memchr(t->pm_saved, '\0', sizeof(t->pm_saved)) != NULL);
	for (i = 0; i < t->nowners; i++) {
		o = &t->owner[i];
		FUZZ_CHECK(memchr(o->id, '\0', sizeof(o->id)) != NULL);
		FUZZ_CHECK(memchr(o->name, '\0', sizeof(o->name)) != NULL);
		FUZZ_CHECK(memchr(o->profile, '\0',
		    sizeof(o->profile)) != NULL);
		FUZZ_CHECK(o->id[0] != '\0');
		FUZZ_CHECK((o->ctrls & ~(unsigned)UR_CTRL_ALL) == 0);
		FUZZ_CHECK((o->ports & ~0x7fffu) == 0);
		FUZZ_CHECK((o->lent & ~o->ports) == 0);
		FUZZ_CHECK((seen & o->ports) == 0);
		seen |= o->ports;
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(o->id, t->owner[j].id) != 0);
	}
}

static int
same_table(const struct ur_table *a, const struct ur_table *b)
{
	const struct ur_owner *x, *y;
	int i;

	if (a->nowners != b->nowners || a->pin_mask != b->pin_mask ||
	    a->pin_xhci != b->pin_xhci || strcmp(a->pm_saved, b->pm_saved))
		return 0;
	for (i = 0; i < a->nowners; i++) {
		x = &a->owner[i];
		y = &b->owner[i];
		if (strcmp(x->id, y->id) || strcmp(x->name, y->name) ||
		    strcmp(x->profile, y->profile) || x->ctrls != y->ctrls ||
		    x->ports != y->ports || x->lent != y->lent)
			return 0;
	}
	return 1;
}

static void
short_format(const struct ur_table *t, size_t len)
{
	char *buf;

	if ((buf = malloc(len)) == NULL)
		abort();
	FUZZ_CHECK(ur_state_format(t, buf, len) == -1);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_table t, t2, zero;
	static char text1[TEXT_MAX], text2[TEXT_MAX];
	struct ur_err err;
	char *text;
	int rc, n1, n2;

	text = fuzz_strdup(data, size);
	memset(&t, 0xa5, sizeof(t));
	fuzz_err_init(&err);
	rc = ur_state_parse(text, "fuzz/owners", &t, &err);
	free(text);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		fuzz_check_msg(&err);
		memset(&zero, 0, sizeof(zero));
		FUZZ_CHECK(memcmp(&t, &zero, sizeof(t)) == 0);
		return 0;
	}
	check_table(&t);

	/* Whatever parses fits the file and reads back the same. */
	n1 = ur_state_format(&t, text1, sizeof(text1));
	FUZZ_CHECK(n1 > 0 && (size_t)n1 < sizeof(text1));
	FUZZ_CHECK(strlen(text1) == (size_t)n1);
	fuzz_err_init(&err);
	rc = ur_state_parse(text1, "fuzz/owners", &t2, &err);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(same_table(&t, &t2));
	n2 = ur_state_format(&t2, text2, sizeof(text2));
	FUZZ_CHECK(n2 == n1 && memcmp(text1, text2, (size_t)n1) == 0);

	/* A buffer too short is refused, not overrun. */
	short_format(&t, (size_t)n1);
	short_format(&t, 1 + size % (size_t)n1);
	return 0;
}
