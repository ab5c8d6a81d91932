/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the hook's two workers share: libvirt's arguments, the config,
 * the domain XML on standard input, and how a refusal is said. */
#ifndef UR_HOOK_WORKER_H
#define UR_HOOK_WORKER_H

#include <stddef.h>

#include "conf.h"
#include "hookop.h"

struct hook {
	const char *name;	/* domain name, from libvirt's arguments */
	const char *dom;	/* ... with control characters escaped: what
				 * every message shows */
	char dom_show[160];
	/* The domain's one identity (ur_metascan_identity: its /domain/uuid,
	 * else its whole name), the same for every operation; id_rc -1 and
	 * id_err say why there is none. */
	char id[64];
	int id_rc;
	struct ur_err id_err;
	const char *op;
	const struct hook_op *what;	/* NULL: not an operation of ours */
	char extra[256];	/* what libvirt passed after the sub-operation */
	char *xml;
	size_t len;
	struct ur_conf conf;
};

/* An operation's work: the exit status (0: libvirt goes on). */
typedef int (*hook_fn)(struct hook *h);

/*
 * A worker's main: reads libvirt's arguments, the config and the XML,
 * and runs fns[id] for the operation hookop.c's table names.  Exits 2
 * on a usage error, 0 for an operation that is not ours, 1 refused; an
 * operation that is another worker's (fns[id] NULL) is refused.
 */
int hook_main(int argc, char **argv, const hook_fn fns[HOOK_NOPS]);

/* One line on stderr (virsh shows it inside "Hook script execution
 * failed") and in syslog, control characters escaped; returns 1, the
 * exit status. */
int hook_refuse(const struct hook *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
