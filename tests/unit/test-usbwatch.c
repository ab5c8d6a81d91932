/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chipset.h"
#include "sim.h"
#include "testutil.h"
#include "usbwatch.h"

/*
 * The watcher against a simulated 8-series chipset: the same plugs,
 * unplugs and re-enumerations the wizard and the daemon will see, made by
 * the simulation as the kernel would make them.
 */

static char base[256], sim[300];

static int
setup(void **state)
{
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	if (tu_tmpdir(base, sizeof(base), "test-usbwatch") != 0)
		return -1;
	snprintf(sim, sizeof(sim), "%s/sim", base);
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	return ur_sim_create(sim, &dump, &err);
}

static int
teardown(void **state)
{
	(void)state;
	return base[0] != '\0' ? tu_rmtree(base) : 0;
}

#define MAXEV 16

struct seen {
	struct ur_usbev ev[MAXEV];
	int n;
};

static void
record(const struct ur_usbev *ev, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < MAXEV);
	s->ev[s->n++] = *ev;
}

/* Waits for the fd as a caller's poll loop would, then drains: the fd
 * must turn readable by itself (the timer) within a second. */
static void
wait_drain(struct ur_usbwatch *w, struct seen *s)
{
	struct pollfd pfd = { .fd = ur_usbwatch_fd(w), .events = POLLIN };
	struct ur_err err;
	int r;

	memset(s, 0, sizeof(*s));
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	r = ur_usbwatch_drain(w, record, s, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(r, s->n);
}

static void
set_reg(int off, uint32_t v)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path),
	    "%s/devices/pci0000:00/0000:00:14.0/config", sim);
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	assert_int_equal(fputc((int)(v & 0xff), f), (int)(v & 0xff));
	assert_int_equal(fputc((int)(v >> 8 & 0xff), f), (int)(v >> 8 & 0xff));
	assert_int_equal(fclose(f), 0);
}

static void
set_xusb2pr(uint32_t v)
{
	set_reg(0xd0, v);
}

