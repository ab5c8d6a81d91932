/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chipset.h"

/*
 * Device IDs and port layouts.  Sources (doc/hardware.md has the whole
 * model and what is unverified):
 *  - Linux drivers/usb/host/pci-quirks.c: usb_is_intel_ppt_switchable_xhci
 *    (1e31) and usb_is_intel_lpt_switchable_xhci (8c31, 9c31) are the only
 *    xHCIs the kernel switches; usb_enable_intel_xhci_ports does it.
 *  - Intel's Lynx Point reference code, PchRegsUsb.h: LPTH 14 USB2 ports
 *    + USBr (15 bits), 6 SuperSpeed, EHCI #1 ports 0-7, EHCI #2 ports 8-13;
 *    LPTLP 8 USB2 ports + USBr (9 bits), 4 SuperSpeed, one EHCI.
 *  - The real dumps under tests/data/dumps: every 7-series part has
 *    USB2PRM 0x0f (the first four EHCI #1 ports), the MacBookPro12,1
 *    (9cb1) USB2PRM 0x04ff.
 * The 9-series parts and the C610 ID are not in the kernel's list and no
 * Intel code for them was found: each says so in `doubt`, and doctor
 * repeats it.
 */
static const struct ur_chipset chipsets[] = {
	{ "7-series", "7-series/C210 (Panther Point)",
	  0x1e31, 0x1e26, 0x1e2d, 0x000f, 8, 6, -1, 4, UR_FUSES_NONE,
	  0x000f, 0x0f, 0, NULL },
	{ "8-series", "8-series/C220 (Lynx Point)",
	  0x8c31, 0x8c26, 0x8c2d, 0x7fff, 8, 6, 14, 6, UR_FUSES_H,
	  0x7fff, 0x3f, 0, NULL },
	{ "8-series-lp", "8-series LP (Lynx Point-LP)",
	  0x9c31, 0x9c26, 0, 0x01ff, 8, 0, 8, 4, UR_FUSES_LP,
	  0x01ff, 0x0f, 0, NULL },
	{ "9-series", "9-series (Wildcat Point)",
	  0x8cb1, 0x8ca6, 0x8cad, 0x7fff, 8, 6, 14, 6, UR_FUSES_NONE,
	  0x3fff, 0x3f, 0,
	  "9-series xHCI 8086:8cb1 is not in the Linux kernel's list of "
	  "switchable xHCIs (pci-quirks.c usb_is_intel_switchable_xhci) and "
	  "no Intel code for it was found; its layout is Lynx Point's, "
	  "unverified" },
	{ "9-series-lp", "9-series LP (Wildcat Point-LP)",
	  0x9cb1, 0x9ca6, 0, 0x07ff, 8, 0, -1, 4, UR_FUSES_NONE,
	  0x04ff, 0x0f, 0x0700,
	  "Wildcat Point-LP xHCI 8086:9cb1 is not in the Linux kernel's list "
	  "of switchable xHCIs and no Intel code for it was found; bits 8-10 "
	  "(seen set on a MacBookPro12,1) are of unknown meaning" },
	{ "x99", "C610/X99 (Wellsburg)",
	  0x8d31, 0x8d26, 0x8d2d, 0x3fff, 8, 6, -1, 6, UR_FUSES_NONE,
	  0x3fff, 0x3f, 0,
	  "no source confirms 8086:8d31 (C610/X99) as a switchable xHCI: the "
	  "kernel switches only 1e31, 8c31 and 9c31, and the 'X99' boards "
	  "seen so far (Huananzhi X99-BD4, X99-QD4) carry an 8-series 8c31" },
};

#define NCHIPSETS (sizeof(chipsets) / sizeof(chipsets[0]))

const struct ur_chipset *
ur_chipset_by_id(uint16_t vendor, uint16_t device)
{
	size_t i;

	if (vendor != UR_PCI_VENDOR_INTEL)
		return NULL;
	for (i = 0; i < NCHIPSETS; i++)
		if (chipsets[i].xhci_id == device)
			return &chipsets[i];
	return NULL;
}

const struct ur_chipset *
ur_chipset_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < NCHIPSETS; i++)
		if (strcmp(chipsets[i].key, key) == 0)
			return &chipsets[i];
	return NULL;
}

const struct ur_chipset *
ur_chipset_at(size_t i)
{
	return i < NCHIPSETS ? &chipsets[i] : NULL;
}

const char *
ur_chipset_keys(void)
{
	return "7-series, 8-series, 8-series-lp, 9-series, 9-series-lp, x99";
}

/* USB2PRM per E0[2:1] on H parts: PchRegsUsb.h
 * V_PCH_H_XHCI_FUS_HSPRTCNT_xxB_MASK.  The 01b (12-port) mask is 0x3fff:
 * which two ports are fused off is not said. */
