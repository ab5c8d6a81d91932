# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the integration tests: run the real usbroute binary against
# simulated chipsets and check the registers with setpci, independently.
# Sourced; expects top_srcdir and top_builddir (set by 'make check').

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SETPCI:=$(command -v setpci || echo /usr/bin/setpci)}"
USBROUTE="$top_builddir/src/usbroute/usbroute"
DUMPS="$top_srcdir/tests/data/dumps"

. "$top_srcdir/tests/check.sh"
T=$(mktemp -d /tmp/usbroute-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
# No config of the machine's may leak into a test.
export USBROUTE_CONFIG="$T/none.conf"
: >"$USBROUTE_CONFIG"

if [ ! -x "$USBROUTE" ]; then
	echo "SKIP: $USBROUTE not built" >&2
	exit 77
fi
if [ ! -x "$SETPCI" ]; then
	echo "FAIL: setpci not found: install pciutils" >&2
	exit 99
fi

# ur SIM ARGS...: usbroute on simulation SIM with its own state dir
ur() {
	local sim=$1; shift
	"$USBROUTE" --sysfs-root "$sim" --state-dir "$sim/run" "$@"
}

# reg SIM OFFSET: a 32-bit config register, read by setpci, not by us
reg() {
	"$SETPCI" -A linux-sysfs -O sysfs.path="$1/bus/pci" -s 00:14.0 "$2.l"
}

# mksim NAME ARGS...: a fresh simulation under $T
mksim() {
	local name=$1; shift
	"$USBROUTE" sim create "$T/$name" "$@" >/dev/null || return 1
	echo "$T/$name"
}

# snapshot SIM: everything a refused command must leave alone
snapshot() {
	{
		reg "$1" d0; reg "$1" d8
		cat "$1/bus/pci/devices/0000:00:14.0/power/control" 2>/dev/null
		cat "$1/run/owners" 2>/dev/null || echo "no state"
	} | md5sum
}

# refuse WHAT SIM WANT_RC PATTERN ARGS...: usbroute ARGS on SIM must exit
# WANT_RC with exactly one stderr line matching PATTERN and change nothing.
refuse() {
	local what=$1 sim=$2 want=$3 pattern=$4; shift 4
	local before after rc lines
	before=$(snapshot "$sim")
	ur "$sim" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	after=$(snapshot "$sim")
	lines=$(wc -l <"$T/err")
	if [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, want $want ($(cat "$T/err"))"
	elif [ "$lines" -ne 1 ]; then
		fail "$what: $lines lines on stderr, want 1: $(cat "$T/err")"
	elif ! grep -qE -- "$pattern" "$T/err"; then
		fail "$what: stderr '$(cat "$T/err")' does not match '$pattern'"
	elif [ "$before" != "$after" ]; then
		fail "$what: registers or state changed"
	else
		pass "$what: $(cat "$T/err")"
	fi
}

# The libvirt hook as libvirt runs it.
HOOK="$top_builddir/hooks/usbroute-hook"

# hook_conf SIM [CONF]: $T/hook.conf points the hook at SIM and at the
# XML reader in the build tree, with CONF's other lines (port names,
# ss-pair) if given
hook_conf() {
	{
		[ $# -lt 2 ] || grep -v '^sysfs-root\|^state-dir' "$2"
		echo "sysfs-root = $1"
		echo "state-dir = $1/run"
		echo "hook-xml-module = $top_builddir/hooks/usbroute-hook-xml.so"
	} >"$T/hook.conf"
}

# hook_sim [CONF]: a fresh 8-series simulation in $sim, the hook's config
# pointing at it
hook_sim() {
	rm -rf "$T/sim"
	sim=$(mksim sim --chipset 8-series) && hook_conf "$sim" "$@"
}

# hook DOMAIN OP SUB < XML: the hook with no environment but its config
# (libvirt gives it almost none); its stderr in $T/err
hook() {
	env -i PATH=/usr/bin:/bin LC_ALL=C USBROUTE_CONFIG="$T/hook.conf" \
		"$HOOK" "$@" - 2>"$T/err"
}

