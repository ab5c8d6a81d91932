#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every program a test script runs comes from a package tests/setup.sh
# installs (or their dependencies, or Debian's required packages): what a
# fresh Debian 12 machine, and CI, have.  tests/test-deps.py does the work;
# first it must find a missing package where there is one.
. "$top_srcdir/tests/lib.sh"
TD="$top_srcdir/tests/test-deps.py"

# A project whose tests run nc after timeout, in a $( ), and (not a program
# run by the shell) in a comment and in a python here-document; its
# setup.sh installs only coreutils and python3.
p=$T/proj
mkdir -p "$p/tests" "$p/.ci"
printf 'packages=(\n\tcoreutils python3 # the base\n)\n' >"$p/tests/setup.sh"
cat >"$p/tests/a.sh" <<'EOS'
# nc is mentioned here only
python3 - <<'PY'
import os; os.system("nc -h")
PY
out=$(printf 'x\n' | timeout 5 nc -N 127.0.0.1 9)
EOS
python3 "$TD" "$p" >"$T/out" 2>&1
eq "a test running nc with no netcat package listed: refused" "$?" "1"
check "it names nc, its package and the line" \
	grep -q "tests run 'nc' (.*netcat-openbsd).*tests/a.sh:5" "$T/out"
eq "one line: the comment and the python program do not count" "$(wc -l <"$T/out")" "1"
printf 'packages=(\n\tcoreutils python3 netcat-openbsd\n)\n' >"$p/tests/setup.sh"
python3 "$TD" "$p" >"$T/out" 2>&1
eq "listed: accepted" "$?" "0"

# The project itself.
python3 "$TD" "$top_srcdir" >"$T/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out"
eq "tests/setup.sh installs every program the tests run" "$rc" "0"
finish
