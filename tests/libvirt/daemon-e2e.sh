#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbrouted end to end: a real daemon, a private libvirtd, real QEMU (TCG)
# domains whose boot-sector guests talk to it over their serial port, the
# hook claiming ports at start, and every register checked with setpci on
# the simulated chipset:
#
#  1. a guest that writes "toggle" (after a wait) moves its ports to the host;
#  2. a guest that sends a profile it does not have, another domain's ports,
#     binary bytes, a 4 KiB line and 1000 toggles in a burst moves nothing
#     but its own ports, a few times (rate limit), and the daemon serves on;
#  3. the host's `usbroute toggle|host|guest|profile` and `nc <<< toggle`
#     over the TCP listener; a domain without a toggle device works too;
#  4. libvirtd killed and restarted: the daemon still knows the running
#     domains, still hears their guests, and sees new ones start;
#  5. drift (XUSB2PR rewritten to USB2PRM as Linux does on resume) is
#     repaired within a few drift-check-ms;
#  2b. a guest that floods the log gets a few log lines, not thousands;
#  6. SIGHUP re-reads the configuration (a port name), a broken one is
#     refused without dying; SIGTERM exits 0.
#
# The daemon runs outside the private namespace, as a child of this script,
# and reaches the private libvirtd by libvirt-uri = $LV_URI.  Everything it
# shares with the hook (config, state, sockets) is under LV_DIR, which is
# the same path on both sides; nothing is under /run (the namespace has
# its own).  Logs stay in LV_DIR: usbrouted.log, var/log/libvirt/.
#
# usage: top_builddir=BUILD bash tests/libvirt/daemon-e2e.sh   (root; 77 = skip)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=SCRIPTDIR/lv.sh
. "$top_srcdir/tests/libvirt/lv.sh"
lv_require

lv_programs
GUEST="$top_srcdir/tests/guest/build.sh"
lv_need python3 nc setpci

. "$top_srcdir/tests/check.sh"
t_start=$SECONDS

# ---------------------------------------------------------------- setup

# The hook reads its config at the path compiled into it: inside the
# private namespace, that directory shows LV_DIR/etc/usbroute, whatever
# --sysconfdir the build has.  Nothing is written outside LV_DIR.
confpath=$("$HOOK" --config-path)
LV_ETC_USBROUTE=$(dirname "$confpath")
dpid=
cleanup() {
	local rc=$?
	stop_daemon
	lv_stop
	[ -n "${T:-}" ] && rm -rf "$T"
	# keep the tree (logs) of a failed run
	[ "$rc" -eq 0 ] && [ "${LV_KEEP:-0}" != 1 ] && rm -rf "$LV_DIR"
	return "$rc"
}
trap cleanup EXIT
lv_init "$(lv_tmpdir daemon)" || exit 1
T=$(mktemp -d /tmp/usbroute-de2e.XXXXXX)

sim=$LV_DIR/sim
state=$LV_DIR/state
CTL=$LV_DIR/ctl
DLOG=$LV_DIR/usbrouted.log
rm -rf "$sim" "$state" "$CTL" "$DLOG"
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim create "$sim" --chipset 8-series >/dev/null || exit 1
XCFG=$sim/bus/pci/devices/0000:00:14.0/config
# A free loopback port for the TCP listener (the kernel picks; a race with
# another program is possible but harmless: the daemon would say so).
PORT=$(python3 "$top_srcdir/tests/free-port.py")

# The hook (inside the namespace, at its compiled-in path) and the daemon
# and CLI (outside, by --config) read the same file.
CONF=$LV_DIR/etc/usbroute/usbroute.conf
# write_conf SPARE [EXTRA]: the configuration, with the port name "spare"
# standing for SPARE (test 6 changes it)
write_conf() {
	cat >"$CONF.tmp" <<-EOF
	sysfs-root = $sim
	state-dir = $state
	hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
	libvirt-uri = $LV_URI
	control-socket = $CTL
	listen-tcp = 127.0.0.1:$PORT
	guest-rate = 4
	drift-check-ms = 200
	port spare = $1
	${2:-}
	EOF
	mv -f "$CONF.tmp" "$CONF"
}
write_conf ehci1.8
lv_install_hook "$HOOK" qemu
lv_start || exit 1

