/* What the hook's two workers share: libvirt's arguments, the config,
 * the domain XML on standard input, and how a refusal is said. */
#ifndef UR_HOOK_WORKER_H
#define UR_HOOK_WORKER_H

#include <stddef.h>

#include "conf.h"
#include "hookop.h"

struct hook {
	const char *dom;	/* domain name, from libvirt's arguments */
	const char *op;
	const struct hook_op *what;	/* NULL: not an operation of ours */
	char extra[256];	/* what libvirt passed after the sub-operation */
	char *xml;
	size_t len;
	struct ur_conf conf;
};

/*
 * Reads libvirt's arguments, the config and the XML into h.  Returns 0
 * to go on; otherwise the program exits with *rc (2: usage, 1: refused,
 * 0: not an operation of ours).
 */
int hook_start(struct hook *h, int argc, char **argv, int *rc);
void hook_end(struct hook *h);

/* One line on stderr (virsh shows it inside "Hook script execution
 * failed") and in syslog; returns 1, the exit status. */
int hook_refuse(const struct hook *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
