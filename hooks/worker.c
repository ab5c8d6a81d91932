#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fileio.h"
#include "worker.h"

int
hook_refuse(const struct hook *h, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "usbroute: %s\n", msg);
	syslog(LOG_ERR, "%s %s: %s", h->dom, h->op, msg);
	return 1;
}

int
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
	h->dom = argv[1];
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
	return 0;
}

void
hook_end(struct hook *h)
{
	free(h->xml);
	h->xml = NULL;
	closelog();
}
