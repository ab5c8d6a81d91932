/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_metachan_path on arbitrary XML, for the toggle device its metadata
 * names as usbrouted does (else one of the aliases the examples use,
 * picked by the last byte).  Invariants: a success gives a non-empty socket path that fits,
 * and fits again in exactly strlen + 1 bytes but not in strlen; a
 * failure carries a one-line message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "meta.h"
#include "metachan.h"

#define PATH_MAX_SUN 108	/* sizeof(sun_path) */

static const char *const aliases[] = {
	"serial0", "ua-usbroute", "console0", "channel0",
};

static int
channel(const char *xml, size_t size, const char *alias, char *path,
    size_t len, struct ur_err *err)
{
	int rc;

	fuzz_err_init(err);
	rc = ur_metachan_path(xml, size, alias, path, len, err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		fuzz_check_msg(err);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_domain d;
	char path[PATH_MAX_SUN];
	const char *alias;
	struct ur_err err;
	char *xml, *small;
	size_t n;

	if ((xml = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(xml, data, size);
	if (ur_meta_parse(xml, size, &d, &err) == 0 &&
	    d.toggle_device[0] != '\0')
		alias = d.toggle_device;
	else
		alias = aliases[size > 0 ? data[size - 1] % 4 : 0];
	memset(path, 0xa5, sizeof(path));
	if (channel(xml, size, alias, path, sizeof(path), &err) == 0) {
		n = strnlen(path, sizeof(path));
		FUZZ_CHECK(n > 0 && n < sizeof(path));
		if ((small = malloc(n + 1)) == NULL)
			abort();
		FUZZ_CHECK(channel(xml, size, alias, small, n + 1, &err) == 0);
		FUZZ_CHECK(strcmp(small, path) == 0);
		FUZZ_CHECK(channel(xml, size, alias, small, n, &err) == -1);
		free(small);
	}
	free(xml);
	return 0;
}
