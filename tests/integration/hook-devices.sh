#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Profiles that name devices, through the hook as libvirt runs it: the
# device is placed on a simulated port with 'usbroute sim plug', the hook
# claims the port it is on (on the xHCI or an EHCI, behind a hub, by
# serial), says which port holds which device in 'usbroute status', and
# refuses with one line a required device not plugged in, a device on a
# port firmware does not let us switch, a device on another domain's
# port, and two devices it cannot tell apart.  Registers are read with
# setpci.
. "$top_srcdir/tests/lib.sh"

EX="$top_srcdir/xml-examples"

fresh() { hook_sim; }
plug() { ur "$sim" sim plug "$sim" "$@"; }
d0() { reg "$sim" d0; }
# dom NAME UUID PROFILE-ATTRS [CONTROLLER-SLOT]: a domain XML on stdout
dom() {
	cat <<-XML
	<domain type='kvm'>
	  <name>$1</name>
	  <uuid>$2</uuid>
	  <metadata>
	    <usbroute:usbroute xmlns:usbroute="urn:usbroute:libvirt:domain:1">
	      <usbroute:profile name="desk" $3/>
	    </usbroute:usbroute>
	  </metadata>
	  <devices>
	    <hostdev mode='subsystem' type='pci' managed='yes'>
	      <source><address domain='0x0000' bus='0x00' slot='${4:-0x1a}' function='0x0'/></source>
	    </hostdev>
	  </devices>
	</domain>
	XML
}
# refused WHAT WANT < xml: prepare exits 1, one line, exactly WANT, nothing changed
refused() {
	local before
	before=$(snapshot "$sim")
	hook x prepare begin
	eq "$1: refused" "$?" "1"
	eq "$1: one line saying why" "$(cat "$T/err")" "usbroute: cannot start x: $2"
	eq "$1: nothing changed" "$(snapshot "$sim")" "$before"
}

# The example: ehci2.6 by port, the receiver where it is plugged in (ehci2.3,
# on the xHCI now), the keyboard behind a hub on ehci2.5; c077 is not there.
fresh
plug ehci2.3 046d:c52b "USB Receiver" >/dev/null
plug ehci2.5 046d:c077 "Mouse" --behind-hub >/dev/null
hook ex prepare begin <"$EX/devices.xml"
eq "devices.xml: prepare exits 0 ($(cat "$T/err"))" "$?" "0"
eq "the ports of the devices and ehci2.6 are on EHCI #2" "$(d0)" "00004bff"
ur "$sim" status >"$T/s"
check "status: the receiver holds ehci2.3" grep -qx "  device 046d:c52b: holds ehci2.3" "$T/s"
check "status: the mouse behind its hub holds ehci2.5" grep -qx "  device 046d:c077: holds ehci2.5" "$T/s"
ur "$sim" status --json >"$T/j"
eq "status --json: the owner's devices" \
	"$(python3 -c 'import json,sys; print([(d["device"], d["port"]) for d in json.load(open(sys.argv[1]))["owners"][0]["devices"]])' "$T/j")" \
	"[('046d:c52b', 'ehci2.3'), ('046d:c077', 'ehci2.5')]"
ur "$sim" sim sync "$sim" >/dev/null
check "after the switch the receiver is on EHCI #2's bus" \
	test -e "$sim/bus/usb/devices/1-1.3"
check "... and the mouse behind its hub too" test -e "$sim/bus/usb/devices/1-1.5.1"
hook ex release end <"$EX/devices.xml"
eq "release puts every port back" "$(d0)" "00007fff"
check "release leaves no device record" sh -c "! grep -q '^device' '$sim/run/owners'"

# Not plugged in: the domain starts without it, and status says so.
fresh
dom a 11111111-0000-4000-8000-000000000001 "devices='046d:c52b'" >"$T/a.xml"
hook a prepare begin <"$T/a.xml"
eq "absent device: the domain starts" "$?" "0"
eq "absent device: nothing routed" "$(d0)" "00007fff"
ur "$sim" status >"$T/s"
check "status: not plugged in" grep -qx "  device 046d:c52b: not plugged in" "$T/s"
hook a release end <"$T/a.xml"

