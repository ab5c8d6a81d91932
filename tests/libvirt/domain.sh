#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# usbroute domain NAME show|check|set|unset against a private libvirtd:
# what usbroute writes is what `virsh metadata` reads back, what virsh
# writes usbroute reads, check finds ports on controllers the domain does
# not hold, ports firmware locks and overlaps between domains, and a bad
# port word changes nothing.
#
# usage: top_builddir=BUILD bash tests/libvirt/domain.sh   (root; 77 = skip)

# shellcheck disable=SC2016 # the eval'd checks expand when they run
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
# shellcheck source=SCRIPTDIR/lv.sh
. "$top_srcdir/tests/libvirt/lv.sh"
lv_require
command -v python3 >/dev/null 2>&1 || lv_skip "python3 not found (parses --json)"

NS=urn:usbroute:libvirt:domain:1
# The private tree (libvirtd.log) stays when something failed.
trap 'lv_stop; rm -rf "$T"; [ "$nfail" -ne 0 ] || rm -rf "$LV_DIR"' EXIT

sim=$(mksim h --chipset 8-series) || { fail "sim create"; finish; exit 1; }
lv_init "$(lv_tmpdir domain)" || { fail "lv_init"; finish; exit 1; }
lv_start "$LV_DIR" || { fail "lv_start"; finish; exit 1; }

# dom ARGS...: usbroute domain on the simulation and the private libvirtd
dom() { ur "$sim" domain --connect "$LV_URI" "$@"; }
# meta NAME [FLAG]: our element as libvirt stores it, read by virsh
meta() { lv_virsh metadata "$1" "$NS" ${2:+"$2"} 2>&1; }
# xq NAME EXPR: evaluate EXPR (python, over `root`) on NAME's element
xq() {
	meta "$1" | python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
print(eval(sys.argv[1]))' "$2"
}
# jq EXPR: evaluate EXPR (python, over `j`) on the JSON in $T/out
jq() {
	python3 -c '
import json, sys
j = json.load(open(sys.argv[2]))
print(eval(sys.argv[1]))' "$1" "$T/out"
}
# run WANT_RC ARGS...: `dom ARGS` into $T/out and $T/err; passes if the
# exit status is WANT_RC and, when it is not 0, stderr is one line
run() {
	local want=$1 rc lines
	shift
	dom "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -ne "$want" ]; then
		fail "domain $*: exit $rc, want $want: $(cat "$T/out" "$T/err")"
	elif [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then
		fail "domain $*: $lines lines on stderr, want 1: $(cat "$T/err")"
	elif [ "$want" -eq 0 ] && [ "$lines" -ne 0 ]; then
		fail "domain $*: stderr not empty: $(cat "$T/err")"
	else
		pass "domain $* -> $rc"
	fi
}
has() { grep -qF -- "$1" "$T/$2"; }

ehci2="<hostdev mode='subsystem' type='pci' managed='no'>
  <source><address domain='0x0000' bus='0x00' slot='0x1a' function='0x0'/></source>
</hostdev>"
check "define d1 with a <hostdev> of EHCI #2 (00:1a.0) and a serial port for the toggle" \
	lv_define_domain d1 "$ehci2
$(lv_serial_unix_xml "$LV_DIR/d1.sock")"
check "libvirt kept the hostdev" eval 'lv_virsh dumpxml d1 | grep -q "slot=.0x1a"'
check "define d2 (no hostdev)" lv_define_domain d2
check "define d3 (hostdev of EHCI #2)" lv_define_domain d3 "$ehci2"

# --- nothing yet
run 0 d1 show
check "show: no metadata is said, with the way to add some" \
	has "d1 has no usbroute metadata; add some with 'usbroute domain d1 set --ports ...'" out
run 0 d1 show --json
eq "show --json: metadata null" "$(jq 'j["domain"], j["metadata"]')" "('d1', None)"

# --- set, read back by virsh
run 0 d1 set --ports ehci2.1-6
eq "virsh reads profile 'default' = ehci2.1-6, default=yes" \
	"$(xq d1 '[(p.get("name"), p.get("ports"), p.get("default")) for p in root.iter() if p.tag.endswith("profile")]')" \
	"[('default', 'ehci2.1-6', 'yes')]"
run 0 d1 set --profile kbd --ports ehci2.1
run 0 d1 set --toggle serial0
eq "virsh reads two profiles, one default, and the toggle" \
	"$(xq d1 '[(p.tag.split("}")[-1], p.get("name") or p.get("device"), p.get("default")) for p in root]')" \
	"[('profile', 'default', 'yes'), ('profile', 'kbd', None), ('toggle', 'serial0', None)]"
