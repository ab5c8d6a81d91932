#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbrouted's two device halves, end to end: a real daemon, a private
# libvirtd, real QEMU (TCG) domains started through the hook, a simulated
# chipset checked with setpci.
#
#  1. a domain whose profile names a device starts with the port the
#     device is plugged into (usbroute sim plug) routed to its EHCI;
#  2. the device unplugged and plugged into another port: the claim moves
#     (new port to the guest, old one home), logged; a second move within
#     a second is rate limited and then done;
#  3. the host hotkey: struct input_event records written to a FIFO named
#     as hotkey-device; the chord toggles, other keys do nothing, the
#     chord held down (autorepeat) toggles once, the FIFO removed and
#     made again is opened again; no key is ever logged;
#  4. the device plugged into a port another domain holds is left alone,
#     and the log says so.
#
# usage: top_builddir=BUILD bash tests/libvirt/daemon-devices.sh   (root; 77 = skip)
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
# shellcheck source=SCRIPTDIR/lv.sh
. "$top_srcdir/tests/libvirt/lv.sh"
lv_require

lv_programs
lv_need python3 nc setpci mkfifo

. "$top_srcdir/tests/check.sh"

confpath=$("$HOOK" --config-path)
LV_ETC_USBROUTE=$(dirname "$confpath")
dpid=
cleanup() {
	local rc=$?
	stop_daemon
	lv_stop
	# keep the tree (logs) of a failed run
	[ "$rc" -eq 0 ] && [ "${LV_KEEP:-0}" != 1 ] && rm -rf "$LV_DIR"
	return "$rc"
}
trap cleanup EXIT
lv_init "$(lv_tmpdir devices)" || exit 1

sim=$LV_DIR/sim
state=$LV_DIR/state
CTL=$LV_DIR/ctl
DLOG=$LV_DIR/usbrouted.log
KBD=$LV_DIR/kbd.fifo
rm -rf "$sim" "$state" "$CTL" "$DLOG" "$KBD"
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim create "$sim" --chipset 8-series >/dev/null || exit 1
mkfifo "$KBD"
: >"$LV_DIR/kbd.events"

# The hook reads its compiled-in path; inside the private namespace that
# directory shows LV_DIR/etc/usbroute, whatever --sysconfdir the build has.
CONF=$LV_DIR/etc/usbroute/usbroute.conf
cat >"$CONF" <<EOF2
sysfs-root = $sim
state-dir = $state
hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
libvirt-uri = $LV_URI
control-socket = $CTL
drift-check-ms = 0
hotkey-device = $LV_DIR/no-such-keyboard
hotkey-device = $KBD
hotkey-device = $LV_DIR/kbd.events
hotkey-domain = follow
EOF2
lv_install_hook "$HOOK" qemu
lv_start || exit 1

ur() { "$USBROUTE" --config "$CONF" "$@"; }
plug() { USBROUTE_CONFIG=/dev/null "$USBROUTE" sim plug "$sim" "$@" >/dev/null; }
unplug() { USBROUTE_CONFIG=/dev/null "$USBROUTE" sim unplug "$sim" "$1" >/dev/null; }
d0() { setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l; }
wait_d0() { lv_wait "$1" sh -c "[ \"\$(setpci -A linux-sysfs -O sysfs.path='$sim/bus/pci' -s 00:14.0 d0.l)\" = '$2' ]"; }
log_mark() { mark=$(wc -c <"$DLOG"); }
log_since() { tail -c +$((mark + 1)) "$DLOG"; }
wait_log() { lv_wait "$1" sh -c "tail -c +$((mark + 1)) '$DLOG' | grep -q -- \"\$0\"" "$2"; }

start_daemon() { lv_daemon_start; }
stop_daemon() { lv_daemon_stop; }
# keys CODE:VALUE...: struct input_event records (each followed by an
# EV_SYN report, as a keyboard sends them) written to the FIFO at once;
# KEYS_TO=FILE appends them to a regular file instead
keys() {
	python3 - "${KEYS_TO:-$KBD}" "$@" <<-'PY'
	import struct, sys
	recs = b""
	for kv in sys.argv[2:]:
	    code, value = (int(x) for x in kv.split(":"))
	    recs += struct.pack("@qqHHi", 0, 0, 1, code, value)
	    recs += struct.pack("@qqHHi", 0, 0, 0, 0, 0)
	with open(sys.argv[1], "ab") as f:
	    f.write(recs)
	PY
}
CTRL_L=29 CTRL_R=97 KEY_A=30 KEY_C=46

# ------------------------------------------------------- 1: start
lv_define_domain follow "" "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2'><usbroute:profile name='desk' devices='046d:c52b'/></usbroute:usbroute>"
lv_define_domain alpha "" "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2' ports='ehci2.6'/>"
plug ehci2.3 046d:c52b "USB Receiver"
start_daemon || exit 1
check "usbrouted says the missing hotkey device will be opened when it appears" \
	grep -q "hotkey device $LV_DIR/no-such-keyboard is not there" "$DLOG"
