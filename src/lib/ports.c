/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"
#include "suggest.h"

/* What a word may name on this part, for error messages:
 * "ehci1.1-8 ehci2.1-6 usbr, or p0-p14". */
static void
valid_range(const struct ur_chipset *cs, uint16_t ports, char *buf,
    size_t len)
{
	char names[128];
	int hi = 0, bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (ports & (1u << bit))
			hi = bit;
	ur_ports_format(ports, cs, names, sizeof(names));
	snprintf(buf, len, "%s (bits p0-p%d)", names, hi);
}

int
ur_ports_mask(const char *s, uint32_t *value, struct ur_err *err)
{
	unsigned long v;
	char *end;

	/* Hex, with or without 0x, as setpci takes and prints it: "00000300"
	 * read back from setpci means 0x300, never three hundred. */
	errno = 0;
	v = strtoul(s, &end, 16);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > 0xffffffffUL ||
	    s[0] == '-' || s[0] == '+' || isspace((unsigned char)s[0]))
		return ur_errf(err, "'%s' is not a mask: write it as setpci "
		    "reads it, e.g. 0x00ff", s);
	*value = (uint32_t)v;
	return 0;
}

static int
parse_num(const char *s, const char **end, int *n)
{
	long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || v > 99)
		return -1;
	*n = (int)v;
	*end = e;
	return 0;
}

/* "A" or "A-B" -> [lo, hi]; the second number may repeat the prefix
 * ("p8-p9"). */
static int
parse_range(const char *s, const char *prefix, int *lo, int *hi)
{
	const char *p;
	size_t plen = strlen(prefix);

	if (parse_num(s, &p, lo) < 0)
		return -1;
	*hi = *lo;
	if (*p == '-') {
		p++;
		if (strncmp(p, prefix, plen) == 0)
			p += plen;
		if (parse_num(p, &p, hi) < 0 || *hi < *lo)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

/* The port word, or config name, a mistyped w was probably meant to be
 * ("ehc2.1" -> "ehci2.1"), or NULL. */
static const char *
near_word(const char *w, const struct ur_chipset *cs,
    const struct ur_conf *conf, char words[][16], size_t nwords)
{
	const char *cands[UR_MAX_PORTS + 2 + UR_CONF_MAX_NAMES];
	size_t n = 0;
	int bit, i;

	for (bit = 0; bit < UR_MAX_PORTS && n < nwords; bit++) {
		if (!(cs->port_mask & (1u << bit)))
			continue;
		ur_chipset_port_name(cs, bit, words[n], sizeof(words[n]));
		cands[n] = words[n];
		n++;
	}
	cands[n++] = "all";
	cands[n++] = cs->usbr_bit >= 0 ? "usbr" : NULL;
	for (i = 0; conf != NULL && i < conf->nnames &&
	    i < UR_CONF_MAX_NAMES; i++)
		cands[n++] = conf->names[i].name;
	return ur_suggest(w, cands, n);
}

/* One word, not a name from the config: bits it names, without checking
 * that they are switchable. */
static int
parse_word(const char *w, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t *bits, struct ur_err *err)
{
	char words[UR_MAX_PORTS][16];
	const char *near;
	char range[160];
	int lo, hi, n, ehci, bit;
	uint32_t v;

	valid_range(cs, cs->port_mask, range, sizeof(range));
	*bits = 0;
	if (strncmp(w, "0x", 2) == 0 || strncmp(w, "0X", 2) == 0) {
		if (ur_ports_mask(w, &v, err) < 0)
			return -1;
		if (v & ~(uint32_t)cs->port_mask)
			return ur_errf(err, "mask %s has bits outside the ports "
			    "of %s (0x%04x): use %s", w, cs->name,
			    cs->port_mask, range);
		*bits = (uint16_t)v;
		return 0;
	}
	if (strcmp(w, "usbr") == 0) {
		if (cs->usbr_bit < 0)
			return ur_errf(err, "%s has no USB redirection port: "
			    "use %s", cs->name, range);
		*bits = (uint16_t)(1u << cs->usbr_bit);
		return 0;
	}
	if (w[0] == 'p' && parse_range(w + 1, "p", &lo, &hi) == 0) {
		if (hi >= UR_MAX_PORTS)
			return ur_errf(err, "unknown port '%s': bit numbers go "
			    "up to p%d; use %s", w, UR_MAX_PORTS - 1, range);
		for (bit = lo; bit <= hi; bit++)
			*bits |= (uint16_t)(1u << bit);
		if (*bits & ~cs->port_mask)
			return ur_errf(err, "port '%s' has no routing bit on "
			    "%s: use %s", w, cs->name, range);
		return 0;
	}
	if (strncmp(w, "ehci", 4) == 0 && (w[4] == '1' || w[4] == '2') &&
	    w[5] == '.' && parse_range(w + 6, "", &lo, &hi) == 0) {
		ehci = w[4] - '0';
		n = ehci == 1 ? cs->ehci1_ports : cs->ehci2_ports;
		if (n == 0)
			return ur_errf(err, "port '%s': %s has no EHCI #2; use "
			    "%s", w, cs->name, range);
		if (lo < 1 || hi > n)
			return ur_errf(err, "port '%s': EHCI #%d has ports 1-%d;"
			    " use %s", w, ehci, n, range);
		for (bit = 0; bit < UR_MAX_PORTS; bit++) {
			int port;

			if (ur_chipset_port_ehci(cs, bit, &port) == ehci &&
			    port >= lo && port <= hi)
				*bits |= (uint16_t)(1u << bit);
		}
		for (n = lo; n <= hi; n++) {
			bit = ehci == 1 ? n - 1 : n + 7;
			if (!(cs->port_mask & (1u << bit)))
				return ur_errf(err, "port 'ehci%d.%d' cannot be "
				    "routed on %s: only %s have a routing bit",
				    ehci, n, cs->name, range);
		}
		return 0;
	}
	near = near_word(w, cs, conf, words, UR_MAX_PORTS);
	if (near != NULL)
		return ur_errf(err, "unknown port '%s'; did you mean '%s'? "
		    "(ports: %s, all, a name from usbroute.conf, or a mask "
		    "like 0x%04x)", w, near, range, cs->port_mask);
	return ur_errf(err, "unknown port '%s': use %s, all, a name from "
	    "usbroute.conf, or a mask like 0x%04x", w, range, cs->port_mask);
}

static const struct ur_conf_name *
find_name(const struct ur_conf *conf, const char *w)
{
	int i;

	if (conf == NULL)
		return NULL;
	for (i = 0; i < conf->nnames; i++)
		if (strcmp(conf->names[i].name, w) == 0)
			return &conf->names[i];
	return NULL;
}

/* Checks bits against the fuses and the firmware mask, naming the first
 * port that fails. */
static int
check_bits(const char *w, uint16_t bits, const struct ur_chipset *cs,
    uint16_t present, uint16_t switchable, struct ur_err *err)
{
	char name[16], range[160];
	int bit;

	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(bits & (1u << bit)))
			continue;
		ur_chipset_port_name(cs, bit, name, sizeof(name));
		if (!(present & (1u << bit)))
			return ur_errf(err, "port %s (from '%s') is fused off "
			    "on this %s part", name, w, cs->name);
		if (!(switchable & (1u << bit))) {
			if (switchable == 0)
				return ur_errf(err, "port %s (from '%s') is not "
				    "switchable: the firmware allows no port "
				    "to move (USB2PRM is 0); look for an xHCI "
				    "mode setting in the BIOS", name, w);
			valid_range(cs, switchable, range, sizeof(range));
			return ur_errf(err, "port %s (from '%s') is not "
			    "switchable: the firmware allows only %s",
			    name, w, range);
		}
	}
	return 0;
}

