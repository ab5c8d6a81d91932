#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hardware model against its sources (doc/hardware.md): every fuse
# variant and LP with and without USBr, against values worked out from
# Intel's reference code; what status says on every real dump; routing to
# an EHCI that is not on the bus refused by the CLI, the hook and the
# daemon; ss-pair and fused SuperSpeed ports; and the routing (XUSB2PR and
# PSSEN) coming back after the kernel rewrites it on resume: by the
# systemd-sleep hook run as systemd runs it, and by usbrouted.
. "$top_srcdir/tests/lib.sh"

DAEMON="$top_builddir/src/daemon/usbrouted"
status_row() { ur "$1" status | grep -E "^$2 "; }
no_row() { ! ur "$1" status | grep -q "^$2 "; }
says() { ur "$1" status | grep -qF -- "$2"; }	# says SIM TEXT
nports() { ur "$1" status | grep -c '^ehci'; }
unverified() { ur "$1" status | grep -q "^$2 .*UNVERIFIED\$"; }

# ------------------------------------------------ presets vs reference code
# PchUsbCommon.c GetXhciPortCountAndSetPortRoutingMask: USB2PRM from
# E0[2:1] (0x3fff 0x3fff 0x0fff 0x00ff) | bit 14 when E0[5] = 0 (H), or
# 0x00ff | bit 8 when E0[5] = 0 (LP); USB3PRM from E0[4:3] (0x3f 0x0f
# 0x03 0x00) on H, 0x0f on LP.  Parts without a fuse source: the table.
while read -r key e0 prm ssprm usbr fuses; do
	sim=$(mksim "$key" --chipset "$key") || { fail "$key: sim create"; continue; }
	eq "$key: USB3FUS" "$(reg "$sim" e0)" "$e0"
	eq "$key: USB2PRM as Intel's code programs it" "$(reg "$sim" d4)" "$prm"
	eq "$key: USB3PRM as Intel's code programs it" "$(reg "$sim" dc)" "$ssprm"
	eq "$key: XUSB2PR = USB2PRM (as Linux leaves it)" "$(reg "$sim" d0)" "$prm"
	eq "$key: PSSEN = USB3PRM" "$(reg "$sim" d8)" "$ssprm"
	case $usbr in
	-) check "$key: no usbr row" no_row "$sim" usbr ;;
	*) row=$(status_row "$sim" usbr)
	   eq "$key: usbr is ${usbr/_/ }" "$(echo "$row" | awk '{print $2, $4}')" "${usbr/_/ }" ;;
	esac
	if [ "$fuses" != - ]; then
		check "$key: status states the fuses" says "$sim" "  fuses: $fuses"
	fi
done <<'LIST'
7-series 00000000 0000000f 0000000f - -
8-series 00000000 00007fff 0000003f p14_yes 14 USB2 ports (USB2PRM 0x7fff), 6 SuperSpeed (USB3PRM 0x3f), USBr enabled
8-series-h12 00000022 00003fff 0000003f p14_fused 12 USB2 ports (USB2PRM 0x3fff), 6 SuperSpeed (USB3PRM 0x3f), USBr disabled
8-series-h10 0000000c 00004fff 0000000f p14_yes 10 USB2 ports (USB2PRM 0x4fff), 4 SuperSpeed (USB3PRM 0x0f), USBr enabled
8-series-h8 00000016 000040ff 00000003 p14_yes 8 USB2 ports (USB2PRM 0x40ff), 2 SuperSpeed (USB3PRM 0x03), USBr enabled
8-series-h8-noss 0000003e 000000ff 00000000 p14_fused 8 USB2 ports (USB2PRM 0x00ff), 0 SuperSpeed (USB3PRM 0x00), USBr disabled
8-series-lp 00000000 000001ff 0000000f p8_yes 8 USB2 ports (USB2PRM 0x01ff), 4 SuperSpeed (USB3PRM 0x0f), USBr enabled
8-series-lp-nousbr 00000020 000000ff 0000000f p8_fused 8 USB2 ports (USB2PRM 0x00ff), 4 SuperSpeed (USB3PRM 0x0f), USBr disabled
9-series 00000000 00003fff 0000003f p14_no -
9-series-lp 00000000 000004ff 0000000f - -
x99 00000000 00003fff 0000003f - -
LIST

# The simulated xHCI's USB3 root hub has the SuperSpeed ports the fuses
# leave (Intel's code sets the xHCI's MaxPorts from the same count).
ss_root_ports() {
	local d
	for d in "$1"/bus/usb/devices/usb*; do
		[ "$(cat "$d/speed")" = 5000 ] && cat "$d/maxchild"
	done
}
while read -r key n; do
	eq "$key: USB3 root hub ports" "$(ss_root_ports "$T/$key")" "$n"
