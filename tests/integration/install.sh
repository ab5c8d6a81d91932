#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install: all of it or none of it; the hook where libvirt looks for
# it (a symlink to the one copy in libexec, or a copy), never over a hook
# that is not ours; the config, schema, examples, unit, sleep hook and
# completion.
. "$top_srcdir/tests/lib.sh"

# mk ARGS...: a make of its own in the build tree.  Not a part of the make
# running this test: without the MAKEFLAGS it passes down (-j's jobserver,
# -w, no -s), whose "Entering directory" lines would mix into the output
# (under a plain 'make check', 8 of 12 checks failed so).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -s --no-print-directory -C "$top_builddir" "$@"
}
var() { mk print-installdirs | sed -n "s|^$1=||p"; }

hookdir=$(var hookdir)
[ -n "$hookdir" ] || { fail "cannot ask make for hookdir"; finish; exit 1; }
pkglibexecdir=$(var pkglibexecdir) pkgdatadir=$(var pkgdatadir)
sysconfdir=$(var sysconfdir) bindir=$(var bindir)
unitdir=$(var systemdunitdir) compdir=$(var bashcompletiondir)
sleepdir=$(var systemdsleepdir)

eq "the hooks dir does not follow sysconfdir" \
	"$(mk print-installdirs sysconfdir=/opt/elsewhere/etc | sed -n 's|^hookdir=||p')" "$hookdir"
sim=$(mksim s --chipset 8-series)
ur "$sim" doctor >"$T/out"
check "doctor looks in libvirt's hooks dir ($hookdir)" grep -qF " in $hookdir" "$T/out"

root="$T/root"
mk install DESTDIR="$root" >"$T/out" 2>&1
eq "make install succeeds" "$?" "0"
check "the hook hooks/qemu is a symlink" test -L "$root$hookdir/qemu"
eq "to the front in libexec" "$(readlink "$root$hookdir/qemu")" "$pkglibexecdir/usbroute-hook"
check "which is the hook" cmp -s "$root$pkglibexecdir/usbroute-hook" "$top_builddir/hooks/usbroute-hook"
check "with its XML reader beside it" cmp -s "$root$pkglibexecdir/usbroute-hook-xml.so" "$top_builddir/hooks/usbroute-hook-xml.so"
check "a commented usbroute.conf" cmp -s "$root$sysconfdir/usbroute/usbroute.conf" "$top_srcdir/etc/usbroute.conf"
eq "every line of it a comment" "$(grep -vc '^#' "$root$sysconfdir/usbroute/usbroute.conf")" "0"
check "the Relax-NG schema" cmp -s "$root$pkgdatadir/xml-examples/usbroute.rng" "$top_srcdir/xml-examples/usbroute.rng"
check "the example domains" test -f "$root$pkgdatadir/xml-examples/both-ehci.xml"
check "the unit" test -f "$root$unitdir/usbrouted.service"
check "the systemd-sleep hook, executable" test -x "$root$sleepdir/usbroute-sleep"
check "the bash completion" cmp -s "$root$compdir/usbroute" "$top_srcdir/completion/usbroute"
check "the man pages" test -f "$root$(var man8dir)/usbroute-hook.8"
echo "port mine = ehci1.1" >"$root$sysconfdir/usbroute/usbroute.conf"
mk install DESTDIR="$root" >"$T/out" 2>&1
eq "installing again over our own hook succeeds" "$?" "0"
eq "an existing usbroute.conf is kept" "$(cat "$root$sysconfdir/usbroute/usbroute.conf")" "port mine = ehci1.1"

mk install DESTDIR="$T/copy" HOOK_LINK=copy >"$T/out" 2>&1
eq "HOOK_LINK=copy installs" "$?" "0"
check "a copy of the front" cmp -s "$T/copy$hookdir/qemu" "$top_builddir/hooks/usbroute-hook"
check "not a symlink" test ! -L "$T/copy$hookdir/qemu"

# A foreign hook: nothing at all is installed.
fresh="$T/fresh"
mkdir -p "$fresh$hookdir"
printf '#!/bin/sh\n# someone else'"'"'s hook\nexit 0\n' >"$fresh$hookdir/qemu"
mk install DESTDIR="$fresh" >"$T/out" 2>&1
check "a foreign hooks/qemu stops the install" test "$?" -ne 0
check "it says how to install beside it" grep -q "with-libvirt-hook=qemu.d" "$T/out"
check "the foreign hook is untouched" grep -q "someone else" "$fresh$hookdir/qemu"
eq "and nothing else was installed" "$(cd "$fresh" && find . ! -type d | sort | tr '\n' ' ')" "./${hookdir#/}/qemu "

rm -f "$root$hookdir/qemu"
printf '#!/bin/sh\n# someone else'"'"'s hook\nexit 0\n' >"$root$hookdir/qemu"
mk install DESTDIR="$root" LIBVIRT_HOOK=qemu.d >"$T/out" 2>&1
eq "with qemu.d: installs beside the foreign hook" "$?" "0"
eq "hooks/qemu.d/usbroute is ours" "$(readlink "$root$hookdir/qemu.d/usbroute")" "$pkglibexecdir/usbroute-hook"
check "the foreign hook is still untouched" grep -q "someone else" "$root$hookdir/qemu"

mk uninstall DESTDIR="$root" LIBVIRT_HOOK=qemu.d >"$T/out" 2>&1
check "uninstall removes ours" test ! -e "$root$hookdir/qemu.d/usbroute"
check "uninstall keeps the foreign hook" grep -q "someone else" "$root$hookdir/qemu"
check "uninstall keeps a changed usbroute.conf" test -f "$root$sysconfdir/usbroute/usbroute.conf"
check "uninstall removes the programs" test ! -e "$root$bindir/usbroute"
mk uninstall DESTDIR="$T/copy" >"$T/out" 2>&1
eq "uninstall of a fresh install leaves only directories" "$(cd "$T/copy" && find . ! -type d | wc -l)" "0"
finish
