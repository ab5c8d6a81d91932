#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: what the hook costs libvirt, per invocation, beside
# /bin/true (a bare process start) and beside a shell hook that does the
# same job with bash + xmllint + setpci -- one run, same XML, same
# simulated chipset.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
N=${BENCH_N:-300}

# The simulated sysfs and the state dir on tmpfs, as sysfs and /run are
# on a real host (a disk-backed /tmp would time the disk's renames).
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
T=$(mktemp -d "$shm/usbroute-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
USBROUTE_CONFIG=/dev/null "$top_builddir/src/usbroute/usbroute" sim create "$T/sim" --chipset 8-series >/dev/null
cat >"$T/usbroute.conf" <<CONF
sysfs-root = $T/sim
state-dir = $T/run
hook-helper = $top_builddir/hooks/usbroute-hook-run
CONF
export USBROUTE_CONFIG="$T/usbroute.conf" BENCH_SIM="$T/sim"
HOOK="$top_builddir/hooks/usbroute-hook"
SHELL_HOOK="$top_srcdir/tests/bench/shell-hook.sh"
plain="$top_srcdir/xml-examples/no-metadata.xml"
# Ours and the shell hook's metadata on one domain: each reads its own.
sed "s|</uuid>|</uuid><metadata><usbroute:usbroute xmlns:usbroute=\"urn:usbroute:libvirt:domain:1\" controllers=\"ehci2\" ports=\"ehci2.1-6\" mask=\"0x3f00\"/></metadata>|" \
	"$top_srcdir/xml-examples/no-metadata.xml" >"$T/ours.xml"
grep -q 'mask="0x3f00"' "$T/ours.xml" || { echo "bench: could not build the XML" >&2; exit 1; }
# our parser refuses unknown attributes: give it its own copy
sed 's| mask="0x3f00"||' "$T/ours.xml" >"$T/ours-only.xml"

# time_us XML CMD...: mean microseconds of one run of CMD < XML, over N
time_us() {
	local xml=$1; shift
	local i t0 t1
	for i in 1 2 3 4 5 6 7 8 9 10; do "$@" <"$xml" >/dev/null 2>&1 || true; done
	t0=$EPOCHREALTIME
	for ((i = 0; i < N; i++)); do "$@" <"$xml" >/dev/null 2>&1 || true; done
	t1=$EPOCHREALTIME
	echo $(( (${t1/./} - ${t0/./}) / N ))
}
# cycle_us XML CMD: a prepare + release pair, mean microseconds per pair
cycle() { "$@" dom prepare begin - <"$xml"; "$@" dom release end - <"$xml"; }
cycle_us() {
	local xml=$1; shift
	local i t0 t1
	t0=$EPOCHREALTIME
	for ((i = 0; i < N; i++)); do
		"$@" dom prepare begin - <"$xml" >/dev/null 2>&1
		"$@" dom release end - <"$xml" >/dev/null 2>&1
	done
	t1=$EPOCHREALTIME
	echo $(( (${t1/./} - ${t0/./}) / N ))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "usbroute hook benchmark: $N runs each, $(nproc) cores, $(uname -r)"
true_us=$(time_us "$plain" /bin/true)
hook_us=$(time_us "$plain" "$HOOK" dom prepare begin -)
shell_us=$(time_us "$plain" bash "$SHELL_HOOK" dom prepare begin -)
printf '\ndomain without metadata (prepare begin):\n'
printf '  %-28s %8d us\n' "/bin/true" "$true_us"
printf '  %-28s %8d us   %sx /bin/true\n' "usbroute-hook" "$hook_us" "$(ratio "$hook_us" "$true_us")"
printf '  %-28s %8d us   %sx /bin/true, %sx usbroute-hook\n' "bash + xmllint + setpci" "$shell_us" \
	"$(ratio "$shell_us" "$true_us")" "$(ratio "$shell_us" "$hook_us")"

ours_us=$(cycle_us "$T/ours-only.xml" "$HOOK")
[ "$(setpci -A linux-sysfs -O sysfs.path="$T/sim/bus/pci" -s 00:14.0 d0.l)" = 00007fff ] ||
	{ echo "bench: usbroute did not leave the routing home" >&2; exit 1; }
shell_cycle_us=$(cycle_us "$T/ours.xml" bash "$SHELL_HOOK")
printf '\ndomain with metadata (prepare + release, routing 6 ports):\n'
printf '  %-28s %8d us   %sx /bin/true\n' "usbroute-hook" "$ours_us" "$(ratio "$ours_us" "$true_us")"
printf '  %-28s %8d us   %sx usbroute-hook\n' "bash + xmllint + setpci" "$shell_cycle_us" "$(ratio "$shell_cycle_us" "$ours_us")"
printf '  usbroute-hook / shell hook: %sx (goal: <= 0.20x)\n' "$(ratio "$ours_us" "$shell_cycle_us")"