done <<'LIST'
8-series 6
8-series-h10 4
8-series-h8 2
8-series-h8-noss 0
8-series-lp 4
7-series 4
LIST

# A fused-off port is not a port: claiming it is refused.
sim=$T/8-series-h8
refuse "8-series-h8: ehci2.1 is fused off" "$sim" 1 "ehci2.1" claim vm ehci2.1
sim=$T/8-series-lp
refuse "8-series-lp: there is no EHCI #2" "$sim" 1 "ehci2" claim vm ehci2.1

# ss-pair naming a SuperSpeed port the fuses remove is refused.
sim=$T/8-series-h10
printf 'ss-pair ehci1.1 = 5\n' >"$T/ss.conf"
refuse "4 SuperSpeed ports: ss-pair to USB3 port 5 refused" "$sim" 1 \
    "USB3 port 5 is fused off on this part .*4 SuperSpeed ports" --config "$T/ss.conf" claim vm ehci1.1
printf 'ss-pair ehci1.1 = 4\n' >"$T/ss.conf"
ur "$sim" --config "$T/ss.conf" claim vm ehci1.1 >/dev/null 2>"$T/err"
eq "4 SuperSpeed ports: ss-pair to USB3 port 4 works" "$?" "0"
eq "... and its termination is off with the wire on EHCI" "$(reg "$sim" d8)" "00000007"
sim=$T/8-series-h8-noss
printf 'ss-pair ehci1.1 = 1\n' >"$T/ss.conf"
refuse "no SuperSpeed ports: any ss-pair refused" "$sim" 1 "fused off" --config "$T/ss.conf" status

# The simulation plugs a USB3 device only into a SuperSpeed port the
# part has.
sim=$T/8-series-h10
refuse "sim plug: USB3 port 5 of a part with 4 refused" "$sim" 1 \
    "USB3 port 5: this .* has 4 SuperSpeed ports" sim plug "$sim" ehci1.2 0781:5581 Ultra --superspeed 5
check "... and nothing was plugged in" sh -c "! grep -rqs 5581 '$sim/bus/usb/devices/'*/idProduct"
ur "$sim" sim plug "$sim" ehci1.2 0781:5581 Ultra --superspeed 4 2>"$T/err"
eq "sim plug: USB3 port 4 of it works" "$?" "0"
check "... and the device is there" sh -c "grep -rqs 5581 '$sim/bus/usb/devices/'*/idProduct"
sim=$T/8-series-h8-noss
refuse "sim plug: no SuperSpeed port on a part without" "$sim" 1 \
    "has 0 SuperSpeed ports" sim plug "$sim" ehci1.2 0781:5581 Ultra --superspeed 1

# ---------------------------------------------------------- the real dumps
# What status says on each, per the sources (doc/hardware.md).
dumpsim() { mksim "$1" --from-lspci "$DUMPS/$1.txt"; }
sim=$(dumpsim huananzhi-x99-bd4_8series_8c31)
check "BD4 (E0 0xa2): 12 USB2 ports, mask 0x3fff, USBr disabled" says "$sim" \
    "fuses: 12 USB2 ports (USB2PRM 0x3fff), 6 SuperSpeed (USB3PRM 0x3f), USBr disabled"
eq "BD4: ehci2.5 is a port (the fused-off two are not the last)" "$(status_row "$sim" ehci2.5 | awk '{print $4}')" "yes"
eq "BD4: ehci2.6 is a port" "$(status_row "$sim" ehci2.6 | awk '{print $4}')" "yes"
eq "BD4: usbr is fused" "$(status_row "$sim" usbr | awk '{print $4}')" "fused"
sim=$(dumpsim huananzhi-x99-qd4_8series_8c31)
check "QD4 (E0 0x80): 14 USB2 ports and USBr" says "$sim" \
    "fuses: 14 USB2 ports (USB2PRM 0x7fff), 6 SuperSpeed (USB3PRM 0x3f), USBr enabled"
eq "QD4: usbr switchable" "$(status_row "$sim" usbr | awk '{print $4}')" "yes"
sim=$(dumpsim dell-latitude-e6540_lynxpoint_8c31)
check "E6540 (E0 0x80): 14 USB2 ports and USBr" says "$sim" "fuses: 14 USB2 ports (USB2PRM 0x7fff)"
eq "E6540: ehci1.5 kept by the firmware (USB2PRM 0x6f6f)" "$(status_row "$sim" ehci1.5 | awk '{print $4, $5}')" "no ehci1"
sim=$(dumpsim dell-latitude-e6540-aida64-win11_lynxpoint_8c31)
check "E6540 under Windows (AIDA64): the same fuses" says "$sim" "fuses: 14 USB2 ports (USB2PRM 0x7fff)"
eq "E6540 under Windows: usbr switchable" "$(status_row "$sim" usbr | awk '{print $4}')" "yes"
sim=$(dumpsim dell-precision-m4700-aida64_pantherpoint-qm77_1e31)
check "M4700: no fuse source for 7-series, said so" says "$sim" "fuses: not read on this part (no source)"
eq "M4700: ehci1.3 left on EHCI by the firmware" "$(status_row "$sim" ehci1.3 | awk '{print $4, $5}')" "yes ehci1"
for d in dell-latitude-e6430_qm77_1e31 intel-dh77df_h77_1e31 samsung-np350v5c_hm76_1e31; do
	sim=$(dumpsim $d)
	check "$d: no fuse source for 7-series, said so" says "$sim" "fuses: not read on this part (no source)"
	eq "$d: four switchable ports (USB2PRM 0x0f)" "$(nports "$sim")" "4"
