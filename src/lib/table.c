/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "table.h"

void
ur_table_init(struct ur_table *t)
{
	memset(t, 0, sizeof(*t));
}

struct ur_owner *
ur_table_find(struct ur_table *t, const char *id)
{
	int i;

	for (i = 0; i < t->nowners; i++)
		if (strcmp(t->owner[i].id, id) == 0)
			return &t->owner[i];
	return NULL;
}

const struct ur_owner *
ur_table_holder(const struct ur_table *t, int bit)
{
	int i;

	for (i = 0; i < t->nowners; i++)
		if (t->owner[i].ports & (1u << bit))
			return &t->owner[i];
	return NULL;
}

int
ur_table_reach(unsigned ctrls, const struct ur_chipset *cs, int bit,
    const char *who, char *why, size_t len)
{
	unsigned ehci = ur_chipset_port_ehci_ctrl(cs, bit);

	if ((ehci & ctrls) != 0 || (ctrls & UR_CTRL_XHCI))
		return 0;
	if (why != NULL)
		snprintf(why, len, "%s holds neither EHCI #%d nor the xHCI",
		    who, ehci == UR_CTRL_EHCI2 ? 2 : 1);
	return -1;
}

/* The side an owner's port goes to (ur_table_reach says it has one). */
static int
owner_side(const struct ur_owner *o, const struct ur_chipset *cs, int bit)
{
	unsigned ehci = ur_chipset_port_ehci_ctrl(cs, bit);

	return ehci != 0 && (o->ctrls & ehci) ? UR_SIDE_EHCI : UR_SIDE_XHCI;
}

static const char *
label(const struct ur_owner *o)
{
	return o->name[0] != '\0' ? o->name : o->id;
}

static void drop_devices(struct ur_table *t, const char *id);

int
ur_table_claim(struct ur_table *t, const struct ur_owner *o,
    const struct ur_chipset *cs, struct ur_err *err)
{
	const struct ur_owner *h;
	struct ur_owner *slot;
	char name[16], why[128];
	int bit;

	if (o->id[0] == '\0')
		return ur_errf(err, "an owner needs a name");
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(o->ports & (1u << bit)))
			continue;
		ur_chipset_port_name(cs, bit, name, sizeof(name));
		h = ur_table_holder(t, bit);
		if (h != NULL && strcmp(h->id, o->id) != 0)
			return ur_errf(err, "port %s is held by %s (profile "
			    "%s); stop it or release its ports first",
			    name, label(h), h->profile[0] ? h->profile : "-");
		if (ur_table_reach(o->ctrls, cs, bit, "it", why,
		    sizeof(why)) < 0)
			return ur_errf(err, "%s cannot own port %s: %s; pass "
			    "the controller to it first", label(o), name, why);
	}
	slot = ur_table_find(t, o->id);
	if (slot == NULL) {
		if (t->nowners == UR_MAX_OWNERS)
			return ur_errf(err, "too many owners (%d): release one",
			    UR_MAX_OWNERS);
		slot = &t->owner[t->nowners++];
	}
	*slot = *o;
	slot->lent &= slot->ports;
	/* The device records were the earlier claim's; the caller sets
	 * the new claim's (ur_table_set_devices). */
	drop_devices(t, o->id);
	/* A domain's claim overrides what was routed by hand. */
	t->pin_mask &= (uint16_t)~o->ports;
	t->pin_xhci &= t->pin_mask;
	return 0;
}

int
ur_table_lend(struct ur_table *t, const char *id, int lend)
{
	struct ur_owner *o = ur_table_find(t, id);

	if (o == NULL)
		return -1;
	o->lent = lend ? o->ports : 0;
	return 0;
}

static void
drop_devices(struct ur_table *t, const char *id)
{
	int i, n = 0;

	for (i = 0; i < t->ndevs; i++)
		if (strcmp(t->dev[i].owner, id) != 0)
			t->dev[n++] = t->dev[i];
	t->ndevs = n;
}

int
ur_table_set_devices(struct ur_table *t, const char *id,
    const struct ur_devclaim *devs, int n)
{
	int i, kept = 0;

	for (i = 0; i < t->ndevs; i++)
		if (strcmp(t->dev[i].owner, id) != 0)
			kept++;
	if (n < 0 || kept + n > UR_MAX_DEVCLAIMS)
		return -1;
	drop_devices(t, id);
	for (i = 0; i < n; i++) {
		t->dev[t->ndevs] = devs[i];
		snprintf(t->dev[t->ndevs].owner, sizeof(t->dev[0].owner), "%s",
		    id);
		t->ndevs++;
	}
	return 0;
}

const struct ur_devclaim *
ur_table_device_at(const struct ur_table *t, const char *id, int bit)
{
	int i;

	for (i = 0; i < t->ndevs; i++)
		if (t->dev[i].bit == bit && strcmp(t->dev[i].owner, id) == 0)
			return &t->dev[i];
	return NULL;
}

uint16_t
ur_table_release(struct ur_table *t, const char *id)
{
	struct ur_owner *o = ur_table_find(t, id);
	uint16_t ports;
	int i;

	if (o == NULL)
		return 0;
	ports = o->ports;
	drop_devices(t, id);
	i = (int)(o - t->owner);
	memmove(&t->owner[i], &t->owner[i + 1],
	    (size_t)(t->nowners - i - 1) * sizeof(t->owner[0]));
	t->nowners--;
	return ports;
}

static unsigned
held_ctrls(const struct ur_table *t)
{
	unsigned ctrls = 0;
	int i;

	for (i = 0; i < t->nowners; i++)
		ctrls |= t->owner[i].ctrls;
	return ctrls;
}

uint16_t
ur_table_compute(const struct ur_table *t, const struct ur_chipset *cs,
    uint16_t switchable)
{
	const struct ur_owner *o;
	int host_xhci = !(held_ctrls(t) & UR_CTRL_XHCI);
	uint16_t want = 0;
	int bit, side;

	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(switchable & (1u << bit)))
			continue;
		o = ur_table_holder(t, bit);
		if (o != NULL && !(o->lent & (1u << bit)))
			side = owner_side(o, cs, bit);
		else if (t->pin_mask & (1u << bit))
			side = (t->pin_xhci >> bit) & 1;
		else
			side = host_xhci ? UR_SIDE_XHCI : UR_SIDE_EHCI;
		/* A port lent back by a domain that holds the xHCI is on
		 * the host's side, which is then the EHCI. */
		if (o != NULL && (o->lent & (1u << bit)))
			side = owner_side(o, cs, bit) == UR_SIDE_XHCI ?
			    UR_SIDE_EHCI : UR_SIDE_XHCI;
		if (side == UR_SIDE_XHCI)
			want |= (uint16_t)(1u << bit);
	}
	return want;
}

uint16_t
ur_table_away(const struct ur_table *t, const struct ur_chipset *cs,
    uint16_t switchable)
{
	return (uint16_t)(switchable &
	    ~ur_table_compute(t, cs, switchable));
}
