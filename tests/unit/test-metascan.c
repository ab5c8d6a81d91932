#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "metascan.h"

#define UUID "c7a5fdbd-edaf-9455-926a-d65c16db1809"

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
	assert_int_equal(uuid_of(plain_xml, uuid, sizeof(uuid)), 0);
	assert_string_equal(uuid, UUID);
	/* Ours says another <uuid> later: the domain's own still wins. */
	assert_int_equal(uuid_of(domain_xml, uuid, sizeof(uuid)), 0);
	assert_string_equal(uuid, UUID);
}

static void
test_uuid_trimmed(void **state)
{
	char uuid[40];

	(void)state;
	assert_int_equal(uuid_of("<uuid>\n   " UUID "\t \n</uuid>", uuid,
	    sizeof(uuid)), 0);
	assert_string_equal(uuid, UUID);
	/* Inner blanks are not ours to judge. */
	assert_int_equal(uuid_of("<uuid> a b </uuid>", uuid, sizeof(uuid)),
	    0);
	assert_string_equal(uuid, "a b");
}

static void
test_uuid_none(void **state)
{
	char uuid[40] = "untouched";
	size_t len;

	(void)state;
	assert_int_equal(uuid_of("<domain><name>x</name></domain>", uuid,
	    sizeof(uuid)), -1);
	assert_int_equal(uuid_of("", uuid, sizeof(uuid)), -1);
	/* Opened, never closed. */
	assert_int_equal(uuid_of("<uuid>" UUID, uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<uuid>" UUID "</uuid", uuid, sizeof(uuid)),
	    -1);
	/* A close before the open does not count. */
	assert_int_equal(uuid_of("</uuid><uuid>" UUID, uuid, sizeof(uuid)),
	    -1);
	/* Empty, and only blanks. */
	assert_int_equal(uuid_of("<uuid></uuid>", uuid, sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<uuid> \n\t </uuid>", uuid, sizeof(uuid)),
	    -1);
	/* Other elements that merely start alike. */
	assert_int_equal(uuid_of("<uuidx>" UUID "</uuidx>", uuid,
	    sizeof(uuid)), -1);
	assert_string_equal(uuid, "untouched");

	/* The close tag past len is not there. */
	len = strlen("<uuid>" UUID "</uuid>") - 1;
	assert_int_equal(ur_metascan_uuid("<uuid>" UUID "</uuid>", len, uuid,
	    sizeof(uuid)), -1);
	assert_int_equal(ur_metascan_uuid("<uuid>" UUID "</uuid>", 0, uuid,
	    sizeof(uuid)), -1);
	assert_string_equal(uuid, "untouched");
}

static void
test_uuid_overlong(void **state)
{
	char uuid[37];
	char small[8] = "same";

	(void)state;
	/* A UUID and its NUL fit exactly in 37. */
	assert_int_equal(uuid_of("<uuid>" UUID "</uuid>", uuid, sizeof(uuid)),
	    0);
	assert_string_equal(uuid, UUID);
	/* One byte short: refused, not cut. */
	memcpy(uuid, "same", 5);
	assert_int_equal(uuid_of("<uuid>" UUID "</uuid>", uuid,
	    sizeof(uuid) - 1), -1);
	assert_string_equal(uuid, "same");
	assert_int_equal(uuid_of("<uuid>" UUID "0</uuid>", uuid,
	    sizeof(uuid)), -1);
	assert_int_equal(uuid_of("<uuid>12345678</uuid>", small,
	    sizeof(small)), -1);
	assert_string_equal(small, "same");
	/* Blanks trimmed before the length is judged. */
	assert_int_equal(uuid_of("<uuid>   1234567   </uuid>", small,
	    sizeof(small)), 0);
	assert_string_equal(small, "1234567");
	assert_int_equal(uuid_of("<uuid>x</uuid>", small, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_uuid_trimmed),
		cmocka_unit_test(test_uuid_none),
		cmocka_unit_test(test_uuid_overlong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