# ... and the log says so.  The hook logs to syslog: as root, in a mount
# namespace whose /dev/log is a socket this test reads.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	mkdir -p "$T/dev"
	: >"$T/dev/null"
	python3 - "$T/dev/log" "$T/syslog" <<-'PY' &
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(sys.argv[1])
	s.settimeout(20)
	with open(sys.argv[2], "ab", buffering=0) as out:
	    try:
	        while True:
	            out.write(s.recv(4096) + b"\n")
	    except socket.timeout:
	        pass
	PY
	logger_pid=$!
	lv_wait() { local end=$((SECONDS + $1)); shift; until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.1; done; }
	lv_wait 5 test -S "$T/dev/log"
	unshare -m sh -c 'mount --bind /dev/null "$1/dev/null" && mount --bind "$1/dev" /dev &&
		env -i PATH=/usr/bin:/bin LC_ALL=C USBROUTE_CONFIG="$1/hook.conf" "$2" a prepare begin - <"$1/a.xml"' \
		sh "$T" "$HOOK" 2>"$T/err"
	eq "absent device (syslog run): the domain starts" "$?" "0"
	lv_wait 5 grep -q "not plugged in" "$T/syslog"
	check "the hook's log says the device is not plugged in: $(grep -ao 'a: device.*' "$T/syslog" | head -1)" \
		grep -aq "usbroute-hook.*a: device 046d:c52b is not plugged in; starting without it" "$T/syslog"
	kill "$logger_pid" 2>/dev/null
	wait "$logger_pid" 2>/dev/null
	hook a release end <"$T/a.xml"
else
	echo "note: not root: the hook's syslog line is not checked" >&2
fi

# Refusals: one line naming the device, the port and why.
fresh
dom x 11111111-0000-4000-8000-0000000000aa "devices='046d:c52b 1111:2222' required='yes'" >"$T/x.xml"
refused "required device not plugged in" \
	"profile desk requires device 046d:c52b, which is not plugged in; plug it in, or drop required=\"yes\"" <"$T/x.xml"
plug ehci1.4 046d:c52b "USB Receiver" >/dev/null
dom x 11111111-0000-4000-8000-0000000000aa "devices='046d:c52b'" >"$T/x.xml"
refused "device on a port of a controller the domain does not hold" \
	"device 046d:c52b is on port ehci1.4, but x holds neither EHCI #1 nor the xHCI; plug it into a port of a controller it holds" <"$T/x.xml"
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d4.l=0x7ff7
dom x 11111111-0000-4000-8000-0000000000aa "devices='046d:c52b'" 0x1d >"$T/x.xml"
refused "device on a port firmware does not let us switch" \
	"device 046d:c52b is on port ehci1.4, which firmware does not let the OS switch (its USB2PRM bit is 0); plug it into a switchable port" <"$T/x.xml"

fresh
dom alpha 11111111-0000-4000-8000-000000000002 "ports='ehci2.1-3'" >"$T/alpha.xml"
hook alpha prepare begin <"$T/alpha.xml"
plug ehci2.2 046d:c52b "USB Receiver" >/dev/null
dom x 11111111-0000-4000-8000-0000000000aa "devices='046d:c52b'" >"$T/x.xml"
refused "device on another domain's port" \
	"device 046d:c52b is on port ehci2.2, held by alpha (profile desk); plug it into another port or stop alpha" <"$T/x.xml"

# libvirtd restarted and the table was lost while the domain ran, its
# required device out of sight (on the guest's side): reconnect claims
# again what it can see and does not stop the domain.
fresh
plug ehci2.3 046d:c52b "USB Receiver" >/dev/null
dom r 11111111-0000-4000-8000-000000000004 "ports='ehci2.6' devices='046d:c52b' required='yes'" >"$T/r.xml"
hook r prepare begin <"$T/r.xml"
eq "required device plugged in: starts" "$(d0)" "00005bff"
rm "$sim/run/owners"
ur "$sim" sim unplug "$sim" ehci2.3 >/dev/null
hook r reconnect begin <"$T/r.xml"
eq "reconnect without the table, the device out of sight: exit 0 ($(cat "$T/err"))" "$?" "0"
ur "$sim" status >"$T/s"
check "... the domain is in the table again, its device not plugged in" \
	grep -qx "  device 046d:c52b: not plugged in" "$T/s"

# Two of a kind: the serial tells them apart; without it, refused.
fresh
plug ehci2.4 04d9:0169 "Keyboard" --serial KB1 >/dev/null
plug ehci2.6 04d9:0169 "Keyboard" --serial KB2 --behind-hub >/dev/null
dom x 11111111-0000-4000-8000-0000000000aa "devices='04d9:0169'" >"$T/x.xml"
refused "two devices of one kind, no serial" \
	"device 04d9:0169 is plugged in 2 times (usb 3-12 and 3-14.1); name the one meant by its serial, 04d9:0169/SERIAL" <"$T/x.xml"
dom b 11111111-0000-4000-8000-000000000003 "devices='04d9:0169/KB2'" >"$T/b.xml"
hook b prepare begin <"$T/b.xml"
eq "by serial: the second keyboard's port (behind a hub) only" "$(d0)" "00005fff"

finish