# ---------------------------------------------------------------- helpers

setpci_() { setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 "$@"; }
d0() { setpci_ d0.l; }
# side MASK: whose side the ports of MASK are on, from the register:
# guest (all on EHCI), host (all on xHCI) or "mixed 0x..."
side() {
	local v=$(( 16#$(d0) & $1 ))
	if [ $v -eq 0 ]; then echo guest
	elif [ $v -eq $(($1)) ]; then echo host
	else printf 'mixed 0x%04x\n' $v
	fi
}
# wait_d0 SECS VALUE / wait_side SECS MASK SIDE: poll until it holds
wait_d0() { lv_wait "$1" sh -c "[ \"\$(setpci -A linux-sysfs -O sysfs.path='$sim/bus/pci' -s 00:14.0 d0.l)\" = '$2' ]"; }
side_is() { [ "$(side "$1")" = "$2" ]; }
wait_side() { lv_wait "$1" side_is "$2" "$3"; }

# ur WANT_RC ARGS...: the usbroute client; its reply in $T/out, stderr in
# $T/err.  Passes when it exits WANT_RC, prints one line on stdout (exit
# 0) or one on stderr (exit 1).
ur() {
	local want=$1 rc
	shift
	"$USBROUTE" --config "$CONF" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "usbroute $*: exit $rc, want $want: $(cat "$T/out" "$T/err")"
		return 1
	fi
	if [ "$want" -eq 0 ] && [ "$(wc -l <"$T/out")" -ne 1 ]; then
		fail "usbroute $*: want one line on stdout: $(cat "$T/out" "$T/err")"
		return 1
	fi
	if [ "$want" -ne 0 ] && [ "$(wc -l <"$T/err")" -ne 1 ]; then
		fail "usbroute $*: want one line on stderr: $(cat "$T/out" "$T/err")"
		return 1
	fi
	pass "usbroute $* -> $rc: $(cat "$T/out" "$T/err")"
}
# reply_ok DOMAIN SIDE [REPLY]: REPLY (default: the client's, in $T/out)
# is "ok DOMAIN SIDE PORTS XUSB2PR=0x..." and the value it gives is what
# setpci reads now, but for ticker's ports: its guest toggles them every
# 3 s on its own, between the reply and the read
reply_ok() {
	local r x keep=$((~${M_TICKER:-0}))
	r=${3-$(head -n1 "$T/out")}
	case $r in
	"ok $1 $2 "*XUSB2PR=0x*) ;;
	*) fail "reply '$r' is not 'ok $1 $2 PORTS XUSB2PR=0x...'"; return 1 ;;
	esac
	x=$(printf '%s\n' "$r" | sed -n 's/.*XUSB2PR=0x\([0-9a-fA-F]*\).*/\1/p')
	if [ -n "$x" ] && [ $((16#$x & keep)) -eq $((16#$(d0) & keep)) ]; then
		pass "reply matches the register ($r)"
	else
		fail "reply '$r' says XUSB2PR=0x$x, setpci reads $(d0)"
	fi
}
# ctl LINE / tcp LINE: one request on the control socket / TCP listener,
# the whole reply on stdout
ctl() { printf '%s\n' "$1" | timeout 5 nc -N -U "$CTL" 2>&1; }
tcp() { printf '%s\n' "$1" | timeout 5 nc -N 127.0.0.1 "$PORT" 2>&1; }
# status_lines: the one-line status reply ("ok A profile=P ports=W
# side=S; B ...") as one "domain A profile P ports W side S" line each
status_lines() {
	ctl status | sed -n 's/^ok //p' | sed 's/; /\n/g' |
		sed -E 's/^ *([^ ]+) profile=([^ ]+) ports=([^ ]+) side=([^ ]+)/domain \1 profile \2 ports \3 side \4/'
}
status_has() { status_lines | grep -qE "$1"; }
status_count_is() { [ "$(status_lines | grep -cE '^domain (talker|plain|rogue) ')" = "$1" ]; }

start_daemon() { lv_daemon_start; }
stop_daemon() { lv_daemon_stop; }	# the exit status in drc
# log_mark / log_since: the daemon's log lines written after the mark
log_mark() { mark=$(wc -c <"$DLOG"); }
log_since() { tail -c +$((mark + 1)) "$DLOG"; }

# sampler_start OUT / sampler_stop: read XUSB2PR from the simulated config
# space every millisecond (not through setpci: too slow to see quick
# switches) and write "SECONDS VALUE" each time it changes.  The first line
# is the value at the start.
sampler_start() {
	python3 - "$XCFG" "$1" "$1.stop" <<-'PY' &
	import os, struct, sys, time
	cfg, out, stop = sys.argv[1:4]
	fd = os.open(cfg, os.O_RDONLY)
	t0, last, n = time.monotonic(), None, 0
	with open(out, "w") as f:
	    while True:
	        v = struct.unpack("<I", os.pread(fd, 4, 0xd0))[0]
	        if v != last:
	            f.write("%.4f %08x\n" % (time.monotonic() - t0, v))
	            f.flush()
	            last = v
	        n += 1
	        if n % 100 == 0 and os.path.exists(stop):
	            break
	        time.sleep(0.001)
	PY
	sampler_pid=$!
}
sampler_stop() {
	: >"$1.stop"
	wait "$sampler_pid"
}

# A domain: NAME DEVICES METADATA; our element with profiles and a toggle
meta() {	# meta CONTROLLERS PROFILES_XML [TOGGLE_ALIAS]
	echo "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='$1'>$2${3:+<usbroute:toggle device='$3'/>}</usbroute:usbroute>"
}
prof() {	# prof NAME PORTS [default]
	echo "<usbroute:profile name='$1' ports='$2'${3:+ default='yes'}/>"
}
# guest NAME BUILD-ARGS...: a disk with a boot-sector guest for domain NAME
guest() {
	local name=$1
	shift
	bash "$GUEST" "$@" || { echo "cannot build the guest of $name" >&2; exit 1; }
}
devices() {	# devices NAME: its disk and its COM1 on LV_DIR/NAME.sock
	lv_disk_xml "$LV_DIR/$1.img"
	lv_serial_unix_xml "$LV_DIR/$1.sock"
}

start_daemon || { fail "usbrouted starts"; finish; exit 1; }
pass "usbrouted accepts on its control socket (pid $dpid)"

# Bits of the 8-series simulation (15 switchable): each domain its own,
# so all can run at once and none may move another's.
M_TALKER=0x3f00		# ehci2.1-6; profile kbd = ehci2.1 (0x0100)
M_PLAIN=0x0003		# ehci1.1-2, no toggle device
M_ROGUE=0x000c		# ehci1.3-4
M_TICKER=0x0030		# ehci1.5-6
M_LATE=0x0040		# ehci1.7; profile alt = "spare" (ehci1.8, 0x0080)

# ------------------------------------------- 1. a guest that says toggle
echo "# 1. guest toggle"
# "toggle\r\n", as a Windows guest's serial port writes lines
guest talker -w 2000 -n 1 "$LV_DIR/talker.img" $'toggle\r'
lv_define_domain talker "$(devices talker)" \
	"$(meta ehci2 "$(prof desk ehci2.1-6 d)$(prof kbd ehci2.1)" serial0)"
lv_virsh start talker >/dev/null
eq "talker started: the hook gave ehci2.1-6 to the guest" "$(d0)" 000040ff
t0=$SECONDS
if wait_d0 15 00007fff; then
	pass "talker's guest said 'toggle\\r\\n' (after its 2 s wait): its ports went to the host, 0x000040ff -> 0x00007fff ($((SECONDS - t0)) s)"
else
	fail "talker's guest said 'toggle': XUSB2PR is $(d0), want 00007fff"
fi
check "status on the control socket: talker on profile desk, host side" \
	status_has '^domain talker profile desk ports .* side host'

# ------------------------------------------- 3. the host, over TCP and the CLI
echo "# 3. host requests"
# The seed's habit: one running domain, no name.
r=$(tcp toggle)
echo "# nc 127.0.0.1 $PORT <<< toggle: $r"
reply_ok talker guest "$r"
eq "... gave the ports back to the guest" "$(d0)" 000040ff

plain_meta="<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci1' ports='ehci1.1-2'/>"
lv_define_domain plain "" "$plain_meta"
lv_virsh start plain >/dev/null
eq "plain (short form, no toggle device) started: ehci1.1-2 to its guest" "$(d0)" 000040fc
lv_wait 5 status_has '^domain plain ' || true
ur 1 toggle		# two domains run: which one?
eq "... and changed nothing" "$(d0)" 000040fc
ur 0 toggle talker && reply_ok talker host
eq "toggle talker: its ports to the host, plain's stay" "$(side $M_TALKER)/$(side $M_PLAIN)" host/guest
ur 0 host talker && reply_ok talker host
eq "host talker again: still the host's" "$(side $M_TALKER)" host
ur 0 guest talker && reply_ok talker guest
eq "guest talker: back to the guest" "$(side $M_TALKER)" guest
ur 0 profile talker kbd && reply_ok talker guest
eq "profile talker kbd: only ehci2.1 with the guest" "$(printf '%04x' $((16#$(d0) & M_TALKER)))" 3e00
check "status says profile kbd" status_has '^domain talker profile kbd .* side guest'
ur 0 guest talker desk && reply_ok talker guest
eq "guest talker desk: ehci2.1-6 with the guest again" "$(d0)" 000040fc
before=$(d0)
ur 1 profile talker nosuch
ur 1 toggle nosuch
ur 1 guest talker nosuch
eq "unknown profile and domain changed nothing" "$(d0)" "$before"
ur 0 toggle plain && reply_ok plain host
eq "a domain without a toggle device works from the host" "$(side $M_PLAIN)/$(side $M_TALKER)" host/guest
ur 0 toggle plain
eq "... and back" "$(side $M_PLAIN)" guest
reply_ok talker host "$(tcp "toggle talker")"
reply_ok plain host "$(tcp "host plain")"
eq "tcp requests moved the registers" "$(side $M_TALKER)/$(side $M_PLAIN)" host/host
r=$(tcp "frobnicate")
case $r in "error:"*) pass "tcp: an unknown request: $r" ;; *) fail "tcp: an unknown request: '$r'" ;; esac
tcp "guest talker" >/dev/null
tcp "guest plain" >/dev/null
eq "both with their guests again" "$(d0)" 000040fc

# A profile added to the running domain is usable at once: the daemon
# follows libvirt's metadata-change event.
"$USBROUTE" --config "$CONF" domain plain set --live --profile one --ports ehci1.2 >/dev/null 2>"$T/err" ||
	fail "domain plain set --live: $(cat "$T/err")"
lv_wait 5 sh -c "printf 'profile plain one\n' | timeout 5 nc -N -U '$CTL' | grep -q '^ok plain guest ehci1.2 '" &&
	pass "a profile set --live is known to the daemon at once" ||
	fail "profile plain one after set --live: $(ctl "profile plain one")"
eq "profile plain one: only ehci1.2 with plain's guest" "$(printf '%04x' $((16#$(d0) & M_PLAIN)))" 0001
tcp "guest plain default" >/dev/null
eq "guest plain default: ehci1.1-2 again" "$(d0)" 000040fc

# ------------------------------------------- 2. a guest that misbehaves
echo "# 2. hostile guest"
# After 2 s: requests it may not make (another profile, another domain's
# ports, a profile that overlaps plain's ports), binary bytes (one hides a
# toggle), status; then a 4 KiB line whose last 7 bytes are "toggle\n" (a
# reader that cut it into 256-byte lines would toggle); then one good
# toggle; then, 2.5 s later, 1000 toggles as fast as the UART goes.
A128=$(printf 'A%.0s' $(seq 128))
guest rogue -w 2000 -n 1 "$LV_DIR/rogue.img" \
	$'profile other\nprofile grab\ntoggle plain\nhost plain\n\x01toggle\x7f\n\xfftoggle\ntog\tgle\nstatus' \
	-N -n 32 -d 0 -- "$A128" -n 1 toggle \
	-w 1000 -n 1 toggle \
	-w 2500 -n 1000 -d 0 toggle
lv_define_domain rogue "$(devices rogue)" \
	"$(meta 'ehci1 ehci2' "$(prof desk ehci1.3-4 d)$(prof grab 'ehci1.1 ehci1.3')" serial0)"
before=$(d0)
log_mark
sampler_start "$T/samples"
lv_virsh start rogue >/dev/null
eq "rogue started: ehci1.3-4 to its guest, nothing else moved" \
	"$(side $M_ROGUE)/$(printf '%04x' $((16#$(d0) & ~M_ROGUE & 0x7fff)))" \
	"guest/$(printf '%04x' $((16#$before & ~M_ROGUE & 0x7fff)))"
# its one good toggle comes ~3.5 s after start, the burst 2.5 s later
if wait_side 15 $M_ROGUE host; then
	pass "rogue's good toggle, after the junk, moved its ports to the host"
else
	fail "rogue's good toggle: its ports are $(side $M_ROGUE)"
fi
sleep 5		# the burst, and time for anything queued behind it
sampler_stop "$T/samples"
log_since >"$T/rogue.log"

# From the samples: other bits never moved; rogue's first switch was to
# the host, nothing followed within 1 s (the junk did nothing); the whole
# run made few switches (4/s with a burst of 4 allowed, plus the good one).
python3 - "$T/samples" "$M_ROGUE" "$(( 16#$before & ~M_ROGUE & 0x7fff ))" >"$T/verdict" <<-'PY'
import sys
rows = [(float(t), int(v, 16)) for t, v in (l.split() for l in open(sys.argv[1]))]
mask, others = int(sys.argv[2], 0), int(sys.argv[3])
moved = [(t, v) for t, v in rows if (v & ~mask & 0x7fff) != others]
sw = [(t, v & mask) for (t, v), (_, p) in zip(rows[1:], rows) if (v & mask) != (p & mask)]
# the claim at start (to the guest) is the hook's, not the guest's doing
if sw and sw[0][1] == 0:
    sw = sw[1:]
print("others_moved", len(moved), " ".join("%.3f:%08x" % m for m in moved[:5]))
first = sw[0] if sw else None
print("first", "%08x" % first[1] if first else "none")
# junk that switched would be followed by the good toggle 1 s later; the
# burst comes 2.5 s after the good toggle
print("soon_after", len([s for s in sw[1:] if s[0] - first[0] < 1.8]) if first else 0)
print("switches", len(sw), " ".join("%.3f" % s[0] for s in sw[:20]))
PY
grep '^' "$T/verdict" | sed 's/^/# samples: /'
eq "no other domain's port moved while rogue ran (sampled every ms)" "$(awk '$1 == "others_moved" { print $2 }' "$T/verdict")" 0
eq "rogue's first switch gave its ports to the host" "$(awk '$1 == "first" { print $2 }' "$T/verdict")" 0000000c
eq "the junk before its good toggle switched nothing" "$(awk '$1 == "soon_after" { print $2 }' "$T/verdict")" 0
nsw=$(awk '$1 == "switches" { print $2 }' "$T/verdict")
if [ -n "$nsw" ] && [ "$nsw" -ge 1 ] && [ "$nsw" -le 7 ]; then
	pass "1000 toggles in a burst: $nsw switches seen in all (rate limit 4/s)"
else
	fail "1000 toggles in a burst: $nsw switches seen, want 1..7"
fi
# The daemon's own account, for whoever reads the log (format not checked).
echo "# usbrouted's log during rogue's run: $(grep -c 'rogue' "$T/rogue.log") lines about rogue, $(grep -ci 'rate' "$T/rogue.log") about the rate limit"
check "the daemon still runs" lv_alive "$dpid"
check "status still answers and lists talker, plain and rogue" \
	status_count_is 3
r=$(side $M_ROGUE)
ur 0 toggle rogue
if [ "$(side $M_ROGUE)" != "$r" ]; then
	pass "the host still toggles rogue ($r -> $(side $M_ROGUE))"
else
	fail "host toggle of rogue did not move its ports ($(side $M_ROGUE))"
fi
eq "talker and plain still with their guests" "$(side $M_TALKER)/$(side $M_PLAIN)" guest/guest

# ------------------------------------------- 5. drift
echo "# 5. drift"
want=$(d0)
prm=$(setpci_ d4.l)
log_mark
t0=$(date +%s%N)
setpci_ d0.l="$prm"		# what Linux does when the xHCI resumes
if wait_d0 5 "$want"; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ $ms -le 2000 ]; then
		pass "drift to USB2PRM ($prm) repaired to $want in $ms ms (drift-check-ms = 200)"
	else
		fail "drift repaired, but after $ms ms (drift-check-ms = 200)"
	fi
