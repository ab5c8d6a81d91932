#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input: one clear line on stderr, the right exit code, and nothing
# changed: not the register, not the state file, not power/control.
. "$top_srcdir/tests/lib.sh"

sim=$(mksim h --chipset 8-series)
ur "$sim" claim A ehci2.1 >/dev/null	# so there is state to protect
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d4.l=0x3dff

refuse "unknown port" "$sim" 1 "unknown port 'ehci3.1'" claim B ehci3.1
refuse "port out of range" "$sim" 1 "EHCI #2 has ports 1-6" claim B ehci2.7
refuse "non-switchable port" "$sim" 1 "port ehci2.2 \(from .ehci2.2.\) is not switchable: the firmware allows only ehci1.1-8 ehci2.1 ehci2.3-6" claim B ehci2.2
refuse "malformed mask" "$sim" 1 "'0xzz' is not a mask" set 0xzz
refuse "mask outside the field" "$sim" 1 "outside the ports" set 0x18000
refuse "set moving a firmware-locked port" "$sim" 1 "port ehci2.2 cannot be moved" set 0x0000
refuse "unknown controller" "$sim" 2 "unknown controller 'ehci3'" claim B ehci1.1 --controllers ehci3
refuse "route without --to" "$sim" 2 "usage" route ehci1.1
refuse "route --to elsewhere" "$sim" 2 "--to takes xhci or ehci" route ehci1.1 --to ohci
refuse "unknown command" "$sim" 2 "unknown command 'frobnicate'" frobnicate
refuse "explain unknown chipset" "$sim" 2 "unknown chipset '10-series'" explain 0xff --chipset 10-series
refuse "no such sysfs" "$T/nowhere" 1 "no PCI device at 0000:00:14.0 under" status

# a device that is not a known Intel PCH xHCI: nothing is written
amd=$(mksim amd --chipset 8-series)
"$SETPCI" -A linux-sysfs -O sysfs.path="$amd/bus/pci" -s 00:14.0 0.w=1022
refuse "foreign vendor" "$amd" 1 "refusing 0000:00:14.0 \[1022:8c31\]: not a known Intel PCH xHCI" claim B ehci1.1
refuse "foreign vendor, set" "$amd" 1 "refusing 0000:00:14.0" set 0x0
other=$(mksim other --chipset 8-series)
"$SETPCI" -A linux-sysfs -O sysfs.path="$other/bus/pci" -s 00:14.0 0x0b.b=0x01
refuse "known id, wrong class" "$other" 1 "class 010330 is not an xHCI" claim B ehci1.1

# a corrupt state file stops every change
cp "$sim/run/owners" "$T/owners.good"
printf 'usbroute-state 1\nowner A x\n' >"$sim/run/owners"
refuse "corrupt state: claim" "$sim" 1 "state file .*/owners is corrupt at line 2; nothing was changed" claim B ehci1.1
refuse "corrupt state: release" "$sim" 1 "is corrupt" release A
refuse "corrupt state: status" "$sim" 1 "is corrupt" status
cp "$T/owners.good" "$sim/run/owners"

# a config with a mistake is named with its line
printf 'sysfs-root = %s\nprot x = ehci1.1\n' "$sim" >"$T/bad.conf"
before=$(snapshot "$sim")
"$USBROUTE" --config "$T/bad.conf" --state-dir "$sim/run" claim B ehci1.1 2>"$T/err" >/dev/null
eq "bad config: exit 1" "$?" "1"
check "bad config: names file and line" grep -q "bad.conf line 2: unexpected 'x' after 'prot'" "$T/err"
eq "bad config: nothing changed" "$(snapshot "$sim")" "$before"
"$USBROUTE" --config "$T/missing.conf" status 2>"$T/err" >/dev/null
eq "named config that is missing: exit 1" "$?" "1"

# the lock: held by someone else, a claim waits, then says so
printf 'sysfs-root = %s\nstate-dir = %s/run\nlock-timeout-ms = 200\n' "$sim" "$sim" >"$T/lock.conf"
before=$(snapshot "$sim")
flock "$sim/run/lock" sleep 2 &
sleep 0.3
"$USBROUTE" --config "$T/lock.conf" claim B ehci1.1 2>"$T/err" >/dev/null
eq "lock held: exit 1" "$?" "1"
check "lock held: says who to ask" grep -q "is locked by another usbroute for more than 200 ms" "$T/err"
wait
eq "lock held: nothing changed" "$(snapshot "$sim")" "$before"

# sim sync refuses what is not a simulation, and writes nothing there
mkdir "$T/plain"
"$USBROUTE" sim sync "$T/plain" 2>"$T/err" >/dev/null
eq "sim sync on a plain directory: exit 1" "$?" "1"
check "... one line saying it is not a simulation" sh -c "[ \$(wc -l <'$T/err') = 1 ] && grep -q 'is not a simulated chipset' '$T/err'"
eq "... and left it empty" "$(ls -A "$T/plain")" ""
"$USBROUTE" sim sync "$T/missing" 2>"$T/err" >/dev/null
eq "sim sync on a missing directory: exit 1" "$?" "1"
check "... and created nothing" test ! -e "$T/missing"

# every command has --help and exit 0
for c in status explain route set claim release repair sim; do
	"$USBROUTE" "$c" --help >/dev/null
	eq "$c --help" "$?" "0"
done
finish
