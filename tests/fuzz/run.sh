#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) straight
# from the library sources and runs each for FUZZ_SECONDS.
#
#   FUZZ_SECONDS   seconds per target (30)
#   FUZZ_TARGETS   which targets ("lspci state meta channel conf portset
#                  metascan devspec keys")
#   FUZZ_BUILDDIR  a configured build directory, for config.h (else the
#                  source tree if configured in place, else a fresh
#                  configure under FUZZ_OUT)
#   FUZZ_OUT       binaries, growing corpora, crash inputs and logs
#                  (${TMPDIR:-/tmp}/usbroute-fuzz)
#   CC             clang (clang-14 when there is no plain clang)
#   FUZZ_BUILD_ONLY=1   build, do not run
#
# The seed corpora in tests/fuzz/corpus/ are only read; what libFuzzer
# finds goes to $FUZZ_OUT/corpus/NAME.  A crash or broken invariant
# leaves $FUZZ_OUT/artifacts/NAME-crash-* and makes the script fail.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-"lspci state meta channel conf portset metascan devspec keys"}
out=${FUZZ_OUT:-${TMPDIR:-/tmp}/usbroute-fuzz}

if [ -z "${CC:-}" ]; then
	if command -v clang >/dev/null 2>&1; then CC=clang; else CC=clang-14; fi
fi

# The whole library, as an archive: each target links what it uses, so
# no list here goes stale when a module is added or renamed.
# (sanopts.c is a sanitized build's options, not library code.)
libsrc=$(cd "$top/src/lib" && ls ./*.c | sed 's|^\./||; s|\.c$||' | grep -vx sanopts)

max_len() {
	case $1 in
	lspci|state)	echo 16384 ;;
	portset)	echo 512 ;;
	*)		echo 8192 ;;
	esac
}

mkdir -p "$out/obj" "$out/bin" "$out/artifacts" "$out/logs"

# config.h
if [ -n "${FUZZ_BUILDDIR:-}" ]; then
	build=$FUZZ_BUILDDIR
elif [ -f "$top/config.h" ]; then
	build=$top
else
	build=$out/config
	if [ ! -f "$build/config.h" ]; then
		echo "fuzz: configuring in $build for config.h"
		mkdir -p "$build"
		(cd "$build" && "$top/configure" -q --sysconfdir=/etc)
	fi
fi
if [ ! -f "$build/config.h" ]; then
	echo "fuzz: no config.h in $build; configure first" >&2
	exit 1
fi

pkgs=$(pkg-config --cflags libxml-2.0 libpci)
pkglibs=$(pkg-config --libs libxml-2.0 libpci)
warn="-Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
-Wmissing-prototypes -Wno-unused-parameter"
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer $warn \
-fsanitize=address,undefined -fno-sanitize-recover=all \
-I$build -I$top/src/lib -I$here -DSYSCONFDIR=\"/etc\" $pkgs"

objs=
for m in $libsrc; do
	echo "fuzz: CC src/lib/$m.c"
	# shellcheck disable=SC2086
	$CC $cflags -fsanitize=fuzzer-no-link -c "$top/src/lib/$m.c" \
	    -o "$out/obj/$m.o"
	objs="$objs $out/obj/$m.o"
done
rm -f "$out/obj/libusbroute.a"
# shellcheck disable=SC2086
ar rcs "$out/obj/libusbroute.a" $objs
for t in $targets; do
	echo "fuzz: CCLD fuzz-$t"
	# shellcheck disable=SC2086
	$CC $cflags -Werror -fsanitize=fuzzer "$here/fuzz-$t.c" \
	    "$out/obj/libusbroute.a" $pkglibs \
	    -o "$out/bin/fuzz-$t"
done
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

fail=0
summary=
for t in $targets; do
	mkdir -p "$out/corpus/$t"
	log=$out/logs/$t.log
	dict=
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	echo "fuzz: $t for ${seconds}s (log $log)"
	# shellcheck disable=SC2086
	if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	    "$out/bin/fuzz-$t" -max_total_time="$seconds" \
	    -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 $dict \
	    -artifact_prefix="$out/artifacts/$t-" \
	    "$out/corpus/$t" "$here/corpus/$t" >"$log" 2>&1; then
		status=ok
	else
		status=FAILED
		fail=1
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" \
		    | head -5 >&2 || true
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	n=$(find "$out/corpus/$t" -type f | wc -l)
	summary="$summary
  $t: $status, ${runs:-?} execs in ${seconds}s, cov ${cov:-?}, $n new inputs"
done
echo "fuzz: summary (artifacts in $out/artifacts)$summary"
exit $fail
