/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The USB side of sysfs: which device is attached to a physical port,
 * found through the controller's bus (EHCI: root port 1 is the
 * rate-matching hub, physical port k is that hub's port k; xHCI: USB2
 * root hub port n+1 is register bit n). */
#ifndef UR_USB_H
#define UR_USB_H

#include <stdint.h>

#include "chipset.h"

struct ur_usbdev {
	int present;
	enum ur_side side;	/* which controller it enumerated on */
	char busid[32];		/* "3-1.4" */
	uint16_t vid, pid;
	int devnum;		/* the kernel's address on its bus: new per plug */
	int speed;		/* Mb/s: 12, 480, 5000; 1 for 1.5, 0 unknown */
	char product[128];
	char serial[64];	/* "" when the device has none */
};

/* The bus numbers of the PCH controllers' root hubs; -1 where there is
 * none (an EHCI bound to vfio-pci has no bus on the host).  They change
 * when a controller is unbound and bound again: read them again then. */
struct ur_usbbuses {
	int ehci1, ehci2;
	int xhci2, xhci3;	/* the xHCI's USB 2.0 and USB 3.0 root hubs */
};

/* Where a device sits, as the PCH's ports see it. */
struct ur_usbloc {
	int bit;		/* USB2 port (XUSB2PR bit), -1 on a USB3 port */
	int ss_port;		/* 1-based USB3 port, 0 on a USB2 port */
	int behind_hub;		/* on a further hub plugged into that port */
	enum ur_side side;	/* the controller it enumerated on */
};

/* Looks for a device on port bit, on both sides.  Returns 0 and fills
 * dev (present = 0 when nothing is attached); -1 only on a malformed
 * tree. */
int ur_usb_port_device(const char *sysfs_root, const struct ur_chipset *cs,
    int bit, struct ur_usbdev *dev);

/* The USB bus number of the root hub of a PCI device ("0000:00:1d.0"),
 * the one with the given speed in Mb/s (480 for USB2, 5000 for USB3);
 * -1 if there is none. */
int ur_usb_bus_of(const char *sysfs_root, const char *pci_addr, int speed);

void ur_usb_buses(const char *sysfs_root, struct ur_usbbuses *b);

/*
 * Which PCH port the device busid ("3-1.4", "2-1.3.2", "4-2") is on:
 * EHCI busid B-1.k.. is rate-matching hub port k; xHCI USB2 B-n.. is
 * bit n-1; xHCI USB3 B-n.. is SuperSpeed port n.  Returns 1 with loc
 * filled; 0 when busid is no device on a PCH port (a root hub, a
 * rate-matching hub, an interface, another controller's bus); -1 when
 * busid is not a USB device name at all.
 */
int ur_usb_locate(const struct ur_chipset *cs, const struct ur_usbbuses *b,
    const char *busid, struct ur_usbloc *loc);

/* Reads the device busid under sysfs_root/bus/usb/devices.  Returns 1
 * and fills dev (side as given), 0 when it is not there (unplugged while
 * we looked), -1 when its attributes make no sense. */
int ur_usb_read_device(const char *sysfs_root, const char *busid,
    enum ur_side side, struct ur_usbdev *dev);

#endif
