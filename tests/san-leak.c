/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Leaks on purpose, for tests/sanitizer-reports.sh: proves that a program
 * of a sanitized build writes its report to the report directory even
 * when started, as libvirtd starts the hook, with an empty environment.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	static char *volatile sink;
	char *p = malloc(4242);

	if (!p)
		return 1;
	sink = p;
	sink = NULL;	/* the only pointer is gone: a definite leak */
	return sink != NULL;
}
