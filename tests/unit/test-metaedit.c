/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "chipset.h"
#include "err.h"
#include "meta.h"
#include "metaedit.h"

#define ONLY_ONE " is the only one, so it is the default: a domain with " \
	"usbroute metadata claims its default profile at start"
#define IS_DEFAULT " is the default; make another one the default with " \
	"--profile NAME --default"
#define TOGGLE_TOO_LONG "--toggle 'tttttttttttttttttttttttt...' is longer " \
	"than the 63 characters allowed"

static void
empty(struct ur_domain *d)
{
	memset(d, 0, sizeof(*d));
	d->default_profile = -1;
}

static struct ur_metaedit
edit(const char *profile, const char *ports, int dflt)
{
	struct ur_metaedit e;

	memset(&e, 0, sizeof(e));
	e.profile = profile;
	e.ports = ports;
	e.dflt = dflt;
	return e;
}

static void
set_ok(struct ur_domain *d, struct ur_metaedit e)
{
	struct ur_err err;

	if (ur_metaedit_set(d, &e, "vm", &err) < 0)
		fail_msg("set failed: %s", err.msg);
}

/* The edit is refused with this message, and d is as it was. */
static void
set_refused(struct ur_domain *d, struct ur_metaedit e, const char *msg)
{
	struct ur_domain before = *d;
	struct ur_err err;

	assert_int_equal(ur_metaedit_set(d, &e, "vm", &err), -1);
	assert_string_equal(err.msg, msg);
	assert_memory_equal(d, &before, sizeof(before));
}

static void
remove_refused(struct ur_domain *d, const char *profile, const char *msg)
{
	struct ur_domain before = *d;
	struct ur_err err;

	assert_int_equal(ur_metaedit_remove(d, profile, "vm", &err), -1);
	assert_string_equal(err.msg, msg);
	assert_memory_equal(d, &before, sizeof(before));
}

/* Exactly the profile named is the default. */
static void
assert_default(const struct ur_domain *d, const char *name)
{
	int i, idx = ur_domain_find_profile(d, name);

	assert_true(idx >= 0);
	assert_int_equal(d->default_profile, idx);
	for (i = 0; i < d->nprofiles; i++)
		assert_int_equal(d->profile[i].is_default, i == idx);
}

/* "default" (the first, default), "kbd", "pad" */
static void
three(struct ur_domain *d)
{
	empty(d);
	set_ok(d, edit(NULL, "ehci2.1-6", 0));
	set_ok(d, edit("kbd", "ehci2.1", 0));
	set_ok(d, edit("pad", "ehci2.2", 0));
}

static void
test_first_is_default(void **state)
{
	struct ur_domain d;

	(void)state;
	empty(&d);
	set_ok(&d, edit(NULL, "ehci2.1-6", 0));
	assert_int_equal(d.nprofiles, 1);
	assert_string_equal(d.profile[0].name, "default");
	assert_string_equal(d.profile[0].ports, "ehci2.1-6");
	assert_default(&d, "default");
}

static void
test_later_only_explicit(void **state)
{
	struct ur_domain d;

	(void)state;
	three(&d);
	assert_int_equal(d.nprofiles, 3);
	assert_default(&d, "default");
	set_ok(&d, edit("game", "ehci1.1", 1));
	assert_default(&d, "game");
	/* An existing profile made the default takes the flag over. */
	set_ok(&d, edit("kbd", NULL, 1));
	assert_default(&d, "kbd");
	assert_string_equal(d.profile[1].ports, "ehci2.1");
}

static void
test_replace_keeps_flag(void **state)
{
	struct ur_domain d;

	(void)state;
	three(&d);
	set_ok(&d, edit("kbd", "ehci2.1 ehci2.2", 0));
	assert_string_equal(d.profile[1].ports, "ehci2.1 ehci2.2");
	assert_default(&d, "default");
	set_ok(&d, edit(NULL, "ehci2.3", 0));
	assert_string_equal(d.profile[0].ports, "ehci2.3");
	assert_int_equal(d.nprofiles, 3);
	assert_default(&d, "default");
}

static void
test_no_default(void **state)
{
	struct ur_domain d;

	(void)state;
	empty(&d);
	set_ok(&d, edit(NULL, "ehci2.1-6", 0));
	set_refused(&d, edit(NULL, NULL, -1), "profile 'default'" ONLY_ONE);
	set_ok(&d, edit("kbd", "ehci2.1", 0));
	set_refused(&d, edit("default", NULL, -1), "profile 'default'"
	    IS_DEFAULT);
	/* A profile that is not the default stays so. */
	set_ok(&d, edit("kbd", NULL, -1));
	assert_default(&d, "default");
	/* The first profile with -1: refused, and not added. */
	empty(&d);
	set_refused(&d, edit("desk", "ehci2.1", -1), "profile 'desk'"
	    ONLY_ONE);
}