static const uint16_t h_usb2_mask[4] = { 0x3fff, 0x3fff, 0x0fff, 0x00ff };
static const uint8_t h_usb2_count[4] = { 14, 12, 10, 8 };
/* USB3PRM per E0[4:3]: V_PCH_H_XHCI_FUS_SSPRTCNT_xxB_MASK. */
static const uint8_t h_ss_mask[4] = { 0x3f, 0x0f, 0x03, 0x00 };
#define FUS_HS(f)	(((f) >> 1) & 3)
#define FUS_SS(f)	(((f) >> 3) & 3)
#define FUS_USBR_OFF(f)	(((f) >> 5) & 1)	/* B_PCH_XHCI_FUS_USBR */

uint16_t
ur_chipset_ports(const struct ur_chipset *cs, uint32_t usb3fus)
{
	uint16_t mask;

	switch (cs->fuses) {
	case UR_FUSES_H:
		mask = h_usb2_mask[FUS_HS(usb3fus)];
		break;
	case UR_FUSES_LP:
		mask = 0x00ff;	/* V_PCH_LP_XHCI_FIXED_HSPRTCNT_MASK */
		break;
	default:
		return cs->port_mask;
	}
	if (cs->usbr_bit >= 0 && !FUS_USBR_OFF(usb3fus))
		mask |= (uint16_t)(1u << cs->usbr_bit);
	return mask & cs->port_mask;
}

uint8_t
ur_chipset_ss_ports(const struct ur_chipset *cs, uint32_t usb3fus)
{
	if (cs->fuses == UR_FUSES_H)
		return h_ss_mask[FUS_SS(usb3fus)];
	return (uint8_t)((1u << cs->ss_ports) - 1);
}

void
ur_chipset_fuses_describe(const struct ur_chipset *cs, uint32_t usb3fus, char *buf,
    size_t len)
{
	uint8_t ss = ur_chipset_ss_ports(cs, usb3fus);

	if (cs->fuses == UR_FUSES_NONE) {
		snprintf(buf, len, "not read on this part (no source); "
		    "%d SuperSpeed ports assumed", cs->ss_ports);
		return;
	}
	snprintf(buf, len, "%d USB2 ports (USB2PRM 0x%04x), %d SuperSpeed "
	    "(USB3PRM 0x%02x), USBr %s",
	    cs->fuses == UR_FUSES_H ? h_usb2_count[FUS_HS(usb3fus)] : 8,
	    ur_chipset_ports(cs, usb3fus), __builtin_popcount(ss), ss,
	    FUS_USBR_OFF(usb3fus) ? "disabled" : "enabled");
}

int
ur_chipset_port_ehci(const struct ur_chipset *cs, int bit, int *port)
{
	if (bit >= 0 && bit < 8 && bit < cs->ehci1_ports) {
		*port = bit + 1;
		return 1;
	}
	if (bit >= 8 && bit < 8 + cs->ehci2_ports && bit != cs->usbr_bit) {
		*port = bit - 7;
		return 2;
	}
	return 0;
}

unsigned
ur_chipset_port_ehci_ctrl(const struct ur_chipset *cs, int bit)
{
	int port;

	switch (ur_chipset_port_ehci(cs, bit, &port)) {
	case 1:
		return UR_CTRL_EHCI1;
	case 2:
		return UR_CTRL_EHCI2;
	default:
		return 0;
	}
}

void
ur_chipset_port_name(const struct ur_chipset *cs, int bit, char *buf, size_t len)
{
	int port, ehci;

	ehci = ur_chipset_port_ehci(cs, bit, &port);
	if (ehci != 0)
		snprintf(buf, len, "ehci%d.%d", ehci, port);
	else if (bit == cs->usbr_bit)
		snprintf(buf, len, "usbr");
	else
		snprintf(buf, len, "p%d", bit);
}

int
ur_chipset_ctrl_parse(const char *s, unsigned *ctrls)
{
	if (strcmp(s, "ehci1") == 0)
		*ctrls = UR_CTRL_EHCI1;
	else if (strcmp(s, "ehci2") == 0)
		*ctrls = UR_CTRL_EHCI2;
	else if (strcmp(s, "xhci") == 0)
		*ctrls = UR_CTRL_XHCI;
	else
		return -1;
	return 0;
}

void
ur_chipset_ctrl_format(unsigned ctrls, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
	    ctrls & UR_CTRL_EHCI1 ? "ehci1," : "",
	    ctrls & UR_CTRL_EHCI2 ? "ehci2," : "",
	    ctrls & UR_CTRL_XHCI ? "xhci," : "",
	    ctrls == 0 ? "none" : "");
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == ',')
		buf[len - 1] = '\0';
}

int
ur_chipset_ctrl_parse_list(const char *list, unsigned *ctrls, char *bad,
    size_t badlen)
{
	char word[16];
	const char *p = list;
	unsigned c;
	size_t n;

	*ctrls = 0;
	bad[0] = '\0';
	for (;;) {
		p += strspn(p, " \t\r\n,");
		if (*p == '\0')
			break;
		n = strcspn(p, " \t\r\n,");
		if (n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
		}
		if (n >= sizeof(word) || ur_chipset_ctrl_parse(word, &c) < 0) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -1;
		}
		*ctrls |= c;
		p += n;
	}
	return *ctrls == 0 ? -1 : 0;
}
