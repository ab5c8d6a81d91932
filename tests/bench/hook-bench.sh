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
hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
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

# Each contender is a function; rounds runs every one once per round, in
# turn, N rounds after 10 of warm-up, so a change in the machine's load
# falls on all of them alike.  us_NAME: mean microseconds of one call.
rounds() {
	local f i t0 t1
	for ((i = 0; i < 10; i++)); do for f; do $f; done; done
	for f; do eval "sum_$f=0"; done
	for ((i = 0; i < N; i++)); do
		for f; do
			t0=$EPOCHREALTIME
			$f
			t1=$EPOCHREALTIME
			eval "sum_$f=\$((sum_$f + ${t1/./} - ${t0/./}))"
		done
	done
	for f; do eval "us_$f=\$((sum_$f / N))"; done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
xhci() { setpci -A linux-sysfs -O sysfs.path="$T/sim/bus/pci" -s 00:14.0 d0.l; }

# A domain without metadata, prepare begin: what every other domain pays.
true_plain() { /bin/true <"$plain" >/dev/null 2>&1; }
hook_plain() { "$HOOK" dom prepare begin - <"$plain" >/dev/null 2>&1; }
shell_plain() { bash "$SHELL_HOOK" dom prepare begin - <"$plain" >/dev/null 2>&1; }
# A domain with metadata: prepare + release, routing 6 ports and back.
ours_cycle() {
	"$HOOK" dom prepare begin - <"$T/ours-only.xml" >/dev/null 2>&1
	"$HOOK" dom release end - <"$T/ours-only.xml" >/dev/null 2>&1
}
shell_cycle() {
	bash "$SHELL_HOOK" dom prepare begin - <"$T/ours.xml" >/dev/null 2>&1
	bash "$SHELL_HOOK" dom release end - <"$T/ours.xml" >/dev/null 2>&1
}

# What the libraries alone cost (hook-floor.c): no hook on them can do
# better; the rest is the hook's own work.
cc -O2 -Wall -Wextra -o "$T/floor" "$top_srcdir/tests/bench/hook-floor.c" \
	$(pkg-config --cflags --libs libpci) ||
	{ echo "bench: cannot build hook-floor.c" >&2; exit 1; }
"$T/floor" xml || { echo "bench: hook-floor cannot load libxml2" >&2; exit 1; }
floor_cycle() {
	"$T/floor" xml <"$T/ours-only.xml" >/dev/null 2>&1
	"$T/floor" <"$T/ours-only.xml" >/dev/null 2>&1
}

# Both must do the work being timed: a hook that fails fast is no result.
for who in ours shell; do
	if [ $who = ours ]; then
		"$HOOK" dom prepare begin - <"$T/ours-only.xml"
	else
		bash "$SHELL_HOOK" dom prepare begin - <"$T/ours.xml"
	fi
	[ "$(xhci)" = 000040ff ] || { echo "bench: the $who hook did not route ehci2.1-6" >&2; exit 1; }
	if [ $who = ours ]; then
		"$HOOK" dom release end - <"$T/ours-only.xml"
	else
		bash "$SHELL_HOOK" dom release end - <"$T/ours.xml"
	fi
	[ "$(xhci)" = 00007fff ] || { echo "bench: the $who hook did not give the ports back" >&2; exit 1; }
done

echo "usbroute hook benchmark: $N rounds, $(nproc) cores, $(uname -r)"
echo "(each round runs every contender once, in turn)"
rounds true_plain hook_plain shell_plain
printf '\ndomain without metadata (prepare begin):\n'
printf '  %-28s %8d us\n' "/bin/true" "$us_true_plain"
printf '  %-28s %8d us   %sx /bin/true\n' "usbroute-hook" "$us_hook_plain" "$(ratio "$us_hook_plain" "$us_true_plain")"
printf '  %-28s %8d us   %sx /bin/true, %sx usbroute-hook\n' "bash + xmllint + setpci" "$us_shell_plain" \
	"$(ratio "$us_shell_plain" "$us_true_plain")" "$(ratio "$us_shell_plain" "$us_hook_plain")"

rounds ours_cycle shell_cycle floor_cycle
[ "$(xhci)" = 00007fff ] || { echo "bench: the routing did not end at home" >&2; exit 1; }
printf '\ndomain with metadata (prepare + release, routing 6 ports):\n'
printf '  %-28s %8d us   %sx /bin/true\n' "usbroute-hook" "$us_ours_cycle" "$(ratio "$us_ours_cycle" "$us_true_plain")"
printf '  %-28s %8d us   %sx usbroute-hook\n' "bash + xmllint + setpci" "$us_shell_cycle" "$(ratio "$us_shell_cycle" "$us_ours_cycle")"
printf '  %-28s %8d us   %sx shell hook\n' "floor: libpci, libxml2" "$us_floor_cycle" "$(ratio "$us_floor_cycle" "$us_shell_cycle")"
printf '  usbroute-hook / shell hook: %sx (goal: <= 0.20x); its own work: %d us above the floor\n' \
	"$(ratio "$us_ours_cycle" "$us_shell_cycle")" "$((us_ours_cycle - us_floor_cycle))"
