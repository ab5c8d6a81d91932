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

# A wrong config line: every other program refuses the file with one
# line and changes nothing; doctor, which asks conf.c the same question,
# reports each such line as a FAIL finding with that line, goes on with
# the key's default, and exits 1.  One case per type of key.
grp=$(getent group daemon >/dev/null && echo daemon || echo adm)
n=0
while IFS='|' read -r line key want; do
	n=$((n + 1))
	printf '# case %d\n%s\n' "$n" "$line" >"$T/c$n.conf"
	refuse "$line: claim refuses" "$sim" 1 "^usbroute: $T/c$n.conf line 2: $want" \
		--config "$T/c$n.conf" claim vm ehci1.2
	"$USBROUTE" --config "$T/c$n.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out" 2>"$T/err"
	eq "$line: doctor exits 1, nothing on stderr" "$?:$(cat "$T/err")" "1:"
	check "$line: doctor's finding names the line and says what to write" \
		grep -qE "^  FAIL +config +$T/c$n.conf line 2: $want.*\(usbroute, the hook and usbrouted stop at this; doctor went on with the default\)$" "$T/out"
	check "$line: doctor ran its other checks" grep -qE "^  ok +state +$T/st: 0 owners" "$T/out"
	"$USBROUTE" --config "$T/c$n.conf" --sysfs-root "$sim" --state-dir "$T/st" --json doctor --hooks-dir "$T/hooks" >"$T/j"
	eq "$line: --json has the finding with its file, line and key" "$(python3 -c "
import json
f = [f for f in json.load(open('$T/j'))['findings'] if 'line' in f]
print(len(f), f[0]['level'], f[0]['file'], f[0]['line'], f[0]['key'])")" "1 FAIL $T/c$n.conf 2 $key"
done <<EOF_CASES
guest-rate = fast|guest-rate|guest-rate = 'fast' must be a number from 1 to 1000
allow-remote-listen = maybe|allow-remote-listen|allow-remote-listen = 'maybe' must be yes or no
listen-tcp = localhost|listen-tcp|listen-tcp = 'localhost': write it as 127.0.0.1:PORT or \[::1\]:PORT
listen-tcp = 0.0.0.0:4000|listen-tcp|listen-tcp = 0.0.0.0:4000 is not a loopback address: .*allow-remote-listen = yes
control-group = no-such-group-here|control-group|control-group = 'no-such-group-here': no such group on this machine; create it \(groupadd no-such-group-here\)
control-socket = run/control|control-socket|control-socket = 'run/control' must be an absolute path shorter than 108 characters
hotkey = KEY_LEFTCTRL+KEY_CTRL|hotkey|hotkey 'KEY_LEFTCTRL\+KEY_CTRL': unknown key 'KEY_CTRL'
hotkey-device = dev/input/kbd|hotkey-device|hotkey-device = 'dev/input/kbd' must be an absolute path, like /dev/input/by-id/
frobnicate = 1|frobnicate|unknown key 'frobnicate' \(see usbroute.conf\(5\)\)
EOF_CASES

# Several wrong lines: one finding each, in the file's order; the good
# lines still count (the port name), the bad keys keep their defaults.
printf 'guest-rate = fast\nport desk = ehci2.1\nhotkey = KEY_A\ncontrol-group = %s\nlisten-tcp = 0.0.0.0:4000\n' "$grp" >"$T/many.conf"
"$USBROUTE" --config "$T/many.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out"
eq "three wrong lines: exit 1" "$?" "1"
eq "... three config findings, by line" "$(grep -oE "^  FAIL +config +$T/many.conf line [0-9]+" "$T/out" | grep -oE '[0-9]+$' | tr '\n' ' ')" "1 3 5 "
check "... and the summary counts them" grep -qE "^3 problems," "$T/out"
"$USBROUTE" --config "$T/nosuch.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out" 2>"$T/err"
eq "a named config that is not there: exit 1, nothing on stderr" "$?:$(cat "$T/err")" "1:"
check "... a finding that says so, the rest checked with the defaults" \
	grep -qE "^  FAIL +config +cannot read config $T/nosuch.conf: No such file or directory \(.*doctor went on with the defaults\)" "$T/out"
check "... and the other checks ran" grep -qE "^  ok +state" "$T/out"
# ss-pair lines are judged against the chipset when it is opened
# (route.c): every other command stops there; doctor says which lines
# and opens the chipset without them.
printf 'ss-pair ehci9.1 = 1\nss-pair ehci1.2 = 1\nss-pair ehci1.1-2 = 3\n' >"$T/pairs.conf"
refuse "a wrong ss-pair: claim refuses" "$sim" 1 "^usbroute: $T/pairs.conf line 1: unknown port 'ehci9.1'" \
	--config "$T/pairs.conf" claim vm ehci1.2
