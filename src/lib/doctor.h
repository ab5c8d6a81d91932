/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `usbroute doctor`: will routing work on this machine?  Each check
 * looks at one thing (the chipset, the firmware's mask, the EHCIs, the
 * IOMMU, VFIO, the hook, the sleep hook, the daemon, the config and the
 * table) and says
 * what to do when it is not right.  Reads only; never writes. */
#ifndef UR_DOCTOR_H
#define UR_DOCTOR_H

#include "conf.h"

enum ur_level {
	UR_OK,
	UR_INFO,	/* worth knowing, not a problem */
	UR_WARN,	/* works, or works with care */
	UR_FAIL,	/* routing or passthrough will not work until fixed */
};

struct ur_finding {
	enum ur_level level;
	char topic[16];
	char msg[700];
	/* A finding about a line of the config: its file (the conf's
	 * path), line and key; file NULL for any other. */
	const char *file;
	int line;
	char key[32];
};

#define UR_DOCTOR_MAX 64

struct ur_doctor {
	int n;
	struct ur_finding f[UR_DOCTOR_MAX];
};

/* Where doctor looks besides the config's sysfs root (tests point these
 * at a fake root). */
struct ur_doctor_paths {
	const char *hooks_dir;	/* libvirt's hooks (/etc/libvirt/hooks) */
	const char *sleep_dir;	/* systemd's system-sleep hooks */
};

/* problems: the lines of conf's file that are wrong (ur_conf_load_all),
 * each a finding; conf holds the defaults for their keys. */
void ur_doctor_run(const struct ur_conf *conf,
    const struct ur_conf_problems *problems,
    const struct ur_doctor_paths *paths, struct ur_doctor *d);

/* The worst level found. */
enum ur_level ur_doctor_worst(const struct ur_doctor *d);

const char *ur_doctor_level_name(enum ur_level level);

#endif
