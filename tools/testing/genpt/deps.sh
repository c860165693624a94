#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build needs, only those that are missing,
# so that a warm run never calls apt. linux-source-6.12 is pinned to the
# version the patch series was written against when apt offers it.

. "$(dirname "$0")/lib.sh"

# Build tools the kernel needs on any machine, then the ones the brief lists.
# The end-to-end boots (e2e.sh, "make run") need qemu-system-x86 with
# qemu-system-data (qboot.rom), busybox-static, cpio, gzip and, for the
# static guest tools, libc6-dev's libc.a.
PKGS="make gcc libc6-dev git perl python3 xz-utils flex bison bc libelf-dev
libssl-dev sparse cpio gzip rsync busybox-static ccache qemu-system-x86
qemu-system-data qemu-system-arm gcc-aarch64-linux-gnu $GENPT_SRCPKG"

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

if ! command -v dpkg-query >/dev/null; then
	genpt_err "not a Debian system: install by hand: ${PKGS//$'\n'/ }"
	exit 1
fi

missing=()
for p in $PKGS; do
	is_installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	genpt_msg "installing missing packages: ${missing[*]}"
	if [ "$(id -u)" = 0 ]; then
		SUDO=()
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
	else
		genpt_die "need root to install: ${missing[*]} (run: apt-get install ${missing[*]})"
	fi
	"${SUDO[@]}" apt-get update -q || genpt_die "apt-get update failed"

	install=()
	for p in "${missing[@]}"; do
		if [ "$p" = "$GENPT_SRCPKG" ]; then
			if apt-cache madison "$p" | awk -F'|' '{gsub(/ /, "", $2); print $2}' |
			   grep -qxF "$GENPT_SRCPKG_PIN"; then
				p="$p=$GENPT_SRCPKG_PIN"
			else
				genpt_msg "warning: $GENPT_SRCPKG $GENPT_SRCPKG_PIN not offered by apt, using the candidate version"
			fi
		fi
		install+=("$p")
	done
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${install[@]}" </dev/null || genpt_die "apt-get install failed"
fi

[ -r "$GENPT_TARBALL" ] || genpt_die "$GENPT_TARBALL missing after installing $GENPT_SRCPKG"

ver=$(dpkg-query -W -f='${Version}' "$GENPT_SRCPKG" 2>/dev/null)
if [ "$ver" = "$GENPT_SRCPKG_PIN" ]; then
	genpt_msg "using $GENPT_SRCPKG $ver (pinned version)"
else
	genpt_msg "using $GENPT_SRCPKG $ver (pinned $GENPT_SRCPKG_PIN not available)"
fi
