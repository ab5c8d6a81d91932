#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every real config dump: the simulation built from it shows what the
# dump's header says the registers are, and routing works on it.
. "$top_srcdir/tests/lib.sh"

for dump in "$DUMPS"/*.txt; do
	name=$(basename "$dump" .txt)
	regs=$(sed -n 's/^# regs: //p' "$dump")
	case "$name" in
	*PARTIAL*)
		# prose, not a dump: refused with a clear message
		"$USBROUTE" sim create "$T/$name" --from-lspci "$dump" 2>"$T/err" >/dev/null
		eq "$name: refused" "$?" "1"
		check "$name: says how to capture a dump" grep -q "lspci -xxx" "$T/err"
		check "$name: created nothing" test ! -e "$T/$name"
		continue ;;
	esac
	sim=$(mksim "$name" --from-lspci "$dump") || { fail "$name: sim create"; continue; }
	for pair in $regs; do
		key=${pair%%=*}; val=${pair#*=}
		case $key in
		XUSB2PR) off=d0 ;; USB2PRM) off=d4 ;; USB3_PSSEN) off=d8 ;; USB3PRM) off=dc ;;
		*) continue ;;
		esac
		eq "$name: $key read by setpci" "0x$(reg "$sim" $off)" "$val"
	done
	ur "$sim" status --json >"$T/j" 2>"$T/err"
	eq "$name: status exits 0" "$?" "0"
	x=$(python3 -c "import json; print(json.load(open('$T/j'))['registers']['xusb2pr'])")
	eq "$name: status shows XUSB2PR" "$x" "$(echo "$regs" | sed 's/.*XUSB2PR=\(0x[0-9a-f]*\).*/\1/')"
	ehci=$(python3 -c "import json; d=json.load(open('$T/j'))['controller']; print(d['ehci1'], d['ehci2'])")
	case "$name" in
	macbook*) eq "$name: no EHCI on the bus" "$ehci" "False False" ;;
	*) eq "$name: both EHCIs found" "$ehci" "True True" ;;
	esac

	# claim the first switchable port; the other bits stay as they were
	first=$(python3 -c "
import json; d=json.load(open('$T/j'))
print(next(p['port'] for p in d['ports'] if p['switchable'] and p['port'].startswith('ehci1')))")
	before=$((0x$(reg "$sim" d0)))
	case "$name" in
	macbook*)
		# no EHCI to go to: refused, nothing written (hw-model.sh
		# checks the message)
		refuse "$name: claim $first refused, no EHCI" "$sim" 1 \
		    "EHCI #1 \\(0000:00:1d.0\\) is not on the PCI bus" claim vm "$first"
		continue ;;
	esac
	ur "$sim" claim vm "$first" >/dev/null 2>"$T/err"
	eq "$name: claim $first" "$?" "0"
	bit=$(python3 -c "import json; print(next(p['bit'] for p in json.load(open('$T/j'))['ports'] if p['port']=='$first'))")
	want=$(printf '%08x' $(( (before & ~(1 << bit)) )))
	# ports the table says belong on xHCI that firmware had elsewhere move
	# home too; compare only what the claim must not touch: bits outside
	# the switchable set
	sw=$(python3 -c "import json; print(sum(1<<p['bit'] for p in json.load(open('$T/j'))['ports'] if p['switchable']))")
	got=$((0x$(reg "$sim" d0)))
	eq "$name: $first on EHCI" "$(( (got >> bit) & 1 ))" "0"
	eq "$name: non-switchable bits untouched" "$(( got & ~sw ))" "$(( before & ~sw ))"
	ur "$sim" release vm >/dev/null
	eq "$name: released to xHCI" "$(( (0x$(reg "$sim" d0) >> bit) & 1 ))" "1"
done

# The HP report in prose: firmware lets no port move.  Simulate its
# registers on an 8-series preset and check the refusal.
sim=$(mksim hp --chipset 8-series)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0 d4.l=0
refuse "HP 500 (USB2PRM 0): claim refused" "$sim" 1 "USB2PRM is 0" claim vm ehci1.1
finish
