/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ur_conf_load on an arbitrary file, read through a memfd as
 * /proc/self/fd/N.  Invariants: a failure carries a one-line message; a
 * success holds absolute paths, a timeout in range, valid and distinct
 * port names with words, ss-pairs in range and only known extra keys,
 * each once; every port name resolves (or fails cleanly) through
 * ur_ports_parse.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"
#include "ports.h"

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
valid_name(const char *s)
{
	return s[0] != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(s);
}

static void
check_conf(const struct ur_conf *c)
{
	const struct ur_chipset *cs;
	struct ur_err err;
	uint16_t mask;
	int i, j;

	FUZZ_CHECK(terminated(c->sysfs_root, sizeof(c->sysfs_root)));
	FUZZ_CHECK(terminated(c->state_dir, sizeof(c->state_dir)));
	FUZZ_CHECK(c->sysfs_root[0] == '/' && c->state_dir[0] == '/');
	FUZZ_CHECK(c->lock_timeout_ms >= 0 && c->lock_timeout_ms <= 600000);
	FUZZ_CHECK(c->nnames >= 0 && c->nnames <= UR_CONF_MAX_NAMES);
	FUZZ_CHECK(c->npairs >= 0 && c->npairs <= UR_MAX_PORTS);
	FUZZ_CHECK(c->nextra >= 0 && c->nextra <= UR_CONF_MAX_EXTRA);
	for (i = 0; i < c->nnames; i++) {
		FUZZ_CHECK(terminated(c->names[i].name,
		    sizeof(c->names[i].name)));
		FUZZ_CHECK(terminated(c->names[i].words,
		    sizeof(c->names[i].words)));
		FUZZ_CHECK(valid_name(c->names[i].name));
		FUZZ_CHECK(c->names[i].words[0] != '\0');
		FUZZ_CHECK(c->names[i].line > 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c->names[i].name,
			    c->names[j].name) != 0);
	}
	for (i = 0; i < c->npairs; i++) {
		FUZZ_CHECK(terminated(c->pairs[i].word,
		    sizeof(c->pairs[i].word)));
		FUZZ_CHECK(c->pairs[i].ss_port >= 1 &&
		    c->pairs[i].ss_port <= UR_MAX_SS_PORTS);
		FUZZ_CHECK(c->pairs[i].line > 0);
	}
	for (i = 0; i < c->nextra; i++) {
		FUZZ_CHECK(terminated(c->extra[i].key,
		    sizeof(c->extra[i].key)));
		FUZZ_CHECK(terminated(c->extra[i].value,
		    sizeof(c->extra[i].value)));
		FUZZ_CHECK(c->extra[i].line > 0);
		FUZZ_CHECK(ur_conf_get(c, c->extra[i].key) ==
		    c->extra[i].value);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c->extra[i].key,
			    c->extra[j].key) != 0);
	}

	/* What the programs do with the names next. */
	cs = ur_chipset_by_key("8-series");
	FUZZ_CHECK(cs != NULL);
	for (i = 0; i < c->nnames; i++) {
		fuzz_err_init(&err);
		if (ur_ports_parse(c->names[i].name, cs, c, cs->port_mask,
		    cs->port_mask, &mask, &err) == 0)
			FUZZ_CHECK(mask != 0 && (mask & ~cs->port_mask) == 0);
		else
			fuzz_check_msg(&err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ur_conf c;
	struct ur_err err;
	char path[64];
	size_t off;
	ssize_t w;
	int fd, rc;

	if ((fd = memfd_create("fuzz-conf", MFD_CLOEXEC)) < 0)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = write(fd, data + off, size - off)) <= 0)
			abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fuzz_err_init(&err);
	rc = ur_conf_load(&c, path, 0, &err);
	close(fd);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		fuzz_check_msg(&err);
		return 0;
	}
	check_conf(&c);
	return 0;
}
