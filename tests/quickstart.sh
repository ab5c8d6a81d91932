#!/bin/bash
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
ur status
setpci_d0

say "a second VM may not take a port the first one holds"
ur claim other ehci2.1 || true

say "the VM stops: its ports go home"
ur release win10
setpci_d0
say "done. Next: README.md (the libvirt hook), usbroute(1)"
