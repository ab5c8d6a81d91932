/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime PM of the xHCI: Linux re-writes the routing registers when the
 * xHCI resumes, so while ports are away from it its power/control must
 * be "on". */
#ifndef UR_POWER_H
#define UR_POWER_H

#include "err.h"

/* The value power/control has now: 1, or 0 if there is none (a kernel
 * without runtime PM), or -1. */
int ur_power_read(const char *sysfs_root, char *buf, size_t len,
    struct ur_err *err);

/* Sets power/control to "on", storing the value it had in saved (when
 * saved is still empty).  Missing file: nothing to do. */
int ur_power_hold(const char *sysfs_root, char *saved, size_t len,
    struct ur_err *err);

/* The same with cur, the value ur_power_read has just found there: for a
 * caller that has read it already (a commit that records it first). */
int ur_power_hold_from(const char *sysfs_root, const char *cur, char *saved,
    size_t len, struct ur_err *err);

/* Puts back the saved value and empties saved. */
int ur_power_release(const char *sysfs_root, char *saved,
    struct ur_err *err);

#endif
