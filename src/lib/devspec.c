/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "devspec.h"

/* 1 to 4 hex digits, as lsusb and sysfs write an id. */
static int
hex16(const char *s, size_t n, uint16_t *v)
{
	size_t i;
	unsigned x = 0;

	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		x = x * 16 + (unsigned)(isdigit((unsigned char)s[i]) ?
		    s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	*v = (uint16_t)x;
	return 0;
}

int
ur_devspec_parse(const char *word, struct ur_devspec *s, struct ur_err *err)
{
	const char *colon, *slash, *p;
	size_t idlen;

	memset(s, 0, sizeof(*s));
	slash = strchr(word, '/');
	idlen = slash != NULL ? (size_t)(slash - word) : strlen(word);
	colon = memchr(word, ':', idlen);
	if (colon == NULL ||
	    hex16(word, (size_t)(colon - word), &s->vid) < 0 ||
	    hex16(colon + 1, idlen - (size_t)(colon + 1 - word), &s->pid) < 0)
		return ur_errf(err, "device '%.40s' is not VENDOR:PRODUCT in hex "
		    "as lsusb shows it, like 046d:c52b (or 046d:c52b/SERIAL)",
		    word);
	if (slash == NULL)
		return 0;
	p = slash + 1;
	if (*p == '\0')
		return ur_errf(err, "device '%.40s' has an empty serial after "
		    "'/'; give the serial or drop the '/'", word);
	if (strlen(p) >= sizeof(s->serial))
		return ur_errf(err, "device '%.40s...': the serial is longer "
		    "than the %zu characters usbroute matches", word,
		    sizeof(s->serial) - 1);
	/* Blanks and commas separate words; anything else printable is
	 * a serial some device may have. */
	for (; *p != '\0'; p++)
		if (!isgraph((unsigned char)*p))
			return ur_errf(err, "device '%.40s': the serial may hold "
			    "only printable characters", word);
	memcpy(s->serial, slash + 1, strlen(slash + 1) + 1);
	return 0;
}

static int
same(const struct ur_devspec *a, const struct ur_devspec *b)
{
	return a->vid == b->vid && a->pid == b->pid &&
	    strcmp(a->serial, b->serial) == 0;
}

int
ur_devspec_list(const char *words, struct ur_devspec *out, int max, int *n,
    struct ur_err *err)
{
	char word[128], show[96];
	const char *p = words;
	size_t len;
	int i;

	*n = 0;
	for (;;) {
		p += strspn(p, " \t\r\n,");
		if (*p == '\0')
			return 0;
		len = strcspn(p, " \t\r\n,");
		if (len >= sizeof(word))
			return ur_errf(err, "device '%.40s...' is too long; "
			    "write VENDOR:PRODUCT[/SERIAL]", p);
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		if (*n == max)
			return ur_errf(err, "more than %d devices in one "
			    "profile; split them into profiles", max);
		if (ur_devspec_parse(word, &out[*n], err) < 0)
			return -1;
		for (i = 0; i < *n; i++)
			if (same(&out[i], &out[*n])) {
				ur_devspec_format(&out[i], show, sizeof(show));
				return ur_errf(err, "device %s is named twice; "
				    "name it once", show);
			}
		(*n)++;
	}
}

void
ur_devspec_format(const struct ur_devspec *s, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x%s%s", s->vid, s->pid,
	    s->serial[0] ? "/" : "", s->serial);
}

int
ur_devspec_match(const struct ur_devspec *s, uint16_t vid, uint16_t pid,
    const char *serial)
{
	return s->vid == vid && s->pid == pid &&
	    (s->serial[0] == '\0' || strcmp(s->serial, serial) == 0);
}
