/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

int
tu_tmpdir(char *buf, size_t len, const char *name)
{
	int n;

	n = snprintf(buf, len, "/tmp/usbroute-%s-XXXXXX", name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(buf) == NULL ? -1 : 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* FTW_DEPTH: a directory comes after its contents.  One that could
	 * not be read is tried as well; rmdir says why if it is not empty. */
	if (flag == FTW_DP || flag == FTW_DNR)
		return rmdir(path);
	return unlink(path);
}

int
tu_rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

uint32_t
tu_setpci(const char *sysfs_root, const char *reg)
{
	const char *setpci = getenv("SETPCI");
	char cmd[1024], out[32], *end;
	unsigned long v = 0;
	FILE *p;
	int n, ok;

	if (setpci == NULL || *setpci == '\0')
		setpci = "setpci";
	/* Quoted for the shell popen runs; a quote in either would need
	 * more than that, and no test has one. */
	if (strchr(setpci, '\'') != NULL || strchr(sysfs_root, '\'') != NULL ||
	    strchr(reg, '\'') != NULL)
		return 0xffffffff;
	n = snprintf(cmd, sizeof(cmd), "'%s' -A linux-sysfs -O "
	    "'sysfs.path=%s/bus/pci' -s 00:14.0 '%s.l'", setpci, sysfs_root,
	    reg);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return 0xffffffff;
	p = popen(cmd, "r");
	if (p == NULL)
		return 0xffffffff;
	ok = fgets(out, sizeof(out), p) != NULL;
	if (ok) {
		errno = 0;
		v = strtoul(out, &end, 16);
		ok = end != out && (*end == '\n' || *end == '\0') &&
		    errno == 0 && v <= 0xffffffff;
	}
	if (pclose(p) != 0)
		ok = 0;
	return ok ? (uint32_t)v : 0xffffffff;
}