else
	fail "drift to $prm not repaired: XUSB2PR is $(d0), want $want"
fi
sleep 0.3
check "a log line names the drifted ports" sh -c "tail -c +$((mark + 1)) '$DLOG' | grep -q 'ehci'"

# a domain that stops is forgotten
lv_virsh destroy rogue >/dev/null
if lv_wait 10 sh -c "! printf 'status\n' | timeout 5 nc -N -U '$CTL' | grep -qE '(^ok|; ) ?rogue '"; then
	pass "rogue destroyed: gone from status"
else
	fail "rogue destroyed: still in status"
fi
ur 1 toggle rogue
lv_wait 5 side_is $M_ROGUE host
eq "rogue's ports are the host's again (the hook released them)" "$(side $M_ROGUE)" host

# ------------------------------------------- 2b. a guest that floods the log
echo "# 2b. log flood"
# 5000 lines of one binary byte (10 KB), 2000 unknown requests, a 4 KiB
# line, then a toggle: the host's log gets a few lines a second about
# it, with what was held back counted, and the toggle still comes through.
guest flood -w 2000 -n 5000 -d 0 "$LV_DIR/flood.img" $'\x01' \
	-n 2000 -d 0 x \
	-N -n 32 -d 0 -- "$A128" -n 1 "" \
	-w 500 -n 1 toggle
