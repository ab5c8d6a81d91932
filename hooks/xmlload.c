/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the XML reader (xmlreader.h) for a domain with our metadata. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "hook.h"
#include "xmlreader.h"

#ifndef LIBEXECDIR
#define LIBEXECDIR "/usr/local/libexec"
#endif

/* hook-xml-module names it for a build tree; installed, it is in our
 * libexec directory.  Either way a path, never a library search. */
static const char *
module_path(const struct hook *h)
{
	const char *path = ur_conf_get(&h->conf, "hook-xml-module");

	return path != NULL ? path : LIBEXECDIR "/usbroute/" HOOK_XML_MODULE;
}

int
hook_read_meta(struct hook *h, struct ur_domain *d, const char *verb)
{
	const struct hook_xml *x;
	const char *path = module_path(h);
	struct ur_err err;
	void *mod;

	ur_domain_init(d);
	if (!h->ours)
		return 0;
	/* Lazy: binding all of libxml2's and ICU's symbols now would cost
	 * more than the parse. */
	if ((mod = dlopen(path, RTLD_LAZY | RTLD_LOCAL)) == NULL)
		return hook_refuse(h, "cannot %s %s: cannot load the metadata "
		    "reader: %s; reinstall usbroute", verb, h->dom, dlerror());
	/* Never closed: the process ends soon, and an exit unmaps all of
	 * libxml2, ICU and libstdc++ at once, cheaper than dlclose. */
	x = dlsym(mod, HOOK_XML_SYMBOL);
	if (x == NULL || x->abi != HOOK_XML_ABI ||
	    x->domain_size != sizeof(*d) || x->err_size != sizeof(err))
		return hook_refuse(h, "cannot %s %s: %s is not this usbroute's "
		    "metadata reader; reinstall usbroute", verb, h->dom, path);
	if (x->parse(h->xml, h->len, d, &err) < 0)
		return hook_refuse(h, "cannot %s %s: %s", verb, h->dom, err.msg);
	return 0;
}
