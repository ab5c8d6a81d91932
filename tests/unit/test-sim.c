/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

#include "chipset.h"
#include "file.h"
#include "lspci.h"
#include "sim.h"
#include "testutil.h"
#include "usb.h"

/* --------------------------------------------------------- helpers */

/* The tree a test is using, so a failed test's teardown removes it. */
static char current[256];

static void
rm_tree(const char *dir)
{
	assert_int_equal(tu_rmtree(dir), 0);
	current[0] = '\0';
}

static int
teardown(void **state)
{
	(void)state;
	if (current[0] != '\0' && tu_rmtree(current) != 0)
		return -1;
	current[0] = '\0';
	return 0;
}

/* A fresh base directory; the simulation goes into base/sim. */
static void
new_base(char *base, size_t len, char *sim, size_t simlen)
{
	assert_int_equal(tu_tmpdir(base, len, "test-sim"), 0);
	snprintf(current, sizeof(current), "%s", base);
	snprintf(sim, simlen, "%s/sim", base);
}

static void
check_attr(const char *dir, const char *rel, const char *want)
{
	char path[4096], buf[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (ur_file_read_attr(path, buf, sizeof(buf)) < 0)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	assert_string_equal(buf, want);
}

static void
check_exists(const char *dir, const char *rel, int want)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((lstat(path, &st) == 0) != want)
		fail_msg("%s: %s", path, want ? "missing" : "should not exist");
}

static void
check_link(const char *dir, const char *rel, const char *want)
{
	char path[4096], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		fail_msg("%s is not a link: %s", path, strerror(errno));
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

/* Sets XUSB2PR in the simulation's xHCI config file, as setpci would. */
static void
set_xusb2pr(const char *sim, uint32_t v)
{
	char path[4096];
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };
	int fd;

	snprintf(path, sizeof(path),
	    "%s/devices/pci0000:00/0000:00:14.0/config", sim);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, b, 4, 0xd0), 4);
	assert_int_equal(close(fd), 0);
}

/* ----------------------------------------------------------- libpci */

static char pci_msg[512];

static void pci_on_error(char *msg, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void pci_on_warning(char *msg, ...)
	__attribute__((format(printf, 1, 2)));
static void pci_on_debug(char *msg, ...) __attribute__((format(printf, 1, 2)));

/* libpci's own handler calls exit(): fail the test instead. */
static void
pci_on_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_msg, sizeof(pci_msg), msg, ap);
	va_end(ap);
	fail_msg("libpci: %s", pci_msg);
	abort();	/* libpci must not get control back */
}

static void
pci_on_warning(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_msg, sizeof(pci_msg), msg, ap);
	va_end(ap);
	print_message("libpci warning: %s\n", pci_msg);
}

static void
pci_on_debug(char *msg, ...)
{
	(void)msg;
}

static struct pci_access *
pci_open_sim(const char *sim)
{
	struct pci_access *a;
	char path[4096];

	a = pci_alloc();
	assert_non_null(a);
	a->error = pci_on_error;
	a->warning = pci_on_warning;
	a->debug = pci_on_debug;
	snprintf(path, sizeof(path), "%s/bus/pci", sim);
	assert_int_equal(pci_set_param(a, "sysfs.path", path), 0);
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_init(a);
	pci_scan_bus(a);
	return a;
}

static struct pci_dev *
pci_find(struct pci_access *a, int dev)
{
	struct pci_dev *d;

	for (d = a->devices; d != NULL; d = d->next)
		if (d->domain == 0 && d->bus == 0 && d->dev == dev &&
		    d->func == 0)
			return d;
	return NULL;
}

/* ------------------------------------------------------------ tests */

