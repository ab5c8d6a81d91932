/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_devspec_list on arbitrary device words (a profile's devices=, the
 * argument of 'usbroute domain set --devices').  Invariants: a failure
 * carries a one-line message; a success names at most UR_DEVSPEC_MAX
 * devices, no two the same, each formatted back reads as itself, and
 * the formatted list reads back to the same list.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "devspec.h"
#include "fuzz.h"

static int
same(const struct ur_devspec *a, const struct ur_devspec *b)
{
	return a->vid == b->vid && a->pid == b->pid &&
	    strcmp(a->serial, b->serial) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ur_devspec spec[UR_DEVSPEC_MAX], back[UR_DEVSPEC_MAX], one;
	struct ur_err err;
	char list[UR_DEVSPEC_MAX * 100], word[100];
	char *words = fuzz_strdup(data, size);
	size_t used = 0;
	int n, m, i, j;

	fuzz_err_init(&err);
	if (ur_devspec_list(words, spec, UR_DEVSPEC_MAX, &n, &err) < 0) {
		fuzz_check_msg(&err);
		free(words);
		return 0;
	}
	free(words);
	FUZZ_CHECK(n >= 0 && n <= UR_DEVSPEC_MAX);
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(memchr(spec[i].serial, '\0',
		    sizeof(spec[i].serial)) != NULL);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(!same(&spec[i], &spec[j]));
		ur_devspec_format(&spec[i], word, sizeof(word));
		FUZZ_CHECK(ur_devspec_parse(word, &one, &err) == 0);
		FUZZ_CHECK(same(&one, &spec[i]));
		FUZZ_CHECK(ur_devspec_match(&spec[i], spec[i].vid, spec[i].pid,
		    spec[i].serial));
		used += (size_t)snprintf(list + used, sizeof(list) - used,
		    "%s%s", i ? " " : "", word);
		FUZZ_CHECK(used < sizeof(list));
	}
	FUZZ_CHECK(ur_devspec_list(list, back, UR_DEVSPEC_MAX, &m, &err) == 0);
	FUZZ_CHECK(m == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(same(&back[i], &spec[i]));
	return 0;
}
