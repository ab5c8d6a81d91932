#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks the usbroute element of every example against usbroute.rng: the
# good examples must validate, the bad ones must not -- except those whose
# fault RELAX NG cannot express (listed in C_ONLY), which only the C
# parser refuses (tests/unit/test-meta checks that).
#
# usage: validate.sh [-v]     XMLLINT=... overrides the xmllint used

set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
xmllint=${XMLLINT:-xmllint}
verbose=0
[ "${1:-}" = -v ] && verbose=1

NS=urn:usbroute:libvirt:domain:1
XPATH="//*[local-name()='usbroute' and namespace-uri()='$NS']"
C_ONLY="two-defaults no-default duplicate-name doctype-entity malformed"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fails=0

say() {
	printf '%s\n' "$*"
}

# 0: the element validates; 1: it does not (or cannot be extracted).
check() {
	"$xmllint" --nonet --xpath "$XPATH" "$1" >"$tmp/el.xml" \
	    2>"$tmp/err" || return 1
	"$xmllint" --noout --nonet --relaxng "$here/usbroute.rng" \
	    "$tmp/el.xml" >"$tmp/err" 2>&1
}

for f in "$here"/*.xml; do
	name=$(basename "$f")
	if ! grep -q "$NS" "$f"; then
		say "skip  $name (no usbroute element)"
		continue
	fi
	if check "$f"; then
		say "ok    $name"
	else
		say "FAIL  $name should validate:"
		sed 's/^/      /' "$tmp/err"
		fails=$((fails + 1))
	fi
done

for f in "$here"/bad/*.xml; do
	name=bad/$(basename "$f")
	base=$(basename "$f" .xml)
	case " $C_ONLY " in
	*" $base "*)
		say "skip  $name (refused by the C parser, not the schema)"
		continue ;;
	esac
	if check "$f"; then
		say "FAIL  $name validates but should not"
		fails=$((fails + 1))
	else
		say "ok    $name refused"
		[ $verbose = 1 ] && sed 's/^/      /' "$tmp/err"
	fi
done

if [ $fails -ne 0 ]; then
	say "$fails example(s) wrong"
	exit 1
fi
exit 0
