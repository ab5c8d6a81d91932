#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ownership model through the CLI: several owners in any order,
# conflicts, idempotence, hand routing, SuperSpeed pairs, drift.
. "$top_srcdir/tests/lib.sh"

sim=$(mksim h --chipset 8-series)
d0() { reg "$sim" d0; }

ur "$sim" claim A ehci1.1-2 >/dev/null
ur "$sim" claim B ehci2.1 --name "win 10" --profile desk >/dev/null
eq "A and B claimed" "$(d0)" "00007efc"
refuse "B cannot take A's port" "$sim" 1 "port ehci1.2 is held by A" claim B "ehci1.2"
refuse "a port on a controller the owner does not hold" "$sim" 1 \
	"C cannot own port ehci2.2: it holds neither EHCI #2 nor the xHCI" \
	claim C ehci2.2 --controllers ehci1
ur "$sim" claim A ehci1.1-2 >/dev/null
eq "claim again: no change" "$(d0)" "00007efc"
ur "$sim" release A >/dev/null
eq "A stops first: B keeps its port" "$(d0)" "00007eff"
ur "$sim" release A >/dev/null
eq "release of an owner with nothing: no-op, exit 0" "$?" "0"
ur "$sim" release never-claimed >/dev/null
eq "release of an unknown owner: exit 0" "$?" "0"
ur "$sim" status >"$T/s"
check "status names B with its name" grep -qE "^ehci2.1 +p8 .* ehci2 +win 10" "$T/s"
ur "$sim" release B >/dev/null
eq "all released" "$(d0)" "00007fff"

# a domain holding the xHCI: the host's ports go to EHCI
ur "$sim" claim X ehci1.1 --controllers xhci >/dev/null
eq "xHCI holder keeps its port on xHCI, host ports to EHCI" "$(d0)" "00000001"
ur "$sim" release X >/dev/null
eq "back to xHCI" "$(d0)" "00007fff"

# hand routing pins host ports; a claim overrides the pin
ur "$sim" route "ehci1.3 ehci1.4" --to ehci >/dev/null
eq "route --to ehci" "$(d0)" "00007ff3"
ur "$sim" status >"$T/s"
check "status shows the pin" grep -qE "^ehci1.3 .* host \(pinned\)" "$T/s"
ur "$sim" route ehci1.3 --to xhci >/dev/null
eq "route --to xhci" "$(d0)" "00007ff7"
ur "$sim" set 0x00ff >/dev/null
eq "set 0x00ff (the seed's form)" "$(d0)" "000000ff"
ur "$sim" claim A ehci2.2 --controllers ehci2 >/dev/null
refuse "set cannot move a domain's port" "$sim" 1 "ehci2.2 is held by A" route ehci2.2 --to xhci
ur "$sim" release A >/dev/null
ur "$sim" set 0x7fff >/dev/null
eq "set 0x7fff" "$(d0)" "00007fff"

# names and SuperSpeed pairs from the config
cat >"$T/ur.conf" <<CONF
sysfs-root = $sim
state-dir = $sim/run
port front-left = ehci1.3
port desk = ehci2.1-6
ss-pair ehci1.3 = 2
CONF
export USBROUTE_CONFIG="$T/ur.conf"
"$USBROUTE" claim vm "front-left desk" >/dev/null
eq "claim by names from the config" "$(d0)" "000040fb"
eq "SuperSpeed termination of the pair turned off" "$(reg "$sim" d8)" "0000003d"
"$USBROUTE" status >"$T/s"
check "status shows the configured name" grep -qE "^ehci1.3 +p2 +front-left " "$T/s"
"$USBROUTE" release vm >/dev/null
eq "termination back on" "$(reg "$sim" d8)" "0000003f"
eq "ports back" "$(d0)" "00007fff"
export USBROUTE_CONFIG="$T/none.conf"

# bits outside the field survive every write
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x80007fff d8.l=0xc000003f
ur "$sim" claim vm ehci1.1 >/dev/null
eq "bit 31 of XUSB2PR kept" "$(d0)" "80007ffe"
eq "bits 31:30 of PSSEN kept" "$(reg "$sim" d8)" "c000003f"
ur "$sim" release vm >/dev/null

# drift: Linux rewrites XUSB2PR := USB2PRM on resume
ur "$sim" claim vm ehci2.1-6 >/dev/null
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x80007fff
ur "$sim" status >"$T/s"
check "status reports the drift" grep -q "^drift: .*ehci2.1-6" "$T/s"
ur "$sim" status --json >"$T/j"
eq "status --json reports the drift" "$(python3 -c "import json; print(json.load(open('$T/j'))['drift'])")" "0x3f00"
ur "$sim" repair >/dev/null
eq "repair puts the table back" "$(d0)" "800040ff"
ur "$sim" release vm >/dev/null

# a device on a port shows in status, on the side it enumerated
ur "$sim" sim plug "$sim" ehci1.2 046d:c52b "USB Receiver" 2>/dev/null ||
	"$USBROUTE" sim plug "$sim" ehci1.2 046d:c52b "USB Receiver"
ur "$sim" status >"$T/s"
check "status shows the attached device" grep -qE "^ehci1.2 .*046d:c52b USB Receiver" "$T/s"
on() { ur "$sim" status --json | python3 -c "import json,sys; print([p['device']['on'] + ' ' + p['device']['busid'] for p in json.load(sys.stdin)['ports'] if p['port'] == '$1'][0])"; }
eq "plugged on the xHCI's root hub, port 2" "$(on ehci1.2)" "xhci 3-2"
ur "$sim" claim vm ehci1.2 >/dev/null
eq "sim sync: one device changes sides" "$("$USBROUTE" sim sync "$sim")" "1 device re-enumerated on the other side"
eq "... now behind EHCI #1's hub, port 2" "$(on ehci1.2)" "ehci 2-1.2"
ur "$sim" release vm >/dev/null
"$USBROUTE" sim sync "$sim" >/dev/null
eq "released and synced: back on the xHCI" "$(on ehci1.2)" "xhci 3-2"
eq "sim sync with nothing to move" "$("$USBROUTE" sim sync "$sim")" "0 devices re-enumerated on the other side"
finish
