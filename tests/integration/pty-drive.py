#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives an interactive program through a pseudo-terminal, as a person at
a keyboard would: python3's pty module, nothing else.

usage: pty-drive.py SCRIPT TRANSCRIPT -- COMMAND [ARGS...]

SCRIPT has one step a line ('#' lines and blank lines are skipped):
  expect REGEX   wait (10 s at most) until the output since the last
                 match matches REGEX (Python re, multiline)
  send TEXT      type TEXT and Enter ("send" alone: just Enter)
  sh COMMAND     run a shell command (the other hand: plug, unplug)
  eof            Ctrl-D at the start of a line
  intr           Ctrl-C
  signal NAME    send the program signal NAME (HUP, TERM, ...)
  exit RC        wait for the program to end; its status must be RC
Exits 0 when every step held, 1 naming the first that did not.  Every
byte the program wrote is in TRANSCRIPT.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

TIMEOUT = 10.0


def main():
    script, transcript = sys.argv[1], sys.argv[2]
    if sys.argv[3] != "--":
        sys.exit("usage: pty-drive.py SCRIPT TRANSCRIPT -- COMMAND...")
    cmd = sys.argv[4:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    out = open(transcript, "wb")
    seen = b""      # output not yet consumed by an expect
    status = None

    def pump(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:     # EIO: the program closed the terminal
            return False
        if not data:
            return False
        out.write(data)
        out.flush()
        seen += data
        return True

    def fail(lineno, step, why):
        out.close()
        sys.stderr.write("%s:%d: %s: %s\n--- unmatched output:\n%s\n" % (
            script, lineno, step, why, seen.decode(errors="replace")))
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        sys.exit(1)

    with open(script) as f:
        steps = [(n + 1, l.rstrip("\n")) for n, l in enumerate(f)]
    for lineno, step in steps:
        if not step.strip() or step.lstrip().startswith("#"):
            continue
        verb, _, arg = step.partition(" ")
        if verb == "expect":
            rx = re.compile(arg.encode(), re.M)
            end = time.monotonic() + TIMEOUT
            while True:
                m = rx.search(seen)
                if m:
                    seen = seen[m.end():]
                    break
                left = end - time.monotonic()
                if left <= 0:
                    fail(lineno, step, "not seen in %d s" % TIMEOUT)
                if not pump(min(left, 0.2)):
                    # the program is gone: what it wrote is all there is
                    if not rx.search(seen):
                        fail(lineno, step, "program ended first")
        elif verb == "send":
            os.write(fd, arg.encode() + b"\n")
        elif verb == "sh":
            rc = subprocess.call(arg, shell=True)
            if rc != 0:
                fail(lineno, step, "exit status %d" % rc)
        elif verb == "eof":
            os.write(fd, b"\x04")
        elif verb == "intr":
            os.write(fd, b"\x03")
        elif verb == "signal":
            os.kill(pid, getattr(signal, "SIG" + arg))
        elif verb == "exit":
            end = time.monotonic() + TIMEOUT
            while status is None and time.monotonic() < end:
                pump(0.1)
                p, st = os.waitpid(pid, os.WNOHANG)
                if p == pid:
                    status = os.waitstatus_to_exitcode(st)
            while pump(0.05):
                pass
            if status is None:
                fail(lineno, step, "still running after %d s" % TIMEOUT)
            if status != int(arg):
                fail(lineno, step, "exit status %d" % status)
        else:
            fail(lineno, step, "unknown step")
    out.close()
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


main()
