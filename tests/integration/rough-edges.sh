#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a new user trips over first: typos, a release of a mistyped owner,
# a hotkey's toggle as a normal user, the manual pages.
. "$top_srcdir/tests/lib.sh"

sim=$(mksim r --chipset 8-series)

# ---------------------------------------------------------------- typos
refuse "a mistyped command gets a suggestion" "$sim" 2 \
	"unknown command 'stauts'; did you mean 'status'\?" stauts
refuse "a mistyped global option is an unknown option" "$sim" 2 \
	"unknown option '--jsn'; did you mean '--json'\?" --jsn status
refuse "a word far from every command: no guess" "$sim" 2 \
	"^usbroute: unknown command 'xyzzy' \(see" xyzzy
refuse "a mistyped port word gets a suggestion" "$sim" 1 \
	"unknown port 'ehc2.1'; did you mean 'ehci2.1'\?" claim A ehc2.1
printf 'port front-left = ehci1.3\n' >"$T/names.conf"
refuse "a mistyped port name from the config too" "$sim" 1 \
	"unknown port 'front-lfet'; did you mean 'front-left'\?" \
	--config "$T/names.conf" claim A front-lfet

# -------------------------------------------- release of a mistyped owner
ur "$sim" claim Win10 ehci2.1 >/dev/null
ur "$sim" release win10 >"$T/out" 2>"$T/err"
eq "release win10: still exit 0 (release is idempotent)" "$?" "0"
eq "release win10: says it holds nothing and names Win10" "$(cat "$T/err")" \
	"usbroute: win10 holds no ports; did you mean 'Win10'?"
eq "release win10: Win10 keeps its port" "$(reg "$sim" d0)" "00007eff"
ur "$sim" claim 6f1c0d2e-uuid ehci2.2 --name gamma >/dev/null
ur "$sim" release gamma >/dev/null 2>"$T/err"
eq "release by a domain's name: names the id to use" "$(cat "$T/err")" \
	"usbroute: gamma holds no ports; did you mean '6f1c0d2e-uuid' (domain gamma)?"
ur "$sim" release nobody-at-all >/dev/null 2>"$T/err"
eq "release of an unknown owner: says so, exit 0" "$?:$(cat "$T/err")" \
	"0:usbroute: nobody-at-all holds no ports"
ur "$sim" release Win10 >/dev/null 2>"$T/err"
eq "a real release: nothing on stderr" "$(cat "$T/err")" ""

# ------------------------------------------- toggle as a normal user
# The real usbrouted (no libvirtd: it keeps trying) on a control socket
# that is root's only, then one for a group; usbroute toggle as nobody.
DAEMON="$top_builddir/src/daemon/usbrouted"
chmod 755 "$T"		# nobody must reach the socket's directory
# ... and run the binary, wherever the build tree is (/root is 0700)
install -m 755 "$USBROUTE" "$T/usbroute-copy"
CTL="$T/ctl/control"
daemon() {	# daemon EXTRA-LINE: start usbrouted, wait for its socket
	printf 'sysfs-root = %s\nstate-dir = %s/run\ncontrol-socket = %s\nlibvirt-uri = qemu:///system?socket=%s/no-libvirtd\n%s\n' \
		"$sim" "$sim" "$CTL" "$T" "$1" >"$T/d.conf"
	chmod 644 "$T/d.conf"
	"$DAEMON" --config "$T/d.conf" 2>"$T/log" &
	dpid=$!
	for _ in $(seq 50); do
		[ -S "$CTL" ] && return 0
		sleep 0.1
	done
	return 1
}
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$T/usbroute-copy" --config "$T/d.conf" "$@"
}
check "usbrouted starts (root-only socket)" daemon ""
as_nobody toggle >/dev/null 2>"$T/err"
eq "toggle as nobody: exit 1" "$?" "1"
check "toggle as nobody: says the socket is root's and what to set" \
	grep -qE "^usbroute: cannot reach usbrouted at $CTL: Permission denied; it is root's only: put 'control-group = usbroute' in $T/d.conf .*sudo usermod -aG usbroute nobody" "$T/err"
eq "... in one line" "$(wc -l <"$T/err")" "1"
kill -TERM "$dpid"; wait "$dpid"
check "usbrouted starts (control-group = users)" daemon "control-group = users"
as_nobody toggle >/dev/null 2>"$T/err"
eq "not in the group: exit 1" "$?" "1"
check "not in the group: names the group to join" \
	grep -qE "^usbroute: cannot reach usbrouted at $CTL: Permission denied; it lets in group users: join it \(sudo usermod -aG users nobody\)" "$T/err"
setpriv --reuid=nobody --regid=nogroup --groups=users -- "$T/usbroute-copy" --config "$T/d.conf" toggle >/dev/null 2>"$T/err"
eq "in the group: the daemon answers" "$(cat "$T/err")" \
	"usbroute: no running domain has usbroute metadata"
kill -TERM "$dpid"; wait "$dpid"

# ------------------------------------------------------ manual pages
man_text() { groff -mandoc -Tascii -P-cbou "$top_srcdir/man/$1" 2>&1; }
for m in usbroute.1 usbroute.conf.5 usbroute-hook.8 usbrouted.8; do
	check "$m: its footer names usbroute, not BSD" sh -c "[ \"\$(groff -mandoc -Tascii -P-cbou '$top_srcdir/man/$m' | tail -1 | awk '{print \$1}')\" = usbroute ]"
	eq "$m: no warnings from groff" "$(groff -mandoc -Tascii -ww -z "$top_srcdir/man/$m" 2>&1)" ""
done
check "usbrouted(8): the alias example's quotes pair up" \
	sh -c "groff -mandoc -Tascii -P-cbou '$top_srcdir/man/usbrouted.8' | grep -qF \"('serial0', 'ua-usbroute', ...) in\""
check "usbroute.conf(5): SEE ALSO names usbrouted(8)" \
	sh -c "groff -mandoc -Tascii -P-cbou '$top_srcdir/man/usbroute.conf.5' | grep -A2 '^SEE ALSO' | grep -q 'usbrouted(8)'"
eq "repair's usage: no trailing blank" "$("$USBROUTE" repair --help | head -1)" "usage: usbroute repair"
eq "--help: no line ends in a blank" "$("$USBROUTE" --help | grep -c ' $')" "0"
check "--help names map and sim unplug" sh -c "'$USBROUTE' --help | grep -q '^  map ' && '$USBROUTE' --help | grep -q 'sim unplug DIR PORT'"
finish
