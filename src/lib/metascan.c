#include "config.h"

#include <ctype.h>
#include <string.h>

#include "meta.h"
#include "metascan.h"

int
ur_metascan_mentions(const char *xml, size_t len)
{
	return xml != NULL &&
	    memmem(xml, len, UR_META_NS, sizeof(UR_META_NS) - 1) != NULL;
}

int
ur_metascan_uuid(const char *xml, size_t len, char *uuid, size_t size)
{
	const char *p, *q, *end = xml + len;
	size_t n;

	p = memmem(xml, len, "<uuid>", 6);
	if (p == NULL)
		return -1;
	p += 6;
	q = memmem(p, (size_t)(end - p), "</uuid>", 7);
	if (q == NULL)
		return -1;
	while (p < q && isspace((unsigned char)*p))
		p++;
	while (q > p && isspace((unsigned char)q[-1]))
		q--;
	n = (size_t)(q - p);
	/* A NUL would cut the copy short of the text it claims to be. */
	if (n == 0 || n >= size || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(uuid, p, n);
	uuid[n] = '\0';
	return 0;
}
