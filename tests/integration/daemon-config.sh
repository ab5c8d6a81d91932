#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbrouted without libvirt: what it refuses at start, the control
# socket's permissions, the protocol's error replies, signals.  (With a
# real libvirtd and guests: tests/libvirt/daemon-e2e.sh.)
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/daemon.sh"

sim=$(mksim s --chipset 8-series)
CTL="$T/control"
# Free ports, not fixed ones: another run of the suite may be listening.
P1=$(python3 "$top_srcdir/tests/free-port.py")
P2=$(python3 "$top_srcdir/tests/free-port.py")
refuse_start() {	# refuse_start WHAT PATTERN
	"$DAEMON" --config "$T/d.conf" >/dev/null 2>"$T/err" &
	local pid=$! rc
	( sleep 5; kill "$pid" 2>/dev/null ) &
	wait "$pid"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q -- "$2" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ]; then
		pass "$1: $(cat "$T/err")"
	else
		fail "$1: exit $rc, stderr: $(cat "$T/err")"
	fi
}

conf "listen-tcp = 0.0.0.0:$P1"
refuse_start "a non-loopback listener is refused" "is not a loopback address"
conf "listen-tcp = localhost"
refuse_start "a listener without a port is refused" "write it as 127.0.0.1:PORT"
conf "guest-rate = 0"
refuse_start "a guest rate of 0 is refused" "guest-rate = '0' must be a number from 1"
conf "control-group = no-such-group-here"
refuse_start "an unknown control group is refused" "no such group"
conf "control-socket = run/control"
refuse_start "a relative control-socket is refused" "control-socket = 'run/control' must be an absolute path"
conf "hotkey = KEY_A"
refuse_start "a one-key hotkey is refused, devices or not" "hotkey 'KEY_A': one key alone"
conf "$(for i in $(seq 9); do echo "hotkey-device = $T/kbd$i"; done)"
refuse_start "a ninth hotkey-device is refused" "line 13: more than 8 hotkey-device lines"

conf "listen-tcp = 0.0.0.0:$P1
allow-remote-listen = yes"
check "allow-remote-listen = yes: it starts" start
check "... and warns in its log" grep -q "beyond this machine" "$T/log"
stop

conf "listen-tcp = 127.0.0.1:$P2"
check "starts without libvirtd (it keeps trying)" start
check "says it cannot reach libvirtd" grep -q "cannot connect to qemu:///system" "$T/log"
eq "control socket is root's alone without control-group" "$(stat -c %a "$CTL")" "600"
eq "status: no domains yet" "$(ask status)" "ok"
eq "toggle: no domain to toggle" "$(ask toggle)" "error: no running domain has usbroute metadata"
eq "\\r\\n is a line end too" "$(printf 'toggle\r\n' | timeout 5 nc -N -U "$CTL")" "error: no running domain has usbroute metadata"
case $(ask "frobnicate") in
"error: unknown request 'frobnicate'"*) pass "unknown request: error reply" ;;
*) fail "unknown request: $(ask frobnicate)" ;;
esac
eq "a domain that does not run" "$(ask "host nosuch")" "error: no running domain 'nosuch' with usbroute metadata"
long=$(head -c 600 /dev/zero | tr '\0' a)
eq "an overlong line: error, then the connection closes" "$(ask "$long")" "error: request line too long"
eq "TCP speaks the same protocol" "$(tcp status "$P2")" "ok"
"$USBROUTE" --config "$T/d.conf" toggle >"$T/out" 2>"$T/err"
eq "usbroute toggle: the daemon's error, exit 1" "$?:$(cat "$T/err")" "1:usbroute: no running domain has usbroute metadata"

# a second daemon on the same socket must not steal it
"$DAEMON" --config "$T/d.conf" >/dev/null 2>"$T/err2"
eq "a second usbrouted refuses to start" "$?" "1"
check "... saying why" grep -q "another usbrouted is serving" "$T/err2"
eq "the first still answers" "$(ask status)" "ok"

# SIGHUP with a broken config keeps the old one; SIGTERM ends cleanly
echo "bogus-key = 1" >>"$T/d.conf"
kill -HUP "$dpid"
sleep 0.3
eq "SIGHUP with a bad config: still serving" "$(ask status)" "ok"
check "... and says why" grep -q "SIGHUP: .*unknown key 'bogus-key'" "$T/log"
stop
eq "SIGTERM: exit 0" "$?" "0"
check "SIGTERM removes the socket" test ! -e "$CTL"
conf ""
"$USBROUTE" --config "$T/d.conf" toggle 2>"$T/err" >/dev/null
check "usbroute toggle without a daemon says so" grep -q "usbrouted is not running" "$T/err"

# a control group opens the socket to its members
grp=$(getent group daemon >/dev/null && echo daemon || echo adm)
conf "control-group = $grp"
check "starts with control-group = $grp" start
eq "socket mode 0660" "$(stat -c %a "$CTL")" "660"
eq "socket group $grp" "$(stat -c %G "$CTL")" "$grp"
stop

# The host hotkey: a wrong chord or device path refuses the start; the
# chord read from a FIFO reaches the same toggle as the control socket
# (here: no domain runs, and the log says so), other keys do nothing;
# SIGHUP with a wrong chord keeps the hotkey as it was.
conf "hotkey-device = $T/kbd
hotkey = KEY_LEFTCTRL+KEY_CTRL"
refuse_start "a hotkey with an unknown key is refused" "unknown key 'KEY_CTRL'"
conf "hotkey-device = dev/input/kbd"
refuse_start "a relative hotkey-device is refused" "must be an absolute path"
mkfifo "$T/kbd"
conf "hotkey-device = $T/kbd"
check "starts with a FIFO as hotkey-device" start
check "... naming the chord (the default) it listens for" \
	grep -q "hotkey KEY_LEFTCTRL+KEY_RIGHTCTRL on 1 device toggles the running domain" "$T/log"
keys() {	# keys CODE:VALUE...: struct input_event records into the FIFO
	python3 - "$T/kbd" "$@" <<-'PY'
	import struct, sys
	recs = b"".join(struct.pack("@qqHHi", 0, 0, 1, *map(int, kv.split(":")))
	                for kv in sys.argv[2:])
	with open(sys.argv[1], "wb") as f:
	    f.write(recs)
	PY
}
keys 30:1 30:0 29:1 29:0
sleep 0.5
eq "other keys: nothing in the log" "$(grep -c 'hotkey on' "$T/log")" "0"
keys 29:1 97:1 97:2 97:2 97:0 29:0
check "the chord: toggle, and its reply in the log" \
	wait_log "hotkey on $T/kbd: error: no running domain has usbroute metadata"
eq "... once, though held down" "$(grep -c 'hotkey on' "$T/log")" "1"
printf 'hotkey = KEY_NOSUCH+KEY_A\n' >>"$T/d.conf"
kill -HUP "$dpid"
check "SIGHUP with a wrong chord: the old configuration stays, hotkey and all" \
	wait_log "SIGHUP: .*unknown key 'KEY_NOSUCH'.*; keeping the old configuration"
keys 97:1 29:1 29:0 97:0
sleep 0.5
eq "... and still toggles" "$(grep -c 'hotkey on' "$T/log")" "2"
stop
finish
