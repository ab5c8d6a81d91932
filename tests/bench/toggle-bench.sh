#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: how long usbrouted takes to toggle a running domain's ports,
# from the request sent to the reply received (it replies once the register
# is written and read back), over its control socket and over TCP -- beside
# a reference that does what the seed's service did (reference-server.py:
# Python on loopback, setpci to read, setpci to write).  Same simulated
# chipset, same run.  Prints p50/p99/mean and whether the issue's targets
# are met (p50 under 0.1 ms, also on a new TCP connection each; 10x faster
# than the reference); measured, not asserted: the run fails only if
# something does not work.
#
# usbrouted toggles only domains it learns from libvirt, so this starts a
# private libvirtd (tests/libvirt/lv.sh; root) with one diskless domain.
# State and the simulation are on tmpfs (/dev/shm), as /run and sysfs are.
#
# Beside them, the floor: the same measurement against a server that
# answers at once and does nothing else (toggle-bench serve), taken in the
# same rounds: what connections and wake-ups cost on this machine at that
# moment, which on a virtual machine moves several-fold with the host.
#
# The samples of each kind are taken in rounds (BENCH_ROUNDS, N/ROUNDS
# each), the kinds taking turns, so that a burst of other work on the
# machine falls on all of them alike rather than on one; the load average
# before and after is printed with the figures.
#
# usage: [BENCH_N=1000] [BENCH_ROUNDS=5] [BENCH_CLI_N=200] top_builddir=BUILD bash tests/bench/toggle-bench.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
CLI_N=${BENCH_CLI_N:-200}
. "$top_srcdir/tests/libvirt/lv.sh"
# Skips are loud but exit 0, so that the rest of `make bench` runs: the
# checks run in a subshell (lv_skip exits it after its banner), then
# lv_programs again here for the variables.
(lv_require && lv_programs && lv_need cc python3 setpci nc) || exit 0
lv_programs

T=$(mktemp -d /tmp/usbroute-tbench.XXXXXX)
SHM=$(mktemp -d /dev/shm/usbroute-tbench.XXXXXX)
dpid='' rpid='' fpid='' outside_conf=''
cleanup() {
	lv_stop_pid "$fpid"
	lv_stop_pid "$rpid"
	lv_daemon_stop
	lv_stop
	[ -n "$outside_conf" ] && rm -f "$CONF"
	rm -rf "$T" "$SHM"
}
trap cleanup EXIT
die() { echo "toggle-bench: $*" >&2; exit 1; }

cc -O2 -Wall -Wextra -o "$T/toggle-bench" "$top_srcdir/tests/bench/toggle-bench.c" ||
	die "cannot build toggle-bench.c"

# ---------------------------------------------------------------- helpers

