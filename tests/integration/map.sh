#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbroute map, driven end to end through a pseudo-terminal on a simulated
# 8-series chipset: `usbroute sim plug`/`unplug`/`sync` play the person
# (and the kernel) on the side each port is routed to.
. "$top_srcdir/tests/lib.sh"

PYTHON=$(command -v python3) || { echo "FAIL: python3 not found (tests/setup.sh installs it)" >&2; exit 99; }
drive() { "$PYTHON" "$top_srcdir/tests/integration/pty-drive.py" "$@"; }

sim=$(mksim m --chipset 8-series)
conf="$T/usbroute.conf"
cat >"$conf" <<'EOF'
# my machine
port desk = ehci2.1-6   # a group, not a socket
port front-left = ehci1.1

lock-timeout-ms = 4000
ss-pair ehci1.1 = 1
EOF
cp "$conf" "$T/original.conf"
U="$USBROUTE"
MAP=("$U" --config "$conf" --sysfs-root "$sim" --state-dir "$sim/run" map)
pssen() { reg "$sim" d8; }
eq "PSSEN starts all on" "$(pssen)" "0000003f"

# ehci1.2 lands on the xHCI (Linux routed everything there); ehci2.3 is
# routed to EHCI #2 first, so the wizard sees it through the rate-matching
# hub, behind a further hub.
ur "$sim" route ehci2.3 --to ehci >/dev/null
cat >"$T/script" <<EOF
expect Ctrl-C stops without writing
expect ^mapped 1 of 15
sh $U sim plug $sim ehci1.2 046d:c52b "USB Receiver"
expect 046d:c52b USB Receiver is on ehci1.2. Name \[socket-1\]: 
# Enter keeps the default
send
expect socket-1 = ehci1.2; mapped 2 of 15
# one device moved around: unplugged, then into a mapped socket
sh $U sim unplug $sim ehci1.2 && $U sim plug $sim ehci1.1 1234:5678 Stick
expect 1234:5678 Stick is on ehci1.1, already mapped as front-left
sh $U sim plug $sim ehci2.3 046d:c31c Keyboard --behind-hub
expect 046d:c31c Keyboard is behind a hub: the socket is the one the hub is plugged into, ehci2.3
expect Keyboard is on ehci2.3. Name \[socket-2\]: 
send ehci9
expect 'ehci9' looks like a port word
send front-left
expect 'front-left' is already the name of ehci1.1
send desk
expect 'desk' is already a name in the config
send rear
expect rear = ehci2.3; mapped 3 of 15
# a SuperSpeed stick on USB3 port 2, whose USB 2.0 wire is ehci1.3
sh $U sim plug $sim ehci1.3 0781:5581 Ultra --superspeed 2
expect 0781:5581 Ultra is on SuperSpeed port 2, whose USB 2.0 port is not known yet
expect \[Y/n\] 
send
expect SuperSpeed port 2 is off; waiting
sh test "\$($SETPCI -A linux-sysfs -O sysfs.path=$sim/bus/pci -s 00:14.0 d8.l)" = 0000003d
# the kernel: the stick re-enumerates on its USB 2.0 wire
sh $U sim sync $sim >/dev/null
expect SuperSpeed port 2 is on again
expect SuperSpeed port 2 shares its socket with ehci1.3
expect Ultra is on ehci1.3. Name \[socket-2\]: 
send front-blue
expect front-blue = ehci1.3; mapped 4 of 15
sh test "\$($SETPCI -A linux-sysfs -O sysfs.path=$sim/bus/pci -s 00:14.0 d8.l)" = 0000003f
# and back on USB3, where the wizard knows it now
sh $U sim sync $sim >/dev/null
expect Ultra is on ehci1.3, already mapped as front-blue
# a USB3 port whose pair the config has: named through it
sh $U sim plug $sim ehci1.1 0781:5581 Ultra --superspeed 1
expect Ultra is on ehci1.1, already mapped as front-left
eof
expect wrote 4 lines to $conf \(the old one is $conf.bak\); mapped 4 of 15
exit 0
EOF
if drive "$T/script" "$T/transcript" -- "${MAP[@]}"; then
	pass "the wizard maps ehci1.2, ehci2.3 (behind a hub), ehci1.3 and its USB3 pair"
else
	fail "the wizard run: $(cat "$T/transcript")"
fi
cat >"$T/want.conf" <<'EOF'
# my machine
port desk = ehci2.1-6   # a group, not a socket
port front-left = ehci1.1
port socket-1 = ehci1.2
port front-blue = ehci1.3
port rear = ehci2.3

lock-timeout-ms = 4000
ss-pair ehci1.1 = 1
ss-pair ehci1.3 = 2
EOF
check "the config has the new lines beside the old, comments kept" diff -u "$T/want.conf" "$conf"
check "the old config is kept as .bak" cmp "$T/original.conf" "$conf.bak"
eq "PSSEN is as it was" "$(pssen)" "0000003f"

