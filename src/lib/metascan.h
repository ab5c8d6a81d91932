/* Looking at domain XML without an XML parser: the hook's fast path.
 * libvirt runs the hook for every domain; a domain that is none of ours
 * must not cost the loading of libxml2 and libpci. */
#ifndef UR_METASCAN_H
#define UR_METASCAN_H

#include <stddef.h>

/* Can this text hold our element at all (does it name our namespace)? */
int ur_metascan_mentions(const char *xml, size_t len);

/* The text of the first <uuid> element (libvirt writes the domain's own
 * first, directly under <domain>).  Returns 0, or -1 if there is none. */
int ur_metascan_uuid(const char *xml, size_t len, char *uuid, size_t size);

#endif
