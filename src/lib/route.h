/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Moving USB2 wires: plan the register writes (pure), then write them in
 * order with read-back.
 *
 * Order.  Towards the xHCI, SuperSpeed terminations go on before the USB2
 * wires move, so a USB3 device connects at SuperSpeed: Linux
 * (pci-quirks.c usb_enable_intel_xhci_ports: USB3_PSSEN := USB3PRM, then
 * XUSB2PR := USB2PRM) and Intel (PchUsbCommon.c
 * PerformXhciEhciPortSwitchingFlow, PCH BIOS Spec 13.2.6 steps 2-3) agree.
 * Towards the EHCI they differ: Linux (usb_disable_xhci_ports) clears
 * PSSEN, then XUSB2PR; Intel (13.2.5 steps 2-3) resets the USB2 ports,
 * clears XUSB2PR, then warm-resets the USB3 ports and clears PSSEN.  We
 * keep PSSEN first in both directions, the kernel's order: we cannot
 * issue port resets from config space (they are xHCI MMIO, owned by the
 * driver), and with the termination off first a SuperSpeed device on a
 * leaving port drops off the xHCI instead of staying there after its
 * USB2 wire is gone. */
#ifndef UR_ROUTE_H
#define UR_ROUTE_H

#include <stdint.h>

#include "chipset.h"
#include "conf.h"
#include "err.h"
#include "xhci.h"

struct ur_pairs {
	int8_t ss[UR_MAX_PORTS];	/* USB3 port bit paired with USB2 bit, or -1 */
};

struct ur_step {
	int reg;		/* UR_REG_PSSEN or UR_REG_XUSB2PR */
	uint32_t value;
};

struct ur_route_plan {
	int nsteps;
	struct ur_step step[2];
};

/*
 * Plans XUSB2PR bits `change` to become `want` (1 = xHCI), and the PSSEN
 * bit of every ss-pair of those ports to match its USB2 port's side (on
 * with the xHCI, off with the EHCI), whether or not the wire moves: a
 * resume that set PSSEN := USB3PRM is repaired too.  Only bits in
 * change & USB2PRM & field (and paired PSSEN bits in USB3PRM) are
 * touched; every other bit of both registers is kept as read.  Fails, naming the port, if change holds a bit firmware
 * does not let us switch and want differs from the register there.
 */
int ur_route_plan(const struct ur_regs *cur, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, uint16_t change, uint16_t want,
    struct ur_route_plan *plan, struct ur_err *err);

/* Runs a plan; on a read-back mismatch, names the port that did not take
 * and puts back what was there before. */
int ur_route_apply(struct ur_xhci *x, const struct ur_regs *cur,
    const struct ur_route_plan *plan, struct ur_err *err);

/* Resolves the config's ss-pair lines for this chipset; ss_present is
 * the PSSEN bits the fuses leave (ur_chipset_ss_ports).  A pair naming a
 * SuperSpeed port the fuses remove is refused. */
int ur_route_pairs(const struct ur_conf *conf, const struct ur_chipset *cs,
    uint8_t ss_present, struct ur_pairs *pairs, struct ur_err *err);

/* The PSSEN bits paired with the USB2 ports in usb2 (0 without pairs). */
uint32_t ur_route_pairs_ss(const struct ur_pairs *pairs, uint16_t usb2);

#endif