# wait_for SECS WHAT CMD...: poll CMD every 0.1 s, saying what we wait for
# once it takes longer than a second
wait_for() {
	local i=0 n=$(($1 * 10)) what=$2
	shift 2
	until "$@"; do
		i=$((i + 1))
		[ $i -lt $n ] || die "gave up waiting for $what"
		[ $i -ne 10 ] || echo "waiting for $what (up to $((n / 10)) s)..." >&2
		sleep 0.1
	done
}
d0() { setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l; }
field() { sed -n "s/.*\<$1=\([0-9.]*\).*/\1/p"; }	# field NAME < RESULT
# rounds LABEL|ARGS...: N samples of each kind (toggle-bench ARGS), taken
# in ROUNDS turns, then "LABEL|n=.. p50_us=.." for each into results
rounds() {
	local per=$(((N + ROUNDS - 1) / ROUNDS)) r k kind
	for ((r = 0; r < ROUNDS; r++)); do
		for ((k = 1; k <= $#; k++)); do
			kind=${!k}
			# shellcheck disable=SC2086 # the kind's arguments
			"$T/toggle-bench" -s ${kind#*|} "$per" toggle >>"$T/samples.$k" ||
				die "${kind%%|*}: toggle-bench ${kind#*|} failed"
		done
	done
	for ((k = 1; k <= $#; k++)); do
		kind=${!k}
		summary "${kind%%|*}" <"$T/samples.$k" >>"$T/results"
		rm -f "$T/samples.$k"
	done
}
# summary LABEL < SAMPLES: nearest-rank p50 and p99, and the mean
summary() {
	sort -n | awk -v label="$1" '
		{ v[NR] = $1; s += $1 }
		END {
			p50 = v[int(NR * 0.50 + 0.999999)]; p99 = v[int(NR * 0.99 + 0.999999)]
			printf "%s|n=%d p50_us=%.1f p99_us=%.1f mean_us=%.1f\n", label, NR, p50, p99, s / NR
		}'
}
# bench_cli: `usbroute toggle bench`, a process each time, as a user
# types it; per-run times from bash's clock
bench_cli() {
	local i t0 t1
	for ((i = 0; i < 10; i++)); do "$USBROUTE" --config "$CONF" toggle bench >/dev/null || die "usbroute toggle failed"; done
	for ((i = 0; i < CLI_N; i++)); do
		t0=$EPOCHREALTIME
		"$USBROUTE" --config "$CONF" toggle bench >/dev/null || die "usbroute toggle failed"
		t1=$EPOCHREALTIME
		echo $(( ${t1/./} - ${t0/./} ))
	done | summary "$1" >>"$T/results"
}
get() { grep -F "$1|" "$T/results" | field "$2"; }	# get LABEL FIELD

# ---------------------------------------------------------------- setup

lv_init "$(lv_tmpdir tbench)" || exit 1
sim=$SHM/sim
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim create "$sim" --chipset 8-series >/dev/null || die "sim create"
PORT=$(python3 "$top_srcdir/tests/free-port.py")
CTL=$SHM/control
confpath=$("$HOOK" --config-path)
if [ "$confpath" = /etc/usbroute/usbroute.conf ]; then
	CONF=$LV_DIR/etc/usbroute/usbroute.conf
else
	outside_conf=1 CONF=$confpath
	mkdir -p "$(dirname "$CONF")"
fi
# drift-check-ms stays at its default: the daemon as it runs in production
cat >"$CONF" <<EOF
sysfs-root = $sim
state-dir = $SHM/state
hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
libvirt-uri = $LV_URI
control-socket = $CTL
listen-tcp = 127.0.0.1:$PORT
EOF
lv_install_hook "$HOOK" qemu
lv_start || die "private libvirtd did not start"
lv_define_domain bench "" \
	"<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2'><usbroute:profile name='desk' ports='ehci2.1-6' default='yes'/></usbroute:usbroute>"

DLOG=$LV_DIR/usbrouted.log
lv_daemon_start || die "usbrouted did not start"
lv_virsh start bench >/dev/null || die "cannot start the domain"
[ "$(d0)" = 000040ff ] || die "the hook did not route the domain's ports (XUSB2PR $(d0))"
# the daemon learns of the start by a libvirt event
wait_for 10 "usbrouted to know the domain" sh -c "'$USBROUTE' --config '$CONF' guest bench >/dev/null 2>&1"
start=$(d0)

# ---------------------------------------------------------------- runs

"$T/toggle-bench" serve "$T/floor-port" &
fpid=$!
wait_for 10 "the floor server" test -s "$T/floor-port"
fport=$(cat "$T/floor-port")

: >"$T/results"
load0=$(cut -d' ' -f1 /proc/loadavg)
echo "toggle latency: $N toggles each in $ROUNDS rounds (+10 not counted each), $(nproc) cores, $(uname -r)" >&2
rounds "usbrouted, control socket|unix $CTL" \
	"usbrouted, control socket, connect each|-c unix $CTL" \
	"usbrouted, TCP|tcp 127.0.0.1:$PORT" \
	"usbrouted, TCP, connect each|-c tcp 127.0.0.1:$PORT" \
	"floor (no work), TCP|tcp 127.0.0.1:$fport" \
	"floor (no work), TCP, connect each|-c tcp 127.0.0.1:$fport"
bench_cli "usbroute toggle (a process)"
# an even number of toggles leaves the register as it was
[ "$(d0)" = "$start" ] || die "usbrouted left XUSB2PR at $(d0), not $start"

# The reference flips the register behind the daemon's back, which the
# daemon would see as drift and repair: stop the daemon first.
lv_daemon_stop
python3 "$top_srcdir/tests/bench/reference-server.py" --sim "$sim" --mask 0x3f00 \
	--port-file "$T/ref-port" >/dev/null &
rpid=$!
wait_for 10 "reference-server.py" test -s "$T/ref-port"
rport=$(cat "$T/ref-port")
rounds "reference, TCP|tcp 127.0.0.1:$rport" \
	"reference, TCP, connect each|-c tcp 127.0.0.1:$rport"
load1=$(cut -d' ' -f1 /proc/loadavg)
[ "$(d0)" = "$start" ] || die "the reference left XUSB2PR at $(d0), not $start"

# ---------------------------------------------------------------- report

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
yes_no() { awk "BEGIN { print (($1) ? \"met\" : \"NOT met\") }"; }	# yes_no EXPR

printf '\ntoggle latency, request sent to reply received (microseconds)\n'
printf '  %-40s %9s %9s %9s\n' "" p50 p99 mean
while IFS='|' read -r label r; do
	printf '  %-40s %9s %9s %9s\n' "$label" "$(echo "$r" | field p50_us)" \
		"$(echo "$r" | field p99_us)" "$(echo "$r" | field mean_us)"
done <"$T/results"
printf 'load average (1 min) before the runs %s, after %s, on %s cores: other\nwork on the machine makes every figure slower\n' "$load0" "$load1" "$(nproc)"

u=$(get "usbrouted, control socket" p50_us)
ut=$(get "usbrouted, TCP" p50_us)
uc=$(get "usbrouted, TCP, connect each" p50_us)
r=$(get "reference, TCP" p50_us)
rc=$(get "reference, TCP, connect each" p50_us)
fl=$(get "floor (no work), TCP" p50_us)
flc=$(get "floor (no work), TCP, connect each" p50_us)
printf '\nusbrouted p50 minus the floor p50 (its own work, and the wake-ups that a\nreply that takes a while costs, which the floor may not pay):\n'
printf '  %-34s %8s us\n' "TCP" "$(awk -v a="$ut" -v b="$fl" 'BEGIN { printf "%.1f", a - b }')"
printf '  %-34s %8s us\n' "TCP, a connection each" "$(awk -v a="$uc" -v b="$flc" 'BEGIN { printf "%.1f", a - b }')"

printf '\nreference p50 / usbrouted p50:\n'
printf '  %-34s %8sx\n' "control socket (vs reference TCP)" "$(ratio "$r" "$u")"
printf '  %-34s %8sx\n' "TCP" "$(ratio "$r" "$ut")"
printf '  %-34s %8sx\n' "TCP, a connection each" "$(ratio "$rc" "$uc")"

printf '\ntargets (not enforced):\n'
printf '  %-50s %s (%s us)\n' "p50 under 100 us, control socket" "$(yes_no "$u < 100")" "$u"
printf '  %-50s %s (%s us)\n' "p50 under 100 us, TCP" "$(yes_no "$ut < 100")" "$ut"
printf '  %-50s %s (%s us)\n' "p50 under 100 us, TCP, a new connection each" "$(yes_no "$uc < 100")" "$uc"
printf '  %-50s %s (%sx)\n' "10x faster than the reference, control socket" "$(yes_no "$r >= 10 * $u")" "$(ratio "$r" "$u")"
printf '  %-50s %s (%sx)\n' "10x faster than the reference, TCP" "$(yes_no "$r >= 10 * $ut")" "$(ratio "$r" "$ut")"
exit 0
