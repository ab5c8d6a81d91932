/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_ports_parse and ur_ports_mask on arbitrary words.  The input is
 *
 *   byte 0     chipset (index into the known parts)
 *   bytes 1-4  present (cut to the part's ports), switchable
 *              (little-endian 16-bit)
 *   then       words NUL "name words" NUL "name words" ...
 *
 * the NUL-separated tail being port names of the config.  Invariants: a
 * success is a nonzero mask inside switchable & present; a failure
 * carries a one-line message (ur_ports_mask's quotes its argument, a
 * newline and all); a mask read back from its "0x%x" and "%u" forms
 * and setpci's zero-padded "%08x" and "%04x" is the same;
 * ur_ports_format of a mask parses back to the mask.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ports.h"

static const struct ur_chipset *
chipset(unsigned i)
{
	size_t n;

	for (n = 0; ur_chipset_at(n) != NULL; n++)
		;
	return ur_chipset_at(i % n);
}

/* "name words" into the config's port map, cut to fit. */
static void
add_name(struct ur_conf *c, const char *s)
{
	struct ur_conf_name *nm;
	size_t n;

	if (c->nnames == UR_CONF_MAX_NAMES)
		return;
	nm = &c->names[c->nnames];
	n = strcspn(s, " ");
	if (n >= sizeof(nm->name))
		n = sizeof(nm->name) - 1;
	memcpy(nm->name, s, n);
	nm->name[n] = '\0';
	s += strcspn(s, " ");
	s += strspn(s, " ");
	snprintf(nm->words, sizeof(nm->words), "%s", s);
	nm->line = c->nnames + 1;
	c->nnames++;
}

static void
check_parse(const char *words, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable)
{
	struct ur_err err;
	uint16_t mask = 0;

	fuzz_err_init(&err);
	if (ur_ports_parse(words, cs, conf, present, switchable, &mask,
	    &err) == 0) {
		FUZZ_CHECK(mask != 0);
		FUZZ_CHECK((mask & ~(switchable & present)) == 0);
		FUZZ_CHECK((mask & ~cs->port_mask) == 0);
	} else
		fuzz_check_msg(&err);
}

static void
check_mask(const char *s)
{
	struct ur_err err;
	uint32_t v, v2;
	char buf[32];

	fuzz_err_init(&err);
	/* A command line argument, which the message quotes as it is. */
	if (ur_ports_mask(s, &v, &err) < 0) {
		fuzz_check_msg_quoting(&err, s);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%x", v);
	FUZZ_CHECK(ur_ports_mask(buf, &v2, &err) == 0 && v2 == v);
	snprintf(buf, sizeof(buf), "%x", v);
	FUZZ_CHECK(ur_ports_mask(buf, &v2, &err) == 0 && v2 == v);
	/* setpci's .l and .w forms, zero-padded: always hex. */
	snprintf(buf, sizeof(buf), "%08x", v);
	FUZZ_CHECK(ur_ports_mask(buf, &v2, &err) == 0 && v2 == v);
	if (v < 0x1000) {
		snprintf(buf, sizeof(buf), "%04x", v);
		FUZZ_CHECK(ur_ports_mask(buf, &v2, &err) == 0 && v2 == v);
	}
}

/* ur_ports_format's words name exactly the mask again. */
static void
check_format(uint16_t m, const struct ur_chipset *cs, size_t small)
{
	struct ur_err err;
	uint16_t back;
	char buf[256], *p;

	m &= cs->port_mask;
	ur_ports_format(m, cs, buf, sizeof(buf));
	FUZZ_CHECK(strlen(buf) < sizeof(buf) - 1);
	if (m == 0) {
		FUZZ_CHECK(strcmp(buf, "none") == 0);
		return;
	}
	fuzz_err_init(&err);
	if (ur_ports_parse(buf, cs, NULL, cs->port_mask, cs->port_mask,
	    &back, &err) != 0) {
		fuzz_check_msg(&err);
		FUZZ_CHECK(0);
	}
	FUZZ_CHECK(back == m);

	/* A short buffer gets a cut string, not an overrun. */
	if ((p = malloc(small)) == NULL)
		abort();
	ur_ports_format(m, cs, p, small);
	FUZZ_CHECK(strlen(p) < small);
	free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_conf conf;
	static FILE *devnull;
	const struct ur_chipset *cs;
	uint16_t present, switchable;
	const char *p, *end;
	char *text;

	if (size < 5)
		return 0;
	cs = chipset(data[0]);
	/* Ports that exist are ports of the part (ur_chipset_ports). */
	present = (uint16_t)(data[1] | data[2] << 8) & cs->port_mask;
	switchable = (uint16_t)(data[3] | data[4] << 8);
	text = fuzz_strdup(data + 5, size - 5);

	ur_conf_defaults(&conf);
	snprintf(conf.path, sizeof(conf.path), "fuzz.conf");
	end = text + (size - 5);
	for (p = text + strlen(text) + 1; p < end; p += strlen(p) + 1)
		add_name(&conf, p);

	check_parse(text, cs, &conf, present, switchable);
	check_parse(text, cs, NULL, present, switchable);
	check_parse(text, cs, &conf, cs->port_mask, cs->port_mask);
	check_mask(text);
	check_format(present, cs, 1 + size % 48);

	if (devnull == NULL && (devnull = fopen("/dev/null", "we")) == NULL)
		abort();
	ur_ports_explain(devnull, (uint32_t)switchable << 16 | present, cs, &conf,
	    present, switchable);
	free(text);
	return 0;
}
