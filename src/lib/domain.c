/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "domain.h"

void
ur_domain_init(struct ur_domain *d)
{
	memset(d, 0, sizeof(*d));
	d->default_profile = -1;
}

unsigned
ur_domain_ctrls(const struct ur_domain *d)
{
	return d->hostdev_ctrls | d->attr_ctrls;
}

int
ur_domain_find_profile(const struct ur_domain *d, const char *name)
{
	int i;

	for (i = 0; i < d->nprofiles; i++)
		if (strcmp(d->profile[i].name, name) == 0)
			return i;
	return -1;
}

int
ur_domain_is_empty(const struct ur_domain *d)
{
	return d->nprofiles == 0 && d->toggle_device[0] == '\0' &&
	    d->attr_ctrls == 0;
}
