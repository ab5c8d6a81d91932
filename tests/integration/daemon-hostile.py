#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Connections a hostile local user makes to usbrouted, for
daemon-hostile.sh.  ADDR is a unix socket path or 127.0.0.1:PORT.

  hold ADDR N SECS      open N connections, then print "held H refused R"
                        (R: those the daemon answered "too many clients"
                        within 3 s) and keep them open SECS seconds
  trickle ADDR SECS     send one byte every 100 ms (a request line that
                        never ends); print "closed after S s: REPLY" when
                        the daemon closes it, or "open after SECS s"
  idle ADDR SECS        the same without sending anything
  send ADDR HEX         send bytes (hex), half-close, print the reply
"""
import os, select, socket, sys, time

def connect(addr):
    if addr.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr)
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    return s

def hold(addr, n, secs):
    conns = [connect(addr) for _ in range(n)]
    replies = {}
    # Refusals come at once; a loaded machine (a CI beside other builds)
    # may take longer than a second to send them all.  Held connections
    # stay silent far longer (client-timeout-ms is 10 s by default).
    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        r, _, _ = select.select(conns, [], [], max(0, end - time.monotonic()))
        for s in r:
            data = s.recv(256)
            replies[s] = replies.get(s, b"") + data
            if not data:
                conns.remove(s)
                replies.setdefault(s, b"")
                break
    refused = sum(1 for v in replies.values() if b"too many clients" in v)
    print("held %d refused %d" % (n - refused, refused), flush=True)
    time.sleep(secs)

def wait_close(s, secs, tick):
    t0 = time.monotonic()
    got = b""
    while time.monotonic() - t0 < secs:
        if tick:
            try:
                s.send(b"s")
            except OSError:
                pass
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            try:
                data = s.recv(256)
            except OSError:
                data = b""
            got += data
            if not data:
                print("closed after %.1f s: %s" % (time.monotonic() - t0,
                      got.decode(errors="replace").strip()))
                return
    print("open after %d s" % secs)

def send(addr, hexbytes):
    s = connect(addr)
    s.sendall(bytes.fromhex(hexbytes))
    s.shutdown(socket.SHUT_WR)
    s.settimeout(5)
    out = b""
    while True:
        data = s.recv(4096)
        if not data:
            break
        out += data
    sys.stdout.write(out.decode(errors="replace"))

cmd, addr = sys.argv[1], sys.argv[2]
if cmd == "hold":
    hold(addr, int(sys.argv[3]), float(sys.argv[4]))
elif cmd == "trickle":
    wait_close(connect(addr), float(sys.argv[3]), True)
elif cmd == "idle":
    wait_close(connect(addr), float(sys.argv[3]), False)
elif cmd == "send":
    send(addr, sys.argv[3])
