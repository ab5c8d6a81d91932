# SPDX-License-Identifier: GPL-2.0-or-later
# The assertions every test script counts with (sourced): one line per
# check, "ok - WHAT" or "FAIL - WHAT: why", and a last line that
# automake's log keeps, "N passed, M failed".

npass=0
nfail=0

pass() { npass=$((npass + 1)); echo "ok - $*"; }
fail() { nfail=$((nfail + 1)); echo "FAIL - $*"; }

# check WHAT COMMAND...: passes when the command succeeds
check() {
	local what=$1; shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# eq WHAT GOT WANT
eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# finish: the summary line; the status is the script's exit status
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}
