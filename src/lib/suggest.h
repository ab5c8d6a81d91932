/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Did you mean ...?": the candidate a mistyped word was probably meant
 * to be, for commands, options, port words and owners. */
#ifndef UR_SUGGEST_H
#define UR_SUGGEST_H

#include <stddef.h>

/*
 * The candidate closest to word, when it is close enough to be a typo:
 * at most 2 edits (a letter added, dropped or changed, or two neighbours
 * swapped; case differences are free) and no more than half of word's
 * letters.  NULL when none is, or when word is one of them exactly.
 * NULL entries of cands are skipped.
 */
const char *ur_suggest(const char *word, const char *const *cands,
    size_t n);

/* The edit distance ur_suggest uses (case-insensitive, a swap of two
 * neighbours counts one); words longer than 63 bytes are far from
 * everything. */
int ur_suggest_distance(const char *a, const char *b);

#endif
