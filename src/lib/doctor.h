/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `usbroute doctor`: will routing work on this machine?  Each check
 * looks at one thing (the chipset, the firmware's mask, the EHCIs, the
 * IOMMU, VFIO, the hook, the daemon, the config and the table) and says
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
	char msg[400];
};

#define UR_DOCTOR_MAX 32

struct ur_doctor {
	int n;
	struct ur_finding f[UR_DOCTOR_MAX];
};

/* hooks_dir: libvirt's hooks directory (/etc/libvirt/hooks). */
void ur_doctor_run(const struct ur_conf *conf, const char *hooks_dir,
    struct ur_doctor *d);

/* The worst level found. */
enum ur_level ur_doctor_worst(const struct ur_doctor *d);

const char *ur_doctor_level_name(enum ur_level level);

#endif
