/* The USB side of sysfs: which device is attached to a physical port,
 * found through the controller's bus (EHCI: root port 1 is the
 * rate-matching hub, physical port k is that hub's port k; xHCI: USB2
 * root hub port n+1 is register bit n). */
#ifndef UR_USBTOPO_H
#define UR_USBTOPO_H

#include <stdint.h>

#include "chipset.h"

struct ur_usbdev {
	int present;
	enum ur_side side;	/* which controller it enumerated on */
	char busid[32];		/* "3-1.4" */
	uint16_t vid, pid;
	char product[128];
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

#endif
