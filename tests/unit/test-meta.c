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
#include "err.h"
#include "meta.h"
#include "metachan.h"
#include "metascan.h"

#ifndef TEST_DATADIR
#error "TEST_DATADIR must name tests/data (the Makefile defines it)"
#endif

#define EXAMPLES TEST_DATADIR "/../../xml-examples/"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *buf;
	long size;

	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static int
parse_file(const char *name, struct ur_domain *d, struct ur_err *err)
{
	char path[1024];
	size_t len;
	char *xml;
	int rc;

	snprintf(path, sizeof(path), EXAMPLES "%s", name);
	xml = slurp(path, &len);
	rc = ur_meta_parse(xml, len, d, err);
	free(xml);
	return rc;
}

static void
parse_ok(const char *name, struct ur_domain *d)
{
	struct ur_err err = { "" };

	if (parse_file(name, d, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
}

static int
parse_str(const char *xml, struct ur_domain *d, struct ur_err *err)
{
	return ur_meta_parse(xml, strlen(xml), d, err);
}

/* The message must be one line and mention `want`. */
static void
assert_refused(int rc, const struct ur_err *err, const struct ur_domain *d,
    const char *want)
{
	assert_int_equal(rc, -1);
	if (strstr(err->msg, want) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", err->msg,
		    want);
	assert_null(strchr(err->msg, '\n'));
	/* A failed parse leaves nothing half-filled behind. */
	assert_int_equal(d->has_meta, 0);
	assert_int_equal(d->nprofiles, 0);
	assert_int_equal(d->default_profile, -1);
}

static void
refuse_str(const char *xml, const char *want)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	assert_refused(parse_str(xml, &d, &err), &err, &d, want);
}

static void
assert_profile(const struct ur_domain *d, int i, const char *name,
    const char *ports)
{
	assert_true(i < d->nprofiles);
	assert_string_equal(d->profile[i].name, name);
	assert_string_equal(d->profile[i].ports, ports);
	assert_int_equal(d->profile[i].is_default, i == d->default_profile);
}

/* ------------------------------------------------------ good examples */

static void
test_ehci2_by_name(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("ehci2-by-name.xml", &d);
	assert_string_equal(d.name, "guest-desk");
	assert_string_equal(d.uuid, "6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a01");
	assert_int_equal(d.has_meta, 1);
	assert_int_equal(d.hostdev_ctrls, UR_CTRL_EHCI2);
	assert_int_equal(d.attr_ctrls, 0);
	assert_int_equal(ur_domain_ctrls(&d), UR_CTRL_EHCI2);
	assert_int_equal(d.nprofiles, 1);
	/* One profile without default="yes" is the default. */
	assert_int_equal(d.default_profile, 0);
	assert_profile(&d, 0, "desk", "front-left front-right ehci2.1-2");
	assert_string_equal(d.toggle_device, "");
}

/* Profiles that name devices, with ports or without. */
static void
test_devices(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	(void)state;
	parse_ok("devices.xml", &d);
	assert_int_equal(d.nprofiles, 2);
	assert_profile(&d, 0, "desk", "ehci2.6");
	assert_string_equal(d.profile[0].devices, "046d:c52b 046d:c077");
	assert_int_equal(d.profile[0].required, 0);
	assert_profile(&d, 1, "keyboard", "");
	assert_string_equal(d.profile[1].devices, "04d9:0169/KB0042");
	assert_int_equal(d.profile[1].required, 1);
	assert_int_equal(parse_str("<usbroute xmlns='" UR_META_NS "' "
	    "devices='046d:c52b' required='yes'/>", &d, &err), 0);
	assert_profile(&d, 0, "default", "");
	assert_string_equal(d.profile[0].devices, "046d:c52b");
	assert_int_equal(d.profile[0].required, 1);
	refuse_str("<usbroute xmlns='" UR_META_NS "'><profile name='a' "
	    "devices=' , '/></usbroute>", "profile \"a\" has empty devices=");
	refuse_str("<usbroute xmlns='" UR_META_NS "'><profile name='a' "
	    "devices='1:1' required='maybe'/></usbroute>",
	    "required=\"maybe\"; use required=\"yes\" or required=\"no\"");
	refuse_str("<usbroute xmlns='" UR_META_NS "'><profile name='a' "
	    "devices='1:1 0001:0001'/></usbroute>", "named twice");
	refuse_str("<usbroute xmlns='" UR_META_NS "' devices='1:1'>"
	    "<profile name='a' ports='p1'/></usbroute>",
	    "devices= on <usbroute> and <profile> elements");
}

static void
test_both_ehci(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("both-ehci.xml", &d);
	assert_string_equal(d.name, "guest-both");
	assert_int_equal(d.hostdev_ctrls, UR_CTRL_EHCI1 | UR_CTRL_EHCI2);
	assert_int_equal(d.nprofiles, 2);
	assert_int_equal(d.default_profile, 0);
	assert_profile(&d, 0, "everything", "ehci1.1-8 ehci2.1-6");
	assert_profile(&d, 1, "rear", "rear-top, rear-bottom, case-top");
}

static void
test_xhci_passthrough(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("xhci-passthrough.xml", &d);
	assert_int_equal(d.hostdev_ctrls, UR_CTRL_XHCI);
	assert_int_equal(ur_domain_ctrls(&d), UR_CTRL_XHCI);
	assert_int_equal(d.nprofiles, 1);
	assert_profile(&d, 0, "rear", "ehci1.1-4");
}

static void
test_profiles_toggle_serial(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("profiles-toggle-serial.xml", &d);
	assert_string_equal(d.name, "guest-win10");
	assert_int_equal(d.hostdev_ctrls, UR_CTRL_EHCI2);
	assert_int_equal(d.nprofiles, 3);
	assert_int_equal(d.default_profile, 0);
	assert_profile(&d, 0, "desk", "ehci2.1-6");
	assert_profile(&d, 1, "keyboard", "kbd");
	/* mask= lands in ports as the mask text. */
	assert_profile(&d, 2, "input", "0x0300");
	assert_string_equal(d.toggle_device, "serial0");
}

static void
test_virtio_serial(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("virtio-serial.xml", &d);
	assert_int_equal(d.nprofiles, 2);
	assert_int_equal(d.default_profile, 0);
	assert_profile(&d, 1, "keyboard", "kbd mouse");
	assert_string_equal(d.toggle_device, "ua-usbroute");
}

static void
test_short_form(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("short-form.xml", &d);
	assert_int_equal(d.has_meta, 1);
	assert_int_equal(d.nprofiles, 1);
	assert_int_equal(d.default_profile, 0);
	assert_profile(&d, 0, "default", "ehci2.1-6");
}

static void
test_controllers_attr(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("controllers-attr.xml", &d);
	assert_int_equal(d.hostdev_ctrls, 0);
	assert_int_equal(d.attr_ctrls, UR_CTRL_EHCI2);
	assert_int_equal(ur_domain_ctrls(&d), UR_CTRL_EHCI2);
	assert_int_equal(d.nprofiles, 1);
	assert_profile(&d, 0, "desk", "ehci2.1-6");
}

static void
test_prefixed_unprefixed(void **state)
{
	struct ur_domain a, b;
	int i;

	(void)state;
	parse_ok("prefixed-children.xml", &a);
	parse_ok("unprefixed-children.xml", &b);
	assert_int_equal(a.nprofiles, 2);
	assert_int_equal(a.nprofiles, b.nprofiles);
	assert_int_equal(a.default_profile, 0);
	assert_int_equal(a.default_profile, b.default_profile);
	for (i = 0; i < a.nprofiles; i++) {
		assert_string_equal(a.profile[i].name, b.profile[i].name);
		assert_string_equal(a.profile[i].ports, b.profile[i].ports);
		assert_int_equal(a.profile[i].is_default,
		    b.profile[i].is_default);
	}
	assert_profile(&a, 0, "desk", "ehci2.1-6 front-left");
	assert_profile(&a, 1, "keyboard", "ehci2.1");
	assert_string_equal(a.toggle_device, "serial0");
	assert_string_equal(b.toggle_device, "serial0");
	assert_int_equal(a.hostdev_ctrls, b.hostdev_ctrls);
}

static void
test_no_metadata(void **state)
{
	struct ur_domain d;

	(void)state;
	parse_ok("no-metadata.xml", &d);
	assert_int_equal(d.has_meta, 0);
	assert_int_equal(d.nprofiles, 0);
	assert_int_equal(d.default_profile, -1);
	assert_string_equal(d.name, "guest-plain");
	assert_string_equal(d.uuid, "6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a0a");
	assert_int_equal(d.hostdev_ctrls, UR_CTRL_EHCI2);
}

/* ----------------------------------------------------- bare elements */

static void
test_bare_element(void **state)
{
	static const char *const forms[] = {
		/* what ur_meta_format writes */
		"<usbroute xmlns=\"" UR_META_NS "\" controllers=\"ehci2\">"
		"<profile name=\"desk\" ports=\"ehci2.1-6\" default=\"yes\"/>"
		"<profile name=\"kb\" ports=\"ehci2.1\"/>"
		"<toggle device=\"serial0\"/></usbroute>",
		/* prefixed, children in no namespace */
		"<u:usbroute xmlns:u=\"" UR_META_NS "\" controllers=\"ehci2\">"
		"<profile name=\"desk\" ports=\"ehci2.1-6\" default=\"yes\"/>"
		"<profile name=\"kb\" ports=\"ehci2.1\"/>"
		"<u:toggle device=\"serial0\"/></u:usbroute>",
		/* what virDomainGetMetadata returns: libvirt strips the
		 * namespace from the element it hands back */
		"<usbroute controllers=\"ehci2\">\n"
		"  <profile name=\"desk\" ports=\"ehci2.1-6\" "
		"default=\"yes\"/>\n"
		"  <profile name=\"kb\" ports=\"ehci2.1\"/>\n"
		"  <toggle device=\"serial0\"/>\n</usbroute>\n",
	};
	struct ur_domain d;
	struct ur_err err = { "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (parse_str(forms[i], &d, &err) != 0)
			fail_msg("form %zu: %s", i, err.msg);
		assert_int_equal(d.has_meta, 1);
		assert_string_equal(d.uuid, "");
		assert_string_equal(d.name, "");
		assert_int_equal(d.hostdev_ctrls, 0);
		assert_int_equal(d.attr_ctrls, UR_CTRL_EHCI2);
		assert_int_equal(d.nprofiles, 2);
		assert_int_equal(d.default_profile, 0);
		assert_profile(&d, 0, "desk", "ehci2.1-6");
		assert_profile(&d, 1, "kb", "ehci2.1");
		assert_string_equal(d.toggle_device, "serial0");
	}
}

static void
test_toggle_only(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	(void)state;
	assert_int_equal(parse_str("<usbroute xmlns=\"" UR_META_NS "\">"
	    "<toggle device=\"serial0\"/></usbroute>", &d, &err), 0);
	assert_int_equal(d.has_meta, 1);
	assert_int_equal(d.nprofiles, 0);
	assert_int_equal(d.default_profile, -1);
	assert_string_equal(d.toggle_device, "serial0");
}

static void
test_default_marks(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	(void)state;
	/* the second is the default; default="no" is allowed */
	assert_int_equal(parse_str("<usbroute xmlns=\"" UR_META_NS "\">"
	    "<profile name=\"a\" ports=\"p1\" default=\"no\"/>"
	    "<profile name=\"b\" ports=\"p2\" default=\"yes\"/>"
	    "</usbroute>", &d, &err), 0);
	assert_int_equal(d.default_profile, 1);
	assert_profile(&d, 0, "a", "p1");
	assert_profile(&d, 1, "b", "p2");

	refuse_str("<usbroute xmlns=\"" UR_META_NS "\">"
	    "<profile name=\"a\" ports=\"p1\" default=\"true\"/></usbroute>",
	    "default=\"true\"");
}

static void
test_foreign_ignored(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	(void)state;
	/* Someone else's metadata beside ours, someone else's element and
	 * attribute inside ours. */
	assert_int_equal(parse_str("<domain type='qemu'><name>g</name>"
	    "<metadata><other:x xmlns:other='urn:other'>"
	    "<profile name='nope' ports='p1'/></other:x>"
	    "<u:usbroute xmlns:u='" UR_META_NS "' xmlns:o='urn:other'>"
	    "<o:note o:why='x'>hi</o:note>"
	    "<profile name='a' ports='p1' o:why='y'/></u:usbroute>"
	    "</metadata></domain>", &d, &err), 0);
	assert_int_equal(d.nprofiles, 1);
	assert_profile(&d, 0, "a", "p1");

	/* Only someone else's: has_meta stays 0. */
	assert_int_equal(parse_str("<domain><metadata>"
	    "<x:usbroute xmlns:x='urn:other'/></metadata></domain>", &d,
	    &err), 0);
	assert_int_equal(d.has_meta, 0);
}

static void
test_hostdev_forms(void **state)
{
	static const struct {
		const char *addr;
		unsigned want;
	} cases[] = {
		{ "domain='0x0000' bus='0x00' slot='0x14' function='0x0'",
		    UR_CTRL_XHCI },
		{ "bus='0' slot='1d' function='0'", UR_CTRL_EHCI1 },
		{ "domain='0' bus='0x0' slot='0X1A' function='0x0'",
		    UR_CTRL_EHCI2 },
		{ "bus='0x00' slot='0x1a'", UR_CTRL_EHCI2 },
		{ "domain='0x0001' bus='0x00' slot='0x1a' function='0x0'", 0 },
		{ "domain='0x0000' bus='0x01' slot='0x1a' function='0x0'", 0 },
		{ "domain='0x0000' bus='0x00' slot='0x1a' function='0x1'", 0 },
		{ "domain='0x0000' bus='0x00' slot='0x1b' function='0x0'", 0 },
		{ "domain='0x0000' bus='0x00' slot='0x1a ' function='0x0'", 0 },
		{ "domain='0x0000' bus='0x00' function='0x0'", 0 },
	};
	char xml[1024];
	struct ur_domain d;
	struct ur_err err = { "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(xml, sizeof(xml), "<domain><devices>"
		    "<hostdev mode='subsystem' type='pci' managed='yes'>"
		    "<source><address %s/></source></hostdev>"
		    "</devices></domain>", cases[i].addr);
		if (parse_str(xml, &d, &err) != 0)
			fail_msg("case %zu: %s", i, err.msg);
		if (d.hostdev_ctrls != cases[i].want)
			fail_msg("case %zu (%s): ctrls %#x, want %#x", i,
			    cases[i].addr, d.hostdev_ctrls, cases[i].want);
	}

	/* USB hostdevs and capabilities mode are not controllers. */
	assert_int_equal(parse_str("<domain><devices>"
	    "<hostdev mode='subsystem' type='usb'><source>"
	    "<address bus='0' slot='0x1a' function='0'/></source></hostdev>"
	    "<hostdev mode='capabilities' type='pci'><source>"
	    "<address bus='0' slot='0x14' function='0'/></source></hostdev>"
	    "</devices></domain>", &d, &err), 0);
	assert_int_equal(d.hostdev_ctrls, 0);
}

