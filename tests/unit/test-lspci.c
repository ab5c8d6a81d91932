/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chipset.h"
#include "lspci.h"

#define DUMPS TEST_DATADIR "/dumps"

struct fixture {
	const char *file;
	int has_ehci;
};

/* The seven lspci captures and the two AIDA64 reports. */
static const struct fixture fixtures[] = {
	{ "dell-latitude-e6430_qm77_1e31.txt", 1 },
	{ "dell-latitude-e6540_lynxpoint_8c31.txt", 1 },
	{ "huananzhi-x99-bd4_8series_8c31.txt", 1 },
	{ "huananzhi-x99-qd4_8series_8c31.txt", 1 },
	{ "intel-dh77df_h77_1e31.txt", 1 },
	{ "macbookpro12-1_wildcatpoint-lp_9cb1.txt", 0 },
	{ "samsung-np350v5c_hm76_1e31.txt", 1 },
	{ "dell-latitude-e6540-aida64-win11_lynxpoint_8c31.txt", 1 },
	{ "dell-precision-m4700-aida64_pantherpoint-qm77_1e31.txt", 1 },
};

#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* What a fixture says about itself on its "# regs:" and "# machine:" lines. */
struct expect {
	uint32_t regs[4];	/* D0, D4, D8, DC */
	uint16_t xhci_id;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
reg_value(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	char *end;
	unsigned long v;

	assert_non_null(p);
	p += strlen(key);
	v = strtoul(p, &end, 16);
	assert_true(end > p);
	return (uint32_t)v;
}

static void
read_expect(const char *path, struct expect *ex)
{
	char line[1024];
	const char *p;
	FILE *f;
	int regs = 0, machine = 0;

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "# regs:", 7) == 0) {
			ex->regs[0] = reg_value(line, "XUSB2PR=0x");
			ex->regs[1] = reg_value(line, "USB2PRM=0x");
			ex->regs[2] = reg_value(line, "USB3_PSSEN=0x");
			ex->regs[3] = reg_value(line, "USB3PRM=0x");
			regs = 1;
		} else if (strncmp(line, "# machine:", 10) == 0) {
			p = strstr(line, "xHCI 8086:");
			assert_non_null(p);
			ex->xhci_id = (uint16_t)strtoul(p + 10, NULL, 16);
			machine = 1;
		}
	}
	fclose(f);
	assert_true(regs && machine);
}

static int
parse_file(const char *file, struct ur_dump *dump, struct ur_err *err)
{
	char path[1024];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", DUMPS, file);
	f = fopen(path, "r");
	assert_non_null(f);
	r = ur_lspci_parse(f, file, dump, err);
	fclose(f);
	return r;
}

static int
parse_string(const char *text, struct ur_dump *dump, struct ur_err *err)
{
	FILE *f;
	int r;

	f = tmpfile();
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	rewind(f);
	r = ur_lspci_parse(f, "test-input", dump, err);
	fclose(f);
	return r;
}

