#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbrouted against a hostile local user, without libvirt: a reload that
# fails only when the sockets open, connections held or trickled to lock
# others out, NUL bytes in request lines, a control-socket path that
# names someone's file.  Everything on loopback, every wait bounded.
# (The guest side, log floods included: tests/libvirt/daemon-e2e.sh.)
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/daemon.sh"

PY="python3 $top_srcdir/tests/integration/daemon-hostile.py"
sim=$(mksim s --chipset 8-series)
CTL="$T/sock/control"
PORT=$(python3 "$top_srcdir/tests/free-port.py")
PORT2=$(python3 "$top_srcdir/tests/free-port.py")
NOMETA="error: no running domain has usbroute metadata"

# ---------------------------------------------------------------- reload
# Each of these parses, but fails when the sockets open: the reload is
# refused in one line and the daemon serves on as before.
: >"$T/file"
conf "listen-tcp = 127.0.0.1:$PORT"
check "starts with listen-tcp = 127.0.0.1:$PORT" start
for bad in "listen-tcp = 0.0.0.0:$PORT2" "listen-tcp = nonsense" \
	"control-group = no-such-group-here" "control-socket = $T/file/control" \
	"max-clients-tcp = 0"; do
	: >"$T/log"
	conf "listen-tcp = 127.0.0.1:$PORT
$bad"
	kill -HUP "$dpid"
	if wait_log "SIGHUP: .*keeping the old configuration"; then
		pass "SIGHUP with '$bad': refused, $(grep -c . "$T/log") log line: $(cat "$T/log")"
	else
		fail "SIGHUP with '$bad': log says $(cat "$T/log")"
	fi
	check "... not 'configuration reloaded'" sh -c "! grep -q 'configuration reloaded' '$T/log'"
	eq "... the control socket still answers" "$(ask status)" ok
	eq "... the TCP listener still answers" "$(tcp status)" ok
done
conf "listen-tcp = 127.0.0.1:$PORT"
timeout 10 "$DAEMON" --config "$T/d.conf" >/dev/null 2>"$T/err2"
eq "after the refused reloads a second usbrouted still refuses to start" \
	"$?:$(cat "$T/err2")" "1:usbrouted: another usbrouted is serving $CTL; stop it first"

# A good reload moves the listener and opens the socket to a group;
# the control socket is the same one throughout.
grp=$(getent group daemon >/dev/null && echo daemon || echo adm)
: >"$T/log"
conf "listen-tcp = 127.0.0.1:$PORT2
control-group = $grp"
kill -HUP "$dpid"
check "a good SIGHUP: 'configuration reloaded'" wait_log "configuration reloaded"
eq "... TCP moved to the new port" "$(tcp status "$PORT2")" ok
check "... and left the old one" sh -c "! printf 'status\n' | timeout 5 nc -N 127.0.0.1 $PORT >/dev/null 2>&1"
eq "... the control socket got group $grp, mode 0660" "$(stat -c %G:%a "$CTL")" "$grp:660"
eq "... and still answers" "$(ask status)" ok
stop
check "SIGTERM removes the socket" test ! -e "$CTL"

# ---------------------------------------------------------------- limits
# Connections held on TCP (which any local user reaches) never take the
# control socket's places; a full control socket still lets root in.
# (defaults only: the same test runs against a daemon without the pools)
conf "listen-tcp = 127.0.0.1:$PORT
control-group = $grp"
check "starts with control-group = $grp" start
$PY hold "127.0.0.1:$PORT" 40 30 >"$T/hold" &
hold=$!
for _ in $(seq 100); do [ -s "$T/hold" ] && break; sleep 0.1; done
eq "40 TCP connections: 16 held, the rest told 'too many clients'" "$(cat "$T/hold")" "held 16 refused 24"
eq "... root's usbroute toggle still reaches the daemon" \
	"$("$USBROUTE" --config "$T/d.conf" toggle 2>&1)" "usbroute: ${NOMETA#error: }"
eq "... and the control socket answers status" "$(ask status)" ok
kill "$hold"; wait "$hold" 2>/dev/null
# An unprivileged member of the control group fills the control socket.
chmod 0711 "$T"
# (the system's python3, and a copy of the script in $T: nobody may not
# reach a python or a source tree in root's home, as on a fresh machine)
cp "$top_srcdir/tests/integration/daemon-hostile.py" "$T/hold.py"
chmod 0644 "$T/hold.py"
setpriv --reuid=nobody --regid="$grp" --clear-groups /usr/bin/python3 \
	"$T/hold.py" hold "$CTL" 40 30 >"$T/hold" &
hold=$!
for _ in $(seq 100); do [ -s "$T/hold" ] && break; sleep 0.1; done
eq "40 control connections by nobody:$grp: 32 held, the rest refused" "$(cat "$T/hold")" "held 32 refused 8"
eq "... root's usbroute toggle still gets in (places kept for root)" \
	"$("$USBROUTE" --config "$T/d.conf" toggle 2>&1)" "usbroute: ${NOMETA#error: }"
kill "$hold"; wait "$hold" 2>/dev/null
chmod 0700 "$T"

# ---------------------------------------------------------------- NUL bytes
# "sta\0tus\n" then "status\n": an error for the first, an answer for the
# second (not silence for both).
r=$($PY send "$CTL" "737461007475730a7374617475730a" | tr '\n' '|')
eq "a NUL in a request line: its own error, the next line answered" "$r" \
	"error: request line has a NUL byte; requests are lines of text|ok|"
r=$($PY send "127.0.0.1:$PORT" "00000a746f67676c650a" | tr '\n' '|')
eq "... on TCP too" "$r" "error: request line has a NUL byte; requests are lines of text|$NOMETA|"
stop

# ---------------------------------------------------------------- timeouts
conf "listen-tcp = 127.0.0.1:$PORT
client-timeout-ms = 1000"
check "starts with client-timeout-ms = 1000" start
r=$($PY idle "127.0.0.1:$PORT" 5)
case $r in
"closed after "[12]"."*"s: error: no complete request line in 1000 ms; closing") pass "an idle TCP connection is closed: $r" ;;
*) fail "an idle TCP connection: $r" ;;
esac
r=$($PY trickle "127.0.0.1:$PORT" 5)
case $r in
"closed after "[12]"."*"s: error: no complete request line in 1000 ms; closing") pass "one byte per 100 ms is closed too: $r" ;;
*) fail "one byte per 100 ms: $r" ;;
esac
r=$($PY trickle "$CTL" 5)
case $r in
"closed after "[12]"."*) pass "... on the control socket too: $r" ;;
*) fail "trickle on the control socket: $r" ;;
esac
# 16 idle connections (the TCP limit), still open on their side: after
# the timeout their places are free again
$PY hold "127.0.0.1:$PORT" 16 5 >/dev/null &
hold=$!
sleep 2.5
eq "16 idle TCP connections: after the timeout a new one is served" "$(tcp status)" ok
kill "$hold"; wait "$hold" 2>/dev/null
stop

# ---------------------------------------------------------------- the path
# control-socket naming a regular file: refused, the file left alone.
echo "precious" >"$T/precious"
CTL="$T/precious" conf ""
timeout 10 "$DAEMON" --config "$T/d.conf" >/dev/null 2>"$T/err"
eq "control-socket = a regular file: refused" "$?:$(cat "$T/err")" \
	"1:usbrouted: control-socket $T/precious exists and is not a socket; remove it or set control-socket to another path"
eq "... and the file is still there" "$(cat "$T/precious")" precious
finish