# the map as written, with what is plugged in now
ur "$sim" --config "$conf" map --list >"$T/list"
eq "map --list: exit 0" "$?" "0"
check "map --list: a named port and its device" grep -qE "^ehci2.3 +rear +- +05e3:0608 USB2.0 Hub; 046d:c31c Keyboard \(behind a hub\)$" "$T/list"
check "map --list: the pair and the SuperSpeed device on it" grep -qE "^ehci1.1 +front-left +1 +0781:5581 Ultra$" "$T/list"
check "map --list: an empty unnamed port" grep -qE "^ehci1.4 +- +- +-$" "$T/list"
check "map --list: progress" grep -qE "^mapped 4 of 15 switchable ports \($conf\)$" "$T/list"

# Ctrl-C: stops at once, writes nothing, and puts back a SuperSpeed port
# it had turned off
cp "$conf" "$T/before.conf"
cat >"$T/script2" <<EOF
expect ^mapped 4 of 15
sh $U sim plug $sim ehci1.4 1111:2222 Mouse
expect Mouse is on ehci1.4. Name \[socket-2\]: 
send mouse
expect mouse = ehci1.4; mapped 5 of 15
sh $U sim plug $sim ehci1.5 0781:5581 Ultra --superspeed 3
expect \[Y/n\] 
send y
expect SuperSpeed port 3 is off; waiting
intr
expect SuperSpeed port 3 is on again
exit 1
EOF
if drive "$T/script2" "$T/transcript2" -- "${MAP[@]}"; then
	pass "Ctrl-C stops the wizard with exit 1"
else
	fail "the Ctrl-C run: $(cat "$T/transcript2")"
fi
check "Ctrl-C: says nothing was written" grep -q "usbroute: map stopped; nothing written" "$T/transcript2"
check "Ctrl-C: the config is untouched" cmp "$T/before.conf" "$conf"
eq "Ctrl-C: PSSEN is back" "$(pssen)" "0000003f"

# a closed terminal (SIGHUP) is no "finished": nothing written
cat >"$T/script5" <<EOF
expect ^mapped 4 of 15
sh $U sim plug $sim ehci1.6 1111:2222 Pad
expect Name \[socket-2\]: 
send pad
expect pad = ehci1.6
signal HUP
exit 1
EOF
check "SIGHUP stops the wizard with exit 1" drive "$T/script5" "$T/transcript5" -- "${MAP[@]}"
check "SIGHUP: the config is untouched" cmp "$T/before.conf" "$conf"

# ports a VM holds: said at once
ur "$sim" claim vm1 ehci2.5-6 --name win10 >/dev/null
cat >"$T/script6" <<EOF
expect ehci2.5-6 are held by win10: devices there show up in the VM, not here; 'usbroute host win10' or stopping it gives them back
expect ^mapped 4 of 15
eof
exit 0
EOF
check "the wizard names the ports a VM holds" drive "$T/script6" "$T/transcript6" -- "${MAP[@]}"
ur "$sim" release vm1 >/dev/null

# Ctrl-D with nothing new: nothing written; a port firmware keeps fixed
cat >"$T/script3" <<EOF
expect ^mapped 4 of 15
eof
expect nothing new; $conf is unchanged
exit 0
EOF
check "Ctrl-D with nothing new writes nothing" drive "$T/script3" "$T/transcript3" -- "${MAP[@]}"
check "nothing new: the config is untouched" cmp "$T/before.conf" "$conf"

# a first config: file and directory made
cat >"$T/script4" <<EOF
expect ^mapped 0 of 15
sh $U sim plug $sim ehci2.6 1111:2222 Pad
expect Name \[socket-1\]: 
send
expect socket-1 = ehci2.6; mapped 1 of 15
eof
expect wrote 1 line to
exit 0
EOF
check "a first config" drive "$T/script4" "$T/transcript4" -- "$U" --config "$T/new/dir/u.conf" --sysfs-root "$sim" --state-dir "$sim/run" map
eq "a first config: its one line" "$(cat "$T/new/dir/u.conf" 2>&1)" "port socket-1 = ehci2.6"

# ports that cannot be switched: said, and left out of the map
sim7=$(mksim seven --chipset 7-series)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim7/bus/pci" -s 00:14.0 d4.l=00000007
cat >"$T/script7" <<EOF
expect ^mapped 0 of 3
sh $U sim plug $sim7 ehci2.3 1111:2222 Cam
expect 1111:2222 Cam is on ehci2.3, which the 7-series/C210 \(Panther Point\) cannot switch \(it has no routing bit\); it stays out of the map
sh $U sim plug $sim7 ehci1.4 1111:2222 Pad
expect 1111:2222 Pad is on ehci1.4, which firmware does not let the OS switch; it stays out of the map
eof
expect nothing new
exit 0
EOF
check "unswitchable ports: said and left out" drive "$T/script7" "$T/transcript7" -- "$U" --config "$T/seven.conf" --sysfs-root "$sim7" --state-dir "$sim7/run" map

# not on a terminal: one line, exit 1; a stray argument: usage
refuse "map needs a terminal" "$sim" 1 "map asks questions: run it on a terminal" map </dev/null
refuse "map --lst is unknown" "$sim" 2 "unknown option '--lst'" map --lst
finish
