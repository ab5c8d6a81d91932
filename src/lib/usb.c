/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "usb.h"

#define PATHLEN 4096

/* "usb3" -> 3; anything else (usb3-port1, 3-0:1.0, power) -> -1. */
static int
root_hub_num(const char *name)
{
	const char *p;
	long n;
	char *end;

	if (strncmp(name, "usb", 3) != 0)
		return -1;
	p = name + 3;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	n = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0 || n > 65535)
		return -1;
	return (int)n;
}

/* The speed attribute in Mb/s; "1.5" (low speed) and junk give -1. */
static int
read_speed(const char *dir, const char *hub)
{
	char path[PATHLEN], buf[32];
	long n;
	char *end;

	if (ur_file_path(path, sizeof(path), "%s/%s/speed", dir, hub) < 0)
		return -1;
	if (ur_file_read_attr(path, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	n = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0 || n > 1000000)
		return -1;
	return (int)n;
}

int
ur_usb_bus_of(const char *sysfs_root, const char *pci_addr, int speed)
{
	char dir[PATHLEN];
	struct dirent *ent;
	DIR *d;
	int n, best = -1;

	if (ur_file_path(dir, sizeof(dir), "%s/bus/pci/devices/%s", sysfs_root,
	    pci_addr) < 0)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((ent = readdir(d)) != NULL) {
		if ((n = root_hub_num(ent->d_name)) < 0)
			continue;
		if (read_speed(dir, ent->d_name) != speed)
			continue;
		/* The lowest number, whatever order readdir gives. */
		if (best < 0 || n < best)
			best = n;
	}
	closedir(d);
	return best;
}

/* idVendor/idProduct: four hex digits, no 0x. */
static int
parse_id(const char *s, uint16_t *id)
{
	unsigned long v;
	char *end;

	if (strlen(s) != 4)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno != 0 || *end != '\0' || v > 0xffff)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

/* A decimal attribute of a device directory (devnum, speed's integer
 * part); 0 when it is missing or junk: these are for display. */
static int
read_num(const char *dir, const char *name)
{
	char path[PATHLEN], buf[32];
	long n;
	char *end;

	if (ur_file_path(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    ur_file_read_attr(path, buf, sizeof(buf)) <= 0)
		return 0;
	errno = 0;
	n = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\0' && *end != '.') ||
	    n < 0 || n > 1000000)
		return 0;
	return (int)n;
}

/* An optional string attribute (product, serial): "" when absent. */
static void
read_str(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATHLEN];

	if (ur_file_path(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    ur_file_read_attr(path, buf, len) < 0)
		buf[0] = '\0';
}

/*
 * A device that goes away while we read it counts as not there: that is
 * an unplug, not a broken tree.
 */
int
ur_usb_read_device(const char *root, const char *busid, enum ur_side side,
    struct ur_usbdev *dev)
{
	char dir[PATHLEN], path[PATHLEN], buf[64];
	uint16_t vid, pid;

	if (ur_file_path(dir, sizeof(dir), "%s/bus/usb/devices/%s", root,
	    busid) < 0)
		return -1;
	if (ur_file_path(path, sizeof(path), "%s/idVendor", dir) < 0)
		return -1;
	if (ur_file_read_attr(path, buf, sizeof(buf)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (parse_id(buf, &vid) < 0)
		return -1;
	if (ur_file_path(path, sizeof(path), "%s/idProduct", dir) < 0)
		return -1;
	if (ur_file_read_attr(path, buf, sizeof(buf)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (parse_id(buf, &pid) < 0)
		return -1;

	memset(dev, 0, sizeof(*dev));
	dev->present = 1;
	dev->side = side;
	dev->vid = vid;
	dev->pid = pid;
	if (ur_file_path(dev->busid, sizeof(dev->busid), "%s", busid) < 0)
		return -1;
	dev->devnum = read_num(dir, "devnum");
	dev->speed = read_num(dir, "speed");
	/* Devices without a product string have no product file. */
	read_str(dir, "product", dev->product, sizeof(dev->product));
	read_str(dir, "serial", dev->serial, sizeof(dev->serial));
	return 1;
}

void
ur_usb_buses(const char *sysfs_root, struct ur_usbbuses *b)
{
	b->ehci1 = ur_usb_bus_of(sysfs_root, UR_ADDR_EHCI1, 480);
	b->ehci2 = ur_usb_bus_of(sysfs_root, UR_ADDR_EHCI2, 480);
	b->xhci2 = ur_usb_bus_of(sysfs_root, UR_ADDR_XHCI, 480);
	b->xhci3 = ur_usb_bus_of(sysfs_root, UR_ADDR_XHCI, 5000);
}

/* "12" of "12.3.4": the next port number of a busid path, 1..255. */
static int
next_port(const char **p)
{
	long n;
	char *end;

	if (**p < '1' || **p > '9')
		return -1;
	errno = 0;
	n = strtol(*p, &end, 10);
	if (errno != 0 || n > 255 || (*end != '\0' && *end != '.') ||
	    (*end == '.' && end[1] == '\0'))
		return -1;
	*p = *end == '.' ? end + 1 : end;
	return (int)n;
}

/* The bit wired to EHCI `which` port `port`, or -1. */
static int
ehci_bit(const struct ur_chipset *cs, int which, int port)
{
	int bit, p;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (ur_chipset_port_ehci(cs, bit, &p) == which && p == port)
			return bit;
	return -1;
}

/* "1.4.2" -> {1, 4, 2}; -1 unless every part is a port number. */
static int
parse_ports(const char *p, int *ports, int max)
{
	int n = 0, v;

	while (*p != '\0') {
		if (n == max || (v = next_port(&p)) < 0)
			return -1;
		ports[n++] = v;
	}
	return n;
}

/* USB allows 7 tiers: a root port and 6 hubs. */
#define MAX_DEPTH 7

int
ur_usb_locate(const struct ur_chipset *cs, const struct ur_usbbuses *b,
    const char *busid, struct ur_usbloc *loc)
{
	int ports[MAX_DEPTH];
	long bus;
	char *end;
	int n, hops;

	memset(loc, 0, sizeof(*loc));
	loc->bit = -1;
	if (*busid < '1' || *busid > '9')
		return strncmp(busid, "usb", 3) == 0 ? 0 : -1;
	errno = 0;
	bus = strtol(busid, &end, 10);
	if (errno != 0 || *end != '-' || bus > 65535)
		return -1;
	if (strchr(end, ':') != NULL)
		return 0;			/* an interface */
	if ((n = parse_ports(end + 1, ports, MAX_DEPTH)) <= 0)
		return -1;
	hops = 1;
	if (bus == b->ehci1 || bus == b->ehci2) {
		/* Root port 1 is the rate-matching hub: the ports are its. */
		if (ports[0] != 1 || n < 2)
			return 0;
		loc->bit = ehci_bit(cs, bus == b->ehci1 ? 1 : 2, ports[1]);
		if (loc->bit < 0)
			return 0;
		loc->side = UR_SIDE_EHCI;
		hops = 2;
	} else if (bus == b->xhci2) {
		if (ports[0] > UR_MAX_PORTS)
			return 0;
		loc->bit = ports[0] - 1;
		loc->side = UR_SIDE_XHCI;
	} else if (bus == b->xhci3) {
		if (ports[0] > UR_MAX_SS_PORTS)
			return 0;
		loc->ss_port = ports[0];
		loc->side = UR_SIDE_XHCI;
	} else {
		return 0;			/* not a PCH controller */
	}
	loc->behind_hub = n > hops;
	return 1;
}

int
ur_usb_port_device(const char *sysfs_root, const struct ur_chipset *cs,
    int bit, struct ur_usbdev *dev)
{
	char busid[32];
	int which, port, bus, r;

	memset(dev, 0, sizeof(*dev));
	if (bit < 0 || bit >= UR_MAX_PORTS)
		return 0;

	/* EHCI: root port 1 is the rate-matching hub, port k is its port k. */
	which = ur_chipset_port_ehci(cs, bit, &port);
	if (which != 0) {
		bus = ur_usb_bus_of(sysfs_root,
		    which == 1 ? UR_ADDR_EHCI1 : UR_ADDR_EHCI2, 480);
		if (bus >= 0) {
			if (ur_file_path(busid, sizeof(busid), "%d-1.%d", bus,
			    port) < 0)
				return -1;
			r = ur_usb_read_device(sysfs_root, busid, UR_SIDE_EHCI,
			    dev);
			if (r != 0)
				return r < 0 ? -1 : 0;
		}
	}

	/* xHCI: USB2 root hub port bit+1. */
	bus = ur_usb_bus_of(sysfs_root, UR_ADDR_XHCI, 480);
	if (bus < 0)
		return 0;
	if (ur_file_path(busid, sizeof(busid), "%d-%d", bus, bit + 1) < 0)
		return -1;
	r = ur_usb_read_device(sysfs_root, busid, UR_SIDE_XHCI, dev);
	return r < 0 ? -1 : 0;
}
