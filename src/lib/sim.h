/* The simulated chipset: a directory laid out as Linux's sysfs is, with
 * the xHCI and EHCI controllers' config files and a USB topology, so the
 * same code (and libpci, and setpci) reads a simulation and a machine. */
#ifndef UR_SIM_H
#define UR_SIM_H

#include "chipset.h"
#include "err.h"
#include "lspci.h"

/*
 * Creates under dir:
 *   devices/pci0000:00/0000:00:14.0/{config,vendor,device,class,power/control}
 *   devices/pci0000:00/0000:00:1d.0/... and 0000:00:1a.0/... (EHCIs present)
 *   bus/pci/devices/0000:00:XX.X -> ../../../devices/pci0000:00/0000:00:XX.X
 *   the USB buses: each EHCI's root hub usbN with its rate-matching hub N-1
 *   and that hub's ports N-1:1.0/N-1-portK; the xHCI's USB2 and USB3 root
 *   hubs with their ports; bus/usb/devices/ links to all of them.
 * dir must not exist or be empty.  Never writes outside dir.
 */
int ur_sim_create(const char *dir, const struct ur_dump *dump,
    struct ur_err *err);

/* Builds the config bytes of a preset part into dump: real-looking
 * headers, USB2PRM/USB3PRM from the table, XUSB2PR = USB2PRM and PSSEN =
 * USB3PRM (what Linux leaves after it enumerates the xHCI). */
void ur_sim_preset(const struct ur_chipset *cs, struct ur_dump *dump);

/* Puts a USB device (as the kernel would show it) on a port of the
 * simulation, on whichever side the port is routed to now. */
int ur_sim_plug(const char *dir, int bit, uint16_t vid, uint16_t pid,
    const char *product, struct ur_err *err);

/* A device to plug, with what ur_sim_plug leaves out. */
struct ur_simdev {
	uint16_t vid, pid;
	const char *product;	/* NULL or "": no product string */
	const char *serial;	/* NULL or "": no serial string */
	int behind_hub;		/* on port 1 of a 4-port hub (05e3:0608) that
				 * is what the PCH port holds */
};

int ur_sim_plug_dev(const char *dir, int bit, const struct ur_simdev *dev,
    struct ur_err *err);

/* Takes away whatever is plugged into port bit (nothing there is fine). */
int ur_sim_unplug(const char *dir, int bit, struct ur_err *err);

/* What the kernel does after a routing change: every device plugged
 * into the simulation re-enumerates on the side its port is on now.
 * *moved counts the devices that changed sides. */
int ur_sim_sync(const char *dir, int *moved, struct ur_err *err);

#endif
