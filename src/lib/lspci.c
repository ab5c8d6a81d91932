/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lspci.h"

#define CFG_LEN		256	/* what we keep of each device */
#define CFG_EXT_LEN	4096	/* offsets lspci -xxxx can print */
#define LINE_BYTES	16

/*
 * The bytes of one device block as they come in.  They are committed to
 * the dump only when the block ends, so that a block without hex lines
 * (GRUB's `lspci`, a plain `lspci` listing further down the file) cannot
 * wipe out a block that had them.
 */
struct block {
	struct ur_dump_dev *dst;	/* NULL: a device we do not keep */
	uint8_t cfg[CFG_LEN];
	uint8_t seen[CFG_LEN];
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads exactly n hex digits at *pp. */
static int
hexn(const char **pp, int n, unsigned *val)
{
	const char *p = *pp;
	unsigned v = 0;
	int i, h;

	for (i = 0; i < n; i++) {
		if ((h = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	*pp = p + n;
	*val = v;
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static struct ur_dump_dev *
slot_of(struct ur_dump *dump, unsigned dom, unsigned bus, unsigned dev,
    unsigned fn)
{
	if (dom != 0 || bus != 0 || fn != 0)
		return NULL;
	switch (dev) {
	case 0x14:
		return &dump->xhci;
	case 0x1d:
		return &dump->ehci1;
	case 0x1a:
		return &dump->ehci2;
	default:
		return NULL;
	}
}

/* lspci: "00:14.0 USB controller ..." or "0000:00:14.0 ..." at column 0. */
static int
lspci_header(const char *p, unsigned *dom, unsigned *bus, unsigned *dev,
    unsigned *fn)
{
	const char *q = p;

	*dom = 0;
	if (hexn(&q, 4, dom) == 0 && *q == ':')
		p = q + 1;
	else
		*dom = 0;
	if (hexn(&p, 2, bus) < 0 || *p++ != ':')
		return 0;
	if (hexn(&p, 2, dev) < 0 || *p++ != '.')
		return 0;
	if (hexn(&p, 1, fn) < 0 || *fn > 7)
		return 0;
	return *p == '\0' || is_blank(*p);
}

/* AIDA64: "    B00 D14 F00:  Intel ..." */
static int
aida_header(const char *p, unsigned *bus, unsigned *dev, unsigned *fn)
{
	while (is_blank(*p))
		p++;
	if (*p++ != 'B' || hexn(&p, 2, bus) < 0 || *p++ != ' ')
		return 0;
	if (*p++ != 'D' || hexn(&p, 2, dev) < 0 || *p++ != ' ')
		return 0;
	if (*p++ != 'F' || hexn(&p, 2, fn) < 0 || *p != ':')
		return 0;
	return 1;
}

/*
 * The bytes after "off:": blank-separated pairs of hex digits, at most
 * 16.  Anything else means the line is prose that only looks like a dump.
 */
static int
hex_bytes(const char *p, uint8_t *bytes, int *n)
{
	unsigned v;

	*n = 0;
	for (;;) {
		if (!is_blank(*p))
			break;
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (*n == LINE_BYTES || hexn(&p, 2, &v) < 0)
			return 0;
		if (*p != '\0' && !is_blank(*p))
			return 0;
		bytes[(*n)++] = (uint8_t)v;
	}
	return *p == '\0' && *n > 0;
}

/*
 * lspci: "d0: 6f 6f 00 00 ..." at column 0 (three offset digits past
 * 0xff with -xxxx).  AIDA64: "      Offset 0D0:  6F 6F 00 00  ...".
 */
static int
hex_line(const char *p, unsigned *off, uint8_t *bytes, int *n)
{
	const char *q;

	if (is_blank(*p)) {
		while (is_blank(*p))
			p++;
		if (strncmp(p, "Offset ", 7) != 0)
			return 0;
		p += 7;
		if (hexn(&p, 3, off) < 0 || *p++ != ':')
			return 0;
		return hex_bytes(p, bytes, n);
	}
	q = p;
	if (hexn(&q, 3, off) < 0 || *q != ':') {
		q = p;
		if (hexn(&q, 2, off) < 0 || *q != ':')
			return 0;
	}
	return hex_bytes(q + 1, bytes, n);
}

static void
block_start(struct block *b, struct ur_dump_dev *dst)
{
	memset(b, 0, sizeof(*b));
	b->dst = dst;
}

static void
block_add(struct block *b, unsigned off, const uint8_t *bytes, int n)
{
	int i;

	if (b->dst == NULL)
		return;
	for (i = 0; i < n; i++) {
		/* Extended config space (-xxxx) holds nothing we need. */
		if (off + (unsigned)i >= CFG_LEN)
			break;
		b->cfg[off + (unsigned)i] = bytes[i];
		b->seen[off + (unsigned)i] = 1;
	}
}

/* A later, longer dump of the same device wins; a shorter one does not. */
static void
block_end(struct block *b)
{
	int len = 0;

	if (b->dst == NULL)
		return;
	while (len < CFG_LEN && b->seen[len])
		len++;
	if (len == 0 || (b->dst->found && len <= b->dst->len))
		return;
	memcpy(b->dst->cfg, b->cfg, sizeof(b->dst->cfg));
	b->dst->len = len;
	b->dst->found = 1;
}

static void
chomp(char *line, ssize_t n)
{
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    is_blank(line[n - 1])))
		line[--n] = '\0';
}

static void
parse_line(char *line, struct ur_dump *dump, struct block *b)
{
	unsigned dom, bus, dev, fn, off;
	uint8_t bytes[LINE_BYTES];
	int n;

	if (line[0] == '#')
		return;
	if (lspci_header(line, &dom, &bus, &dev, &fn)) {
		block_end(b);
		block_start(b, slot_of(dump, dom, bus, dev, fn));
		return;
	}
	if (aida_header(line, &bus, &dev, &fn)) {
		block_end(b);
		block_start(b, slot_of(dump, 0, bus, dev, fn));
		return;
	}
	if (hex_line(line, &off, bytes, &n) && off < CFG_EXT_LEN)
		block_add(b, off, bytes, n);
	/* Anything else is lspci -v decoding, prose or a listing. */
}

int
ur_lspci_parse(FILE *f, const char *name, struct ur_dump *dump,
    struct ur_err *err)
{
	struct block b;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int e;

	if (name == NULL)
		name = "(input)";
	memset(dump, 0, sizeof(*dump));
	block_start(&b, NULL);
	errno = 0;
	while ((n = getline(&line, &cap, f)) != -1) {
		chomp(line, n);
		parse_line(line, dump, &b);
	}
	e = errno;
	free(line);
	if (ferror(f) || !feof(f))
		return ur_errf(err, "cannot read %s: %s", name,
		    strerror(e != 0 ? e : EIO));
	block_end(&b);

	if (!dump->xhci.found)
		return ur_errf(err, "%s: no config space dump of the xHCI "
		    "controller 00:14.0; capture with "
		    "`sudo lspci -xxx -s 00:14.0`", name);
	if (dump->xhci.len < CFG_LEN)
		return ur_errf(err, "%s: the dump of 00:14.0 has %d bytes of "
		    "config space, the routing registers need 256; capture "
		    "with `sudo lspci -xxx -s 00:14.0`", name,
		    dump->xhci.len);
	return 0;
}
