#!/bin/bash
# build.sh - assemble the boot-sector guest into a raw disk image.
#
# usage: build.sh [-n REPEAT] [-d DELAY_MS] [-s SIZE] [-N] [-P] OUT TEXT
#
#   OUT       raw disk image to write (512 bytes unless -s)
#   TEXT      the line the guest writes to COM1; a newline is appended
#             unless -N is given.  Taken literally (no escape processing).
#   -n REPEAT how many times the line is written (default 3)
#   -d MS     pause between copies in milliseconds (default 1000)
#   -s SIZE   pad the image with zeros to SIZE bytes (multiple of 512)
#   -N        do not append a newline
#   -P        power the machine off (ACPI) after the last copy
#
# Needs GNU as and ld (binutils).  Exit 77 if they are missing, so callers
# running under automake can treat it as a skip.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repeat=3 delay_ms=1000 size=512 newline=1 poweroff=0
while getopts n:d:s:NP opt; do
	case $opt in
	n) repeat=$OPTARG ;;
	d) delay_ms=$OPTARG ;;
	s) size=$OPTARG ;;
	N) newline=0 ;;
	P) poweroff=1 ;;
	*) echo "usage: $0 [-n REPEAT] [-d DELAY_MS] [-s SIZE] [-N] [-P] OUT TEXT" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: $0 [-n REPEAT] [-d DELAY_MS] [-s SIZE] [-N] [-P] OUT TEXT" >&2; exit 2; }
out=$1 text=$2

for t in as ld; do
	command -v $t >/dev/null 2>&1 || { echo "build.sh: SKIP: '$t' (binutils) not found" >&2; exit 77; }
done
case $repeat in ''|*[!0-9]*|0) echo "build.sh: bad -n $repeat" >&2; exit 2 ;; esac
case $delay_ms in ''|*[!0-9]*) echo "build.sh: bad -d $delay_ms" >&2; exit 2 ;; esac
case $size in ''|*[!0-9]*) echo "build.sh: bad -s $size" >&2; exit 2 ;; esac
if [ $((size % 512)) -ne 0 ] || [ "$size" -lt 512 ]; then
	echo "build.sh: -s must be a multiple of 512" >&2; exit 2
fi
[ -n "$text" ] || [ $newline = 1 ] || { echo "build.sh: empty message" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/guest-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The message as a list of .byte values: no quoting problems whatever TEXT is.
{
	if [ $newline = 1 ]; then printf '%s\n' "$text"; else printf '%s' "$text"; fi
} | od -An -v -tu1 | tr -s ' ' '\n' | sed '/^$/d' |
	awk 'BEGIN { n = 0 } { printf "\t.byte %s\n", $1; n++ } END { if (n == 0) exit 1 }' >"$tmp/msg.inc"

if ! as --32 -I "$tmp" --defsym LV_REPEAT="$repeat" --defsym LV_DELAY_US=$((delay_ms * 1000)) \
	--defsym LV_POWEROFF="$poweroff" \
	-o "$tmp/bs.o" "$here/bootsector.S"; then
	echo "build.sh: assembly failed (a message of $(wc -l <"$tmp/msg.inc") bytes; about 390 fit)" >&2
	exit 1
fi
ld -m elf_i386 -Ttext 0x7c00 --oformat binary -e _start -o "$tmp/bs.bin" "$tmp/bs.o"

len=$(stat -c %s "$tmp/bs.bin")
[ "$len" -eq 512 ] || { echo "build.sh: boot sector is $len bytes, not 512 (message too long?)" >&2; exit 1; }
sig=$(od -An -tx1 -j510 -N2 "$tmp/bs.bin" | tr -d ' \n')
[ "$sig" = 55aa ] || { echo "build.sh: no 0x55AA signature" >&2; exit 1; }
if [ "$size" -gt 512 ]; then truncate -s "$size" "$tmp/bs.bin"; fi
chmod 644 "$tmp/bs.bin"
mv -f "$tmp/bs.bin" "$out"
