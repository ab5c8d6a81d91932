/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Facts about the Intel PCH USB controllers: which parts we know, where
 * their controllers sit, which register bit is which physical port.
 * Everything here is constant; nothing touches hardware. */
#ifndef UR_CHIPSET_H
#define UR_CHIPSET_H

#include <stddef.h>
#include <stdint.h>

/* xHCI config registers (all 32-bit). */
#define UR_REG_XUSB2PR  0xd0	/* bit n = 1: USB2 port n on xHCI */
#define UR_REG_USB2PRM  0xd4	/* bit n = 1: the OS may switch port n */
#define UR_REG_PSSEN    0xd8	/* bit n = 1: SuperSpeed termination of USB3 port n */
#define UR_REG_USB3PRM  0xdc	/* bit n = 1: the OS may change PSSEN bit n */
#define UR_REG_USB3FUS  0xe0	/* fuses: port counts, USBr (see below) */

#define UR_XUSB2PR_FIELD 0x7fffu	/* bits 14:0 */
#define UR_PSSEN_FIELD   0x3fu		/* bits 5:0 */
#define UR_MAX_PORTS     15
#define UR_MAX_SS_PORTS  6

#define UR_PCI_VENDOR_INTEL 0x8086
#define UR_CLASS_XHCI 0x0c0330u
#define UR_CLASS_EHCI 0x0c0320u

/* Fixed PCI addresses of the PCH USB controllers (domain 0, bus 0). */
#define UR_ADDR_XHCI  "0000:00:14.0"
#define UR_ADDR_EHCI1 "0000:00:1d.0"
#define UR_ADDR_EHCI2 "0000:00:1a.0"

/* Controllers, as a bit set: what a domain holds. */
enum ur_ctrl {
	UR_CTRL_EHCI1 = 1u << 0,
	UR_CTRL_EHCI2 = 1u << 1,
	UR_CTRL_XHCI  = 1u << 2,
};
#define UR_CTRL_ALL (UR_CTRL_EHCI1 | UR_CTRL_EHCI2 | UR_CTRL_XHCI)

enum ur_side {
	UR_SIDE_EHCI = 0,
	UR_SIDE_XHCI = 1,
};

/* How a part's USB3FUS (0xE0) reads.  Intel's Lynx Point reference code,
 * PchUsbCommon.c GetXhciPortCountAndSetPortRoutingMask (PCH BIOS Spec
 * section 13.2.5/13.2.6 step 1), with PchRegsUsb.h for the values:
 *   H:  E0[2:1] USB2 ports 00:14 01:12 10:10 11:8, for which firmware
 *       programs USB2PRM 0x3fff 0x3fff 0x0fff 0x00ff (a 12-port part is
 *       not "the first 12"); E0[4:3] SuperSpeed ports 6/4/2/0 (USB3PRM
 *       0x3f 0x0f 0x03 0x00); E0[5] = 1: USBr (bit 14) disabled.
 *   LP: always 8 USB2 ports (0x00ff) and 4 SuperSpeed (0x0f); E0[5] = 0
 *       adds USBr at bit 8. */
enum ur_fuses {
	UR_FUSES_NONE = 0,	/* no source for 0xE0 on this part */
	UR_FUSES_H,
	UR_FUSES_LP,
};

struct ur_chipset {
	const char *key;	/* "8-series": what --chipset takes */
	const char *name;	/* "8-series/C220 (Lynx Point)" */
	uint16_t xhci_id;
	uint16_t ehci1_id;
	uint16_t ehci2_id;	/* 0: the part has no EHCI #2 */
	uint16_t port_mask;	/* XUSB2PR bits that are ports on this part */
	uint8_t ehci1_ports;	/* bits 0.. that are EHCI #1 ports 1.. */
	uint8_t ehci2_ports;	/* bits 8.. that are EHCI #2 ports 1.. */
	int8_t usbr_bit;	/* USB redirection port, or -1 */
	uint8_t ss_ports;	/* USB3 ports (PSSEN bits) */
	uint8_t fuses;		/* enum ur_fuses */
	uint16_t default_prm;	/* USB2PRM of the simulated part */
	uint8_t default_ss_prm;
	uint16_t unverified;	/* bits no source confirms as routing ports */
	const char *doubt;	/* why the part itself is unverified, or NULL */
};

const struct ur_chipset *ur_chipset_by_id(uint16_t vendor, uint16_t device);
const struct ur_chipset *ur_chipset_by_key(const char *key);
const struct ur_chipset *ur_chipset_at(size_t i);	/* NULL past the end */

/* "7-series, 8-series, ..." for messages. */
const char *ur_chipset_keys(void);

/* USB2 ports present on this part after its fuses: the USB2PRM that
 * Intel's reference code programs for this USB3FUS.  Parts with no fuse
 * source: every port bit. */
uint16_t ur_chipset_ports(const struct ur_chipset *cs, uint32_t usb3fus);

/* SuperSpeed ports (PSSEN bits) present after the fuses. */
uint8_t ur_chipset_ss_ports(const struct ur_chipset *cs, uint32_t usb3fus);

/* "12 USB2 ports (0x3fff), 6 SuperSpeed (0x3f), USBr disabled" or, on
 * parts without a fuse source, what the table says. */
void ur_chipset_fuses_describe(const struct ur_chipset *cs, uint32_t usb3fus,
    char *buf, size_t len);

/* Which EHCI (1 or 2) and which of its ports (1-based) bit is wired to;
 * returns 0 when the bit is an xHCI-only or redirection port. */
int ur_chipset_port_ehci(const struct ur_chipset *cs, int bit, int *port);

/* The controller set a bit's EHCI side belongs to (UR_CTRL_EHCI1/2), or 0. */
unsigned ur_chipset_port_ehci_ctrl(const struct ur_chipset *cs, int bit);

/* "ehci1.3", "ehci2.6", "usbr" or "p9". */
void ur_chipset_port_name(const struct ur_chipset *cs, int bit, char *buf, size_t len);

/* "ehci1", "ehci2", "xhci" <-> enum ur_ctrl sets. */
int ur_chipset_ctrl_parse(const char *s, unsigned *ctrls);
void ur_chipset_ctrl_format(unsigned ctrls, char *buf, size_t len);

/* "ehci2 xhci", "ehci1,ehci2": a set.  -1 on an unknown word (copied to
 * bad, cut to badlen) or an empty list (bad is "" then). */
int ur_chipset_ctrl_parse_list(const char *list, unsigned *ctrls, char *bad,
    size_t badlen);

/* PCI config space is little-endian whatever the CPU: the one decoding
 * of its 16- and 32-bit fields (libpci's files, dumps, simulations). */
static inline uint16_t
ur_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t
ur_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

#endif
