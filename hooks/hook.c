/*
 * usbroute-hook: installed as /etc/libvirt/hooks/qemu (or
 * qemu.d/usbroute).  libvirt runs it for every domain and every
 * operation, so this front does only what is cheap: it decides whether
 * the domain is one of ours by looking at the XML as text, and if it is,
 * execs usbroute-hook-run (libxml2, libpci) with the XML on a memfd as
 * its standard input.  exec, not fork: no child is ever left behind.
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
#include "metascan.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/libexec"
#endif
#define HOOK_RUN LIBEXECDIR "/usbroute/usbroute-hook-run"

/* libvirt's domain XML is tens of KiB; this bounds a hostile stdin. */
#define MAX_XML (16u << 20)

static int
wanted(const char *op, const char *sub)
{
	return (strcmp(op, "prepare") == 0 && strcmp(sub, "begin") == 0) ||
	    (strcmp(op, "release") == 0 && strcmp(sub, "end") == 0) ||
	    (strcmp(op, "reconnect") == 0 && strcmp(sub, "begin") == 0) ||
	    (strcmp(op, "migrate") == 0 && strcmp(sub, "begin") == 0);
}

/*
 * A domain without our element can still hold ports: its metadata may
 * have been removed with `virsh metadata --live` while it ran.  On
 * release and reconnect, look for its UUID in the ownership table.
 */
static int
in_table(const struct ur_conf *conf, const char *xml, size_t len,
    const char *name)
{
	char uuid[64], path[4096], owners[16384];
	struct ur_err err;

	/* The identity prepare and release use (metascan.c). */
	if (ur_meta_identity(xml, len, name, uuid, sizeof(uuid), &err) < 0)
		return 0;
	if (ur_path(path, sizeof(path), "%s/owners", conf->state_dir) < 0 ||
	    ur_read_attr(path, owners, sizeof(owners)) < 0)
		return 0;
	return strstr(owners, uuid) != NULL;
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
	struct ur_conf conf;
	struct ur_err err;
	const char *helper;
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
	if (!wanted(argv[2], argv[3]))
		return 0;
	xml = ur_read_all(0, MAX_XML, &len);
	if (xml == NULL) {
		fprintf(stderr, "usbroute: cannot read the domain XML of %s: "
		    "%s\n", argv[1], strerror(errno));
		return 1;
	}
	ours = ur_meta_mentions(xml, len);
	if (!ours && strcmp(argv[2], "release") != 0 &&
	    strcmp(argv[2], "reconnect") != 0) {
		free(xml);
		return 0;
	}
	if (ur_conf_load(&conf, ur_conf_default_path(), 1, &err) < 0) {
		fprintf(stderr, "usbroute: %s\n", err.msg);
		free(xml);
		return 1;
	}
	if (!ours && !in_table(&conf, xml, len, argv[1])) {
		free(xml);
		return 0;
	}
	helper = ur_conf_get(&conf, "hook-helper");
	rc = run(argv, xml, len, helper != NULL ? helper : HOOK_RUN);
	free(xml);
	return rc;
}
