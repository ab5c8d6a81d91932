/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fileio.h"
#include "metascan.h"
#include "worker.h"

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

static int
hook_start(struct hook *h, int argc, char **argv, int *rc)
{
	struct ur_err err;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMAIN OPERATION SUB-OPERATION "
		    "[EXTRA...] < domain.xml\n", argv[0]);
		*rc = 2;
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->name = argv[1];
	h->dom = ur_err_esc(argv[1], h->dom_show, sizeof(h->dom_show));
	h->op = argv[2];
	if ((h->what = hook_op_find(argv[2], argv[3])) == NULL) {
		*rc = 0;
		return -1;
	}
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
	h->xml = ur_read_all(0, HOOK_MAX_XML, &h->len);
	if (h->xml == NULL) {
		*rc = hook_refuse(h, "cannot read the domain XML of %s: %s",
		    h->dom, strerror(errno));
		return -1;
	}
	h->id_rc = ur_metascan_identity(h->xml, h->len, h->name, h->id,
	    sizeof(h->id), &h->id_err);
	return 0;
}

int
hook_main(int argc, char **argv, const hook_fn fns[HOOK_NOPS])
{
	struct hook h;
	int rc;

	if (hook_start(&h, argc, argv, &rc) < 0)
		return rc;
	if (fns[h.what->id] != NULL)
		rc = fns[h.what->id](&h);
	else
		rc = hook_refuse(&h, "internal error: %s %s is %s's work, "
		    "not %s's", h.op, h.what->sub, h.what->worker, argv[0]);
	free(h.xml);
	closelog();
	return rc;
}
