/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "machine.h"
#include "power.h"
#include "state.h"

/* Is the EHCI of ctrl (UR_CTRL_EHCI1/2) on the bus now?  Asked at every
 * check, not kept from the open (the daemon keeps its machine open for
 * days), and only for a controller a port is about to go to: a commit
 * that sends none there reads no sysfs file for it. */
static int
ehci_there(const struct ur_machine *m, unsigned ctrl)
{
	if (ctrl == UR_CTRL_EHCI1)
		return ur_xhci_ehci_present(m->conf->sysfs_root, UR_ADDR_EHCI1,
		    m->cs->ehci1_id);
	return ur_xhci_ehci_present(m->conf->sysfs_root, UR_ADDR_EHCI2,
	    m->cs->ehci2_id);
}

int
ur_machine_open(struct ur_machine *m, const struct ur_conf *conf,
    struct ur_err *err)
{
	memset(m, 0, sizeof(*m));
	m->conf = conf;
	m->lock.fd = -1;
	if (ur_xhci_open(conf->sysfs_root, &m->xhci, err) < 0)
		return -1;
	m->cs = ur_xhci_chipset(m->xhci);
	if (ur_xhci_read(m->xhci, &m->regs, err) < 0) {
		ur_machine_close(m);
		return -1;
	}
	/* USB2PRM decides what the OS may switch (Linux hands over exactly
	 * USB2PRM); the fuses say what Intel's code would have put there
	 * and are the cross-check doctor reports on. */
	m->fused = ur_chipset_ports(m->cs, m->regs.usb3fus);
	m->switchable = (uint16_t)(m->regs.usb2prm & m->cs->port_mask);
	m->present = (uint16_t)(m->fused | m->switchable);
	m->ss_present = ur_chipset_ss_ports(m->cs, m->regs.usb3fus);
	if (ur_route_pairs(conf, m->cs, m->ss_present, &m->pairs,
	    err) < 0) {
		ur_machine_close(m);
		return -1;
	}
	return 0;
}

int
ur_machine_check_ehci(const struct ur_machine *m, uint16_t ehci_side,
    struct ur_err *err)
{
	char name[16];
	unsigned ctrl, there = 0, asked = 0;
	int bit, which;

	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(ehci_side & (1u << bit)))
			continue;
		/* USBr and the xHCI-only bits have no EHCI port of ours
		 * to check; their bit is the firmware's business. */
		ctrl = ur_chipset_port_ehci_ctrl(m->cs, bit);
		if (ctrl == 0)
			continue;
		if (!(asked & ctrl) && ehci_there(m, ctrl))
			there |= ctrl;
		asked |= ctrl;
		if (there & ctrl)
			continue;
		ur_chipset_port_name(m->cs, bit, name, sizeof(name));
		which = ctrl == UR_CTRL_EHCI1 ? 1 : 2;
		return ur_errf(err, "port %s cannot go to the EHCI: EHCI #%d "
		    "(%s) is not on the PCI bus, so the port would be dead; "
		    "check the firmware's USB settings: the EHCI must be "
		    "enabled (xHCI mode 'Enabled' hides the EHCIs on some "
		    "boards, 'Auto' or 'Smart Auto' keeps them)", name,
		    which, which == 1 ? UR_ADDR_EHCI1 : UR_ADDR_EHCI2);
	}
	return 0;
}

int
ur_machine_refresh(struct ur_machine *m, struct ur_err *err)
{
	return ur_xhci_read(m->xhci, &m->regs, err);
}

void
ur_machine_close(struct ur_machine *m)
{
	ur_state_unlock(&m->lock);
	ur_xhci_close(m->xhci);
	m->xhci = NULL;
}

/* The state lock, on the kept file when m keeps it. */
static int
lock(struct ur_machine *m, struct ur_err *err)
{
	const struct ur_conf *c = m->conf;

	if (m->keep_lock)
		return ur_state_relock(c->state_dir, c->lock_timeout_ms,
		    &m->lock, err);
	return ur_state_lock(c->state_dir, c->lock_timeout_ms, &m->lock,
	    err);
}

static void
unlock(struct ur_machine *m)
{
	if (m->keep_lock)
		ur_state_unlock_keep(&m->lock);
	else
		ur_state_unlock(&m->lock);
}

int
ur_machine_table(struct ur_machine *m, struct ur_table *t,
    struct ur_err *err)
{
	int rc;

	if (lock(m, err) < 0)
		return -1;
	rc = ur_state_load(m->conf->state_dir, t, err);
	unlock(m);
	return rc;
}

uint16_t
ur_machine_drift(const struct ur_machine *m, const struct ur_table *t)
{
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);
	uint16_t drift = (uint16_t)((m->regs.xusb2pr ^ want) & m->switchable);
	uint32_t ss_mask = m->regs.usb3prm & UR_PSSEN_FIELD;
	int bit;

	/* A paired termination must follow its wire's side. */
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		uint16_t b = (uint16_t)(1u << bit);
		uint32_t ss = ur_route_pairs_ss(&m->pairs, b) & ss_mask;

		if (!(m->switchable & b) || ss == 0)
			continue;
		if ((want & b) ? (m->regs.pssen & ss) != ss :
		    (m->regs.pssen & ss) != 0)
			drift |= b;
	}
	return drift;
}

/*
 * The power/control value to put back goes to disk (STATE_DIR/pm-saved)
 * before "on" is written: kept only in the table, saved after "on", a
 * kill -9 in between lost it for good (issue 7: 17 of 100 kills).
 */
static int
record_pm(struct ur_machine *m, struct ur_table *t, struct ur_err *err)
{
	const struct ur_conf *c = m->conf;

	switch (ur_power_read(c->sysfs_root, t->pm_saved,
	    sizeof(t->pm_saved), err)) {
	case -1:
		return -1;
	case 0:
		return 0;
	}
	return ur_state_pm_record(c->state_dir, t->pm_saved, err);
}

