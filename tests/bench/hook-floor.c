/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For 'make bench': the least a hook built on libpci and libxml2 can
 * cost, a process that loads them and does no work.  "hook-floor xml" is
 * a prepare (libpci, and libxml2 with its ICU and libstdc++, loaded as
 * the hook loads its reader); "hook-floor" is a release (libpci).
 */
#include <dlfcn.h>
#include <string.h>

#include <pci/pci.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "xml") == 0 &&
	    dlopen("libxml2.so.2", RTLD_LAZY | RTLD_LOCAL) == NULL)
		return 1;
	/* Referenced, never called: keeps libpci linked. */
	if (argc > 99)
		pci_cleanup(pci_alloc());
	return 0;
}