static void
check_pci(const char *sim, const struct ur_chipset *cs)
{
	struct pci_access *a;
	struct pci_dev *d;
	int n = 0;

	a = pci_open_sim(sim);
	for (d = a->devices; d != NULL; d = d->next)
		n++;
	assert_int_equal(n, cs->ehci2_id ? 3 : 2);

	d = pci_find(a, 0x14);
	assert_non_null(d);
	pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
	assert_int_equal(d->vendor_id, 0x8086);
	assert_int_equal(d->device_id, cs->xhci_id);
	assert_int_equal(d->device_class, 0x0c03);
	assert_int_equal(pci_read_byte(d, PCI_CLASS_PROG), 0x30);
	assert_int_equal(pci_read_byte(d, PCI_HEADER_TYPE), 0);
	assert_int_equal(pci_read_word(d, PCI_SUBSYSTEM_VENDOR_ID), 0x8086);
	assert_int_equal(pci_read_long(d, 0xd0), cs->default_prm);
	assert_int_equal(pci_read_long(d, 0xd4), cs->default_prm);
	assert_int_equal(pci_read_long(d, 0xd8), cs->default_ss_prm);
	assert_int_equal(pci_read_long(d, 0xdc), cs->default_ss_prm);
	assert_int_equal(pci_read_long(d, 0xe0), 0);

	d = pci_find(a, 0x1d);
	assert_non_null(d);
	pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
	assert_int_equal(d->device_id, cs->ehci1_id);
	assert_int_equal(pci_read_byte(d, PCI_CLASS_PROG), 0x20);

	d = pci_find(a, 0x1a);
	if (cs->ehci2_id) {
		assert_non_null(d);
		pci_fill_info(d, PCI_FILL_IDENT);
		assert_int_equal(d->device_id, cs->ehci2_id);
	} else {
		assert_null(d);
	}
	pci_cleanup(a);
}

static void
check_pci_files(const char *sim, const struct ur_chipset *cs)
{
	const char *x = "devices/pci0000:00/0000:00:14.0";
	char rel[512], want[64];
	struct stat st;

	snprintf(rel, sizeof(rel), "%s/%s/config", sim, x);
	assert_int_equal(stat(rel, &st), 0);
	assert_int_equal(st.st_size, 256);
	assert_int_equal(st.st_mode & 07777, 0644);
	snprintf(rel, sizeof(rel), "%s/vendor", x);
	check_attr(sim, rel, "0x8086");
	snprintf(rel, sizeof(rel), "%s/device", x);
	snprintf(want, sizeof(want), "0x%04x", cs->xhci_id);
	check_attr(sim, rel, want);
	snprintf(rel, sizeof(rel), "%s/class", x);
	check_attr(sim, rel, "0x0c0330");
	snprintf(rel, sizeof(rel), "%s/power/control", x);
	check_attr(sim, rel, "auto");
	check_attr(sim, "devices/pci0000:00/0000:00:1d.0/class", "0x0c0320");
	check_link(sim, "bus/pci/devices/0000:00:14.0",
	    "../../../devices/pci0000:00/0000:00:14.0");
	check_link(sim, "bus/pci/devices/0000:00:1d.0",
	    "../../../devices/pci0000:00/0000:00:1d.0");
	check_exists(sim, "bus/pci/devices/0000:00:1a.0", cs->ehci2_id != 0);
}

/* One EHCI bus: root hub, rate-matching hub, its ports. */
static void
check_ehci_bus(const char *sim, const char *addr, int bus, uint16_t rmh,
    int nports)
{
	char rel[512], want[512];

	assert_int_equal(ur_usb_bus_of(sim, addr, 480), bus);
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d", bus);
	snprintf(want, sizeof(want), "../../../devices/pci0000:00/%s/usb%d",
	    addr, bus);
	check_link(sim, rel, want);
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/idProduct", bus);
	check_attr(sim, rel, "0002");
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/product", bus);
	check_attr(sim, rel, "EHCI Host Controller");
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/%d-0:1.0/usb%d-port2",
	    bus, bus, bus);
	check_exists(sim, rel, 1);

	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1", bus);
	snprintf(want, sizeof(want),
	    "../../../devices/pci0000:00/%s/usb%d/%d-1", addr, bus, bus);
	check_link(sim, rel, want);
	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1/idVendor", bus);
	check_attr(sim, rel, "8087");
	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1/idProduct", bus);
	snprintf(want, sizeof(want), "%04x", rmh);
	check_attr(sim, rel, want);
	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1/speed", bus);
	check_attr(sim, rel, "480");
	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1/%d-1:1.0/%d-1-port%d",
	    bus, bus, bus, nports);
	check_exists(sim, rel, 1);
	snprintf(rel, sizeof(rel), "bus/usb/devices/%d-1/%d-1:1.0/%d-1-port%d",
	    bus, bus, bus, nports + 1);
	check_exists(sim, rel, 0);
}

