/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_meta_parse on arbitrary XML.  Invariants: a failure leaves the
 * struct as ur_domain_init makes it and a one-line message; a success is
 * well-formed (one default when there are profiles, names that are
 * names, ports or devices in every profile, device words that
 * ur_devspec_list reads) and survives ur_meta_format -> ur_meta_parse
 * unchanged; the
 * formatted element fits exactly strlen + 1 bytes and no fewer; each
 * profile's ports go through ur_ports_parse as the hook does, and a
 * raw mask (what mask= becomes) with bits that are ports resolves.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chipset.h"
#include "devspec.h"
#include "fuzz.h"
#include "meta.h"
#include "ports.h"

#define OUT_MAX 65536

#define NAME_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
is_name(const char *s)
{
	return s[0] != '\0' && strspn(s, NAME_CHARS) == strlen(s);
}

/* Ports, devices or both; devices that read back; required only with
 * devices. */
static void
check_devices(const struct ur_profile *p)
{
	struct ur_devspec spec[UR_DEVSPEC_MAX];
	struct ur_err err;
	int n;

	fuzz_err_init(&err);
	FUZZ_CHECK(ur_devspec_list(p->devices, spec, UR_DEVSPEC_MAX, &n,
	    &err) == 0);
	FUZZ_CHECK((n == 0) == (p->devices[0] == '\0'));
	if (p->devices[0] == '\0')
		FUZZ_CHECK(strspn(p->ports, " \t\r\n,") != strlen(p->ports));
	else if (p->ports[0] != '\0')
		FUZZ_CHECK(strspn(p->ports, " \t\r\n,") != strlen(p->ports));
	FUZZ_CHECK(p->required == 0 || (p->required == 1 && n > 0));
}

static void
check_domain(const struct ur_domain *d)
{
	const struct ur_profile *p;
	int i, j, ndefault = 0;

	FUZZ_CHECK(terminated(d->uuid, sizeof(d->uuid)));
	FUZZ_CHECK(terminated(d->name, sizeof(d->name)));
	FUZZ_CHECK(terminated(d->toggle_device, sizeof(d->toggle_device)));
	FUZZ_CHECK(d->has_meta == 0 || d->has_meta == 1);
	FUZZ_CHECK((d->hostdev_ctrls & ~(unsigned)UR_CTRL_ALL) == 0);
	FUZZ_CHECK((d->attr_ctrls & ~(unsigned)UR_CTRL_ALL) == 0);
	FUZZ_CHECK(d->nprofiles >= 0 && d->nprofiles <= UR_DOMAIN_MAX_PROFILES);
	if (!d->has_meta) {
		FUZZ_CHECK(d->nprofiles == 0 && d->attr_ctrls == 0);
		FUZZ_CHECK(d->toggle_device[0] == '\0');
	}
	if (d->toggle_device[0] != '\0')
		FUZZ_CHECK(is_name(d->toggle_device));
	for (i = 0; i < d->nprofiles; i++) {
		p = &d->profile[i];
		FUZZ_CHECK(terminated(p->name, sizeof(p->name)));
		FUZZ_CHECK(terminated(p->ports, sizeof(p->ports)));
		FUZZ_CHECK(terminated(p->devices, sizeof(p->devices)));
		FUZZ_CHECK(is_name(p->name));
		check_devices(p);
		FUZZ_CHECK(p->is_default == 0 || p->is_default == 1);
		if (p->is_default) {
			ndefault++;
			FUZZ_CHECK(d->default_profile == i);
		}
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(p->name, d->profile[j].name) != 0);
	}
	if (d->nprofiles == 0)
		FUZZ_CHECK(d->default_profile == -1 && ndefault == 0);
	else
		FUZZ_CHECK(ndefault == 1);
}

