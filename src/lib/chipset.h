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
#define UR_REG_USB3FUS  0xe0	/* 8-series H: fused port counts */

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
	uint8_t has_fuses;	/* USB3FUS (0xE0) holds the port counts */
	uint16_t default_prm;	/* USB2PRM of the simulated part */
	uint8_t default_ss_prm;
};

const struct ur_chipset *ur_chipset_by_id(uint16_t vendor, uint16_t device);
const struct ur_chipset *ur_chipset_by_key(const char *key);
const struct ur_chipset *ur_chipset_at(size_t i);	/* NULL past the end */

/* "7-series, 8-series, ..." for messages. */
const char *ur_chipset_keys(void);

/* Ports present on this part, after the fuses where the part has them. */
uint16_t ur_chipset_ports(const struct ur_chipset *cs, uint32_t usb3fus);

/* Which EHCI (1 or 2) and which of its ports (1-based) bit is wired to;
 * returns 0 when the bit is an xHCI-only or redirection port. */
int ur_port_ehci(const struct ur_chipset *cs, int bit, int *port);

/* The controller set a bit's EHCI side belongs to (UR_CTRL_EHCI1/2), or 0. */
unsigned ur_port_ehci_ctrl(const struct ur_chipset *cs, int bit);

/* "ehci1.3", "ehci2.6", "usbr" or "p9". */
void ur_port_name(const struct ur_chipset *cs, int bit, char *buf, size_t len);

/* "ehci1", "ehci2", "xhci" <-> enum ur_ctrl sets. */
int ur_ctrl_parse(const char *s, unsigned *ctrls);
void ur_ctrl_format(unsigned ctrls, char *buf, size_t len);

/* "ehci2 xhci", "ehci1,ehci2": a set.  -1 on an unknown word (copied to
 * bad, cut to badlen) or an empty list (bad is "" then). */
int ur_ctrl_parse_list(const char *list, unsigned *ctrls, char *bad,
    size_t badlen);

#endif