/* ------------------------------------------------------ bad examples */

static void
test_bad_examples(void **state)
{
	static const struct {
		const char *file;
		const char *want;
	} cases[] = {
		{ "two-defaults.xml", "marked default (desk, keyboard)" },
		{ "no-default.xml", "none is default=\"yes\"" },
		{ "duplicate-name.xml", "two profiles are named \"desk\"" },
		{ "unknown-controller.xml", "unknown controller \"ehci3\"" },
		{ "empty-ports.xml", "profile \"desk\" has empty ports=" },
		{ "bad-name.xml", "\"my desk\"" },
		{ "two-toggles.xml", "more than one <toggle>" },
		{ "unknown-attribute.xml",
		    "profile \"desk\": unknown attribute prots=" },
		{ "ports-and-profiles.xml", "ports= on <usbroute> and" },
		{ "bad-mask.xml", "mask=\"0xzz\"" },
		{ "unknown-element.xml", "<profiel>" },
		{ "doctype-entity.xml", "DOCTYPE" },
		{ "malformed.xml", "domain XML line 7: " },
		{ "required-no-devices.xml", "profile \"desk\": required=\"yes\" "
		    "but no devices=" },
		{ "bad-device.xml", "device 'logitech' is not VENDOR:PRODUCT" },
	};
	char name[256];
	struct ur_domain d;
	struct ur_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "bad/%s", cases[i].file);
		memset(&err, 0, sizeof(err));
		assert_refused(parse_file(name, &d, &err), &err, &d,
		    cases[i].want);
		if (strncmp(err.msg, "usbroute metadata: ", 19) != 0 &&
		    strncmp(err.msg, "domain XML", 10) != 0)
			fail_msg("%s: message \"%s\" does not say what it is "
			    "about", name, err.msg);
	}
}

