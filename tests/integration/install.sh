#!/bin/bash
# make install puts the hook where libvirt looks for it, and never
# replaces a hook that is not ours.
. "$top_srcdir/tests/lib.sh"

root="$T/root"
# mk ARGS...: a make of its own in the build tree.  Not a part of the make
# running this test: without the MAKEFLAGS it passes down (-j's jobserver,
# -w, no -s), whose "Entering directory" lines would mix into the output.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -s --no-print-directory -C "$top_builddir" "$@"
}
hookdir=$(mk print-hookdir 2>/dev/null)
[ -n "$hookdir" ] || { fail "cannot ask make for hookdir"; finish; exit 1; }

mk install DESTDIR="$root" >"$T/out" 2>&1
eq "make install succeeds" "$?" "0"
check "the hook is at hooks/qemu" test -x "$root$hookdir/qemu"
check "it is the libc-only front" cmp -s "$root$hookdir/qemu" "$top_builddir/src/hook/usbroute-hook"
mk install DESTDIR="$root" >"$T/out" 2>&1
eq "installing again over our own hook succeeds" "$?" "0"

printf '#!/bin/sh\n# someone else'"'"'s hook\nexit 0\n' >"$root$hookdir/qemu"
mk install DESTDIR="$root" >"$T/out" 2>&1
eq "a foreign hooks/qemu stops the install" "$?" "2"
check "it says how to install beside it" grep -q "with-libvirt-hook=qemu.d" "$T/out"
check "the foreign hook is untouched" grep -q "someone else" "$root$hookdir/qemu"

mk install DESTDIR="$root" LIBVIRT_HOOK=qemu.d >"$T/out" 2>&1
eq "with qemu.d: installs beside the foreign hook" "$?" "0"
check "hooks/qemu.d/usbroute is ours" cmp -s "$root$hookdir/qemu.d/usbroute" "$top_builddir/src/hook/usbroute-hook"
check "the foreign hook is still untouched" grep -q "someone else" "$root$hookdir/qemu"

mk uninstall DESTDIR="$root" LIBVIRT_HOOK=qemu.d >"$T/out" 2>&1
check "uninstall removes ours" test ! -e "$root$hookdir/qemu.d/usbroute"
check "uninstall keeps the foreign hook" grep -q "someone else" "$root$hookdir/qemu"
finish
