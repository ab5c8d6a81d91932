/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbroute-hook: installed as /etc/libvirt/hooks/qemu (or
 * qemu.d/usbroute).  libvirt runs it for every domain and every
 * operation, so what it does first is cheap: it decides from hookop.c's
 * table whether the call is one of ours, and from the XML as text
 * whether the domain is (metascan.c).  Only then does it read the
 * config, and only a domain with our metadata makes it load the XML
 * reader (xmlload.c: libxml2 and its ICU are most of what a start
 * costs).  One process, no child: nothing is left behind; see
 * 'make bench'.
 *
 * Never calls the libvirt API (libvirtd is waiting for us: deadlock)
 * and takes the state lock with a timeout.  A refusal is one line on
 * stderr, written to read well inside virsh's "Hook script execution
 * failed" message, and a line in syslog.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "file.h"
#include "hook.h"
#include "hookop.h"
#include "metascan.h"
#include "state.h"

int
hook_refuse(const struct hook *h, const char *fmt, ...)
{
	char raw[768], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* One line whatever the names in it hold. */
	ur_err_esc(raw, msg, sizeof(msg));
	fprintf(stderr, "usbroute: %s\n", msg);
	syslog(LOG_ERR, "%s %s: %s", h->dom, h->op, msg);
	return 1;
}

/* The domain XML on standard input, and whether it is ours at all:
 * 0 to go on, else *rc is the exit status. */
static int
read_xml(struct hook *h, int *rc)
{
	h->xml = ur_file_read_all(0, HOOK_MAX_XML, &h->len);
	if (h->xml == NULL) {
		fprintf(stderr, "usbroute: cannot read the domain XML of %s: "
		    "%s\n", h->dom, strerror(errno));
		*rc = 1;
		return -1;
	}
	h->ours = ur_metascan_mentions(h->xml, h->len);
	*rc = 0;
	return h->ours || h->what->by_table ? 0 : -1;
}

/* A domain without our element can still hold ports: its metadata may
 * have been removed with `virsh metadata --live` while it ran.  Looked
 * up under the lock, without reading the table into the library. */
static int
in_table(const struct hook *h)
{
	struct ur_err err;

	if (h->id_rc < 0)
		return 0;
	/* A table we cannot read is not this domain's business. */
	return ur_state_holds(h->conf.state_dir, h->id,
	    h->conf.lock_timeout_ms, &err) > 0;
}

static int
start(struct hook *h, int argc, char **argv, int *rc)
{
	struct ur_err err;
	int i;

	memset(h, 0, sizeof(*h));
	h->name = argv[1];
	h->dom = ur_err_esc(argv[1], h->dom_show, sizeof(h->dom_show));
	h->op = argv[2];
	/* Every other operation exits at once, without reading stdin
	 * (libvirt ignores the EPIPE). */
	if ((h->what = hook_op_find(argv[2], argv[3])) == NULL) {
		*rc = 0;
		return -1;
	}
	if (read_xml(h, rc) < 0)
		return -1;
	for (i = 4; i < argc; i++) {
		size_t n = strlen(h->extra);

		if (strcmp(argv[i], "-") != 0)
			snprintf(h->extra + n, sizeof(h->extra) - n, "%s%s",
			    n ? " " : "", argv[i]);
	}
	openlog("usbroute-hook", LOG_PID, LOG_DAEMON);
	if (ur_conf_load(&h->conf, ur_conf_default_path(), 1, &err) < 0) {
		*rc = hook_refuse(h, "%s", err.msg);
		return -1;
	}
	h->id_rc = ur_metascan_identity(h->xml, h->len, h->name, h->id,
	    sizeof(h->id), &h->id_err);
	if (!h->ours && !in_table(h)) {
		*rc = 0;
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct hook h;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--config-path") == 0) {
		printf("%s\n", ur_conf_default_path());
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMAIN OPERATION SUB-OPERATION "
		    "[EXTRA...] < domain.xml\nlibvirt's qemu hook; see "
		    "usbroute-hook(8)\n", argv[0]);
		return 2;
	}
	if (start(&h, argc, argv, &rc) == 0)
		rc = h.what->run(&h);
	free(h.xml);
	closelog();
	return rc;
}