"$USBROUTE" --config "$T/pairs.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out" 2>"$T/err"
eq "wrong ss-pairs: doctor exits 1, nothing on stderr" "$?:$(cat "$T/err")" "1:"
check "... the chipset is still checked" grep -qE "^  ok +chipset +8-series" "$T/out"
eq "... one finding for each wrong pair, by line" "$(grep -oE "^  FAIL +config +$T/pairs.conf line [0-9]+" "$T/out" | grep -oE '[0-9]+$' | tr '\n' ' ')" "1 3 "
check "... saying what is wrong with it" grep -qE "^  FAIL +config +$T/pairs.conf line 3: ss-pair names one USB2 port, not 'ehci1.1-2' \(.*doctor went on without the ss-pair lines\)$" "$T/out"
check "... and the other checks ran" grep -qE "^  ok +state" "$T/out"

# A good config for the same keys: no config finding.
printf 'guest-rate = 8\nallow-remote-listen = yes\nlisten-tcp = 0.0.0.0:4000\ncontrol-group = %s\ncontrol-socket = %s/ctl\nhotkey = KEY_RIGHTALT+KEY_SCROLLLOCK\nhotkey-device = /dev/input/by-id/kbd\n' "$grp" "$T" >"$T/good.conf"
"$USBROUTE" --config "$T/good.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" >"$T/out"
check "good values: doctor's config line is ok" grep -qE "^  ok +config +$T/good.conf: 0 port names" "$T/out"
eq "... and no config FAIL" "$(grep -cE "^  FAIL +config" "$T/out")" "0"

# The systemd-sleep hook.  Linux puts every port back on the xHCI when it
# resumes: on a machine that can sleep (SYSFS/power/state), doctor looks
# for hooks/usbroute-sleep in systemd's system-sleep directory (here a
# fake one, --sleep-dir).
mkdir -p "$T/sleep"
doc --sleep-dir "$T/sleep" >"$T/out"
check "no power/state: cannot sleep, nothing to repair" \
	grep -qE "^  info +sleep +this machine cannot suspend or hibernate \($sim/power/state offers nothing\)" "$T/out"
mkdir -p "$sim/power"
echo "freeze mem disk" >"$sim/power/state"
doc --sleep-dir "$T/sleep" >"$T/out"
check "can sleep, no sleep hook: warn, with what to do" \
	grep -qE "^  warn +sleep +the systemd-sleep hook $T/sleep/usbroute-sleep is missing: after a suspend or hibernate \(this machine offers: freeze mem disk\) Linux puts every port back on the xHCI .*'make install' or the package puts it there$" "$T/out"
cp "$top_builddir/hooks/usbroute-sleep" "$T/sleep/usbroute-sleep"
chmod 644 "$T/sleep/usbroute-sleep"
doc --sleep-dir "$T/sleep" >"$T/out"
check "a sleep hook that is not executable: warn, chmod" \
	grep -qE "^  warn +sleep +the systemd-sleep hook $T/sleep/usbroute-sleep is not executable, so systemd-sleep skips it: .*chmod 755 it$" "$T/out"
chmod 755 "$T/sleep/usbroute-sleep"
doc --sleep-dir "$T/sleep" >"$T/out"
check "an executable sleep hook: ok" \
	grep -qE "^  ok +sleep +the systemd-sleep hook $T/sleep/usbroute-sleep puts the routing back after a resume" "$T/out"
rm "$T/sleep/usbroute-sleep"
mkdir "$T/sleep/usbroute-sleep"
doc --sleep-dir "$T/sleep" >"$T/out"
check "a directory in its place: warn" grep -qE "^  warn +sleep +.*usbroute-sleep is not a file" "$T/out"
rmdir "$T/sleep/usbroute-sleep"
# usbrouted repairs after a resume while it runs: then the missing hook
# is worth knowing, not a warning.  A socket that accepts stands in for it.
python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4)
open(sys.argv[1] + '.up', 'w').close(); time.sleep(30)" "$T/ctl" &
lpid=$!
for _ in $(seq 50); do [ -e "$T/ctl.up" ] && break; sleep 0.1; done
printf 'control-socket = %s/ctl\n' "$T" >"$T/d.conf"
"$USBROUTE" --config "$T/d.conf" --sysfs-root "$sim" --state-dir "$T/st" doctor --hooks-dir "$T/hooks" --sleep-dir "$T/sleep" >"$T/out"
kill "$lpid"; wait "$lpid" 2>/dev/null
check "usbrouted answers, no sleep hook: info, it repairs until then" \
	grep -qE "^  info +sleep +the systemd-sleep hook $T/sleep/usbroute-sleep is missing: .* until usbrouted, which runs now, repairs it" "$T/out"
: >"$sim/power/state"
doc --sleep-dir "$T/sleep" >"$T/out"
check "power/state empty: cannot sleep" grep -qE "^  info +sleep +this machine cannot suspend" "$T/out"
rm -r "$sim/power"

# not a PCH at all
ur "$T/nowhere" doctor >"$T/out"
eq "no xHCI: exit 1" "$?" "1"
check "no xHCI: one clear line" grep -qE "^  FAIL +chipset +no PCI device at 0000:00:14.0" "$T/out"
finish
