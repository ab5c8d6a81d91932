/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "table.h"

static const struct ur_chipset *h;

static int
setup(void **state)
{
	(void)state;
	h = ur_chipset_by_key("8-series");
	return 0;
}

static struct ur_owner
owner(const char *id, unsigned ctrls, uint16_t ports)
{
	struct ur_owner o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.name, sizeof(o.name), "dom-%s", id);
	snprintf(o.profile, sizeof(o.profile), "desk");
	o.ctrls = ctrls;
	o.ports = ports;
	return o;
}

static void
claim_ok(struct ur_table *t, struct ur_owner o)
{
	struct ur_err err;

	if (ur_table_claim(t, &o, h, &err) < 0)
		fail_msg("claim by %s failed: %s", o.id, err.msg);
}

static void
test_empty(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	/* Nothing claimed: every switchable port on the xHCI, as Linux
	 * leaves it; bits outside switchable stay 0 for the caller. */
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3fff);
	assert_int_equal(ur_table_compute(&t, h, 0x00ff), 0x00ff);
	assert_int_equal(ur_table_away(&t, h, 0x3fff), 0);
}

static void
test_ehci_owner(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	claim_ok(&t, owner("a", UR_CTRL_EHCI2, 0x3f00));
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x00ff);
	assert_int_equal(ur_table_away(&t, h, 0x3fff), 0x3f00);
}

static void
test_xhci_owner(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	/* A domain that holds the xHCI: its ports stay on xHCI, the host's
	 * go to EHCI. */
	claim_ok(&t, owner("x", UR_CTRL_XHCI, 0x000f));
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x000f);
	/* Holding xHCI and the port's EHCI: the EHCI wins. */
	ur_table_init(&t);
	claim_ok(&t, owner("y", UR_CTRL_XHCI | UR_CTRL_EHCI1, 0x0003));
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x0000);
}

static void
test_order_independent(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	claim_ok(&t, owner("a", UR_CTRL_EHCI1, 0x0003));
	claim_ok(&t, owner("b", UR_CTRL_EHCI2, 0x0300));
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3cfc);
	/* A stops first: B's ports stay where B needs them. */
	assert_int_equal(ur_table_release(&t, "a"), 0x0003);
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3cff);
	assert_int_equal(ur_table_release(&t, "b"), 0x0300);
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3fff);
	assert_int_equal(t.nowners, 0);
}

static void
test_conflict(void **state)
{
	struct ur_table t;
	struct ur_owner b = owner("b", UR_CTRL_EHCI2, 0x0600);
	struct ur_err err;

	(void)state;
	ur_table_init(&t);
	claim_ok(&t, owner("a", UR_CTRL_EHCI2, 0x0300));
	assert_int_equal(ur_table_claim(&t, &b, h, &err), -1);
	assert_non_null(strstr(err.msg, "port ehci2.2 is held by dom-a"));
	assert_int_equal(t.nowners, 1);
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3cff);
}

static void
test_controller_required(void **state)
{
	struct ur_table t;
	struct ur_owner o = owner("a", UR_CTRL_EHCI1, 0x0100);
	struct ur_err err;

	(void)state;
	ur_table_init(&t);
	assert_int_equal(ur_table_claim(&t, &o, h, &err), -1);
	assert_non_null(strstr(err.msg, "holds neither EHCI #2 nor the xHCI"));
	assert_int_equal(t.nowners, 0);
}

static void
test_idempotent(void **state)
{
	struct ur_table t, copy;

	(void)state;
	ur_table_init(&t);
	claim_ok(&t, owner("a", UR_CTRL_EHCI2, 0x0300));
	copy = t;
	claim_ok(&t, owner("a", UR_CTRL_EHCI2, 0x0300));
	assert_memory_equal(&t, &copy, sizeof(t));
	/* A new claim by the same owner replaces its set. */
	claim_ok(&t, owner("a", UR_CTRL_EHCI2, 0x0100));
	assert_int_equal(t.nowners, 1);
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3eff);
	/* Releasing twice, or someone who never claimed, is a no-op. */
	assert_int_equal(ur_table_release(&t, "a"), 0x0100);
	assert_int_equal(ur_table_release(&t, "a"), 0);
	assert_int_equal(ur_table_release(&t, "never"), 0);
}

static void
test_pins(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	t.pin_mask = 0x0003;
	t.pin_xhci = 0x0000;
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3ffc);
	assert_int_equal(ur_table_away(&t, h, 0x3fff), 0x0003);
	/* A domain's claim takes the port from the pin. */
	claim_ok(&t, owner("a", UR_CTRL_EHCI1, 0x0001));
	assert_int_equal(t.pin_mask, 0x0002);
}

static void
test_lent(void **state)
{
	struct ur_table t;
	struct ur_owner o = owner("a", UR_CTRL_EHCI2, 0x0300);

	(void)state;
	ur_table_init(&t);
	o.lent = 0x0100;
	claim_ok(&t, o);
	/* ehci2.1 lent back to the host: on xHCI; ehci2.2 with the guest */
	assert_int_equal(ur_table_compute(&t, h, 0x3fff), 0x3dff);
}

static void
test_nonswitchable_untouched(void **state)
{
	struct ur_table t;

	(void)state;
	ur_table_init(&t);
	claim_ok(&t, owner("a", UR_CTRL_EHCI1, 0x0001));
	/* Port 1 not switchable: compute says nothing about it. */
	assert_int_equal(ur_table_compute(&t, h, 0x3ffe), 0x3ffe);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_ehci_owner),
		cmocka_unit_test(test_xhci_owner),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_controller_required),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_lent),
		cmocka_unit_test(test_nonswitchable_untouched),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
