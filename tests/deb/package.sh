#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, built from a clean export of HEAD as a user would
# (dpkg-buildpackage -us -uc -b), checked by lintian, installed into a
# throwaway root (dpkg --root; the maintainer scripts run with DPKG_ROOT),
# run from the installed files, and purged without a trace.  Twice: into
# an empty hooks directory, and beside a hook that is not ours.
#
# Not part of `make check` (it builds the whole tree again and needs git
# and debhelper); tests/run-all.sh runs it, and it never skips.
. "$top_srcdir/tests/lib.sh"

arch=$(dpkg --print-architecture)
src="$T/src"
mkdir -p "$src"
if ! git -C "$top_srcdir" archive HEAD | tar -x -C "$src"; then
	fail "cannot export HEAD of $top_srcdir"; finish; exit 1
fi
version=$(sed -n '1s/^usbroute (\(.*\)).*/\1/p' "$src/debian/changelog")
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -30 "$T/build.log"
eq "dpkg-buildpackage -us -uc -b in a clean export of HEAD" "$rc" "0"
deb="$T/usbroute_${version}_$arch.deb"
if [ ! -f "$deb" ]; then
	fail "no $deb"; finish; exit 1
fi
lintian --fail-on error "$T/usbroute_${version}_$arch.changes" >"$T/lintian" 2>&1
rc=$?
eq "lintian reports no errors" "$rc" "0"
grep '^E:' "$T/lintian" || true

# What is in it.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$T/files"
for f in /usr/bin/usbroute /usr/sbin/usbrouted \
	/usr/libexec/usbroute/usbroute-hook \
	/usr/libexec/usbroute/usbroute-hook-xml.so \
	/usr/libexec/usbroute/usbroute-domain \
	/etc/usbroute/usbroute.conf \
	/usr/share/bash-completion/completions/usbroute \
	/usr/share/usbroute/xml-examples/usbroute.rng \
	/usr/share/man/man1/usbroute.1.gz /usr/share/man/man5/usbroute.conf.5.gz \
	/usr/share/man/man8/usbroute-hook.8.gz /usr/share/man/man8/usbrouted.8.gz \
	/usr/share/doc/usbroute/copyright; do
	check "ships $f" grep -qx "$f" "$T/files"
done
check "ships the unit" grep -qE '^(/usr)?/lib/systemd/system/usbrouted.service$' "$T/files"
check "ships the systemd-sleep hook" grep -qE '^(/usr)?/lib/systemd/system-sleep/usbroute-sleep$' "$T/files"
check "does not ship the hook link (postinst makes it)" \
	test -z "$(grep -E '^/etc/libvirt/hooks/qemu(\.d/usbroute)?$' "$T/files")"
eq "its conffile is usbroute.conf" "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" "/etc/usbroute/usbroute.conf"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libpci3 libxml2 libvirt0; do
	check "depends on $lib (the programs load it)" grep -q "\b$lib\b" <<<"$depends"
done
eq "recommends libvirt-daemon-system" "$(dpkg-deb -f "$deb" Recommends)" "libvirt-daemon-system"

# newroot DIR: an empty root with a dpkg database of its own, and the
# /var/lib/systemd every Debian system has (deb-systemd-helper keeps its
# state there and leaves the directory when it is done)
newroot() {
	mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" \
		"$1/var/lib/dpkg/triggers" "$1/var/lib/systemd"
	: >"$1/var/lib/dpkg/status"
	: >"$1/var/lib/dpkg/available"
}
# dpkgr DIR ARGS...: dpkg on that root only, logging to $T
dpkgr() {
	local root=$1; shift
	dpkg --root="$root" --log="$T/dpkg.log" --force-script-chrootless \
		--force-depends --force-not-root "$@"
}
# listing DIR: every file and directory but dpkg's own bookkeeping
listing() { (cd "$1" && find . ! -path './var/lib/dpkg*' | sort); }

