/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file.h"
#include "sim.h"
#include "usb.h"

#define PATHLEN		4096
#define PCI_ROOT	"devices/pci0000:00"
#define USB_LINKS	"bus/usb/devices"
#define PCI_LINKS	"bus/pci/devices"

/* Kernel resource file: 6 BARs, the ROM and the SR-IOV BARs. */
#define NRESOURCES	13

/* Ports of the rate-matching hubs behind EHCI #1 and EHCI #2. */
#define RMH1_PORTS	8
#define RMH2_PORTS	6
#define ROOT_EHCI_PORTS	2	/* a PCH EHCI has two root ports */

/* What one USB device directory holds, as the kernel writes it. */
struct usbinfo {
	uint16_t vid, pid;
	const char *speed;
	const char *product;	/* NULL: the device has no product string */
	const char *serial;	/* NULL: nor a serial number string */
	int busnum, devnum;
	const char *devpath;
	int maxchild;
	int hub;
	int conn_bit;		/* a SuperSpeed device: its connector's USB2 */
	int ss_port;		/* port and USB3 port (0: a USB2 device) */
};

/* Where a SuperSpeed device's connector leads, kept in the device's
 * directory (a file of the simulation's, not the kernel's) so that sync
 * can move it between its USB3 and USB2 wires as PSSEN says. */
#define SIM_CONNECTOR	".sim-connector"

static int
put(const char *dir, const char *name, const void *data, size_t len,
    struct ur_err *err)
{
	char path[PATHLEN];
	int fd, e;

