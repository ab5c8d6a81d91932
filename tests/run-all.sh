#!/bin/bash
# Every test: unit tests of each module, the CLI against every simulated
# chipset and real dump, and (as root) the end-to-end tests against a
# private libvirtd and QEMU; then a distribution check.
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
say "make distcheck"
make -s distcheck >/dev/null
echo "$npass passed, $nfail failed, $nskip skipped"
