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
#include <sys/wait.h>
#include <unistd.h>

#include "chipset.h"
#include "conf.h"
#include "machine.h"
#include "table.h"
#include "xhci.h"
#include "report.h"
#include "sim.h"
#include "testutil.h"

/* ---------------------------------------------------------- helpers */

/* What a report function printed, as one string. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void
cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *
cap_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	assert_non_null(c->buf);
	return c->buf;
}

/* Does text hold this exact line? */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static void
check_line(const char *text, const char *line)
{
	if (!has_line(text, line))
		fail_msg("line not found: [%s]\nin:\n%s", line, text);
}

/* Python's exit status on this text: 0 when it is one JSON value. */
static int
json_check(const char *text)
{
	FILE *p;
	int st;

	p = popen("python3 -c 'import json,sys; json.load(sys.stdin)' "
	    "2>/dev/null", "w");
	assert_non_null(p);
	fputs(text, p);
	st = pclose(p);
	assert_int_not_equal(st, -1);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* ur_report_json_string's output for s. */
static char *
json_string(const char *s)
{
	struct capture c;

	cap_open(&c);
	ur_report_json_string(c.f, s);
	cap_close(&c);
	return c.buf;
}

/* --------------------------------------------------------- json_string */

static void
test_json_string(void **state)
{
	char *s;

	(void)state;
	s = json_string("plain text");
	assert_string_equal(s, "\"plain text\"");
	free(s);
	s = json_string("");
	assert_string_equal(s, "\"\"");
	free(s);
	s = json_string("say \"hi\"");
	assert_string_equal(s, "\"say \\\"hi\\\"\"");
	free(s);
	s = json_string("C:\\dir\\");
	assert_string_equal(s, "\"C:\\\\dir\\\\\"");
	free(s);
	s = json_string("a\nb\tc\rd\001e\037f");
	assert_string_equal(s, "\"a\\u000ab\\u0009c\\u000dd\\u0001e\\u001ff\"");
	free(s);
	/* Bytes from 0x20 up pass as they are (UTF-8 included); DEL is not
	 * a JSON control character. */
	s = json_string("caf\xc3\xa9 / \x7f ~");
	assert_string_equal(s, "\"caf\xc3\xa9 / \x7f ~\"");
	free(s);
}

static void
test_json_string_parses(void **state)
{
	char *s;
	char all[64];
	int i;

	(void)state;
	/* Every control character, quote and backslash at once. */
	for (i = 1; i < 0x20; i++)
		all[i - 1] = (char)i;
	snprintf(all + 0x1f, sizeof(all) - 0x1f, "\"\\\"\\end");
	s = json_string(all);
	assert_int_equal(json_check(s), 0);
	free(s);
	/* The check itself tells a broken string from a good one. */
	assert_int_not_equal(json_check("\"a\nb\""), 0);
	assert_int_not_equal(json_check("\"a\\\""), 0);
}

/* --------------------------------------------------- a whole machine */

static char dir[64];
static char jsonfile[128];
static struct ur_conf conf;
static struct ur_machine m;
static struct ur_table t;

#define OWNER_ID "6c1f2f0e-6b4e-4d4e-9a57-0d8e3c0b8a11"

/*
 * 8-series, all 14 ports and USBr.  win10 (EHCI #2) holds ehci2.1-6 and
 * has lent ehci2.2 back; a CLI owner with an awkward id holds ehci1.6;
 * ehci1.3 is pinned to EHCI #1 by hand; ehci1.1 has drifted to EHCI #1
 * behind the table's back.  A receiver is on ehci2.1 (on EHCI #2), a
 * drive on ehci1.4 (on the xHCI).
 */
static int
machine_setup(void **state)
{
	struct ur_dump dump;
	struct ur_owner *o;
	struct ur_err err;
	uint32_t got;

	(void)state;
	if (tu_tmpdir(dir, sizeof(dir), "report") != 0)
		return -1;
	snprintf(jsonfile, sizeof(jsonfile), "%s.json", dir);
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	if (ur_sim_create(dir, &dump, &err) < 0)
		goto fail;

	ur_conf_defaults(&conf);
	snprintf(conf.sysfs_root, sizeof(conf.sysfs_root), "%s", dir);
	snprintf(conf.state_dir, sizeof(conf.state_dir), "%s/run", dir);
	conf.nnames = 2;
	snprintf(conf.names[0].name, sizeof(conf.names[0].name), "desk");
	snprintf(conf.names[0].words, sizeof(conf.names[0].words), "ehci2.1");
	snprintf(conf.names[1].name, sizeof(conf.names[1].name), "front");
	snprintf(conf.names[1].words, sizeof(conf.names[1].words), "ehci1.3");

	ur_table_init(&t);
	t.nowners = 2;
	o = &t.owner[0];
	snprintf(o->id, sizeof(o->id), OWNER_ID);
	snprintf(o->name, sizeof(o->name), "win10");
	snprintf(o->profile, sizeof(o->profile), "desk");
	o->ctrls = UR_CTRL_EHCI2;
	o->ports = 0x3f00;
	o->lent = 0x0200;
	o = &t.owner[1];
	snprintf(o->id, sizeof(o->id), "bench \"A\"\\1");
	o->ctrls = UR_CTRL_EHCI1;
	o->ports = 0x0020;
	/* win10 holds ehci2.1 because of its receiver; its mouse is not
	 * plugged in. */
	t.ndevs = 2;
	snprintf(t.dev[0].owner, sizeof(t.dev[0].owner), OWNER_ID);
	snprintf(t.dev[0].device, sizeof(t.dev[0].device), "046d:c52b");
	t.dev[0].bit = 8;
	snprintf(t.dev[1].owner, sizeof(t.dev[1].owner), OWNER_ID);
	snprintf(t.dev[1].device, sizeof(t.dev[1].device), "046d:c077/X1");
	t.dev[1].bit = -1;
	t.pin_mask = 0x0004;
	t.pin_xhci = 0;
	snprintf(t.pm_saved, sizeof(t.pm_saved), "auto");

	if (ur_machine_open(&m, &conf, &err) < 0)
		goto fail;
	/* The table wants 0x42db; bit 0 has drifted. */
	if (ur_table_compute(&t, m.cs, m.switchable) != 0x42db) {
		fprintf(stderr, "table computes 0x%04x\n",
		    ur_table_compute(&t, m.cs, m.switchable));
		return -1;
	}
	if (ur_xhci_write(m.xhci, UR_REG_XUSB2PR, 0x42da, &got, &err) < 0 ||
	    ur_xhci_read(m.xhci, &m.regs, &err) < 0)
		goto fail;
	if (ur_sim_plug(dir, 8, 0x046d, 0xc52b, "Unifying \"Receiver\"",
	    &err) < 0 ||
	    ur_sim_plug(dir, 3, 0x0781, 0x5581, "Ultra", &err) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "setup: %s\n", err.msg);
	return -1;
}

static int
machine_teardown(void **state)
{
	int r = 0;

	(void)state;
	ur_machine_close(&m);
	/* Both, as rm -rf would, even when the first fails. */
	if (tu_rmtree(dir) != 0)
		r = -1;
	if (tu_rmtree(jsonfile) != 0)
		r = -1;
	return r;
}

/* The text with every run of blanks made one space and none at the start
 * or end of a line: the columns' content without their widths. */
static char *
squeeze(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p;

	assert_non_null(out);
	for (p = text; *p != '\0'; p++) {
		if (*p == ' ') {
			if (o == out || o[-1] == '\n' || o[-1] == ' ')
				continue;
		} else if (*p == '\n' && o > out && o[-1] == ' ')
			o--;
		*o++ = *p;
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static int
count(const char *text, const char *what)
{
	const char *p;
	int n = 0;

	for (p = text; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static char *
report_text(const struct ur_table *tab)
{
	struct capture c;

	cap_open(&c);
	ur_report_text(c.f, &m, tab);
	cap_close(&c);
	if (getenv("SHOW") != NULL)
		fprintf(stderr, "%s", c.buf);
	return c.buf;
}

static char *
report_json(const struct ur_table *tab)
{
	struct capture c;
	FILE *f;

	cap_open(&c);
	ur_report_json(c.f, &m, tab);
	cap_close(&c);
	if (getenv("SHOW") != NULL)
		fprintf(stderr, "%s", c.buf);
	f = fopen(jsonfile, "w");
	assert_non_null(f);
	fputs(c.buf, f);
	assert_int_equal(fclose(f), 0);
	return c.buf;
}

/* A Python expression over the report last written (as d), printed as
 * compact JSON. */
static void
check_json(const char *expr, const char *want)
{
	char cmd[1024], got[4096];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; "
	    "d = json.load(open(sys.argv[1])); print(json.dumps(%s, "
	    "separators=(\",\", \":\")))' '%s'", expr, jsonfile);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = '\0';
	assert_int_equal(pclose(p), 0);
	if (n > 0 && got[n - 1] == '\n')
		got[n - 1] = '\0';
	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", expr, got, want);
}

static void
test_report_text(void **state)
{
	char *text, *sq;

	(void)state;
	text = report_text(&t);
	check_line(text, "xHCI 0000:00:14.0 [8086:8c31] 8-series/C220 "
	    "(Lynx Point)");
	sq = squeeze(text);
	check_line(sq, "EHCI #1 0000:00:1d.0: present EHCI #2 0000:00:1a.0: "
	    "present");
	check_line(sq, "XUSB2PR 0x000042da USB2PRM 0x00007fff");
	check_line(sq, "USB3_PSSEN 0x0000003f USB3PRM 0x0000003f "
	    "USB3FUS 0x00000000");
	check_line(sq, "power/control auto");
	check_line(sq, "PORT BIT NAME SWITCH SIDE OWNER DEVICE");
	/* drifted: on EHCI #1 though the table wants the xHCI */
	check_line(sq, "ehci1.1 p0 - yes ehci1 host DRIFT");
	check_line(sq, "ehci1.2 p1 - yes xhci host");
	/* pinned by hand, with its configured name */
	check_line(sq, "ehci1.3 p2 front yes ehci1 host (pinned)");
	check_line(sq, "ehci1.4 p3 - yes xhci host 0781:5581 Ultra (usb 3-4)");
	/* an owner without a name shows its id */
	check_line(sq, "ehci1.6 p5 - yes ehci1 bench \"A\"\\1");
	/* the owner's device, on its EHCI */
	check_line(sq, "ehci2.1 p8 desk yes ehci2 win10 046d:c52b "
	    "Unifying \"Receiver\" (usb 1-1.1)");
	/* lent back: on the xHCI, still the owner's */
	check_line(sq, "ehci2.2 p9 - yes xhci win10 (lent)");
	check_line(sq, "ehci2.3 p10 - yes ehci2 win10");
	check_line(sq, "ehci2.6 p13 - yes ehci2 win10");
	check_line(sq, "usbr p14 - yes xhci host");
	check_line(sq, "owner " OWNER_ID " win10 profile desk holds ehci2: "
	    "ehci2.1-6");
	check_line(sq, "device 046d:c52b: holds ehci2.1");
	check_line(sq, "device 046d:c077/X1: not plugged in");
	check_line(sq, "owner bench \"A\"\\1 profile - holds ehci1: ehci1.6");
	check_line(sq, "drift: the register disagrees with the ownership "
	    "table on ehci1.1 (table wants XUSB2PR bits 0x42db); "
	    "'usbroute repair' puts them back");
	/* one line for each of the 15 ports, one of them drifted */
	assert_int_equal(count(sq, "\nehci1."), 8);
	assert_int_equal(count(sq, "\nehci2."), 6);
	assert_int_equal(count(sq, "\nusbr "), 1);
	assert_int_equal(count(sq, "DRIFT"), 1);
	assert_int_equal(count(sq, "(lent)"), 1);
	assert_int_equal(count(sq, "(pinned)"), 1);
	assert_int_equal(count(sq, "\nowner "), 2);
	free(sq);
	free(text);
}

static void
test_report_json(void **state)
{
	char *text;

	(void)state;
	text = report_json(&t);
	assert_int_equal(json_check(text), 0);
	free(text);
	check_json("d[\"controller\"]", "{\"address\":\"0000:00:14.0\","
	    "\"vendor\":\"8086\",\"device\":\"8c31\",\"chipset\":\"8-series\","
	    "\"chipset_name\":\"8-series/C220 (Lynx Point)\",\"ehci1\":true,"
	    "\"ehci2\":true,\"power_control\":\"auto\"}");
	check_json("d[\"registers\"]", "{\"xusb2pr\":\"0x000042da\","
	    "\"usb2prm\":\"0x00007fff\",\"usb3_pssen\":\"0x0000003f\","
	    "\"usb3prm\":\"0x0000003f\",\"usb3fus\":\"0x00000000\"}");
	check_json("d[\"drift\"]", "\"0x0001\"");
	check_json("[p[\"bit\"] for p in d[\"ports\"]]",
	    "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14]");
	check_json("[p[\"port\"] for p in d[\"ports\"] if p[\"drift\"]]",
	    "[\"ehci1.1\"]");
	check_json("\"\".join(p[\"side\"][0] for p in d[\"ports\"])",
	    "\"exexxexxexeeeex\"");
	check_json("[p[\"name\"] for p in d[\"ports\"] if p[\"name\"]]",
	    "[\"front\",\"desk\"]");
	check_json("all(p[\"present\"] and p[\"switchable\"] "
	    "for p in d[\"ports\"])", "true");
	check_json("[p[\"owner\"] for p in d[\"ports\"]][:9]",
	    "[\"host\",\"host\",\"host\",\"host\",\"host\","
	    "\"bench \\\"A\\\"\\\\1\",\"host\",\"host\",\"" OWNER_ID "\"]");
	check_json("[p[\"port\"] for p in d[\"ports\"] if p[\"owner\"] == \""
	    OWNER_ID "\"]", "[\"ehci2.1\",\"ehci2.2\",\"ehci2.3\","
	    "\"ehci2.4\",\"ehci2.5\",\"ehci2.6\"]");
	check_json("d[\"ports\"][8][\"device\"]", "{\"busid\":\"1-1.1\","
	    "\"vendor\":\"046d\",\"product_id\":\"c52b\","
	    "\"product\":\"Unifying \\\"Receiver\\\"\",\"on\":\"ehci\"}");
	check_json("d[\"ports\"][3][\"device\"]", "{\"busid\":\"3-4\","
	    "\"vendor\":\"0781\",\"product_id\":\"5581\","
	    "\"product\":\"Ultra\",\"on\":\"xhci\"}");
	check_json("[p[\"bit\"] for p in d[\"ports\"] if p[\"device\"]]",
	    "[3,8]");
	check_json("d[\"owners\"]", "[{\"id\":\"" OWNER_ID "\","
	    "\"name\":\"win10\",\"profile\":\"desk\",\"controllers\":\"ehci2\","
	    "\"ports\":\"0x3f00\",\"lent\":\"0x0200\",\"devices\":["
	    "{\"device\":\"046d:c52b\",\"port\":\"ehci2.1\",\"bit\":8},"
	    "{\"device\":\"046d:c077/X1\",\"port\":null,\"bit\":null}]},"
	    "{\"id\":\"bench \\\"A\\\"\\\\1\",\"name\":\"\",\"profile\":\"\","
	    "\"controllers\":\"ehci1\",\"ports\":\"0x0020\","
	    "\"lent\":\"0x0000\",\"devices\":[]}]");
	check_json("sorted(d)", "[\"controller\",\"drift\",\"owners\","
	    "\"ports\",\"registers\"]");
}

/* Nothing owned, nothing drifted, no runtime PM file. */
static void
test_report_empty(void **state)
{
	struct ur_table empty;
	struct ur_err err;
	char path[256], *text, *sq;
	uint32_t got;

	(void)state;
	ur_table_init(&empty);
	assert_int_equal(ur_xhci_write(m.xhci, UR_REG_XUSB2PR, 0x7fff, &got,
	    &err), 0);
	assert_int_equal(ur_xhci_read(m.xhci, &m.regs, &err), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/power/control",
	    dir, UR_ADDR_XHCI);
	assert_int_equal(unlink(path), 0);

	text = report_text(&empty);
	sq = squeeze(text);
	check_line(sq, "power/control unknown");
	check_line(sq, "ehci1.1 p0 - yes xhci host");
	check_line(sq, "ehci2.2 p9 - yes xhci host");
	assert_int_equal(count(sq, "DRIFT"), 0);
	assert_int_equal(count(sq, "drift:"), 0);
	assert_int_equal(count(sq, "\nowner "), 0);
	assert_int_equal(count(sq, " host"), 15);
	free(sq);
	free(text);

	text = report_json(&empty);
	assert_int_equal(json_check(text), 0);
	free(text);
	check_json("d[\"controller\"][\"power_control\"]", "\"unknown\"");
	check_json("d[\"drift\"]", "\"0x0000\"");
	check_json("d[\"owners\"]", "[]");
	check_json("sorted(set(p[\"owner\"] for p in d[\"ports\"]))",
	    "[\"host\"]");
	check_json("\"\".join(p[\"side\"][0] for p in d[\"ports\"])",
	    "\"xxxxxxxxxxxxxxx\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_string_parses),
		cmocka_unit_test_setup_teardown(test_report_text,
		    machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_report_json,
		    machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_report_empty,
		    machine_setup, machine_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
