/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"
#include "file.h"
#include "power.h"
#include "machine.h"
#include "ports.h"
#include "route.h"
#include "sock.h"
#include "state.h"

/* Adds a finding; it, or NULL when there is no more room. */
static struct ur_finding * __attribute__((format(printf, 4, 5)))
say(struct ur_doctor *d, enum ur_level level, const char *topic,
    const char *fmt, ...)
{
	struct ur_finding *f;
	va_list ap;

	if (d->n == UR_DOCTOR_MAX)
		return NULL;
	f = &d->f[d->n++];
	f->level = level;
	snprintf(f->topic, sizeof(f->topic), "%s", topic);
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return f;
}

/*
 * A line of the config that conf.c judged wrong (the verdict every
 * program stops at): the one clear line it gave, what that means, and
 * that the other checks went on with the key's default.
 */
static void
say_problem(struct ur_doctor *d, const struct ur_conf *conf,
    const struct ur_conf_problem *p)
{
	struct ur_finding *f;

	f = say(d, UR_FAIL, "config", "%s (usbroute, the hook and usbrouted "
	    "stop at this; doctor went on with %s)", p->msg, p->line > 0 ?
	    "the default" : "the defaults");
	if (f == NULL)
		return;
	f->file = conf->path;
	f->line = p->line;
	snprintf(f->key, sizeof(f->key), "%s", p->key);
}

/* Each wrong line of the config; whether there was one. */
static int
check_lines(struct ur_doctor *d, const struct ur_conf *conf,
    const struct ur_conf_problems *pr)
{
	int i;

	if (pr == NULL)
		return 0;
	for (i = 0; i < pr->n; i++)
		say_problem(d, conf, &pr->p[i]);
	if (pr->more > 0)
		say(d, UR_FAIL, "config", "%s: %d more wrong line%s (doctor "
		    "notes the first %d)", conf->path, pr->more,
		    pr->more == 1 ? "" : "s", UR_CONF_MAX_PROBLEMS);
	return pr->n > 0;
}

const char *
ur_doctor_level_name(enum ur_level level)
{
	switch (level) {
	case UR_OK:
		return "ok";
	case UR_INFO:
		return "info";
	case UR_WARN:
		return "warn";
	default:
		return "FAIL";
	}
}

enum ur_level
ur_doctor_worst(const struct ur_doctor *d)
{
	enum ur_level worst = UR_OK;
	int i;

	for (i = 0; i < d->n; i++)
		if (d->f[i].level > worst)
			worst = d->f[i].level;
	return worst;
}

/* The last part of the link at DIR/bus/pci/devices/ADDR/NAME, or "". */
static void
link_name(const char *root, const char *addr, const char *name, char *buf,
    size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;

	buf[0] = '\0';
	if (ur_file_path(path, sizeof(path), "%s/bus/pci/devices/%s/%s", root,
	    addr, name) < 0)
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) < len)
		memcpy(buf, slash, strlen(slash) + 1);
}

/* The other devices in an IOMMU group, as "0000:00:1a.1 ..." */
static int
group_others(const char *root, const char *group, const char *self,
    char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	size_t n = 0;
	int count = 0;
	DIR *dir;

	buf[0] = '\0';
	if (ur_file_path(path, sizeof(path), "%s/kernel/iommu_groups/%s/devices",
	    root, group) < 0 || (dir = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, self) == 0)
			continue;
		count++;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? " " : "", e->d_name);
	}
	closedir(dir);
	return count;
}

static int
iommu_on(const char *root)
{
	char path[PATH_MAX];
	struct dirent *e;
	int any = 0;
	DIR *dir;

	if (ur_file_path(path, sizeof(path), "%s/kernel/iommu_groups", root) < 0 ||
	    (dir = opendir(path)) == NULL)
		return 0;
	while (!any && (e = readdir(dir)) != NULL)
		any = e->d_name[0] != '.';
	closedir(dir);
	return any;
}

