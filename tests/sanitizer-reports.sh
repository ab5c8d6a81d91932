#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A build with --enable-sanitizers: runs after every other test (Makefile.am
# makes its log depend on theirs) and fails if any program they ran (the
# CLI, the hook under libvirtd, the daemon, the unit tests) wrote an ASan,
# LSan or UBSan report.  First it proves that reports are written at all:
# a program that leaks on purpose, started with an empty environment as
# libvirtd starts the hook, must leave one.
set -u
: "${top_builddir:?}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SAN_REPORT_DIR:?not a sanitized build (configure --enable-sanitizers)}"
. "$top_srcdir/tests/check.sh"

mkdir -p "$SAN_REPORT_DIR"
env -i "$top_builddir/tests/san-leak" 2>"$SAN_REPORT_DIR/.stderr" &
pid=$!
wait "$pid"
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'detected memory leaks' "$SAN_REPORT_DIR/report.$pid" 2>/dev/null; then
	pass "a leak with an empty environment: exit $rc, reported in report.$pid"
else
	fail "a leak with an empty environment: exit $rc, no report report.$pid ($(cat "$SAN_REPORT_DIR/.stderr"))"
fi
rm -f "$SAN_REPORT_DIR/report.$pid" "$SAN_REPORT_DIR/.stderr"

# The others' reports.  Each is shown whole here, then removed, so that the
# next run starts clean and this log keeps it.
n=0
for f in "$SAN_REPORT_DIR"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	echo "# ---- $f"
	sed 's/^/# /' "$f"
	rm -f "$f"
done
if [ "$n" -eq 0 ]; then
	pass "no sanitizer report from any test"
else
	fail "$n sanitizer reports (above)"
fi
finish
