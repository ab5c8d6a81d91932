#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbroute doctor on simulated machines: all well, then one thing wrong
# at a time, each named with what to do.
. "$top_srcdir/tests/lib.sh"

sim=$(mksim good --chipset 8-series)
doc() { ur "$sim" doctor --hooks-dir "$T/hooks" "$@"; }
mkdir -p "$T/hooks"

doc >"$T/out"
eq "a good machine: exit 0" "$?" "0"
check "names the chipset" grep -qE "^  ok +chipset +8-series/C220 \(Lynx Point\) xHCI at 0000:00:14.0" "$T/out"
check "counts the switchable ports" grep -qE "^  ok +ports +15 ports switchable: ehci1.1-8 ehci2.1-6 usbr" "$T/out"
check "each EHCI alone in its IOMMU group" grep -qE "^  ok +ehci2 +EHCI #2 is alone in IOMMU group 5" "$T/out"
check "warns that the hook is missing" grep -qE "^  warn +hook +the libvirt hook is not in" "$T/out"
doc --json >"$T/j"
eq "--json parses, worst is warn" "$(python3 -c "import json; print(json.load(open('$T/j'))['worst'])")" "warn"

cp "$top_builddir/hooks/usbroute-hook" "$T/hooks/qemu"
doc >"$T/out"
check "finds our hook" grep -qE "^  ok +hook +the libvirt hook is installed" "$T/out"
rm "$T/hooks/qemu"; mkdir "$T/hooks/qemu.d"
cp "$top_builddir/hooks/usbroute-hook" "$T/hooks/qemu.d/usbroute"
doc >"$T/out"
check "finds our hook in qemu.d" grep -qE "^  ok +hook" "$T/out"
printf '#!/bin/sh\nexit 0\n' >"$T/hooks/qemu.d/usbroute"
doc >"$T/out"
check "a foreign file is not our hook" grep -qE "^  warn +hook" "$T/out"

# firmware lets nothing move (the HP 500 report)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d4.l=0
doc >"$T/out"
eq "USB2PRM 0: exit 1" "$?" "1"
check "USB2PRM 0: says to look in the BIOS" grep -qE "^  FAIL +ports +the firmware lets no port move .*BIOS" "$T/out"
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d4.l=0x3fff
doc >"$T/out"
check "some ports fixed by firmware: info" grep -qE "^  info +ports +the firmware keeps usbr where" "$T/out"

# no IOMMU
mv "$sim/kernel/iommu_groups" "$T/groups"
doc >"$T/out"
eq "no IOMMU: exit 1" "$?" "1"
check "no IOMMU: says intel_iommu=on" grep -qE "^  FAIL +iommu +no IOMMU groups: .*intel_iommu=on" "$T/out"
mv "$T/groups" "$sim/kernel/iommu_groups"

# an EHCI sharing its group
ln -s ../../../../devices/pci0000:00/0000:00:1a.7 "$sim/kernel/iommu_groups/5/devices/0000:00:1a.7"
doc >"$T/out"
check "a shared IOMMU group: warn naming the other device" grep -qE "^  warn +ehci2 +EHCI #2 shares IOMMU group 5 with 0000:00:1a.7" "$T/out"
rm "$sim/kernel/iommu_groups/5/devices/0000:00:1a.7"

# EHCI #2 disabled by the firmware (gone from the bus)
rm "$sim/bus/pci/devices/0000:00:1a.0"
doc >"$T/out"
check "EHCI #2 missing: warn" grep -qE "^  warn +ehci2 +EHCI #2 \(0000:00:1a.0\) is not on the PCI bus" "$T/out"

# drift, a corrupt table, a bad port name
ur "$sim" claim vm ehci1.1 >/dev/null
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x3fff
doc >"$T/out"
check "drift: warn, says repair" grep -qE "^  warn +state +the routing of ehci1.1 disagrees .*usbroute repair" "$T/out"
echo garbage >"$sim/run/owners"
doc >"$T/out"
check "corrupt table: FAIL" grep -qE "^  FAIL +state +state file .* is corrupt" "$T/out"
printf 'port desk = ehci2.9\n' >"$T/bad.conf"
"$USBROUTE" --config "$T/bad.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out"
check "a bad port name in the config: FAIL with its line" grep -qE "^  FAIL +config +.*bad.conf line 1: port desk: .*EHCI #2 has ports 1-6" "$T/out"
# A value of the wrong type is refused where the config is read, for
# doctor as for the daemon: one line naming the key, its line and range.
printf '# rate\nguest-rate = fast\n' >"$T/rate.conf"
"$USBROUTE" --config "$T/rate.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out" 2>"$T/err"
eq "guest-rate = fast: doctor exits 1" "$?" "1"
eq "... with one line naming it" "$(cat "$T/err")" "usbroute: $T/rate.conf line 2: guest-rate = 'fast' must be a number from 1 to 1000"

# not a PCH at all
ur "$T/nowhere" doctor >"$T/out"
eq "no xHCI: exit 1" "$?" "1"
check "no xHCI: one clear line" grep -qE "^  FAIL +chipset +no PCI device at 0000:00:14.0" "$T/out"
finish