static void
test_malformed(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };

	(void)state;
	assert_refused(parse_str("<domain>\n<name>x</name>\n<devices>\n",
	    &d, &err), &err, &d, "domain XML line ");
	assert_refused(parse_str("<domain>\n<name>x</nam>\n</domain>\n", &d,
	    &err), &err, &d, "domain XML line 2: ");
	assert_refused(parse_str("not xml at all", &d, &err), &err, &d,
	    "domain XML line 1: ");
	assert_refused(ur_meta_parse("", 0, &d, &err), &err, &d, "empty");
	refuse_str("<foo/>", "root is <foo>");
}

static void
test_doctype_refused(void **state)
{
	(void)state;
	/* Harmless DOCTYPEs too: libvirt never writes one. */
	refuse_str("<!DOCTYPE domain>\n<domain/>", "DOCTYPE");
	refuse_str("<!DOCTYPE domain SYSTEM \"http://127.0.0.1:1/x.dtd\">"
	    "<domain/>", "DOCTYPE");
	refuse_str("<?xml version='1.0'?>\n<!DOCTYPE u [\n"
	    "<!ENTITY e 'ehci2.1'>]>\n"
	    "<usbroute xmlns='" UR_META_NS "' ports='&e;'/>", "DOCTYPE");
}

static void
test_element_problems(void **state)
{
	(void)state;
	refuse_str("<domain><metadata>"
	    "<usbroute xmlns='" UR_META_NS "' ports='p1'/>"
	    "<usbroute xmlns='" UR_META_NS "' ports='p2'/>"
	    "</metadata></domain>", "two elements in namespace");
	refuse_str("<routes xmlns='" UR_META_NS "'/>", "element <routes>");
	refuse_str("<usbroute xmlns='" UR_META_NS "'><profile ports='p1'/>"
	    "</usbroute>", "profile #1 has no name");
	refuse_str("<usbroute xmlns='" UR_META_NS "'><profile name='a'/>"
	    "</usbroute>", "profile \"a\" has no ports");
	refuse_str("<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='a' ports='p1' mask='0x1'/></usbroute>",
	    "both ports= and mask=");
	refuse_str("<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='a' mask='0x123456789'/></usbroute>",
	    "not a register value");
	refuse_str("<usbroute xmlns='" UR_META_NS "'><toggle/></usbroute>",
	    "<toggle> has no device");
	refuse_str("<usbroute xmlns='" UR_META_NS "'>"
	    "<toggle device='serial 0'/></usbroute>", "not a device alias");
	refuse_str("<usbroute xmlns='" UR_META_NS "' ports=', ,'/>",
	    "<usbroute> has empty ports=");
	refuse_str("<usbroute xmlns='" UR_META_NS "' controllers=''/>",
	    "controllers= is empty");
	refuse_str("<usbroute xmlns='" UR_META_NS "' controllers='ehci1,"
	    "averyveryverylongcontrollername'/>", "unknown controller");
	refuse_str("<u:usbroute xmlns:u='" UR_META_NS "'>"
	    "<profile name='a' u:ports='p1'/></u:usbroute>",
	    "namespace prefix");
	refuse_str("<usbroute xmlns='" UR_META_NS "' contollers='ehci1'/>",
	    "unknown attribute contollers=");
}

