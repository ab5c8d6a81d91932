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

#include "meta.h"
#include "metascan.h"

#define UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"
#define OTHER "0badc0de-0000-4000-8000-00000000000a"

/* What libvirt hands the hook: the domain's own <uuid> first, then
 * (here) our metadata, which may hold a <uuid> of its own. */
static const char domain_xml[] =
    "<domain type='kvm'>\n"
    "  <name>win10</name>\n"
    "  <uuid>" UUID "</uuid>\n"
    "  <metadata>\n"
    "    <usbroute:usbroute xmlns:usbroute=\"" UR_META_NS "\">\n"
    "      <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"
    "      <usbroute:profile name=\"desk\" ports=\"ehci2.1-6\"/>\n"
    "    </usbroute:usbroute>\n"
    "  </metadata>\n"
    "</domain>\n";

static const char plain_xml[] =
    "<domain type='kvm'>\n"
    "  <name>other</name>\n"
    "  <uuid>" UUID "</uuid>\n"
    "  <metadata>\n"
    "    <app:x xmlns:app=\"urn:example:app\"/>\n"
    "  </metadata>\n"
    "</domain>\n";

/* A copy with nothing after its last byte, so a read past len is seen
 * by valgrind or ASan. */
static char *
exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static int
uuid_of(const char *s, char *out, size_t size)
{
	size_t len = strlen(s);
	char *p = exact(s, len);
	int rc;

	rc = ur_metascan_uuid(p, len, out, size);
	free(p);
	return rc;
}

static void
test_mentions(void **state)
{
	size_t len = sizeof(domain_xml) - 1;
	const char *ns;
	char *p;

	(void)state;
	p = exact(domain_xml, len);
	assert_true(ur_metascan_mentions(p, len));
	free(p);
	assert_false(ur_metascan_mentions(plain_xml, sizeof(plain_xml) - 1));
	assert_false(ur_metascan_mentions(NULL, 0));
	assert_false(ur_metascan_mentions("", 0));
	/* Only the first len bytes count: cut in the middle of the name. */
	ns = strstr(domain_xml, UR_META_NS);
	assert_non_null(ns);
	len = (size_t)(ns - domain_xml) + sizeof(UR_META_NS) - 2;
	p = exact(domain_xml, len);
	assert_false(ur_metascan_mentions(p, len));
	free(p);
	assert_true(ur_metascan_mentions(domain_xml, len + 1));
	/* The namespace alone, and another version of it. */
	assert_true(ur_metascan_mentions(UR_META_NS, sizeof(UR_META_NS) - 1));
	assert_false(ur_metascan_mentions("urn:usbroute:libvirt:domain:",
	    strlen("urn:usbroute:libvirt:domain:")));
}

static void
test_uuid(void **state)
{
	char uuid[40];

	(void)state;
	memset(uuid, 'z', sizeof(uuid));
	assert_int_equal(uuid_of(plain_xml, uuid, sizeof(uuid)), 1);
	assert_string_equal(uuid, UUID);
	/* Ours says another <uuid> later: the domain's own still wins. */
	assert_int_equal(uuid_of(domain_xml, uuid, sizeof(uuid)), 1);
	assert_string_equal(uuid, UUID);
}

/* B's XML that names A's UUID where no parser reads it: release must
 * find B's own, as prepare did (the hole issue 7 found). */
