/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the unit tests share: a scratch directory under /tmp, its
 * removal, and reading a simulated xHCI's config space with setpci. */
#ifndef TU_TESTUTIL_H
#define TU_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Makes a fresh directory /tmp/usbroute-NAME-XXXXXX (mkdtemp) and puts
 * its path in buf.  Returns 0, or -1 (errno set; ENAMETOOLONG when the
 * path does not fit in len). */
int tu_tmpdir(char *buf, size_t len, const char *name);

/* Removes path and everything under it, as rm -rf would but without a
 * shell: symbolic links are removed, never followed.  A path that does
 * not exist is already removed.  Returns 0, or -1 (errno set). */
int tu_rmtree(const char *path);

/* The 32-bit register REG (hex offset, e.g. "d0") of 00:14.0 in the
 * simulated /sys at sysfs_root, as setpci reads it: $SETPCI, or setpci
 * from PATH.  0xffffffff when setpci cannot be run, fails, or prints
 * no number. */
uint32_t tu_setpci(const char *sysfs_root, const char *reg);

#endif
