#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on a simulated chipset: build usbroute, make a simulated
# 8-series PCH, claim ports for an example owner, show the routing before
# and after, read the register back with setpci, and release.
#
#     bash tests/quickstart.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

sim=$(mktemp -d /tmp/usbroute-sim.XXXXXX)
rmdir "$sim"
trap 'rm -rf "$sim"' EXIT
export USBROUTE_CONFIG=/dev/null
ur() {
	echo "\$ usbroute $*" >&2
	src/usbroute/usbroute --sysfs-root "$sim" --state-dir "$sim/run" "$@"
}
setpci_d0() {
	echo "\$ setpci -A linux-sysfs -O sysfs.path=$sim/bus/pci -s 00:14.0 d0.l" >&2
	setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l
}

say "a simulated Lynx Point (8-series) chipset in $sim"
src/usbroute/usbroute sim create "$sim" --chipset 8-series
src/usbroute/usbroute sim plug "$sim" ehci2.1 046d:c52b "USB Receiver"
src/usbroute/usbroute sim plug "$sim" ehci1.3 0951:1666 "DataTraveler 3.0"

say "before: every port on the xHCI, as Linux leaves it"
ur status
setpci_d0

say "a VM that was given EHCI #2 (00:1a.0) claims its six ports"
ur claim win10 ehci2.1-6 --name "Windows 10" --profile desk
echo "\$ usbroute sim sync (the simulated kernel re-enumerates the receiver on EHCI #2)" >&2
src/usbroute/usbroute sim sync "$sim"
ur status
setpci_d0

say "a second VM may not take a port the first one holds"
ur claim other ehci2.1 || true

say "the VM stops: its ports go home"
ur release win10
src/usbroute/usbroute sim sync "$sim" >/dev/null
setpci_d0

# The same through libvirt: a real libvirtd (private, in its own mount
# namespace: the machine's own libvirt is not touched) with the hook
# installed, and a real QEMU domain whose metadata names its ports.
if [ "$(id -u)" -ne 0 ]; then
	say "run as root to see a libvirt domain claim its ports through the hook"
	exit 0
fi
top_srcdir=$top top_builddir=$top
. tests/libvirt/lv.sh
lvdir=$(lv_tmpdir quickstart)
trap 'lv_stop; rm -rf "$sim" "$lvdir"' EXIT
lv_init "$lvdir" >/dev/null
cat >"$LV_DIR/etc/usbroute/usbroute.conf" <<CONF
sysfs-root = $sim
state-dir = $sim/run
hook-xml-module = $top/hooks/usbroute-hook-xml.so
port desk = ehci2.1-6
CONF
lv_install_hook hooks/usbroute-hook qemu
lv_start 2>/dev/null
export USBROUTE_CONFIG=$LV_DIR/etc/usbroute/usbroute.conf
lv_define_domain win10 "" "<usbroute:usbroute xmlns:usbroute='urn:usbroute:libvirt:domain:1' controllers='ehci2'>
  <usbroute:profile name='desk' ports='desk' default='yes'/>
</usbroute:usbroute>"

say "libvirt: domain win10 has usbroute metadata (profile desk = ehci2.1-6)"
lv_virsh metadata win10 urn:usbroute:libvirt:domain:1
say "before 'virsh start win10'"
setpci_d0
echo "\$ virsh start win10" >&2
lv_virsh start win10
say "after: the hook claimed the domain's ports"
ur status | grep -E '^(PORT|ehci2)'
setpci_d0
echo "\$ virsh destroy win10" >&2
lv_virsh destroy win10
say "after the domain stopped"
setpci_d0
say "done. Next: README.md, usbroute(1), usbroute-hook(8), usbrouted(8)"
