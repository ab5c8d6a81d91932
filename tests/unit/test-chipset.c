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
	ur_port_name(h, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.1");
	ur_port_name(h, 7, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1.8");
	ur_port_name(h, 8, buf, sizeof(buf));
	assert_string_equal(buf, "ehci2.1");
	ur_port_name(h, 13, buf, sizeof(buf));
	assert_string_equal(buf, "ehci2.6");
	ur_port_name(h, 14, buf, sizeof(buf));
	assert_string_equal(buf, "usbr");
	assert_int_equal(ur_port_ehci(h, 9, &port), 2);
	assert_int_equal(port, 2);
	assert_int_equal(ur_port_ehci_ctrl(h, 3), UR_CTRL_EHCI1);
	assert_int_equal(ur_port_ehci_ctrl(h, 14), 0);
	/* LP: no EHCI #2; bits 8.. are xHCI-only ports */
	ur_port_name(lp, 8, buf, sizeof(buf));
	assert_string_equal(buf, "p8");
	assert_int_equal(ur_port_ehci(lp, 8, &port), 0);
}

static void
test_fuses(void **state)
{
	const struct ur_chipset *h = ur_chipset_by_key("8-series");
	const struct ur_chipset *s7 = ur_chipset_by_key("7-series");

	(void)state;
	assert_int_equal(ur_chipset_ports(h, 0x80), 0x7fff);	/* 14 + USBr */
	assert_int_equal(ur_chipset_ports(h, 0xa2), 0x4fff);	/* 12 + USBr */
	assert_int_equal(ur_chipset_ports(h, 0x06), 0x40ff);	/* 8 + USBr */
	assert_int_equal(ur_chipset_ports(s7, 0xffffffff), 0x000f);
}

static void
test_ctrls(void **state)
{
	unsigned c;
	char buf[32];

	(void)state;
	assert_int_equal(ur_ctrl_parse("ehci2", &c), 0);
	assert_int_equal(c, UR_CTRL_EHCI2);
	assert_int_equal(ur_ctrl_parse("ehci3", &c), -1);
	ur_ctrl_format(UR_CTRL_EHCI1 | UR_CTRL_XHCI, buf, sizeof(buf));
	assert_string_equal(buf, "ehci1,xhci");
	ur_ctrl_format(0, buf, sizeof(buf));
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