done
sim=$(dumpsim macbookpro12-1_wildcatpoint-lp_9cb1)
for p in p8 p9 p10; do
	check "MacBook (9cb1): $p marked unverified" unverified "$sim" "$p"
done
"$USBROUTE" explain 0x7ff --chipset 9-series-lp >"$T/explain"
check "9cb1: explain does not call bits 8-10 xHCI-only ports" grep -q "^  port   ?  ?  ?  8" "$T/explain"
ur "$sim" doctor >"$T/doctor" 2>&1
check "MacBook: doctor says 9cb1 is unverified" grep -q "warn  chipset  unverified: Wildcat Point-LP" "$T/doctor"
check "MacBook: doctor says EHCI #1 is not on the bus" grep -q "warn  ehci1 .*not on the PCI bus.*refuses" "$T/doctor"
# The issue's case: 'route ehci1.3 --to ehci' wrote 0x7ff -> 0x7fb.
refuse "MacBook: route ehci1.3 --to ehci refused (no EHCI)" "$sim" 1 \
    "port ehci1.3 cannot go to the EHCI: EHCI #1 \(0000:00:1d.0\) is not on the PCI bus.*firmware" route \
    ehci1.3 --to ehci
eq "MacBook: XUSB2PR still 0x7ff" "$(reg "$sim" d0)" "000007ff"
refuse "MacBook: set 0x7fb refused too" "$sim" 1 "EHCI #1 .* is not on the PCI bus" set 0x7fb
# The HP 500-502nj report (prose, USB2PRM 0): doctor's advice per the
# reference code, which sets USB2PRM in every mode but Disabled.
sim=$(mksim hp --chipset 8-series)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0 d4.l=0
ur "$sim" doctor >"$T/doctor" 2>&1
check "USB2PRM 0: doctor says the firmware departs from Intel's code" \
    grep -q "FAIL  ports .*USB2PRM 0x00000000.*every xHCI mode except Disabled.*departs from it" "$T/doctor"
sim=$(mksim x99doc --chipset x99)
ur "$sim" doctor >"$T/doctor" 2>&1
check "x99 preset: doctor says 8d31 is unverified" grep -q "unverified: no source confirms 8086:8d31" "$T/doctor"

# ------------------------------------- an EHCI not on the bus: the hook
# EHCI #2 gone from the bus (firmware-disabled): a domain holding it is
# refused at prepare, with the controller named, and nothing changes.
sim=$(mksim noehci2 --chipset 8-series)
rm "$sim/bus/pci/devices/0000:00:1a.0"
hook_conf "$sim" "$top_srcdir/xml-examples/usbroute.conf.example"
before=$(snapshot "$sim")
hook ex prepare begin <"$top_srcdir/xml-examples/ehci2-by-name.xml"
rc=$?
check "hook: prepare of a domain holding the missing EHCI #2 fails" test "$rc" -ne 0
check "hook: says EHCI #2 is not on the bus" grep -q "EHCI #2 (0000:00:1a.0) is not on the PCI bus" "$T/err"
eq "hook: registers and state untouched" "$(snapshot "$sim")" "$before"
ur "$sim" claim vm ehci1.1 >/dev/null 2>"$T/err"
eq "EHCI #1 still there: its ports route" "$(reg "$sim" d0)" "00007ffe"
ur "$sim" release vm >/dev/null
# EHCI #2 leaves while a domain holds one of its ports: releases and
# other claims go on; a new port to it is refused.
sim=$(mksim gone --chipset 8-series)
ur "$sim" claim a ehci2.1 >/dev/null
ur "$sim" claim b ehci1.1 >/dev/null
rm "$sim/bus/pci/devices/0000:00:1a.0"
refuse "EHCI #2 gone: a new port to it refused" "$sim" 1 "EHCI #2 .* is not on the PCI bus" claim c ehci2.2
ur "$sim" release b >/dev/null 2>"$T/err"
eq "EHCI #2 gone: another owner's release still works" "$?" "0"
eq "... and ehci1.1 is back on the xHCI" "$(reg "$sim" d0)" "00007eff"
ur "$sim" release a >/dev/null 2>"$T/err"
eq "EHCI #2 gone: its owner's release works" "$(reg "$sim" d0)" "00007fff"

