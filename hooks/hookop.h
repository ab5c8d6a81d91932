/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt operations the hook acts on: one table, read by the front
 * (which calls to pass on, and to which worker) and by the workers (what
 * to do).  Links libc only: the front uses it. */
#ifndef UR_HOOKOP_H
#define UR_HOOKOP_H

/* libvirt's domain XML is tens of KiB; this bounds a hostile stdin. */
#define HOOK_MAX_XML (16u << 20)

enum hook_op_id {
	HOOK_PREPARE,		/* claim the default profile's ports */
	HOOK_RELEASE,		/* give them back (safe if never claimed) */
	HOOK_RECONNECT,		/* libvirtd restarted: claim still held? */
	HOOK_MIGRATE,		/* refused: physical ports cannot follow */
	HOOK_NOPS
};

struct hook_op {
	const char *op, *sub;	/* libvirt's OPERATION SUB-OPERATION */
	enum hook_op_id id;
	/* The worker, in the hook-helper's directory.  release needs no
	 * XML parser: its worker does not load libxml2. */
	const char *worker;
	/* Also for a domain without our element whose UUID holds ports
	 * in the table (its metadata removed while it ran). */
	int by_table;
};

/* The entry for op/sub, or NULL: every other call exits at once. */
const struct hook_op *hook_op_find(const char *op, const char *sub);

#define HOOK_RUN_NAME "usbroute-hook-run"
#define HOOK_RELEASE_NAME "usbroute-hook-release"

#endif
