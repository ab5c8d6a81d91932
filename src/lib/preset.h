/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts `usbroute sim create --chipset NAME` can simulate: one per
 * chipset, and one per fuse variant Intel's reference code knows, each
 * with what it is built from. */
#ifndef UR_PRESET_H
#define UR_PRESET_H

#include <stddef.h>
#include <stdint.h>

#include "chipset.h"
#include "lspci.h"

struct ur_preset {
	const char *key;	/* what --chipset takes */
	const char *chipset;	/* key in the chipset table */
	uint32_t usb3fus;	/* 0xE0 of the simulated part */
	const char *source;	/* what the values come from */
};

const struct ur_preset *ur_preset_by_key(const char *key);
const struct ur_preset *ur_preset_at(size_t i);	/* NULL past the end */

/* "7-series, 8-series, 8-series-h12, ..." for messages. */
const char *ur_preset_keys(void);

/*
 * Config bytes of the preset's part: USB3FUS as given; USB2PRM and
 * USB3PRM as firmware following Intel's reference code programs them for
 * those fuses (the chipset table's values on parts with no fuse source);
 * XUSB2PR = USB2PRM and PSSEN = USB3PRM, as Linux leaves them.
 */
void ur_preset_build(const struct ur_preset *p, struct ur_dump *dump);

#endif