static int
parse_words(const char *words, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable,
    int depth, uint16_t *mask, struct ur_err *err)
{
	char buf[512], *w, *save = NULL;
	const struct ur_conf_name *n;
	uint16_t bits;

	if (strlen(words) >= sizeof(buf))
		return ur_errf(err, "port list too long");
	memcpy(buf, words, strlen(words) + 1);
	*mask = 0;
	/* Any white space separates, as in the metadata's ports=: a
	 * newline from "&#10;" must not end up inside a word. */
	for (w = strtok_r(buf, " \t\n\v\f\r,", &save); w != NULL;
	    w = strtok_r(NULL, " \t\n\v\f\r,", &save)) {
		if (strcmp(w, "all") == 0) {
			*mask |= switchable;
			continue;
		}
		n = find_name(conf, w);
		if (n != NULL && depth == 0) {
			if (parse_words(n->words, cs, NULL, present,
			    switchable, 1, &bits, err) < 0)
				return ur_err_prefix(err, "%s line %d (port "
				    "%s)", conf->path, n->line, n->name);
		} else {
			if (parse_word(w, cs, depth == 0 ? conf : NULL, &bits,
			    err) < 0)
				return -1;
			if (check_bits(w, bits, cs, present, switchable,
			    err) < 0)
				return -1;
		}
		*mask |= bits;
	}
	return 0;
}

int
ur_ports_parse(const char *words, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable,
    uint16_t *mask, struct ur_err *err)
{
	if (parse_words(words, cs, conf, present, switchable & present, 0,
	    mask, err) < 0)
		return -1;
	if (*mask == 0)
		return ur_errf(err, "no ports given: name ports like ehci1.3, "
		    "ehci2.1-6, p9 or all");
	return 0;
}

static void
append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s%s", n > 0 ? " " : "", s);
}

