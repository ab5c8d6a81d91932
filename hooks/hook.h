/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the hook's operations share: libvirt's arguments, the config,
 * the domain XML read from standard input, and how a refusal is said. */
#ifndef UR_HOOK_H
#define UR_HOOK_H

#include <stddef.h>

#include "conf.h"
#include "domain.h"
#include "err.h"

/* libvirt's domain XML is tens of KiB; this bounds a hostile stdin. */
#define HOOK_MAX_XML (16u << 20)

struct hook_op;

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
	const struct hook_op *what;
	char extra[256];	/* what libvirt passed after the sub-operation */
	char *xml;
	size_t len;
	int ours;		/* the XML names our namespace (metascan.c):
				 * without it there is no metadata to read */
	struct ur_conf conf;
};

/* One line on stderr (virsh shows it inside "Hook script execution
 * failed") and in syslog, control characters escaped; returns 1, the
 * exit status. */
int hook_refuse(const struct hook *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The domain's metadata, read by the XML reader module (xmlload.c) for a
 * domain whose XML names our namespace; a domain whose XML does not has
 * none, and nothing is loaded.  After refusing, returns 1 (the exit
 * status); else 0.  verb says what was being done ("start").
 */
int hook_read_meta(struct hook *h, struct ur_domain *d, const char *verb);

/* The operations (hookop.c's table): the exit status, 0 to let libvirt
 * go on. */
int hook_prepare(struct hook *h);	/* hook-claim.c */
int hook_reconnect(struct hook *h);
int hook_migrate(struct hook *h);
int hook_release(struct hook *h);	/* hook-release.c */

#endif
