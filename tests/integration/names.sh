#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Names say where they live: every function and object a library module
# exports carries its file's name as prefix (src/lib/state.c exports
# ur_state_*), read from the built archive with nm.  ur_errf is err.c's
# one exception, named like printf; sanopts.c holds the sanitizers'
# option hooks, whose names the sanitizers choose.  And README's source
# layout names every module and program file there is.
. "$top_srcdir/tests/lib.sh"

LIB="$top_builddir/src/lib/libusbroute.a"
check "the library is built" test -f "$LIB"
nm -g --defined-only "$LIB" >"$T/nm" 2>/dev/null
check "nm reads it" test -s "$T/nm"

n=0
for c in "$top_srcdir"/src/lib/*.c; do
	m=$(basename "$c" .c)
	[ "$m" = sanopts ] && continue
	n=$((n + 1))
	# the member's defined globals: "ADDR T NAME" lines after its header
	awk -v obj="libusbroute_a-$m.o:" '
		/:$/ { in_obj = ($0 == obj); next }
		in_obj && NF == 3 { print $3 }' "$T/nm" >"$T/syms"
	if [ ! -s "$T/syms" ]; then
		fail "$m.c: no exported names found in the archive"
		continue
	fi
	bad=$(grep -vE "^ur_${m}(_|\$)" "$T/syms" | grep -vx 'ur_errf' | tr '\n' ' ')
	eq "$m.c exports only ur_${m}_* ($(wc -l <"$T/syms") names)" "$bad" ""
done
check "every module was looked at ($n)" test "$n" -gt 30

# README: the list after "Source layout:", up to the blank line after it
awk '/^Source layout:/ { on = 1; next } on && /^$/ { if (n) exit; next }
	on { n++; print }' \
	"$top_srcdir/README.md" >"$T/layout"
check "README has a source layout" test -s "$T/layout"
for c in "$top_srcdir"/src/lib/*.c; do
	m=$(basename "$c" .c)
	check "README's layout names src/lib's $m" grep -qF "\`$m\`" "$T/layout"
done
for c in "$top_srcdir"/src/usbroute/*.c "$top_srcdir"/src/daemon/*.c "$top_srcdir"/hooks/*.c; do
	f=$(basename "$c")
	case $f in
	cmd-*.c) family='`cmd-*.c`' ;;
	domain-*.c) family='`domain-*.c`' ;;
	*) family="\`$f\`" ;;
	esac
	check "README's layout names $f" grep -qF -e "\`$f\`" -e "$family" "$T/layout"
done
finish
