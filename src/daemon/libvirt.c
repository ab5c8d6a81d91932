/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libvirt side of the daemon: one connection, its lifecycle events,
 * and the list of running domains that have usbroute metadata.  When
 * libvirtd goes away (restart, upgrade) the connection is reopened every
 * second and the list is read again; guest channels go straight to QEMU,
 * so they survive that.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "usbrouted.h"

static virConnectPtr conn;
static int lifecycle_cb = -1;
static int metadata_cb = -1;
static int reconnect_timer = -1;
static int conn_lost;

static const char *
uri(void)
{
	const char *u = ur_conf_get(&ud.conf, "libvirt-uri");

	return u != NULL ? u : UR_DEFAULT_URI;
}

static void
quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

struct domain *
domain_lookup(const char *key, char *why, size_t len)
{
	struct domain *found = NULL;
	int i, n = 0;

	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!ud.dom[i].used)
			continue;
		if (key == NULL) {
			found = &ud.dom[i];
			n++;
		} else if (strcmp(ud.dom[i].name, key) == 0 ||
		    strcmp(ud.dom[i].uuid, key) == 0) {
			return &ud.dom[i];
		}
	}
	if (key == NULL && n == 1)
		return found;
	if (key == NULL)
		snprintf(why, len, n == 0 ? "no running domain has usbroute "
		    "metadata" : "%d running domains have usbroute metadata; "
		    "name one", n);
	else
		snprintf(why, len, "no running domain '%s' with usbroute "
		    "metadata", key);
	return NULL;
}

static struct domain *
find_uuid(const char *uuid)
{
	int i;

	for (i = 0; i < MAX_DOMAINS; i++)
		if (ud.dom[i].used && strcmp(ud.dom[i].uuid, uuid) == 0)
			return &ud.dom[i];
	return NULL;
}

static void
domain_forget(struct domain *d)
{
	channel_detach(d);
	memset(d, 0, sizeof(*d));
	d->chan.fd = -1;
	d->chan.watch = -1;
	d->retry_timer = -1;
}

static void
domain_drop(struct domain *d)
{
	ud_log(LOG_INFO, "%s: stopped", d->name);
	domain_forget(d);
}

/* A running domain: read its live XML; keep it if it has metadata. */
static void
domain_add(virDomainPtr dom)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct ur_domain meta;
	struct ur_err err;
	struct domain *d;
	char *xml;
	int i;

	if (virDomainGetUUIDString(dom, uuid) < 0)
		return;
	if (find_uuid(uuid) != NULL)
		return;
	xml = virDomainGetXMLDesc(dom, 0);
	if (xml == NULL) {
		ud_log(LOG_WARNING, "%s: cannot read its XML: %s",
		    virDomainGetName(dom), virGetLastErrorMessage());
		return;
	}
	if (ur_meta_parse(xml, strlen(xml), &meta, &err) < 0) {
		ud_log(LOG_WARNING, "%s: %s", virDomainGetName(dom), err.msg);
		free(xml);
		return;
	}
	free(xml);
	if (!meta.has_meta)
		return;
	for (i = 0; i < MAX_DOMAINS && ud.dom[i].used; i++)
		;
	if (i == MAX_DOMAINS) {
		ud_log(LOG_ERR, "%s: more than %d domains with usbroute "
		    "metadata run; not serving it", virDomainGetName(dom),
		    MAX_DOMAINS);
		return;
	}
	d = &ud.dom[i];
	memset(d, 0, sizeof(*d));
	d->used = 1;
	d->chan.fd = -1;
	d->chan.watch = -1;
	d->retry_timer = -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	snprintf(d->name, sizeof(d->name), "%s", virDomainGetName(dom));
	d->meta = meta;
	ud_log(LOG_INFO, "%s: running, %d profile(s)%s%s", d->name,
	    meta.nprofiles, meta.toggle_device[0] ? ", guest toggle on " : "",
	    meta.toggle_device);
	if (meta.toggle_device[0] != '\0')
		channel_attach(d);
}

/* The live XML holds the channel's socket path. */
int
lv_domain_xml(struct domain *d, char **xml)
{
	virDomainPtr dom;

	*xml = NULL;
	if (conn == NULL)
		return -1;
	dom = virDomainLookupByUUIDString(conn, d->uuid);
	if (dom == NULL)
		return -1;
	*xml = virDomainGetXMLDesc(dom, 0);
	virDomainFree(dom);
	return *xml != NULL ? 0 : -1;
}

static int
lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail,
    void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct domain *d;

	(void)c;
	(void)detail;
	(void)opaque;
	if (event == VIR_DOMAIN_EVENT_STARTED) {
		domain_add(dom);
	} else if (event == VIR_DOMAIN_EVENT_STOPPED) {
		if (virDomainGetUUIDString(dom, uuid) == 0 &&
		    (d = find_uuid(uuid)) != NULL)
			domain_drop(d);
	}
	return 0;
}

/* `virsh metadata --live` or `usbroute domain set --live` on a running
 * domain: its profiles and toggle device are read again. */
