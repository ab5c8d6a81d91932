/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "hook.h"
#include "hookop.h"

static const struct hook_op ops[] = {
	/* claim the default profile's ports */
	{ "prepare", "begin", hook_prepare, 0 },
	/* give them back (safe if never claimed) */
	{ "release", "end", hook_release, 1 },
	/* libvirtd restarted: is the claim still held? */
	{ "reconnect", "begin", hook_reconnect, 1 },
	/* refused: physical ports cannot follow */
	{ "migrate", "begin", hook_migrate, 0 },
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