lv_define_domain flood "$(devices flood)" \
	"$(meta ehci1 "$(prof desk ehci1.3-4 d)" serial0)"
log_mark
t0=$SECONDS
lv_virsh start flood >/dev/null
if wait_side 60 $M_ROGUE host; then
	pass "flood's toggle after 10 KB of binary lines came through ($((SECONDS - t0)) s)"
else
	fail "flood's toggle after the junk: its ports are $(side $M_ROGUE)"
fi
sleep 2		# a summary of what was held back comes within a second
log_since | grep 'flood:' >"$T/flood.log"
nlog=$(grep -c . "$T/flood.log")
nbin=$(grep -c 'binary bytes; dropped' "$T/flood.log")
held=$(sed -n 's/.*held back by the log rate limit: \([0-9]*\) guest line.*/\1/p' "$T/flood.log" | awk '{ s += $1 } END { print s + 0 }')
echo "# flood: $nlog log lines about it; binary lines logged $nbin, held back $held"
sed "s/^/#   /" "$T/flood.log"
if [ "$nlog" -le 20 ]; then
	pass "7000 junk lines from a guest: $nlog log lines about it (at most 20)"
else
	fail "7000 junk lines from a guest: $nlog log lines about it, want at most 20"
fi
if [ $((nbin + held)) -ge 4500 ] && [ $((nbin + held)) -le 5000 ]; then
	pass "... the binary lines are all accounted for: $nbin logged + $held held back"
