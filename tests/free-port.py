#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a TCP port on 127.0.0.1 that nothing listens on now, so that two
# runs of the suite at once (two clones, CI beside a developer) never
# fight over a fixed port number.
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
