/* Moving USB2 wires: plan the register writes (pure), then write them in
 * order with read-back.  The order rules are from Intel's BIOS writer's
 * guide: SuperSpeed termination on before a wire moves to xHCI, off
 * before a wire moves to EHCI. */
#ifndef UR_ROUTE_H
#define UR_ROUTE_H

#include <stdint.h>

#include "chipset.h"
#include "conf.h"
#include "err.h"
#include "pci.h"

struct ur_pairs {
	int8_t ss[UR_MAX_PORTS];	/* USB3 port bit paired with USB2 bit, or -1 */
};

struct ur_step {
	int reg;		/* UR_REG_PSSEN or UR_REG_XUSB2PR */
	uint32_t value;
};

struct ur_plan {
	int nsteps;
	struct ur_step step[2];
};

/*
 * Plans XUSB2PR bits `change` to become `want` (1 = xHCI).  Only bits in
 * change & USB2PRM & field are touched; every other bit of both registers
 * is kept as read.  Fails, naming the port, if change holds a bit firmware
 * does not let us switch and want differs from the register there.
 */
int ur_plan(const struct ur_regs *cur, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, uint16_t change, uint16_t want,
    struct ur_plan *plan, struct ur_err *err);

/* Runs a plan; on a read-back mismatch, names the port that did not take
 * and puts back what was there before. */
int ur_apply(struct ur_xhci *x, const struct ur_regs *cur,
    const struct ur_plan *plan, struct ur_err *err);

/* Resolves the config's ss-pair lines for this chipset. */
int ur_pairs_resolve(const struct ur_conf *conf, const struct ur_chipset *cs,
    struct ur_pairs *pairs, struct ur_err *err);

#endif
