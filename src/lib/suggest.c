/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "suggest.h"

#define MAXW	64
#define FAR	1000

static int
min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

static int
same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Optimal string alignment distance over three rows. */
int
ur_suggest_distance(const char *a, const char *b)
{
	int rows[3][MAXW + 1];
	int *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t la = strlen(a), lb = strlen(b), i, j;
	int cost;

	if (la >= MAXW || lb >= MAXW)
		return FAR;
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
			    prev[j - 1] + cost);
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *
ur_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	int d, bestd = FAR, limit;
	size_t i;

	limit = (int)strlen(word) / 2;
	if (limit > 2)
		limit = 2;
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL)
			continue;
		if (strcmp(cands[i], word) == 0)
			return NULL;
		d = ur_suggest_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	/* A case difference alone (distance 0) is always worth saying. */
	return best != NULL && (bestd == 0 || bestd <= limit) ? best : NULL;
}
