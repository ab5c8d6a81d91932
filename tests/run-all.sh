#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: unit tests of each module, the CLI against every simulated
# chipset and real dump, and (as root) the end-to-end tests against a
# private libvirtd and QEMU; all of that again in a build with ASan,
# LSan and UBSan (clang, a separate VPATH build directory); the Debian
# package, built, installed into a throwaway root and purged; then a
# distribution check.
#
#     bash tests/run-all.sh
#
# Here a skipped test is a failure: setup.sh installed everything the
# tests need, so a skip means a missing install step.  The last line is
# "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

t_all=$SECONDS
npass=0 nfail=0 nskip=0

# summarize BUILDDIR: count the results of the make check that ran in
# BUILDDIR (its .trs files); print each failed or skipped test with the
# lines of its log that say why.  A skip counts as a failure.
summarize() {
	local b=$1 trs log res name why
	while IFS= read -r trs; do
		log=${trs%.trs}.log
		name=${trs#"$b"/}
		name=${name%.trs}
		res=$(sed -n 's/^:test-result: //p' "$trs" | sort -u | tr '\n' ' ')
		case $res in
		*FAIL*|*ERROR*|*XPASS*)
			nfail=$((nfail + 1))
			echo "---- FAIL: $name (log: $log)" >&2
			grep -E '^(FAIL|ERROR|not ok|#)' "$log" >&2 || tail -n 20 "$log" >&2
			;;
		*SKIP*)
			nskip=$((nskip + 1))
			# The reason: the test's own SKIP line, else its last line.
			why=$(grep -E 'SKIP' "$log" | grep -vE "^SKIP:? $name|\(exit status: 77\)" | tail -n 1 || true)
			[ -n "$why" ] || why=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 || true)
			echo "---- SKIP: $name: ${why:-no reason given} (a skip is a failure here)" >&2
			;;
		*PASS*) npass=$((npass + 1)) ;;
		*)
			nfail=$((nfail + 1))
			echo "---- no result: $name (log: $log)" >&2
			;;
		esac
	done < <(find "$b/tests" -name '*.trs' | sort)
}

# check_pass NAME BUILDDIR: make check there, timed; summarize.
check_pass() {
	local name=$1 b=$2 t0=$SECONDS rc=0 p0=$npass f0=$nfail s0=$nskip
	say "make check ($name)"
	find "$b/tests" -name '*.trs' -delete 2>/dev/null || true
	make -C "$b" -s -j"$(nproc)" check >"$b/check.out" 2>&1 || rc=$?
	summarize "$b"
	if [ $rc -ne 0 ] && [ $nfail -eq "$f0" ]; then
		# make failed before or beside the tests (a build error, say)
		nfail=$((nfail + 1))
		echo "---- make check ($name) failed:" >&2
		tail -n 30 "$b/check.out" >&2
	fi
	say "$name: $((npass - p0)) passed, $((nfail - f0)) failed, $((nskip - s0)) skipped in $((SECONDS - t0)) s"
}

check_pass "build $(pwd)" "$top"

# The whole suite again, built with clang, AddressSanitizer (leaks on) and
# UndefinedBehaviorSanitizer, in a separate build directory (VPATH, from a
# copy of the sources as `make dist` ships them, with the default
# --sysconfdir): no test may depend on the first build.
t0=$SECONDS
san=$(mktemp -d "${TMPDIR:-/tmp}/usbroute-san.XXXXXX")
# as open as a clone: some tests run programs from it as nobody
chmod 755 "$san"
say "sanitizer build in $san"
make -s distdir distdir="$san/src" >/dev/null
mkdir "$san/build"
if ! (cd "$san/build" && "$san/src/configure" --quiet --enable-werror --enable-sanitizers CC=clang &&
	make -s -j"$(nproc)") >"$san/build.out" 2>&1; then
	nfail=$((nfail + 1))
	echo "---- sanitizer build failed:" >&2
	tail -n 30 "$san/build.out" >&2
else
	say "sanitizer build: $((SECONDS - t0)) s"
	f0=$nfail s0=$nskip
	check_pass "sanitizers" "$san/build"
	if [ $nfail -eq "$f0" ] && [ $nskip -eq "$s0" ]; then
		rm -rf "$san"
	else
		echo "---- sanitizer build and logs kept in $san" >&2
	fi
fi

say "Debian package: build, lintian, install, run, purge (tests/deb/package.sh)"
t0=$SECONDS
if top_srcdir=$PWD top_builddir=$PWD bash tests/deb/package.sh >tests/deb/package.log 2>&1; then
	npass=$((npass + 1))
	say "Debian package: $((SECONDS - t0)) s"
else
	nfail=$((nfail + 1))
	echo "---- FAIL: tests/deb/package.sh (log: tests/deb/package.log)" >&2
	grep -E '^FAIL|passed,' tests/deb/package.log >&2 || tail -20 tests/deb/package.log >&2
fi

say "make distcheck"
t0=$SECONDS
if ! make -s distcheck >distcheck.out 2>&1; then
	nfail=$((nfail + 1))
	echo "---- make distcheck failed (distcheck.out):" >&2
	grep -E '^(FAIL|ERROR|SKIP)|Error|error:' distcheck.out | head -n 30 >&2
	# distcheck leaves its build behind when it fails: say why a test did
	for log in $(grep -lE '^(FAIL|ERROR)' usbroute-*/_build/sub/tests/*/*.log 2>/dev/null); do
		echo "---- $log" >&2
		grep -E '^(FAIL|ERROR|#)' "$log" | head -n 20 >&2
	done
else
	say "distcheck: $((SECONDS - t0)) s"
fi

say "all: $((SECONDS - t_all)) s"
echo "$npass passed, $nfail failed, $nskip skipped"
[ $nfail -eq 0 ] && [ $nskip -eq 0 ]
