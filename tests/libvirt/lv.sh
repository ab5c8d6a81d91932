# SPDX-License-Identifier: GPL-2.0-or-later
# lv.sh - a private, hermetic libvirtd + QEMU for usbroute's end-to-end tests.
# shellcheck shell=bash
#
# Source it from a bash test:
#
#     . "$srcdir/tests/libvirt/lv.sh"
#     lv_require                         # exit 77 (skip) if we cannot run
#     trap lv_stop EXIT
#     lv_init "$(lv_tmpdir mytest)"      # fresh private tree, sets LV_DIR/LV_URI
#     lv_install_hook ./my-hook          # optional, before lv_start
#     lv_start                           # virtlogd + libvirtd in their own mount ns
#     lv_define_domain g1 "$(lv_disk_xml img)" && lv_virsh start g1
#
# How it works: `unshare -m` makes a private mount namespace in which
# DIR/etc/libvirt, DIR/etc/usbroute, DIR/var/{lib,log,cache}/libvirt and
# DIR/run (which holds run/libvirt and run/usbroute) are bind-mounted over
# the real /etc/libvirt, /etc/usbroute, /var/{lib,log,cache}/libvirt and /run.
# virtlogd and libvirtd are started (-d, daemonized) inside it, so they and
# every QEMU and hook they spawn see only the private tree.  The namespace
# lives as long as one process is in it; there is nothing to unmount.  The
# host's /etc/libvirt, /run/libvirt and any system libvirtd are never touched
# (virsh reaches ours with qemu:///system?socket=DIR/run/libvirt/libvirt-sock).
# A mount point the host does not have (/etc/usbroute, usually) is made
# inside the namespace on an overlay of its nearest parent (upper layer in
# DIR/.overlay/N): nothing is ever created on the host.  LV_ETC_USBROUTE
# (set before lv_start) names one more directory that shows DIR/etc/usbroute
# inside: the sysconfdir/usbroute of a build configured with another
# --sysconfdir, so that its hook finds DIR/etc/usbroute/usbroute.conf at the
# path compiled into it, and no config file is written outside DIR.
#
# Paths: a path under DIR is the same file inside and outside the namespace
# (DIR must not be under /etc, /run or /var/*/libvirt), so a test may hand
# QEMU or a hook DIR/... paths directly.  Inside the namespace, DIR/run is
# also /run, DIR/etc/usbroute is also /etc/usbroute, etc.
#
# Variables set: LV_DIR (the tree), LV_URI (virsh -c URI), LV_NS (inode of the
# mount namespace, after lv_start).  Tunables: LV_START_TIMEOUT (s, default
# 30), LV_VIRSH_TIMEOUT (s, default 60), LV_DEBUG=1 (verbose libvirtd log),
# LV_CACHE_DIR (directory bind-mounted over /var/cache/libvirt; default
# ${TMPDIR:-/tmp}/usbroute-lv-cache, shared by all trees: it holds libvirt's
# QEMU capabilities cache, whose probe otherwise costs ~8 s per start here;
# libvirt revalidates it against the QEMU and libvirtd binaries and rewrites
# it atomically.  LV_CACHE_DIR=none: a private cache in DIR/var/cache).
#
# Files in DIR: pids ("virtlogd PID", "libvirtd PID"), mntns (namespace inode),
# lv-ns.sh (the script run inside the namespace), var/log/libvirt/libvirtd.log,
# var/log/libvirt/virtlogd.log, var/log/libvirt/qemu/NAME.log, domains/NAME.xml.