static void
test_plug_unplug(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_usbwatch *w;
	struct ur_err err;
	struct seen s;
	int removed;

	(void)state;
	/* Something plugged in before: the baseline, not an arrival. */
	assert_int_equal(ur_sim_plug(sim, 0, 0x1111, 0x2222, "Old", &err), 0);
	assert_int_equal(ur_usbwatch_open(&w, sim, cs, 20, &err), 0);
	assert_false(ur_usbwatch_uses_uevents(w));
	memset(&s, 0, sizeof(s));
	ur_usbwatch_present(w, record, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].loc.bit, 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 0);

	/* Every port is on the xHCI: bit 9 (ehci2.2) is root port 10. */
	assert_int_equal(ur_sim_plug(sim, 9, 0x046d, 0xc52b, "USB Receiver",
	    &err), 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, UR_USBEV_ARRIVED);
	assert_int_equal(s.ev[0].loc.bit, 9);
	assert_int_equal(s.ev[0].loc.side, UR_SIDE_XHCI);
	assert_false(s.ev[0].loc.behind_hub);
	assert_int_equal(s.ev[0].loc.ss_port, 0);
	assert_string_equal(s.ev[0].dev.busid, "3-10");
	assert_int_equal(s.ev[0].dev.vid, 0x046d);
	assert_int_equal(s.ev[0].dev.pid, 0xc52b);
	assert_string_equal(s.ev[0].dev.product, "USB Receiver");

	/* Gone: the departure says what it was. */
	assert_int_equal(ur_sim_unplug(sim, 9, &removed, &err), 0);
	assert_true(removed);
	wait_drain(w, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_int_equal(s.ev[0].loc.bit, 9);
	assert_int_equal(s.ev[0].dev.pid, 0xc52b);
	assert_int_equal(ur_sim_unplug(sim, 9, &removed, &err), 0);
	assert_false(removed);

	/* Re-plugged in one go (no read in between): a new devnum, so a
	 * departure and an arrival, not silence. */
	assert_int_equal(ur_sim_plug(sim, 0, 0x1111, 0x2222, "Old", &err), 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_int_equal(s.ev[1].kind, UR_USBEV_ARRIVED);
	assert_int_equal(s.ev[1].loc.bit, 0);
	assert_int_not_equal(s.ev[0].dev.devnum, s.ev[1].dev.devnum);
	ur_usbwatch_close(w);
}

static void
test_ehci_and_hub(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_usbwatch *w;
	struct ur_err err;
	struct seen s;
	int moved;

	(void)state;
	assert_int_equal(ur_usbwatch_open(&w, sim, cs, 20, &err), 0);

	/* ehci1.3 (bit 2) routed to EHCI #1: rate-matching hub port 3. */
	set_xusb2pr(0x7fff & ~(1u << 2));
	assert_int_equal(ur_sim_plug(sim, 2, 0x0c45, 0x643f, "Webcam", &err),
	    0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].loc.bit, 2);
	assert_int_equal(s.ev[0].loc.side, UR_SIDE_EHCI);
	assert_string_equal(s.ev[0].dev.busid, "2-1.3");

	/* Routed back and re-enumerated: it left EHCI, came on xHCI, same
	 * port. */
	set_xusb2pr(0x7fff);
	assert_int_equal(ur_sim_sync(sim, &moved, &err), 0);
	assert_int_equal(moved, 1);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_string_equal(s.ev[0].dev.busid, "2-1.3");
	assert_int_equal(s.ev[1].kind, UR_USBEV_ARRIVED);
	assert_string_equal(s.ev[1].dev.busid, "3-3");
	assert_int_equal(s.ev[1].loc.bit, 2);

	/* Behind a hub on ehci2.1 (bit 8): the hub and the device, both
	 * named by the PCH port, the device flagged. */
	set_xusb2pr(0x7fff & ~(1u << 8));
	assert_int_equal(ur_sim_plug_behind_hub(sim, 8, 0x046d, 0xc31c,
	    "Keyboard", &err), 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ev[0].dev.busid, "1-1.1");
	assert_false(s.ev[0].loc.behind_hub);
	assert_string_equal(s.ev[1].dev.busid, "1-1.1.1");
	assert_int_equal(s.ev[1].loc.bit, 8);
	assert_true(s.ev[1].loc.behind_hub);
	assert_int_equal(s.ev[1].dev.vid, 0x046d);

	/* Unplugging the hub takes both. */
	assert_int_equal(ur_sim_unplug(sim, 8, &moved, &err), 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_int_equal(s.ev[1].kind, UR_USBEV_LEFT);
	ur_usbwatch_close(w);
}

/* A SuperSpeed device: on its USB3 port while the termination is on, on
 * its USB2 wire when it is off, as the wizard's second question needs. */
static void
test_superspeed(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_usbwatch *w;
	struct ur_err err;
	struct seen s;
	int moved;

	(void)state;
	assert_int_equal(ur_usbwatch_open(&w, sim, cs, 20, &err), 0);
	assert_int_equal(ur_sim_plug_ss(sim, 2, 4, 0x0781, 0x5581, "Ultra",
	    &err), 0);
	wait_drain(w, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].loc.bit, -1);
	assert_int_equal(s.ev[0].loc.ss_port, 4);
	assert_int_equal(s.ev[0].dev.speed, 5000);
	assert_string_equal(s.ev[0].dev.busid, "4-4");

	set_reg(0xd8, 0x3f & ~(1u << 3));
	assert_int_equal(ur_sim_sync(sim, &moved, &err), 0);
	assert_int_equal(moved, 1);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_int_equal(s.ev[0].loc.ss_port, 4);
	assert_int_equal(s.ev[1].kind, UR_USBEV_ARRIVED);
	assert_int_equal(s.ev[1].loc.bit, 2);
	assert_int_equal(s.ev[1].dev.speed, 480);

	/* Nothing else moves on a sync: no events for what stayed. */
	set_reg(0xd8, 0x3f);
	assert_int_equal(ur_sim_plug(sim, 5, 1, 2, "Still", &err), 0);
	wait_drain(w, &s);
	assert_int_equal(ur_sim_sync(sim, &moved, &err), 0);
	assert_int_equal(moved, 1);
	wait_drain(w, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ev[1].loc.ss_port, 4);

	/* Unplugging its USB2 port takes it from the USB3 port too. */
	assert_int_equal(ur_sim_unplug(sim, 2, &moved, &err), 0);
	assert_true(moved);
	wait_drain(w, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].kind, UR_USBEV_LEFT);
	assert_int_equal(s.ev[0].loc.ss_port, 4);
	ur_usbwatch_close(w);
}

