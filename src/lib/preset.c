/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "preset.h"
#include "sim.h"

/*
 * USB2PRM/USB3PRM of the fuse variants are worked out from Intel's Lynx
 * Point reference code: PchUsbCommon.c GetXhciPortCountAndSetPortRouting-
 * Mask with the masks of PchRegsUsb.h (chipset.h has the table).  The
 * plain chipset presets keep USB3FUS 0 (every port fused in).
 */
static const struct ur_preset presets[] = {
	{ "7-series", "7-series", 0,
	  "USB2PRM 0x0f, USB3PRM 0x0f: every 7-series dump in "
	  "tests/data/dumps (E6430, M4700, DH77DF, NP350V5C)" },
	{ "8-series", "8-series", 0x00,
	  "E0 = 0x00: 14 USB2 ports + USBr (0x7fff), 6 SuperSpeed (0x3f); "
	  "the Huananzhi X99-QD4 dump (E0 = 0x80) reads the same" },
	{ "8-series-h12", "8-series", 0x22,
	  "E0[2:1] = 01b: 12 USB2 ports, USB2PRM 0x3fff; E0[5] = 1: no "
	  "USBr; 6 SuperSpeed -- the Huananzhi X99-BD4 dump (E0 = 0xa2)" },
	{ "8-series-h10", "8-series", 0x0c,
	  "E0[2:1] = 10b: 10 USB2 ports, 0x0fff; USBr on (0x4fff); "
	  "E0[4:3] = 01b: 4 SuperSpeed (0x0f)" },
	{ "8-series-h8", "8-series", 0x16,
	  "E0[2:1] = 11b: 8 USB2 ports, 0x00ff; USBr on (0x40ff); "
	  "E0[4:3] = 10b: 2 SuperSpeed (0x03)" },
	{ "8-series-h8-noss", "8-series", 0x3e,
	  "E0[2:1] = 11b: 8 USB2 ports (0x00ff); E0[4:3] = 11b: no "
	  "SuperSpeed (0x00); E0[5] = 1: no USBr" },
	{ "8-series-lp", "8-series-lp", 0x00,
	  "Lynx Point-LP, E0[5] = 0: 8 USB2 ports + USBr at bit 8 "
	  "(0x01ff), 4 SuperSpeed (0x0f)" },
	{ "8-series-lp-nousbr", "8-series-lp", 0x20,
	  "Lynx Point-LP, E0[5] = 1: 8 USB2 ports (0x00ff), no USBr, 4 "
	  "SuperSpeed (0x0f)" },
	{ "9-series", "9-series", 0,
	  "unverified: Lynx Point-H's layout with USB2PRM 0x3fff; no "
	  "source or dump for 8086:8cb1" },
	{ "9-series-lp", "9-series-lp", 0,
	  "USB2PRM 0x04ff, USB3PRM 0x0f as on the MacBookPro12,1 dump, "
	  "but with EHCI #1 present (the Mac hides it); bits 8-10 "
	  "unverified" },
	{ "x99", "x99", 0,
	  "unverified: 8086:8d31 with 14 ports, no USBr; the 'X99' "
	  "boards seen carry an 8c31 (use 8-series or 8-series-h12)" },
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

const struct ur_preset *
ur_preset_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < NPRESETS; i++)
		if (strcmp(presets[i].key, key) == 0)
			return &presets[i];
	return NULL;
}

const struct ur_preset *
ur_preset_at(size_t i)
{
	return i < NPRESETS ? &presets[i] : NULL;
}

const char *
ur_preset_keys(void)
{
	return "7-series, 8-series, 8-series-h12, 8-series-h10, 8-series-h8, "
	    "8-series-h8-noss, 8-series-lp, 8-series-lp-nousbr, 9-series, "
	    "9-series-lp, x99";
}

static void
put32(uint8_t *cfg, int off, uint32_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
	cfg[off + 2] = (uint8_t)(v >> 16);
	cfg[off + 3] = (uint8_t)(v >> 24);
}

void
ur_preset_build(const struct ur_preset *p, struct ur_dump *dump)
{
	const struct ur_chipset *cs = ur_chipset_by_key(p->chipset);
	uint8_t *cfg = dump->xhci.cfg;
	uint32_t prm, ssprm;

	ur_sim_preset(cs, dump);
	if (cs->fuses == UR_FUSES_NONE)
		return;		/* the table's values, USB3FUS 0 */
	prm = ur_chipset_ports(cs, p->usb3fus);
	ssprm = ur_chipset_ss_ports(cs, p->usb3fus);
	put32(cfg, UR_REG_XUSB2PR, prm);
	put32(cfg, UR_REG_USB2PRM, prm);
	put32(cfg, UR_REG_PSSEN, ssprm);
	put32(cfg, UR_REG_USB3PRM, ssprm);
	put32(cfg, UR_REG_USB3FUS, p->usb3fus);
}