/* Registers, then power/control, are made to match t; on failure both
 * are as they were.  `was` is what the table wanted before this commit's
 * edit: only ports newly sent to an EHCI (by the edit, or by a repair of a
 * port the register has on the xHCI) must find that EHCI on the bus; a
 * release or a repair elsewhere goes on beside a port already stranded. */
static int
realize(struct ur_machine *m, struct ur_table *t, uint16_t was,
    const char *old_pm, struct ur_err *err)
{
	const char *root = m->conf->sysfs_root;
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);
	uint16_t away = ur_table_away(t, m->cs, m->switchable);
	struct ur_route_plan plan;
	struct ur_err ignored;
	int held = 0, i;

	if (ur_machine_check_ehci(m, (uint16_t)(m->switchable & ~want &
	    (was | m->regs.xusb2pr)), err) < 0)
		return -1;
	if (ur_route_plan(&m->regs, m->cs, &m->pairs, m->switchable, want, &plan,
	    err) < 0)
		return -1;
	/* Runtime PM off before ports leave the xHCI: a suspend in between
	 * would have Linux put them back. */
	if (away != 0) {
		/* pm_saved may be freshly recorded (record_pm): held
		 * means "this commit began holding it". */
		held = old_pm[0] == '\0';
		if (held && record_pm(m, t, err) < 0)
			return -1;
		/* Every time: a power tool may have set it back to auto. */
		if (ur_power_hold(root, t->pm_saved, sizeof(t->pm_saved),
		    err) < 0)
			return -1;
	}
	if (ur_route_apply(m->xhci, &m->regs, &plan, err) < 0) {
		if (held && ur_power_release(root, t->pm_saved, &ignored) == 0)
			ur_state_pm_forget(m->conf->state_dir);
		return -1;
	}
	/* Every step was read back equal: that is what the registers hold. */
	for (i = 0; i < plan.nsteps; i++) {
		if (plan.step[i].reg == UR_REG_PSSEN)
			m->regs.pssen = plan.step[i].value;
		else
			m->regs.xusb2pr = plan.step[i].value;
	}
	/* The routing is home now; a power/control we cannot put back is
	 * reported, and the next commit tries again (pm_saved is kept). */
	if (away == 0 && t->pm_saved[0] != '\0') {
		if (ur_power_release(root, t->pm_saved, err) < 0)
			return -1;
		/* Before the table is saved: a crash in between leaves the
		 * value in the table, which is still true. */
		ur_state_pm_forget(m->conf->state_dir);
	}
	return 0;
}

/* After a failed save: the registers and power/control as they were
 * before this commit, so the table on disk stays the truth. */
static void
undo(struct ur_machine *m, const struct ur_regs *before,
    const char *old_pm, struct ur_table *t)
{
	const char *root = m->conf->sysfs_root;
	struct ur_err ignored;
	uint32_t got;

	(void)ur_xhci_write(m->xhci, UR_REG_XUSB2PR, before->xusb2pr, &got,
	    &ignored);
	(void)ur_xhci_write(m->xhci, UR_REG_PSSEN, before->pssen, &got,
	    &ignored);
	if (old_pm[0] == '\0')
		(void)ur_power_release(root, t->pm_saved, &ignored);
	else if (t->pm_saved[0] == '\0')
		(void)ur_power_hold(root, t->pm_saved, sizeof(t->pm_saved),
		    &ignored);
}

int
ur_machine_commit(struct ur_machine *m, ur_edit_fn edit, void *arg,
    struct ur_table *out, struct ur_err *err)
{
	struct ur_table t;
	struct ur_regs before;
	char old_pm[sizeof(t.pm_saved)];
	uint16_t was;
	int rc = -1, nothing;

	if (lock(m, err) < 0)
		return -1;
	if (ur_state_load(m->conf->state_dir, &t, err) < 0)
		goto out;
	/* Read under the lock: another usbroute may have just written. */
	if (ur_xhci_read(m->xhci, &m->regs, err) < 0)
		goto out;
	before = m->regs;
	m->before = m->regs;
	was = ur_table_compute(&t, m->cs, m->switchable);
	memcpy(old_pm, t.pm_saved, sizeof(old_pm));
	if (edit != NULL && (rc = edit(&t, m, arg, err)) != 0) {
		/* 1: nothing to do; the table and registers stay -- unless
		 * a claim killed after holding runtime PM left it held with
		 * no port away: then this commit puts it back. */
		if (rc > 0 && out != NULL)
			*out = t;
		if (rc < 0 || t.pm_saved[0] == '\0' ||
		    ur_table_away(&t, m->cs, m->switchable) != 0) {
			rc = rc > 0 ? 1 : -1;
			goto out;
		}
	}
	nothing = rc > 0;
	rc = -1;
	if (realize(m, &t, was, old_pm, err) < 0)
		goto out;
	if (ur_state_save(m->conf->state_dir, &t, err) < 0) {
		undo(m, &before, old_pm, &t);
		m->regs = before;
		goto out;
	}
	if (out != NULL)
		*out = t;
	rc = nothing ? 1 : 0;
out:
	unlock(m);
	return rc;
}

int
ur_machine_edit_claim(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	return ur_table_claim(t, arg, m->cs, err);
}

int
ur_machine_edit_release(struct ur_table *t, struct ur_machine *m, void *arg,
    struct ur_err *err)
{
	struct ur_release *r = arg;

	(void)m;
	(void)err;
	if (ur_table_find(t, r->id) == NULL) {
		r->ports = 0;
		return 1;
	}
	r->ports = ur_table_release(t, r->id);
	return 0;
}
