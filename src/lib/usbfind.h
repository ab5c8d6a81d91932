/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a USB device is plugged in: every device in sysfs that matches a
 * profile's device word, and the PCH port (XUSB2PR bit) it hangs off,
 * on whichever controller it enumerated, behind any number of hubs
 * (usb.c's ur_usb_locate says where a bus id is). */
#ifndef UR_USBFIND_H
#define UR_USBFIND_H

#include <stdint.h>

#include "chipset.h"
#include "devspec.h"
#include "route.h"

#define UR_USBFIND_MAX 4	/* matches reported; more are counted */

struct ur_usbfound {
	int bit;		/* the PCH USB2 port, or -1 (see where) */
	char busid[32];		/* "3-1.4.2" */
	char product[128];
	char where[96];		/* bit -1: where it is instead, for messages */
};

/*
 * Looks through sysfs_root/bus/usb/devices for devices that s matches.
 * A device on an xHCI SuperSpeed port is placed on the USB2 port that
 * pairs (ss-pair) with it; without a pair its bit is -1.  Returns how
 * many matched (those past UR_USBFIND_MAX are counted, not filled in),
 * or -1 when the directory cannot be read.
 */
int ur_usbfind(const char *sysfs_root, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, const struct ur_devspec *s,
    struct ur_usbfound found[UR_USBFIND_MAX]);

#endif
