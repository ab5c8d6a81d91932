#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Many usbroute processes at once on one table (the hook of several
# domains starting together, the daemon, an admin): the flock keeps every
# claim and release whole.  Six owners each claim and release their own
# port ROUNDS times, all in parallel; then each claims once more.  The
# register must be exactly what the six claims make, the table must hold
# all six, and after six releases everything is home.
#
#   CONC_ROUNDS   claim+release pairs per owner (50)
. "$top_srcdir/tests/lib.sh"

rounds=${CONC_ROUNDS:-50}
sim=$(mksim sim --chipset 8-series)
pm="$sim/bus/pci/devices/0000:00:14.0/power/control"
echo auto >"$pm"

worker() {	# worker N: owner wN on port ehci2.N
	local i
	for i in $(seq 1 "$rounds"); do
		ur "$sim" claim "w$1" "ehci2.$1" --controllers ehci2 >/dev/null 2>>"$T/err$1" || echo "claim $i failed" >>"$T/err$1"
		ur "$sim" release "w$1" >/dev/null 2>>"$T/err$1" || echo "release $i failed" >>"$T/err$1"
	done
	ur "$sim" claim "w$1" "ehci2.$1" --controllers ehci2 >/dev/null 2>>"$T/err$1"
}
start=$(date +%s%N)
for n in 1 2 3 4 5 6; do worker "$n" & done
wait
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# $((6 * rounds * 2 + 6)) commits by 6 parallel owners in $ms ms"
eq "no claim or release failed (6 owners x $rounds rounds in parallel)" "$(cat "$T"/err* | wc -l)" "0"
eq "register: exactly the six claims (ehci2.1-6 to EHCI)" "$(reg "$sim" d0)" "000040ff"
eq "table: six owners" "$(grep -c '^owner w' "$sim/run/owners")" "6"
eq "power/control held while ports are away" "$(cat "$pm")" "on"
for n in 1 2 3 4 5 6; do ur "$sim" release "w$n" >/dev/null & done
wait
eq "after six parallel releases: home" "$(reg "$sim" d0)" "00007fff"
eq "... power/control back" "$(cat "$pm")" "auto"
check "... table empty" sh -c "! grep -q '^owner' '$sim/run/owners'"
finish