static void
check_usb(const char *sim, const struct ur_chipset *cs)
{
	int seven = cs->xhci_id == 0x1e31;
	int bus = 1, top = UR_MAX_PORTS;
	char rel[512];

	if (cs->ehci2_id) {
		check_ehci_bus(sim, UR_ADDR_EHCI2, bus++,
		    seven ? 0x0024 : 0x8008, 6);
	} else {
		assert_int_equal(ur_usb_bus_of(sim, UR_ADDR_EHCI2, 480), -1);
	}
	check_ehci_bus(sim, UR_ADDR_EHCI1, bus++, seven ? 0x0024 : 0x8000, 8);

	assert_int_equal(ur_usb_bus_of(sim, UR_ADDR_XHCI, 480), bus);
	assert_int_equal(ur_usb_bus_of(sim, UR_ADDR_XHCI, 5000), bus + 1);
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/product", bus);
	check_attr(sim, rel, "xHCI Host Controller");
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/idProduct", bus + 1);
	check_attr(sim, rel, "0003");
	snprintf(rel, sizeof(rel), "bus/usb/devices/usb%d/speed", bus + 1);
	check_attr(sim, rel, "5000");
	/* Every XUSB2PR bit has its xHCI USB2 root port, and no more. */
	while (top > 0 && !(cs->port_mask & (1u << (top - 1))))
		top--;
	snprintf(rel, sizeof(rel),
	    "bus/usb/devices/usb%d/%d-0:1.0/usb%d-port%d", bus, bus, bus, top);
	check_exists(sim, rel, 1);
	snprintf(rel, sizeof(rel),
	    "bus/usb/devices/usb%d/%d-0:1.0/usb%d-port%d", bus, bus, bus,
	    top + 1);
	check_exists(sim, rel, 0);
	snprintf(rel, sizeof(rel),
	    "bus/usb/devices/usb%d/%d-0:1.0/usb%d-port%d", bus + 1, bus + 1,
	    bus + 1, cs->ss_ports);
	check_exists(sim, rel, 1);
}

static void
test_presets(void **state)
{
	const struct ur_chipset *cs;
	struct ur_dump dump;
	struct ur_err err;
	char base[256], sim[300];
	size_t i;

	(void)state;
	for (i = 0; (cs = ur_chipset_at(i)) != NULL; i++) {
		print_message("%s\n", cs->key);
		ur_sim_preset(cs, &dump);
		assert_true(dump.xhci.found);
		assert_int_equal(dump.xhci.len, 256);
		assert_int_equal(dump.ehci2.found, cs->ehci2_id != 0);
		new_base(base, sizeof(base), sim, sizeof(sim));
		if (ur_sim_create(sim, &dump, &err) != 0)
			fail_msg("%s: %s", cs->key, err.msg);
		check_pci(sim, cs);
		check_pci_files(sim, cs);
		check_usb(sim, cs);
		rm_tree(base);
	}
}

/* A simulation built from a real capture keeps its bytes. */
static void
test_from_dump(void **state)
{
	struct pci_access *a;
	struct ur_dump dump;
	struct ur_err err;
	char base[256], sim[300];
	FILE *f;

	(void)state;
	f = fopen(TEST_DATADIR "/dumps/dell-latitude-e6540_lynxpoint_8c31.txt",
	    "r");
	assert_non_null(f);
	assert_int_equal(ur_lspci_parse(f, "e6540", &dump, &err), 0);
	fclose(f);
	new_base(base, sizeof(base), sim, sizeof(sim));
	if (ur_sim_create(sim, &dump, &err) != 0)
		fail_msg("%s", err.msg);
	a = pci_open_sim(sim);
	assert_int_equal(pci_read_long(pci_find(a, 0x14), 0xd0), 0x6f6f);
	assert_int_equal(pci_read_word(pci_find(a, 0x14), 0x2c), 0x1028);
	assert_int_equal(pci_read_long(pci_find(a, 0x1d), 0xd4), 0x00ffaa00);
	pci_cleanup(a);
	check_attr(sim, "bus/usb/devices/2-1/idProduct", "8000");
	rm_tree(base);
}