check "usbrouted names the chord and the domain" \
	grep -q "hotkey KEY_LEFTCTRL+KEY_RIGHTCTRL on 3 devices toggles follow" "$DLOG"
lv_virsh start follow >/dev/null
eq "follow started: its receiver's port ehci2.3 is on EHCI #2" "$(d0)" "00007bff"

# ------------------------------------------------------- 2: follow
log_mark
unplug ehci2.3
sleep 0.5
eq "unplugged: the claim stays (the guest may have it)" "$(d0)" "00007bff"
plug ehci2.1 046d:c52b "USB Receiver"
wait_d0 5 00007eff
eq "plugged into ehci2.1: ehci2.1 to the guest, ehci2.3 home" "$(d0)" "00007eff"
check "the log says the claim followed" wait_log 3 "follow: device 046d:c52b moved from ehci2.3 to ehci2.1: the claim follows it; XUSB2PR 0x00007bff -> 0x00007eff"
ur status >"$LV_DIR/status.txt"
check "status: the receiver holds ehci2.1" grep -qx "  device 046d:c52b: holds ehci2.1" "$LV_DIR/status.txt"

# a second move at once: rate limited, then done
log_mark
unplug ehci2.1
plug ehci2.2 046d:c52b "USB Receiver"
check "a move within a second of the last: rate limited" wait_log 3 "follow: a device moved again within 1 s; rate limited"
wait_d0 5 00007dff
eq "... and done when the second is over: ehci2.2" "$(d0)" "00007dff"

# ------------------------------------------------------- 3: hotkey
log_mark
keys $KEY_A:1 $KEY_A:0 $CTRL_L:1 $KEY_C:1 $KEY_C:0 $CTRL_L:0 $CTRL_R:1 $CTRL_R:0
sleep 1
eq "other keys (A, Ctrl+C, one Ctrl alone) toggle nothing" "$(d0)" "00007dff"
keys $CTRL_L:1 $CTRL_R:1 $CTRL_R:2 $CTRL_L:2 $CTRL_R:2 $CTRL_L:2 $CTRL_R:2 $CTRL_R:0 $CTRL_L:0
wait_d0 5 00007fff
eq "the chord toggles: follow's port to the host" "$(d0)" "00007fff"
sleep 1
eq "held down with autorepeat: toggled once" "$(d0)" "00007fff"
eq "one hotkey line in the log" "$(log_since | grep -c 'hotkey on')" "1"
check "the hotkey line says what it did" wait_log 1 "hotkey on $KBD: ok follow host ehci2.2"
log_mark
rm -f "$KBD"
sleep 1
mkfifo "$KBD"
sleep 1.2	# the daemon looks for it every half second
keys $CTRL_R:1 $CTRL_L:1 $CTRL_L:0 $CTRL_R:0
wait_d0 5 00007dff
eq "the FIFO removed and made again: opened again, the chord toggles back" "$(d0)" "00007dff"
check "... quietly: nothing logged about it going or coming" \
	sh -c "! tail -c +$((mark + 1)) '$DLOG' | grep -v 'hotkey on' | grep -q kbd.fifo"
# a regular file as the device: read as it grows
log_mark
KEYS_TO=$LV_DIR/kbd.events keys $CTRL_L:1 $CTRL_R:1 $CTRL_R:0 $CTRL_L:0
wait_d0 5 00007fff
eq "a regular file as hotkey-device: appended records toggle" "$(d0)" "00007fff"
KEYS_TO=$LV_DIR/kbd.events keys $KEY_A:1 $KEY_A:0
sleep 1
eq "... and what follows them is read, not the old ones again" "$(d0)" "00007fff"
eq "... one toggle" "$(log_since | grep -c 'hotkey on')" "1"
KEYS_TO=$LV_DIR/kbd.events keys $CTRL_L:1 $CTRL_R:1 $CTRL_R:0 $CTRL_L:0
wait_d0 5 00007dff
eq "... and the chord again toggles back" "$(d0)" "00007dff"
if grep -qiE "KEY_A|code 30|keycode| 46\b" "$DLOG"; then
	fail "the log names keys: $(grep -iE 'KEY_A|code 30|keycode' "$DLOG" | head -2)"
else
	pass "no keystroke is ever logged"
fi

# ------------------------------------------------------- 4: another domain's port
lv_virsh start alpha >/dev/null
eq "alpha started with ehci2.6" "$(d0)" "00005dff"
log_mark
sleep 1.1	# past the rate limit
unplug ehci2.2
plug ehci2.6 046d:c52b "USB Receiver"
check "onto alpha's port: left alone, and the log says so" wait_log 3 "follow: device 046d:c52b is on port ehci2.6, held by alpha (profile default); plug it into another port or stop alpha; left alone"
sleep 0.5
eq "... the claims did not move" "$(d0)" "00005dff"

lv_virsh destroy follow >/dev/null
lv_virsh destroy alpha >/dev/null
wait_d0 10 00007fff
eq "both stopped: every port home" "$(d0)" "00007fff"
stop_daemon
finish