export PATH="$PATH:/usr/sbin:/sbin"
: "${LV_START_TIMEOUT:=30}"
: "${LV_VIRSH_TIMEOUT:=60}"
: "${LV_CACHE_DIR:=$(t=${TMPDIR:-/tmp}; case $t in /run/*|/var/run/*|/etc/*) t=/tmp ;; esac; echo "$t/usbroute-lv-cache")}"
LV_DIR=${LV_DIR:-}
LV_URI=${LV_URI:-}
LV_NS=${LV_NS:-}
LV_QEMU=${LV_QEMU:-/usr/bin/qemu-system-x86_64}
# Clean environment for the daemons (hooks inherit part of it).  LV_DIR is
# the marker by which lv_stop recognises a namespace as ours.
LV_DAEMON_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

lv_log() { echo "lv: $*" >&2; }

# lv_skip REASON: print a loud skip banner and exit 77 (automake SKIP).
lv_skip() {
	{
		echo "################################################################"
		echo "## SKIP: $*"
		echo "################################################################"
	} >&2
	exit 77
}

# lv_require: skip (exit 77) unless a private libvirtd can run here: root,
# unshare/nsenter/mount, libvirtd, virtlogd, virsh, QEMU, and permission to
# create a mount namespace.
lv_require() {
	local t
	[ "$(id -u)" = 0 ] || lv_skip "libvirt tests need root (private libvirtd in a mount namespace)"
	for t in unshare nsenter mount libvirtd virtlogd virsh timeout stat; do
		command -v "$t" >/dev/null 2>&1 || lv_skip "'$t' not found (need libvirt-daemon-system, libvirt-clients, util-linux)"
	done
	[ -x "$LV_QEMU" ] || lv_skip "$LV_QEMU not found (need qemu-system-x86)"
	unshare -m --propagation private true 2>/dev/null || lv_skip "cannot create a mount namespace (unshare -m failed)"
}

# lv_programs: USBROUTE, HOOK and DAEMON from the build; skip (77) unless
# all three are built
lv_programs() {
	local f
	USBROUTE="$top_builddir/src/usbroute/usbroute"
	HOOK="$top_builddir/hooks/usbroute-hook"
	DAEMON="$top_builddir/src/daemon/usbrouted"
	for f in "$USBROUTE" "$HOOK" "$DAEMON"; do
		[ -x "$f" ] || lv_skip "$f is not built"
	done
}

# lv_need TOOL...: skip (77) unless every tool is on PATH
lv_need() {
	local t
	for t; do
		command -v "$t" >/dev/null 2>&1 || lv_skip "'$t' not found"
	done
}

