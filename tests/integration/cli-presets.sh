#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every chipset preset: a simulation that usbroute and setpci both read,
# ports claimed and released, the register checked by setpci each time.
. "$top_srcdir/tests/lib.sh"

for chipset in 7-series 8-series 8-series-lp 9-series 9-series-lp x99; do
	sim=$(mksim "$chipset" --chipset "$chipset") || { fail "$chipset: sim create"; continue; }
	prm=$(reg "$sim" d4)
	eq "$chipset: XUSB2PR starts as USB2PRM (as Linux leaves it)" "$(reg "$sim" d0)" "$prm"
	ur "$sim" status >"$T/status" 2>&1
	check "$chipset: status names the chipset" grep -q "^xHCI 0000:00:14.0 \[8086:" "$T/status"
	check "$chipset: status lists ehci1.1" grep -q "^ehci1.1 *p0 " "$T/status"
	ur "$sim" status --json >"$T/status.json"
	check "$chipset: status --json is JSON" python3 -c "import json,sys; d=json.load(open('$T/status.json')); assert d['controller']['chipset']=='$chipset'"

	# ehci1.1 to a VM holding EHCI #1: bit 0 clears, nothing else moves
	ur "$sim" claim vm-$chipset ehci1.1 >/dev/null
	want=$(printf '%08x' $((0x$prm & ~1)))
	eq "$chipset: claim ehci1.1 clears bit 0" "$(reg "$sim" d0)" "$want"
	ur "$sim" status >"$T/status"
	check "$chipset: status shows the owner" grep -qE "^ehci1.1 +p0 .* ehci1 +vm-$chipset" "$T/status"
	eq "$chipset: runtime PM held off" "$(cat "$sim/bus/pci/devices/0000:00:14.0/power/control")" "on"
	ur "$sim" release vm-$chipset >/dev/null
	eq "$chipset: release puts it back" "$(reg "$sim" d0)" "$prm"
	eq "$chipset: runtime PM restored" "$(cat "$sim/bus/pci/devices/0000:00:14.0/power/control")" "auto"

	# all switchable ports by hand, the seed's way
	ur "$sim" set 0x0 >/dev/null
	eq "$chipset: set 0x0 moves every port to EHCI" "$(reg "$sim" d0)" "00000000"
	ur "$sim" route all --to xhci >/dev/null
	eq "$chipset: route all --to xhci" "$(reg "$sim" d0)" "$prm"
	ur "$sim" explain 0x3 >"$T/explain"
	check "$chipset: explain draws the bits" grep -q "^  ehci1.2  p1   xHCI" "$T/explain"
done
finish