	if (ur_file_path(path, sizeof(path), "%s/%s", dir, name) < 0)
		return ur_errf(err, "path too long: %s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0)
		return ur_errf(err, "cannot create %s: %s", path,
		    strerror(errno));
	if (ur_file_write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		return ur_errf(err, "cannot write %s: %s", path, strerror(e));
	}
	if (close(fd) < 0)
		return ur_errf(err, "cannot write %s: %s", path,
		    strerror(errno));
	return 0;
}

static int
putf(const char *dir, const char *name, struct ur_err *err,
    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
putf(const char *dir, const char *name, struct ur_err *err,
    const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return ur_errf(err, "value for %s/%s too long", dir, name);
	return put(dir, name, buf, (size_t)n, err);
}

static int
mkdir_in(const char *dir, const char *name, char *out, size_t outlen,
    struct ur_err *err)
{
	if (ur_file_path(out, outlen, "%s/%s", dir, name) < 0)
		return ur_errf(err, "path too long: %s/%s", dir, name);
	if (mkdir(out, 0755) < 0 && errno != EEXIST)
		return ur_errf(err, "cannot create directory %s: %s", out,
		    strerror(errno));
	return 0;
}

/* dir/linkdir/name -> ../../../target: linkdir is always two levels deep. */
static int
link_in(const char *dir, const char *linkdir, const char *name,
    const char *target, struct ur_err *err)
{
	char path[PATHLEN], dest[PATHLEN];

	if (ur_file_path(path, sizeof(path), "%s/%s/%s", dir, linkdir, name) < 0 ||
	    ur_file_path(dest, sizeof(dest), "../../../%s", target) < 0)
		return ur_errf(err, "path too long: %s/%s/%s", dir, linkdir,
		    name);
	if (unlink(path) < 0 && errno != ENOENT)
		return ur_errf(err, "cannot replace %s: %s", path,
		    strerror(errno));
	if (symlink(dest, path) < 0)
		return ur_errf(err, "cannot create link %s: %s", path,
		    strerror(errno));
	return 0;
}

static uint16_t
cfg16(const uint8_t *cfg, int off)
{
	return ur_le16(cfg + off);
}

static uint32_t
cfg32(const uint8_t *cfg, int off)
{
	return ur_le32(cfg + off);
}

static void
set16(uint8_t *cfg, int off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void
set32(uint8_t *cfg, int off, uint32_t v)
{
	set16(cfg, off, (uint16_t)v);
	set16(cfg, off + 2, (uint16_t)(v >> 16));
}

/* ------------------------------------------------------------ presets */

/* What every PCH USB function shows in its header. */
static void
preset_header(uint8_t *cfg, uint16_t device, uint32_t class)
{
	set16(cfg, 0x00, UR_PCI_VENDOR_INTEL);
	set16(cfg, 0x02, device);
	set16(cfg, 0x04, 0x0006);	/* memory space, bus master */
	set16(cfg, 0x06, 0x0290);	/* capability list, medium DEVSEL */
	cfg[0x08] = 0x04;		/* revision */
	cfg[0x09] = (uint8_t)class;
	cfg[0x0a] = (uint8_t)(class >> 8);
	cfg[0x0b] = (uint8_t)(class >> 16);
	cfg[0x0e] = 0x00;		/* header type 0 */
	set16(cfg, 0x2c, UR_PCI_VENDOR_INTEL);
	set16(cfg, 0x2e, 0x7270);
	cfg[0x3c] = 0x0b;
	cfg[0x3d] = 0x01;		/* INTA# */
}

static void
preset_xhci(const struct ur_chipset *cs, struct ur_dump_dev *d)
{
	uint8_t *cfg = d->cfg;

	preset_header(cfg, cs->xhci_id, UR_CLASS_XHCI);
	set32(cfg, 0x10, 0xf7d20004);	/* 64-bit memory BAR */
	/* Power management, then MSI: as on the real parts. */
	cfg[0x34] = 0x70;
	set32(cfg, 0x70, 0xc1c28001);
	set32(cfg, 0x74, 0x00000008);
	set32(cfg, 0x80, 0x00870005);
	/* Linux leaves XUSB2PR = USB2PRM and PSSEN = USB3PRM. */
	set32(cfg, UR_REG_XUSB2PR, cs->default_prm);
	set32(cfg, UR_REG_USB2PRM, cs->default_prm);
	set32(cfg, UR_REG_PSSEN, cs->default_ss_prm);
	set32(cfg, UR_REG_USB3PRM, cs->default_ss_prm);
	set32(cfg, UR_REG_USB3FUS, 0);	/* all ports fused in */
	d->found = 1;
	d->len = 256;
}

static void
preset_ehci(uint16_t device, uint32_t bar, struct ur_dump_dev *d)
{
	uint8_t *cfg = d->cfg;

	preset_header(cfg, device, UR_CLASS_EHCI);
	set32(cfg, 0x10, bar);
	/* Power management, debug port, advanced features. */
	cfg[0x34] = 0x50;
	set32(cfg, 0x50, 0xc9c25801);
	set32(cfg, 0x58, 0x20a0980a);
	cfg[0x60] = 0x20;		/* SBRN: USB 2.0 */
	cfg[0x61] = 0x20;		/* FLADJ */
	set32(cfg, 0x98, 0x03060013);
	d->found = 1;
	d->len = 256;
}

void
ur_sim_preset(const struct ur_chipset *cs, struct ur_dump *dump)
{
	memset(dump, 0, sizeof(*dump));
	preset_xhci(cs, &dump->xhci);
	if (cs->ehci1_id != 0)
		preset_ehci(cs->ehci1_id, 0xf7d3b000, &dump->ehci1);
	if (cs->ehci2_id != 0)
		preset_ehci(cs->ehci2_id, 0xf7d3c000, &dump->ehci2);
}

/* --------------------------------------------------------- PCI part */

static int
make_pci_dev(const char *dir, const char *addr, const struct ur_dump_dev *d,
    struct ur_err *err)
{
	char pdir[PATHLEN], sub[PATHLEN], rel[PATHLEN];
	char res[NRESOURCES * 64];
	const uint8_t *cfg = d->cfg;
	uint32_t class;
	size_t off = 0;
	int i;

	if (ur_file_path(rel, sizeof(rel), "%s/%s", PCI_ROOT, addr) < 0 ||
	    ur_file_path(pdir, sizeof(pdir), "%s/%s", dir, rel) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (ur_file_mkdirs(pdir, 0755, err) < 0)
		return -1;
	class = ur_le32(cfg + 0x08) >> 8;	/* 0x09-0x0b */
	/* No BARs are assigned in a simulation: all resources are zero. */
	for (i = 0; i < NRESOURCES; i++)
		off += (size_t)snprintf(res + off, sizeof(res) - off,
		    "0x%016x 0x%016x 0x%016x\n", 0, 0, 0);
	if (put(pdir, "config", cfg, 256, err) < 0 ||
	    putf(pdir, "vendor", err, "0x%04x\n", cfg16(cfg, 0x00)) < 0 ||
	    putf(pdir, "device", err, "0x%04x\n", cfg16(cfg, 0x02)) < 0 ||
	    putf(pdir, "class", err, "0x%06x\n", class) < 0 ||
	    putf(pdir, "revision", err, "0x%02x\n", cfg[0x08]) < 0 ||
	    putf(pdir, "subsystem_vendor", err, "0x%04x\n",
	    cfg16(cfg, 0x2c)) < 0 ||
	    putf(pdir, "subsystem_device", err, "0x%04x\n",
	    cfg16(cfg, 0x2e)) < 0 ||
	    putf(pdir, "irq", err, "%u\n", cfg[0x3c]) < 0 ||
	    put(pdir, "resource", res, off, err) < 0)
		return -1;
	if (mkdir_in(pdir, "power", sub, sizeof(sub), err) < 0 ||
	    put(sub, "control", "auto\n", 5, err) < 0)
		return -1;
	return link_in(dir, PCI_LINKS, addr, rel, err);
}

/*
 * What the kernel adds around a bound PCI device: the driver's directory
 * with a link to the device and the device's link back, and an IOMMU
 * group (each controller alone in its own, as on these PCHs with VT-d).
 * `usbroute doctor` reads them.
 */
/* path -> dest (relative, as the kernel's links are). */
static int
mklink(const char *path, const char *dest, struct ur_err *err)
{
	if (symlink(dest, path) < 0)
		return ur_errf(err, "cannot link %s: %s", path,
		    strerror(errno));
	return 0;
}

/* dir/name -> dest */
static int
link_into(const char *dir, const char *name, const char *dest,
    struct ur_err *err)
{
	char path[PATHLEN];

	if (ur_file_path(path, sizeof(path), "%s/%s", dir, name) < 0)
		return ur_errf(err, "path too long: %s/%s", dir, name);
	return mklink(path, dest, err);
}

static int
make_kernel_links(const char *dir, const char *addr, const char *driver,
    int group, struct ur_err *err)
{
	char drv[PATHLEN], grp[PATHLEN], dev[PATHLEN];
	char p1[PATHLEN], p2[PATHLEN], d1[PATHLEN], d2[PATHLEN];

	/* From bus/pci/drivers/X/ and kernel/iommu_groups/N/devices/ the
	 * device is four levels up; from the device the others are three. */
	if (ur_file_path(drv, sizeof(drv), "%s/bus/pci/drivers/%s", dir,
	    driver) < 0 ||
	    ur_file_path(grp, sizeof(grp), "%s/kernel/iommu_groups/%d/devices",
	    dir, group) < 0 ||
	    ur_file_path(dev, sizeof(dev), "../../../../%s/%s", PCI_ROOT,
	    addr) < 0 ||
	    ur_file_path(p1, sizeof(p1), "%s/%s/%s/driver", dir, PCI_ROOT,
	    addr) < 0 ||
	    ur_file_path(d1, sizeof(d1), "../../../bus/pci/drivers/%s",
	    driver) < 0 ||
	    ur_file_path(p2, sizeof(p2), "%s/%s/%s/iommu_group", dir, PCI_ROOT,
	    addr) < 0 ||
	    ur_file_path(d2, sizeof(d2), "../../../kernel/iommu_groups/%d",
	    group) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (ur_file_mkdirs(drv, 0755, err) < 0 || ur_file_mkdirs(grp, 0755, err) < 0 ||
	    link_into(drv, addr, dev, err) < 0 ||
	    link_into(grp, addr, dev, err) < 0 ||
	    mklink(p1, d1, err) < 0 || mklink(p2, d2, err) < 0)
		return -1;
	return 0;
}

/* --------------------------------------------------------- USB part */

/*
 * One USB device: dir/parent/busid with its attributes, its interface
 * busid:1.0 (root hubs: N-0:1.0), and bus/usb/devices links to both.
 */
static int
make_usb_dev(const char *dir, const char *parent, const char *busid,
    const char *ifname, const struct usbinfo *u, struct ur_err *err)
{
	char rel[PATHLEN], ddir[PATHLEN], irel[PATHLEN], idir[PATHLEN];

	if (ur_file_path(rel, sizeof(rel), "%s/%s", parent, busid) < 0 ||
	    ur_file_path(ddir, sizeof(ddir), "%s/%s", dir, rel) < 0 ||
	    ur_file_path(irel, sizeof(irel), "%s/%s", rel, ifname) < 0)
		return ur_errf(err, "path too long: %s/%s", dir, parent);
	if (mkdir(ddir, 0755) < 0 && errno != EEXIST)
		return ur_errf(err, "cannot create directory %s: %s", ddir,
		    strerror(errno));
	if (putf(ddir, "idVendor", err, "%04x\n", u->vid) < 0 ||
	    putf(ddir, "idProduct", err, "%04x\n", u->pid) < 0 ||
	    putf(ddir, "speed", err, "%s\n", u->speed) < 0 ||
	    putf(ddir, "busnum", err, "%d\n", u->busnum) < 0 ||
	    putf(ddir, "devnum", err, "%d\n", u->devnum) < 0 ||
	    putf(ddir, "devpath", err, "%s\n", u->devpath) < 0 ||
	    putf(ddir, "maxchild", err, "%d\n", u->maxchild) < 0 ||
	    putf(ddir, "bDeviceClass", err, "%s\n", u->hub ? "09" : "00") < 0)
		return -1;
	if (u->product != NULL &&
	    putf(ddir, "product", err, "%s\n", u->product) < 0)
		return -1;
	if (u->serial != NULL &&
	    putf(ddir, "serial", err, "%s\n", u->serial) < 0)
		return -1;
	if (u->ss_port != 0 && putf(ddir, SIM_CONNECTOR, err, "%d %d\n",
	    u->conn_bit, u->ss_port) < 0)
		return -1;
	if (mkdir_in(ddir, ifname, idir, sizeof(idir), err) < 0 ||
	    putf(idir, "bInterfaceNumber", err, "00\n") < 0 ||
	    putf(idir, "bInterfaceClass", err, "%s\n",
	    u->hub ? "09" : "ff") < 0)
		return -1;
	if (link_in(dir, USB_LINKS, busid, rel, err) < 0 ||
	    link_in(dir, USB_LINKS, ifname, irel, err) < 0)
		return -1;
	return 0;
}

/* Port directories of a hub live under its interface: "2-1:1.0/2-1-port3". */
static int
make_ports(const char *dir, const char *parent, const char *busid,
    const char *ifname, int nports, struct ur_err *err)
{
	char idir[PATHLEN], name[64], pdir[PATHLEN];
	int k;

	if (ur_file_path(idir, sizeof(idir), "%s/%s/%s/%s", dir, parent, busid,
	    ifname) < 0)
		return ur_errf(err, "path too long: %s/%s", dir, parent);
	for (k = 1; k <= nports; k++) {
		if (ur_file_path(name, sizeof(name), "%s-port%d", busid, k) < 0)
			return ur_errf(err, "port name too long: %s", busid);
		if (mkdir_in(idir, name, pdir, sizeof(pdir), err) < 0)
			return -1;
	}
	return 0;
}

static int
make_root_hub(const char *dir, const char *addr, int bus, int usb3,
    const char *product, int nports, struct ur_err *err)
{
	char parent[PATHLEN], busid[32], ifname[32];
	struct usbinfo u = {
		.vid = 0x1d6b,
		.pid = usb3 ? 0x0003 : 0x0002,
		.speed = usb3 ? "5000" : "480",
		.product = product,
		.busnum = bus,
		.devnum = 1,
		.devpath = "0",
		.maxchild = nports,
		.hub = 1,
	};

	if (ur_file_path(parent, sizeof(parent), "%s/%s", PCI_ROOT, addr) < 0 ||
	    ur_file_path(busid, sizeof(busid), "usb%d", bus) < 0 ||
	    ur_file_path(ifname, sizeof(ifname), "%d-0:1.0", bus) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (make_usb_dev(dir, parent, busid, ifname, &u, err) < 0)
		return -1;
	return make_ports(dir, parent, busid, ifname, nports, err);
}

/* The EHCI's rate-matching hub: what the physical ports hang off. */
static uint16_t
rmh_pid(uint16_t ehci_id, int which)
{
	/* Panther Point's hubs are 8087:0024; later PCHs tell them apart. */
	if (ehci_id == 0x1e26 || ehci_id == 0x1e2d)
		return 0x0024;
	return which == 1 ? 0x8000 : 0x8008;
}

static int
make_rmh(const char *dir, const char *addr, int bus, uint16_t pid,
    int nports, struct ur_err *err)
{
	char parent[PATHLEN], busid[32], ifname[32];
	struct usbinfo u = {
		.vid = 0x8087,
		.pid = pid,
		.speed = "480",
		.product = NULL,
		.busnum = bus,
		.devnum = 2,
		.devpath = "1",
		.maxchild = nports,
		.hub = 1,
	};

	if (ur_file_path(parent, sizeof(parent), "%s/%s/usb%d", PCI_ROOT, addr,
	    bus) < 0 ||
	    ur_file_path(busid, sizeof(busid), "%d-1", bus) < 0 ||
	    ur_file_path(ifname, sizeof(ifname), "%d-1:1.0", bus) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (make_usb_dev(dir, parent, busid, ifname, &u, err) < 0)
		return -1;
	return make_ports(dir, parent, busid, ifname, nports, err);
}

static int
make_ehci_bus(const char *dir, const char *addr, int which,
    const struct ur_dump_dev *d, int bus, struct ur_err *err)
{
	if (make_root_hub(dir, addr, bus, 0, "EHCI Host Controller",
	    ROOT_EHCI_PORTS, err) < 0)
		return -1;
	return make_rmh(dir, addr, bus, rmh_pid(cfg16(d->cfg, 0x02), which),
	    which == 1 ? RMH1_PORTS : RMH2_PORTS, err);
}

/* The xHCI USB2 root hub has one port per XUSB2PR bit the part has. */
static int
xhci_usb2_ports(const struct ur_chipset *cs)
{
	int n = UR_MAX_PORTS;

	while (n > 0 && !(cs->port_mask & (1u << (n - 1))))
		n--;
	return n;
}

/* dir must be new, or an empty directory (not a link to one). */
static int
check_target(const char *dir, struct ur_err *err)
{
	struct dirent *ent;
	struct stat st;
	DIR *d;
	int empty = 1;

	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT)
			return ur_errf(err, "cannot use %s: %s", dir,
			    strerror(errno));
		if (mkdir(dir, 0755) < 0)
			return ur_errf(err, "cannot create directory %s: %s",
			    dir, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return ur_errf(err, "%s exists and is not a directory; give a "
		    "new or empty directory for the simulation", dir);
	if ((d = opendir(dir)) == NULL)
		return ur_errf(err, "cannot open %s: %s", dir,
		    strerror(errno));
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") != 0 &&
		    strcmp(ent->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	if (!empty)
		return ur_errf(err, "%s is not empty; give a new or empty "
		    "directory for the simulation", dir);
	return 0;
}

static const struct ur_chipset *
dump_chipset(const struct ur_dump *dump, struct ur_err *err)
{
	const struct ur_chipset *cs;
	uint16_t vendor, device;

	if (!dump->xhci.found || dump->xhci.len < 256) {
		ur_errf(err, "no full config space of the xHCI controller "
		    "00:14.0 to simulate; capture with "
		    "`sudo lspci -xxx -s 00:14.0`");
		return NULL;
	}
	vendor = cfg16(dump->xhci.cfg, 0x00);
	device = cfg16(dump->xhci.cfg, 0x02);
	if ((cs = ur_chipset_by_id(vendor, device)) == NULL)
		ur_errf(err, "00:14.0 is %04x:%04x, not an Intel PCH xHCI "
		    "this tool knows (%s)", vendor, device,
		    ur_chipset_keys());
	return cs;
}

int
ur_sim_create(const char *dir, const struct ur_dump *dump,
    struct ur_err *err)
{
	const struct ur_chipset *cs;
	char path[PATHLEN];
	int bus = 1;

	if ((cs = dump_chipset(dump, err)) == NULL)
		return -1;
	if (check_target(dir, err) < 0)
		return -1;
	if (ur_file_path(path, sizeof(path), "%s/%s", dir, PCI_ROOT) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (ur_file_mkdirs(path, 0755, err) < 0)
		return -1;
	if (ur_file_path(path, sizeof(path), "%s/%s", dir, PCI_LINKS) < 0 ||
	    ur_file_mkdirs(path, 0755, err) < 0)
		return -1;
	if (ur_file_path(path, sizeof(path), "%s/%s", dir, USB_LINKS) < 0 ||
	    ur_file_mkdirs(path, 0755, err) < 0)
		return -1;

	if (make_pci_dev(dir, UR_ADDR_XHCI, &dump->xhci, err) < 0 ||
	    make_kernel_links(dir, UR_ADDR_XHCI, "xhci_hcd", 4, err) < 0)
		return -1;
	if (dump->ehci1.found &&
	    (make_pci_dev(dir, UR_ADDR_EHCI1, &dump->ehci1, err) < 0 ||
	    make_kernel_links(dir, UR_ADDR_EHCI1, "ehci-pci", 6, err) < 0))
		return -1;
	if (dump->ehci2.found &&
	    (make_pci_dev(dir, UR_ADDR_EHCI2, &dump->ehci2, err) < 0 ||
	    make_kernel_links(dir, UR_ADDR_EHCI2, "ehci-pci", 5, err) < 0))
		return -1;

	/* Bus numbers in the order Linux registers them: EHCIs load first. */
	if (dump->ehci2.found &&
	    make_ehci_bus(dir, UR_ADDR_EHCI2, 2, &dump->ehci2, bus++, err) < 0)
		return -1;
	if (dump->ehci1.found &&
	    make_ehci_bus(dir, UR_ADDR_EHCI1, 1, &dump->ehci1, bus++, err) < 0)
		return -1;
	if (make_root_hub(dir, UR_ADDR_XHCI, bus++, 0, "xHCI Host Controller",
	    xhci_usb2_ports(cs), err) < 0)
		return -1;
	/* The SuperSpeed ports the fuses leave (E0[4:3] on Lynx Point-H:
	 * Intel's code sets MaxPorts from the same count). */
	if (make_root_hub(dir, UR_ADDR_XHCI, bus, 1, "xHCI Host Controller",
	    __builtin_popcount(ur_chipset_ss_ports(cs,
	    cfg32(dump->xhci.cfg, UR_REG_USB3FUS))), err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------- plug */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

/* busid "3-4" itself, its interfaces "3-4:1.0" and what is behind it
 * "3-4.1", "3-4.1:1.0": the names in bus/usb/devices an unplug takes. */
static int
is_under(const char *name, const char *busid)
{
	size_t n = strlen(busid);

	return strncmp(name, busid, n) == 0 &&
	    (name[n] == '\0' || name[n] == '.' || name[n] == ':');
}

/* Takes away a plugged device: its directory (with whatever hangs off
 * it, when it is a hub) and the links to all of that. */
static int
unplug(const char *dir, const char *parent, const char *busid,
    struct ur_err *err)
{
	char path[PATHLEN], links[PATHLEN];
	struct dirent *ent;
	struct stat st;
	DIR *d;

	if (ur_file_path(path, sizeof(path), "%s/%s/%s", dir, parent, busid) < 0 ||
	    ur_file_path(links, sizeof(links), "%s/%s", dir, USB_LINKS) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (lstat(path, &st) == 0 &&
	    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return ur_errf(err, "cannot remove %s: %s", path,
		    strerror(errno));
	if ((d = opendir(links)) == NULL)
		return ur_errf(err, "cannot read %s: %s", links,
		    strerror(errno));
	while ((ent = readdir(d)) != NULL) {
		if (!is_under(ent->d_name, busid))
			continue;
		if (ur_file_path(path, sizeof(path), "%s/%s", links,
		    ent->d_name) < 0 || (unlink(path) < 0 && errno != ENOENT)) {
			closedir(d);
			return ur_errf(err, "cannot remove %s: %s", path,
			    strerror(errno));
		}
	}
	closedir(d);
	return 0;
}

static int
read_config(const char *dir, uint8_t *cfg, struct ur_err *err)
{
	char path[PATHLEN];
	size_t got = 0;
	ssize_t n;
	int fd, e;

	if (ur_file_path(path, sizeof(path), "%s/%s/%s/config", dir, PCI_ROOT,
	    UR_ADDR_XHCI) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ur_errf(err, "%s is not a simulated chipset: cannot "
		    "open %s: %s", dir, path, strerror(errno));
	while (got < 256) {
		n = read(fd, cfg + got, 256 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	e = errno;
	close(fd);
	if (got < 256)
		return ur_errf(err, "cannot read 256 bytes of %s: %s", path,
		    n < 0 ? strerror(e) : "file too short");
	return 0;
}

/* A device on physical port `bit`, where the kernel would show it. */
struct spot {
	int side_ehci;
	char parent[PATHLEN];	/* relative to dir */
	char busid[32];
	char devpath[16];
	int bus;
};

static int
spot_ehci(const char *dir, int which, int port, struct spot *s)
{
	const char *addr = which == 1 ? UR_ADDR_EHCI1 : UR_ADDR_EHCI2;

	s->side_ehci = 1;
	if ((s->bus = ur_usb_bus_of(dir, addr, 480)) < 0)
		return -1;
	if (ur_file_path(s->parent, sizeof(s->parent), "%s/%s/usb%d/%d-1",
	    PCI_ROOT, addr, s->bus, s->bus) < 0 ||
	    ur_file_path(s->busid, sizeof(s->busid), "%d-1.%d", s->bus, port) < 0 ||
	    ur_file_path(s->devpath, sizeof(s->devpath), "1.%d", port) < 0)
		return -1;
	return 0;
}

/* Root port n of the xHCI's root hub at speed mbps (480: its USB2 hub,
 * 5000: its USB3 hub). */
static int
spot_xhci_root(const char *dir, int mbps, int n, struct spot *s)
{
	s->side_ehci = 0;
	if ((s->bus = ur_usb_bus_of(dir, UR_ADDR_XHCI, mbps)) < 0)
		return -1;
	if (ur_file_path(s->parent, sizeof(s->parent), "%s/%s/usb%d",
	    PCI_ROOT, UR_ADDR_XHCI, s->bus) < 0 ||
	    ur_file_path(s->busid, sizeof(s->busid), "%d-%d", s->bus, n) < 0 ||
	    ur_file_path(s->devpath, sizeof(s->devpath), "%d", n) < 0)
		return -1;
	return 0;
}

static int
spot_xhci(const char *dir, int bit, struct spot *s)
{
	return spot_xhci_root(dir, 480, bit + 1, s);
}

/* USB3 root port ss of the xHCI. */
static int
spot_ss(const char *dir, int ss, struct spot *s)
{
	return spot_xhci_root(dir, 5000, ss, s);
}

/* The connector of the device at busid: 1 with *bit and *ss when it is
 * a SuperSpeed device, 0 when it is not (or is not there). */
static int
read_connector(const char *dir, const char *busid, int *bit, int *ss)
{
	char path[PATHLEN], buf[32];

	if (ur_file_path(path, sizeof(path), "%s/%s/%s/%s", dir, USB_LINKS, busid,
	    SIM_CONNECTOR) < 0 || ur_file_read_attr(path, buf, sizeof(buf)) <= 0)
		return 0;
	return sscanf(buf, "%d %d", bit, ss) == 2 && *ss >= 1 &&
	    *ss <= UR_MAX_SS_PORTS ? 1 : 0;
}

/* Takes away the SuperSpeed device whose connector is port bit, from
 * whichever USB3 port it is on; *removed is set when there was one. */
static int
unplug_ss(const char *dir, int bit, int *removed, struct ur_err *err)
{
	struct spot s;
	int ss, cbit, css;

	for (ss = 1; ss <= UR_MAX_SS_PORTS; ss++) {
		if (spot_ss(dir, ss, &s) < 0)
			return 0;
		if (read_connector(dir, s.busid, &cbit, &css) != 1 ||
		    cbit != bit)
			continue;
		if (unplug(dir, s.parent, s.busid, err) < 0)
			return -1;
		*removed = 1;
	}
	return 0;
}

/*
 * The kernel gives each new device the next free address on its bus, so
 * a device plugged in again gets a new devnum: that is how a watcher
 * tells a re-plug from nothing happening.  The simulation keeps one
 * counter (a file of its own, not a kernel file) for all its buses.
 */
#define SIM_DEVNUM_FILE	".sim-next-devnum"
#define DEVNUM_FIRST	4	/* after root hubs (1) and hubs (2) */
#define DEVNUM_LAST	127

static int
next_devnum(const char *dir, struct ur_err *err)
{
	char path[PATHLEN], buf[16];
	long n = DEVNUM_FIRST;
	char *end;

	if (ur_file_path(path, sizeof(path), "%s/%s", dir, SIM_DEVNUM_FILE) < 0)
		return ur_errf(err, "path too long: %s", dir);
	if (ur_file_read_attr(path, buf, sizeof(buf)) > 0) {
		n = strtol(buf, &end, 10);
		if (*end != '\0' || n < DEVNUM_FIRST || n > DEVNUM_LAST)
			n = DEVNUM_FIRST;
	}
	if (putf(dir, SIM_DEVNUM_FILE, err, "%ld\n",
	    n == DEVNUM_LAST ? DEVNUM_FIRST : n + 1) < 0)
		return -1;
	return (int)n;
}

/* Writing into a real /sys would only fail, but say why up front. */
static int
check_sim(const char *dir, struct ur_err *err)
{
	struct statfs sfs;

	if (statfs(dir, &sfs) < 0)
		return ur_errf(err, "cannot use simulation %s: %s", dir,
		    strerror(errno));
	if (sfs.f_type == SYSFS_MAGIC)
		return ur_errf(err, "%s is the real sysfs, not a simulation; "
		    "plug devices in by hand", dir);
	return 0;
}

/* A simulation's xHCI config space (cfg, 256 bytes) and the chipset it
 * names, for the commands that play the person and the kernel. */
static int
open_sim(const char *dir, uint8_t *cfg, const struct ur_chipset **cs,
    struct ur_err *err)
{
	if (check_sim(dir, err) < 0 || read_config(dir, cfg, err) < 0)
		return -1;
	*cs = ur_chipset_by_id(cfg16(cfg, 0x00), cfg16(cfg, 0x02));
	if (*cs == NULL)
		return ur_errf(err, "%s: 00:14.0 is %04x:%04x, not a PCH xHCI "
		    "this tool knows", dir, cfg16(cfg, 0x00),
		    cfg16(cfg, 0x02));
	return 0;
}

/* Plugs a device (a hub when hub is set) into port bit; *where says
 * where it went. */
static int
plug(const char *dir, int bit, const struct usbinfo *what,
    struct spot *where, struct ur_err *err)
{
	const struct ur_chipset *cs;
	struct spot ehci, xhci, *at;
	struct usbinfo u;
	uint8_t cfg[256];
	uint32_t xusb2pr;
	int which, port, on_xhci, devnum, gone = 0;
	unsigned ss;
	char name[32], ifname[48];

	if (open_sim(dir, cfg, &cs, err) < 0)
		return -1;
	which = ur_chipset_port_ehci(cs, bit, &port);
	if (bit < 0 || bit >= UR_MAX_PORTS ||
	    (!(cs->port_mask & (1u << bit)) && which == 0))
		return ur_errf(err, "bit %d is not a USB2 port of the %s; its "
		    "ports are the bits of 0x%04x", bit, cs->name,
		    cs->port_mask);
	ss = ur_chipset_ss_ports(cs, cfg32(cfg, UR_REG_USB3FUS));
	if (what->ss_port > 0 && !(ss & (1u << (what->ss_port - 1))))
		return ur_errf(err, "USB3 port %d: this %s has %d SuperSpeed "
		    "port%s (USB3PRM 0x%02x: its fuses say so)", what->ss_port,
		    cs->name, __builtin_popcount(ss),
		    __builtin_popcount(ss) == 1 ? "" : "s", ss);
	ur_chipset_port_name(cs, bit, name, sizeof(name));

	/* A physical port holds one device: take away whatever was there. */
	memset(&ehci, 0, sizeof(ehci));
	memset(&xhci, 0, sizeof(xhci));
	if (which != 0 && spot_ehci(dir, which, port, &ehci) == 0 &&
	    unplug(dir, ehci.parent, ehci.busid, err) < 0)
		return -1;
	if (spot_xhci(dir, bit, &xhci) == 0 &&
	    unplug(dir, xhci.parent, xhci.busid, err) < 0)
		return -1;
	if (unplug_ss(dir, bit, &gone, err) < 0)
		return -1;
	u = *what;
	u.conn_bit = bit;

	/* A SuperSpeed device with its port's termination on enumerates on
	 * the USB3 root hub, whatever the USB2 wire's routing. */
	if (u.ss_port != 0 &&
	    (cfg32(cfg, UR_REG_PSSEN) & (1u << (u.ss_port - 1))) &&
	    spot_ss(dir, u.ss_port, &xhci) == 0) {
		u.speed = "5000";
		at = &xhci;
		goto make;
	}

	/*
	 * A port with no EHCI wire (xHCI-only, USBr) enumerates on the xHCI
	 * whatever its bit says; an EHCI-only port (7-series ports 5-8)
	 * has no bit and stays on the EHCI.
	 */
	xusb2pr = cfg32(cfg, UR_REG_XUSB2PR);
	on_xhci = which == 0 ||
	    ((cs->port_mask & (1u << bit)) && (xusb2pr & (1u << bit)));
	at = on_xhci ? &xhci : &ehci;
	if (at->bus <= 0)
		return ur_errf(err, "port %s is routed to the %s now, but the "
		    "simulation %s has no USB 2.0 bus for it", name,
		    on_xhci ? "xHCI" : which == 1 ? "EHCI #1 (00:1d.0)" :
		    "EHCI #2 (00:1a.0)", dir);
	if (u.ss_port != 0)
		u.speed = "480";	/* a SuperSpeed device on USB 2.0 */
make:
	if (ur_file_path(ifname, sizeof(ifname), "%s:1.0", at->busid) < 0)
		return ur_errf(err, "path too long: %s", at->busid);
	if ((devnum = next_devnum(dir, err)) < 0)
		return -1;

	u.busnum = at->bus;
	u.devnum = devnum;
	u.devpath = at->devpath;
	*where = *at;
	if (make_usb_dev(dir, at->parent, at->busid, ifname, &u, err) < 0)
		return -1;
	return u.hub ? make_ports(dir, at->parent, at->busid, ifname,
	    u.maxchild, err) : 0;
}

int
ur_sim_plug(const char *dir, int bit, uint16_t vid, uint16_t pid,
    const char *product, struct ur_err *err)
{
	struct usbinfo u;
	struct spot at;

	memset(&u, 0, sizeof(u));
	u.vid = vid;
	u.pid = pid;
	u.speed = "12";
	u.product = product;
	return plug(dir, bit, &u, &at, err);
}

int
ur_sim_plug_ss(const char *dir, int bit, int ss, uint16_t vid,
    uint16_t pid, const char *product, struct ur_err *err)
{
	struct usbinfo u;
	struct spot at;

	if (ss < 1 || ss > UR_MAX_SS_PORTS)
		return ur_errf(err, "USB3 port %d: they are 1 to %d", ss,
		    UR_MAX_SS_PORTS);
	memset(&u, 0, sizeof(u));
	u.vid = vid;
	u.pid = pid;
	u.speed = "5000";
	u.product = product;
	u.ss_port = ss;
	return plug(dir, bit, &u, &at, err);
}

/* A four-port USB 2.0 hub, as the cheap ones are. */
#define SIM_HUB_VID	0x05e3
#define SIM_HUB_PID	0x0608
#define SIM_HUB_PORTS	4

int
ur_sim_plug_behind_hub(const char *dir, int bit, uint16_t vid,
    uint16_t pid, const char *product, struct ur_err *err)
{
	struct usbinfo u;
	struct spot hub;
	char parent[PATHLEN], busid[40], ifname[48], devpath[24];
	int devnum;

	memset(&u, 0, sizeof(u));
	u.vid = SIM_HUB_VID;
	u.pid = SIM_HUB_PID;
	u.speed = "480";
	u.product = "USB2.0 Hub";
	u.maxchild = SIM_HUB_PORTS;
	u.hub = 1;
	if (plug(dir, bit, &u, &hub, err) < 0)
		return -1;
	if (ur_file_path(parent, sizeof(parent), "%s/%s", hub.parent,
	    hub.busid) < 0 ||
	    ur_file_path(busid, sizeof(busid), "%s.1", hub.busid) < 0 ||
	    ur_file_path(ifname, sizeof(ifname), "%s:1.0", busid) < 0 ||
	    ur_file_path(devpath, sizeof(devpath), "%s.1", hub.devpath) < 0)
		return ur_errf(err, "path too long: %s", hub.busid);
	if ((devnum = next_devnum(dir, err)) < 0)
		return -1;
	memset(&u, 0, sizeof(u));
	u.vid = vid;
	u.pid = pid;
	u.speed = "12";
	u.product = product;
	u.busnum = hub.bus;
	u.devnum = devnum;
	u.devpath = devpath;
	return make_usb_dev(dir, parent, busid, ifname, &u, err);
}

int
ur_sim_unplug(const char *dir, int bit, int *removed, struct ur_err *err)
{
	const struct ur_chipset *cs;
	struct ur_usbdev dev;
	struct spot ehci, xhci;
	uint8_t cfg[256];
	int which, port;

	*removed = 0;
	if (open_sim(dir, cfg, &cs, err) < 0)
		return -1;
	if (bit < 0 || bit >= UR_MAX_PORTS)
		return ur_errf(err, "bit %d is not a USB2 port", bit);
	if (ur_usb_port_device(dir, cs, bit, &dev) < 0)
		return ur_errf(err, "%s: the device on bit %d looks broken",
		    dir, bit);
	*removed = dev.present;
	memset(&ehci, 0, sizeof(ehci));
	memset(&xhci, 0, sizeof(xhci));
	which = ur_chipset_port_ehci(cs, bit, &port);
	if (which != 0 && spot_ehci(dir, which, port, &ehci) == 0 &&
	    unplug(dir, ehci.parent, ehci.busid, err) < 0)
		return -1;
	if (spot_xhci(dir, bit, &xhci) == 0 &&
	    unplug(dir, xhci.parent, xhci.busid, err) < 0)
		return -1;
	return unplug_ss(dir, bit, removed, err);
}

/* The device on our hub's port 1, when dev is that hub and has one. */
static int
behind(const char *dir, const struct ur_usbdev *dev, struct ur_usbdev *child)
{
	char busid[40];

	if (dev->vid != SIM_HUB_VID || dev->pid != SIM_HUB_PID ||
	    ur_file_path(busid, sizeof(busid), "%s.1", dev->busid) < 0)
		return 0;
	return ur_usb_read_device(dir, busid, dev->side, child) == 1;
}

/* Plugs dev (as found at busid) again into its connector, which puts
 * it where the routing and the terminations say now, with its serial
 * and what was behind it when it is our hub: the kernel enumerates a
 * hub's devices again with it. */
static int
replug(const char *dir, int bit, const struct ur_usbdev *dev, int ss,
    struct ur_err *err)
{
	struct ur_usbdev child;
	struct usbinfo u;
	struct spot at;

	if (ss == 0 && behind(dir, dev, &child)) {
		if (ur_sim_plug_behind_hub(dir, bit, child.vid, child.pid,
		    child.product, err) < 0)
			return -1;
		return child.serial[0] == '\0' ? 0 :
		    ur_sim_set_serial(dir, bit, child.serial, err);
	}
	memset(&u, 0, sizeof(u));
	u.vid = dev->vid;
	u.pid = dev->pid;
	u.speed = "12";
	u.product = dev->product;
	u.serial = dev->serial[0] != '\0' ? dev->serial : NULL;
	u.ss_port = ss;
	return plug(dir, bit, &u, &at, err);
}

int
ur_sim_set_serial(const char *dir, int bit, const char *serial,
    struct ur_err *err)
{
	const struct ur_chipset *cs;
	struct ur_usbdev dev, child;
	char ddir[PATHLEN];
	uint8_t cfg[256];

	if (open_sim(dir, cfg, &cs, err) < 0)
		return -1;
	if (ur_usb_port_device(dir, cs, bit, &dev) < 0 || !dev.present)
		return ur_errf(err, "%s: nothing is plugged into bit %d", dir,
		    bit);
	if (behind(dir, &dev, &child))
		dev = child;
	if (ur_file_path(ddir, sizeof(ddir), "%s/%s/%s", dir, USB_LINKS,
	    dev.busid) < 0)
		return ur_errf(err, "path too long: %s", dir);
	return putf(ddir, "serial", err, "%s\n", serial);
}

/* Whether a USB2-side device at bit is where the registers say. */
static int
usb2_in_place(const struct ur_chipset *cs, const uint8_t *cfg, int bit,
    const struct ur_usbdev *dev, int ss)
{
	int port, which = ur_chipset_port_ehci(cs, bit, &port);
	int on_xhci = which == 0 || ((cs->port_mask & (1u << bit)) &&
	    (cfg32(cfg, UR_REG_XUSB2PR) & (1u << bit)));

	if (ss != 0 && (cfg32(cfg, UR_REG_PSSEN) & (1u << (ss - 1))))
		return 0;		/* its termination is on: to USB3 */
	return (dev->side == UR_SIDE_XHCI) == on_xhci;
}

int
ur_sim_sync(const char *dir, int *moved, struct ur_err *err)
{
	const struct ur_chipset *cs;
	struct ur_usbdev dev;
	struct spot s;
	uint8_t cfg[256];
	int bit, ss, cbit, k;

	*moved = 0;
	if (open_sim(dir, cfg, &cs, err) < 0)
		return -1;
	/* Only what has to move re-enumerates, as with the kernel. */
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (ur_usb_port_device(dir, cs, bit, &dev) < 0 || !dev.present)
			continue;
		if (read_connector(dir, dev.busid, &cbit, &ss) != 1)
			ss = 0;
		if (usb2_in_place(cs, cfg, bit, &dev, ss))
			continue;
		if (replug(dir, bit, &dev, ss, err) < 0)
			return -1;
		(*moved)++;
	}
	/* SuperSpeed devices whose termination went off: to USB 2.0. */
	for (k = 1; k <= cs->ss_ports; k++) {
		if (spot_ss(dir, k, &s) < 0)
			break;
		if (ur_usb_read_device(dir, s.busid, UR_SIDE_XHCI, &dev) != 1 ||
		    read_connector(dir, s.busid, &cbit, &ss) != 1 ||
		    (cfg32(cfg, UR_REG_PSSEN) & (1u << (ss - 1))))
			continue;
		if (replug(dir, cbit, &dev, ss, err) < 0)
			return -1;
		(*moved)++;
	}
	return 0;
}