else
	fail "... binary lines logged $nbin + held back $held, want about 5000"
fi
check "... the daemon still runs" lv_alive "$dpid"
lv_virsh destroy flood >/dev/null
lv_wait 5 sh -c "! printf 'status\n' | timeout 5 nc -N -U '$CTL' | grep -qE '(^ok|; ) ?flood '" || true

# ------------------------------------------- 4. libvirtd restarts
echo "# 4. libvirtd restart"
guest ticker -w 2000 -n 200 -d 3000 "$LV_DIR/ticker.img" toggle
lv_define_domain ticker "$(devices ticker)" "$(meta ehci1 "$(prof main ehci1.5-6 d)" serial0)"
lv_virsh start ticker >/dev/null
if wait_side 15 $M_TICKER host; then pass "ticker's guest toggles every 3 s"; else fail "ticker's guest: no toggle"; fi
talker_before=$(side $M_TALKER)
lv_restart_libvirtd || fail "lv_restart_libvirtd"
eq "talker and ticker survive the libvirtd restart" \
	"$(lv_virsh domstate talker)/$(lv_virsh domstate ticker)" "running/running"
sleep 1		# give the daemon time to notice and reconnect
check "the daemon still runs" lv_alive "$dpid"
if lv_wait 15 status_has '^domain talker '; then pass "status lists talker after the restart"; else fail "status after the restart: $(ctl status)"; fi
eq "talker's side did not change" "$(side $M_TALKER)" "$talker_before"
ur 0 toggle talker && reply_ok talker host
ur 0 toggle talker && reply_ok talker guest
# ticker ticks every 3 s: it must still move its ports after the restart
v=$(side $M_TICKER)
if lv_wait 8 sh -c "[ \"\$(setpci -A linux-sysfs -O sysfs.path='$sim/bus/pci' -s 00:14.0 d0.l)\" != '$(d0)' ]" &&
	[ "$(side $M_TICKER)" != "$v" ]; then
	pass "ticker's guest still moves its ports after the restart ($v -> $(side $M_TICKER))"
