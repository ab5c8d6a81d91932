/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chipset.h"
#include "testutil.h"
#include "usb.h"

/*
 * The trees here are built by hand, after a real Lynx Point machine's
 * /sys, so usb.c is checked against the kernel's layout and not only
 * against what sim.c makes of it.
 */

static char root[256];

static void
mkdirs(const char *rel)
{
	char path[4096], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
}

static void
put(const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
link_to(const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) < 0)
		fail_msg("cannot link %s: %s", path, strerror(errno));
}

#define PCI "devices/pci0000:00"

static void
root_hub(const char *addr, int bus, const char *speed)
{
	char rel[512], target[512];

	snprintf(rel, sizeof(rel), PCI "/%s/usb%d/%d-0:1.0/usb%d-port1", addr,
	    bus, bus, bus);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), PCI "/%s/usb%d/speed", addr, bus);
	put(rel, speed);
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d", bus);
	snprintf(target, sizeof(target), "../../../" PCI "/%s/usb%d", addr,
	    bus);
	link_to(rel, target);
}

static void
usb_device(const char *parent, const char *busid, const char *vid,
    const char *pid, const char *product)
{
	char rel[512], target[512];

	snprintf(rel, sizeof(rel), "%s/%s", parent, busid);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "%s/%s/idVendor", parent, busid);
	put(rel, vid);
	snprintf(rel, sizeof(rel), "%s/%s/idProduct", parent, busid);
	put(rel, pid);
	if (product != NULL) {
		snprintf(rel, sizeof(rel), "%s/%s/product", parent, busid);
		put(rel, product);
	}
	snprintf(rel, sizeof(rel), "bus/usb/devices/%s", busid);
	snprintf(target, sizeof(target), "../../../%s/%s", parent, busid);
	link_to(rel, target);
}

/*
 * 1a.0: usb1, rate-matching hub 1-1.  1d.0: usb2, hub 2-1, a keyboard on
 * hub port 3 (bit 2).  14.0: usb3 (USB2) with a headset on port 5 (bit
 * 4), usb4 (USB3).
 */
static int
setup_tree(void **state)
{
	const char *addrs[] = { "0000:00:1a.0", "0000:00:1d.0",
	    "0000:00:14.0" };
	char rel[256], target[256];
	size_t i;

	(void)state;
	if (tu_tmpdir(root, sizeof(root), "test-usbtopo") != 0)
		return -1;
	mkdirs("bus/pci/devices");
	mkdirs("bus/usb/devices");
	for (i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), PCI "/%s/power", addrs[i]);
		mkdirs(rel);
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s", addrs[i]);
		snprintf(target, sizeof(target), "../../../" PCI "/%s",
		    addrs[i]);
		link_to(rel, target);
	}
	root_hub("0000:00:1a.0", 1, "480\n");
	root_hub("0000:00:1d.0", 2, "480\n");
	root_hub("0000:00:14.0", 3, "480\n");
	root_hub("0000:00:14.0", 4, "5000\n");
	/* Not root hubs, though they start like one. */
	mkdirs(PCI "/0000:00:14.0/usbmon");
	put(PCI "/0000:00:14.0/usb", "");
	usb_device(PCI "/0000:00:1a.0/usb1", "1-1", "8087\n", "8008\n", NULL);
	usb_device(PCI "/0000:00:1d.0/usb2", "2-1", "8087\n", "8000\n", NULL);
	usb_device(PCI "/0000:00:1d.0/usb2/2-1", "2-1.3", "046d\n", "c31c\n",
	    "USB Keyboard\n");
	usb_device(PCI "/0000:00:14.0/usb3", "3-5", "2d99\n", "0026\n",
	    "HECATE G2II GAMING HEADSET\n");
	/* A device without a product string, on bit 9 (EHCI #2 port 2). */
	usb_device(PCI "/0000:00:1a.0/usb1/1-1", "1-1.2", "0bda\n", "0129\n",
	    NULL);
	return 0;
}

static int
teardown_tree(void **state)
{
	(void)state;
	if (root[0] == '\0')
		return 0;
	if (tu_rmtree(root) != 0)
		return -1;
	root[0] = '\0';
	return 0;
}

static const struct ur_chipset *
lynx_point(void)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");

	assert_non_null(cs);
	return cs;
}

static void
test_bus_of(void **state)
{
	(void)state;
	assert_int_equal(ur_usb_bus_of(root, "0000:00:1a.0", 480), 1);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:1d.0", 480), 2);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:14.0", 480), 3);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:14.0", 5000), 4);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:14.0", 10000), -1);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:1d.0", 5000), -1);
	assert_int_equal(ur_usb_bus_of(root, "0000:00:1f.3", 480), -1);
}

