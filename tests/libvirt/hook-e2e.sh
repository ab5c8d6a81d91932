#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hook in a real libvirtd with real QEMU domains: installed as the
# private libvirtd's hooks/qemu, configured through usbroute.conf to route
# a simulated chipset; every result checked with setpci and virsh.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/libvirt/lv.sh"
lv_require

lv_programs
. "$top_srcdir/tests/check.sh"

# The hook reads its config at the path compiled into it: inside the
# private namespace, that directory shows LV_DIR/etc/usbroute, whatever
# --sysconfdir the build has.  Nothing is written outside LV_DIR.
confpath=$("$HOOK" --config-path)
LV_ETC_USBROUTE=$(dirname "$confpath")
cleanup() {
	local rc=$?
	lv_stop
	# keep the tree (logs) of a failed run
	[ "$rc" -eq 0 ] && [ "${LV_KEEP:-0}" != 1 ] && rm -rf "$LV_DIR"
	return "$rc"
}
trap cleanup EXIT
lv_init "$(lv_tmpdir hook)"

sim=$LV_DIR/sim
state=$LV_DIR/state
rm -rf "$sim" "$state"
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim create "$sim" --chipset 8-series >/dev/null
d0() { setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l; }

# libvirt runs hooks with no environment of ours: the config file is how
# the installed hook finds the simulation.
conf="sysfs-root = $sim
state-dir = $state
hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
port desk = ehci2.1-6"
printf '%s\n' "$conf" >"$LV_DIR/etc/usbroute/usbroute.conf"
lv_install_hook "$HOOK" qemu
lv_start

meta() {	# meta CONTROLLERS PORTS: our element, short form
	echo "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='$1' ports='$2'/>"
}
lv_define_domain alpha "" "$(meta ehci2 desk)"
lv_define_domain beta "" "$(meta ehci1 'ehci1.1-2')"
lv_define_domain gamma "" "$(meta ehci2 ehci2.3)"
lv_define_domain plain ""
lv_define_domain broken "" "<usbroute xmlns='urn:usbroute:libvirt:domain:1'><profile name='a' ports='ehci2.1' default='yes'/><profile name='b' ports='ehci2.2' default='yes'/></usbroute>"
lv_define_domain nodisk "$(lv_disk_xml "$LV_DIR/does-not-exist.img")" "$(meta ehci1 ehci1.5)"

eq "start: all on xHCI" "$(d0)" "00007fff"
before=$(d0)
out=$(lv_virsh start nodisk 2>&1)
eq "a start that fails after prepare fails" "$(lv_virsh domstate nodisk)" "shut off"
# the claim happened (prepare wrote the table) and was undone by release
case $out in
*does-not-exist*) pass "nodisk failed on its disk, after prepare: $(echo "$out" | tail -1)" ;;
*) fail "nodisk failed for another reason: $out" ;;
esac
eq "... and its ports are released" "$(d0)" "$before"
# The table did not exist before: prepare wrote it when it claimed, and
# release emptied it again.
if [ -e "$state/owners" ] && ! grep -q '^owner' "$state/owners"; then
	pass "nodisk claimed in prepare, released after the failed start"
else
	fail "nodisk: table $(cat "$state/owners" 2>&1)"
fi

lv_virsh start alpha >/dev/null
eq "alpha started: ehci2.1-6 on EHCI" "$(d0)" "000040ff"
eq "alpha is running" "$(lv_virsh domstate alpha)" "running"

out=$(lv_virsh start gamma 2>&1)
eq "gamma (overlaps alpha) fails to start" "$(lv_virsh domstate gamma)" "shut off"
case $out in
*"usbroute: cannot start gamma: port ehci2.3 is held by alpha"*) pass "virsh shows our message: $(echo "$out" | grep -o 'usbroute: .*')" ;;
*) fail "virsh error does not carry our message: $out" ;;
esac
eq "gamma's failed start changed nothing" "$(d0)" "000040ff"

lv_virsh start beta >/dev/null
eq "beta started too" "$(d0)" "000040fc"
lv_virsh destroy alpha >/dev/null
eq "alpha stops first: beta keeps its ports" "$(d0)" "00007ffc"
lv_virsh start plain >/dev/null
eq "a domain without metadata starts and touches nothing" "$(d0)" "00007ffc"
lv_virsh destroy plain >/dev/null
eq "... and stops touching nothing" "$(d0)" "00007ffc"