static void
test_missing_profile(void **state)
{
	struct ur_domain d;
	struct ur_metaedit e;

	(void)state;
	three(&d);
	set_refused(&d, edit("nosuch", NULL, 0), "vm has no profile "
	    "'nosuch'; give --ports or --devices to create it");
	set_refused(&d, edit("nosuch", NULL, 1), "vm has no profile "
	    "'nosuch'; give --ports or --devices to create it");
	empty(&d);
	set_refused(&d, edit(NULL, NULL, 1), "vm has no profile "
	    "'default'; give --ports or --devices to create it");
	/* Without a profile named, a toggle alone adds none. */
	e = edit(NULL, NULL, 0);
	e.toggle = "serial0";
	set_ok(&d, e);
	assert_int_equal(d.nprofiles, 0);
	assert_int_equal(d.default_profile, -1);
	assert_string_equal(d.toggle_device, "serial0");
}

static void
test_remove(void **state)
{
	struct ur_domain d;
	struct ur_err err;

	(void)state;
	three(&d);
	remove_refused(&d, "nosuch", "vm has no profile 'nosuch' (it has "
	    "default, kbd, pad)");
	remove_refused(&d, "default", "profile 'default' is the default of "
	    "vm; make another one the default first: usbroute domain vm set "
	    "--profile NAME --default");
	assert_int_equal(ur_metaedit_remove(&d, "kbd", "vm", &err), 0);
	assert_int_equal(d.nprofiles, 2);
	assert_string_equal(d.profile[1].name, "pad");
	assert_default(&d, "default");
	/* With one other left, that one becomes the default. */
	assert_int_equal(ur_metaedit_remove(&d, "default", "vm", &err), 0);
	assert_int_equal(d.nprofiles, 1);
	assert_default(&d, "pad");
	/* The last one. */
	assert_int_equal(ur_metaedit_remove(&d, "pad", "vm", &err), 0);
	assert_int_equal(d.nprofiles, 0);
	assert_int_equal(d.default_profile, -1);
	assert_true(ur_domain_is_empty(&d));
	remove_refused(&d, "pad", "vm has no profile 'pad' (it has none)");
}

static void
test_default_moved_then_removed(void **state)
{
	struct ur_domain d;
	struct ur_err err;

	(void)state;
	three(&d);
	set_ok(&d, edit("pad", NULL, 1));
	assert_int_equal(ur_metaedit_remove(&d, "default", "vm", &err), 0);
	assert_int_equal(d.nprofiles, 2);
	assert_default(&d, "pad");
	assert_string_equal(d.profile[0].name, "kbd");
}

static void
test_toggle_ctrls(void **state)
{
	struct ur_domain d;
	struct ur_metaedit e;

	(void)state;
	empty(&d);
	assert_true(ur_domain_is_empty(&d));
	e = edit(NULL, NULL, 0);
	e.toggle = "serial0";
	e.set_ctrls = 1;
	e.ctrls = UR_CTRL_EHCI2 | UR_CTRL_XHCI;
	set_ok(&d, e);
	assert_string_equal(d.toggle_device, "serial0");
	assert_int_equal(d.attr_ctrls, UR_CTRL_EHCI2 | UR_CTRL_XHCI);
	assert_false(ur_domain_is_empty(&d));
	/* Neither given: both stay. */
	set_ok(&d, edit(NULL, "ehci2.1", 0));
	assert_string_equal(d.toggle_device, "serial0");
	assert_int_equal(d.attr_ctrls, UR_CTRL_EHCI2 | UR_CTRL_XHCI);
	/* "" and 0 clear them. */
	e = edit(NULL, NULL, 0);
	e.toggle = "";
	set_ok(&d, e);
	assert_string_equal(d.toggle_device, "");
	assert_int_equal(d.attr_ctrls, UR_CTRL_EHCI2 | UR_CTRL_XHCI);
	e = edit(NULL, NULL, 0);
	e.set_ctrls = 1;
	set_ok(&d, e);
	assert_int_equal(d.attr_ctrls, 0);
	assert_false(ur_domain_is_empty(&d));	/* a profile is left */
}

