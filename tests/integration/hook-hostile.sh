#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hook against hostile domain XML and names (issue 7): a domain is
# known by one identity on every path, an identity is never cut, names
# reach stderr escaped and on one line, and absurd XML is refused before
# libxml2 spends minutes on it.  Each check failed on the code before.
. "$top_srcdir/tests/lib.sh"

EX="$top_srcdir/xml-examples"
UA=6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a01
UB=11111111-2222-3333-4444-555555555555

fresh() { hook_sim "$EX/usbroute.conf.example"; }

# B's XML names A's UUID in a comment before its own: B's release must
# not free A's ports (release used the first literal <uuid> in the text).
fresh
hook a prepare begin <"$EX/ehci2-by-name.xml"
eq "A claims ehci2.1-4" "$?:$(reg "$sim" d0)" "0:000070ff"
{
	echo "<!-- <uuid>$UA</uuid> -->"
	sed "s/$UA/$UB/; s/guest-desk/b/; s/ports=\"[^\"]*\"/ports=\"ehci2.5-6\"/" \
		"$EX/ehci2-by-name.xml"
} >"$T/b.xml"
hook b prepare begin <"$T/b.xml"
eq "B claims ehci2.5-6" "$?:$(reg "$sim" d0)" "0:000040ff"
hook b release end <"$T/b.xml"
eq "B's release frees B's ports only" "$?:$(reg "$sim" d0)" "0:000070ff"
check "A still owns its ports" grep -q "^owner $UA " "$sim/run/owners"
check "B is gone from the table" sh -c "! grep -q '$UB' '$sim/run/owners'"
# the same through a CDATA section and inside our own metadata
sed "s|<metadata>|<metadata><x:n xmlns:x='urn:x'><![CDATA[<uuid>$UA</uuid>]]></x:n>|" \
	"$T/b.xml" >"$T/b2.xml"
hook b prepare begin <"$T/b2.xml"
hook b release end <"$T/b2.xml"
eq "CDATA naming A: B's release frees B's ports only" "$(reg "$sim" d0)" "000070ff"

# No <uuid>: the identity is the whole name; names longer than an owner id
# are refused, not cut to one shared prefix.
fresh
long=$(printf 'n%.0s' $(seq 1 70))
sed '/<uuid>/d' "$EX/ehci2-by-name.xml" >"$T/nouuid.xml"
before=$(snapshot "$sim")
hook "${long}-one" prepare begin <"$T/nouuid.xml"
eq "no <uuid>, 73-byte name: refused" "$?" "1"
eq "... with one line" "$(wc -l <"$T/err")" "1"
check "... saying why ($(cat "$T/err"))" grep -q "give it a <uuid>" "$T/err"
eq "... nothing changed" "$(snapshot "$sim")" "$before"
hook short prepare begin <"$T/nouuid.xml"
eq "no <uuid>, short name: claims under its name" "$?" "0"
check "... the owner id is the name" grep -q "^owner short " "$sim/run/owners"
hook short release end <"$T/nouuid.xml"
eq "... and its release gives the ports back" "$(reg "$sim" d0)" "00007fff"

# A name with an escape sequence and a newline: one line, escaped.
fresh
esc=$(printf 'evil\033]0;owned\007\nusbroute: all is well')
sed 's/ports="[^"]*"/ports="ehci9.1"/' "$EX/ehci2-by-name.xml" >"$T/badport.xml"
hook "$esc" prepare begin <"$T/badport.xml"
eq "refusal naming a hostile name: exit 1" "$?" "1"
eq "... one line" "$(wc -l <"$T/err")" "1"
check "... no control characters ($(cat -v "$T/err"))" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/err'"
check "... the name escaped" grep -qF 'evil\x1b]0;owned\x07\x0ausbroute' "$T/err"
"$USBROUTE" --sysfs-root "$sim" --state-dir "$sim/run" claim "$esc" ehci2.1 \
	--controllers ehci2 >/dev/null 2>&1
ur "$sim" status >"$T/status" 2>&1
check "status shows an argv name escaped" sh -c "! LC_ALL=C grep -q \$'\\033' '$T/status'"

# 40,000 attributes on <devices>: refused at once, not after 15 s of
# libxml2's quadratic duplicate check while libvirt waits.
fresh
{
	sed -n '1,/<devices>/p' "$EX/ehci2-by-name.xml" | sed '$d'
	printf '  <devices'
	seq 1 40000 | sed 's/.*/ a&="1"/' | tr -d '\n'
	printf '>\n'
	sed -n '/<devices>/,$p' "$EX/ehci2-by-name.xml" | sed '1d'
} >"$T/attrs.xml"
before=$(snapshot "$sim")
start=$(date +%s%N)
hook a prepare begin <"$T/attrs.xml"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
eq "40,000 attributes: refused" "$rc" "1"
eq "... one line" "$(wc -l <"$T/err")" "1"
check "... saying why ($(cat "$T/err"))" grep -q "more than 1000 attributes" "$T/err"
check "... within 2 s (took $ms ms)" test "$ms" -lt 2000
eq "... nothing changed" "$(snapshot "$sim")" "$before"
finish