/* What ur_meta_format carries: our element, not the domain around it. */
static int
same_element(const struct ur_domain *a, const struct ur_domain *b)
{
	int i;

	if (a->attr_ctrls != b->attr_ctrls || a->nprofiles != b->nprofiles ||
	    a->default_profile != b->default_profile ||
	    strcmp(a->toggle_device, b->toggle_device) != 0)
		return 0;
	for (i = 0; i < a->nprofiles; i++)
		if (strcmp(a->profile[i].name, b->profile[i].name) != 0 ||
		    strcmp(a->profile[i].ports, b->profile[i].ports) != 0 ||
		    strcmp(a->profile[i].devices, b->profile[i].devices) != 0 ||
		    a->profile[i].required != b->profile[i].required ||
		    a->profile[i].is_default != b->profile[i].is_default)
			return 0;
	return 1;
}

/* "0x" and 1-8 hex digits: the value, else -1. */
static long
raw_mask(const char *s)
{
	size_t n;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	n = strlen(s + 2);
	if (n == 0 || n > 8 || strspn(s + 2, "0123456789abcdefABCDEF") != n)
		return -1;
	return strtol(s + 2, NULL, 16);
}

/* The hook's next step with the default profile, for every profile. */
static void
check_ports(const struct ur_domain *d)
{
	const struct ur_chipset *cs;
	struct ur_err err;
	uint16_t mask;
	long raw;
	int i, rc;

	cs = ur_chipset_by_key("8-series");
	FUZZ_CHECK(cs != NULL);
	for (i = 0; i < d->nprofiles; i++) {
		if (d->profile[i].ports[0] == '\0')
			continue;	/* devices only: no ports to resolve */
		fuzz_err_init(&err);
		rc = ur_ports_parse(d->profile[i].ports, cs, NULL,
		    cs->port_mask, cs->port_mask, &mask, &err);
		raw = raw_mask(d->profile[i].ports);
		if (rc == 0)
			FUZZ_CHECK(mask != 0 && (mask & ~cs->port_mask) == 0);
		else
			fuzz_check_msg(&err);
		if (raw > 0 && (raw & ~(long)cs->port_mask) == 0)
			FUZZ_CHECK(rc == 0 && mask == raw);
	}
}

static void
check_init(const struct ur_domain *d)
{
	static struct ur_domain init;

	ur_domain_init(&init);
	FUZZ_CHECK(memcmp(d, &init, sizeof(init)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_domain d, d2;
	static char out[OUT_MAX];
	struct ur_err err;
	char *xml, *buf;
	size_t n;
	int rc;

	/* Exactly size bytes, no NUL after them: the parser takes a
	 * length, and must not read past it. */
	if ((xml = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(xml, data, size);
	memset(&d, 0xa5, sizeof(d));
	fuzz_err_init(&err);
	rc = ur_meta_parse(xml, size, &d, &err);
	free(xml);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		fuzz_check_msg(&err);
		check_init(&d);
		return 0;
	}
	check_domain(&d);
	check_ports(&d);

	fuzz_err_init(&err);
	if (ur_meta_format(&d, out, sizeof(out), &err) != 0) {
		/* Something parsed that cannot be written back. */
		fuzz_check_msg(&err);
		FUZZ_CHECK(0);
	}
	n = strlen(out);
	FUZZ_CHECK(n > 0);
	fuzz_err_init(&err);
	FUZZ_CHECK(ur_meta_parse(out, n, &d2, &err) == 0);
	check_domain(&d2);
	FUZZ_CHECK(d2.has_meta == 1);
	FUZZ_CHECK(d2.uuid[0] == '\0' && d2.name[0] == '\0');
	FUZZ_CHECK(d2.hostdev_ctrls == 0);
	FUZZ_CHECK(same_element(&d, &d2));

	/* Exactly n + 1 bytes are enough; n are not, and leave "". */
	if ((buf = malloc(n + 1)) == NULL)
		abort();
	FUZZ_CHECK(ur_meta_format(&d, buf, n + 1, &err) == 0);
	FUZZ_CHECK(strcmp(buf, out) == 0);
	fuzz_err_init(&err);
	FUZZ_CHECK(ur_meta_format(&d, buf, n, &err) == -1);
	FUZZ_CHECK(buf[0] == '\0');
	fuzz_check_msg(&err);
	free(buf);
	return 0;
}
