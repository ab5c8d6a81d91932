/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads PCI config bytes of the PCH USB controllers out of a text dump:
 * `lspci -xxx` / `lspci -nnvvvxxxx` output, and AIDA64's "Debug - PCI"
 * report ("B00 D14 F00:" headers, "Offset 0D0:" lines). */
#ifndef UR_LSPCI_H
#define UR_LSPCI_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

struct ur_dump_dev {
	int found;		/* a block with config bytes was seen */
	int len;		/* bytes filled from offset 0: 64 or 256 */
	uint8_t cfg[256];
};

struct ur_dump {
	struct ur_dump_dev xhci;	/* 00:14.0 */
	struct ur_dump_dev ehci1;	/* 00:1d.0 */
	struct ur_dump_dev ehci2;	/* 00:1a.0 */
};

/* Fills dump from the text in f.  Fails with a message when there is no
 * 00:14.0 block with at least 256 bytes (the routing registers live at
 * 0xD0..0xE3). */
int ur_lspci_parse(FILE *f, const char *name, struct ur_dump *dump,
    struct ur_err *err);

#endif
