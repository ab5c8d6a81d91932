#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""reference-server.py - what the seed's toggle service does, for make bench.

A small TCP server on loopback.  On each "toggle" line it reads XUSB2PR
with setpci, flips the mask, writes the register with setpci and replies
"ok XUSB2PR=0x...": the habit usbroute replaces (`nc 127.0.0.1 PORT <<<
toggle` to a root service that shells out to setpci).  Any other line gets
"error: unknown request".  Connections may carry many lines; one thread a
connection.

usage: reference-server.py --sim SIMROOT --mask 0x3f00 [--port N]
                           [--port-file FILE] [--setpci PATH]

SIMROOT is a simulated chipset (usbroute sim create): setpci reads and
writes SIMROOT/bus/pci through libpci's sysfs backend.  With --port 0 (the
default) the kernel picks the port; it is printed on stdout as
"listening on 127.0.0.1:PORT" and written to --port-file once the server
accepts connections.  Stops on SIGTERM or SIGINT.
"""
import argparse
import os
import signal
import socketserver
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sim", required=True)
    ap.add_argument("--mask", required=True, type=lambda s: int(s, 0))
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--setpci", default="setpci")
    args = ap.parse_args()

    setpci = [args.setpci, "-A", "linux-sysfs", "-O",
              "sysfs.path=" + os.path.join(args.sim, "bus/pci"), "-s", "00:14.0"]

    def toggle():
        cur = int(subprocess.run(setpci + ["d0.l"], check=True,
                                 capture_output=True, text=True).stdout, 16)
        new = cur ^ args.mask
        subprocess.run(setpci + ["d0.l=0x%08x" % new], check=True)
        return new

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for raw in self.rfile:
                req = raw.decode("ascii", "replace").strip()
                if req == "toggle":
                    try:
                        reply = "ok XUSB2PR=0x%08x" % toggle()
                    except (subprocess.CalledProcessError, ValueError) as e:
                        reply = "error: %s" % e
                else:
                    reply = "error: unknown request"
                self.wfile.write((reply + "\n").encode())
                self.wfile.flush()

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    srv = Server(("127.0.0.1", args.port), Handler)
    port = srv.server_address[1]

    def stop(signum, frame):
        # shutdown() waits for serve_forever(), which runs in this thread
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print("listening on 127.0.0.1:%d" % port, flush=True)
    try:
        srv.serve_forever()
    finally:
        srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