static char *
slurp(const char *file)
{
	char path[1024];
	char *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", DUMPS, file);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
check_ehci(const struct ur_dump_dev *d, uint16_t id)
{
	assert_true(d->found);
	assert_int_equal(d->len, 256);
	assert_int_equal(le16(d->cfg), 0x8086);
	assert_int_equal(le16(d->cfg + 2), id);
}

static void
test_fixtures(void **state)
{
	const struct ur_chipset *cs;
	struct ur_dump dump;
	struct ur_err err;
	struct expect ex;
	char path[1024];
	size_t i;

	(void)state;
	for (i = 0; i < NFIXTURES; i++) {
		print_message("%s\n", fixtures[i].file);
		snprintf(path, sizeof(path), "%s/%s", DUMPS, fixtures[i].file);
		memset(&ex, 0, sizeof(ex));
		read_expect(path, &ex);
		err.msg[0] = '\0';
		if (parse_file(fixtures[i].file, &dump, &err) != 0)
			fail_msg("%s: %s", fixtures[i].file, err.msg);
		assert_true(dump.xhci.found);
		assert_int_equal(dump.xhci.len, 256);
		assert_int_equal(le16(dump.xhci.cfg), 0x8086);
		assert_int_equal(le16(dump.xhci.cfg + 2), ex.xhci_id);
		assert_int_equal(le32(dump.xhci.cfg + 0xd0), ex.regs[0]);
		assert_int_equal(le32(dump.xhci.cfg + 0xd4), ex.regs[1]);
		assert_int_equal(le32(dump.xhci.cfg + 0xd8), ex.regs[2]);
		assert_int_equal(le32(dump.xhci.cfg + 0xdc), ex.regs[3]);
		cs = ur_chipset_by_id(0x8086, ex.xhci_id);
		assert_non_null(cs);
		if (fixtures[i].has_ehci) {
			check_ehci(&dump.ehci1, cs->ehci1_id);
			check_ehci(&dump.ehci2, cs->ehci2_id);
		} else {
			assert_false(dump.ehci1.found);
			assert_false(dump.ehci2.found);
		}
	}
}

/* Known values, so a broken "# regs:" reader cannot hide a broken parser. */
static void
test_hardcoded(void **state)
{
	struct ur_dump lspci, aida;
	struct ur_err err;

	(void)state;
	assert_int_equal(parse_file("dell-latitude-e6540_lynxpoint_8c31.txt",
	    &lspci, &err), 0);
	assert_int_equal(le32(lspci.xhci.cfg + 0xd0), 0x6f6f);
	assert_int_equal(le32(lspci.xhci.cfg + 0xd8), 0x3f);
	assert_int_equal(le16(lspci.xhci.cfg + 2), 0x8c31);
	assert_int_equal(le16(lspci.ehci1.cfg + 2), 0x8c26);
	assert_int_equal(le16(lspci.ehci2.cfg + 2), 0x8c2d);

	/* Same laptop under Windows: the routing registers match. */
	assert_int_equal(parse_file(
	    "dell-latitude-e6540-aida64-win11_lynxpoint_8c31.txt", &aida,
	    &err), 0);
	assert_memory_equal(lspci.xhci.cfg + 0xd0, aida.xhci.cfg + 0xd0, 16);
	assert_memory_equal(lspci.xhci.cfg, aida.xhci.cfg, 8);

	assert_int_equal(parse_file(
	    "dell-precision-m4700-aida64_pantherpoint-qm77_1e31.txt", &aida,
	    &err), 0);
	assert_int_equal(le32(aida.xhci.cfg + 0xd0), 0x0b);
	assert_int_equal(le32(aida.xhci.cfg + 0xd4), 0x0f);
	assert_int_equal(le32(aida.xhci.cfg + 0xd8), 0x0b);
	assert_int_equal(aida.ehci2.cfg[0xfc], 0x08);

	/* The GRUB listing after the dump must not wipe it out. */
	assert_int_equal(parse_file("macbookpro12-1_wildcatpoint-lp_9cb1.txt",
	    &lspci, &err), 0);
	assert_int_equal(le32(lspci.xhci.cfg + 0xd0), 0x7ff);
	assert_int_equal(le32(lspci.xhci.cfg + 0xd4), 0x4ff);
	assert_int_equal(le16(lspci.xhci.cfg + 2), 0x9cb1);

	assert_int_equal(parse_file("huananzhi-x99-qd4_8series_8c31.txt",
	    &lspci, &err), 0);
	assert_int_equal(le32(lspci.xhci.cfg + 0xd0), 0x7fff);
	assert_int_equal(lspci.xhci.cfg[0xe0], 0x80);
}

static void
test_partial(void **state)
{
	const char *file = "hp-500-502nj_lynxpoint_8c31_PARTIAL-setpci.txt";
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	assert_int_equal(parse_file(file, &dump, &err), -1);
	assert_non_null(strstr(err.msg, file));
	assert_non_null(strstr(err.msg, "sudo lspci -xxx -s 00:14.0"));
	assert_false(dump.xhci.found);
}

static void
test_empty_and_garbage(void **state)
{
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	assert_int_equal(parse_string("", &dump, &err), -1);
	assert_non_null(strstr(err.msg, "test-input"));
	assert_non_null(strstr(err.msg, "lspci -xxx"));
	assert_int_equal(parse_string("\n\n# only comments\n", &dump, &err),
	    -1);
	assert_int_equal(parse_string("hello world\n\x01\x02\xff\xfe\n"
	    "00: zz yy\nd0: 0f 00 00 00\n", &dump, &err), -1);
	/* Bytes for another device only. */
	assert_int_equal(parse_string("00:1f.0 ISA bridge\n"
	    "00: 86 80 4f 8c 07 00 10 02 04 00 01 06 00 00 80 00\n",
	    &dump, &err), -1);
	/* A header with the wrong shape of hex lines. */
	assert_int_equal(parse_string("00:14.0 USB controller\n"
	    "00: 86 80 31 8c 06 04 90 02 04 30 03 0c 00 00 00 00 11\n"
	    "10:04 00\n", &dump, &err), -1);
}

static void
test_truncated(void **state)
{
	struct ur_dump dump;
	struct ur_err err;
	char *text, *cut;

	(void)state;
	text = slurp("dell-latitude-e6430_qm77_1e31.txt");
	/* Cut the xHCI block after its 0x80 line: 144 bytes are left. */
	cut = strstr(text, "\n90: ");
	assert_non_null(cut);
	cut[1] = '\0';
	assert_int_equal(parse_string(text, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "144 bytes"));
	assert_non_null(strstr(err.msg, "sudo lspci -xxx -s 00:14.0"));

	/* Cut in the middle of the 0xd0 line. */
	free(text);
	text = slurp("dell-latitude-e6430_qm77_1e31.txt");
	cut = strstr(text, "\nd0: 0f 00");
	assert_non_null(cut);
	cut[10] = '\0';
	assert_int_equal(parse_string(text, &dump, &err), -1);
	assert_non_null(strstr(err.msg, "has 210 bytes"));
	free(text);

	/* lspci -x: 64 bytes only. */
	assert_int_equal(parse_string("00:14.0 USB controller: Intel\n"
	    "00: 86 80 31 8c 06 04 90 02 04 30 03 0c 00 00 00 00\n"
	    "10: 04 00 d2 f7 00 00 00 00 00 00 00 00 00 00 00 00\n"
	    "20: 00 00 00 00 00 00 00 00 00 00 00 00 28 10 be 05\n"
	    "30: 00 00 00 00 70 00 00 00 00 00 00 00 ff 01 00 00\n",
	    &dump, &err), -1);
	assert_non_null(strstr(err.msg, "has 64 bytes"));
}

/* lspci -xxxx, a 0000: domain, CRLF line ends, other devices around. */
static void
test_extended(void **state)
{
	struct ur_dump dump;
	struct ur_err err;
	char *text;
	size_t len = 0, cap = 300 * 70;
	unsigned off;
	int i;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
	    "00:1f.3 SMBus: Intel\r\n"
	    "00: 86 80 22 8c 03 00 80 02 05 00 05 0c 00 00 00 00\r\n"
	    "0000:00:14.0 USB controller [0c03]: Intel [8086:8c31]\r\n"
	    "\tSubsystem: Dell\r\n");
	for (off = 0; off < 4096; off += 16) {
		len += (size_t)snprintf(text + len, cap - len,
		    off < 256 ? "%02x:" : "%03x:", off);
		for (i = 0; i < 16; i++)
			len += (size_t)snprintf(text + len, cap - len, " %02x",
			    off == 0xd0 && i == 0 ? 0x5a : (off + i) & 0xff);
		len += (size_t)snprintf(text + len, cap - len, "\r\n");
	}
	snprintf(text + len, cap - len, "\r\n00:14.0 8086:8c31 [0c03]\r\n");
	assert_true(strlen(text) < cap - 1);
	if (parse_string(text, &dump, &err) != 0)
		fail_msg("%s", err.msg);
	free(text);
	assert_true(dump.xhci.found);
	assert_int_equal(dump.xhci.len, 256);
	assert_int_equal(dump.xhci.cfg[0xd0], 0x5a);
	assert_int_equal(dump.xhci.cfg[0xd1], 0xd1);
	assert_int_equal(dump.xhci.cfg[0xff], 0xff);
	assert_false(dump.ehci1.found);
	assert_false(dump.ehci2.found);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_hardcoded),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_extended),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