# ------------------------------------- sleep: the systemd-sleep hook
# The hook as make installs it, its usbroute the one just built.
SLEEP="$T/usbroute-sleep"
sed -e "s|@bindir@|$top_builddir/src/usbroute|g" "$top_srcdir/hooks/usbroute-sleep.in" >"$SLEEP"
chmod +x "$SLEEP"
sim=$(mksim sleep --chipset 8-series)
printf 'sysfs-root = %s\nstate-dir = %s/run\nss-pair ehci1.1 = 1\nss-pair ehci2.1 = 2\n' \
	"$sim" "$sim" >"$T/sleep.conf"
"$USBROUTE" --config "$T/sleep.conf" claim vm "ehci1.1 ehci2.1" >/dev/null
eq "claimed: ehci1.1 and ehci2.1 on EHCI" "$(reg "$sim" d0)" "00007efe"
eq "claimed: their terminations off" "$(reg "$sim" d8)" "0000003c"
# resume WHAT: the registers as Linux leaves them after resume
# (usb_enable_intel_xhci_ports: USB3_PSSEN := USB3PRM, XUSB2PR := USB2PRM)
resume() {
	"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 \
		d8.l="$(reg "$sim" dc)" d0.l="$(reg "$sim" d4)"
}
# as systemd-sleep runs it: no environment but what it sets
sleephook() {
	env -i PATH=/usr/bin:/bin LC_ALL=C USBROUTE_CONFIG="$T/sleep.conf" \
		SYSTEMD_SLEEP_ACTION="$2" "$SLEEP" "$@" >"$T/out" 2>&1
}
resume
sleephook pre suspend
eq "pre suspend: the hook does nothing" "$(reg "$sim" d0)" "00007fff"
for what in suspend hibernate hybrid-sleep suspend-then-hibernate; do
	resume
	sleephook post "$what"
	eq "post $what: exit 0" "$?" "0"
	eq "post $what: XUSB2PR back from the table" "$(reg "$sim" d0)" "00007efe"
	eq "post $what: PSSEN back from the table" "$(reg "$sim" d8)" "0000003c"
done
check "the hook says what it repaired" grep -q "repaired: XUSB2PR 0x00007fff -> 0x00007efe, USB3_PSSEN 0x0000003f -> 0x0000003c" "$T/out"
# firmware _WAK may turn a termination back on alone
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d8.l=3f
sleephook post suspend
eq "PSSEN alone drifted: repaired" "$(reg "$sim" d8)" "0000003c"
sleephook post suspend
check "nothing drifted: the hook says so" grep -q "routing matches the ownership table" "$T/out"

# ------------------------------------- sleep: usbrouted's drift repair
sim=$(mksim daemon --chipset 8-series)
CTL="$T/control"
printf 'sysfs-root = %s\nstate-dir = %s/run\ncontrol-socket = %s\nlibvirt-uri = qemu:///system?socket=%s/no-libvirtd\ndrift-check-ms = 100\nss-pair ehci1.1 = 1\n' \
	"$sim" "$sim" "$CTL" "$T" >"$T/d.conf"
"$USBROUTE" --config "$T/d.conf" claim vm ehci1.1 >/dev/null
"$DAEMON" --config "$T/d.conf" 2>"$T/dlog" &
dpid=$!
waitreg() {	# waitreg OFFSET WANT: up to 5 s
	for _ in $(seq 50); do
		[ "$(reg "$sim" "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d8.l=3f
check "usbrouted: PSSEN drift alone repaired" waitreg d8 0000003e
check "usbrouted: logs both registers" grep -q "repaired XUSB2PR 0x00007ffe -> 0x00007ffe, USB3_PSSEN 0x0000003f -> 0x0000003e" "$T/dlog"
resume
check "usbrouted: resume drift repaired (XUSB2PR)" waitreg d0 00007ffe
check "usbrouted: resume drift repaired (PSSEN)" waitreg d8 0000003e
# EHCI #1 leaves the bus, then a resume: the daemon refuses to route to it
rm "$sim/bus/pci/devices/0000:00:1d.0"
resume
sleep 0.5
eq "usbrouted: no EHCI #1, ehci1.1 stays where Linux put it" "$(reg "$sim" d0)" "00007fff"
check "usbrouted: logs why" grep -q "cannot be repaired: port ehci1.1 cannot go to the EHCI: EHCI #1 (0000:00:1d.0) is not on the PCI bus" "$T/dlog"
kill -TERM "$dpid"
wait "$dpid"
eq "usbrouted: exits 0 on SIGTERM" "$?" "0"

finish