/* ----------------------------------------------------------- bounds */

static void
test_oversize(void **state)
{
	char xml[2048], big[400];
	struct ur_domain d;
	struct ur_err err = { "" };
	int i;

	(void)state;
	/* The largest name that fits is accepted, one more is refused. */
	memset(big, 'n', 63);
	big[63] = '\0';
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='%s' ports='p1'/></usbroute>", big);
	assert_int_equal(parse_str(xml, &d, &err), 0);
	assert_string_equal(d.profile[0].name, big);
	memset(big, 'n', 64);
	big[64] = '\0';
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='%s' ports='p1'/></usbroute>", big);
	refuse_str(xml, "longer than the 63 allowed");

	memset(big, 'p', 255);
	big[255] = '\0';
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='a' ports='%s'/></usbroute>", big);
	assert_int_equal(parse_str(xml, &d, &err), 0);
	assert_int_equal(strlen(d.profile[0].ports), 255);
	big[255] = 'p';
	big[256] = '\0';
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "'>"
	    "<profile name='a' ports='%s'/></usbroute>", big);
	refuse_str(xml, "ports=\"pppp");
	refuse_str(xml, "256 bytes, longer than the 255 allowed");
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "' "
	    "ports='%s'/>", big);
	refuse_str(xml, "longer than the 255 allowed");

	memset(big, 's', 64);
	big[64] = '\0';
	snprintf(xml, sizeof(xml), "<usbroute xmlns='" UR_META_NS "'>"
	    "<toggle device='%s'/></usbroute>", big);
	refuse_str(xml, "longer than the 63 allowed");

	memset(big, 'g', 128);
	big[128] = '\0';
	snprintf(xml, sizeof(xml), "<domain><name>%s</name></domain>", big);
	refuse_str(xml, "longer than the 127");
	snprintf(xml, sizeof(xml), "<domain><uuid>%s</uuid></domain>", big);
	refuse_str(xml, "is not a UUID (hex digits and dashes, at most 39)");

	/* UR_DOMAIN_MAX_PROFILES fit, one more does not. */
	for (i = 0; i <= UR_DOMAIN_MAX_PROFILES; i++) {
		size_t used;

		used = (size_t)snprintf(xml, sizeof(xml),
		    "<usbroute xmlns='" UR_META_NS "'>");
		for (int j = 0; j < i + 1 && used < sizeof(xml); j++)
			used += (size_t)snprintf(xml + used,
			    sizeof(xml) - used,
			    "<profile name='p%d' ports='p%d'%s/>", j, j,
			    j == 0 ? " default='yes'" : "");
		assert_true(used < sizeof(xml) - 16);
		strcat(xml, "</usbroute>");
		if (i + 1 <= UR_DOMAIN_MAX_PROFILES) {
			assert_int_equal(parse_str(xml, &d, &err), 0);
			assert_int_equal(d.nprofiles, i + 1);
		} else {
			refuse_str(xml, "more than 8 <profile>");
		}
	}
}

