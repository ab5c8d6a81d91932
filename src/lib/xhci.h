/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config-space access to the PCH xHCI through libpci.  The only module
 * that writes PCI config; it refuses every device that is not a known
 * Intel PCH xHCI. */
#ifndef UR_XHCI_H
#define UR_XHCI_H

#include <stdint.h>

#include "chipset.h"
#include "err.h"

struct ur_regs {
	uint32_t xusb2pr;
	uint32_t usb2prm;
	uint32_t pssen;
	uint32_t usb3prm;
	uint32_t usb3fus;
};

struct ur_xhci;

/* Opens the xHCI at 0000:00:14.0 under sysfs_root (libpci's sysfs
 * backend with sysfs.path = sysfs_root/bus/pci).  Fails, naming the
 * device, unless its vendor/device is in the chipset table and its class
 * is 0x0c0330. */
int ur_xhci_open(const char *sysfs_root, struct ur_xhci **out,
    struct ur_err *err);
void ur_xhci_close(struct ur_xhci *x);

const struct ur_chipset *ur_xhci_chipset(const struct ur_xhci *x);

int ur_xhci_read(struct ur_xhci *x, struct ur_regs *regs, struct ur_err *err);

/* Writes one 32-bit routing register (XUSB2PR or PSSEN only) and reads
 * it back into *readback. */
int ur_xhci_write(struct ur_xhci *x, int reg, uint32_t value,
    uint32_t *readback, struct ur_err *err);

/* Is an EHCI of this chipset present at addr? (reads vendor/device) */
int ur_xhci_ehci_present(const char *sysfs_root, const char *addr,
    uint16_t want_device);

#endif
