/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "file.h"
#include "power.h"
#include "xhci.h"
#include "ports.h"
#include "report.h"
#include "usb.h"

void
ur_report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
power_control(const struct ur_machine *m, char *buf, size_t len)
{
	struct ur_err err;

	if (ur_power_read(m->conf->sysfs_root, buf, len, &err) <= 0)
		snprintf(buf, len, "unknown");
}

static const char *
side_name(const struct ur_machine *m, int bit, int xhci)
{
	int port;

	if (xhci)
		return "xhci";
	switch (ur_chipset_port_ehci(m->cs, bit, &port)) {
	case 1:
		return "ehci1";
	case 2:
		return "ehci2";
	default:
		return "off";
	}
}

static const char *
owner_label(const struct ur_owner *o)
{
	return o->name[0] != '\0' ? o->name : o->id;
}

/* What both reports say about one port. */
struct row {
	char name[16];
	const char *alias;		/* from the config, or NULL */
	const struct ur_owner *owner;	/* NULL: the host */
	int present, switchable, xhci, drift, lent, pinned;
	struct ur_usbdev dev;
};

static void
port_row(const struct ur_machine *m, const struct ur_table *t,
    uint16_t drift, int bit, struct row *r)
{
	uint16_t b = (uint16_t)(1u << bit);

	ur_chipset_port_name(m->cs, bit, r->name, sizeof(r->name));
	r->alias = ur_ports_alias(m->conf, m->cs, bit);
	r->owner = ur_table_holder(t, bit);
	r->present = (m->present & b) != 0;
	r->switchable = (m->switchable & b) != 0;
	r->xhci = (m->regs.xusb2pr & b) != 0;
	r->drift = (drift & b) != 0;
	r->lent = r->owner != NULL && (r->owner->lent & b) != 0;
	r->pinned = r->owner == NULL && (t->pin_mask & b) != 0;
	if (ur_usb_port_device(m->conf->sysfs_root, m->cs, bit, &r->dev) < 0)
		r->dev.present = 0;
}

/* Which of the owner's ports it holds because of which device. */
static void
text_devices(FILE *out, const struct ur_machine *m, const struct ur_table *t,
    const struct ur_owner *o)
{
	char port[16];
	int i;

	for (i = 0; i < t->ndevs; i++) {
		if (strcmp(t->dev[i].owner, o->id) != 0)
			continue;
		if (t->dev[i].bit < 0) {
			fprintf(out, "  device %s: not plugged in\n",
			    t->dev[i].device);
			continue;
		}
		ur_chipset_port_name(m->cs, t->dev[i].bit, port, sizeof(port));
		fprintf(out, "  device %s: holds %s\n", t->dev[i].device,
		    port);
	}
}

