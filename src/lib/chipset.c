#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chipset.h"

/*
 * Device IDs and port layouts from Intel's PCH datasheets, cross-checked
 * against the real config dumps under tests/data/dumps.  7-series parts
 * route only the first four EHCI #1 ports; 8-series H and later have one
 * bit for each of the 14 ports plus the USB redirection (USBr) port.  The
 * LP parts have no EHCI #2; on Wildcat Point-LP bits 8-10 are ports that
 * exist on the xHCI only.
 */
static const struct ur_chipset chipsets[] = {
	{ "7-series", "7-series/C210 (Panther Point)",
	  0x1e31, 0x1e26, 0x1e2d, 0x000f, 8, 6, -1, 4, 0, 0x000f, 0x0f },
	{ "8-series", "8-series/C220 (Lynx Point)",
	  0x8c31, 0x8c26, 0x8c2d, 0x7fff, 8, 6, 14, 6, 1, 0x7fff, 0x3f },
	{ "8-series-lp", "8-series LP (Lynx Point-LP)",
	  0x9c31, 0x9c26, 0, 0x00ff, 8, 0, -1, 4, 0, 0x00ff, 0x0f },
	{ "9-series", "9-series (Wildcat Point)",
	  0x8cb1, 0x8ca6, 0x8cad, 0x7fff, 8, 6, 14, 6, 0, 0x3fff, 0x3f },
	{ "9-series-lp", "9-series LP (Wildcat Point-LP)",
	  0x9cb1, 0x9ca6, 0, 0x07ff, 8, 0, -1, 4, 0, 0x04ff, 0x0f },
	{ "x99", "C610/X99 (Wellsburg)",
	  0x8d31, 0x8d26, 0x8d2d, 0x3fff, 8, 6, -1, 6, 0, 0x3fff, 0x3f },
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

uint16_t
ur_chipset_ports(const struct ur_chipset *cs, uint32_t usb3fus)
{
	uint16_t mask = cs->port_mask;
	unsigned n;

	if (cs->has_fuses) {
		/* bits 2:1: 0 = 14 ports, 1 = 12, 2 = 10, 3 = 8 */
		n = 14 - 2 * ((usb3fus >> 1) & 3);
		mask &= (uint16_t)((1u << n) - 1);
		if (cs->usbr_bit >= 0)
			mask |= (uint16_t)(1u << cs->usbr_bit);
	}
	return mask;
}

int
ur_port_ehci(const struct ur_chipset *cs, int bit, int *port)
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
ur_port_ehci_ctrl(const struct ur_chipset *cs, int bit)
{
	int port;

	switch (ur_port_ehci(cs, bit, &port)) {
	case 1:
		return UR_CTRL_EHCI1;
	case 2:
		return UR_CTRL_EHCI2;
	default:
		return 0;
	}
}

void
ur_port_name(const struct ur_chipset *cs, int bit, char *buf, size_t len)
{
	int port, ehci;

	ehci = ur_port_ehci(cs, bit, &port);
	if (ehci != 0)
		snprintf(buf, len, "ehci%d.%d", ehci, port);
	else if (bit == cs->usbr_bit)
		snprintf(buf, len, "usbr");
	else
		snprintf(buf, len, "p%d", bit);
}

int
ur_ctrl_parse(const char *s, unsigned *ctrls)
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
ur_ctrl_format(unsigned ctrls, char *buf, size_t len)
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
ur_ctrl_parse_list(const char *list, unsigned *ctrls, char *bad,
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
		if (n >= sizeof(word) || ur_ctrl_parse(word, &c) < 0) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -1;
		}
		*ctrls |= c;
		p += n;
	}
	return *ctrls == 0 ? -1 : 0;
}