static void
test_uuid_hostile(void **state)
{
	static const char *const cases[] = {
		"<!-- <uuid>" OTHER "</uuid> --><domain><uuid>" UUID
		    "</uuid></domain>",
		"<?pi <uuid>" OTHER "</uuid> ?><domain><uuid>" UUID
		    "</uuid></domain>",
		"<domain><!-- <uuid>" OTHER "</uuid> --><uuid>" UUID
		    "</uuid></domain>",
		"<domain><name><![CDATA[<uuid>" OTHER "</uuid>]]></name>"
		    "<uuid>" UUID "</uuid></domain>",
		"<domain title='<uuid>" OTHER "</uuid>'><uuid>" UUID
		    "</uuid></domain>",
		"<domain><description><uuid>" OTHER "</uuid></description>"
		    "<uuid>" UUID "</uuid></domain>",
		"<domain><x:uuid xmlns:x='urn:x'>" OTHER "</x:uuid><uuid>"
		    UUID "</uuid></domain>",
		"<domain><uuid xmlns='urn:x'>" OTHER "</uuid><uuid>" UUID
		    "</uuid></domain>",
		"<domain><metadata><uuid>" OTHER "</uuid></metadata>\n"
		    "<uuid>\n " UUID " \n</uuid></domain>",
		"<domain><uuid><![CDATA[" UUID "]]></uuid></domain>",
		"<domain><uuid>" UUID "<!-- " OTHER " --></uuid></domain>",
	};
	char uuid[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (uuid_of(cases[i], uuid, sizeof(uuid)) != 1)
			fail_msg("case %zu: no uuid", i);
		if (strcmp(uuid, UUID) != 0)
			fail_msg("case %zu: %s", i, uuid);
	}
	/* Not a domain, or no /domain/uuid: none, whatever the text says. */
	assert_int_equal(uuid_of("<!-- <domain><uuid>" UUID "</uuid>"
	    "</domain> --><domain><name>b</name></domain>", uuid,
	    sizeof(uuid)), 0);
	assert_int_equal(uuid_of("<usbroute><uuid>" UUID "</uuid></usbroute>",
	    uuid, sizeof(uuid)), 0);
	assert_int_equal(uuid_of("<domain xmlns='urn:x'><uuid>" UUID
	    "</uuid></domain>", uuid, sizeof(uuid)), 0);
	assert_int_equal(uuid_of("<domain/>", uuid, sizeof(uuid)), 0);
	/* What the scanner cannot read as XML reads it: refused. */
	assert_int_equal(uuid_of("<!DOCTYPE domain><domain><uuid>" UUID
	    "</uuid></domain>", uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><uuid>&#x61;</uuid></domain>",
	    uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><uuid>" UUID "<b/></uuid></domain>",
	    uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><uuid/><uuid>" UUID "</uuid>"
	    "</domain>", uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><!-- <uuid>" UUID "</uuid>",
	    uuid, sizeof(uuid)), -1);
}