void
ur_report_text(FILE *out, const struct ur_machine *m,
    const struct ur_table *t)
{
	const char *root = m->conf->sysfs_root;
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);
	uint16_t drift = ur_machine_drift(m, t);
	const struct ur_owner *o;
	struct row r;
	char pm[16], devtext[192], owner[160], line[512], fuses[128];
	char shown[1024];
	size_t n;
	int bit, i;

	fprintf(out, "xHCI %s [8086:%04x] %s\n", UR_ADDR_XHCI,
	    m->cs->xhci_id, m->cs->name);
	fprintf(out, "  EHCI #1 %s: %s   EHCI #2 %s: %s\n", UR_ADDR_EHCI1,
	    ur_xhci_ehci_present(root, UR_ADDR_EHCI1, m->cs->ehci1_id) ?
	    "present" : "absent", UR_ADDR_EHCI2,
	    ur_xhci_ehci_present(root, UR_ADDR_EHCI2, m->cs->ehci2_id) ?
	    "present" : "absent");
	power_control(m, pm, sizeof(pm));
	fprintf(out, "  XUSB2PR    0x%08x   USB2PRM 0x%08x\n"
	    "  USB3_PSSEN 0x%08x   USB3PRM 0x%08x   USB3FUS 0x%08x\n"
	    "  power/control %s\n", m->regs.xusb2pr, m->regs.usb2prm,
	    m->regs.pssen, m->regs.usb3prm, m->regs.usb3fus, pm);
	ur_chipset_fuses_describe(m->cs, m->regs.usb3fus, fuses, sizeof(fuses));
	fprintf(out, "  fuses: %s\n\n", fuses);

	fprintf(out, "%-8s %-4s %-12s %-6s %-6s %-20s %s\n", "PORT", "BIT",
	    "NAME", "SWITCH", "SIDE", "OWNER", "DEVICE");
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m->cs->port_mask & (1u << bit)))
			continue;
		port_row(m, t, drift, bit, &r);
		if (r.owner != NULL)
			snprintf(owner, sizeof(owner), "%s%s",
			    owner_label(r.owner), r.lent ? " (lent)" : "");
		else
			snprintf(owner, sizeof(owner), "host%s",
			    r.pinned ? " (pinned)" : "");
		devtext[0] = '\0';
		if (r.dev.present)
			snprintf(devtext, sizeof(devtext), "%04x:%04x %s "
			    "(usb %s)", r.dev.vid, r.dev.pid, r.dev.product,
			    r.dev.busid);
		snprintf(line, sizeof(line), "%-8s p%-3d %-12s %-6s %-6s %-20s "
		    "%s%s%s", r.name, bit, r.alias ? r.alias : "-",
		    !r.present ? "fused" : r.switchable ? "yes" : "no",
		    side_name(m, bit, r.xhci), owner, devtext,
		    r.drift ? "  DRIFT" : "",
		    (m->cs->unverified & (1u << bit)) ? "  UNVERIFIED" : "");
		n = strlen(line);
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		/* Names from domain XML and USB product strings (a device
		 * chooses its own) reach the terminal escaped. */
		fprintf(out, "%s\n", ur_err_esc(line, shown, sizeof(shown)));
	}
	for (i = 0; i < t->nowners; i++) {
		char ports[128], ctrls[32];

		o = &t->owner[i];
		ur_ports_format(o->ports, m->cs, ports, sizeof(ports));
		ur_chipset_ctrl_format(o->ctrls, ctrls, sizeof(ctrls));
		snprintf(line, sizeof(line), "owner %s%s%s profile %s holds "
		    "%s: %s", o->id, o->name[0] ? " " : "", o->name,
		    o->profile[0] ? o->profile : "-", ctrls, ports);
		fprintf(out, "%s%s\n", i == 0 ? "\n" : "",
		    ur_err_esc(line, shown, sizeof(shown)));
		text_devices(out, m, t, o);
	}
	if (drift != 0) {
		char ports[128];

		ur_ports_format(drift, m->cs, ports, sizeof(ports));
		fprintf(out, "\ndrift: the register disagrees with the "
		    "ownership table on %s (table wants XUSB2PR bits 0x%04x); "
		    "'usbroute repair' puts them back\n", ports,
		    want & m->switchable);
	}
}

static void
json_owner(FILE *out, const struct ur_machine *m, const struct ur_table *t,
    const struct ur_owner *o)
{
	char ctrls[32], port[16];
	int i, first = 1;

	ur_chipset_ctrl_format(o->ctrls, ctrls, sizeof(ctrls));
	fprintf(out, "{\"id\": ");
	ur_report_json_string(out, o->id);
	fprintf(out, ", \"name\": ");
	ur_report_json_string(out, o->name);
	fprintf(out, ", \"profile\": ");
	ur_report_json_string(out, o->profile);
	fprintf(out, ", \"controllers\": ");
	ur_report_json_string(out, o->ctrls ? ctrls : "");
	fprintf(out, ", \"ports\": \"0x%04x\", \"lent\": \"0x%04x\", "
	    "\"devices\": [", o->ports, o->lent);
	for (i = 0; i < t->ndevs; i++) {
		if (strcmp(t->dev[i].owner, o->id) != 0)
			continue;
		fprintf(out, "%s{\"device\": ", first ? "" : ", ");
		ur_report_json_string(out, t->dev[i].device);
		if (t->dev[i].bit < 0) {
			fprintf(out, ", \"port\": null, \"bit\": null}");
		} else {
			ur_chipset_port_name(m->cs, t->dev[i].bit, port, sizeof(port));
			fprintf(out, ", \"port\": \"%s\", \"bit\": %d}", port,
			    t->dev[i].bit);
		}
		first = 0;
	}
	fprintf(out, "]}");
}

