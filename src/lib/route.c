/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "ports.h"
#include "route.h"

int
ur_route_pairs(const struct ur_conf *conf, const struct ur_chipset *cs,
    uint8_t ss_present, struct ur_pairs *pairs, struct ur_err *err)
{
	const struct ur_conf_pair *p;
	uint16_t mask;
	int i, bit;

	memset(pairs->ss, -1, sizeof(pairs->ss));
	for (i = 0; i < conf->npairs; i++) {
		p = &conf->pairs[i];
		if (ur_ports_parse(p->word, cs, NULL, cs->port_mask,
		    cs->port_mask, &mask, err) < 0)
			return ur_err_prefix(err, "%s line %d", conf->path,
			    p->line);
		if (mask & (mask - 1))
			return ur_errf(err, "%s line %d: ss-pair names one "
			    "USB2 port, not '%s'", conf->path, p->line, p->word);
		if (p->ss_port > cs->ss_ports)
			return ur_errf(err, "%s line %d: %s has USB3 ports 1-%d, "
			    "not %d", conf->path, p->line, cs->name,
			    cs->ss_ports, p->ss_port);
		if (!(ss_present & (1u << (p->ss_port - 1))))
			return ur_errf(err, "%s line %d: USB3 port %d is fused "
			    "off on this part (it has %d SuperSpeed ports, "
			    "mask 0x%02x from USB3FUS); pair %s with one of "
			    "those", conf->path, p->line, p->ss_port,
			    __builtin_popcount(ss_present), ss_present,
			    p->word);
		for (bit = 0; !(mask & (1u << bit)); bit++)
			;
		pairs->ss[bit] = (int8_t)(p->ss_port - 1);
	}
	return 0;
}

uint32_t
ur_route_pairs_ss(const struct ur_pairs *pairs, uint16_t usb2)
{
	uint32_t ss = 0;
	int bit;

	if (pairs == NULL)
		return 0;
	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if ((usb2 & (1u << bit)) && pairs->ss[bit] >= 0)
			ss |= 1u << pairs->ss[bit];
	return ss;
}

int
ur_route_plan(const struct ur_regs *cur, const struct ur_chipset *cs,
    const struct ur_pairs *pairs, uint16_t change, uint16_t want,
    struct ur_route_plan *plan, struct ur_err *err)
{
	uint32_t allowed = cur->usb2prm & UR_XUSB2PR_FIELD & cs->port_mask;
	uint32_t ss_on, ss_off, pssen, xusb2pr;
	char name[16];
	int bit;

	memset(plan, 0, sizeof(*plan));
	want &= change;
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		uint32_t b = 1u << bit;

		if (!(change & b) || (allowed & b))
			continue;
		if ((cur->xusb2pr & b) == (want & b))
			continue;	/* already there: nothing to write */
		ur_chipset_port_name(cs, bit, name, sizeof(name));
		return ur_errf(err, "port %s cannot be moved to the %s: the "
		    "firmware does not allow switching it (USB2PRM 0x%04x)",
		    name, (want & b) ? "xHCI" : "EHCI", cur->usb2prm);
	}
	change &= (uint16_t)allowed;
	want &= change;

	/* Every paired termination follows its wire's side, moved or not. */
	ss_on = ur_route_pairs_ss(pairs, want) & cur->usb3prm & UR_PSSEN_FIELD;
	ss_off = ur_route_pairs_ss(pairs, (uint16_t)(change & ~want)) &
	    cur->usb3prm & UR_PSSEN_FIELD;

	/* Both termination changes go before the wires move (route.h says
	 * whose order that is and why). */
	pssen = (cur->pssen & ~ss_off) | ss_on;
	if (pssen != cur->pssen) {
		plan->step[plan->nsteps].reg = UR_REG_PSSEN;
		plan->step[plan->nsteps++].value = pssen;
	}
	xusb2pr = (cur->xusb2pr & ~(uint32_t)change) | want;
	if (xusb2pr != cur->xusb2pr) {
		plan->step[plan->nsteps].reg = UR_REG_XUSB2PR;
		plan->step[plan->nsteps++].value = xusb2pr;
	}
	return 0;
}

/* Names the first routing bit that did not take. */
static int
not_taken(const struct ur_chipset *cs, int reg, uint32_t want, uint32_t got,
    struct ur_err *err)
{
	uint32_t diff = want ^ got;
	char name[16];
	int bit;

	for (bit = 0; bit < 32 && !(diff & (1u << bit)); bit++)
		;
	if (reg == UR_REG_XUSB2PR && bit < UR_MAX_PORTS) {
		ur_chipset_port_name(cs, bit, name, sizeof(name));
		return ur_errf(err, "port %s did not move to the %s: the "
		    "firmware blocks it (XUSB2PR wrote 0x%08x, read back "
		    "0x%08x); restored the previous routing", name,
		    (want >> bit) & 1 ? "xHCI" : "EHCI", want, got);
	}
	return ur_errf(err, "register 0x%02x did not take (wrote 0x%08x, read "
	    "back 0x%08x); restored the previous routing", reg, want, got);
}

int
ur_route_apply(struct ur_xhci *x, const struct ur_regs *cur,
    const struct ur_route_plan *plan, struct ur_err *err)
{
	const struct ur_chipset *cs = ur_xhci_chipset(x);
	struct ur_err ignored;
	uint32_t got;
	int i, j;

	for (i = 0; i < plan->nsteps; i++) {
		const struct ur_step *s = &plan->step[i];

		if (ur_xhci_write(x, s->reg, s->value, &got, err) == 0) {
			if (got == s->value)
				continue;
			not_taken(cs, s->reg, s->value, got, err);
		}
		/* Undo in reverse order what was written. */
		for (j = i; j >= 0; j--) {
			int reg = plan->step[j].reg;
			uint32_t old = reg == UR_REG_PSSEN ? cur->pssen :
			    cur->xusb2pr;

			(void)ur_xhci_write(x, reg, old, &got, &ignored);
		}
		return -1;
	}
	return 0;
}
