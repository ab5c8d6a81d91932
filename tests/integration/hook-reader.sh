#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hook loads its XML reader (usbroute-hook-xml.so: libxml2 and ICU)
# only for a domain with our metadata, never for another domain or for a
# release; a reader that is missing or from another build refuses the
# start with one line and changes nothing, and a release still works
# without one.  Which libraries a run loads is read from ld.so itself
# (LD_DEBUG=libs).
. "$top_srcdir/tests/lib.sh"

EX="$top_srcdir/xml-examples"
XML="$EX/ehci2-by-name.xml"
READER="$top_builddir/hooks/usbroute-hook-xml.so"

# loads DOMAIN OP SUB < XML: the shared objects the hook's run opened
loads() {
	env -i PATH=/usr/bin:/bin LC_ALL=C LD_DEBUG=libs \
		USBROUTE_CONFIG="$T/hook.conf" "$HOOK" "$@" - 2>&1 >/dev/null |
		sed -n 's/.*calling init: //p'
}
# with_reader PATH: the hook's config names PATH as its reader
with_reader() {
	sed -i "s|^hook-xml-module = .*|hook-xml-module = $1|" "$T/hook.conf"
}

hook_sim "$EX/usbroute.conf.example"
check "the reader is built" test -f "$READER"
loads plain prepare begin <"$EX/no-metadata.xml" >"$T/libs"
check "a domain without metadata: no reader loaded ($(tr '\n' ' ' <"$T/libs"))" \
	sh -c "! grep -q 'libxml2\|usbroute-hook-xml' '$T/libs'"
loads ex prepare begin <"$XML" >"$T/libs"
check "a domain with metadata: the reader is loaded" grep -q "usbroute-hook-xml.so" "$T/libs"
check "... and libxml2 with it" grep -q "libxml2" "$T/libs"
eq "... and its ports are claimed" "$(reg "$sim" d0)" "000070ff"
loads ex release end <"$XML" >"$T/libs"
check "release: no reader loaded" sh -c "! grep -q 'libxml2\|usbroute-hook-xml' '$T/libs'"
eq "... and the ports are back" "$(reg "$sim" d0)" "00007fff"

# A missing reader: the start is refused, nothing written.
with_reader "$T/nowhere/usbroute-hook-xml.so"
before=$(snapshot "$sim")
hook ex prepare begin <"$XML"
eq "missing reader: prepare refused" "$?" "1"
eq "... with one line" "$(wc -l <"$T/err")" "1"
check "... saying what to do ($(cat "$T/err"))" \
	grep -q "cannot start ex: cannot load the metadata reader: .*nowhere.*; reinstall usbroute" "$T/err"
eq "... nothing changed" "$(snapshot "$sim")" "$before"
hook plain prepare begin <"$EX/no-metadata.xml"
eq "missing reader: a domain without metadata still starts" "$?" "0"

# A shared object that is not this build's reader.
with_reader "$(ldconfig -p | sed -n 's/.*libz\.so\.1 (libc6,x86-64) => //p' | head -1)"
hook ex prepare begin <"$XML"
eq "foreign reader: prepare refused" "$?" "1"
check "... as not this usbroute's ($(cat "$T/err"))" \
	grep -q "is not this usbroute's metadata reader; reinstall usbroute" "$T/err"
eq "... nothing changed" "$(snapshot "$sim")" "$before"

# A release needs no reader: ports claimed with one come back without.
with_reader "$READER"
hook ex prepare begin <"$XML"
eq "claimed again" "$(reg "$sim" d0)" "000070ff"
with_reader "$T/nowhere/usbroute-hook-xml.so"
hook ex release end <"$XML"
eq "missing reader: release still gives the ports back" "$?:$(reg "$sim" d0)" "0:00007fff"
finish