static void
test_ehci_side(void **state)
{
	struct ur_usbdev dev;

	(void)state;
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 2, &dev), 0);
	assert_true(dev.present);
	assert_int_equal(dev.side, UR_SIDE_EHCI);
	assert_string_equal(dev.busid, "2-1.3");
	assert_int_equal(dev.vid, 0x046d);
	assert_int_equal(dev.pid, 0xc31c);
	assert_string_equal(dev.product, "USB Keyboard");

	assert_int_equal(ur_usb_port_device(root, lynx_point(), 9, &dev), 0);
	assert_true(dev.present);
	assert_int_equal(dev.side, UR_SIDE_EHCI);
	assert_string_equal(dev.busid, "1-1.2");
	assert_int_equal(dev.vid, 0x0bda);
	assert_string_equal(dev.product, "");
}

static void
test_xhci_side(void **state)
{
	struct ur_usbdev dev;

	(void)state;
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 4, &dev), 0);
	assert_true(dev.present);
	assert_int_equal(dev.side, UR_SIDE_XHCI);
	assert_string_equal(dev.busid, "3-5");
	assert_int_equal(dev.vid, 0x2d99);
	assert_int_equal(dev.pid, 0x0026);
	assert_string_equal(dev.product, "HECATE G2II GAMING HEADSET");
}

static void
test_none(void **state)
{
	struct ur_usbdev dev;
	int bit;

	(void)state;
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (bit == 2 || bit == 4 || bit == 9)
			continue;
		memset(&dev, 0xaa, sizeof(dev));
		assert_int_equal(ur_usb_port_device(root, lynx_point(), bit,
		    &dev), 0);
		assert_false(dev.present);
	}
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 15, &dev), 0);
	assert_false(dev.present);
	assert_int_equal(ur_usb_port_device(root, lynx_point(), -1, &dev), 0);
	assert_false(dev.present);
}

/* Mid-switch both sides may show it for a moment: EHCI is looked at first. */
static void
test_both_sides(void **state)
{
	struct ur_usbdev dev;

	(void)state;
	usb_device(PCI "/0000:00:14.0/usb3", "3-3", "046d\n", "c31c\n",
	    "USB Keyboard\n");
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 2, &dev), 0);
	assert_true(dev.present);
	assert_int_equal(dev.side, UR_SIDE_EHCI);
}

static void
test_malformed(void **state)
{
	struct ur_usbdev dev;

	(void)state;
	put(PCI "/0000:00:1d.0/usb2/2-1/2-1.3/idVendor", "zzzz\n");
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 2, &dev), -1);
	assert_false(dev.present);
	put(PCI "/0000:00:1d.0/usb2/2-1/2-1.3/idVendor", "046d0\n");
	assert_int_equal(ur_usb_port_device(root, lynx_point(), 2, &dev), -1);
}

static void
test_missing_tree(void **state)
{
	struct ur_usbdev dev;
	int bit;

	(void)state;
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		assert_int_equal(ur_usb_port_device("/nonexistent/usbroute",
		    lynx_point(), bit, &dev), 0);
		assert_false(dev.present);
	}
	assert_int_equal(ur_usb_bus_of("/nonexistent/usbroute",
	    "0000:00:14.0", 480), -1);
	assert_int_equal(ur_usb_port_device("", lynx_point(), 0, &dev), 0);
	assert_false(dev.present);
}

/* This machine's own /sys, read-only: whatever is there, a clean answer. */
static void
test_real_sys(void **state)
{
	const struct ur_chipset *cs;
	struct ur_usbdev dev;
	size_t i;
	int bit;

	(void)state;
	if (access("/sys/bus/pci/devices", R_OK) != 0)
		skip();
	for (i = 0; (cs = ur_chipset_at(i)) != NULL; i++)
		for (bit = 0; bit < UR_MAX_PORTS; bit++)
			assert_int_equal(ur_usb_port_device("/sys", cs, bit,
			    &dev), 0);
	(void)ur_usb_bus_of("/sys", UR_ADDR_XHCI, 480);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bus_of, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_ehci_side, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_xhci_side, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_none, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_both_sides, setup_tree,
		    teardown_tree),
		cmocka_unit_test_setup_teardown(test_malformed, setup_tree,
		    teardown_tree),
		cmocka_unit_test(test_missing_tree),
		cmocka_unit_test(test_real_sys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
