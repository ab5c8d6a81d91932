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

#include "conf.h"
#include "portmap.h"
#include "testutil.h"

/* The map and where its lines go in a config someone wrote by hand. */

static char dir[256];

static void
load(struct ur_conf *c, const char *text)
{
	char path[512];
	struct ur_err err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/c.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	if (ur_conf_load(c, path, 0, &err) < 0)
		fail_msg("%s", err.msg);
}

static int
setup(void **state)
{
	(void)state;
	return tu_tmpdir(dir, sizeof(dir), "test-portmap");
}

static int
teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

static void
test_names(void **state)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_portmap pm;
	struct ur_conf c;
	struct ur_err err;
	char def[32];

	(void)state;
	load(&c, "port desk = ehci2.1-6\nport a = ehci1.1\nport b = p9\n");
	ur_portmap_init(&pm, &c, cs, 0x00ff, NULL);
	/* Only ports in the switchable set count; p9 is outside it. */
	assert_int_equal(ur_portmap_total(&pm), 8);
	assert_int_equal(ur_portmap_mapped(&pm), 1);
	assert_string_equal(pm.name[9], "b");
	assert_int_equal(ur_portmap_news(&pm), 0);
	ur_portmap_default(&pm, def, sizeof(def));
	assert_string_equal(def, "socket-1");
	assert_int_equal(ur_portmap_name(&pm, 1, "socket-1", &err), 0);
	ur_portmap_default(&pm, def, sizeof(def));
	assert_string_equal(def, "socket-2");
	assert_int_equal(ur_portmap_name(&pm, 2, "desk", &err), -1);
	assert_non_null(strstr(err.msg, "already a name in the config"));
	assert_int_equal(ur_portmap_name(&pm, 2, "a", &err), -1);
	assert_non_null(strstr(err.msg, "already the name of ehci1.1"));
	assert_int_equal(ur_portmap_name(&pm, 2, "p3", &err), -1);
	assert_int_equal(ur_portmap_name(&pm, 2, "two words", &err), -1);
	/* Naming a port its own name again is no change. */
	assert_int_equal(ur_portmap_name(&pm, 1, "socket-1", &err), 0);
	assert_int_equal(ur_portmap_mapped(&pm), 2);
	assert_int_equal(ur_portmap_news(&pm), 1);

	/* One USB3 port, one connector: a second pairing moves it. */
	ur_portmap_pair(&pm, 1, 3);
	assert_int_equal(ur_portmap_bit_of_ss(&pm, 3), 1);
	ur_portmap_pair(&pm, 2, 3);
	assert_int_equal(ur_portmap_bit_of_ss(&pm, 3), 2);
	assert_int_equal(pm.ss[1], 0);
	assert_int_equal(ur_portmap_bit_of_ss(&pm, 4), -1);
	ur_portmap_pair(&pm, 2, 7);		/* no such port: ignored */
	assert_int_equal(pm.ss[2], 3);
}

static void
render(const char *old, const char *want)
{
	const struct ur_chipset *cs = ur_chipset_by_key("8-series");
	struct ur_portmap pm;
	struct ur_conf c;
	struct ur_err err;
	char *text;

	load(&c, old);
	ur_portmap_init(&pm, &c, cs, 0x7fff, NULL);
	assert_int_equal(ur_portmap_name(&pm, 2, "left", &err), 0);
	ur_portmap_pair(&pm, 2, 1);
	text = ur_portmap_render(&pm, old);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void
test_render(void **state)
{
	(void)state;
	/* Empty: the lines are the file. */
	render("", "port left = ehci1.3\nss-pair ehci1.3 = 1\n");
	/* No port lines, no trailing newline: at the end, line ended. */
	render("# mine\nlock-timeout-ms = 10", "# mine\nlock-timeout-ms = 10\n"
	    "port left = ehci1.3\nss-pair ehci1.3 = 1\n");
	/* Beside their kind, a commented-out line is not one. */
	render("port a = ehci1.1\n# port x = p3\n\nss-pair ehci1.1 = 2\n"
	    "  # ss-pair ehci1.2 = 3\nstate-dir = /run/x\n",
	    "port a = ehci1.1\nport left = ehci1.3\n# port x = p3\n\n"
	    "ss-pair ehci1.1 = 2\nss-pair ehci1.3 = 1\n"
	    "  # ss-pair ehci1.2 = 3\nstate-dir = /run/x\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
