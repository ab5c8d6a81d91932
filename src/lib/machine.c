#include "config.h"

#include <string.h>

#include "machine.h"
#include "power.h"
#include "state.h"

int
ur_machine_open(struct ur_machine *m, const struct ur_conf *conf,
    struct ur_err *err)
{
	memset(m, 0, sizeof(*m));
	m->conf = conf;
	if (ur_xhci_open(conf->sysfs_root, &m->xhci, err) < 0)
		return -1;
	m->cs = ur_xhci_chipset(m->xhci);
	if (ur_xhci_read(m->xhci, &m->regs, err) < 0 ||
	    ur_pairs_resolve(conf, m->cs, &m->pairs, err) < 0) {
		ur_machine_close(m);
		return -1;
	}
	m->present = ur_chipset_ports(m->cs, m->regs.usb3fus);
	m->switchable = (uint16_t)(m->present & m->regs.usb2prm);
	return 0;
}

void
ur_machine_close(struct ur_machine *m)
{
	ur_xhci_close(m->xhci);
	m->xhci = NULL;
}

int
ur_machine_table(struct ur_machine *m, struct ur_table *t,
    struct ur_err *err)
{
	struct ur_lock lk;
	int rc;

	if (ur_state_lock(m->conf->state_dir, m->conf->lock_timeout_ms, &lk,
	    err) < 0)
		return -1;
	rc = ur_state_load(m->conf->state_dir, t, err);
	ur_state_unlock(&lk);
	return rc;
}

uint16_t
ur_machine_drift(const struct ur_machine *m, const struct ur_table *t)
{
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);

	return (uint16_t)((m->regs.xusb2pr ^ want) & m->switchable);
}

/* Registers, then power/control, are made to match t; on failure both
 * are as they were. */
static int
realize(struct ur_machine *m, struct ur_table *t, const char *old_pm,
    struct ur_err *err)
{
	const char *root = m->conf->sysfs_root;
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);
	uint16_t away = ur_table_away(t, m->cs, m->switchable);
	struct ur_plan plan;
	struct ur_err ignored;
	int held = 0, i;

	if (ur_plan(&m->regs, m->cs, &m->pairs, m->switchable, want, &plan,
	    err) < 0)
		return -1;
	/* Runtime PM off before ports leave the xHCI: a suspend in between
	 * would have Linux put them back. */
	if (away != 0) {
		/* pm_saved may be freshly recorded (record_pm): held
		 * means "this commit began holding it". */
		held = old_pm[0] == '\0';
		/* Every time: a power tool may have set it back to auto. */
		if (ur_power_hold(root, t->pm_saved, sizeof(t->pm_saved),
		    err) < 0)
			return -1;
	}
	if (ur_apply(m->xhci, &m->regs, &plan, err) < 0) {
		if (held)
			(void)ur_power_release(root, t->pm_saved, &ignored);
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
	if (away == 0 && ur_power_release(root, t->pm_saved, err) < 0)
		return -1;
	return 0;
}

/*
 * The power/control value to put back goes to disk before realize()
 * changes it: saved only with the new table, after "on" was written, a
 * kill -9 in between lost it for good (issue 7: 17 of 100 kills).  The
 * record is the table as it was (before the edit) plus pm_saved, so
 * every crash point leaves a file that is true and knows the value.
 */
static int
record_pm(struct ur_machine *m, struct ur_table *t,
    struct ur_table *before, struct ur_err *err)
{
	const struct ur_conf *c = m->conf;

	if (t->pm_saved[0] != '\0' ||
	    ur_table_away(t, m->cs, m->switchable) == 0)
		return 0;
	switch (ur_power_read(c->sysfs_root, t->pm_saved,
	    sizeof(t->pm_saved), err)) {
	case -1:
		return -1;
	case 0:
		return 0;
	}
	memcpy(before->pm_saved, t->pm_saved, sizeof(before->pm_saved));
	return ur_state_save(c->state_dir, before, err);
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
ur_commit(struct ur_machine *m, ur_edit_fn edit, void *arg,
    struct ur_table *out, struct ur_err *err)
{
	struct ur_table t, t0;
	struct ur_regs before;
	struct ur_lock lk;
	char old_pm[sizeof(t.pm_saved)];
	int rc = -1;

	if (ur_state_lock(m->conf->state_dir, m->conf->lock_timeout_ms, &lk,
	    err) < 0)
		return -1;
	if (ur_state_load(m->conf->state_dir, &t, err) < 0)
		goto out;
	/* Read under the lock: another usbroute may have just written. */
	if (ur_xhci_read(m->xhci, &m->regs, err) < 0)
		goto out;
	before = m->regs;
	memcpy(old_pm, t.pm_saved, sizeof(old_pm));
	t0 = t;
	if (edit != NULL && edit(&t, m, arg, err) < 0)
		goto out;
	if (record_pm(m, &t, &t0, err) < 0)
		goto out;
	if (realize(m, &t, old_pm, err) < 0)
		goto out;
	if (ur_state_save(m->conf->state_dir, &t, err) < 0) {
		undo(m, &before, old_pm, &t);
		m->regs = before;
		goto out;
	}
	if (out != NULL)
		*out = t;
	rc = 0;
out:
	ur_state_unlock(&lk);
	return rc;
}