run 0 d1 set --profile kbd --ports 'ehci2.1 ehci2.2'
eq "replacing kbd's ports keeps it non-default" \
	"$(xq d1 '[(p.get("ports"), p.get("default")) for p in root if p.get("name") == "kbd"]')" \
	"[('ehci2.1 ehci2.2', None)]"

# --- show
run 0 d1 show
check "show: controllers from the hostdev" has "controllers: ehci2 (<hostdev> 0000:00:1a.0)" out
check "show: default profile marked" has "* default: ehci2.1-6" out
check "show: default resolved on this host" has "= ehci2.1-6 (bits 0x3f00)" out
check "show: second profile" has "  kbd: ehci2.1 ehci2.2" out
check "show: toggle device" has "toggle device: serial0" out
run 0 d1 show --json
eq "show --json: profiles" \
	"$(jq '[(p["name"], p["default"], p["resolved"], p["mask"]) for p in j["metadata"]["profiles"]]')" \
	"[('default', True, 'ehci2.1-6', '0x3f00'), ('kbd', False, 'ehci2.1-2', '0x0300')]"
eq "show --json: default, toggle, controllers, chipset" \
	"$(jq 'j["metadata"]["default"], j["metadata"]["toggle"], j["metadata"]["controllers"], j["host"]["chipset"]')" \
	"('default', 'serial0', ['ehci2'], '8-series')"
# Without a chipset the words are still shown, with the reason.
"$USBROUTE" --sysfs-root "$T/nowhere" domain -c "$LV_URI" d1 show >"$T/out" 2>"$T/err"
eq "show without a chipset: exit 0" "$?" 0
check "show without a chipset: words and why" \
	eval 'has "* default: ehci2.1-6" out && grep -q "ports not resolved on this host: " "$T/out"'

# --- check
run 0 d1 check
check "check: ok with a summary" has "d1: ok (default profile 'default': ehci2.1-6; 2 profiles; holds ehci2; toggle serial0; on 8-series)" out

run 0 d1 set --profile far --ports ehci1.1-2
run 1 d1 check
check "check: a port on a controller not held" \
	has "d1: profile 'far': ehci1.1-2 can be routed only to EHCI #1 (0000:00:1d.0) or the xHCI, and d1 holds neither" out
check "check: one summary line on stderr" has "usbroute: d1: 1 problem found" err
run 0 d1 unset --profile far
run 0 d1 check

# a port firmware locks (USB2PRM bit 13 = ehci2.6 cleared)
prm=$(reg "$sim" d4)
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 \
	d4.l="$(printf '%08x' $((0x$prm & ~(1 << 13))))"
run 1 d1 check
check "check: a port that is not switchable" \
	eval 'grep -q "^d1: profile .default.: port ehci2.6 .*not " "$T/out"'
before=$(meta d1)
run 1 d1 set --profile more --ports ehci2.6
check "set: a locked port is refused" has "ehci2.6" err
eq "set: refused, metadata unchanged" "$(meta d1)" "$before"
"$SETPCI" -A linux-sysfs -O sysfs.path="$sim/bus/pci" -s 00:14.0 d4.l="$prm"
run 0 d1 check

# overlap with another domain's default profile
run 0 d2 set --ports ehci2.5-6 --controllers ehci2
eq "virsh reads controllers= on d2" "$(xq d2 'root.get("controllers")')" "ehci2"
run 1 d1 check
check "check d1: names d2 and the shared ports" \
	has "d1: default profile 'default' shares ehci2.5-6 with the default profile 'default' of domain 'd2'" out
run 1 d2 check
check "check d2: names d1" has "of domain 'd1'" out
run 0 d2 set --ports ehci1.1-2 --controllers ehci1
run 0 d1 check
run 0 d2 check

