#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "usbfind.h"
#include "usbtopo.h"

#define PATHLEN 4096
#define MAX_DEPTH 8	/* USB allows 5 hub tiers below the root; slack */

/* "3-1.4.2" -> bus 3, ports {1, 4, 2}.  Root hubs ("usb3") and
 * interfaces ("3-1:1.0") are not devices on a port: -1. */
static int
parse_busid(const char *id, int *bus, int *ports, int *nports)
{
	const char *p = id;
	char *end;
	long v;

	if (!isdigit((unsigned char)*p) || strchr(id, ':') != NULL)
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || *end != '-' || v <= 0 || v > 65535)
		return -1;
	*bus = (int)v;
	*nports = 0;
	p = end + 1;
	for (;;) {
		if (!isdigit((unsigned char)*p) || *nports == MAX_DEPTH)
			return -1;
		v = strtol(p, &end, 10);
		if (v <= 0 || v > 255)
			return -1;
		ports[(*nports)++] = (int)v;
		if (*end == '\0')
			return 0;
		if (*end != '.')
			return -1;
		p = end + 1;
	}
}

/* The bit whose EHCI side is port `port` of EHCI #which, or -1. */
static int
ehci_bit(const struct ur_chipset *cs, int which, int port)
{
	int bit, p;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (ur_port_ehci(cs, bit, &p) == which && p == port)
			return bit;
	return -1;
}

int
ur_usbfind_port(const char *root, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, const char *busid, char *where,
    size_t len)
{
	int bus, ports[MAX_DEPTH], n, bit, which;

	snprintf(where, len, "USB %s, not below a PCH controller", busid);
	if (parse_busid(busid, &bus, ports, &n) < 0)
		return -1;
	if (bus == ur_usb_bus_of(root, UR_ADDR_XHCI, 480)) {
		/* xHCI USB2 root port n+1 is register bit n. */
		bit = ports[0] - 1;
		if (bit < UR_MAX_PORTS && (cs->port_mask & (1u << bit)))
			return bit;
		snprintf(where, len, "xHCI USB 2.0 port %d, which no XUSB2PR "
		    "bit routes", ports[0]);
		return -1;
	}
	if (bus == ur_usb_bus_of(root, UR_ADDR_XHCI, 5000)) {
		for (bit = 0; bit < UR_MAX_PORTS; bit++)
			if (pairs != NULL && pairs->ss[bit] == ports[0] - 1)
				return bit;
		snprintf(where, len, "SuperSpeed port %d of the xHCI, which "
		    "no ss-pair line in usbroute.conf ties to a USB 2.0 port",
		    ports[0]);
		return -1;
	}
	which = bus == ur_usb_bus_of(root, UR_ADDR_EHCI1, 480) ? 1 :
	    bus == ur_usb_bus_of(root, UR_ADDR_EHCI2, 480) ? 2 : 0;
	if (which == 0)
		return -1;
	/* Root port 1 is the rate-matching hub; its port k is physical. */
	if (n < 2 || ports[0] != 1) {
		snprintf(where, len, "EHCI #%d root port %d, not a port of "
		    "its rate-matching hub", which, ports[0]);
		return -1;
	}
	if ((bit = ehci_bit(cs, which, ports[1])) < 0) {
		snprintf(where, len, "EHCI #%d port %d, which no XUSB2PR bit "
		    "routes", which, ports[1]);
		return -1;
	}
	return bit;
}

static int
read_id(const char *dir, const char *name, uint16_t *v)
{
	char path[PATHLEN], buf[16], *end;
	unsigned long x;

	if (ur_path(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    ur_read_attr(path, buf, sizeof(buf)) != 4)
		return -1;
	x = strtoul(buf, &end, 16);
	if (*end != '\0' || x > 0xffff)
		return -1;
	*v = (uint16_t)x;
	return 0;
}

/* 1 if the device directory matches s (product filled in), else 0. */
static int
matches(const char *dir, const struct ur_devspec *s, char *product,
    size_t len)
{
	char path[PATHLEN], serial[UR_SERIAL_MAX + 1];
	uint16_t vid, pid;

	if (read_id(dir, "idVendor", &vid) < 0 ||
	    read_id(dir, "idProduct", &pid) < 0)
		return 0;
	serial[0] = '\0';
	if (s->serial[0] != '\0' &&
	    (ur_path(path, sizeof(path), "%s/serial", dir) < 0 ||
	    ur_read_attr(path, serial, sizeof(serial)) < 0))
		serial[0] = '\0';
	if (!ur_devspec_match(s, vid, pid, serial))
		return 0;
	if (ur_path(path, sizeof(path), "%s/product", dir) < 0 ||
	    ur_read_attr(path, product, len) < 0)
		product[0] = '\0';
	return 1;
}

/* By bus id: readdir's order is the directory's, and a message naming
 * two devices should read the same every time. */
static void
sort(struct ur_usbfound *f, int n)
{
	struct ur_usbfound tmp;
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(f[j - 1].busid, f[j].busid) > 0;
		    j--) {
			tmp = f[j];
			f[j] = f[j - 1];
			f[j - 1] = tmp;
		}
}

int
ur_usbfind(const char *root, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, const struct ur_devspec *s,
    struct ur_usbfound found[UR_USBFIND_MAX])
{
	char dir[PATHLEN], ddir[PATHLEN], product[64];
	int bus, ports[MAX_DEPTH], nports, n = 0;
	struct ur_usbfound *f;
	struct dirent *ent;
	DIR *d;

	if (ur_path(dir, sizeof(dir), "%s/bus/usb/devices", root) < 0 ||
	    (d = opendir(dir)) == NULL)
		return -1;
	while ((ent = readdir(d)) != NULL) {
		if (parse_busid(ent->d_name, &bus, ports, &nports) < 0 ||
		    ur_path(ddir, sizeof(ddir), "%s/%s", dir, ent->d_name) < 0 ||
		    !matches(ddir, s, product, sizeof(product)))
			continue;
		if (n < UR_USBFIND_MAX) {
			f = &found[n];
			memset(f, 0, sizeof(*f));
			if (ur_path(f->busid, sizeof(f->busid), "%s",
			    ent->d_name) < 0)
				continue;	/* no bus id is that long */
			snprintf(f->product, sizeof(f->product), "%s", product);
			f->bit = ur_usbfind_port(root, cs, pairs, ent->d_name,
			    f->where, sizeof(f->where));
		}
		n++;
	}
	closedir(d);
	sort(found, n < UR_USBFIND_MAX ? n : UR_USBFIND_MAX);
	return n;
}
