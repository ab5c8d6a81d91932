#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "pci.h"
#include "portset.h"
#include "report.h"
#include "usbtopo.h"

void
ur_json_string(FILE *out, const char *s)
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
	char path[4096];

	if (ur_path(path, sizeof(path), "%s/bus/pci/devices/%s/power/control",
	    m->conf->sysfs_root, UR_ADDR_XHCI) < 0 ||
	    ur_read_attr(path, buf, len) < 0)
		snprintf(buf, len, "unknown");
}

static const char *
side_name(const struct ur_machine *m, int bit, int xhci)
{
	int port;

	if (xhci)
		return "xhci";
	switch (ur_port_ehci(m->cs, bit, &port)) {
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

void
ur_report_text(FILE *out, const struct ur_machine *m,
    const struct ur_table *t)
{
	const char *root = m->conf->sysfs_root;
	uint16_t want = ur_table_compute(t, m->cs, m->switchable);
	uint16_t drift = ur_machine_drift(m, t);
	const struct ur_owner *o;
	const char *alias;
	struct ur_usbdev dev;
	char name[16], pm[16], devtext[192], owner[160], line[512];
	size_t n;
	int bit, i;

	fprintf(out, "xHCI %s [8086:%04x] %s\n", UR_ADDR_XHCI,
	    m->cs->xhci_id, m->cs->name);
	fprintf(out, "  EHCI #1 %s: %s   EHCI #2 %s: %s\n", UR_ADDR_EHCI1,
	    ur_ehci_present(root, UR_ADDR_EHCI1, m->cs->ehci1_id) ?
	    "present" : "absent", UR_ADDR_EHCI2,
	    ur_ehci_present(root, UR_ADDR_EHCI2, m->cs->ehci2_id) ?
	    "present" : "absent");
	power_control(m, pm, sizeof(pm));
	fprintf(out, "  XUSB2PR    0x%08x   USB2PRM 0x%08x\n"
	    "  USB3_PSSEN 0x%08x   USB3PRM 0x%08x   USB3FUS 0x%08x\n"
	    "  power/control %s\n\n", m->regs.xusb2pr, m->regs.usb2prm,
	    m->regs.pssen, m->regs.usb3prm, m->regs.usb3fus, pm);

	fprintf(out, "%-8s %-4s %-12s %-6s %-6s %-20s %s\n", "PORT", "BIT",
	    "NAME", "SWITCH", "SIDE", "OWNER", "DEVICE");
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m->cs->port_mask & (1u << bit)))
			continue;
		ur_port_name(m->cs, bit, name, sizeof(name));
		alias = ur_port_alias(m->conf, m->cs, bit);
		o = ur_table_holder(t, bit);
		if (o != NULL)
			snprintf(owner, sizeof(owner), "%s%s%s",
			    owner_label(o), o->lent & (1u << bit) ?
			    " (lent)" : "", "");
		else
			snprintf(owner, sizeof(owner), "host%s",
			    t->pin_mask & (1u << bit) ? " (pinned)" : "");
		devtext[0] = '\0';
		if (ur_usb_port_device(root, m->cs, bit, &dev) == 0 &&
		    dev.present)
			snprintf(devtext, sizeof(devtext), "%04x:%04x %s",
			    dev.vid, dev.pid, dev.product);
		snprintf(line, sizeof(line), "%-8s p%-3d %-12s %-6s %-6s %-20s "
		    "%s%s", name, bit, alias ? alias : "-",
		    !(m->present & (1u << bit)) ? "fused" :
		    (m->switchable & (1u << bit)) ? "yes" : "no",
		    side_name(m, bit, (m->regs.xusb2pr >> bit) & 1), owner,
		    devtext, (drift & (1u << bit)) ? "  DRIFT" : "");
		n = strlen(line);
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		fprintf(out, "%s\n", line);
	}
	for (i = 0; i < t->nowners; i++) {
		char ports[128], ctrls[32];

		o = &t->owner[i];
		ur_ports_format(o->ports, m->cs, ports, sizeof(ports));
		ur_ctrl_format(o->ctrls, ctrls, sizeof(ctrls));
		fprintf(out, "%sowner %s%s%s profile %s holds %s: %s\n",
		    i == 0 ? "\n" : "", o->id, o->name[0] ? " " : "",
		    o->name, o->profile[0] ? o->profile : "-", ctrls, ports);
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
json_owner(FILE *out, const struct ur_owner *o)
{
	char ctrls[32];

	ur_ctrl_format(o->ctrls, ctrls, sizeof(ctrls));
	fprintf(out, "{\"id\": ");
	ur_json_string(out, o->id);
	fprintf(out, ", \"name\": ");
	ur_json_string(out, o->name);
	fprintf(out, ", \"profile\": ");
	ur_json_string(out, o->profile);
	fprintf(out, ", \"controllers\": ");
	ur_json_string(out, o->ctrls ? ctrls : "");
	fprintf(out, ", \"ports\": \"0x%04x\", \"lent\": \"0x%04x\"}",
	    o->ports, o->lent);
}

void
ur_report_json(FILE *out, const struct ur_machine *m,
    const struct ur_table *t)
{
	const char *root = m->conf->sysfs_root;
	uint16_t drift = ur_machine_drift(m, t);
	const struct ur_owner *o;
	const char *alias;
	struct ur_usbdev dev;
	char name[16], pm[16];
	int bit, i, first = 1;

	power_control(m, pm, sizeof(pm));
	fprintf(out, "{\"controller\": {\"address\": \"%s\", \"vendor\": "
	    "\"8086\", \"device\": \"%04x\", \"chipset\": \"%s\", "
	    "\"chipset_name\": \"%s\", \"ehci1\": %s, \"ehci2\": %s, "
	    "\"power_control\": ", UR_ADDR_XHCI, m->cs->xhci_id, m->cs->key,
	    m->cs->name,
	    ur_ehci_present(root, UR_ADDR_EHCI1, m->cs->ehci1_id) ?
	    "true" : "false",
	    ur_ehci_present(root, UR_ADDR_EHCI2, m->cs->ehci2_id) ?
	    "true" : "false");
	ur_json_string(out, pm);
	fprintf(out, "},\n \"registers\": {\"xusb2pr\": \"0x%08x\", "
	    "\"usb2prm\": \"0x%08x\", \"usb3_pssen\": \"0x%08x\", "
	    "\"usb3prm\": \"0x%08x\", \"usb3fus\": \"0x%08x\"},\n",
	    m->regs.xusb2pr, m->regs.usb2prm, m->regs.pssen,
	    m->regs.usb3prm, m->regs.usb3fus);
	fprintf(out, " \"drift\": \"0x%04x\",\n \"ports\": [", drift);
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(m->cs->port_mask & (1u << bit)))
			continue;
		ur_port_name(m->cs, bit, name, sizeof(name));
		alias = ur_port_alias(m->conf, m->cs, bit);
		o = ur_table_holder(t, bit);
		fprintf(out, "%s\n  {\"bit\": %d, \"port\": \"%s\", \"name\": ",
		    first ? "" : ",", bit, name);
		first = 0;
		if (alias != NULL)
			ur_json_string(out, alias);
		else
			fprintf(out, "null");
		fprintf(out, ", \"present\": %s, \"switchable\": %s, "
		    "\"side\": \"%s\", \"drift\": %s, \"owner\": ",
		    (m->present & (1u << bit)) ? "true" : "false",
		    (m->switchable & (1u << bit)) ? "true" : "false",
		    side_name(m, bit, (m->regs.xusb2pr >> bit) & 1),
		    (drift & (1u << bit)) ? "true" : "false");
		if (o != NULL)
			ur_json_string(out, o->id);
		else
			fprintf(out, "\"host\"");
		fprintf(out, ", \"device\": ");
		if (ur_usb_port_device(root, m->cs, bit, &dev) == 0 &&
		    dev.present) {
			fprintf(out, "{\"busid\": ");
			ur_json_string(out, dev.busid);
			fprintf(out, ", \"vendor\": \"%04x\", \"product_id\": "
			    "\"%04x\", \"product\": ", dev.vid, dev.pid);
			ur_json_string(out, dev.product);
			fprintf(out, ", \"on\": \"%s\"}",
			    dev.side == UR_SIDE_XHCI ? "xhci" : "ehci");
		} else {
			fprintf(out, "null");
		}
		fprintf(out, "}");
	}
	fprintf(out, "\n ],\n \"owners\": [");
	for (i = 0; i < t->nowners; i++) {
		fprintf(out, "%s\n  ", i ? "," : "");
		json_owner(out, &t->owner[i]);
	}
	fprintf(out, "%s]\n}\n", t->nowners ? "\n " : "");
}