else
	fail "ticker's guest after the restart: ports stay $(side $M_TICKER)"
fi
# events after the restart: a domain started now is seen, its guest heard
guest late -w 2000 -n 1 "$LV_DIR/late.img" toggle
lv_define_domain late "$(devices late)" "$(meta ehci1 "$(prof main ehci1.7 d)$(prof alt spare)" serial0)"
lv_virsh start late >/dev/null
eq "late started after the restart: ehci1.7 with its guest" "$(side $M_LATE)" guest
if wait_side 15 $M_LATE host; then
	pass "late's guest, started after the restart, moved its ports"
else
	fail "late's guest was not heard: the daemon lost libvirt's events?"
fi

# ------------------------------------------- 6. SIGHUP, SIGTERM
echo "# 6. signals"
ur 0 profile late alt && reply_ok late guest
eq "profile late alt: 'spare' is ehci1.8" "$(printf '%04x' $((16#$(d0) & 0xc0)))" 0040
# A broken configuration is refused, and the daemon keeps serving.
write_conf ehci1.7 "this is not a key = value"
kill -HUP "$dpid"
sleep 0.5
check "SIGHUP with a broken configuration: the daemon survives" lv_alive "$dpid"
check "... and still serves" status_has '^domain late '
# Now a good one: "spare" moves to ehci1.7.  Restart late so that nothing
# resolved under the old names (by the daemon or the hook) is left over.
write_conf ehci1.7
lv_virsh destroy late >/dev/null
lv_wait 10 side_is $M_LATE host
kill -HUP "$dpid"
sleep 0.5
check "SIGHUP: the daemon survives" lv_alive "$dpid"
lv_virsh start late >/dev/null
lv_wait 5 status_has '^domain late ' || true
ur 0 profile late alt && reply_ok late guest
eq "after SIGHUP, profile late alt: 'spare' is ehci1.7 now" "$(printf '%04x' $((16#$(d0) & 0xc0)))" 0080

stop_daemon
eq "SIGTERM: usbrouted exits 0" "$drc" 0
ur 1 toggle talker
case $(cat "$T/err") in
*usbrouted*|*daemon*|*control*) pass "no daemon: the client says so" ;;
*) fail "no daemon: unclear message '$(cat "$T/err")'" ;;
esac

echo "# $((SECONDS - t_start)) s; logs in $LV_DIR (usbrouted.log, var/log/libvirt)"
if [ $nfail -ne 0 ]; then
	echo "# last lines of usbrouted.log:"
	tail -n 25 "$DLOG" | sed 's/^/#   /'
fi
finish