# --- the toggle device: there, and a unix socket QEMU binds
run 0 d2 set --toggle serial0
run 1 d2 check
check "check: a toggle device the domain does not have" \
	has "d2: no serial, console or channel device with alias 'serial0' in the defined domain; the guest's toggle needs e.g. <serial type='unix'><source mode='bind' path='/run/usbroute/d2.sock'/></serial>" out
run 0 d2 set --no-toggle
run 0 d2 check
check "define d4 with a pty serial port" lv_define_domain d4 "<serial type='pty'/>"
run 0 d4 set --ports ehci1.3 --controllers ehci1 --toggle serial0
run 1 d4 check
check "check: a toggle device that is no unix socket" \
	has "d4: toggle device serial0 is type='pty'; it must be type='unix'" out
run 0 d4 set --toggle ua-toggle
run 1 d4 check
check "check: a user alias that is not there" has "alias 'ua-toggle' in the defined domain" out
# running: the live XML and the aliases libvirt gave
check "start d4" lv_virsh start d4
run 1 d4 check
check "check of a running domain: its live devices" \
	has "d4: no serial, console or channel device with alias 'ua-toggle' in the running domain" out
run 0 d4 set --live --toggle serial0
run 1 d4 check
check "check of a running domain: serial0 as libvirt named it, a pty" has "d4: toggle device serial0 is type='pty'" out
lv_virsh destroy d4 >/dev/null
check "define d5 with a unix serial port" lv_define_domain d5 "$(lv_serial_unix_xml "$LV_DIR/d5.sock")"
run 0 d5 set --ports ehci1.4 --controllers ehci1 --toggle serial0
run 0 d5 check
check "start d5" lv_virsh start d5
run 0 d5 check
check "check of a running domain with a good toggle device" has "d5: ok (" out
lv_virsh destroy d5 >/dev/null
check "undefine d4 and d5" eval 'lv_virsh undefine d4 >/dev/null && lv_virsh undefine d5 >/dev/null'

# --- a bad port word changes nothing
before=$(meta d1)
run 1 d1 set --ports ehci3.1
check "set: bad word, the parser's message" has "unknown port 'ehci3.1'" err
eq "set: bad word, metadata unchanged" "$(meta d1)" "$before"
run 1 d1 set --profile kbd --ports 'ehci2.1 ehci2.7'
eq "set: bad word in a second word, metadata unchanged" "$(meta d1)" "$before"

# --- errors and usage
run 1 nosuch show
check "unknown domain" has "no domain 'nosuch' on $LV_URI; see 'virsh list --all'" err
run 2 d1 frob
run 2 d1 set
run 2 d1 set --ports ehci2.1 --controllers bogus
run 2 d1 check --ports ehci2.1
run 2 show d1
run 1 d1 set --profile nosuch --default
run 1 d1 set --no-default
check "the default profile cannot lose its flag" has "is the default" err
run 1 d1 show --live
check "--live on a domain that is not running: libvirt's reason, one line" has "not running" err
"$USBROUTE" domain -c "unix:///nonexistent" d1 show >"$T/out" 2>"$T/err"
eq "cannot connect: exit 1" "$?" 1
eq "cannot connect: one line" "$(wc -l <"$T/err")" 1
dom help >"$T/out"
check "domain help lists subcommands" eval 'has "unset [--profile NAME]" out && has "--persistent" out'

# --- the URI from usbroute.conf
printf 'libvirt-uri = %s\n' "$LV_URI" >"$T/lv.conf"
USBROUTE_CONFIG="$T/lv.conf" "$USBROUTE" --sysfs-root "$sim" domain d1 show >"$T/out" 2>"$T/err"
check "libvirt-uri from the config file" has "* default: ehci2.1-6" out

# --- the same with plain virsh: usbroute reads what virsh wrote
check "virsh metadata --set" lv_virsh metadata d3 --uri "$NS" --key usbroute \
	--set '<usbroute><profile name="desk" ports="ehci2.1-6" default="yes"/></usbroute>'
run 0 d3 show
check "show reads virsh's element" has "* desk: ehci2.1-6" out
run 1 d3 check
check "check d3: overlaps d1" has "shares ehci2.1-6 with the default profile 'default' of domain 'd1'" out
run 0 d3 unset
check "unset removed the element" eval '! lv_virsh metadata d3 "$NS" >/dev/null 2>&1'