static void
check_ehci(struct ur_doctor *d, const struct ur_conf *conf,
    const struct ur_chipset *cs, int which)
{
	const char *addr = which == 1 ? UR_ADDR_EHCI1 : UR_ADDR_EHCI2;
	uint16_t id = which == 1 ? cs->ehci1_id : cs->ehci2_id;
	char topic[8], driver[64], group[32], others[256];
	int n;

	snprintf(topic, sizeof(topic), "ehci%d", which);
	if (id == 0)
		return;		/* LP parts have no EHCI #2 */
	if (!ur_xhci_ehci_present(conf->sysfs_root, addr, id)) {
		say(d, UR_WARN, topic, "EHCI #%d (%s) is not on the PCI bus: "
		    "its ports can only stay on the xHCI, and usbroute refuses "
		    "to route them to it (Linux too switches ports only when an "
		    "Intel EHCI exists). Some firmware hides the EHCIs when the "
		    "xHCI mode is 'Enabled'; 'Auto' or 'Smart Auto' keeps them, "
		    "or look for an EHCI enable setting", which, addr);
		return;
	}
	link_name(conf->sysfs_root, addr, "driver", driver, sizeof(driver));
	say(d, UR_OK, topic, "EHCI #%d at %s, %s%s%s", which, addr,
	    driver[0] ? "driver " : "no driver bound", driver,
	    strcmp(driver, "vfio-pci") == 0 ? " (ready for a VM)" :
	    strcmp(driver, "ehci-pci") == 0 ? " (the host's; libvirt "
	    "rebinds it for a managed hostdev)" : "");
	link_name(conf->sysfs_root, addr, "iommu_group", group, sizeof(group));
	if (group[0] == '\0')
		return;		/* reported once, under iommu */
	n = group_others(conf->sysfs_root, group, addr, others,
	    sizeof(others));
	if (n > 0)
		say(d, UR_WARN, topic, "EHCI #%d shares IOMMU group %s with "
		    "%s: VFIO gives a VM the whole group, so all of it goes "
		    "to the VM together", which, group, others);
	else if (n == 0)
		say(d, UR_OK, topic, "EHCI #%d is alone in IOMMU group %s",
		    which, group);
}

static void
check_ports(struct ur_doctor *d, const struct ur_machine *m)
{
	char ports[128], fixed[128];
	uint16_t stuck = m->present & (uint16_t)~m->switchable;
	int n = __builtin_popcount(m->switchable);

	if (m->switchable == 0) {
		say(d, UR_FAIL, "ports", "the firmware lets no port move "
		    "(USB2PRM 0x%08x). Intel's reference code sets USB2PRM "
		    "from the fuses in every xHCI mode except Disabled (which "
		    "hides the xHCI), so this firmware departs from it: try "
		    "another xHCI mode in the BIOS, or a firmware update",
		    m->regs.usb2prm);
		return;
	}
	ur_ports_format(m->switchable, m->cs, ports, sizeof(ports));
	say(d, UR_OK, "ports", "%d port%s switchable: %s", n,
	    n == 1 ? "" : "s", ports);
	if (stuck != 0) {
		ur_ports_format(stuck, m->cs, fixed, sizeof(fixed));
		say(d, UR_INFO, "ports", "the firmware keeps %s where they "
		    "are (USB2PRM 0x%08x)", fixed, m->regs.usb2prm);
	}
}

/* What no source confirms about this part, and where the firmware's
 * USB2PRM and the fuses disagree (usbroute follows USB2PRM). */
static void
check_part(struct ur_doctor *d, const struct ur_machine *m)
{
	uint16_t extra = (uint16_t)(m->switchable & ~m->fused);
	uint16_t doubt = (uint16_t)(m->switchable & m->cs->unverified);
	char ports[128], fuses[128];

	if (m->cs->doubt != NULL)
		say(d, UR_WARN, "chipset", "unverified: %s", m->cs->doubt);
	ur_chipset_fuses_describe(m->cs, m->regs.usb3fus, fuses, sizeof(fuses));
	say(d, UR_INFO, "fuses", "USB3FUS 0x%08x: %s", m->regs.usb3fus,
	    fuses);
	if (extra != 0) {
		ur_ports_format(extra, m->cs, ports, sizeof(ports));
		say(d, UR_WARN, "fuses", "USB2PRM 0x%08x lets the OS switch "
		    "%s, which the fuses remove: the firmware departs from "
		    "Intel's reference code; usbroute follows USB2PRM",
		    m->regs.usb2prm, ports);
	}
	if (doubt != 0) {
		ur_ports_format(doubt, m->cs, ports, sizeof(ports));
		say(d, UR_WARN, "ports", "USB2PRM lets the OS switch %s, but no "
		    "source says which physical ports these bits are", ports);
	}
}

static void
check_table(struct ur_doctor *d, struct ur_machine *m)
{
	struct ur_table t;
	struct ur_err err;
	char ports[128];
	uint16_t drift;

	if (ur_state_load(m->conf->state_dir, &t, &err) < 0) {
		say(d, UR_FAIL, "state", "%s", err.msg);
		return;
	}
	say(d, UR_OK, "state", "%s: %d owner%s", m->conf->state_dir,
	    t.nowners, t.nowners == 1 ? "" : "s");
	drift = ur_machine_drift(m, &t);
	if (drift != 0) {
		ur_ports_format(drift, m->cs, ports, sizeof(ports));
		say(d, UR_WARN, "state", "the routing of %s disagrees with the "
		    "ownership table (Linux re-routes on xHCI resume): "
		    "'usbroute repair' puts it back, usbrouted does so by "
		    "itself", ports);
	}
}

