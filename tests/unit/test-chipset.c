/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "chipset.h"

static void
test_known_ids(void **state)
{
	static const struct { uint16_t id; const char *key; } ids[] = {
		{ 0x1e31, "7-series" }, { 0x8c31, "8-series" },
		{ 0x9c31, "8-series-lp" }, { 0x8cb1, "9-series" },
		{ 0x9cb1, "9-series-lp" }, { 0x8d31, "x99" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct ur_chipset *cs = ur_chipset_by_id(0x8086, ids[i].id);

		assert_non_null(cs);
		assert_string_equal(cs->key, ids[i].key);
		assert_ptr_equal(ur_chipset_by_key(ids[i].key), cs);
	}
}

static void
test_unknown_ids(void **state)
{
	(void)state;
	/* another vendor with a known device id, an EHCI id, a later PCH */
	assert_null(ur_chipset_by_id(0x1022, 0x8c31));
	assert_null(ur_chipset_by_id(0x8086, 0x8c26));
	assert_null(ur_chipset_by_id(0x8086, 0xa12f));
	assert_null(ur_chipset_by_key("10-series"));
}

static void
test_port_names(void **state)
{
	const struct ur_chipset *h = ur_chipset_by_key("8-series");
	const struct ur_chipset *lp = ur_chipset_by_key("9-series-lp");
	char buf[16];
	int port;

	(void)state;
	ur_chipset_port_name(h, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.1");
	ur_chipset_port_name(h, 7, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.8");
	ur_chipset_port_name(h, 8, buf, sizeof(buf));
	assert_string_equal(buf, "ehci2.1");
	ur_chipset_port_name(h, 13, buf, sizeof(buf));
	assert_string_equal(buf, "ehci2.6");
	ur_chipset_port_name(h, 14, buf, sizeof(buf));
	assert_string_equal(buf, "usbr");
	assert_int_equal(ur_chipset_port_ehci(h, 9, &port), 2);
	assert_int_equal(port, 2);
	assert_int_equal(ur_chipset_port_ehci_ctrl(h, 3), UR_CTRL_EHCI1);
	assert_int_equal(ur_chipset_port_ehci_ctrl(h, 14), 0);
	/* Wildcat Point-LP: no EHCI #2; bits 8-10 are of unknown meaning */
	ur_chipset_port_name(lp, 8, buf, sizeof(buf));
	assert_string_equal(buf, "p8");
	assert_int_equal(ur_chipset_port_ehci(lp, 8, &port), 0);
	assert_int_equal(lp->unverified, 0x0700);
}

/* Expected values worked out from Intel's Lynx Point reference code,
 * PchUsbCommon.c GetXhciPortCountAndSetPortRoutingMask and the
 * V_PCH_H_XHCI_FUS_* / V_PCH_LP_XHCI_FIXED_* values of PchRegsUsb.h. */
static void
test_fuses(void **state)
{
	const struct ur_chipset *h = ur_chipset_by_key("8-series");
	const struct ur_chipset *lpt = ur_chipset_by_key("8-series-lp");
	const struct ur_chipset *s7 = ur_chipset_by_key("7-series");
	char buf[128];

	(void)state;
	/* E0[2:1] USB2 count, E0[5] USBr (bit 14) */
	assert_int_equal(ur_chipset_ports(h, 0x00), 0x7fff);	/* 14 + USBr */
	assert_int_equal(ur_chipset_ports(h, 0x80), 0x7fff);	/* QD4 dump */
	assert_int_equal(ur_chipset_ports(h, 0x02), 0x7fff);	/* 12: 0x3fff */
	assert_int_equal(ur_chipset_ports(h, 0xa2), 0x3fff);	/* BD4: 12, no USBr */
	assert_int_equal(ur_chipset_ports(h, 0x04), 0x4fff);	/* 10: 0x0fff */
	assert_int_equal(ur_chipset_ports(h, 0x06), 0x40ff);	/* 8 */
	assert_int_equal(ur_chipset_ports(h, 0x26), 0x00ff);	/* 8, no USBr */
	/* E0[4:3] SuperSpeed count 6/4/2/0 */
	assert_int_equal(ur_chipset_ss_ports(h, 0x00), 0x3f);
	assert_int_equal(ur_chipset_ss_ports(h, 0x08), 0x0f);
	assert_int_equal(ur_chipset_ss_ports(h, 0x10), 0x03);
	assert_int_equal(ur_chipset_ss_ports(h, 0x18), 0x00);
	/* LP: 8 fixed ports, USBr at bit 8 when E0[5] = 0, 4 SuperSpeed */
	assert_int_equal(ur_chipset_ports(lpt, 0x00), 0x01ff);
	assert_int_equal(ur_chipset_ports(lpt, 0x20), 0x00ff);
	assert_int_equal(ur_chipset_ports(lpt, 0x1e), 0x01ff);	/* H bits ignored */
	assert_int_equal(ur_chipset_ss_ports(lpt, 0x18), 0x0f);
	ur_chipset_port_name(lpt, 8, buf, sizeof(buf));
	assert_string_equal(buf, "usbr");
	/* no fuse source: the table */
	assert_int_equal(ur_chipset_ports(s7, 0xffffffff), 0x000f);
	ur_chipset_fuses_describe(h, 0xa2, buf, sizeof(buf));
	assert_string_equal(buf, "12 USB2 ports (USB2PRM 0x3fff), 6 "
	    "SuperSpeed (USB3PRM 0x3f), USBr disabled");
	ur_chipset_fuses_describe(lpt, 0x00, buf, sizeof(buf));
	assert_string_equal(buf, "8 USB2 ports (USB2PRM 0x01ff), 4 "
	    "SuperSpeed (USB3PRM 0x0f), USBr enabled");
}

static void
test_ctrls(void **state)
{
	unsigned c;
	char buf[32];

	(void)state;
	assert_int_equal(ur_chipset_ctrl_parse("ehci2", &c), 0);
	assert_int_equal(c, UR_CTRL_EHCI2);
	assert_int_equal(ur_chipset_ctrl_parse("ehci3", &c), -1);
	ur_chipset_ctrl_format(UR_CTRL_EHCI1 | UR_CTRL_XHCI, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1,xhci");
	ur_chipset_ctrl_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_ids),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_port_names),
		cmocka_unit_test(test_fuses),
		cmocka_unit_test(test_ctrls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
