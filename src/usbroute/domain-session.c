/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt side of usbroute domain: the connection, libvirt's errors
 * as one line of ours, and reading our element and the <hostdev> list. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cmd-domain.h"

/* The default handler prints every error on stderr as it happens, often
 * twice; we print one line of our own instead. */
static void
silence(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

int
lverr(struct ur_err *err, const char *fmt, ...)
{
	char what[256], why[256];
	const char *msg;
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	msg = virGetLastErrorMessage();
	snprintf(why, sizeof(why), "%s", msg != NULL ? msg : "unknown error");
	for (p = why; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return ur_errf(err, "%s: %s", what, why);
}

void
session_close(struct session *s)
{
	if (s->dom != NULL)
		virDomainFree(s->dom);
	if (s->conn != NULL)
		virConnectClose(s->conn);
	s->dom = NULL;
	s->conn = NULL;
}

int
session_open(struct session *s, const struct cli *cli, const struct dopts *o,
    struct ur_err *err)
{
	memset(s, 0, sizeof(*s));
	s->name = o->name;
	s->uri = o->uri;
	if (s->uri == NULL)
		s->uri = ur_conf_get(&cli->conf, "libvirt-uri");
	if (s->uri == NULL || s->uri[0] == '\0')
		s->uri = DEFAULT_URI;
	virSetErrorFunc(NULL, silence);
	if ((s->conn = virConnectOpen(s->uri)) == NULL)
		return lverr(err, "cannot connect to %s", s->uri);
	s->dom = virDomainLookupByName(s->conn, s->name);
	/* A UUID names a domain as well as its name does. */
	if (s->dom == NULL && virGetLastErrorCode() == VIR_ERR_NO_DOMAIN &&
	    strlen(s->name) == VIR_UUID_STRING_BUFLEN - 1)
		s->dom = virDomainLookupByUUIDString(s->conn, s->name);
	if (s->dom == NULL) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ||
		    virGetLastErrorCode() == VIR_ERR_INVALID_ARG)
			ur_errf(err, "no domain '%s' on %s; see 'virsh list "
			    "--all'", s->name, s->uri);
		else
			lverr(err, "cannot look up domain '%s' on %s",
			    s->name, s->uri);
		session_close(s);
		return -1;
	}
	return 0;
}


int
meta_read(virDomainPtr dom, unsigned flags, struct ur_domain *d, int *found,
    struct ur_err *err)
{
	char *xml;
	int rc;

	ur_domain_init(d);
	*found = 0;
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
	    UR_META_NS, flags);
	if (xml == NULL) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_METADATA)
			return 0;
		lverr(err, "cannot read the usbroute metadata");
		return META_LIBVIRT;
	}
	*found = 1;
	rc = ur_meta_parse(xml, strlen(xml), d, err);
	free(xml);
	return rc < 0 ? META_BROKEN : 0;
}

int
hostdev_read(virDomainPtr dom, unsigned xmlflags, unsigned *ctrls,
    struct ur_err *err)
{
	struct ur_domain full;
	char *xml;
	int rc;

	if ((xml = virDomainGetXMLDesc(dom, xmlflags)) == NULL)
		return lverr(err, "cannot read the domain XML");
	rc = ur_meta_parse(xml, strlen(xml), &full, err);
	free(xml);
	if (rc < 0)
		return -1;
	*ctrls = full.hostdev_ctrls;
	return 0;
}

/* Reading takes one element; set and unset may write two. */
unsigned
read_flags(const struct dopts *o)
{
	if (o->live)
		return VIR_DOMAIN_AFFECT_LIVE;
	if (o->persistent)
		return VIR_DOMAIN_AFFECT_CONFIG;
	return VIR_DOMAIN_AFFECT_CURRENT;
}

unsigned
xml_flags(const struct dopts *o)
{
	return o->persistent ? VIR_DOMAIN_XML_INACTIVE : 0;
}

int
domain_complete_names(struct cli *cli, int argc, char **argv)
{
	const char *uri = NULL;
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	int i, n;

	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "--connect") == 0 ||
		    strcmp(argv[i], "-c") == 0)
			uri = argv[i + 1];
	if (uri == NULL)
		uri = ur_conf_get(&cli->conf, "libvirt-uri");
	if (uri == NULL || uri[0] == '\0')
		uri = DEFAULT_URI;
	virSetErrorFunc(NULL, silence);
	/* Read-only: listing needs no more, and a user may complete. */
	if ((conn = virConnectOpenReadOnly(uri)) == NULL)
		return EXIT_OK;
	n = virConnectListAllDomains(conn, &doms, 0);
	for (i = 0; i < n; i++) {
		printf("%s\n", virDomainGetName(doms[i]));
		virDomainFree(doms[i]);
	}
	free(doms);
	virConnectClose(conn);
	return EXIT_OK;
}
