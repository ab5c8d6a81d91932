/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbroute-hook: installed as /etc/libvirt/hooks/qemu (or
 * qemu.d/usbroute).  libvirt runs it for every domain and every
 * operation, so this front does only what is cheap: it decides whether
 * the call is one of ours (hookop.c's table) and the domain too, by
 * looking at the XML as text, and if it is, execs the operation's worker
 * (usbroute-hook-run: libxml2, libpci; usbroute-hook-release: libpci)
 * with the XML on a memfd as its standard input.  exec, not fork: no
 * child is ever left behind.
 *
 * Links libc only: see 'make bench'.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "fileio.h"
#include "hookop.h"
#include "metascan.h"
#include "state.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/libexec"
#endif
#define HOOK_DIR LIBEXECDIR "/usbroute"

/* Does the domain hold ports in the ownership table?  Its identity as
 * the workers find it (metascan.c); read under the lock, through
 * state.c (libc only). */
static int
in_table(const struct ur_conf *conf, const char *xml, size_t len,
    const char *name)
{
	struct ur_err err;
	char uuid[64];
	int rc;

	if (ur_metascan_identity(xml, len, name, uuid, sizeof(uuid), &err) < 0)
		return 0;
	rc = ur_state_holds(conf->state_dir, uuid, conf->lock_timeout_ms,
	    &err);
	/* A table we cannot read is not this domain's business. */
	return rc > 0;
}

/* The worker for op: hook-helper names usbroute-hook-run; the others
 * are beside it. */
static int
worker_path(const struct ur_conf *conf, const struct hook_op *op,
    char *path, size_t size)
{
	const char *helper = ur_conf_get(conf, "hook-helper");
	const char *slash;
	int n;

	if (helper == NULL)
		n = snprintf(path, size, "%s/%s", HOOK_DIR, op->worker);
	else if (strcmp(op->worker, HOOK_RUN_NAME) == 0)
		n = snprintf(path, size, "%s", helper);
	else if ((slash = strrchr(helper, '/')) == NULL)
		n = snprintf(path, size, "%s", op->worker);
	else
		n = snprintf(path, size, "%.*s/%s", (int)(slash - helper),
		    helper, op->worker);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int
run(char **argv, const char *xml, size_t len, const char *helper)
{
	size_t off = 0;
	ssize_t w;
	int fd;

	fd = memfd_create("usbroute-domain-xml", 0);
	if (fd < 0) {
		fprintf(stderr, "usbroute: cannot create a memfd: %s\n",
		    strerror(errno));
		return 1;
	}
	while (off < len) {
		w = write(fd, xml + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "usbroute: cannot buffer the domain "
			    "XML: %s\n", strerror(errno));
			return 1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, 0) < 0) {
		fprintf(stderr, "usbroute: cannot pass the domain XML on: %s\n",
		    strerror(errno));
		return 1;
	}
	close(fd);
	execv(helper, argv);
	fprintf(stderr, "usbroute: cannot run %s: %s; reinstall usbroute\n",
	    helper, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	const struct hook_op *op;
	struct ur_conf conf;
	struct ur_err err;
	char helper[4096];
	char *xml;
	size_t len;
	int ours, rc;

	if (argc == 2 && strcmp(argv[1], "--config-path") == 0) {
		printf("%s\n", ur_conf_default_path());
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMAIN OPERATION SUB-OPERATION "
		    "[EXTRA]\nlibvirt's qemu hook; see usbroute-hook(8)\n",
		    argv[0]);
		return 2;
	}
	/* Every other operation exits at once, without reading stdin
	 * (libvirt ignores the EPIPE). */
	if ((op = hook_op_find(argv[2], argv[3])) == NULL)
		return 0;
	xml = ur_read_all(0, HOOK_MAX_XML, &len);
	if (xml == NULL) {
		fprintf(stderr, "usbroute: cannot read the domain XML of %s: "
		    "%s\n", argv[1], strerror(errno));
		return 1;
	}
	ours = ur_metascan_mentions(xml, len);
	if (!ours && !op->by_table) {
		free(xml);
		return 0;
	}
	if (ur_conf_load(&conf, ur_conf_default_path(), 1, &err) < 0) {
		fprintf(stderr, "usbroute: %s\n", err.msg);
		free(xml);
		return 1;
	}
	/* A domain without our element can still hold ports: its metadata
	 * may have been removed with `virsh metadata --live` while it ran. */
	if (!ours && !in_table(&conf, xml, len, argv[1])) {
		free(xml);
		return 0;
	}
	if (worker_path(&conf, op, helper, sizeof(helper)) < 0) {
		fprintf(stderr, "usbroute: hook-helper path too long\n");
		free(xml);
		return 1;
	}
	rc = run(argv, xml, len, helper);
	free(xml);
	return rc;
}
