#!/bin/bash
# Every test: unit tests of each module, the CLI against every simulated
# chipset and real dump, and (as root) the end-to-end tests against a
# private libvirtd and QEMU; the Debian package, built, installed into a
# throwaway root and purged; then a distribution check.
#
#     bash tests/run-all.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

say "make check"
if ! make -s -j"$(nproc)" check; then
	for log in $(grep -l '^FAIL\|^ERROR' tests/*/*.log 2>/dev/null); do
		echo "---- $log" >&2
		grep -E '^(FAIL|ERROR|SKIP|#)' "$log" >&2 || true
	done
	exit 1
fi
grep -h -E '^SKIP' tests/*/*.log 2>/dev/null || true
count() { { grep -l ":test-result: $1" tests/*/*.trs 2>/dev/null || true; } | wc -l; }
npass=$(count PASS) nfail=$(count FAIL) nskip=$(count SKIP)
say "Debian package: build, lintian, install, run, purge (tests/deb/package.sh)"
if top_srcdir=$PWD top_builddir=$PWD bash tests/deb/package.sh >tests/deb/package.log 2>&1; then
	npass=$((npass + 1))
else
	echo "---- tests/deb/package.log" >&2
	grep -E '^FAIL|passed,' tests/deb/package.log >&2 || tail -20 tests/deb/package.log >&2
	exit 1
fi
say "make distcheck"
make -s distcheck >/dev/null
echo "$npass passed, $nfail failed, $nskip skipped"
