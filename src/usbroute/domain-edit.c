/* SPDX-License-Identifier: GPL-2.0-or-later */
/* usbroute domain NAME set|unset: a read-modify-write of our element
 * through virDomainSetMetadata; the edit itself is metaedit.c's. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "cmd-domain.h"
#include "metaedit.h"
#include "ports.h"

#define META_MAX	8192	/* our element as text: 8 full profiles fit */

/* What set asks of the element. */
static void
edit_of(const struct dopts *o, struct ur_metaedit *e)
{
	memset(e, 0, sizeof(*e));
	e->profile = o->profile;
	e->ports = o->ports;
	e->devices = o->devices;
	e->required = o->required ? 1 : o->no_required ? -1 : 0;
	e->dflt = o->dflt ? 1 : o->no_dflt ? -1 : 0;
	e->toggle = o->no_toggle ? "" : o->toggle;
	e->set_ctrls = o->ctrls != NULL || o->no_ctrls;
	e->ctrls = o->no_ctrls ? 0 : o->ctrl_mask;
}

static int
write_element(struct session *s, const struct ur_domain *d, unsigned flags,
    struct ur_err *err)
{
	char *xml;
	int rc;

	if ((xml = malloc(META_MAX)) == NULL)
		return ur_errf(err, "out of memory");
	if (ur_meta_format(d, xml, META_MAX, err) < 0) {
		free(xml);
		return -1;
	}
	rc = virDomainSetMetadata(s->dom, VIR_DOMAIN_METADATA_ELEMENT, xml,
	    UR_META_KEY, UR_META_NS, flags);
	free(xml);
	if (rc < 0)
		return lverr(err, "cannot write the metadata of %s", s->name);
	return 0;
}

static int
remove_element(struct session *s, unsigned flags, struct ur_err *err)
{
	if (virDomainSetMetadata(s->dom, VIR_DOMAIN_METADATA_ELEMENT, NULL,
	    UR_META_KEY, UR_META_NS, flags) < 0)
		return lverr(err, "cannot remove the metadata of %s", s->name);
	printf("%s: usbroute metadata removed\n", s->name);
	return 0;
}

/* One read-modify-write of the element for one of LIVE, CONFIG or
 * CURRENT: the live and the persistent element may differ. */
static int
rewrite(struct session *s, const struct dopts *o, unsigned flags, int unset,
    struct ur_err *err)
{
	const char *pname = o->profile != NULL ? o->profile : "default";
	struct ur_metaedit e;
	struct ur_domain d;
	char why[sizeof(err->msg)];
	int found, rc;

	rc = meta_read(s->dom, flags, &d, &found, err);
	if (rc == META_LIBVIRT)
		return ur_err_prefix(err, "%s", s->name);
	/* A broken element can still be removed whole, not edited. */
	if (rc == META_BROKEN && !(unset && o->profile == NULL)) {
		memcpy(why, err->msg, sizeof(why));
		return ur_errf(err, "%s: %s; nothing changed: fix it with "
		    "virsh or remove it with 'usbroute domain %s unset'",
		    s->name, why, s->name);
	}
	if (unset && !found) {
		printf("%s has no usbroute metadata; nothing to remove\n",
		    s->name);
		return 0;
	}
	if (unset && o->profile == NULL)
		return remove_element(s, flags, err);
	if (unset) {
		if (ur_metaedit_remove(&d, o->profile, s->name, err) < 0)
			return -1;
		if (ur_domain_is_empty(&d))
			return remove_element(s, flags, err);
	} else {
		edit_of(o, &e);
		if (ur_metaedit_set(&d, &e, s->name, err) < 0)
			return -1;
	}
	if (write_element(s, &d, flags, err) < 0)
		return -1;
	if (unset)
		printf("%s: profile '%s' removed\n", s->name, o->profile);
	else if ((rc = ur_domain_find_profile(&d, pname)) >= 0 &&
	    (o->ports != NULL || o->devices != NULL || o->profile != NULL ||
	    o->dflt))
		printf("%s: profile '%s'%s: %s%s%s%s\n", s->name, pname,
		    d.profile[rc].is_default ? " (default)" : "",
		    d.profile[rc].ports, d.profile[rc].ports[0] &&
		    d.profile[rc].devices[0] ? ", " : "",
		    d.profile[rc].devices[0] ? "devices " : "",
		    d.profile[rc].devices);
	else
		printf("%s: usbroute metadata updated\n", s->name);
	return 0;
}

/* Port words are checked here, before anything is written, when this
 * host's chipset can be opened; editing a domain for another host (or on
 * a host without a PCH) is allowed, with a note. */
static int
check_words(struct cli *cli, const char *words, struct ur_err *err)
{
	struct ur_machine m;
	struct ur_err merr;
	uint16_t mask;
	int rc;

	if (ur_machine_open(&m, &cli->conf, &merr) < 0) {
		printf("note: ports not checked against this host (%s)\n",
		    merr.msg);
		return 0;
	}
	rc = ur_ports_parse(words, m.cs, &cli->conf, m.present, m.switchable,
	    &mask, err);
	ur_machine_close(&m);
	return rc;
}

int
domain_edit(struct cli *cli, const struct dopts *o, int unset)
{
	struct session s;
	struct ur_err err;
	unsigned targets[2];
	int i, n = 0;

	if (!unset && o->ports == NULL && o->devices == NULL &&
	    !o->required && !o->no_required && o->profile == NULL && !o->dflt &&
	    !o->no_dflt && o->toggle == NULL && !o->no_toggle &&
	    o->ctrls == NULL && !o->no_ctrls)
		return usage_error("domain", "set: nothing to change; give "
		    "--ports, --devices, --toggle or --controllers");
	if (o->ports != NULL && check_words(cli, o->ports, &err) < 0)
		return fail(&err);
	if (o->live)
		targets[n++] = VIR_DOMAIN_AFFECT_LIVE;
	if (o->persistent)
		targets[n++] = VIR_DOMAIN_AFFECT_CONFIG;
	if (n == 0)
		targets[n++] = VIR_DOMAIN_AFFECT_CURRENT;
	if (session_open(&s, cli, o, &err) < 0)
		return fail(&err);
	for (i = 0; i < n; i++) {
		if (rewrite(&s, o, targets[i], unset, &err) < 0) {
			session_close(&s);
			if (i > 0)
				ur_err_prefix(&err, "live element changed, "
				    "persistent one not");
			return fail(&err);
		}
	}
	session_close(&s);
	return EXIT_OK;
}