/*
 * The machine, opened as every program opens it.  The config's ss-pair
 * lines are judged there, against the chipset (route.c): when only they
 * stop it, it is opened without them (check_pairs says which are wrong),
 * so the other checks still run.
 */
static int
open_machine(const struct ur_conf *conf, struct ur_machine *m,
    struct ur_err *err)
{
	static struct ur_conf nopairs;	/* large; m keeps a pointer */

	if (ur_machine_open(m, conf, err) == 0)
		return 0;
	if (conf->npairs == 0)
		return -1;
	nopairs = *conf;
	nopairs.npairs = 0;
	/* Still refused: the chipset itself, which err now says. */
	return ur_machine_open(m, &nopairs, err);
}

/* Each ss-pair line route.c refuses on this chipset; how many. */
static int
check_pairs(struct ur_doctor *d, const struct ur_conf *c,
    const struct ur_machine *m)
{
	static struct ur_conf one;	/* large */
	struct ur_pairs pairs;
	struct ur_finding *f;
	struct ur_err err;
	int i, bad = 0;

	one = *c;
	one.npairs = 1;
	for (i = 0; i < c->npairs; i++) {
		one.pairs[0] = c->pairs[i];
		if (ur_route_pairs(&one, m->cs, m->ss_present, &pairs,
		    &err) == 0)
			continue;
		bad++;
		f = say(d, UR_FAIL, "config", "%s (every command that opens "
		    "the chipset stops at this; doctor went on without the "
		    "ss-pair lines)", err.msg);
		if (f == NULL)
			continue;
		f->file = c->path;
		f->line = c->pairs[i].line;
		snprintf(f->key, sizeof(f->key), "ss-pair %s",
		    c->pairs[i].word);
	}
	return bad;
}

static void
check_config(struct ur_doctor *d, const struct ur_machine *m,
    const struct ur_conf *c, const struct ur_conf_problems *pr)
{
	struct ur_err err;
	uint16_t mask;
	int i, bad = check_lines(d, c, pr);

	bad |= check_pairs(d, c, m) > 0;

	for (i = 0; i < c->nnames; i++) {
		if (ur_ports_parse(c->names[i].words, m->cs, NULL, m->present,
		    m->cs->port_mask, &mask, &err) < 0) {
			say(d, UR_FAIL, "config", "%s line %d: port %s: %s",
			    c->path, c->names[i].line, c->names[i].name,
			    err.msg);
			bad = 1;
		}
	}
	if (bad)
		return;
	say(d, UR_OK, "config", "%s: %d port name%s, %d SuperSpeed pair%s",
	    c->path, c->nnames, c->nnames == 1 ? "" : "s", c->npairs,
	    c->npairs == 1 ? "" : "s");
	if (c->npairs == 0)
		say(d, UR_INFO, "config", "no ss-pair lines: a USB3 device "
		    "stays on the xHCI when its port moves to EHCI; see "
		    "usbroute.conf(5)");
}

