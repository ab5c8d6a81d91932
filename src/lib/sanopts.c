/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sanitizer runtimes' default options, in a build configured with
 * --enable-sanitizers (nothing otherwise).
 *
 * Why in the programs and not in ASAN_OPTIONS: libvirtd runs the hook with
 * an environment of its own (LC_ALL, PATH, HOME and little more), and
 * keeps only part of its stderr, so a hook's leak report would be lost.
 * Compiled in, the options hold wherever a program runs: every report goes
 * to a file SAN_REPORT_DIR/report.PID in the build directory (ASan, LSan
 * and UBSan share one log_path), which tests/sanitizer-reports.sh reads
 * after all other tests.  Options in the environment still override these.
 *
 * The linker pulls this file out of libusbroute.a because the sanitized
 * build links with -u ur_sanopts (configure.ac); -u __asan_default_options
 * would not do, as the runtime has a weak definition of its own, which
 * these strong ones replace.
 */
#include "config.h"

#ifdef SAN_REPORT_DIR
extern const int ur_sanopts;
const int ur_sanopts = 1;

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	/* leaks count as errors (exit 23), as on any x86-64 Linux build,
	 * spelled out so that no platform default changes it */
	return "detect_leaks=1:log_path=" SAN_REPORT_DIR "/report";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:log_path=" SAN_REPORT_DIR "/report";
}
#else
/* ISO C wants a declaration in every translation unit. */
typedef int sanopts_unused;
#endif