void
ur_report_json(FILE *out, const struct ur_machine *m,
    const struct ur_table *t)
{
	const char *root = m->conf->sysfs_root;
	uint16_t drift = ur_machine_drift(m, t);
	struct row r;
	char pm[16];
	int bit, i, first = 1;

	power_control(m, pm, sizeof(pm));
	fprintf(out, "{\"controller\": {\"address\": \"%s\", \"vendor\": "
	    "\"8086\", \"device\": \"%04x\", \"chipset\": \"%s\", "
	    "\"chipset_name\": \"%s\", \"ehci1\": %s, \"ehci2\": %s, "
	    "\"power_control\": ", UR_ADDR_XHCI, m->cs->xhci_id, m->cs->key,
	    m->cs->name,
	    ur_xhci_ehci_present(root, UR_ADDR_EHCI1, m->cs->ehci1_id) ?
	    "true" : "false",
	    ur_xhci_ehci_present(root, UR_ADDR_EHCI2, m->cs->ehci2_id) ?
	    "true" : "false");
	ur_report_json_string(out, pm);
	fprintf(out, "},\n \"registers\": {\"xusb2pr\": \"0x%08x\", "
	    "\"usb2prm\": \"0x%08x\", \"usb3_pssen\": \"0x%08x\", "
	    "\"usb3prm\": \"0x%08x\", \"usb3fus\": \"0x%08x\"},\n",
	    m->regs.xusb2pr, m->regs.usb2prm, m->regs.pssen,
	    m->regs.usb3prm, m->regs.usb3fus);
	fprintf(out, " \"drift\": \"0x%04x\",\n \"ports\": [", drift);
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m->cs->port_mask & (1u << bit)))
			continue;
		port_row(m, t, drift, bit, &r);
		fprintf(out, "%s\n  {\"bit\": %d, \"port\": \"%s\", \"name\": ",
		    first ? "" : ",", bit, r.name);
		first = 0;
		if (r.alias != NULL)
			ur_report_json_string(out, r.alias);
		else
			fprintf(out, "null");
		fprintf(out, ", \"present\": %s, \"switchable\": %s, "
		    "\"side\": \"%s\", \"drift\": %s, \"lent\": %s, "
		    "\"pinned\": %s, \"owner\": ",
		    r.present ? "true" : "false",
		    r.switchable ? "true" : "false", side_name(m, bit, r.xhci),
		    r.drift ? "true" : "false", r.lent ? "true" : "false",
		    r.pinned ? "true" : "false");
		if (r.owner != NULL)
			ur_report_json_string(out, r.owner->id);
		else
			fprintf(out, "\"host\"");
		fprintf(out, ", \"device\": ");
		if (r.dev.present) {
			fprintf(out, "{\"busid\": ");
			ur_report_json_string(out, r.dev.busid);
			fprintf(out, ", \"vendor\": \"%04x\", \"product_id\": "
			    "\"%04x\", \"product\": ", r.dev.vid, r.dev.pid);
			ur_report_json_string(out, r.dev.product);
			fprintf(out, ", \"on\": \"%s\"}",
			    r.dev.side == UR_SIDE_XHCI ? "xhci" : "ehci");
		} else {
			fprintf(out, "null");
		}
		fprintf(out, "}");
	}
	fprintf(out, "\n ],\n \"owners\": [");
	for (i = 0; i < t->nowners; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		json_owner(out, m, t, &t->owner[i]);
	}
	fprintf(out, "%s]\n}\n", t->nowners ? "\n " : "");
}