static void
test_create_refuses(void **state)
{
	struct ur_dump dump;
	struct ur_err err;
	char base[256], sim[300], path[400];
	FILE *f;

	(void)state;
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	new_base(base, sizeof(base), sim, sizeof(sim));

	/* Not empty. */
	snprintf(path, sizeof(path), "%s/precious", base);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(ur_sim_create(base, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "not empty"));
	check_exists(base, "devices", 0);

	/* A file, a link to a directory. */
	assert_int_equal(ur_sim_create(path, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
	snprintf(path, sizeof(path), "%s/link", base);
	assert_int_equal(mkdir(sim, 0755), 0);
	assert_int_equal(symlink("sim", path), 0);
	assert_int_equal(ur_sim_create(path, &dump, &err), -1);
	check_exists(sim, "devices", 0);

	/* An existing empty directory is fine. */
	if (ur_sim_create(sim, &dump, &err) != 0)
		fail_msg("%s", err.msg);
	/* ...once. */
	assert_int_equal(ur_sim_create(sim, &dump, &err), -1);

	/* No xHCI, an xHCI we do not know. */
	memset(&dump, 0, sizeof(dump));
	snprintf(path, sizeof(path), "%s/other", base);
	assert_int_equal(ur_sim_create(path, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "lspci -xxx"));
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	dump.xhci.cfg[2] = 0x34;
	dump.xhci.cfg[3] = 0x12;
	assert_int_equal(ur_sim_create(path, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "8086:1234"));
	check_exists(base, "other", 0);
	rm_tree(base);
}

static void
check_found(const char *sim, const struct ur_chipset *cs, int bit,
    enum ur_side side, const char *busid, uint16_t vid, const char *product)
{
	struct ur_usbdev dev;

	assert_int_equal(ur_usb_port_device(sim, cs, bit, &dev), 0);
	assert_true(dev.present);
	assert_int_equal(dev.side, side);
	assert_string_equal(dev.busid, busid);
	assert_int_equal(dev.vid, vid);
	assert_string_equal(dev.product, product);
}

static void
test_plug(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct pci_access *a;
	struct ur_dump dump;
	struct ur_usbdev dev;
	struct ur_err err;
	char base[256], sim[300];

	(void)state;
	ur_sim_preset(cs, &dump);
	new_base(base, sizeof(base), sim, sizeof(sim));
	assert_int_equal(ur_sim_create(sim, &dump, &err), 0);

	/* Linux left every port on the xHCI: bus 3, root port bit+1. */
	if (ur_sim_plug(sim, 3, 0x046d, 0xc52b, "USB Receiver", &err) != 0)
		fail_msg("%s", err.msg);
	check_found(sim, cs, 3, UR_SIDE_XHCI, "3-4", 0x046d, "USB Receiver");
	check_attr(sim, "devices/pci0000:00/0000:00:14.0/usb3/3-4/idProduct",
	    "c52b");
	check_attr(sim, "bus/usb/devices/3-4/speed", "12");
	check_attr(sim, "bus/usb/devices/3-4/busnum", "3");

	/* Route it to EHCI #1 with libpci, as the tool will, and replug. */
	a = pci_open_sim(sim);
	a->writeable = 1;
	assert_int_equal(pci_write_long(pci_find(a, 0x14), 0xd0, 0x7ff7), 1);
	pci_cleanup(a);
	assert_int_equal(ur_sim_plug(sim, 3, 0x046d, 0xc52b, "USB Receiver",
	    &err), 0);
	check_found(sim, cs, 3, UR_SIDE_EHCI, "2-1.4", 0x046d, "USB Receiver");
	check_exists(sim, "bus/usb/devices/3-4", 0);
	check_exists(sim, "devices/pci0000:00/0000:00:14.0/usb3/3-4", 0);
	check_exists(sim, "devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1.4", 1);
	check_attr(sim, "bus/usb/devices/2-1.4/devpath", "1.4");

	/* Replacing: the new device is the one seen. */
	assert_int_equal(ur_sim_plug(sim, 3, 0x1234, 0xabcd, NULL, &err), 0);
	check_found(sim, cs, 3, UR_SIDE_EHCI, "2-1.4", 0x1234, "");
	assert_int_equal(ur_usb_port_device(sim, cs, 3, &dev), 0);
	assert_int_equal(dev.pid, 0xabcd);

	/* EHCI #2 port 2 is bit 9, on bus 1. */
	set_xusb2pr(sim, 0x7fff & ~(1u << 9));
	assert_int_equal(ur_sim_plug(sim, 9, 0x0c45, 0x643f, "Webcam", &err),
	    0);
	check_found(sim, cs, 9, UR_SIDE_EHCI, "1-1.2", 0x0c45, "Webcam");
	/* The USBr bit has no EHCI wire: it shows on the xHCI. */
	assert_int_equal(ur_sim_plug(sim, 14, 0x8086, 0x0001, "USBr", &err),
	    0);
	check_found(sim, cs, 14, UR_SIDE_XHCI, "3-15", 0x8086, "USBr");

	/* Nothing else is plugged. */
	assert_int_equal(ur_usb_port_device(sim, cs, 0, &dev), 0);
	assert_false(dev.present);

	/* Not a port; not a simulation. */
	assert_int_equal(ur_sim_plug(sim, 15, 1, 2, "x", &err), -1);
	assert_non_null(strstr(err.msg, "bit 15"));
	assert_int_equal(ur_sim_plug(sim, -1, 1, 2, "x", &err), -1);
	assert_int_equal(ur_sim_plug(base, 0, 1, 2, "x", &err), -1);
	assert_non_null(strstr(err.msg, "not a simulated chipset"));
	assert_int_equal(ur_sim_plug("/sys", 0, 1, 2, "x", &err), -1);
	rm_tree(base);
}

/* Parts without EHCI #2, and EHCI-only ports. */
static void
test_plug_other_parts(void **state)
{
	const struct ur_chipset *cs;
	struct ur_dump dump;
	struct ur_err err;
	char base[256], sim[300];

	(void)state;
	cs = ur_chipset_by_key("9-series-lp");
	ur_sim_preset(cs, &dump);
	new_base(base, sizeof(base), sim, sizeof(sim));
	assert_int_equal(ur_sim_create(sim, &dump, &err), 0);
	/* default 0x04ff: bits 8, 9 (xHCI only) are on the xHCI anyway. */
	assert_int_equal(ur_sim_plug(sim, 9, 0x05ac, 0x0274, "Keyboard",
	    &err), 0);
	check_found(sim, cs, 9, UR_SIDE_XHCI, "2-10", 0x05ac, "Keyboard");
	set_xusb2pr(sim, 0x04fe);
	assert_int_equal(ur_sim_plug(sim, 0, 0x05ac, 0x0275, "Mouse", &err),
	    0);
	check_found(sim, cs, 0, UR_SIDE_EHCI, "1-1.1", 0x05ac, "Mouse");
	/* Bit 12 is no port of this part. */
	assert_int_equal(ur_sim_plug(sim, 12, 1, 2, "x", &err), -1);
	rm_tree(base);

	cs = ur_chipset_by_key("7-series");
	ur_sim_preset(cs, &dump);
	new_base(base, sizeof(base), sim, sizeof(sim));
	assert_int_equal(ur_sim_create(sim, &dump, &err), 0);
	/* Ports 5-8 of EHCI #1 have no routing bit: always EHCI. */
	assert_int_equal(ur_sim_plug(sim, 5, 0x0bda, 0x0129, "Card reader",
	    &err), 0);
	check_found(sim, cs, 5, UR_SIDE_EHCI, "2-1.6", 0x0bda, "Card reader");
	check_attr(sim, "bus/usb/devices/2-1/idProduct", "0024");
	rm_tree(base);
}

/* setpci reads the simulation on its own. */
static void
test_setpci(void **state)
{
	const char *setpci = getenv("SETPCI");
	struct ur_dump dump;
	struct ur_err err;
	char base[256], sim[300], cmd[1024], out[64];
	FILE *p;

	(void)state;
	if (setpci == NULL || *setpci == '\0')
		setpci = "/usr/bin/setpci";
	if (access(setpci, X_OK) != 0)
		skip();
	ur_sim_preset(ur_chipset_by_key("x99"), &dump);
	new_base(base, sizeof(base), sim, sizeof(sim));
	assert_int_equal(ur_sim_create(sim, &dump, &err), 0);
	snprintf(cmd, sizeof(cmd), "%s -A linux-sysfs -O sysfs.path=%s/bus/pci "
	    "-s 00:14.0 d0.l d8.l 2>&1", setpci, sim);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof(out), p));
	assert_string_equal(out, "00003fff\n");
	assert_non_null(fgets(out, sizeof(out), p));
	assert_string_equal(out, "0000003f\n");
	assert_int_equal(pclose(p), 0);
	rm_tree(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_presets, teardown),
		cmocka_unit_test_teardown(test_from_dump, teardown),
		cmocka_unit_test_teardown(test_create_refuses, teardown),
		cmocka_unit_test_teardown(test_plug, teardown),
		cmocka_unit_test_teardown(test_plug_other_parts, teardown),
		cmocka_unit_test_teardown(test_setpci, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
