#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every example in xml-examples/: its element validates against the
# schema, and the hook, fed the whole domain XML as libvirt feeds it,
# routes what it says on a simulated chipset (checked with setpci) and
# gives it back on release; every bad example is refused with one line
# and changes nothing.
. "$top_srcdir/tests/lib.sh"

EX="$top_srcdir/xml-examples"

if [ -n "${XMLLINT:-}" ] && [ -x "$XMLLINT" ]; then
	check "every example validates against usbroute.rng (xmllint)" \
		env XMLLINT="$XMLLINT" sh "$EX/validate.sh" >/dev/null
else
	echo "SKIP: xmllint not found (install libxml2-utils): schema not checked" >&2
	fail "schema check needs xmllint"
fi

# A fresh simulation and a config that points the hook at it.
fresh() { hook_sim "$EX/usbroute.conf.example"; }

# example: XUSB2PR after prepare (8-series, all 15 bits switchable)
while read -r file want; do
	fresh
	hook ex prepare begin <"$EX/$file"
	eq "$file: prepare exits 0" "$?" "0"
	eq "$file: XUSB2PR after prepare" "$(reg "$sim" d0)" "$want"
	hook ex started begin <"$EX/$file"
	eq "$file: started changes nothing" "$(reg "$sim" d0)" "$want"
	hook ex release end <"$EX/$file"
	eq "$file: release puts the ports back" "$(reg "$sim" d0)" "00007fff"
	check "$file: release leaves no owner" sh -c "! grep -q '^owner' '$sim/run/owners'"
done <<'LIST'
ehci2-by-name.xml 000070ff
both-ehci.xml 00004000
xhci-passthrough.xml 0000000f
profiles-toggle-serial.xml 000040ff
virtio-serial.xml 000040ff
short-form.xml 000040ff
controllers-attr.xml 000040ff
prefixed-children.xml 000040ff
unprefixed-children.xml 000040ff
LIST

fresh
hook plain prepare begin <"$EX/no-metadata.xml"
eq "no metadata: exit 0" "$?" "0"
check "no metadata: no state written" test ! -e "$sim/run/owners"
eq "no metadata: register untouched" "$(reg "$sim" d0)" "00007fff"

# Bad metadata: refused, one line naming the domain, nothing changed.
for f in "$EX"/bad/*.xml; do
	fresh
	before=$(snapshot "$sim")
	hook baddom prepare begin <"$f"
	rc=$?
	eq "bad/$(basename "$f"): refused" "$rc" "1"
	eq "bad/$(basename "$f"): one line" "$(wc -l <"$T/err")" "1"
	check "bad/$(basename "$f"): says why ($(cat "$T/err"))" grep -q "^usbroute: cannot start baddom: " "$T/err"
	eq "bad/$(basename "$f"): nothing changed" "$(snapshot "$sim")" "$before"
done

# Two domains, one port: the second is refused, naming the first.
fresh
hook first prepare begin <"$EX/ehci2-by-name.xml"
sed 's/6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a01/11111111-2222-3333-4444-555555555555/; s/guest-desk/second/' \
	"$EX/short-form.xml" >"$T/second.xml"
before=$(snapshot "$sim")
hook second prepare begin <"$T/second.xml"
eq "overlap: second refused" "$?" "1"
check "overlap: names the holder ($(cat "$T/err"))" grep -q "held by guest-desk" "$T/err"
eq "overlap: nothing changed" "$(snapshot "$sim")" "$before"
# release of the refused one must not free the first one's ports
hook second release end <"$T/second.xml"
eq "release of a domain that never claimed: exit 0" "$?" "0"
eq "... and the first keeps its ports" "$(snapshot "$sim")" "$before"
hook first release end <"$EX/ehci2-by-name.xml"

# migrate is refused for a domain with ports; restore prints nothing
fresh
hook ex migrate begin <"$EX/ehci2-by-name.xml"
eq "migrate refused" "$?" "1"
check "migrate says why" grep -q "cannot migrate ex: it owns physical USB ports" "$T/err"
out=$(hook ex restore begin <"$EX/ehci2-by-name.xml")
eq "restore: exit 0, XML unchanged (nothing printed)" "$?:$out" "0:"
hook plain migrate begin <"$EX/no-metadata.xml"
eq "migrate of a domain without metadata: allowed" "$?" "0"

# reconnect repairs drift and re-claims a domain missing from the table
fresh
hook ex prepare begin <"$EX/short-form.xml"
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x7fff
hook ex reconnect begin <"$EX/short-form.xml"
eq "reconnect repairs drifted routing" "$(reg "$sim" d0)" "000040ff"
rm "$sim/run/owners"
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d0.l=0x7fff
hook ex reconnect begin <"$EX/short-form.xml"
eq "reconnect re-claims a running domain the table lost" "$(reg "$sim" d0)" "000040ff"

# metadata removed while the domain ran: release still frees its ports
hook ex release end <"$EX/no-metadata.xml"
eq "no metadata at release, but the UUID was not the owner: kept" "$(reg "$sim" d0)" "000040ff"
sed 's/<uuid>[^<]*</<uuid>6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a06</' "$EX/no-metadata.xml" >"$T/gone.xml"
grep -q 6f1e6a3c-2b1d-4c5e-9a7f-0d4b8e2c1a06 "$EX/short-form.xml" ||
	sed -i "s/<uuid>[^<]*</<uuid>$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' "$EX/short-form.xml")</" "$T/gone.xml"
hook ex release end <"$T/gone.xml"
eq "metadata gone at release: the domain's ports still go back" "$(reg "$sim" d0)" "00007fff"

# the hook never runs without arguments, and ignores other operations
"$HOOK" </dev/null 2>/dev/null
eq "no arguments: usage, exit 2" "$?" "2"
fresh
hook ex stopped end <"$EX/ehci2-by-name.xml"
eq "stopped: exit 0, nothing done" "$?:$(reg "$sim" d0)" "0:00007fff"
finish
