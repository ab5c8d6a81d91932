#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sets up what is missing on a Debian 12 machine and builds usbroute in
# the source tree.  Sourced by quickstart.sh and run-all.sh; safe to run
# again (it installs only missing packages and rebuilds only what
# changed).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

packages=(
	# build
	autoconf automake make gcc pkg-config
	libpci-dev libxml2-dev libvirt-dev libcmocka-dev
	# tests: independent checks and the real libvirt + QEMU
	pciutils libxml2-utils python3 binutils util-linux procps groff-base
	systemd
	netcat-openbsd
	libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu
	qemu-system-x86 qemu-utils seabios
	# tests/deb/package.sh: the Debian package from a clone
	git build-essential debhelper dpkg-dev lintian bash-completion systemd
	# the sanitizer pass of run-all.sh: clang with ASan + UBSan runtimes
	clang libclang-rt-14-dev
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	say "installing ${missing[*]} (apt-get; takes a minute)"
	# Another apt (unattended-upgrades on a fresh machine, a second run)
	# may hold dpkg's lock: wait for it rather than fail at once.
	apt=(apt-get -q -o DPkg::Lock::Timeout=300)
	as_root "${apt[@]}" update >/dev/null
	# A package's postinst must not start a system libvirtd: the tests
	# run a private one and never touch the machine's.
	as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	say "autoreconf"
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
	say "configure"
	./configure --quiet --sysconfdir=/etc --localstatedir=/var --enable-werror
fi
say "make"
make -s -j"$(nproc)" >/dev/null
