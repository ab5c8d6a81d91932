/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_lspci_parse on arbitrary text.  Invariants: a success has a full
 * 256-byte dump of 00:14.0; every device is either absent (len 0) or
 * holds 1..256 bytes; a failure carries a one-line message; CRLF line
 * ends give the same dump as LF.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lspci.h"

static int
parse(const uint8_t *data, size_t size, struct ur_dump *dump,
    struct ur_err *err)
{
	FILE *f;
	int rc;

	/* fmemopen refuses an empty buffer on some libcs. */
	f = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") :
	    fopen("/dev/null", "re");
	if (f == NULL)
		abort();
	fuzz_err_init(err);
	rc = ur_lspci_parse(f, size % 2 ? NULL : "fuzz.txt", dump, err);
	fclose(f);
	FUZZ_CHECK(rc == 0 || rc == -1);
	return rc;
}

static void
check_dev(const struct ur_dump_dev *d)
{
	FUZZ_CHECK(d->found == 0 || d->found == 1);
	FUZZ_CHECK(d->len >= 0 && d->len <= (int)sizeof(d->cfg));
	FUZZ_CHECK(d->found == (d->len > 0));
}

/* The input with "\r" put before every "\n". */
static uint8_t *
crlf(const uint8_t *data, size_t size, size_t *outlen)
{
	uint8_t *out;
	size_t i, n = 0;

	if ((out = malloc(2 * size + 1)) == NULL)
		abort();
	for (i = 0; i < size; i++) {
		if (data[i] == '\n')
			out[n++] = '\r';
		out[n++] = data[i];
	}
	*outlen = n;
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ur_dump dump, dump2;
	struct ur_err err;
	uint8_t *text2;
	size_t size2;
	int rc, rc2;

	rc = parse(data, size, &dump, &err);
	check_dev(&dump.xhci);
	check_dev(&dump.ehci1);
	check_dev(&dump.ehci2);
	if (rc == 0) {
		FUZZ_CHECK(dump.xhci.found);
		FUZZ_CHECK(dump.xhci.len >= 256);
	} else
		fuzz_check_msg(&err);

	text2 = crlf(data, size, &size2);
	rc2 = parse(text2, size2, &dump2, &err);
	free(text2);
	FUZZ_CHECK(rc2 == rc);
	FUZZ_CHECK(memcmp(&dump, &dump2, sizeof(dump)) == 0);
	return 0;
}
