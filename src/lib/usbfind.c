/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "file.h"
#include "usbfind.h"
#include "usb.h"

#define PATHLEN 4096

/* The USB2 port (XUSB2PR bit) of a device where usb.c located it, or
 * -1 with where saying why there is none. */
static int
port_bit(const struct ur_chipset *cs, const struct ur_pairs *pairs,
    const char *busid, int located, const struct ur_usbloc *loc,
    char *where, size_t len)
{
	int bit;

	if (located != 1) {
		snprintf(where, len, "USB %s, which is not on a port of the "
		    "PCH's controllers", busid);
		return -1;
	}
	if (loc->ss_port != 0) {
		/* A SuperSpeed device: its connector's USB2 wire is what
		 * moves, and only the config knows which one it is. */
		for (bit = 0; bit < UR_MAX_PORTS; bit++)
			if (pairs != NULL &&
			    pairs->ss[bit] == loc->ss_port - 1)
				return bit;
		snprintf(where, len, "SuperSpeed port %d of the xHCI, which "
		    "no ss-pair line in usbroute.conf ties to a USB 2.0 port",
		    loc->ss_port);
		return -1;
	}
	if (!(cs->port_mask & (1u << loc->bit))) {
		snprintf(where, len, "xHCI USB 2.0 port %d, which no XUSB2PR "
		    "bit routes", loc->bit + 1);
		return -1;
	}
	return loc->bit;
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
	struct ur_usbbuses buses;
	struct ur_usbloc loc;
	struct ur_usbdev dev;
	struct ur_usbfound *f;
	struct dirent *ent;
	char dir[PATHLEN];
	int n = 0, located;
	DIR *d;

	if (ur_file_path(dir, sizeof(dir), "%s/bus/usb/devices", root) < 0 ||
	    (d = opendir(dir)) == NULL)
		return -1;
	ur_usb_buses(root, &buses);
	while ((ent = readdir(d)) != NULL) {
		/* Root hubs and interfaces are not devices on a port. */
		if (ent->d_name[0] < '1' || ent->d_name[0] > '9' ||
		    strchr(ent->d_name, ':') != NULL)
			continue;
		located = ur_usb_locate(cs, &buses, ent->d_name, &loc);
		if (located < 0 || ur_usb_read_device(root, ent->d_name,
		    loc.side, &dev) != 1 ||
		    !ur_devspec_match(s, dev.vid, dev.pid, dev.serial))
			continue;
		if (n < UR_USBFIND_MAX) {
			f = &found[n];
			memset(f, 0, sizeof(*f));
			snprintf(f->busid, sizeof(f->busid), "%s", dev.busid);
			snprintf(f->product, sizeof(f->product), "%s",
			    dev.product);
			f->bit = port_bit(cs, pairs, dev.busid, located, &loc,
			    f->where, sizeof(f->where));
		}
		n++;
	}
	closedir(d);
	sort(found, n < UR_USBFIND_MAX ? n : UR_USBFIND_MAX);
	return n;
}
