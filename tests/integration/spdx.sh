#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every source file says its licence in an SPDX line near its top, so a
# file added later without one fails here.  Source: what git tracks (or,
# in a release tarball, what it ships minus what autotools generated) with
# a source extension or a #! line, and the few scripts without either.
. "$top_srcdir/tests/lib.sh"

spdx="SPDX-License-Identifier: GPL-2.0-or-later"
cd "$top_srcdir" || exit 99

if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$PWD" ]; then
	git ls-files >"$T/all"
else
	# What configure made is no source: in the tree (a build beside
	# the sources) and in build directories below it (distcheck's
	# _build/sub), each known by its config.status.
	find . -type f ! -path './autom4te.cache/*' ! -path './build-aux/*' \
		! -path './m4/*' \
		! -name configure ! -name aclocal.m4 ! -name Makefile.in \
		! -name config.h.in ! -name config.h ! -name config.status \
		! -name config.log | sed 's|^\./||' >"$T/found"
	find . -mindepth 2 -name config.status | sed 's|^\./||; s|/config.status$|/|' >"$T/builds"
	if [ -s "$T/builds" ]; then
		grep -vF -f "$T/builds" "$T/found" >"$T/all" || true
	else
		cp "$T/found" "$T/all"
	fi
fi

is_source() {
	case $1 in
	tests/data/* | tests/fuzz/corpus/*) return 1 ;;
	*.c | *.h | *.S | *.sh | *.py | *.in | *.am | *.ac | *.m4 | *.rng) return 0 ;;
	man/*.[1-8]) return 0 ;;
	completion/* | etc/* | debian/rules | debian/*.postinst | debian/*.prerm | \
	debian/*.postrm | debian/*.preinst) return 0 ;;
	esac
	head -c 2 "$1" 2>/dev/null | grep -q '^#!'
}

n=0
while IFS= read -r f; do
	[ -f "$f" ] && is_source "$f" || continue
	n=$((n + 1))
	head -n 5 "$f" | grep -qF "$spdx" || fail "$f has no '$spdx' in its first lines"
done <"$T/all"
check "it looked at the sources ($n files)" test "$n" -gt 100
check "among them the library" grep -qx "src/lib/chipset.c" "$T/all"
check "LICENSE is the GPL, version 2" grep -q "GNU GENERAL PUBLIC LICENSE" LICENSE
[ "$nfail" -eq 0 ] && pass "every source file has an SPDX line"
finish
