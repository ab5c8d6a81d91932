#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The reference for 'make bench': what a hand-written hook does today
# (bash, xmllint --xpath, setpci), on the same XML and simulation.  Not
# part of the product; it routes one EHCI's ports and forgets nothing
# else, which is the point of the comparison.
sim=$BENCH_SIM
xml=$(cat)
ports=$(printf '%s' "$xml" | xmllint --xpath \
	'string(//*[local-name()="usbroute" and namespace-uri()="urn:usbroute:libvirt:domain:1"]/@mask)' - 2>/dev/null)
[ -n "$ports" ] || exit 0
cur=$(setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l)
case "$2" in
prepare) new=$(( 0x$cur & ~ports )) ;;
release) new=$(( 0x$cur | ports )) ;;
*) exit 0 ;;
esac
setpci -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l="$(printf '%x' "$new")"