/* ----------------------------------------------------------- format */

static void
assert_same_meta(const struct ur_domain *a, const struct ur_domain *b)
{
	int i;

	assert_int_equal(a->has_meta, b->has_meta);
	assert_int_equal(a->attr_ctrls, b->attr_ctrls);
	assert_int_equal(a->nprofiles, b->nprofiles);
	assert_int_equal(a->default_profile, b->default_profile);
	for (i = 0; i < a->nprofiles; i++) {
		assert_string_equal(a->profile[i].name, b->profile[i].name);
		assert_string_equal(a->profile[i].ports, b->profile[i].ports);
		assert_string_equal(a->profile[i].devices,
		    b->profile[i].devices);
		assert_int_equal(a->profile[i].required,
		    b->profile[i].required);
		assert_int_equal(a->profile[i].is_default,
		    b->profile[i].is_default);
	}
	assert_string_equal(a->toggle_device, b->toggle_device);
}

static void
test_round_trip(void **state)
{
	struct ur_domain d, back;
	struct ur_err err = { "" };
	char buf[4096];

	(void)state;
	memset(&d, 0, sizeof(d));
	d.has_meta = 1;
	d.attr_ctrls = UR_CTRL_EHCI1 | UR_CTRL_XHCI;
	d.nprofiles = 2;
	snprintf(d.profile[0].name, sizeof(d.profile[0].name), "desk");
	/* Nothing a port word would hold, but the escaping must not care. */
	snprintf(d.profile[0].ports, sizeof(d.profile[0].ports),
	    "a&b <c> \"d\" 'e'\tf\ng");
	d.profile[0].is_default = 1;
	snprintf(d.profile[1].name, sizeof(d.profile[1].name), "kb");
	snprintf(d.profile[1].ports, sizeof(d.profile[1].ports), "ehci2.1");
	d.default_profile = 0;
	snprintf(d.toggle_device, sizeof(d.toggle_device), "ua-usbroute");

	if (ur_meta_format(&d, buf, sizeof(buf), &err) != 0)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(buf, "<usbroute xmlns=\"" UR_META_NS "\" "
	    "controllers=\"ehci1 xhci\">"));
	assert_non_null(strstr(buf, "a&amp;b &lt;c&gt; &quot;d&quot; "
	    "&apos;e&apos;&#9;f&#10;g"));
	assert_non_null(strstr(buf, "<toggle device=\"ua-usbroute\"/>"));
	assert_int_equal(ur_meta_parse(buf, strlen(buf), &back, &err), 0);
	assert_same_meta(&d, &back);
	assert_memory_equal(&d, &back, sizeof(d));
}

