/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt operations the hook acts on: one table, which decides both
 * whether a call is ours and what it does. */
#ifndef UR_HOOKOP_H
#define UR_HOOKOP_H

struct hook;

struct hook_op {
	const char *op, *sub;	/* libvirt's OPERATION SUB-OPERATION */
	int (*run)(struct hook *h);
	/* Also for a domain without our element whose identity holds
	 * ports in the table (its metadata removed while it ran). */
	int by_table;
};

/* The entry for op/sub, or NULL: every other call exits at once. */
const struct hook_op *hook_op_find(const char *op, const char *sub);

#endif