front=/usr/libexec/usbroute/usbroute-hook
R="$T/root"
newroot "$R"
before=$(listing "$R")
dpkgr "$R" -i "$deb" >"$T/out" 2>&1
eq "installs into an empty root" "$?" "0"
eq "dpkg says it is installed" "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' usbroute)" "install ok installed"
eq "postinst links the hook as hooks/qemu" "$(readlink "$R/etc/libvirt/hooks/qemu")" "$front"
check "and says to restart libvirtd" grep -q "restart libvirtd" "$T/out"
check "the unit is not enabled" test -z "$(find "$R/etc/systemd" -name 'usbrouted*' 2>/dev/null)"
eq "usbroute --version, installed" "$("$R/usr/bin/usbroute" --version)" "usbroute $version"
export USBROUTE_CONFIG="$R/etc/usbroute/usbroute.conf"
"$R/usr/bin/usbroute" sim create "$T/sim" --chipset 8-series >"$T/out" 2>&1
eq "usbroute sim create, installed, with the installed config" "$?" "0"
"$R/usr/bin/usbroute" --sysfs-root "$T/sim" --state-dir "$T/sim/run" status >"$T/out" 2>&1
eq "usbroute status, installed" "$?" "0"
check "status shows the 8-series xHCI" grep -q "8c31" "$T/out"
sleephook=$(ls "$R"/lib/systemd/system-sleep/usbroute-sleep "$R"/usr/lib/systemd/system-sleep/usbroute-sleep 2>/dev/null | head -1)
check "the sleep hook is executable" test -x "$sleephook"
check "and calls the installed usbroute" grep -q "/usr/bin/usbroute" "$sleephook"
"$R/usr/libexec/usbroute/usbroute-hook" nodomain prepare begin - \
	<"$top_srcdir/xml-examples/no-metadata.xml" >"$T/out" 2>&1
eq "the installed hook lets a domain without metadata start" "$?" "0"
# A domain with metadata: the installed hook loads the installed XML
# reader (named by path: its default is the host's /usr/libexec).
printf 'sysfs-root = %s\nstate-dir = %s\nhook-xml-module = %s\n' "$T/sim" "$T/sim/run" \
	"$R/usr/libexec/usbroute/usbroute-hook-xml.so" >"$T/hook.conf"
sed 's|</uuid>|</uuid><metadata><usbroute xmlns="urn:usbroute:libvirt:domain:1" controllers="ehci2" ports="ehci2.1-6"/></metadata>|' \
	"$top_srcdir/xml-examples/no-metadata.xml" >"$T/meta.xml"
USBROUTE_CONFIG="$T/hook.conf" "$R/usr/libexec/usbroute/usbroute-hook" meta prepare begin - \
	<"$T/meta.xml" >"$T/out" 2>&1
eq "the installed hook claims a domain's ports with the installed XML reader" "$?" "0"
eq "setpci reads them routed to EHCI" "$(setpci -A linux-sysfs -O sysfs.path="$T/sim/bus/pci" -s 00:14.0 d0.l)" "000040ff"
USBROUTE_CONFIG="$T/hook.conf" "$R/usr/libexec/usbroute/usbroute-hook" meta release end - \
	<"$T/meta.xml" >"$T/out" 2>&1
eq "and gives them back" "$(setpci -A linux-sysfs -O sysfs.path="$T/sim/bus/pci" -s 00:14.0 d0.l)" "00007fff"
dpkgr "$R" --purge usbroute >"$T/out" 2>&1
eq "purges" "$?" "0"
eq "purge leaves nothing behind" "$(listing "$R")" "$before"

# Beside a hook that is not ours.
R="$T/root2"
newroot "$R"
mkdir -p "$R/etc/libvirt/hooks"
printf '#!/bin/sh\n# someone else'"'"'s hook\nexit 0\n' >"$R/etc/libvirt/hooks/qemu"
before=$(listing "$R")
dpkgr "$R" -i "$deb" >"$T/out" 2>&1
eq "installs beside a foreign hook" "$?" "0"
check "the foreign hook is untouched" grep -q "someone else" "$R/etc/libvirt/hooks/qemu"
eq "ours goes to qemu.d/usbroute" "$(readlink "$R/etc/libvirt/hooks/qemu.d/usbroute")" "$front"
check "and postinst says so" grep -q "installed the hook as /etc/libvirt/hooks/qemu.d/usbroute" "$T/out"
dpkgr "$R" -i "$deb" >"$T/out" 2>&1
eq "reinstalls" "$?" "0"
eq "still one hook of ours" "$(find "$R/etc/libvirt/hooks" -type l | wc -l)" "1"
dpkgr "$R" --purge usbroute >"$T/out" 2>&1
eq "purges" "$?" "0"
check "the foreign hook is still there" grep -q "someone else" "$R/etc/libvirt/hooks/qemu"
eq "purge leaves nothing else behind" "$(listing "$R")" "$before"
finish