static int
has_marker(const char *path)
{
	static const char marker[] = "usbroute-hook-xml.so";
	const size_t m = sizeof(marker) - 1;
	char buf[4096 + sizeof(marker)];
	size_t have = 0, i;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int found = 0;

	if (fd < 0)
		return 0;
	while (!found && (n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		have += (size_t)n;
		for (i = 0; !found && i + m <= have; i++)
			found = memcmp(buf + i, marker, m) == 0;
		if (have >= m - 1) {
			memmove(buf, buf + have - (m - 1), m - 1);
			have = m - 1;
		}
	}
	close(fd);
	return found;
}

static void
check_hook(struct ur_doctor *d, const char *hooks_dir)
{
	char main_hook[PATH_MAX], side_hook[PATH_MAX];

	if (ur_file_path(main_hook, sizeof(main_hook), "%s/qemu", hooks_dir) < 0 ||
	    ur_file_path(side_hook, sizeof(side_hook), "%s/qemu.d/usbroute",
	    hooks_dir) < 0)
		return;
	if (has_marker(main_hook) || has_marker(side_hook)) {
		say(d, UR_OK, "hook", "the libvirt hook is installed in %s "
		    "(restart libvirtd once after installing it)", hooks_dir);
		return;
	}
	say(d, UR_WARN, "hook", "the libvirt hook is not in %s: domains "
	    "will not claim their ports at start; 'make install' puts it "
	    "there", hooks_dir);
}

/* Whether usbrouted answers. */
static int
check_daemon(struct ur_doctor *d, const struct ur_conf *conf)
{
	const char *path = ur_conf_control_socket(conf);
	int fd = ur_sock_connect(path, 0);

	if (fd >= 0)
		close(fd);
	if (fd >= 0)
		say(d, UR_OK, "daemon", "usbrouted answers on %s", path);
	else
		say(d, UR_INFO, "daemon", "usbrouted is not running: needed "
		    "only to switch while a VM runs (usbroute toggle, guest "
		    "requests)");
	return fd >= 0;
}

/* The sleep states the kernel offers (SYSFS/power/state: "freeze mem
 * disk"); empty when it offers none or has no such file. */
static void
sleep_states(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (ur_file_path(path, sizeof(path), "%s/power/state", root) < 0 ||
	    ur_file_read_attr(path, buf, len) < 0)
		buf[0] = '\0';
}

/*
 * Linux puts every port back on the xHCI when the xHCI resumes (system
 * resume, hibernate thaw and restore: pci-quirks.c
 * usb_enable_intel_xhci_ports from xhci-pci's resume), so on a machine
 * that can sleep the routing is lost at each wake-up unless the
 * systemd-sleep hook (hooks/usbroute-sleep) puts it back, or usbrouted
 * does while it runs.
 */
static void
check_sleep(struct ur_doctor *d, const struct ur_conf *conf,
    const char *sleep_dir, int daemon_up)
{
	char states[64], path[PATH_MAX];
	const char *why, *fix;
	struct stat st;

	sleep_states(conf->sysfs_root, states, sizeof(states));
	if (states[0] == '\0') {
		say(d, UR_INFO, "sleep", "this machine cannot suspend or "
		    "hibernate (%s/power/state offers nothing): no resume "
		    "undoes the routing", conf->sysfs_root);
		return;
	}
	if (ur_file_path(path, sizeof(path), "%s/usbroute-sleep",
	    sleep_dir) < 0)
		return;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {
		say(d, UR_OK, "sleep", "the systemd-sleep hook %s puts the "
		    "routing back after a resume (this machine offers: %s)",
		    path, states);
		return;
	}
	if (stat(path, &st) < 0) {
		why = "is missing";
		fix = "'make install' or the package puts it there";
	} else if (!S_ISREG(st.st_mode)) {
		why = "is not a file";
		fix = "reinstall usbroute";
	} else {
		why = "is not executable, so systemd-sleep skips it";
		fix = "chmod 755 it";
	}
	say(d, daemon_up ? UR_INFO : UR_WARN, "sleep", "the systemd-sleep "
	    "hook %s %s: after a suspend or hibernate (this machine offers: "
	    "%s) Linux puts every port back on the xHCI and a VM loses its "
	    "ports%s; %s", path, why, states, daemon_up ? " until usbrouted, "
	    "which runs now, repairs it" : "", fix);
}

void
ur_doctor_run(const struct ur_conf *conf,
    const struct ur_conf_problems *problems,
    const struct ur_doctor_paths *paths, struct ur_doctor *d)
{
	struct ur_machine m;
	struct ur_err err;
	char path[PATH_MAX], pm[16];
	struct ur_err perr;
	struct stat st;
	int up;

	memset(d, 0, sizeof(*d));
	if (open_machine(conf, &m, &err) < 0) {
		say(d, UR_FAIL, "chipset", "%s", err.msg);
		(void)check_lines(d, conf, problems);
		return;
	}
	say(d, UR_OK, "chipset", "%s xHCI at %s [8086:%04x]", m.cs->name,
	    UR_ADDR_XHCI, m.cs->xhci_id);
	check_part(d, &m);
	check_ports(d, &m);
	check_ehci(d, conf, m.cs, 1);
	check_ehci(d, conf, m.cs, 2);
	if (!iommu_on(conf->sysfs_root))
		say(d, UR_FAIL, "iommu", "no IOMMU groups: enable VT-d in the "
		    "BIOS and boot with intel_iommu=on, or no controller can "
		    "be given to a VM");
	if (ur_file_path(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci",
	    conf->sysfs_root) == 0 && stat(path, &st) < 0)
		say(d, UR_INFO, "vfio", "vfio-pci is not loaded (libvirt loads "
		    "it for a managed='yes' hostdev; or 'modprobe vfio-pci')");
	if (ur_power_read(conf->sysfs_root, pm, sizeof(pm), &perr) > 0)
		say(d, UR_OK, "power", "xHCI runtime PM is '%s'; usbroute "
		    "sets it to 'on' while ports are away from the xHCI", pm);
	check_config(d, &m, conf, problems);
	check_table(d, &m);
	check_hook(d, paths->hooks_dir);
	up = check_daemon(d, conf);
	/* No port can move: there is no routing a resume could undo. */
	if (m.switchable != 0)
		check_sleep(d, conf, paths->sleep_dir, up);
	ur_machine_close(&m);
}
