#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd unit as built: systemd's own rating of its sandbox (at most
# 3.0), and usbrouted serving on a simulation with the unit's capability
# bounding set, no_new_privs and umask -- the parts of the sandbox that
# apply without systemd as PID 1 (the namespaces, seccomp filter and
# device policy need a running systemd; see the unit's comments).
. "$top_srcdir/tests/lib.sh"

UNIT="$top_builddir/src/daemon/usbrouted.service"
DAEMON="$top_builddir/src/daemon/usbrouted"
check "the unit is built" test -f "$UNIT"
cp "$UNIT" "$T/usbrouted.service"
systemd-analyze security --offline=yes "$T/usbrouted.service" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for usbrouted.service: \([0-9.]*\).*/\1/p' "$T/sec")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
	pass "systemd-analyze security --offline=yes: $score (at most 3.0)"
else
	fail "systemd-analyze security: '$score', want at most 3.0: $(tail -n 3 "$T/sec")"
fi
for d in ProtectKernelModules ProtectKernelLogs ProtectClock ProtectHostname \
	ProtectControlGroups RestrictSUIDSGID SystemCallFilter UMask ProtectProc \
	PrivateMounts DevicePolicy NoNewPrivileges; do
	check "the unit sets $d" grep -q "^$d=" "$T/usbrouted.service"
done

# The unit's capabilities, as setpriv spells them: +sys_admin,+chown,...
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$T/usbrouted.service" |
	tr ' ' '\n' | sed 's/^CAP_//' | tr 'A-Z' 'a-z' | sed 's/^/+/' | paste -sd, -)
umask_=$(sed -n 's/^UMask=//p' "$T/usbrouted.service")
check "the unit names its capabilities ($caps) and umask ($umask_)" test -n "$caps" -a -n "$umask_"
sim=$(mksim s --chipset 8-series)
CTL="$T/sock/control"
grp=$(getent group daemon >/dev/null && echo daemon || echo adm)
printf 'sysfs-root = %s\nstate-dir = %s/run\ncontrol-socket = %s\nlibvirt-uri = qemu:///system?socket=%s/no-libvirtd\ncontrol-group = %s\ndrift-check-ms = 100\n' \
	"$sim" "$sim" "$CTL" "$T" "$grp" >"$T/d.conf"
(umask "$umask_"; exec setpriv --no-new-privs --bounding-set "-all,$caps" \
	--inh-caps -all "$DAEMON" --config "$T/d.conf") 2>"$T/log" &
dpid=$!
for _ in $(seq 50); do
	[ -S "$CTL" ] && break
	kill -0 "$dpid" 2>/dev/null || break
	sleep 0.1
done
eq "usbrouted under the unit's bounding set: status answers" \
	"$(printf 'status\n' | timeout 5 nc -N -U "$CTL" 2>&1)" ok
eq "... the control socket went to $grp (CAP_CHOWN kept)" "$(stat -c %G:%a "$CTL" 2>&1)" "$grp:660"
# Its drift repair writes config space: claim, rewrite the register as
# Linux does on resume, and wait for the daemon to put it back.
ur "$sim" claim A ehci1.1-2 >/dev/null
want=$(reg "$sim" d0)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=00007fff
for _ in $(seq 50); do [ "$(reg "$sim" d0)" = "$want" ] && break; sleep 0.1; done
eq "... it repairs drift (writes config space): XUSB2PR back to $want" "$(reg "$sim" d0)" "$want"
kill -TERM "$dpid"
wait "$dpid"
eq "... and SIGTERM ends it with 0" "$?" 0

finish