/* The busid-to-port mapping the watcher rests on, for the cases a
 * simulation does not make. */
static void
test_locate(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	const struct ur_usbbuses b = { .ehci1 = 2, .ehci2 = 1, .xhci2 = 3,
	    .xhci3 = 4 };
	struct ur_usbloc loc;

	(void)state;
	assert_int_equal(ur_usb_locate(cs, &b, "2-1.8", &loc), 1);
	assert_int_equal(loc.bit, 7);
	assert_int_equal(ur_usb_locate(cs, &b, "1-1.6.3.2", &loc), 1);
	assert_int_equal(loc.bit, 13);
	assert_true(loc.behind_hub);
	assert_int_equal(ur_usb_locate(cs, &b, "3-15", &loc), 1);
	assert_int_equal(loc.bit, 14);
	assert_int_equal(ur_usb_locate(cs, &b, "4-2", &loc), 1);
	assert_int_equal(loc.bit, -1);
	assert_int_equal(loc.ss_port, 2);
	assert_false(loc.behind_hub);
	assert_int_equal(ur_usb_locate(cs, &b, "4-2.1", &loc), 1);
	assert_true(loc.behind_hub);
	/* Not devices on a PCH port. */
	assert_int_equal(ur_usb_locate(cs, &b, "usb3", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "2-1", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "2-2", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "2-1.9", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "3-1:1.0", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "5-1", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "3-16", &loc), 0);
	assert_int_equal(ur_usb_locate(cs, &b, "4-7", &loc), 0);
	/* Not device names. */
	assert_int_equal(ur_usb_locate(cs, &b, "3-", &loc), -1);
	assert_int_equal(ur_usb_locate(cs, &b, "3-0", &loc), -1);
	assert_int_equal(ur_usb_locate(cs, &b, "3-1..2", &loc), -1);
	assert_int_equal(ur_usb_locate(cs, &b, "3-1.", &loc), -1);
	assert_int_equal(ur_usb_locate(cs, &b, "power", &loc), -1);
	assert_int_equal(ur_usb_locate(cs, &b, "3x1", &loc), -1);
}

/* On the real /sys the kernel's uevents are used (where a netlink socket
 * can be had); nothing is asserted about what is plugged in here. */
static void
test_real_sys(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_usbwatch *w;
	struct ur_err err;

	(void)state;
	if (ur_usbwatch_open(&w, "/sys", cs, 0, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(ur_usbwatch_fd(w) >= 0);
	assert_true(ur_usbwatch_drain(w, record, &(struct seen){ 0 }, &err)
	    >= 0);
	ur_usbwatch_close(w);
	/* A root that is not there: one clear error. */
	assert_int_equal(ur_usbwatch_open(&w, "/nonexistent", cs, 0, &err),
	    -1);
	assert_non_null(strstr(err.msg, "/nonexistent"));
	assert_null(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plug_unplug, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ehci_and_hub, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_superspeed, setup,
		    teardown),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_real_sys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