static void
test_uuid_trimmed(void **state)
{
	char uuid[40];

	(void)state;
	assert_int_equal(uuid_of("<domain><uuid>\n   " UUID "\t \n</uuid>"
	    "</domain>", uuid, sizeof(uuid)), 1);
	assert_string_equal(uuid, UUID);
	/* Inner blanks, or anything but hex digits and dashes: no UUID. */
	assert_int_equal(uuid_of("<domain><uuid> a b </uuid></domain>", uuid,
	    sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><uuid>a\033[2J</uuid></domain>",
	    uuid, sizeof(uuid)), -1);
}

static void
test_uuid_none(void **state)
{
	char uuid[40] = "untouched";
	size_t len;

	(void)state;
	assert_int_equal(uuid_of("<domain><name>x</name></domain>", uuid,
	    sizeof(uuid)), 0);
	assert_int_equal(uuid_of("", uuid, sizeof(uuid)), -1);
	/* Opened, never closed. */
	assert_int_equal(uuid_of("<domain><uuid>" UUID, uuid, sizeof(uuid)),
	    -1);
	assert_int_equal(uuid_of("<domain><uuid>" UUID "</uuid", uuid,
	    sizeof(uuid)), -1);
	/* Empty, and only blanks. */
	assert_int_equal(uuid_of("<domain><uuid></uuid></domain>", uuid,
	    sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<domain><uuid> \n\t </uuid></domain>", uuid,
	    sizeof(uuid)), -1);
	/* Other elements that merely start alike. */
	assert_int_equal(uuid_of("<domain><uuidx>" UUID "</uuidx></domain>",
	    uuid, sizeof(uuid)), 0);
	assert_string_equal(uuid, "untouched");

	/* The close tag past len is not there. */
	len = strlen("<domain><uuid>" UUID "</uuid>") - 1;
	assert_int_equal(ur_metascan_uuid("<domain><uuid>" UUID "</uuid>", len,
	    uuid, sizeof(uuid)), -1);
	assert_int_equal(ur_metascan_uuid("<domain><uuid>" UUID "</uuid>", 0,
	    uuid, sizeof(uuid)), -1);
	assert_string_equal(uuid, "untouched");
}

static void
test_uuid_overlong(void **state)
{
	char uuid[37];
	char small[8] = "same";

	(void)state;
	/* A UUID and its NUL fit exactly in 37. */
	assert_int_equal(uuid_of("<domain><uuid>" UUID "</uuid></domain>",
	    uuid, sizeof(uuid)), 1);
	assert_string_equal(uuid, UUID);
	/* One byte short: refused, not cut. */
	memcpy(uuid, "same", 5);
	assert_int_equal(uuid_of("<domain><uuid>" UUID "</uuid></domain>",
	    uuid, sizeof(uuid) - 1), -1);
	assert_string_equal(uuid, "same");
	assert_int_equal(uuid_of("<domain><uuid>12345678</uuid></domain>",
	    small, sizeof(small)), -1);
	assert_string_equal(small, "same");
	/* Blanks trimmed before the length is judged. */
	assert_int_equal(uuid_of("<domain><uuid>   1234567   </uuid>"
	    "</domain>", small, sizeof(small)), 1);
	assert_string_equal(small, "1234567");
	assert_int_equal(uuid_of("<domain><uuid>a</uuid></domain>", small, 0),
	    -1);
}

/* One identity: the UUID, else the whole name; never a cut one. */
static void
test_identity(void **state)
{
	char id[64], name[200];
	struct ur_err err;
	const char *x;

	(void)state;
	x = "<domain><uuid>" UUID "</uuid></domain>";
	assert_int_equal(ur_metascan_identity(x, strlen(x), "win10", id,
	    sizeof(id), &err), 0);
	assert_string_equal(id, UUID);
	x = "<domain><name>win10</name></domain>";
	assert_int_equal(ur_metascan_identity(x, strlen(x), "win10", id,
	    sizeof(id), &err), 0);
	assert_string_equal(id, "win10");
	/* Two long names with one 63-byte prefix were one owner. */
	memset(name, 'n', 63);
	strcpy(name + 63, "-a");
	assert_int_equal(ur_metascan_identity(x, strlen(x), name, id, sizeof(id),
	    &err), -1);
	assert_non_null(strstr(err.msg, "give it a <uuid>"));
	name[64] = '\0';
	assert_int_equal(ur_metascan_identity(x, strlen(x), name, id, sizeof(id),
	    &err), -1);
	name[63] = '\0';	/* 63 bytes and the NUL fit whole */
	assert_int_equal(ur_metascan_identity(x, strlen(x), name, id, sizeof(id),
	    &err), 0);
	assert_string_equal(id, name);
	/* A <uuid> that is no UUID is refused, not replaced by the name; a
	 * name with an escape sequence is shown escaped. */
	x = "<domain><uuid>zz</uuid></domain>";
	assert_int_equal(ur_metascan_identity(x, strlen(x), "a\033[2J\nb", id,
	    sizeof(id), &err), -1);
	assert_null(strchr(err.msg, '\033'));
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "a\\x1b[2J\\x0ab"));
}

/* libxml2 2.9's duplicate check is quadratic in one element's
 * attributes: more than the bound is refused before parsing. */
static void
test_bounded(void **state)
{
	size_t cap = 64 + (UR_METASCAN_MAX_ATTRS + 1) * 16, n;
	struct ur_err err;
	char *x;
	int i;

	(void)state;
	x = malloc(cap);
	assert_non_null(x);
	for (int extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(x, cap, "<domain><devices");
		for (i = 0; i < UR_METASCAN_MAX_ATTRS + extra; i++)
			n += (size_t)snprintf(x + n, cap - n, " a%d='%d'", i,
			    i);
		n += (size_t)snprintf(x + n, cap - n, "/></domain>");
		assert_true(n < cap);
		if (extra == 0) {
			assert_int_equal(ur_metascan_bounded(x, n, &err), 0);
		} else {
			assert_int_equal(ur_metascan_bounded(x, n, &err), -1);
			assert_non_null(strstr(err.msg, "<devices> with more "
			    "than 1000 attributes"));
		}
	}
	free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_uuid_hostile),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_uuid_trimmed),
		cmocka_unit_test(test_uuid_none),
		cmocka_unit_test(test_uuid_overlong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
