/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain: between cmd-domain.c (options, dispatch, help) and
 * the files that do each subcommand through libvirt. */
#ifndef UR_CMD_DOMAIN_H
#define UR_CMD_DOMAIN_H

#include <libvirt/libvirt.h>

#include "meta.h"
#include "usbroute.h"

#define DEFAULT_URI	UR_DEFAULT_URI	/* conf.h */

struct dopts {
	const char *uri;
	const char *name;
	const char *sub;
	const char *ports;
	const char *devices;
	const char *profile;
	const char *toggle;
	const char *ctrls;
	unsigned ctrl_mask;	/* ctrls, parsed */
	int dflt, no_dflt, no_toggle, no_ctrls;
	int required, no_required;
	int live, persistent;
};

/* usbroute domain [--connect URI] --complete-domains: the names of the
 * domains libvirt knows, one a line, for the completion; nothing (and
 * success) when libvirt cannot be reached. */
int domain_complete_names(struct cli *cli, int argc, char **argv);
int domain_complete_opts(const char *sub);

/* domain-show.c, domain-check.c, domain-edit.c */
int domain_show(struct cli *cli, const struct dopts *o);
int domain_check(struct cli *cli, const struct dopts *o);
int domain_edit(struct cli *cli, const struct dopts *o, int unset);

/* domain-session.c: the connection and the domain, from --connect, else
 * libvirt-uri in usbroute.conf, else DEFAULT_URI. */
struct session {
	const char *uri;
	const char *name;
	virConnectPtr conn;
	virDomainPtr dom;
};

int session_open(struct session *s, const struct cli *cli,
    const struct dopts *o, struct ur_err *err);
void session_close(struct session *s);

/* Our message, then libvirt's last error, on one line; returns -1. */
int lverr(struct ur_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* meta_read's failures: */
#define META_LIBVIRT	(-1)	/* libvirt could not say */
#define META_BROKEN	(-2)	/* the element is there but malformed */

/* Our element as libvirt keeps it for flags (VIR_DOMAIN_AFFECT_*);
 * *found is 0 when the domain has none.  Messages do not name the
 * domain: callers do. */
int meta_read(virDomainPtr dom, unsigned flags, struct ur_domain *d,
    int *found, struct ur_err *err);

/* The PCH controllers in the domain's <hostdev> list. */
int hostdev_read(virDomainPtr dom, unsigned xmlflags, unsigned *ctrls,
    struct ur_err *err);

/* The flags show and check read with: VIR_DOMAIN_AFFECT_* for the
 * element, VIR_DOMAIN_XML_* for the domain XML. */
unsigned read_flags(const struct dopts *o);
unsigned xml_flags(const struct dopts *o);

#endif
