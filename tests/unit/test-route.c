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

#include "file.h"
#include "machine.h"
#include "route.h"
#include "sim.h"
#include "state.h"
#include "testutil.h"

static const struct ur_chipset *h;
static struct ur_pairs pairs;

static int
setup(void **state)
{
	(void)state;
	h = ur_chipset_by_key("8-series");
	memset(pairs.ss, -1, sizeof(pairs.ss));
	pairs.ss[0] = 0;	/* ehci1.1 <-> USB3 port 1 */
	pairs.ss[8] = 3;	/* ehci2.1 <-> USB3 port 4 */
	return 0;
}

static struct ur_regs
regs(uint32_t x, uint32_t prm, uint32_t pssen, uint32_t ssprm)
{
	struct ur_regs r = { x, prm, pssen, ssprm, 0 };

	return r;
}

static void
test_plan_simple(void **state)
{
	struct ur_regs r = regs(0x3fff, 0x3fff, 0x3f, 0x3f);
	struct ur_route_plan p;
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_route_plan(&r, h, NULL, 0x3f00, 0, &p, &err), 0);
	assert_int_equal(p.nsteps, 1);
	assert_int_equal(p.step[0].reg, UR_REG_XUSB2PR);
	assert_int_equal(p.step[0].value, 0x00ff);
	/* Asking for what is already there writes nothing. */
	assert_int_equal(ur_route_plan(&r, h, NULL, 0x3fff, 0x3fff, &p, &err), 0);
	assert_int_equal(p.nsteps, 0);
}

static void
test_plan_order(void **state)
{
	struct ur_regs r = regs(0x3fff, 0x3fff, 0x3f, 0x3f);
	struct ur_route_plan p;
	struct ur_err err;

	(void)state;
	/* To EHCI: termination off first, then the wire. */
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x0101, 0, &p, &err), 0);
	assert_int_equal(p.nsteps, 2);
	assert_int_equal(p.step[0].reg, UR_REG_PSSEN);
	assert_int_equal(p.step[0].value, 0x36);
	assert_int_equal(p.step[1].reg, UR_REG_XUSB2PR);
	assert_int_equal(p.step[1].value, 0x3efe);
	/* Back to xHCI: termination on first, then the wire. */
	r = regs(0x3efe, 0x3fff, 0x36, 0x3f);
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x0101, 0x0101, &p, &err), 0);
	assert_int_equal(p.nsteps, 2);
	assert_int_equal(p.step[0].reg, UR_REG_PSSEN);
	assert_int_equal(p.step[0].value, 0x3f);
	assert_int_equal(p.step[1].value, 0x3fff);
}

static void
test_plan_pssen_alone(void **state)
{
	/* Wires where the table wants them, terminations set back to
	 * USB3PRM (firmware _WAK): only PSSEN is written. */
	struct ur_regs r = regs(0x3efe, 0x3fff, 0x3f, 0x3f);
	struct ur_route_plan p;
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x3fff, 0x3efe, &p, &err), 0);
	assert_int_equal(p.nsteps, 1);
	assert_int_equal(p.step[0].reg, UR_REG_PSSEN);
	assert_int_equal(p.step[0].value, 0x36);
	/* A termination off while its wire is on the xHCI goes back on. */
	r = regs(0x3fff, 0x3fff, 0x36, 0x3f);
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x3fff, 0x3fff, &p, &err), 0);
	assert_int_equal(p.nsteps, 1);
	assert_int_equal(p.step[0].value, 0x3f);
	/* Ports outside `change` keep their terminations as read. */
	r = regs(0x3efe, 0x3fff, 0x3f, 0x3f);
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x0100, 0, &p, &err), 0);
	assert_int_equal(p.nsteps, 1);
	assert_int_equal(p.step[0].value, 0x37);
}

static void
test_plan_keeps_other_bits(void **state)
{
	/* Bits above the field and SuperSpeed bits USB3PRM locks stay. */
	struct ur_regs r = regs(0xa0003fff, 0x3fff, 0xc000003f, 0x3e);
	struct ur_route_plan p;
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_route_plan(&r, h, &pairs, 0x0001, 0, &p, &err), 0);
	assert_int_equal(p.nsteps, 1);	/* PSSEN bit 0 is locked */
	assert_int_equal(p.step[0].value, 0xa0003ffe);
}

static void
test_plan_firmware_extra_bits(void **state)
{
	/* MacBookPro12,1: XUSB2PR 0x7ff while USB2PRM is 0x4ff. */
	const struct ur_chipset *lp = ur_chipset_by_key("9-series-lp");
	struct ur_regs r = regs(0x7ff, 0x4ff, 0xf, 0xf);
	struct ur_route_plan p;
	struct ur_err err;

	(void)state;
	assert_int_equal(ur_route_plan(&r, lp, NULL, 0x04ff, 0, &p, &err), 0);
	assert_int_equal(p.step[0].value, 0x300);
	/* Asking to move p8, which firmware locks, is refused by name. */
	assert_int_equal(ur_route_plan(&r, lp, NULL, 0x0100, 0, &p, &err), -1);
	assert_non_null(strstr(err.msg, "port p8 cannot be moved"));
	/* ... but asking for where it already is, is fine. */
	assert_int_equal(ur_route_plan(&r, lp, NULL, 0x0100, 0x0100, &p, &err), 0);
	assert_int_equal(p.nsteps, 0);
}