static void
test_round_trip_examples(void **state)
{
	static const char *const files[] = {
		"ehci2-by-name.xml", "both-ehci.xml", "xhci-passthrough.xml",
		"profiles-toggle-serial.xml", "virtio-serial.xml",
		"short-form.xml", "controllers-attr.xml",
		"prefixed-children.xml", "unprefixed-children.xml",
		"devices.xml",
	};
	struct ur_domain d, back;
	struct ur_err err = { "" };
	char buf[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		parse_ok(files[i], &d);
		if (ur_meta_format(&d, buf, sizeof(buf), &err) != 0)
			fail_msg("%s: %s", files[i], err.msg);
		assert_true(ur_metascan_mentions(buf, strlen(buf)));
		if (ur_meta_parse(buf, strlen(buf), &back, &err) != 0)
			fail_msg("%s: %s\n%s", files[i], err.msg, buf);
		assert_same_meta(&d, &back);
	}
}

static void
test_format_refusals(void **state)
{
	struct ur_domain d;
	struct ur_err err = { "" };
	char buf[4096], small[40];

	(void)state;
	parse_ok("profiles-toggle-serial.xml", &d);
	assert_int_equal(ur_meta_format(&d, small, sizeof(small), &err), -1);
	assert_non_null(strstr(err.msg, "more than 39 bytes"));
	assert_string_equal(small, "");

	/* Not something the hook would refuse later. */
	d.profile[1].is_default = 1;
	assert_int_equal(ur_meta_format(&d, buf, sizeof(buf), &err), -1);
	assert_non_null(strstr(err.msg, "marked default"));
	d.profile[1].is_default = 0;
	snprintf(d.profile[1].name, sizeof(d.profile[1].name), "a b");
	assert_int_equal(ur_meta_format(&d, buf, sizeof(buf), &err), -1);
	assert_non_null(strstr(err.msg, "\"a b\""));

	/* Nothing at all is an empty element. */
	memset(&d, 0, sizeof(d));
	d.default_profile = -1;
	assert_int_equal(ur_meta_format(&d, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "<usbroute xmlns=\"" UR_META_NS "\"/>\n");
}

/* ---------------------------------------------------------- mentions */

static void
test_mentions(void **state)
{
	static const char ns[] = UR_META_NS;
	char path[1024];
	size_t len;
	char *xml;

	(void)state;
	snprintf(path, sizeof(path), EXAMPLES "short-form.xml");
	xml = slurp(path, &len);
	assert_true(ur_metascan_mentions(xml, len));
	free(xml);
	snprintf(path, sizeof(path), EXAMPLES "no-metadata.xml");
	xml = slurp(path, &len);
	assert_false(ur_metascan_mentions(xml, len));
	free(xml);

	assert_true(ur_metascan_mentions(ns, sizeof(ns) - 1));
	assert_false(ur_metascan_mentions(ns, sizeof(ns) - 2));
	assert_false(ur_metascan_mentions("urn:usbroute:libvirt:domain:2", 29));
	assert_true(ur_metascan_mentions("uuuurn:usbroute:libvirt:domain:1>",
	    33));
	assert_false(ur_metascan_mentions("", 0));
	assert_false(ur_metascan_mentions(NULL, 0));
	/* Not a C string: bytes after a NUL still count. */
	assert_true(ur_metascan_mentions("<x/>\0" UR_META_NS, 5 + sizeof(ns) - 1));
}

/* The toggle device in a running domain (aliases as libvirt gave them)
 * and in a definition (the default aliases implied by order). */
static void
test_channels(void **state)
{
	static const char live[] =
	    "<domain><devices>"
	    "<serial type='pty'><alias name='serial0'/></serial>"
	    "<serial type='unix'><source mode='bind' path='/run/a.sock'/>"
	    "<alias name='serial1'/></serial>"
	    "<channel type='unix'><source mode='connect' path='/run/b'/>"
	    "<alias name='channel0'/></channel>"
	    "</devices></domain>";
	static const char defined[] =
	    "<domain><devices>"
	    "<serial type='pty'/>"
	    "<serial type='unix'><source mode='bind' path='/run/a.sock'/>"
	    "</serial>"
	    "<channel type='unix'><source mode='bind' path='/run/c'/>"
	    "<alias name='ua-toggle'/></channel>"
	    "<channel type='unix'><source mode='bind' path='/run/d'/>"
	    "</channel>"
	    "</devices></domain>";
	struct ur_err err;
	char path[64];

	(void)state;
	assert_int_equal(ur_metachan_path(live, strlen(live), "serial1", path,
	    sizeof(path), &err), 0);
	assert_string_equal(path, "/run/a.sock");
	assert_int_equal(ur_metachan_path(live, strlen(live), "serial0", path,
	    sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "type='pty'"));
	assert_int_equal(ur_metachan_path(live, strlen(live), "channel0", path,
	    sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "mode='connect'"));
	assert_int_equal(ur_metachan_path(live, strlen(live), "serial2", path,
	    sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "no serial, console or channel "
	    "device with alias 'serial2' in the running domain"));
	/* A definition has no aliases: a live lookup finds nothing. */
	assert_int_equal(ur_metachan_path(defined, strlen(defined), "serial1",
	    path, sizeof(path), &err), -1);

	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "serial1", path, sizeof(path), &err), 0);
	assert_string_equal(path, "/run/a.sock");
	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "serial0", path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "type='pty'"));
	/* A user alias; the device with one does not take a default one,
	 * but counts in the order. */
	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "ua-toggle", path, sizeof(path), &err), 0);
	assert_string_equal(path, "/run/c");
	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "channel0", path, sizeof(path), &err), -1);
	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "channel1", path, sizeof(path), &err), 0);
	assert_string_equal(path, "/run/d");
	assert_int_equal(ur_metachan_path_defined(defined, strlen(defined),
	    "serial2", path, sizeof(path), &err), -1);
	assert_non_null(strstr(err.msg, "in the defined domain"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehci2_by_name),
		cmocka_unit_test(test_both_ehci),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_xhci_passthrough),
		cmocka_unit_test(test_profiles_toggle_serial),
		cmocka_unit_test(test_virtio_serial),
		cmocka_unit_test(test_short_form),
		cmocka_unit_test(test_controllers_attr),
		cmocka_unit_test(test_prefixed_unprefixed),
		cmocka_unit_test(test_no_metadata),
		cmocka_unit_test(test_bare_element),
		cmocka_unit_test(test_toggle_only),
		cmocka_unit_test(test_default_marks),
		cmocka_unit_test(test_foreign_ignored),
		cmocka_unit_test(test_hostdev_forms),
		cmocka_unit_test(test_bad_examples),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_element_problems),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_examples),
		cmocka_unit_test(test_format_refusals),
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_channels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