void
ur_ports_format(uint16_t mask, const struct ur_chipset *cs, char *buf,
    size_t len)
{
	char word[32];
	int bit, end, ehci, port, eend, pend;

	buf[0] = '\0';
	for (bit = 0; bit < UR_MAX_PORTS; bit++) {
		if (!(mask & (1u << bit)))
			continue;
		ehci = ur_chipset_port_ehci(cs, bit, &port);
		/* extend the run while the next bit is the next port of the
		 * same kind */
		end = bit;
		while (end + 1 < UR_MAX_PORTS && (mask & (1u << (end + 1)))) {
			if (ehci != 0 &&
			    ur_chipset_port_ehci(cs, end + 1, &eend) != ehci)
				break;
			if (ehci == 0 && (end + 1 == cs->usbr_bit ||
			    bit == cs->usbr_bit ||
			    ur_chipset_port_ehci(cs, end + 1, &eend) != 0))
				break;
			end++;
		}
		if (ehci != 0 && end > bit) {
			ur_chipset_port_ehci(cs, end, &pend);
			snprintf(word, sizeof(word), "ehci%d.%d-%d", ehci,
			    port, pend);
		} else if (ehci == 0 && end > bit) {
			snprintf(word, sizeof(word), "p%d-%d", bit, end);
		} else {
			ur_chipset_port_name(cs, bit, word, sizeof(word));
		}
		append(buf, len, word);
		bit = end;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

const char *
ur_ports_alias(const struct ur_conf *conf, const struct ur_chipset *cs,
    int bit)
{
	uint16_t mask;
	int i;

	if (conf == NULL)
		return NULL;
	for (i = 0; i < conf->nnames; i++) {
		if (parse_words(conf->names[i].words, cs, NULL, 0xffff,
		    0xffff, 1, &mask, NULL) < 0)
			continue;
		if (mask == (1u << bit))
			return conf->names[i].name;
	}
	return NULL;
}

void
ur_ports_explain(FILE *out, uint32_t value, const struct ur_chipset *cs,
    const struct ur_conf *conf, uint16_t present, uint16_t switchable)
{
	char name[16];
	const char *alias;
	int bit, hi = 0, port, ehci;

	for (bit = 0; bit < UR_MAX_PORTS; bit++)
		if (cs->port_mask & (1u << bit))
			hi = bit;

	fprintf(out, "XUSB2PR = 0x%04x on %s: a set bit puts the port on the "
	    "xHCI, a clear bit on its EHCI\n\n", value, cs->name);
	fprintf(out, "  bit  ");
	for (bit = hi; bit >= 0; bit--)
		fprintf(out, " %2d", bit);
	fprintf(out, "\n  value");
	for (bit = hi; bit >= 0; bit--)
		fprintf(out, "  %c", value & (1u << bit) ? '1' : '0');
	fprintf(out, "\n  on   ");
	for (bit = hi; bit >= 0; bit--) {
		ehci = ur_chipset_port_ehci(cs, bit, &port);
		if (value & (1u << bit))
			fprintf(out, "  x");
		else
			fprintf(out, "  %c", ehci == 0 ? '-' : '0' + ehci);
	}
	fprintf(out, "\n  port ");
	for (bit = hi; bit >= 0; bit--) {
		ehci = ur_chipset_port_ehci(cs, bit, &port);
		if (ehci != 0)
			fprintf(out, " %2d", port);
		else
			fprintf(out, "  %c", bit == cs->usbr_bit ? 'r' :
			    (cs->unverified & (1u << bit)) ? '?' : '*');
	}
	/* Bits no source explains (9cb1's 8-10) are not called ports. */
	fprintf(out, "\n        (on: x = xHCI, 1 = EHCI #1 00:1d.0, "
	    "2 = EHCI #2 00:1a.0; port: r = USB redirection, %s)\n\n",
	    cs->unverified ? "? = a bit no source explains (unverified)" :
	    "* = xHCI-only port");

	for (bit = 0; bit <= hi; bit++) {
		if (!(cs->port_mask & (1u << bit)))
			continue;
		ur_chipset_port_name(cs, bit, name, sizeof(name));
		ehci = ur_chipset_port_ehci(cs, bit, &port);
		alias = ur_ports_alias(conf, cs, bit);
		fprintf(out, "  %-8s p%-3d %-8s", name, bit,
		    value & (1u << bit) ? "xHCI" :
		    ehci == 1 ? "EHCI #1" : ehci == 2 ? "EHCI #2" :
		    "EHCI");
		if (!(present & (1u << bit)))
			fprintf(out, "  fused off");
		else if (!(switchable & (1u << bit)))
			fprintf(out, "  fixed by firmware");
		if (alias != NULL)
			fprintf(out, "  \"%s\"", alias);
		fputc('\n', out);
	}
	if (value & ~(uint32_t)cs->port_mask)
		fprintf(out, "\n  bits 0x%08x are not ports of this part; "
		    "usbroute keeps them as they are\n",
		    value & ~(uint32_t)cs->port_mask);
}
