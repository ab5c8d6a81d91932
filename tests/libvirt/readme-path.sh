#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's "From zero to a hotkey", steps 1 and 3-10, command by
# command, on a simulated 8-series chipset and a private libvirtd.  Where
# the test has to differ from a real machine it says so:
#  - configure, make and make install are tests/setup.sh and
#    tests/integration/install.sh;
#  - there is no real EHCI to hand to vfio-pci here, so after step 7's
#    check the <hostdev> is swapped for controllers="ehci2" before start;
#  - the machine's /etc/group is not ours to change: control-group and
#    joining a group are tests/integration/rough-edges.sh (with "users").
#
# usage: top_builddir=BUILD bash tests/libvirt/readme-path.sh   (root; 77 = skip)
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
# shellcheck source=SCRIPTDIR/lv.sh
. "$top_srcdir/tests/libvirt/lv.sh"
lv_require
lv_programs
lv_need python3 lspci setpci

confpath=$(USBROUTE_CONFIG= "$HOOK" --config-path)	# lib.sh set its own
LV_ETC_USBROUTE=$(dirname "$confpath")
dpid=
cleanup() {
	[ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null && wait "$dpid"
	lv_stop
	rm -rf "$T"
	[ "$nfail" -ne 0 ] || rm -rf "$LV_DIR"
}
trap cleanup EXIT
lv_init "$(lv_tmpdir readme)" || { fail "lv_init"; finish; exit 1; }

sim=$LV_DIR/sim
rm -rf "$sim" "$LV_DIR/state"
USBROUTE_CONFIG=/dev/null "$USBROUTE" sim create "$sim" --chipset 8-series >/dev/null
# The hook reads its compiled-in path; inside the private namespace that
# directory shows LV_DIR/etc/usbroute, whatever --sysconfdir the build has.
CONF=$LV_DIR/etc/usbroute/usbroute.conf
# What a real machine needs none of: where the simulation is.
cat >"$CONF" <<EOF
# usbroute on a simulated chipset (the README path test)
sysfs-root = $sim
state-dir = $LV_DIR/state
hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so
libvirt-uri = $LV_URI
control-socket = $LV_DIR/ctl
EOF
lv_install_hook "$HOOK" qemu
lv_start || { fail "lv_start"; finish; exit 1; }
export USBROUTE_CONFIG=$CONF
virsh() { lv_virsh "$@"; }
usbroute() { "$USBROUTE" "$@"; }
d0() { reg "$sim" d0; }

# 1. both kinds of controller show up
lspci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -nn -d 8086::0c03 >"$T/lspci"
check "1. lspci: the xHCI" grep -q "USB xHCI \[8086:8c31\]" "$T/lspci"
check "1. lspci: both EHCIs" eval 'grep -q "\[8086:8c26\]" "$T/lspci" && grep -q "\[8086:8c2d\]" "$T/lspci"'

# 4. the doctor
usbroute doctor --hooks-dir "$LV_DIR/etc/libvirt/hooks" >"$T/doctor"
eq "4. usbroute doctor: exit 0" "$?" "0"
check "4. doctor: nothing to fix" grep -q "^0 problems, 0 warnings" "$T/doctor"

# 5. name the sockets: a receiver in the desk's left socket (ehci2.1)
cat >"$T/map" <<EOF
expect ^mapped 0 of 15
sh $USBROUTE sim plug $sim ehci2.1 046d:c52b "USB Receiver"
expect USB Receiver is on ehci2.1. Name \[socket-1\]: 
send desk-left
expect desk-left = ehci2.1; mapped 1 of 15
eof
expect wrote 1 line to $CONF
exit 0
EOF
check "5. usbroute map" python3 "$top_srcdir/tests/integration/pty-drive.py" "$T/map" "$T/map.out" -- "$USBROUTE" map
check "5. the config keeps its lines and gets the name" eval 'grep -q "^control-socket = " "$CONF" && grep -qx "port desk-left = ehci2.1" "$CONF"'
usbroute map --list >"$T/list"
check "5. usbroute map --list" grep -qE "^ehci2.1 +desk-left +- +046d:c52b USB Receiver$" "$T/list"

# 6. the VM gets EHCI #2
lv_define_domain win10 || fail "define win10"
cat >"$T/ehci2.xml" <<'EOF'
<hostdev mode='subsystem' type='pci' managed='yes'>
  <source><address domain='0x0000' bus='0x00' slot='0x1a' function='0x0'/></source>
</hostdev>
EOF
check "6. virsh attach-device win10 ehci2.xml --config" virsh attach-device win10 "$T/ehci2.xml" --config

# 7. its ports
check "7. set --ports ehci2.1-6" usbroute domain win10 set --ports ehci2.1-6
check "7. set --profile kbd --ports desk-left" usbroute domain win10 set --profile kbd --ports desk-left
usbroute domain win10 check >"$T/check"
eq "7. usbroute domain win10 check: exit 0" "$?" "0"
check "7. check: holds EHCI #2 through the hostdev" grep -q "^win10: ok (default profile 'default': ehci2.1-6; 2 profiles; holds ehci2; toggle none" "$T/check"
# (no EHCI to pass through here: the same holding, said in the metadata)
check "swap the hostdev for controllers=ehci2" eval 'virsh detach-device win10 "$T/ehci2.xml" --config >/dev/null && usbroute domain win10 set --controllers ehci2 >/dev/null'

# 8. start: the ports go to EHCI #2, and back at the end
eq "before start: all on the xHCI" "$(d0)" "00007fff"
check "8. virsh start win10" virsh start win10
eq "8. started: ehci2.1-6 on EHCI #2" "$(d0)" "000040ff"
usbroute status >"$T/status"
check "8. usbroute status: win10's, on EHCI #2" grep -qE "^ehci2.1 +p8 +desk-left +yes +ehci2 +win10" "$T/status"

# 9. the host hotkey (as root here; a group member: rough-edges.sh)
# in the private namespace: it sees /run/usbroute as QEMU does
lv_exec "$DAEMON" --config "$CONF" >"$LV_DIR/usbrouted.log" 2>&1 &
dpid=$!
check "9. usbrouted answers" lv_wait 15 sh -c "[ -S '$LV_DIR/ctl' ] && '$USBROUTE' host win10 >/dev/null 2>&1 && '$USBROUTE' guest win10 >/dev/null 2>&1"
check "9. usbroute toggle: to the host" usbroute toggle
eq "9. the ports are the host's" "$(d0)" "00007fff"
check "9. usbroute toggle: back to the guest" usbroute toggle
eq "9. the ports are the guest's" "$(d0)" "000040ff"

# 10. the guest hotkey: a serial port, named as the toggle device, in
# the definition of the running VM; it has them from its next start
cat >"$T/serial.xml" <<'EOF'
<serial type='unix'>
  <source mode='bind' path='/run/usbroute/win10.sock'/>
  <target port='0'/>
</serial>
EOF
check "10. virsh attach-device win10 serial.xml --config" virsh attach-device win10 "$T/serial.xml" --config
check "10. set --toggle serial0 --persistent" usbroute domain win10 set --toggle serial0 --persistent
usbroute domain win10 check --persistent >"$T/check"
eq "10. check --persistent: exit 0" "$?" "0"
check "10. check --persistent: the toggle device" grep -q "toggle serial0" "$T/check"
# (no guest OS here to answer an ACPI shutdown: destroy stands in for it)
check "10. the VM stops" virsh destroy win10
eq "stopped: all back on the xHCI" "$(d0)" "00007fff"
check "10. virsh start win10" virsh start win10
usbroute domain win10 check >"$T/check"
eq "10. check of the running domain: exit 0" "$?" "0"
check "10. the daemon listens to the guest on its serial port" lv_wait 15 grep -q "win10: listening to the guest on serial0 (/run/usbroute/win10.sock)" "$LV_DIR/usbrouted.log"
check "virsh destroy win10" virsh destroy win10
eq "the end: all on the xHCI" "$(d0)" "00007fff"
# an edit of a stopped domain does not make the daemon think it runs
check "edit the stopped domain" usbroute domain win10 set --profile other --ports ehci2.2
usbroute toggle >/dev/null 2>"$T/err"
eq "stopped win10 is nothing to toggle" "$?:$(cat "$T/err")" "1:usbroute: no running domain has usbroute metadata"
finish
