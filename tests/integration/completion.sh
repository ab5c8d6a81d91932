#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion: sourced as bash would, asked as bash asks (COMP_WORDS,
# COMP_CWORD), checked by what COMPREPLY offers.  Commands, presets and
# options are compared with what the program itself prints, so the test
# fails if the completion falls behind the commands.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/completion/usbroute"

# offers WORD...: COMPREPLY for "usbroute WORD..." (the last is the one
# being completed), sorted, on one line.  bash sets COMP_WORDS too, split
# at its COMP_WORDBREAKS; the completion reads the line instead.
offers() {
	COMP_LINE="$USBROUTE $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_usbroute
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
sorted() { tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'; }

cmds=$("$USBROUTE" --help | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' | sorted)
eq "every command of --help, nothing else" "$(offers '')" "$cmds"
check "map and domain among them" grep -qw map <<<"$cmds"
eq "a prefix picks" "$(offers st)" "status"
eq "sim's subcommands" "$(offers sim '')" "create plug sync unplug"
presets=$("$USBROUTE" sim create "$T/x" --chipset nope 2>&1 | sed 's/.*one of //; s/ (see.*//; s/,/ /g' | sorted)
eq "sim create --chipset: the presets" "$(offers sim create "$T/x" --chipset '')" "$presets"
eq "route --to: the sides" "$(offers route ehci1.3 --to '')" "ehci xhci"
eq "route's options and the global ones" "$(offers route --)" "--config --help --json --state-dir --sysfs-root --to"
check "status offers --json" grep -qw -- "--json" <<<"$(offers status --)"

sim=$(mksim s --chipset 8-series)
cat >"$T/u.conf" <<CONF
port front-left = ehci2.3
port desk = ehci2.4-6
CONF
g=(--config "$T/u.conf" --sysfs-root "$sim" --state-dir "$sim/run")
eq "port words and names from the config" "$(offers "${g[@]}" claim win10 f)" "front-left"
check "and the chipset's port words" grep -q "ehci2.6 .*usbr" <<<"$(offers "${g[@]}" route '')"
eq "a second port word too" "$(offers "${g[@]}" claim win10 desk de)" "desk"
"$USBROUTE" "${g[@]}" claim win10 ehci2.1 --controllers ehci2 --name "win10" >/dev/null
"$USBROUTE" "${g[@]}" claim lab ehci2.2 --controllers ehci2 >/dev/null
eq "owners from the table" "$(offers "${g[@]}" release '')" "lab win10"
eq "and for the daemon's commands" "$(offers "${g[@]}" toggle w)" "win10"
eq "a 7-series part offers the ports it has" "$(offers --sysfs-root "$(mksim s7 --chipset 7-series)" route ehci)" "ehci1.1 ehci1.2 ehci1.3 ehci1.4"

eq "usbroute domain: the domains libvirt knows" "$(offers domain --connect test:///default '')" "test"
eq "then what to do with one" "$(offers domain test '')" "check set show unset"
eq "domain set: its own options" "$(offers domain test set --d)" "--default --devices"
eq "domain unset: only its own" "$(offers domain test unset --p)" "--persistent --profile"
: >"$T/file.conf"
eq "--config: file names" "$(offers --config "$T/file.c")" "$T/file.conf"
mkdir "$T/simdir"
eq "sim create DIR: directories" "$(offers sim create "$T/simd")" "$T/simdir"
finish