/* Against a simulated chipset: the registers written through libpci,
 * read back by setpci. */
static char dir[64];

static int
sim_setup(void **state)
{
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	if (tu_tmpdir(dir, sizeof(dir), "route") != 0)
		return -1;
	ur_sim_preset(h, &dump);
	if (ur_sim_create(dir, &dump, &err) < 0) {
		fprintf(stderr, "sim: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
sim_teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

static int
edit_claim(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	return ur_table_claim(t, arg, m->cs, err);
}

static void
test_commit_on_sim(void **state)
{
	struct ur_conf conf;
	struct ur_machine m;
	struct ur_owner o;
	struct ur_table t;
	struct ur_err err;
	char path[128], pm[16];

	(void)state;
	ur_conf_defaults(&conf);
	snprintf(conf.sysfs_root, sizeof(conf.sysfs_root), "%s", dir);
	snprintf(conf.state_dir, sizeof(conf.state_dir), "%s/run", dir);
	assert_int_equal(ur_machine_open(&m, &conf, &err), 0);
	assert_int_equal(tu_setpci(dir, "d0"), 0x7fff);

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "vm1");
	o.ctrls = UR_CTRL_EHCI2;
	o.ports = 0x3f00;
	assert_int_equal(ur_machine_commit(&m, edit_claim, &o, &t, &err), 0);
	assert_int_equal(tu_setpci(dir, "d0"), 0x40ff);
	assert_int_equal(m.regs.xusb2pr, 0x40ff);
	/* runtime PM held off while ports are away, old value remembered */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:14.0/"
	    "power/control", dir);
	assert_true(ur_file_read_attr(path, pm, sizeof(pm)) > 0);
	assert_string_equal(pm, "on");
	assert_string_equal(t.pm_saved, "auto");

	/* Drift: Linux rewrote XUSB2PR := USB2PRM on resume. */
	{
		uint32_t got;

		assert_int_equal(ur_xhci_write(m.xhci, UR_REG_XUSB2PR, 0x7fff,
		    &got, &err), 0);
		assert_int_equal(ur_xhci_read(m.xhci, &m.regs, &err), 0);
		assert_int_equal(ur_machine_drift(&m, &t), 0x3f00);
		assert_int_equal(ur_machine_commit(&m, NULL, NULL, &t, &err), 0);
		assert_int_equal(tu_setpci(dir, "d0"), 0x40ff);
		assert_int_equal(ur_machine_drift(&m, &t), 0);
	}

	/* A refused edit changes nothing. */
	o.ports = 0x0001;
	o.ctrls = UR_CTRL_EHCI2;
	assert_int_equal(ur_machine_commit(&m, edit_claim, &o, NULL, &err), -1);
	assert_int_equal(tu_setpci(dir, "d0"), 0x40ff);

	/* Release: back home, power/control back to auto. */
	o.ports = 0;
	assert_int_equal(ur_machine_commit(&m, edit_claim, &o, &t, &err), 0);
	assert_int_equal(tu_setpci(dir, "d0"), 0x7fff);
	assert_true(ur_file_read_attr(path, pm, sizeof(pm)) > 0);
	assert_string_equal(pm, "auto");
	assert_string_equal(t.pm_saved, "");
	ur_machine_close(&m);
}

static void
test_refuses_foreign_device(void **state)
{
	struct ur_xhci *x;
	struct ur_err err;
	char cmd[256];

	(void)state;
	/* Turn the simulated xHCI into an AMD one: nothing may be written. */
	snprintf(cmd, sizeof(cmd), "setpci -A linux-sysfs -O "
	    "sysfs.path=%s/bus/pci -s 00:14.0 0.w=1022", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ur_xhci_open(dir, &x, &err), -1);
	assert_non_null(strstr(err.msg, "refusing 0000:00:14.0 [1022:8c31]"));
	assert_null(x);
	assert_int_equal(ur_xhci_open("/nonexistent", &x, &err), -1);
	assert_non_null(strstr(err.msg, "0000:00:14.0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_simple),
		cmocka_unit_test(test_plan_order),
		cmocka_unit_test(test_plan_pssen_alone),
		cmocka_unit_test(test_plan_keeps_other_bits),
		cmocka_unit_test(test_plan_firmware_extra_bits),
		cmocka_unit_test_setup_teardown(test_commit_on_sim, sim_setup,
		    sim_teardown),
		cmocka_unit_test_setup_teardown(test_refuses_foreign_device,
		    sim_setup, sim_teardown),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
