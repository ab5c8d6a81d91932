/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "devspec.h"
#include "metaedit.h"

static int
copy(char *dst, size_t len, const char *src, const char *what,
    struct ur_err *err)
{
	if (strlen(src) >= len)
		return ur_errf(err, "%s '%.24s...' is longer than the %zu "
		    "characters allowed", what, src, len - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* default_profile follows the is_default flags after an edit. */
static void
sync_default(struct ur_domain *d)
{
	int i;

	d->default_profile = -1;
	for (i = 0; i < d->nprofiles; i++)
		if (d->profile[i].is_default)
			d->default_profile = i;
	/* A lone profile is the default (the parser says so too). */
	if (d->nprofiles == 1) {
		d->profile[0].is_default = 1;
		d->default_profile = 0;
	}
}

/* A new profile at the end; its index. */
static int
add_profile(struct ur_domain *d, const char *name, const char *domain,
    struct ur_err *err)
{
	struct ur_profile *p;

	if (d->nprofiles >= UR_DOMAIN_MAX_PROFILES)
		return ur_errf(err, "%s has %d profiles, the most usbroute "
		    "keeps; remove one with 'usbroute domain %s unset "
		    "--profile NAME'", domain, d->nprofiles, domain);
	p = &d->profile[d->nprofiles];
	memset(p, 0, sizeof(*p));
	if (copy(p->name, sizeof(p->name), name, "profile name", err) < 0)
		return -1;
	/* Only the first profile becomes the default by itself: which
	 * ports a domain takes at start should not change because another
	 * profile was added. */
	p->is_default = d->default_profile < 0;
	return d->nprofiles++;
}

static int
change_profile(struct ur_domain *d, int idx, const struct ur_metaedit *e,
    const char *pname, struct ur_err *err)
{
	struct ur_profile *p = &d->profile[idx];
	struct ur_devspec spec[UR_DEVSPEC_MAX];
	int i, ndev;

	if (e->ports != NULL && copy(p->ports, sizeof(p->ports), e->ports,
	    "--ports", err) < 0)
		return -1;
	if (e->devices != NULL) {
		if (ur_devspec_list(e->devices, spec, UR_DEVSPEC_MAX, &ndev,
		    err) < 0 || copy(p->devices, sizeof(p->devices),
		    e->devices, "--devices", err) < 0)
			return -1;
		if (ndev == 0)
			p->devices[0] = '\0';
	}
	if (e->required != 0)
		p->required = e->required > 0;
	if (p->ports[0] == '\0' && p->devices[0] == '\0')
		return ur_errf(err, "profile '%s' would have no ports and no "
		    "devices; give --ports or --devices, or remove it with "
		    "unset --profile %s", pname, pname);
	if (p->required && p->devices[0] == '\0')
		return ur_errf(err, "profile '%s' names no devices, so it "
		    "cannot require them; give --devices or --no-required",
		    pname);
	if (e->dflt > 0) {
		for (i = 0; i < d->nprofiles; i++)
			d->profile[i].is_default = 0;
		p->is_default = 1;
	}
	/* Exactly one profile is the default when there are any: taking
	 * the flag away can only refuse, never leave none. */
	if (e->dflt < 0 && p->is_default && d->nprofiles == 1)
		return ur_errf(err, "profile '%s' is the only one, so it is "
		    "the default: a domain with usbroute metadata claims its "
		    "default profile at start", pname);
	if (e->dflt < 0 && p->is_default)
		return ur_errf(err, "profile '%s' is the default; make another "
		    "one the default with --profile NAME --default", pname);
	return 0;
}

int
ur_metaedit_set(struct ur_domain *d, const struct ur_metaedit *e,
    const char *domain, struct ur_err *err)
{
	const char *pname = e->profile != NULL ? e->profile : "default";
	struct ur_domain n = *d;	/* d changes only when all is well */
	int idx;

	idx = ur_domain_find_profile(&n, pname);
	if ((e->ports != NULL || e->devices != NULL) && idx < 0 &&
	    (idx = add_profile(&n, pname, domain, err)) < 0)
		return -1;
	if (idx < 0 && (e->profile != NULL || e->dflt != 0 ||
	    e->required != 0))
		return ur_errf(err, "%s has no profile '%s'; give --ports or "
		    "--devices to create it", domain, pname);
	if (idx >= 0 && change_profile(&n, idx, e, pname, err) < 0)
		return -1;
	if (e->toggle != NULL && copy(n.toggle_device,
	    sizeof(n.toggle_device), e->toggle, "--toggle", err) < 0)
		return -1;
	if (e->set_ctrls)
		n.attr_ctrls = e->ctrls;
	sync_default(&n);
	*d = n;
	return 0;
}

int
ur_metaedit_remove(struct ur_domain *d, const char *profile,
    const char *domain, struct ur_err *err)
{
	char names[160];
	size_t used = 0;
	int i, idx, n;

	if ((idx = ur_domain_find_profile(d, profile)) < 0) {
		names[0] = '\0';
		for (i = 0; i < d->nprofiles && used < sizeof(names); i++) {
			n = snprintf(names + used, sizeof(names) - used,
			    "%s%s", i > 0 ? ", " : "", d->profile[i].name);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		return ur_errf(err, "%s has no profile '%s' (it has %s)",
		    domain, profile, d->nprofiles > 0 ? names : "none");
	}
	if (d->profile[idx].is_default && d->nprofiles > 2)
		return ur_errf(err, "profile '%s' is the default of %s; make "
		    "another one the default first: usbroute domain %s set "
		    "--profile NAME --default", profile, domain, domain);
	for (i = idx; i + 1 < d->nprofiles; i++)
		d->profile[i] = d->profile[i + 1];
	d->nprofiles--;
	sync_default(d);
	return 0;
}
