/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "hookop.h"

static const struct hook_op ops[] = {
	{ "prepare", "begin", HOOK_PREPARE, HOOK_RUN_NAME, 0 },
	{ "release", "end", HOOK_RELEASE, HOOK_RELEASE_NAME, 1 },
	{ "reconnect", "begin", HOOK_RECONNECT, HOOK_RUN_NAME, 1 },
	{ "migrate", "begin", HOOK_MIGRATE, HOOK_RUN_NAME, 0 },
};

const struct hook_op *
hook_op_find(const char *op, const char *sub)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].op, op) == 0 && strcmp(ops[i].sub, sub) == 0)
			return &ops[i];
	return NULL;
}
