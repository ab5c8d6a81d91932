#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh - assemble the boot-sector guest into a raw disk image.
#
# usage: build.sh [-s SIZE] [-P] [LINE-OPTIONS] OUT TEXT [[LINE-OPTIONS] TEXT ...]
#
#   OUT       raw disk image to write (512 bytes unless -s)
#   TEXT      a line the guest writes to COM1; a newline is appended
#             unless -N is given.  Taken literally (no escape processing;
#             bash's $'...' gives control bytes).  Several TEXTs are played
#             in order.  A TEXT that starts with '-' needs '--' before it.
#   -s SIZE   pad the image with zeros to SIZE bytes (multiple of 512)
#   -P        power the machine off (ACPI) after the last TEXT
#
# LINE-OPTIONS apply to the TEXT that follows them (those before OUT, to
# the first TEXT); each TEXT starts again from the defaults:
#   -w MS     wait MS milliseconds before the first copy (default 0): the
#             other end (a daemon that connects when libvirt tells it the
#             domain started) may not be listening yet, and QEMU drops
#             what the guest writes while nobody is connected
#   -n REPEAT how many times the line is written (default 3)
#   -d MS     pause between copies in milliseconds (default 1000)
#   -N        do not append a newline
# MS and REPEAT are at most 65535.  The whole program (texts plus 8 bytes
# each) must fit beside the code: about 320 bytes.
#
# Examples:
#   build.sh g.img toggle                      # "toggle" 3 times, 1 s apart
#   build.sh -w 2000 -n 1 g.img toggle         # once, after 2 s
#   build.sh g.img -N -n 32 -d 0 "$(printf %128s)" -n 1 ""   # a 4 KiB line
#
# Needs GNU as and ld (binutils).  Exit 77 if they are missing, so callers
# running under automake can treat it as a skip.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
usage() {
	echo "usage: $0 [-s SIZE] [-P] [-w MS] [-n REPEAT] [-d MS] [-N] OUT TEXT [[-w MS] [-n REPEAT] [-d MS] [-N] TEXT ...]" >&2
	exit 2
}
# num NAME VALUE MIN: VALUE is a decimal in MIN..65535
num() {
	case $2 in ''|*[!0-9]*) echo "build.sh: bad $1 '$2'" >&2; exit 2 ;; esac
	if [ ${#2} -gt 5 ] || [ "$2" -lt "$3" ] || [ "$2" -gt 65535 ]; then
		echo "build.sh: $1 $2 is out of range ($3..65535)" >&2; exit 2
	fi
}

for t in as ld od; do
	command -v $t >/dev/null 2>&1 || { echo "build.sh: SKIP: '$t' (binutils) not found" >&2; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/guest-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/prog.inc"

size=512 poweroff=0 out='' nseg=0 total=0
reset_line() { wait_ms=0 repeat=3 delay_ms=1000 newline=1; }
# segment TEXT: append TEXT, with the current line options, to the program
# as .word LEN, WAIT_MS, REPEAT, DELAY_MS and .byte values (no quoting
# problems whatever TEXT holds).
segment() {
	local len
	[ -n "$1" ] || [ $newline = 1 ] || { echo "build.sh: empty message" >&2; exit 2; }
	{ if [ $newline = 1 ]; then printf '%s\n' "$1"; else printf '%s' "$1"; fi; } >"$tmp/text"
	len=$(stat -c %s "$tmp/text")
	{
		printf '\t.word %d, %d, %d, %d\n' "$len" "$wait_ms" "$repeat" "$delay_ms"
		od -An -v -tu1 "$tmp/text" | tr -s ' ' '\n' | sed '/^$/d' | sed 's/^/\t.byte /'
	} >>"$tmp/prog.inc"
	nseg=$((nseg + 1))
	total=$((total + len + 8))
}

reset_line
while [ $# -gt 0 ]; do
	OPTIND=1
	while getopts w:n:d:s:NP opt; do
		case $opt in
		w) num -w "$OPTARG" 0; wait_ms=$OPTARG ;;
		n) num -n "$OPTARG" 1; repeat=$OPTARG ;;
		d) num -d "$OPTARG" 0; delay_ms=$OPTARG ;;
		s) size=$OPTARG ;;
		N) newline=0 ;;
		P) poweroff=1 ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -gt 0 ] || break
	if [ -z "$out" ]; then
		out=$1
	else
		segment "$1"
		reset_line
	fi
	shift
done
[ -n "$out" ] && [ $nseg -ge 1 ] || usage
case $size in ''|*[!0-9]*) echo "build.sh: bad -s $size" >&2; exit 2 ;; esac
if [ $((size % 512)) -ne 0 ] || [ "$size" -lt 512 ]; then
	echo "build.sh: -s must be a multiple of 512" >&2; exit 2
fi

if ! as --32 -I "$tmp" --defsym LV_POWEROFF="$poweroff" \
	-o "$tmp/bs.o" "$here/bootsector.S"; then
	echo "build.sh: assembly failed (a program of $total bytes in $nseg lines; about 320 fit)" >&2
	exit 1
fi
ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$tmp/bs.bin" "$tmp/bs.o"

len=$(stat -c %s "$tmp/bs.bin")
[ "$len" -eq 512 ] || { echo "build.sh: boot sector is $len bytes, not 512 (program of $total bytes too long?)" >&2; exit 1; }
sig=$(od -An -tx1 -j510 -N2 "$tmp/bs.bin" | tr -d ' \n')
[ "$sig" = 55aa ] || { echo "build.sh: no 0x55AA signature" >&2; exit 1; }
if [ "$size" -gt 512 ]; then truncate -s "$size" "$tmp/bs.bin"; fi
chmod 644 "$tmp/bs.bin"
mv -f "$tmp/bs.bin" "$out"
