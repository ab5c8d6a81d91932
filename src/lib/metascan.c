/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "meta.h"
#include "metascan.h"

/*
 * A small XML tokenizer, enough to walk a well-formed document's
 * element tree: tags with their attributes (quoted values may hold '>'),
 * text, CDATA, and comments and processing instructions skipped whole.
 * It does not check well-formedness; the parser does that where it
 * matters.  What it cannot walk (a <!DOCTYPE>, an unterminated
 * construct) is T_BAD, and callers refuse rather than guess.
 */
enum tok { T_END, T_TEXT, T_CDATA, T_SKIP, T_OPEN, T_EMPTY, T_CLOSE, T_BAD };

struct scan {
	const char *p, *end;
};

struct token {
	enum tok kind;
	const char *s;		/* element name, or text */
	size_t n;
	long nattrs;
	int xmlns;		/* a default namespace: 0 none, 1 xmlns="",
				 * 2 xmlns="something" */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *
find(const char *p, const char *end, const char *what)
{
	return memmem(p, (size_t)(end - p), what, strlen(what));
}

static int
starts(const struct scan *sc, const char *what)
{
	size_t n = strlen(what);

	return (size_t)(sc->end - sc->p) >= n && memcmp(sc->p, what, n) == 0;
}

static void
skip_blanks(struct scan *sc)
{
	while (sc->p < sc->end && is_blank(*sc->p))
		sc->p++;
}

/* A name: up to a blank, '=', '/', '>' or '<'. */
static size_t
name_len(const struct scan *sc)
{
	const char *q = sc->p;

	while (q < sc->end && !is_blank(*q) && *q != '=' && *q != '/' &&
	    *q != '>' && *q != '<')
		q++;
	return (size_t)(q - sc->p);
}

/* Skips "<!--...-->", "<?...?>" or "<![CDATA[...]]>" from sc->p. */
static enum tok
delimited(struct scan *sc, struct token *t, size_t open, const char *close)
{
	const char *q = find(sc->p + open, sc->end, close);

	if (q == NULL)
		return T_BAD;
	t->s = sc->p + open;
	t->n = (size_t)(q - t->s);
	sc->p = q + strlen(close);
	return T_SKIP;
}

static enum tok
attributes(struct scan *sc, struct token *t)
{
	const char *name, *q;
	size_t n;
	char quote;

	for (;;) {
		skip_blanks(sc);
		if (starts(sc, "/>")) {
			sc->p += 2;
			return T_EMPTY;
		}
		if (starts(sc, ">")) {
			sc->p++;
			return T_OPEN;
		}
		name = sc->p;
		if ((n = name_len(sc)) == 0)
			return T_BAD;
		sc->p += n;
		skip_blanks(sc);
		if (!starts(sc, "="))
			return T_BAD;
		sc->p++;
		skip_blanks(sc);
		if (sc->p == sc->end || (*sc->p != '"' && *sc->p != '\''))
			return T_BAD;
		quote = *sc->p++;
		if ((q = memchr(sc->p, quote, (size_t)(sc->end - sc->p))) ==
		    NULL)
			return T_BAD;
		if (n == 5 && memcmp(name, "xmlns", 5) == 0)
			t->xmlns = q == sc->p ? 1 : 2;
		t->nattrs++;
		sc->p = q + 1;
	}
}

static enum tok
tag(struct scan *sc, struct token *t)
{
	int close = starts(sc, "</");

	sc->p += close ? 2 : 1;
	t->s = sc->p;
	if ((t->n = name_len(sc)) == 0)
		return T_BAD;
	sc->p += t->n;
	if (!close)
		return attributes(sc, t);
	skip_blanks(sc);
	if (!starts(sc, ">"))
		return T_BAD;
	sc->p++;
	return T_CLOSE;
}

static enum tok
next(struct scan *sc, struct token *t)
{
	const char *lt;

	memset(t, 0, sizeof(*t));
	if (sc->p >= sc->end)
		return t->kind = T_END;
	if (*sc->p != '<') {
		lt = memchr(sc->p, '<', (size_t)(sc->end - sc->p));
		t->s = sc->p;
		sc->p = lt != NULL ? lt : sc->end;
		t->n = (size_t)(sc->p - t->s);
		return t->kind = T_TEXT;
	}
	if (starts(sc, "<!--"))
		return t->kind = delimited(sc, t, 4, "-->");
	if (starts(sc, "<![CDATA[")) {
		t->kind = delimited(sc, t, 9, "]]>");
		return t->kind = t->kind == T_SKIP ? T_CDATA : T_BAD;
	}
	if (starts(sc, "<?"))
		return t->kind = delimited(sc, t, 2, "?>");
	if (starts(sc, "<!"))
		return t->kind = T_BAD;	/* <!DOCTYPE: the parser refuses it */
	return t->kind = tag(sc, t);
}

static int
named(const struct token *t, const char *name)
{
	return t->n == strlen(name) && memcmp(t->s, name, t->n) == 0;
}

int
ur_metascan_mentions(const char *xml, size_t len)
{
	return xml != NULL &&
	    memmem(xml, len, UR_META_NS, sizeof(UR_META_NS) - 1) != NULL;
}

/* The text of the <uuid> element just opened, up to its close tag, as
 * the parser's content of it (text and CDATA; comments and PIs are not
 * content).  1, or -1 if it holds an element or is not a UUID. */
static int
uuid_text(struct scan *sc, char *uuid, size_t size)
{
	char buf[128];
	size_t n = 0, i, j;
	struct token t;

	for (;;) {
		switch (next(sc, &t)) {
		case T_TEXT:
		case T_CDATA:
			if (t.n >= sizeof(buf) - n)
				return -1;
			memcpy(buf + n, t.s, t.n);
			n += t.n;
			continue;
		case T_SKIP:
			continue;
		case T_CLOSE:
			if (!named(&t, "uuid"))
				return -1;
			break;
		default:
			return -1;
		}
		break;
	}
	for (i = 0; i < n && is_blank(buf[i]); i++)
		;
	while (n > i && is_blank(buf[n - 1]))
		n--;
	if (n == i || n - i >= size)
		return -1;
	for (j = i; j < n; j++)
		if (!isxdigit((unsigned char)buf[j]) && buf[j] != '-')
			return -1;
	memcpy(uuid, buf + i, n - i);
	uuid[n - i] = '\0';
	return 1;
}

int
ur_metascan_uuid(const char *xml, size_t len, char *uuid, size_t size)
{
	struct scan sc = { xml, xml + len };
	struct token t;
	int depth = 0;

	if (xml == NULL || size == 0)
		return -1;
	for (;;) {
		switch (next(&sc, &t)) {
		case T_END:
			return -1;	/* the root never closed */
		case T_BAD:
			return -1;
		case T_TEXT:
		case T_CDATA:
		case T_SKIP:
			continue;
		case T_CLOSE:
			if (--depth <= 0)
				return depth == 0 ? 0 : -1;
			continue;
		case T_EMPTY:
		case T_OPEN:
			break;
		}
		if (depth == 0 && (!named(&t, "domain") || t.xmlns == 2))
			return 0;	/* not a domain: it has no uuid */
		if (depth == 1 && named(&t, "uuid") && t.xmlns != 2)
			return t.kind == T_EMPTY ? -1 :
			    uuid_text(&sc, uuid, size);
		if (t.kind == T_OPEN)
			depth++;
		else if (depth == 0)
			return 0;	/* <domain/> */
	}
}

int
ur_metascan_identity(const char *xml, size_t len, const char *name,
    char *id, size_t size, struct ur_err *err)
{
	size_t n = strlen(name);
	char show[80];

	ur_err_esc(name, show, sizeof(show));
	switch (ur_metascan_uuid(xml, len, id, size)) {
	case 1:
		return 0;
	case 0:
		if (n == 0)
			return ur_errf(err, "the domain has no <uuid> and no "
			    "name: nothing to know it by");
		if (n >= size)
			return ur_errf(err, "domain %s has no <uuid>, and its "
			    "name (%zu bytes) is longer than the %zu usbroute "
			    "keeps whole as its identity; give it a <uuid>",
			    show, n, size - 1);
		memcpy(id, name, n + 1);
		return 0;
	}
	return ur_errf(err, "domain %s: its <uuid> is not a UUID (hex digits "
	    "and dashes, at most %zu), or the XML cannot be read up to it; "
	    "pass the XML libvirt wrote", show, size - 1);
}

int
ur_metascan_bounded(const char *xml, size_t len, struct ur_err *err)
{
	struct scan sc = { xml, xml + len };
	struct token t;

	if (xml == NULL)
		return 0;
	while (next(&sc, &t) != T_END && t.kind != T_BAD)
		if (t.nattrs > UR_METASCAN_MAX_ATTRS)
			return ur_errf(err, "domain XML has an element <%.*s> "
			    "with more than %d attributes; refused before "
			    "parsing (libvirt writes a dozen at most, and "
			    "libxml2 would take minutes)",
			    (int)(t.n > 32 ? 32 : t.n), t.s,
			    UR_METASCAN_MAX_ATTRS);
	return 0;
}