# lv_tmpdir NAME: create and print a new private directory for one test's
# tree, ${TMPDIR:-/tmp}/usbroute-lv.NAME.XXXXXX (mktemp).  A new name on
# every call: two runs at once (two clones, or make -j) never share a tree,
# and lv_init never finds, let alone kills, another run's processes.
lv_tmpdir() {
	local t=${TMPDIR:-/tmp}
	case $t in /run/*|/var/run/*|/etc/*) t=/tmp ;; esac
	mktemp -d "$t/usbroute-lv.$1.XXXXXX"
}

# lv_ns_pids [DIR]: print the PIDs of the live processes in DIR's namespace
# (default LV_DIR), if that namespace is ours (some process in it carries
# LV_DIR=DIR in its environment).  Prints nothing otherwise.
lv_ns_pids() {
	local d=${1:-$LV_DIR} ns pids p ours=0
	[ -n "$d" ] && [ -r "$d/mntns" ] || return 0
	ns=$(cat "$d/mntns")
	[ -n "$ns" ] || return 0
	# Never our own namespace (a killed run's inode could not be, but be safe).
	[ "$(stat -L -c %i /proc/self/ns/mnt)" != "$ns" ] || return 0
	pids=$(stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null |
		awk -v ns="$ns" '$1 == ns { split($2, a, "/"); print a[3] }')
	[ -n "$pids" ] || return 0
	for p in $pids; do
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "LV_DIR=$d"; then
			ours=1
			break
		fi
	done
	# shellcheck disable=SC2086 # one line of PIDs
	[ $ours = 1 ] && echo $pids
	return 0
}

# lv_alive PID: true if PID exists and is not a zombie (PID 1 here never
# reaps, so kill -0 cannot tell).
lv_alive() {
	local s
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	s=$(sed -E 's/^.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# lv__wait_gone SECONDS PID...: wait until none of the PIDs is alive.
lv__wait_gone() {
	local limit=$1 end p left
	shift
	end=$((SECONDS + limit))
	while :; do
		left=
		for p in "$@"; do lv_alive "$p" && left="$left $p"; done
		[ -z "$left" ] && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}

# lv__kill_ns DIR: terminate every process in DIR's namespace (libvirtd
# first, then the rest with SIGTERM, SIGKILL after a grace period).
lv__kill_ns() {
	local d=$1 pids p lvd
	pids=$(lv_ns_pids "$d")
	[ -n "$pids" ] || return 0
	lvd=$(lv__pid libvirtd "$d")
	if [ -n "$lvd" ] && lv_alive "$lvd"; then
		kill -TERM "$lvd" 2>/dev/null
		lv__wait_gone 10 "$lvd" || kill -KILL "$lvd" 2>/dev/null
	fi
	pids=$(lv_ns_pids "$d")
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	# shellcheck disable=SC2086
	if ! lv__wait_gone 10 $pids; then
		for p in $pids; do lv_alive "$p" && kill -KILL "$p" 2>/dev/null; done
		# shellcheck disable=SC2086
		lv__wait_gone 5 $pids || { lv_log "processes of $d would not die: $pids"; return 1; }
	fi
	return 0
}

# lv__pid NAME [DIR]: PID of virtlogd or libvirtd from DIR/run/NAME.pid,
# if that process is alive.
lv__pid() {
	local d=${2:-$LV_DIR} p
	p=$(cat "$d/run/$1.pid" 2>/dev/null) || return 0
	lv_alive "$p" && echo "$p"
	return 0
}

# lv__anchor: a live process in our namespace other than libvirtd (virtlogd
# by preference), for nsenter.
lv__anchor() {
	local p lvd
	p=$(lv__pid virtlogd)
	[ -n "$p" ] && { echo "$p"; return 0; }
	lvd=$(lv__pid libvirtd)
	for p in $(lv_ns_pids); do
		[ "$p" != "$lvd" ] && lv_alive "$p" && { echo "$p"; return 0; }
	done
	[ -n "$lvd" ] && echo "$lvd"
	return 0
}

lv__write_pids() {
	{
		echo "virtlogd $(lv__pid virtlogd)"
		echo "libvirtd $(lv__pid libvirtd)"
	} >"$LV_DIR/pids"
}

# lv_init DIR: stop whatever a previous run left in DIR, then create a fresh
# private tree there (DIR/etc/libvirt/{hooks,qemu}, DIR/etc/usbroute,
# DIR/run/{libvirt,usbroute,lock}, DIR/var/{lib,log,cache}/libvirt) with
# libvirtd.conf, qemu.conf and virtlogd.conf.  Sets and exports LV_DIR and
# LV_URI.  Other files in DIR are left alone.  Does not start anything.
lv_init() {
	local d=$1
	[ -n "$d" ] || { lv_log "lv_init: no directory"; return 2; }
	mkdir -p "$d" || return 1
	d=$(cd "$d" && pwd -P) || return 1
	case $d/ in
	/|/etc/*|/run/*|/var/run/*|/var/lib/libvirt/*|/var/log/libvirt/*|/var/cache/libvirt/*|/proc/*|/sys/*|/dev/*)
		lv_log "lv_init: $d cannot be under /etc, /run, /var/*/libvirt"; return 2 ;;
	esac
	# sun_path is 108 bytes; the longest socket we make is run/libvirt/libvirt-admin-sock.
	[ $(( ${#d} + 32 )) -lt 108 ] || { lv_log "lv_init: $d is too long for unix socket paths"; return 2; }

	# A killed earlier run may have left daemons and QEMUs in DIR's namespace.
	if [ -n "$(lv_ns_pids "$d")" ]; then
		lv_log "stopping leftovers of an earlier run in $d"
		lv__kill_ns "$d" || return 1
	fi
	rm -rf "${d:?}/etc" "${d:?}/run" "${d:?}/var" "$d/.etc-overlay" "$d/.overlay" "$d/domains" "$d/pids" "$d/mntns" "$d/lv-ns.sh"

	mkdir -p "$d/etc/libvirt/hooks" "$d/etc/libvirt/qemu" "$d/etc/usbroute" \
		"$d/run/libvirt" "$d/run/usbroute" "$d/run/lock" \
		"$d/var/lib/libvirt" "$d/var/log/libvirt/qemu" "$d/var/cache/libvirt" \
		"$d/domains" || return 1
	if [ "$LV_CACHE_DIR" != none ]; then
		mkdir -p "$LV_CACHE_DIR" || return 1
	fi

	local filters='1:util.hook'
	[ "${LV_DEBUG:-0}" = 1 ] && filters='1:qemu 1:util.hook 1:util.command 1:conf 3:object 3:json 3:event 3:rpc 3:util.threadjob'
	cat >"$d/etc/libvirt/libvirtd.conf" <<-EOF
	# private libvirtd for usbroute tests (tests/libvirt/lv.sh)
	unix_sock_rw_perms = "0700"
	unix_sock_ro_perms = "0700"
	auth_unix_ro = "none"
	auth_unix_rw = "none"
	log_level = 3
	log_filters = "$filters"
	log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
	EOF
	cat >"$d/etc/libvirt/virtlogd.conf" <<-EOF
	log_level = 3
	log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
	EOF
	cat >"$d/etc/libvirt/qemu.conf" <<-EOF
	# private qemu driver config for usbroute tests (tests/libvirt/lv.sh)
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	# no per-domain mount namespace (private /dev): nothing to gain here
	namespaces = []
	# no cgroups: no systemd/machined here, and the host's tree stays untouched
	cgroup_controllers = []
	# QEMU's stdout/stderr go through virtlogd, which keeps them open
	# across a libvirtd restart
	stdio_handler = "logd"
	EOF

	LV_DIR=$d
	LV_URI="qemu:///system?socket=$d/run/libvirt/libvirt-sock"
	LV_NS=
	export LV_DIR LV_URI LV_NS
}

# lv_start [DIR]: start virtlogd and libvirtd in a new private mount namespace
# over the tree made by lv_init (lv_init DIR is run first if DIR is given and
# not the current tree, or if nothing was initialised).  Returns when
# `virsh version` answers; records PIDs in DIR/pids.  On failure prints the
# end of the daemon logs, stops what it started and returns 1.
lv_start() {
	local d=${1:-$LV_DIR} t0=$SECONDS
	[ -n "$d" ] || { lv_log "lv_start: no directory"; return 2; }
	if [ -z "$LV_DIR" ] || [ "$(cd "$d" 2>/dev/null && pwd -P)" != "$LV_DIR" ] || [ ! -f "$LV_DIR/etc/libvirt/qemu.conf" ]; then
		lv_init "$d" || return 1
	fi
	d=$LV_DIR
	if [ -n "$(lv_ns_pids "$d")" ]; then
		lv_log "lv_start: $d is already running (lv_stop first)"
		return 1
	fi
	local cache_src="$d/var/cache/libvirt"
	[ "$LV_CACHE_DIR" != none ] && cache_src=$LV_CACHE_DIR

	# The script that runs inside the new namespace.  Mount /run last: DIR
	# is outside /run, but sources are resolved before /run is covered.
	cat >"$d/lv-ns.sh" <<-EOF
	set -e
	D='$d'
	mount --make-rprivate /
	stat -L -c %i /proc/self/ns/mnt >"\$D/mntns"
	n=0
	# mkpoint X: a directory X in this namespace only.  When the host has no
	# X, its nearest existing parent is covered by an overlay whose upper
	# layer is in DIR, and X is made there: nothing is created on the host.
	mkpoint() {
		local x=\$1 a
		[ -d "\$x" ] && return 0
		a=\$x
		while [ ! -d "\$a" ]; do a=\$(dirname "\$a"); done
		case \$a in
		/) echo "lv: cannot make \$x: the host has none of its parents but /" >&2; return 1 ;;
		esac
		case \$D/ in
		"\$a"/*) echo "lv: cannot make \$x: its parent \$a holds \$D" >&2; return 1 ;;
		esac
		n=\$((n + 1))
		mkdir -p "\$D/.overlay/\$n/upper" "\$D/.overlay/\$n/work"
		mount -t overlay lv-ov\$n -o "lowerdir=\$a,upperdir=\$D/.overlay/\$n/upper,workdir=\$D/.overlay/\$n/work" "\$a" ||
			{ echo "lv: cannot overlay \$a to make \$x" >&2; return 1; }
		mkdir -p "\$x"
	}
	# DIR/etc/usbroute is /etc/usbroute, and the usbroute config directory
	# of the build under test if it has another (LV_ETC_USBROUTE).  All
	# mount points first: an overlay would hide binds made under it.
	E=$(printf '%q' "${LV_ETC_USBROUTE:-}")
	for m in /etc/libvirt /etc/usbroute "\$E" /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
		[ -z "\$m" ] || mkpoint "\$m"
	done
	mount --bind "\$D/etc/libvirt" /etc/libvirt
	for e in /etc/usbroute "\$E"; do
		[ -z "\$e" ] || mount --bind "\$D/etc/usbroute" "\$e"
	done
	for v in lib log; do
		mount --bind "\$D/var/\$v/libvirt" /var/\$v/libvirt
	done
	mount --bind '$cache_src' /var/cache/libvirt
	mount --bind "\$D/run" /run
	cd /
	virtlogd -d -p /run/virtlogd.pid
	i=0
	while [ ! -S /run/libvirt/virtlogd-sock ]; do
		i=\$((i + 1)); [ \$i -lt 200 ] || { echo "lv: virtlogd did not create its socket" >&2; exit 1; }
		sleep 0.05
	done
	libvirtd -d -p /run/libvirtd.pid
	EOF

	lv_log "starting private virtlogd + libvirtd in $d"
	if ! (cd / && env -i PATH="$LV_DAEMON_PATH" HOME=/root LC_ALL=C LV_DIR="$d" \
		unshare -m --propagation private bash "$d/lv-ns.sh") >"$d/lv-ns.out" 2>&1; then
		cat "$d/lv-ns.out" >&2
		lv__start_failed
		return 1
	fi
	LV_NS=$(cat "$d/mntns")
	export LV_NS
	lv__wait_libvirtd || { lv__start_failed; return 1; }
	lv__write_pids
	lv_log "private libvirtd up in $((SECONDS - t0)) s (virtlogd $(lv__pid virtlogd), libvirtd $(lv__pid libvirtd))"
}

lv__start_failed() {
	lv_log "private libvirtd failed to start; last lines of the logs:"
	tail -n 20 "$LV_DIR/var/log/libvirt/virtlogd.log" "$LV_DIR/var/log/libvirt/libvirtd.log" >&2 2>/dev/null
	lv__kill_ns "$LV_DIR"
}

# lv__wait_libvirtd: poll `virsh version` (bounded by LV_START_TIMEOUT).
lv__wait_libvirtd() {
	local end=$((SECONDS + LV_START_TIMEOUT)) said=0 start=$SECONDS
	while :; do
		if timeout 10 virsh -q -c "$LV_URI" version >/dev/null 2>&1; then
			[ $said = 1 ] && lv_log "private libvirtd answers after $((SECONDS - start)) s"
			return 0
		fi
		if [ $said = 0 ]; then
			lv_log "waiting for private libvirtd (up to $LV_START_TIMEOUT s)..."
			said=1
		fi
		if [ -z "$(lv__pid libvirtd)" ] && [ $((SECONDS - start)) -ge 2 ]; then
			lv_log "libvirtd is not running"
			return 1
		fi
		[ $SECONDS -lt $end ] || { lv_log "timed out waiting for libvirtd"; return 1; }
		sleep 0.1
	done
}

# lv_virsh ARGS...: virsh -q -c "$LV_URI" ARGS (killed after LV_VIRSH_TIMEOUT s).
lv_virsh() {
	[ -n "$LV_URI" ] || { lv_log "lv_virsh: no private libvirtd (lv_start)"; return 2; }
	timeout "$LV_VIRSH_TIMEOUT" virsh -q -c "$LV_URI" "$@"
}

# lv_exec CMD [ARGS...]: run CMD inside the private namespace (sees the
# private /etc/libvirt, /etc/usbroute, /run, ...), with LV_DIR in its
# environment.  Use it for daemons that must share the hook's view, e.g.
# `lv_exec usbrouted ... &`.  lv_stop kills whatever is still running there.
lv_exec() {
	local a
	a=$(lv__anchor)
	[ -n "$a" ] || { lv_log "lv_exec: private namespace is not running"; return 2; }
	LV_DIR=$LV_DIR nsenter -m -t "$a" -- "$@"
}

# lv_install_hook SRC [NAME]: install SRC as DIR/etc/libvirt/hooks/NAME
# (default NAME "qemu"; "qemu.d/x" works too), executable.  libvirtd looks for
# hooks only when it starts, so if it is running it is restarted
# (lv_restart_libvirtd).
lv_install_hook() {
	local src=$1 name=${2:-qemu} dst
	[ -n "$LV_DIR" ] || { lv_log "lv_install_hook: lv_init first"; return 2; }
	dst=$LV_DIR/etc/libvirt/hooks/$name
	mkdir -p "$(dirname "$dst")" || return 1
	cp -f "$src" "$dst.tmp" && chmod 755 "$dst.tmp" && mv -f "$dst.tmp" "$dst" || return 1
	if [ -n "$(lv__pid libvirtd)" ]; then
		lv_restart_libvirtd
	fi
}

# lv_restart_libvirtd: stop libvirtd alone (SIGTERM) and start it again in the
# same namespace (nsenter into virtlogd's).  Running domains keep running:
# QEMU is not libvirtd's child, and the new libvirtd reconnects to it (the
# qemu hook then runs with "reconnect begin").  Returns when virsh answers.
lv_restart_libvirtd() {
	local lvd a t0=$SECONDS
	[ -n "$LV_DIR" ] || { lv_log "lv_restart_libvirtd: nothing started"; return 2; }
	a=$(lv__pid virtlogd)
	[ -n "$a" ] || { lv_log "lv_restart_libvirtd: virtlogd is gone, cannot enter the namespace"; return 1; }
	lvd=$(lv__pid libvirtd)
	if [ -n "$lvd" ]; then
		kill -TERM "$lvd"
		if ! lv__wait_gone 15 "$lvd"; then
			lv_log "libvirtd $lvd ignores SIGTERM; killing it"
			kill -KILL "$lvd"
			lv__wait_gone 5 "$lvd" || { lv_log "libvirtd $lvd will not die"; return 1; }
		fi
	fi
	if ! (cd / && env -i PATH="$LV_DAEMON_PATH" HOME=/root LC_ALL=C LV_DIR="$LV_DIR" \
		nsenter -m -t "$a" -- libvirtd -d -p /run/libvirtd.pid) >>"$LV_DIR/lv-ns.out" 2>&1; then
		lv_log "libvirtd failed to restart:"
		tail -n 20 "$LV_DIR/lv-ns.out" "$LV_DIR/var/log/libvirt/libvirtd.log" >&2
		return 1
	fi
	lv__wait_libvirtd || return 1
	lv__write_pids
	lv_log "libvirtd restarted in $((SECONDS - t0)) s (pid $(lv__pid libvirtd))"
}

# lv_stop: destroy all running domains (so stop/release hooks run), then end
# libvirtd, virtlogd, QEMU and anything else in the private namespace, and
# wait until they are gone.  The tree in LV_DIR stays (logs); the namespace
# dies with its last process.  Safe to call twice, or when nothing started;
# meant for `trap lv_stop EXIT`.  Returns nonzero only if processes survive.
lv_stop() {
	local dom doms
	[ -n "$LV_DIR" ] || return 0
	[ -n "$(lv_ns_pids "$LV_DIR")" ] || { rm -f "$LV_DIR/pids"; return 0; }
	if [ -n "$(lv__pid libvirtd)" ]; then
		doms=$(LV_VIRSH_TIMEOUT=15 lv_virsh list --name 2>/dev/null)
		for dom in $doms; do
			LV_VIRSH_TIMEOUT=15 lv_virsh destroy "$dom" >/dev/null 2>&1
		done
	fi
	lv__kill_ns "$LV_DIR" || return 1
	rm -f "$LV_DIR/pids"
	return 0
}

# lv_disk_xml IMAGE [DEV]: a <disk> for a raw image on IDE (default hda).
lv_disk_xml() {
	cat <<-EOF
	<disk type='file' device='disk'>
	  <driver name='qemu' type='raw'/>
	  <source file='$1'/>
	  <target dev='${2:-hda}' bus='ide'/>
	</disk>
	EOF
}

# lv_serial_unix_xml PATH [PORT]: a serial port (COM1 for port 0) whose QEMU
# side listens on the unix socket PATH (mode='bind': QEMU is the server).
lv_serial_unix_xml() {
	cat <<-EOF
	<serial type='unix'>
	  <source mode='bind' path='$1'/>
	  <target port='${2:-0}'/>
	</serial>
	EOF
}

# lv_domain_xml NAME [DEVICES_XML] [METADATA_XML]: print the XML of a small
# TCG domain: 32 MiB, 1 vCPU, i440fx 'pc', no network, no graphics, no
# balloon; DEVICES_XML goes inside <devices>, METADATA_XML inside <metadata>.
lv_domain_xml() {
	local name=$1 devices=${2:-} meta=${3:-}
	echo "<domain type='qemu'>"
	echo "  <name>$name</name>"
	echo "  <memory unit='MiB'>32</memory>"
	echo "  <vcpu>1</vcpu>"
	[ -n "$meta" ] && printf '  <metadata>\n%s\n  </metadata>\n' "$meta"
	cat <<-EOF
	  <os>
	    <type arch='x86_64' machine='pc'>hvm</type>
	    <boot dev='hd'/>
	  </os>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>restart</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>$LV_QEMU</emulator>
	EOF
	[ -n "$devices" ] && printf '%s\n' "$devices"
	cat <<-EOF
	    <memballoon model='none'/>
	  </devices>
	</domain>
	EOF
}

# lv_define_domain NAME [DEVICES_XML] [METADATA_XML]: write the XML of
# lv_domain_xml to DIR/domains/NAME.xml and `virsh define` it.
lv_define_domain() {
	local f=$LV_DIR/domains/$1.xml
	lv_domain_xml "$@" >"$f" || return 1
	lv_virsh define "$f" >/dev/null
}

# lv_domain_pid NAME: PID of the domain's QEMU (from the private
# /run/libvirt/qemu/NAME.pid), if it is running.
lv_domain_pid() {
	local p
	p=$(cat "$LV_DIR/run/libvirt/qemu/$1.pid" 2>/dev/null) || return 0
	lv_alive "$p" && echo "$p"
	return 0
}

# lv_wait SECONDS CMD [ARGS...]: run CMD every 0.1 s until it succeeds;
# fail after SECONDS.
lv_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# lv_serial_expect SOCKET TEXT [SECONDS]: connect to a unix socket (QEMU's
# side of a <serial type='unix'> in mode='bind'; retried until it exists),
# read until TEXT has arrived or SECONDS (default 10) have passed, print what
# was read on stdout.  True if TEXT arrived.  QEMU serves one client at a
# time: do not use it on a socket a daemon under test is connected to.
lv_serial_expect() {
	local sock=$1 text=$2 secs=${3:-10} py
	for py in python3 /usr/bin/python3; do
		command -v "$py" >/dev/null 2>&1 && break
		py=
	done
	if [ -n "$py" ]; then
		"$py" - "$sock" "$text" "$secs" <<-'PYEOF'
		import socket, sys, time
		path, pat, end = sys.argv[1], sys.argv[2].encode(), time.time() + float(sys.argv[3])
		s = None
		while time.time() < end:
		    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		    try:
		        s.connect(path)
		        break
		    except OSError:
		        s.close()
		        s = None
		        time.sleep(0.05)
		if s is None:
		    sys.stderr.write("lv: cannot connect to %s\n" % path)
		    sys.exit(2)
		buf = b""
		while pat not in buf:
		    left = end - time.time()
		    if left <= 0:
		        break
		    s.settimeout(left)
		    try:
		        d = s.recv(4096)
		    except socket.timeout:
		        break
		    if not d:
		        break
		    buf += d
		sys.stdout.write(buf.decode("latin-1"))
		sys.exit(0 if pat in buf else 1)
		PYEOF
		return
	fi
	# Fallback: OpenBSD nc -U.
	lv_wait "$secs" test -S "$sock" || return 2
	local out
	out=$(timeout "$secs" nc -U "$sock" </dev/null 2>/dev/null | { grep -m1 -F -- "$text" || true; })
	printf '%s\n' "$out"
	case $out in *"$text"*) return 0 ;; esac
	return 1
}

# usbrouted beside the private libvirtd (daemon-e2e.sh, daemon-devices.sh,
# tests/bench/toggle-bench.sh), with the caller's DAEMON, CONF, CTL and
# DLOG; its process id in dpid.
# lv_daemon_start: started, its output appended to DLOG; ready when CTL
# accepts a connection (15 s at most)
lv_daemon_start() {
	local i=0
	"$DAEMON" --config "$CONF" >>"$DLOG" 2>&1 &
	dpid=$!
	until [ -S "$CTL" ] && timeout 2 nc -z -U "$CTL" 2>/dev/null; do
		if ! lv_alive "$dpid"; then
			echo "usbrouted exited at start:" >&2
			tail -n 20 "$DLOG" >&2
			return 1
		fi
		i=$((i + 1))
		[ $i -lt 150 ] || { echo "usbrouted: no control socket after 15 s" >&2; return 1; }
		[ $i -ne 10 ] || echo "waiting for usbrouted to accept on $CTL (up to 15 s)..." >&2
		sleep 0.1
	done
}

# lv_stop_pid PID: SIGTERM to a child of this shell, up to 10 s (then
# SIGKILL, said); returns its exit status.  Not in a subshell: only this
# shell can wait for its child.
lv_stop_pid() {
	local end=$((SECONDS + 10))
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	while lv_alive "$1" && [ $SECONDS -lt $end ]; do sleep 0.05; done
	lv_alive "$1" && { kill -KILL "$1" 2>/dev/null; echo "pid $1 ignored SIGTERM" >&2; }
	wait "$1"
}

# lv_daemon_stop: lv_stop_pid of dpid, its exit status in drc
lv_daemon_stop() {
	drc=
	[ -n "$dpid" ] || return 0
	lv_stop_pid "$dpid"
	drc=$?
	dpid=
}
