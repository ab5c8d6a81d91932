/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "claim.h"
#include "devspec.h"
#include "file.h"
#include "meta.h"
#include "sim.h"
#include "testutil.h"
#include "usbfind.h"

/*
 * Device words, where sysfs says a device is plugged in, and the claims
 * built from them: on a simulated 8-series chipset (all 15 ports
 * switchable, all on the xHCI), with devices plugged in as the kernel
 * shows them.
 */

static char base[256], sim[300];
static struct ur_conf conf;

static int
setup(void **state)
{
	struct ur_dump dump;
	struct ur_err err;

	(void)state;
	if (tu_tmpdir(base, sizeof(base), "claim") < 0)
		return -1;
	snprintf(sim, sizeof(sim), "%s/sim", base);
	ur_sim_preset(ur_chipset_by_key("8-series"), &dump);
	if (ur_sim_create(sim, &dump, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	ur_conf_defaults(&conf);
	snprintf(conf.sysfs_root, sizeof(conf.sysfs_root), "%s", sim);
	snprintf(conf.state_dir, sizeof(conf.state_dir), "%s/run", sim);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tu_rmtree(base);
}

static void
plug(int bit, const char *ids, const char *serial, int hub)
{
	struct ur_err err;
	unsigned vid, pid;

	assert_int_equal(sscanf(ids, "%x:%x", &vid, &pid), 2);
	if ((hub ? ur_sim_plug_behind_hub : ur_sim_plug)(sim, bit,
	    (uint16_t)vid, (uint16_t)pid, "Thing", &err) < 0 ||
	    (serial != NULL && ur_sim_set_serial(sim, bit, serial, &err) < 0))
		fail_msg("%s", err.msg);
}

static void
unplug(int bit)
{
	struct ur_err err;
	int removed;

	if (ur_sim_unplug(sim, bit, &removed, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(removed, 1);
}

static void
test_devspec(void **state)
{
	static const char *bad[] = {
		"046d", "046d:", ":c52b", "046dc52b", "0x46d:c52b", "12345:1",
		"046d:c52b/", "g46d:c52b", "046d:c52b:1",
	};
	struct ur_devspec s[UR_DEVSPEC_MAX];
	struct ur_err err;
	char buf[128];
	size_t i;
	int n;

	(void)state;
	assert_int_equal(ur_devspec_parse("46D:C52B", &s[0], &err), 0);
	ur_devspec_format(&s[0], buf, sizeof(buf));
	assert_string_equal(buf, "046d:c52b");
	assert_int_equal(ur_devspec_parse("046d:c52b/AB-12:x", &s[0], &err),
	    0);
	assert_string_equal(s[0].serial, "AB-12:x");
	assert_true(ur_devspec_match(&s[0], 0x046d, 0xc52b, "AB-12:x"));
	assert_false(ur_devspec_match(&s[0], 0x046d, 0xc52b, "AB-13"));
	assert_int_equal(ur_devspec_parse("046d:c52b", &s[0], &err), 0);
	assert_true(ur_devspec_match(&s[0], 0x046d, 0xc52b, "anything"));
	assert_false(ur_devspec_match(&s[0], 0x046d, 0xc52c, ""));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ur_devspec_parse(bad[i], &s[0], &err) == 0)
			fail_msg("accepted '%s'", bad[i]);
	assert_non_null(strstr(err.msg, "not VENDOR:PRODUCT"));

	assert_int_equal(ur_devspec_list(" 046d:c52b, 046d:c077/S1 ", s,
	    UR_DEVSPEC_MAX, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ur_devspec_list("", s, UR_DEVSPEC_MAX, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ur_devspec_list("046d:c52b 46d:C52B", s,
	    UR_DEVSPEC_MAX, &n, &err), -1);
	assert_non_null(strstr(err.msg, "named twice"));
	assert_int_equal(ur_devspec_list("1:1 1:2 1:3 1:4 1:5 1:6 1:7 1:8 "
	    "1:9", s, UR_DEVSPEC_MAX, &n, &err), -1);
	assert_non_null(strstr(err.msg, "more than 8 devices"));
}

static int
find(const char *word, struct ur_usbfound *f)
{
	struct ur_devspec s;
	struct ur_machine m;
	struct ur_err err;
	int n;

	assert_int_equal(ur_devspec_parse(word, &s, &err), 0);
	if (ur_machine_open(&m, &conf, &err) < 0)
		fail_msg("%s", err.msg);
	n = ur_usbfind(sim, m.cs, &m.pairs, &s, f);
	ur_machine_close(&m);
	return n;
}

/* Found on the xHCI, on an EHCI, behind a hub, by serial. */
static void
test_find(void **state)
{
	struct ur_usbfound f[UR_USBFIND_MAX];
	char xcfg[600];

	(void)state;
	plug(10, "046d:c52b", NULL, 0);		/* ehci2.3 on the xHCI */
	plug(1, "046d:c077", "M1", 1);		/* ehci1.2, behind a hub */
	assert_int_equal(find("046d:c52b", f), 1);
	assert_int_equal(f[0].bit, 10);
	assert_string_equal(f[0].busid, "3-11");
	assert_string_equal(f[0].product, "Thing");
	assert_int_equal(find("046d:c077/M1", f), 1);
	assert_int_equal(f[0].bit, 1);
	assert_string_equal(f[0].busid, "3-2.1");
	assert_int_equal(find("046d:c077/M2", f), 0);
	assert_int_equal(find("1234:5678", f), 0);

	/* Routed to EHCI #2 (XUSB2PR bit 10 clear), it enumerates there:
	 * bus 1, rate-matching hub port 3.  Still ehci2.3. */
	snprintf(xcfg, sizeof(xcfg), "%s/bus/pci/devices/0000:00:14.0/config",
	    sim);
	{
		FILE *c = fopen(xcfg, "r+b");
		unsigned char v[4] = { 0xff, 0x7b, 0, 0 };

		assert_non_null(c);
		assert_int_equal(fseek(c, 0xd0, SEEK_SET), 0);
		assert_int_equal(fwrite(v, 1, 4, c), 4);
		assert_int_equal(fclose(c), 0);
	}
	plug(10, "046d:c52b", NULL, 0);
	assert_int_equal(find("046d:c52b", f), 1);
	assert_string_equal(f[0].busid, "1-1.3");
	assert_int_equal(f[0].bit, 10);

	/* The same kind twice: both are reported, by bus id. */
	plug(4, "046d:c52b", NULL, 0);
	assert_int_equal(find("046d:c52b", f), 2);
	assert_string_equal(f[0].busid, "1-1.3");
	assert_string_equal(f[1].busid, "3-5");
}

/* A SuperSpeed device enumerates on the xHCI's USB3 bus (4 here): its
 * USB2 port is the one an ss-pair line ties to that USB3 port. */
static void
test_find_superspeed(void **state)
{
	struct ur_usbfound f[UR_USBFIND_MAX];
	char path[700];
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/bus/usb/devices/4-2", sim);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bus/usb/devices/4-2/idVendor", sim);
	assert_non_null(fp = fopen(path, "w"));
	fputs("0781\n", fp);
	assert_int_equal(fclose(fp), 0);
	snprintf(path, sizeof(path), "%s/bus/usb/devices/4-2/idProduct", sim);
	assert_non_null(fp = fopen(path, "w"));
	fputs("5581\n", fp);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(find("0781:5581", f), 1);
	assert_int_equal(f[0].bit, -1);
	assert_string_equal(f[0].where, "SuperSpeed port 2 of the xHCI, "
	    "which no ss-pair line in usbroute.conf ties to a USB 2.0 port");
	conf.npairs = 1;
	snprintf(conf.pairs[0].word, sizeof(conf.pairs[0].word), "ehci1.3");
	conf.pairs[0].ss_port = 2;
	assert_int_equal(find("0781:5581", f), 1);
	assert_int_equal(f[0].bit, 2);
}

static const char *
domain_xml(const char *profile_attrs, const char *ctrls)
{
	static char xml[1024];

	snprintf(xml, sizeof(xml), "<domain><name>d1</name><uuid>0001</uuid>"
	    "<metadata><usbroute xmlns='" UR_META_NS "' controllers='%s'>"
	    "<profile name='p' %s/></usbroute></metadata></domain>", ctrls,
	    profile_attrs);
	return xml;
}

/* The claim of a domain's default profile, in table t; 0 or -1 with
 * the message in err. */
static int
build(const char *attrs, const char *ctrls, struct ur_table *t,
    struct ur_claim *c, struct ur_err *err)
{
	const char *xml = domain_xml(attrs, ctrls);
	struct ur_machine m;
	struct ur_domain d;
	int rc;

	if (ur_meta_parse(xml, strlen(xml), &d, err) < 0)
		fail_msg("%s", err->msg);
	if (ur_machine_open(&m, &conf, err) < 0)
		fail_msg("%s", err->msg);
	rc = ur_claim_build(&m, t, &d, 0, "0001", "d1", c, err);
	if (rc == 0)
		rc = ur_claim_apply(t, &m, c, err);
	ur_machine_close(&m);
	return rc;
}

static void
test_build(void **state)
{
	struct ur_table t;
	struct ur_claim c;
	struct ur_err err;
	struct ur_owner other;

	(void)state;
	plug(10, "046d:c52b", NULL, 0);		/* ehci2.3 */
	plug(12, "046d:c077", NULL, 1);		/* ehci2.5, behind a hub */
	plug(2, "04d9:0169", "KB1", 0);		/* ehci1.3 */

	ur_table_init(&t);
	assert_int_equal(build("ports='ehci2.6' devices='046d:c52b "
	    "046d:c077 1111:2222'", "ehci2", &t, &c, &err), 0);
	assert_int_equal(c.owner.ports, 0x3400);
	assert_int_equal(c.fixed, 0x2000);
	assert_int_equal(c.ndevs, 3);
	assert_int_equal(c.dev[2].bit, -1);	/* not plugged in: no port */
	assert_int_equal(t.ndevs, 3);
	assert_non_null(ur_table_device_at(&t, "0001", 12));
	assert_string_equal(ur_table_device_at(&t, "0001", 12)->device,
	    "046d:c077");

	/* required, and not plugged in: refused, naming it */
	ur_table_init(&t);
	assert_int_equal(build("devices='046d:c52b 1111:2222' "
	    "required='yes'", "ehci2", &t, &c, &err), -1);
	assert_string_equal(err.msg, "profile p requires device 1111:2222, "
	    "which is not plugged in; plug it in, or drop required=\"yes\"");
	assert_int_equal(t.nowners, 0);

	/* on a port of a controller the domain does not hold */
	assert_int_equal(build("devices='04d9:0169/KB1'", "ehci2", &t, &c,
	    &err), -1);
	assert_string_equal(err.msg, "device 04d9:0169/KB1 is on port "
	    "ehci1.3, but d1 holds neither EHCI #1 nor the xHCI; plug it into "
	    "a port of a controller it holds");

	/* on a port another domain holds */
	memset(&other, 0, sizeof(other));
	snprintf(other.id, sizeof(other.id), "u2");
	snprintf(other.name, sizeof(other.name), "alpha");
	snprintf(other.profile, sizeof(other.profile), "desk");
	other.ctrls = UR_CTRL_EHCI2;
	other.ports = 0x0400;
	{
		struct ur_machine m;

		assert_int_equal(ur_machine_open(&m, &conf, &err), 0);
		assert_int_equal(ur_table_claim(&t, &other, m.cs, &err), 0);
		ur_machine_close(&m);
	}
	assert_int_equal(build("devices='046d:c52b'", "ehci2", &t, &c, &err),
	    -1);
	assert_string_equal(err.msg, "device 046d:c52b is on port ehci2.3, "
	    "held by alpha (profile desk); plug it into another port or stop "
	    "alpha");
	assert_int_equal(t.nowners, 1);

	/* on a port firmware does not let us switch: USB2PRM bit 2 off */
	ur_table_init(&t);
	{
		char path[600];
		FILE *f;
		unsigned char v[4] = { 0xfb, 0x7f, 0, 0 };

		snprintf(path, sizeof(path),
		    "%s/bus/pci/devices/0000:00:14.0/config", sim);
		f = fopen(path, "r+b");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0xd4, SEEK_SET), 0);
		assert_int_equal(fwrite(v, 1, 4, f), 4);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(build("devices='04d9:0169'", "ehci1", &t, &c, &err),
	    -1);
	assert_string_equal(err.msg, "device 04d9:0169 is on port ehci1.3, "
	    "which firmware does not let the OS switch (its USB2PRM bit is "
	    "0); plug it into a switchable port");

	/* twice the same kind: which one is meant? */
	plug(11, "046d:c52b", NULL, 0);
	assert_int_equal(build("devices='046d:c52b'", "ehci2", &t, &c, &err),
	    -1);
	assert_non_null(strstr(err.msg, "device 046d:c52b is plugged in 2 "
	    "times"));
	assert_non_null(strstr(err.msg, "046d:c52b/SERIAL"));
}

/* The daemon's half: the device moves, the claim follows. */
static void
test_follow(void **state)
{
	struct ur_follow notes[UR_FOLLOW_MAX];
	struct ur_owner other;
	struct ur_machine m;
	struct ur_domain d;
	struct ur_table t;
	struct ur_claim c;
	struct ur_err err;
	const char *xml;
	int n;

	(void)state;
	plug(10, "046d:c52b", NULL, 0);
	ur_table_init(&t);
	assert_int_equal(build("ports='ehci2.6' devices='046d:c52b "
	    "1111:2222'", "ehci2", &t, &c, &err), 0);
	assert_int_equal(t.owner[0].ports, 0x2400);
	xml = domain_xml("ports='ehci2.6' devices='046d:c52b 1111:2222'",
	    "ehci2");
	assert_int_equal(ur_meta_parse(xml, strlen(xml), &d, &err), 0);
	assert_int_equal(ur_machine_open(&m, &conf, &err), 0);

	/* nothing moved */
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    0);
	assert_int_equal(n, 0);

	/* unplugged: the port stays claimed (the guest may have it) */
	unplug(10);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    0);
	assert_int_equal(t.owner[0].ports, 0x2400);

	/* plugged into ehci2.1: ehci2.1 is claimed, ehci2.3 goes home */
	plug(8, "046d:c52b", NULL, 0);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    1);
	assert_int_equal(n, 1);
	assert_int_equal(notes[0].what, UR_FOLLOW_MOVED);
	assert_int_equal(notes[0].from, 10);
	assert_int_equal(notes[0].to, 8);
	assert_int_equal(t.owner[0].ports, 0x2100);
	assert_int_equal(ur_table_device_at(&t, "0001", 8) != NULL, 1);

	/* the absent one plugged in later: its port is claimed too */
	plug(9, "1111:2222", NULL, 0);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    1);
	assert_int_equal(t.owner[0].ports, 0x2300);

	/* onto a port another domain holds: left alone, said so */
	memset(&other, 0, sizeof(other));
	snprintf(other.id, sizeof(other.id), "u2");
	snprintf(other.name, sizeof(other.name), "alpha");
	other.ctrls = UR_CTRL_EHCI2;
	other.ports = 0x0800;
	assert_int_equal(ur_table_claim(&t, &other, m.cs, &err), 0);
	unplug(8);
	plug(11, "046d:c52b", NULL, 0);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(notes[0].what, UR_FOLLOW_LEFT);
	assert_non_null(strstr(notes[0].why, "held by alpha"));
	assert_int_equal(ur_table_find(&t, "0001")->ports, 0x2300);
	assert_int_equal(ur_table_find(&t, "u2")->ports, 0x0800);

	/* onto the other EHCI's port: refused, the claim stays */
	unplug(11);
	plug(0, "046d:c52b", NULL, 0);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    0);
	assert_int_equal(notes[0].what, UR_FOLLOW_REFUSED);
	assert_non_null(strstr(notes[0].why, "holds neither EHCI #1"));

	/* lent to the host: the new port is lent too */
	assert_int_equal(ur_table_lend(&t, "0001", 1), 0);
	unplug(0);
	plug(12, "046d:c52b", NULL, 0);
	assert_int_equal(ur_claim_follow(&t, &m, &d, "0001", notes, &n, &err),
	    1);
	assert_int_equal(ur_table_find(&t, "0001")->ports, 0x3200);
	assert_int_equal(ur_table_find(&t, "0001")->lent, 0x3200);
	ur_machine_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devspec),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_superspeed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
