/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"

static const struct ur_chipset *h, *s7, *lp;
static struct ur_conf conf;

static int
setup(void **state)
{
	(void)state;
	h = ur_chipset_by_key("8-series");
	s7 = ur_chipset_by_key("7-series");
	lp = ur_chipset_by_key("9-series-lp");
	ur_conf_defaults(&conf);
	snprintf(conf.path, sizeof(conf.path), "test.conf");
	snprintf(conf.names[0].name, sizeof(conf.names[0].name), "front-left");
	snprintf(conf.names[0].words, sizeof(conf.names[0].words), "ehci1.3");
	conf.names[0].line = 4;
	snprintf(conf.names[1].name, sizeof(conf.names[1].name), "desk");
	snprintf(conf.names[1].words, sizeof(conf.names[1].words),
	    "ehci2.1-6");
	snprintf(conf.names[2].name, sizeof(conf.names[2].name), "broken");
	snprintf(conf.names[2].words, sizeof(conf.names[2].words), "ehci2.9");
	conf.names[2].line = 9;
	conf.nnames = 3;
	return 0;
}

static uint16_t
parse_ok(const char *words, const struct ur_chipset *cs, uint16_t sw)
{
	struct ur_err err;
	uint16_t mask = 0;

	if (ur_ports_parse(words, cs, &conf, cs->port_mask, sw, &mask,
	    &err) < 0)
		fail_msg("'%s' failed: %s", words, err.msg);
	return mask;
}

static void
parse_bad(const char *words, const struct ur_chipset *cs, uint16_t sw,
    const char *want)
{
	struct ur_err err;
	uint16_t mask = 0;

	if (ur_ports_parse(words, cs, &conf, cs->port_mask, sw, &mask,
	    &err) == 0)
		fail_msg("'%s' parsed as 0x%04x", words, mask);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': got '%s', want '%s'", words, err.msg, want);
}

static void
test_words(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("ehci1.3", h, 0x7fff), 0x0004);
	assert_int_equal(parse_ok("ehci2.1-6", h, 0x7fff), 0x3f00);
	assert_int_equal(parse_ok("ehci1.1-2,ehci2.1", h, 0x7fff), 0x0103);
	assert_int_equal(parse_ok("p9", h, 0x7fff), 0x0200);
	assert_int_equal(parse_ok("p0-3", h, 0x7fff), 0x000f);
	assert_int_equal(parse_ok("p0-p3", h, 0x7fff), 0x000f);
	assert_int_equal(parse_ok("usbr", h, 0x7fff), 0x4000);
	assert_int_equal(parse_ok("all", h, 0x3fff), 0x3fff);
	assert_int_equal(parse_ok("0x00ff", h, 0x7fff), 0x00ff);
	assert_int_equal(parse_ok("front-left desk", h, 0x7fff), 0x3f04);
	assert_int_equal(parse_ok("  ehci1.1 \t ehci1.1 ", h, 0x7fff), 1);
}

static void
test_errors(void **state)
{
	(void)state;
	parse_bad("ehci3.1", h, 0x7fff, "unknown port 'ehci3.1'");
	parse_bad("ehci2.7", h, 0x7fff, "EHCI #2 has ports 1-6");
	parse_bad("ehci1.0", h, 0x7fff, "EHCI #1 has ports 1-8");
	parse_bad("ehci2.3-1", h, 0x7fff, "unknown port");
	parse_bad("p15", h, 0x7fff, "bit numbers go up to p14");
	parse_bad("bogus", h, 0x7fff, "unknown port 'bogus'");
	parse_bad("0x8000", h, 0x7fff, "outside the ports");
	parse_bad("0xzz", h, 0x7fff, "not a mask");
	parse_bad("", h, 0x7fff, "no ports given");
	parse_bad("ehci1.5", h, 0x000f, "not switchable: the firmware allows "
	    "only ehci1.1-4");
	parse_bad("ehci1.1", h, 0, "USB2PRM is 0");
	parse_bad("broken", h, 0x7fff, "test.conf line 9 (port broken)");
	/* 7-series: only ehci1.1-4 have a bit */
	parse_bad("ehci1.5", s7, 0x000f, "only ehci1.1-4");
	parse_bad("ehci2.1", s7, 0x000f, "only ehci1.1-4");
	parse_bad("usbr", s7, 0x000f, "no USB redirection port");
	/* LP: no EHCI #2 */
	parse_bad("ehci2.1", lp, 0x07ff, "has no EHCI #2");
	assert_int_equal(parse_ok("p8-9", lp, 0x07ff), 0x0300);
}

static void
test_fused(void **state)
{
	struct ur_err err;
	uint16_t mask;

	(void)state;
	assert_int_equal(ur_ports_parse("ehci2.6", h, &conf, 0x4fff, 0x7fff,
	    &mask, &err), -1);
	assert_non_null(strstr(err.msg, "fused off"));
}

static void
test_mask(void **state)
{
	struct ur_err err;
	uint32_t v;

	(void)state;
	assert_int_equal(ur_ports_mask("0x00ff", &v, &err), 0);
	assert_int_equal(v, 0xff);
	assert_int_equal(ur_ports_mask("00ff", &v, &err), 0);
	assert_int_equal(v, 0xff);
	/* Hex always, as setpci: what it printed reads back the same. */
	assert_int_equal(ur_ports_mask("255", &v, &err), 0);
	assert_int_equal(v, 0x255);
	assert_int_equal(ur_ports_mask("00000300", &v, &err), 0);
	assert_int_equal(v, 0x300);
	assert_int_equal(ur_ports_mask("-1", &v, &err), -1);
	assert_int_equal(ur_ports_mask("0x1ffffffff", &v, &err), -1);
	assert_int_equal(ur_ports_mask("", &v, &err), -1);
	assert_int_equal(ur_ports_mask("0x", &v, &err), -1);
}

static void
test_format(void **state)
{
	char buf[128];

	(void)state;
	ur_ports_format(0x3f0f, h, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.1-4 ehci2.1-6");
	ur_ports_format(0x4105, h, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.1 ehci1.3 ehci2.1 usbr");
	ur_ports_format(0x0780, lp, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.8 p8-10");
	ur_ports_format(0, h, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	/* Formatted words parse back to the same mask. */
	assert_int_equal(parse_ok("ehci1.1-4 ehci2.1-6", h, 0x7fff), 0x3f0f);
}

static void
test_alias(void **state)
{
	(void)state;
	assert_string_equal(ur_ports_alias(&conf, h, 2), "front-left");
	assert_null(ur_ports_alias(&conf, h, 8));	/* desk is 6 ports */
}

static void
test_explain(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	ur_ports_explain(f, 0x00ff, h, &conf, 0x7fff, 0x3fff);
	fclose(f);
	assert_non_null(strstr(text, "XUSB2PR = 0x00ff on 8-series"));
	assert_non_null(strstr(text, "ehci1.3  p2   xHCI"));
	assert_non_null(strstr(text, "ehci2.1  p8   EHCI #2"));
	assert_non_null(strstr(text, "\"front-left\""));
	assert_non_null(strstr(text, "usbr     p14  EHCI      fixed by "
	    "firmware"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fused),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