static void
test_limits(void **state)
{
	char name[65], ports[257], dev[65], msg[256];
	struct ur_domain d;
	struct ur_metaedit e;
	int i;

	(void)state;
	empty(&d);
	for (i = 0; i < UR_DOMAIN_MAX_PROFILES; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		set_ok(&d, edit(name, "ehci2.1", 0));
	}
	assert_int_equal(d.nprofiles, UR_DOMAIN_MAX_PROFILES);
	snprintf(msg, sizeof(msg), "vm has %d profiles, the most usbroute "
	    "keeps; remove one with 'usbroute domain vm unset --profile "
	    "NAME'", UR_DOMAIN_MAX_PROFILES);
	set_refused(&d, edit("one-more", "ehci2.2", 0), msg);
	/* Replacing one is still allowed when full. */
	set_ok(&d, edit("p3", "ehci2.4", 0));

	empty(&d);
	memset(name, 'n', 64);
	name[64] = '\0';
	set_refused(&d, edit(name, "ehci2.1", 0), "profile name "
	    "'nnnnnnnnnnnnnnnnnnnnnnnn...' is longer than the 63 characters "
	    "allowed");
	name[63] = '\0';
	set_ok(&d, edit(name, "ehci2.1", 0));

	memset(ports, 'x', 256);
	ports[256] = '\0';
	set_refused(&d, edit(name, ports, 0), "--ports "
	    "'xxxxxxxxxxxxxxxxxxxxxxxx...' is longer than the 255 characters "
	    "allowed");
	ports[255] = '\0';
	set_ok(&d, edit(name, ports, 0));
	assert_int_equal(strlen(d.profile[0].ports), 255);

	memset(dev, 't', 64);
	dev[64] = '\0';
	e = edit(NULL, NULL, 0);
	e.toggle = dev;
	set_refused(&d, e, TOGGLE_TOO_LONG);
}

/* An edit refused late leaves nothing of what it did first. */
static void
test_refused_whole(void **state)
{
	char dev[65];
	struct ur_domain d;
	struct ur_metaedit e;

	(void)state;
	memset(dev, 't', 64);
	dev[64] = '\0';
	three(&d);
	/* A profile added, then a toggle too long. */
	e = edit("new", "ehci1.1", 1);
	e.toggle = dev;
	e.set_ctrls = 1;
	e.ctrls = UR_CTRL_XHCI;
	set_refused(&d, e, TOGGLE_TOO_LONG);
	/* Ports replaced, then the default flag refused. */
	set_refused(&d, edit("default", "ehci1.2", -1), "profile 'default'"
	    IS_DEFAULT);
	assert_string_equal(d.profile[0].ports, "ehci2.1-6");
}

/* --devices and --required: a profile of devices only, devices added
 * to one with ports, and what cannot be. */
static void
test_devices(void **state)
{
	struct ur_metaedit e;
	struct ur_domain d;
	struct ur_err err;
	char buf[2048];

	(void)state;
	empty(&d);
	e = edit("kbd", NULL, 0);
	e.devices = "046d:c52b 04d9:0169/K1";
	e.required = 1;
	set_ok(&d, e);
	assert_string_equal(d.profile[0].ports, "");
	assert_string_equal(d.profile[0].devices, "046d:c52b 04d9:0169/K1");
	assert_int_equal(d.profile[0].required, 1);
	assert_default(&d, "kbd");
	/* what the hook will read back */
	assert_int_equal(ur_meta_format(&d, buf, sizeof(buf), &err), 0);
	assert_non_null(strstr(buf, "devices=\"046d:c52b 04d9:0169/K1\" "
	    "required=\"yes\""));
	assert_null(strstr(buf, "ports="));

	e = edit("kbd", NULL, 0);
	e.devices = "";
	set_refused(&d, e, "profile 'kbd' would have no ports and no "
	    "devices; give --ports or --devices, or remove it with unset "
	    "--profile kbd");
	e = edit("kbd", "ehci2.1", 0);
	e.devices = "";
	set_refused(&d, e, "profile 'kbd' names no devices, so it cannot "
	    "require them; give --devices or --no-required");
	e.required = -1;
	set_ok(&d, e);
	assert_string_equal(d.profile[0].devices, "");
	assert_int_equal(d.profile[0].required, 0);
	e = edit("kbd", NULL, 0);
	e.devices = "logitech";
	set_refused(&d, e, "device 'logitech' is not VENDOR:PRODUCT in hex "
	    "as lsusb shows it, like 046d:c52b (or 046d:c52b/SERIAL)");
	e = edit("nosuch", NULL, 0);
	e.required = 1;
	set_refused(&d, e, "vm has no profile 'nosuch'; give --ports or "
	    "--devices to create it");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_default),
		cmocka_unit_test(test_later_only_explicit),
		cmocka_unit_test(test_replace_keeps_flag),
		cmocka_unit_test(test_no_default),
		cmocka_unit_test(test_missing_profile),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_default_moved_then_removed),
		cmocka_unit_test(test_toggle_ctrls),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_refused_whole),
		cmocka_unit_test(test_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