# a malformed element (two defaults) written by virsh: reported, removable
lv_virsh metadata d3 --uri "$NS" --key usbroute --set \
	'<usbroute><profile name="a" ports="ehci2.1" default="yes"/><profile name="b" ports="ehci2.2" default="yes"/></usbroute>'
run 1 d3 show
check "show: malformed element, the parser's message" has "two profiles are marked default" err
run 1 d3 check
run 1 d3 set --profile c --ports ehci2.3
run 0 d3 unset
run 0 d3 show
check "after unset: no metadata" has "d3 has no usbroute metadata" out

# --- live and persistent elements are separate
check "start d2" lv_virsh start d2
run 0 d2 set --live --profile game --ports ehci1.1
eq "--live: the running domain has the profile" \
	"$(xq d2 '[p.get("name") for p in root]' )" "['default', 'game']"
eq "--live: the config does not" \
	"$(meta d2 --config | python3 -c 'import sys, xml.etree.ElementTree as ET; print([p.get("name") for p in ET.fromstring(sys.stdin.read())])')" \
	"['default']"
run 0 d2 show --persistent --json
eq "show --persistent reads the config" "$(jq '[p["name"] for p in j["metadata"]["profiles"]]')" "['default']"
run 0 d2 set --live --persistent --profile both --ports ehci1.2
eq "--live --persistent: both changed" \
	"$(xq d2 '[p.get("name") for p in root]' ) $(meta d2 --config | python3 -c 'import sys, xml.etree.ElementTree as ET; print([p.get("name") for p in ET.fromstring(sys.stdin.read())])')" \
	"['default', 'game', 'both'] ['default', 'both']"
lv_virsh destroy d2 >/dev/null

# --- devices: written as devices= and required=, read back by show
run 0 d1 set --profile mine --devices '046d:c52b 04d9:0169/KB1' --required
eq "set --devices: libvirt keeps devices= and required=" \
	"$(xq d1 '[(p.get("devices"), p.get("required"), p.get("ports")) for p in root if p.get("name") == "mine"]')" \
	"[('046d:c52b 04d9:0169/KB1', 'yes', None)]"
run 0 d1 show --json
eq "show --json: the devices and required" \
	"$(jq '[(p["devices"], p["required"], p["resolved"]) for p in j["metadata"]["profiles"] if p["name"] == "mine"]')" \
	"[('046d:c52b 04d9:0169/KB1', True, 'none')]"
# check looks for them as the hook will at the next start
run 1 d1 check
check "check: a required device not plugged in" \
	has "d1: profile 'mine': profile mine requires device 046d:c52b, which is not plugged in; plug it in, or drop required=\"yes\"" out
"$USBROUTE" sim plug "$sim" ehci1.3 046d:c52b "USB Receiver" >/dev/null
"$USBROUTE" sim plug "$sim" ehci1.4 04d9:0169 "Keyboard" --serial KB1 >/dev/null
run 1 d1 check
check "check: a device on a port of a controller d1 does not hold" \
	has "d1: profile 'mine': device 046d:c52b is on port ehci1.3, but d1 holds neither EHCI #1 nor the xHCI; plug it into a port of a controller it holds" out
"$USBROUTE" sim unplug "$sim" ehci1.3
"$USBROUTE" sim unplug "$sim" ehci1.4
"$USBROUTE" sim plug "$sim" ehci2.3 046d:c52b "USB Receiver" >/dev/null
"$USBROUTE" sim plug "$sim" ehci2.4 04d9:0169 "Keyboard" --serial KB1 --behind-hub >/dev/null
run 0 d1 check
"$USBROUTE" sim unplug "$sim" ehci2.3
"$USBROUTE" sim unplug "$sim" ehci2.4
run 1 d1 set --profile mine --devices 'logitech'
check "a bad device word: one line saying what a device is" has "is not VENDOR:PRODUCT in hex" err
run 0 d1 unset --profile mine

# --- unset of profiles
run 0 d1 unset --profile kbd
eq "unset --profile: the other stays" "$(xq d1 '[p.get("name") for p in root if p.tag.endswith("profile")]')" "['default']"
run 1 d1 unset --profile kbd
check "unset of a missing profile names the ones there" has "has no profile 'kbd' (it has default)" err
run 0 d1 unset
run 0 d1 show
check "d1 has no metadata at the end" has "d1 has no usbroute metadata" out

finish