static void
metadata_changed(virConnectPtr c, virDomainPtr dom, int type,
    const char *nsuri, void *opaque)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct domain *d;

	(void)c;
	(void)opaque;
	if (type != VIR_DOMAIN_METADATA_ELEMENT || nsuri == NULL ||
	    strcmp(nsuri, UR_META_NS) != 0 ||
	    virDomainGetUUIDString(dom, uuid) < 0)
		return;
	if ((d = find_uuid(uuid)) != NULL)
		domain_forget(d);
	/* An edit of a domain that is not running (its definition) is
	 * read when it starts; adding it now would make it "running". */
	if (virDomainIsActive(dom) != 1)
		return;
	domain_add(dom);
	ud_log(LOG_INFO, "%s: usbroute metadata changed; read again",
	    virDomainGetName(dom));
}

/* After (re)connecting: the running domains as they are now. */
static void
sync_domains(void)
{
	virDomainPtr *doms = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int i, j, n, alive;

	n = virConnectListAllDomains(conn, &doms,
	    VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		ud_log(LOG_WARNING, "cannot list domains: %s",
		    virGetLastErrorMessage());
		return;
	}
	/* Forget domains that stopped while we were not listening. */
	for (i = 0; i < MAX_DOMAINS; i++) {
		if (!ud.dom[i].used)
			continue;
		alive = 0;
		for (j = 0; j < n && !alive; j++)
			alive = virDomainGetUUIDString(doms[j], uuid) == 0 &&
			    strcmp(uuid, ud.dom[i].uuid) == 0;
		if (!alive)
			domain_drop(&ud.dom[i]);
	}
	for (j = 0; j < n; j++) {
		domain_add(doms[j]);
		virDomainFree(doms[j]);
	}
	free(doms);
}

static void
closed(virConnectPtr c, int reason, void *opaque)
{
	(void)c;
	(void)opaque;
	ud_log(LOG_WARNING, "lost the connection to libvirtd (reason %d); "
	    "reconnecting", reason);
	/* Not here: libvirt is inside its own callback. The timer closes
	 * the old connection and opens a new one. */
	conn_lost = 1;
	virEventUpdateTimeout(reconnect_timer, 1000);
}

static int
try_connect(void)
{
	conn = virConnectOpen(uri());
	if (conn == NULL)
		return -1;
	if (virConnectRegisterCloseCallback(conn, closed, NULL, NULL) < 0 ||
	    (lifecycle_cb = virConnectDomainEventRegisterAny(conn, NULL,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(lifecycle), NULL, NULL)) < 0 ||
	    (metadata_cb = virConnectDomainEventRegisterAny(conn, NULL,
	    VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
	    VIR_DOMAIN_EVENT_CALLBACK(metadata_changed), NULL, NULL)) < 0) {
		ud_log(LOG_WARNING, "cannot follow domain events on %s: %s",
		    uri(), virGetLastErrorMessage());
		virConnectClose(conn);
		conn = NULL;
		return -1;
	}
	/* Notice a dead libvirtd even when no event comes. */
	(void)virConnectSetKeepAlive(conn, 5, 3);
	ud_log(LOG_INFO, "connected to %s", uri());
	sync_domains();
	return 0;
}

static void
drop_connection(void)
{
	if (conn == NULL)
		return;
	if (lifecycle_cb >= 0)
		(void)virConnectDomainEventDeregisterAny(conn, lifecycle_cb);
	if (metadata_cb >= 0)
		(void)virConnectDomainEventDeregisterAny(conn, metadata_cb);
	lifecycle_cb = metadata_cb = -1;
	(void)virConnectUnregisterCloseCallback(conn, closed);
	virConnectClose(conn);
	conn = NULL;
}

static void
reconnect(int timer, void *opaque)
{
	static int warned;

	(void)timer;
	(void)opaque;
	if (conn_lost) {
		drop_connection();
		conn_lost = 0;
	}
	if (conn != NULL) {
		virEventUpdateTimeout(reconnect_timer, -1);
		return;
	}
	if (try_connect() == 0) {
		warned = 0;
		virEventUpdateTimeout(reconnect_timer, -1);
	} else if (!warned++) {
		ud_log(LOG_WARNING, "cannot connect to %s (%s); trying every "
		    "second", uri(), virGetLastErrorMessage());
	}
}

int
lv_start(void)
{
	int i;

	virSetErrorFunc(NULL, quiet);
	for (i = 0; i < MAX_DOMAINS; i++) {
		ud.dom[i].chan.fd = -1;
		ud.dom[i].chan.watch = -1;
		ud.dom[i].retry_timer = -1;
	}
	reconnect_timer = virEventAddTimeout(-1, reconnect, NULL, NULL);
	if (reconnect_timer < 0)
		return -1;
	reconnect(reconnect_timer, NULL);
	if (conn == NULL)
		virEventUpdateTimeout(reconnect_timer, 1000);
	return 0;
}

void
lv_stop(void)
{
	int i;

	for (i = 0; i < MAX_DOMAINS; i++)
		if (ud.dom[i].used)
			channel_detach(&ud.dom[i]);
	drop_connection();
	if (reconnect_timer >= 0)
		virEventRemoveTimeout(reconnect_timer);
	reconnect_timer = -1;
}