out=$(lv_virsh start broken 2>&1)
eq "corrupt metadata: refused" "$(lv_virsh domstate broken)" "shut off"
case $out in
*"usbroute: cannot start broken: usbroute metadata: two profiles are marked default (a, b)"*) pass "corrupt metadata: clear message" ;;
*) fail "corrupt metadata message: $out" ;;
esac

# libvirtd restarts while beta runs; the routing drifted meanwhile
setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x7fff
lv_restart_libvirtd
eq "beta survives the libvirtd restart" "$(lv_virsh domstate beta)" "running"
lv_wait 10 sh -c "[ \"\$(setpci -A linux-sysfs -O sysfs.path='$sim/bus/pci' -s 00:14.0 d0.l)\" = 00007ffc ]"
eq "reconnect repaired beta's routing" "$(d0)" "00007ffc"
lv_virsh destroy beta >/dev/null
eq "destroy after reconnect restores" "$(d0)" "00007fff"

# a guest that shuts itself down (ACPI): release runs on shutdown too
bash "$top_srcdir/tests/guest/build.sh" -P -n 1 -d 0 "$LV_DIR/off.img" bye
# <acpi/>: without it libvirt starts QEMU with ACPI off
lv_domain_xml delta "$(lv_disk_xml "$LV_DIR/off.img")" "$(meta ehci2 'ehci2.5 ehci2.6')" |
	sed 's|^  <os>|  <features><acpi/></features>\n  <os>|' >"$LV_DIR/domains/delta.xml"
lv_virsh define "$LV_DIR/domains/delta.xml" >/dev/null
lv_virsh start delta >/dev/null
start_d0=$(d0)
lv_wait 20 sh -c "[ \"\$(virsh -q -c '$LV_URI' domstate delta)\" = 'shut off' ]"
eq "delta claimed while it ran" "$start_d0" "00004fff"
eq "delta powered itself off" "$(lv_virsh domstate delta)" "shut off"
eq "guest shutdown restores its ports" "$(d0)" "00007fff"

# Devices, not ports: a profile names a device; the hook finds the port it
# is plugged into (placed with 'usbroute sim plug') and claims that port.
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim plug "$sim" ehci2.4 046d:c52b "USB Receiver" --behind-hub
lv_define_domain devs "" "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2'><usbroute:profile name='desk' devices='046d:c52b 046d:c077'/></usbroute:usbroute>"
lv_define_domain needs "" "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2' devices='046d:c077' required='yes'/>"
lv_virsh start devs >/dev/null
eq "devs started: the receiver's port (ehci2.4, behind a hub) on EHCI" "$(d0)" "000077ff"
USBROUTE_CONFIG=/dev/null "$USBROUTE" --sysfs-root "$sim" --state-dir "$state" status >"$LV_DIR/status.txt"
if grep -qx "  device 046d:c52b: holds ehci2.4" "$LV_DIR/status.txt" &&
	grep -qx "  device 046d:c077: not plugged in" "$LV_DIR/status.txt"; then
	pass "status: which port devs holds because of which device"
else
	fail "status: $(cat "$LV_DIR/status.txt")"
fi
out=$(lv_virsh start needs 2>&1)
eq "a required device not plugged in: refused" "$(lv_virsh domstate needs)" "shut off"
case $out in
*"usbroute: cannot start needs: profile default requires device 046d:c077, which is not plugged in"*) pass "virsh names the device: $(echo "$out" | grep -o 'usbroute: .*')" ;;
*) fail "required device message: $out" ;;
esac
lv_virsh destroy devs >/dev/null
lv_wait 5 sh -c "[ \"\$(setpci -A linux-sysfs -O sysfs.path='$sim/bus/pci' -s 00:14.0 d0.l)\" = 00007fff ]"
eq "devs stopped: the port is home" "$(d0)" "00007fff"

eq "host's /etc/libvirt untouched" "$(test -e /etc/libvirt/hooks/qemu && echo present || echo absent)" "absent"
finish
