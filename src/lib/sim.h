/* SPDX-License-Identifier: GPL-2.0-or-later */
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
 * simulation, on whichever side the port is routed to now, with a new
 * devnum (as the kernel gives each new device). */
int ur_sim_plug(const char *dir, int bit, uint16_t vid, uint16_t pid,
    const char *product, struct ur_err *err);

/* A SuperSpeed device in the connector whose USB2 wire is port bit and
 * whose USB3 wire is USB3 port ss (1-based): on the xHCI's USB3 root
 * hub while PSSEN bit ss-1 is on, else on the USB2 wire as routed. */
int ur_sim_plug_ss(const char *dir, int bit, int ss, uint16_t vid,
    uint16_t pid, const char *product, struct ur_err *err);

/* The same behind a four-port hub (05e3:0608) plugged into port bit: the
 * device is on the hub's port 1. */
int ur_sim_plug_behind_hub(const char *dir, int bit, uint16_t vid,
    uint16_t pid, const char *product, struct ur_err *err);

/* Gives the device plugged into port bit (the one behind the hub when a
 * hub is there) a serial number string. */
int ur_sim_set_serial(const char *dir, int bit, const char *serial,
    struct ur_err *err);

/* Takes away whatever is plugged into port bit, on either side (a hub
 * with everything behind it).  *removed is 1 if something was there. */
int ur_sim_unplug(const char *dir, int bit, int *removed,
    struct ur_err *err);

/* What the kernel does after a routing change: every device plugged
 * into the simulation whose port moved re-enumerates on the side its
 * port is on now (a SuperSpeed device: on USB3 while its termination is
 * on); a hub comes back with what was behind it, devices with their
 * serials.
 * *moved counts the devices that changed sides. */
int ur_sim_sync(const char *dir, int *moved, struct ur_err *err);

#endif
