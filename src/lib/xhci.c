/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "xhci.h"

struct ur_xhci {
	struct pci_access *pacc;
	struct pci_dev *dev;
	const struct ur_chipset *cs;
};

/*
 * libpci reports fatal errors through a->error, and its default handler
 * calls exit(): a root tool inside a libvirt hook must never exit from a
 * library.  Ours records the message and jumps back to the call that was
 * made under guard().  One access at a time: the programs are
 * single-threaded.
 */
static jmp_buf pci_jmp;
static char pci_msg[256];

static void __attribute__((noreturn, format(printf, 1, 2)))
pci_error(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pci_msg, sizeof(pci_msg), fmt, ap);
	va_end(ap);
	longjmp(pci_jmp, 1);
}

static void __attribute__((format(printf, 1, 2)))
pci_warning(char *fmt, ...)
{
	va_list ap;

	/* Keep the last warning: it explains a read that returned 0. */
	va_start(ap, fmt);
	vsnprintf(pci_msg, sizeof(pci_msg), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2)))
pci_debug(char *fmt, ...)
{
	(void)fmt;
}

void
ur_xhci_close(struct ur_xhci *x)
{
	if (x == NULL)
		return;
	if (x->pacc != NULL) {
		/* pci_cleanup frees only scanned devices, not pci_get_dev's */
		if (setjmp(pci_jmp) == 0) {
			if (x->dev != NULL)
				pci_free_dev(x->dev);
			pci_cleanup(x->pacc);
		}
	}
	free(x);
}

static int
verify(struct ur_xhci *x, const char *sysfs_root, struct ur_err *err)
{
	uint8_t hdr[16];
	uint16_t vendor, device;
	uint32_t class;

	pci_msg[0] = '\0';
	if (!pci_read_block(x->dev, 0, hdr, sizeof(hdr)))
		return ur_errf(err, "no PCI device at %s under %s (%s): this "
		    "machine has no Intel PCH xHCI, or --sysfs-root is wrong",
		    UR_ADDR_XHCI, sysfs_root,
		    pci_msg[0] ? pci_msg : "cannot read config");
	vendor = ur_le16(hdr);
	device = ur_le16(hdr + 2);
	class = ur_le32(hdr + 8) >> 8;	/* 0x09-0x0b, above the revision */
	x->cs = ur_chipset_by_id(vendor, device);
	if (x->cs == NULL)
		return ur_errf(err, "refusing %s [%04x:%04x]: not a known "
		    "Intel PCH xHCI (known: %s); usbroute writes routing "
		    "registers only there", UR_ADDR_XHCI, vendor, device,
		    ur_chipset_keys());
	if (class != UR_CLASS_XHCI)
		return ur_errf(err, "refusing %s [%04x:%04x]: class %06x is "
		    "not an xHCI (0c0330)", UR_ADDR_XHCI, vendor, device,
		    class);
	return 0;
}

int
ur_xhci_open(const char *sysfs_root, struct ur_xhci **out,
    struct ur_err *err)
{
	char path[4096];
	struct ur_xhci *x;

	*out = NULL;
	if (ur_file_path(path, sizeof(path), "%s/bus/pci", sysfs_root) < 0)
		return ur_errf(err, "sysfs root path too long");
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return ur_errf(err, "out of memory");
	if (setjmp(pci_jmp) != 0) {
		ur_errf(err, "libpci: %s (sysfs root %s)", pci_msg,
		    sysfs_root);
		ur_xhci_close(x);
		return -1;
	}
	x->pacc = pci_alloc();
	x->pacc->error = pci_error;
	x->pacc->warning = pci_warning;
	x->pacc->debug = pci_debug;
	x->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	if (pci_set_param(x->pacc, "sysfs.path", path) != 0)
		pci_error("cannot set sysfs.path");
	pci_init(x->pacc);
	/* pci_get_dev, not a bus scan: the hook pays for one device only. */
	x->dev = pci_get_dev(x->pacc, 0, 0, 0x14, 0);
	if (x->dev == NULL)
		pci_error("out of memory");
	if (verify(x, sysfs_root, err) < 0) {
		ur_xhci_close(x);
		return -1;
	}
	*out = x;
	return 0;
}

const struct ur_chipset *
ur_xhci_chipset(const struct ur_xhci *x)
{
	return x->cs;
}

int
ur_xhci_read(struct ur_xhci *x, struct ur_regs *regs, struct ur_err *err)
{
	uint8_t b[UR_REG_USB3FUS + 4 - UR_REG_XUSB2PR];

	if (setjmp(pci_jmp) != 0)
		return ur_errf(err, "libpci: %s", pci_msg);
	pci_msg[0] = '\0';
	if (!pci_read_block(x->dev, UR_REG_XUSB2PR, b, sizeof(b)))
		return ur_errf(err, "cannot read the routing registers of %s "
		    "(%s): run as root", UR_ADDR_XHCI,
		    pci_msg[0] ? pci_msg : "short read");
#define LE32(o) ur_le32(b + (o))
	regs->xusb2pr = LE32(UR_REG_XUSB2PR - UR_REG_XUSB2PR);
	regs->usb2prm = LE32(UR_REG_USB2PRM - UR_REG_XUSB2PR);
	regs->pssen = LE32(UR_REG_PSSEN - UR_REG_XUSB2PR);
	regs->usb3prm = LE32(UR_REG_USB3PRM - UR_REG_XUSB2PR);
	regs->usb3fus = LE32(UR_REG_USB3FUS - UR_REG_XUSB2PR);
#undef LE32
	return 0;
}

int
ur_xhci_write(struct ur_xhci *x, int reg, uint32_t value,
    uint32_t *readback, struct ur_err *err)
{
	if (reg != UR_REG_XUSB2PR && reg != UR_REG_PSSEN)
		return ur_errf(err, "internal error: refusing to write "
		    "register 0x%02x", reg);
	if (setjmp(pci_jmp) != 0)
		return ur_errf(err, "libpci: %s", pci_msg);
	pci_msg[0] = '\0';
	if (!pci_write_long(x->dev, reg, value))
		return ur_errf(err, "cannot write register 0x%02x of %s (%s)",
		    reg, UR_ADDR_XHCI, pci_msg[0] ? pci_msg : "short write");
	*readback = pci_read_long(x->dev, reg);
	return 0;
}

int
ur_xhci_ehci_present(const char *sysfs_root, const char *addr,
    uint16_t want_device)
{
	char path[4096], buf[32];
	unsigned long v;

	if (want_device == 0)
		return 0;
	if (ur_file_path(path, sizeof(path), "%s/bus/pci/devices/%s/vendor",
	    sysfs_root, addr) < 0 || ur_file_read_attr(path, buf, sizeof(buf)) < 0)
		return 0;
	v = strtoul(buf, NULL, 16);
	if (v != UR_PCI_VENDOR_INTEL)
		return 0;
	if (ur_file_path(path, sizeof(path), "%s/bus/pci/devices/%s/device",
	    sysfs_root, addr) < 0 || ur_file_read_attr(path, buf, sizeof(buf)) < 0)
		return 0;
	v = strtoul(buf, NULL, 16);
	return v == want_device;
}
