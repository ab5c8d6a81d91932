/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chipset.h"
#include "file.h"
#include "power.h"

static int
control_path(const char *sysfs_root, char *buf, size_t len)
{
	return ur_file_path(buf, len, "%s/bus/pci/devices/%s/power/control",
	    sysfs_root, UR_ADDR_XHCI);
}

int
ur_power_read(const char *sysfs_root, char *buf, size_t len,
    struct ur_err *err)
{
	char path[4096];

	if (control_path(sysfs_root, path, sizeof(path)) < 0)
		return ur_errf(err, "sysfs root path too long");
	if (ur_file_read_attr(path, buf, len) < 0) {
		buf[0] = '\0';
		if (errno == ENOENT)
			return 0;	/* kernel without runtime PM */
		return ur_errf(err, "cannot read %s: %s", path,
		    strerror(errno));
	}
	return 1;
}

int
ur_power_hold(const char *sysfs_root, char *saved, size_t len,
    struct ur_err *err)
{
	char cur[16];

	switch (ur_power_read(sysfs_root, cur, sizeof(cur), err)) {
	case -1:
		return -1;
	case 0:
		return 0;	/* kernel without runtime PM */
	}
	return ur_power_hold_from(sysfs_root, cur, saved, len, err);
}

int
ur_power_hold_from(const char *sysfs_root, const char *cur, char *saved,
    size_t len, struct ur_err *err)
{
	char path[4096];

	if (control_path(sysfs_root, path, sizeof(path)) < 0)
		return ur_errf(err, "sysfs root path too long");
	if (strcmp(cur, "on") == 0) {
		/* Already on: by us (saved set) or by the admin; either way
		 * nothing to remember beyond what we have. */
		if (saved[0] == '\0')
			snprintf(saved, len, "on");
		return 0;
	}
	if (ur_file_write_attr(path, "on", err) < 0)
		return ur_err_prefix(err, "cannot keep the xHCI powered while "
		    "ports are routed away from it");
	/* Set again after someone (TLP, powertop) put it back: the value
	 * to restore is still the first one. */
	if (saved[0] == '\0')
		snprintf(saved, len, "%s", cur);
	return 0;
}

int
ur_power_release(const char *sysfs_root, char *saved, struct ur_err *err)
{
	char path[4096];

	if (saved[0] == '\0')
		return 0;
	if (control_path(sysfs_root, path, sizeof(path)) < 0)
		return ur_errf(err, "sysfs root path too long");
	if (strcmp(saved, "on") != 0 && ur_file_write_attr(path, saved, err) < 0)
		return -1;
	saved[0] = '\0';
	return 0;
}
