# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests of usbrouted without libvirt (daemon-config.sh,
# daemon-hostile.sh): its config for a simulation, starting and stopping
# it, questions on its sockets, waiting for its log.  Sourced after
# tests/lib.sh; the test sets sim (a simulation) and CTL (the control
# socket's path), and PORT for tcp's default.  The daemon's stderr is
# $T/log; its process id, dpid.

DAEMON="$top_builddir/src/daemon/usbrouted"

# conf EXTRA-LINES: $T/d.conf for the simulation, a libvirt-uri with no
# libvirtd behind it, and EXTRA-LINES
conf() {
	printf 'sysfs-root = %s\nstate-dir = %s/run\ncontrol-socket = %s\nlibvirt-uri = qemu:///system?socket=%s/no-libvirtd\n%s\n' \
		"$sim" "$sim" "$CTL" "$T" "$1" >"$T/d.conf"
}

# ask LINE: the reply on the control socket; tcp LINE [PORT]: on TCP
ask() { printf '%s\n' "$1" | timeout 5 nc -N -U "$CTL" 2>&1; }
tcp() { printf '%s\n' "$1" | timeout 5 nc -N 127.0.0.1 "${2:-$PORT}" 2>&1; }

# start: the daemon on $T/d.conf in the background, with a fresh log;
# fails unless its socket answers within 5 s.  The log is opened for
# appending, so a test may empty it while the daemon runs.
start() {
	: >"$T/log"
	"$DAEMON" --config "$T/d.conf" 2>>"$T/log" &
	dpid=$!
	for _ in $(seq 50); do
		[ -S "$CTL" ] && ask status >/dev/null 2>&1 && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# stop: SIGTERM, and the daemon's exit status
stop() { kill -TERM "$dpid" 2>/dev/null; wait "$dpid"; }

# wait_log PATTERN: up to 5 s for a line of the daemon's log
wait_log() {
	for _ in $(seq 50); do
		grep -q -- "$1" "$T/log" && return 0
		sleep 0.1
	done
	return 1
}
