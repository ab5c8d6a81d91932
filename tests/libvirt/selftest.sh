#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# selftest.sh - proves the private-libvirtd harness (lv.sh) and the boot-sector
# guest: private daemons start, a qemu hook fires, a TCG guest's serial line
# reaches a unix socket, libvirtd restarts without killing domains (reconnect
# hook), everything stops, and the host's libvirt is left untouched.
#
# usage: tests/libvirt/selftest.sh      (root; exit 77 = skipped)
# LV_SELFTEST_DIR: where to put the private tree (default
# ${TMPDIR:-/tmp}/usbroute-lv.selftest; removed on success unless LV_KEEP=1).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lv.sh
. "$here/lv.sh"
lv_require

t_start=$SECONDS
npass=0 nfail=0
pass() { npass=$((npass + 1)); echo "PASS: $*"; }
fail() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# What of the host's libvirt could we have touched?  Names, modes, sizes,
# contents of /etc/libvirt; existence of /run/libvirt, the daemons' default
# pid files, /etc/usbroute, /run/usbroute and libvirt's cgroup directories.
host_state() {
	find /etc/libvirt -printf '%p %y %m %s %T@\n' 2>/dev/null | sort
	find /etc/libvirt -type f -exec sha256sum {} + 2>/dev/null | sort
	local p
	for p in /run/libvirt /run/libvirtd.pid /run/virtlogd.pid /etc/usbroute /run/usbroute \
		/var/lib/libvirt/qemu/domain-* /sys/fs/cgroup/*/machine* /sys/fs/cgroup/machine*; do
		[ -e "$p" ] && echo "exists: $p"
	done
	ls -la /run/libvirt 2>/dev/null
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
has_line() { grep -qxF -- "$2" "$1" 2>/dev/null; }
dom_running() { [ "$(lv_virsh domstate "$1" 2>/dev/null)" = running ]; }

host_before=$(host_state)
D=${LV_SELFTEST_DIR:-$(lv_tmpdir selftest)}

finish() {
	local rc=$?
	trap - EXIT
	lv_stop
	echo "selftest: $npass passed, $nfail failed ($((SECONDS - t_start)) s)"
	if [ $nfail -eq 0 ] && [ $rc -eq 0 ]; then
		[ "${LV_KEEP:-0}" = 1 ] || rm -rf "$D"
		exit 0
	fi
	echo "selftest: logs kept in $D (var/log/libvirt, hook.log, lv-ns.out)"
	[ $rc -ne 0 ] && exit $rc
	exit 1
}
trap finish EXIT

lv_init "$D" || { fail "lv_init $D"; exit 1; }

# --- the guest
"$top/tests/guest/build.sh" -n 3 -d 1000 "$D/guest.img" toggle
rc=$?
[ $rc -eq 77 ] && lv_skip "cannot build the boot-sector guest (binutils missing)"
check "guest image built (512 bytes, 55AA)" \
	test "$(stat -c %s "$D/guest.img" 2>/dev/null)" = 512 -a \
	"$(od -An -tx1 -j510 -N2 "$D/guest.img" 2>/dev/null | tr -d ' \n')" = 55aa
[ $rc -eq 0 ] || exit 1

# --- a trivial hook: log the arguments; keep the environment and stdin of
# the first prepare for inspection.
cat >"$D/hook.sh" <<EOF
#!/bin/sh
echo "\$*" >>'$D/hook.log'
if [ "\$2" = prepare ] && [ ! -e '$D/hook.env' ]; then
	env | sort >'$D/hook.env'
	cat >'$D/hook.stdin'
	pwd >'$D/hook.cwd'
else
	cat >/dev/null
fi
exit 0
EOF
: >"$D/hook.log"
lv_install_hook "$D/hook.sh"
check "hook installed executable" test -x "$LV_DIR/etc/libvirt/hooks/qemu"

# --- the daemons
if ! lv_start "$D"; then
	fail "lv_start"
	exit 1
fi
pass "lv_start"
check "virsh version answers on $LV_URI" eval 'lv_virsh version >/dev/null'
check "no domains at start" test -z "$(lv_virsh list --all --name)"
check "libvirtd sees the private /etc/usbroute" lv_exec test -d /etc/usbroute
check "libvirtd's /run is DIR/run" lv_exec test -S "/run/libvirt/libvirt-sock" -a -S "$D/run/libvirt/libvirt-sock"
check "host /run/libvirt untouched while running" test ! -e /run/libvirt -o -n "$(echo "$host_before" | grep -F 'exists: /run/libvirt')"

# --- domain with the guest disk and a serial port on a unix socket
sock=$D/run/guest.sock
check "define lvst-serial (disk + serial)" lv_define_domain lvst-serial "$(lv_disk_xml "$D/guest.img")
$(lv_serial_unix_xml "$sock")"
t0=$(date +%s.%N)
check "start lvst-serial" lv_virsh start lvst-serial
t1=$(date +%s.%N)
echo "      (virsh start took $(elapsed "$t0" "$t1") s)"
out=$(lv_serial_expect "$sock" toggle 10)
t2=$(date +%s.%N)
check "guest wrote 'toggle' on its serial port" test "${out#*toggle}" != "$out"
echo "      (serial line after $(elapsed "$t0" "$t2") s: $(printf '%q' "$out"))"
check "hook: prepare begin" has_line "$D/hook.log" "lvst-serial prepare begin -"
check "hook: start begin" has_line "$D/hook.log" "lvst-serial start begin -"
check "hook: started begin" has_line "$D/hook.log" "lvst-serial started begin -"
check "hook got the domain XML on stdin" grep -q "<name>lvst-serial</name>" "$D/hook.stdin"
check "destroy lvst-serial" lv_virsh destroy lvst-serial
check "hook: stopped end" lv_wait 5 has_line "$D/hook.log" "lvst-serial stopped end -"
check "hook: release end" lv_wait 5 has_line "$D/hook.log" "lvst-serial release end -"
check "QEMU of lvst-serial gone" test -z "$(lv_domain_pid lvst-serial)"

# --- libvirtd restart with a running domain
check "define lvst-plain (no disk)" lv_define_domain lvst-plain
t0=$(date +%s.%N)
check "start lvst-plain" lv_virsh start lvst-plain
t1=$(date +%s.%N)
echo "      (diskless domain started in $(elapsed "$t0" "$t1") s)"
qpid=$(lv_domain_pid lvst-plain)
check "lvst-plain has a QEMU" test -n "$qpid"
old_lvd=$(lv__pid libvirtd)
check "lv_restart_libvirtd" lv_restart_libvirtd
check "libvirtd is a new process" test -n "$(lv__pid libvirtd)" -a "$(lv__pid libvirtd)" != "$old_lvd"
check "new libvirtd is in the same namespace" test "$(stat -L -c %i "/proc/$(lv__pid libvirtd)/ns/mnt")" = "$LV_NS"
check "lvst-plain still running after restart" dom_running lvst-plain
check "same QEMU process ($qpid)" test "$(lv_domain_pid lvst-plain)" = "$qpid"
check "hook: reconnect begin" lv_wait 5 has_line "$D/hook.log" "lvst-plain reconnect begin -"
check "destroy after reconnect" lv_virsh destroy lvst-plain
check "hook: release end after reconnect" lv_wait 5 has_line "$D/hook.log" "lvst-plain release end -"
check "start again (left running for lv_stop)" lv_virsh start lvst-plain
qpid=$(lv_domain_pid lvst-plain)

# --- stop
# shellcheck disable=SC2034 # used in the eval below
vl=$(lv__pid virtlogd) lvd=$(lv__pid libvirtd)
check "lv_stop" lv_stop
check "no process left in the namespace" test -z "$(lv_ns_pids)"
# shellcheck disable=SC2016
check "libvirtd, virtlogd, QEMU gone" eval '! lv_alive "$vl" && ! lv_alive "$lvd" && ! lv_alive "$qpid"'
check "lv_stop destroyed the running domain (release hook ran)" \
	has_line "$D/hook.log" "lvst-plain release end -"
check "lv_stop again is harmless" lv_stop

host_after=$(host_state)
if [ "$host_before" = "$host_after" ]; then
	pass "host /etc/libvirt, /run/libvirt, /etc/usbroute unchanged"
else
	fail "host state changed:"
	diff <(echo "$host_before") <(echo "$host_after") | sed 's/^/      /'
fi

if [ -s "$D/hook.env" ]; then
	echo "      hook environment: $(tr '\n' ' ' <"$D/hook.env")"
	echo "      hook cwd: $(cat "$D/hook.cwd" 2>/dev/null)"
fi
[ $nfail -eq 0 ]
