#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build needs, only those that are missing,
# so that a warm run never calls apt. linux-source-6.12 is pinned to the
# version the patch series was written against when apt offers it.
#
# QEMU comes from bookworm-backports, the only place Debian 12 gets QEMU
# 10.0: its intel-iommu walks the VT-d first stage (x-flts), which QEMU
# 7.2 cannot, and its SMMUv3 has a stage property. deps.sh adds a sources
# entry of its own for that suite, on the mirror the machine already uses
# for bookworm, and installs only the QEMU packages from it (pinned as
# GENPT_QEMU_PIN, else the newest 10.x offered), with the dependencies
# bookworm cannot satisfy (QEMU 10.0 needs a newer seabios) and no
# Recommends. Backports has apt priority 100, below bookworm's 500, so
# nothing else moves there, then or on a later upgrade.

. "$(dirname "$0")/lib.sh"

# Build tools the kernel needs on any machine, then the ones the brief lists.
# The end-to-end boots (e2e.sh, "make run") need qemu-system-x86 with
# qemu-system-data (qboot.rom), busybox-static, cpio, gzip and, for the
# static guest tools, libc6-dev's libc.a; the arm64 ones (the smmuv3
# cases) the cross compiler with libc6-dev-arm64-cross and, for the guest's
# shell, Debian's busybox-static for arm64, unpacked into
# build/busybox-arm64 (below). The docs check (docs.sh) needs Sphinx with
# docutils, what the kernel's kerneldoc extension imports (Debian 12:
# Sphinx 5.3), and nothing else of Documentation/sphinx/requirements.txt:
# alabaster comes with it, and no extension the check loads imports pyyaml.
# The QEMU packages are below.
PKGS="make gcc libc6-dev git perl python3 xz-utils flex bison bc libelf-dev
libssl-dev sparse cpio gzip rsync busybox-static ccache
gcc-aarch64-linux-gnu libc6-dev-arm64-cross python3-sphinx $GENPT_SRCPKG"

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

# QEMU 10.x installed from backports? (the version of every package)
qemu_ok() {
	local p v

	for p in $GENPT_QEMU_PKGS; do
		is_installed "$p" || return 1
		v=$(dpkg-query -W -f='${Version}' "$p")
		[[ $v == 1:10.* ]] || return 1
	done
}
need_qemu=0
qemu_ok || need_qemu=1

need_root() {
	if [ "$(id -u)" = 0 ]; then
		SUDO=()
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
	else
		genpt_die "need root to install: $*"
	fi
}

APT_OPTS=(-y -q --no-install-recommends
	  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

if [ ${#missing[@]} -gt 0 ] || [ $need_qemu = 1 ]; then
	need_root "${missing[*]} QEMU 10.x from $GENPT_QEMU_SUITE"
fi

# The mirror the machine uses for bookworm: the first URI of a deb822
# stanza (sources.list.d/*.sources) or one-line entry (sources.list*)
# whose suites include bookworm.
debian_mirror() {
	local f

	for f in /etc/apt/sources.list.d/*.sources; do
		if [ ! -r "$f" ] || [ "$f" = "$GENPT_QEMU_SOURCES" ]; then
			continue
		fi
		awk 'BEGIN { RS = ""; FS = "\n" }
		     {
			uri = ""; deb = 0; suite = 0; enabled = 1
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^Types:.*(^|[ \t])deb([ \t]|$)/) deb = 1
				if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uri = u[2] }
				if ($i ~ /^Suites:.*(^|[ \t])bookworm([ \t]|$)/) suite = 1
				if ($i ~ /^Enabled:[ \t]*no/) enabled = 0
			}
			if (deb && suite && enabled && uri != "") { print uri; exit }
		     }' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++
				   if ($i ~ /^\[/ || $i ~ /\]$/) i++
				   if ($(i + 1) == "bookworm") print $i }'
}

# Our sources entry for the backports suite, if it is not there yet.
add_backports() {
	local mirror

	[ -f "$GENPT_QEMU_SOURCES" ] && return 0
	mirror=$(debian_mirror | head -n 1)
	[ -n "$mirror" ] ||
		genpt_die "no apt source for bookworm found in /etc/apt: cannot tell which Debian mirror to take $GENPT_QEMU_SUITE from"
	genpt_msg "adding $GENPT_QEMU_SUITE ($mirror) as $GENPT_QEMU_SOURCES"
	printf '%s\n' "# Added by genpt's deps.sh: QEMU 10.0 for the e2e tests." \
		"Types: deb" "URIs: $mirror" "Suites: $GENPT_QEMU_SUITE" \
		"Components: main" \
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
		"${SUDO[@]}" tee "$GENPT_QEMU_SOURCES" >/dev/null ||
		genpt_die "cannot write $GENPT_QEMU_SOURCES"
}

if [ $need_qemu = 1 ]; then
	add_backports
	updated=1
	"${SUDO[@]}" apt-get update -q || genpt_die "apt-get update failed"
	# The pinned version, else the newest 10.x, of qemu-system-x86 in
	# the suite; the others must offer the same version.
	offered=$(apt-cache madison qemu-system-x86 | awk -F'|' -v s="$GENPT_QEMU_SUITE" \
		'$3 ~ s "/main" { gsub(/ /, "", $2); print $2 }')
	if grep -qxF "$GENPT_QEMU_PIN" <<<"$offered"; then
		qv=$GENPT_QEMU_PIN
	else
		qv=$(grep '^1:10\.' <<<"$offered" | sort -V | tail -n 1)
		[ -n "$qv" ] ||
			genpt_die "$GENPT_QEMU_SUITE offers no QEMU 10.x (qemu-system-x86: ${offered:-none}); the e2e tests need QEMU 10.0 (see README, \"Which QEMU\")"
		genpt_msg "warning: QEMU $GENPT_QEMU_PIN not offered by $GENPT_QEMU_SUITE, using $qv"
	fi
	install=()
	for p in $GENPT_QEMU_PKGS; do
		install+=("$p=$qv")
	done
	genpt_msg "installing QEMU $qv from $GENPT_QEMU_SUITE: $GENPT_QEMU_PKGS"
	"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" -t "$GENPT_QEMU_SUITE" \
		"${install[@]}" </dev/null || genpt_die "apt-get install of QEMU $qv failed"
	qemu_ok || genpt_die "QEMU 10.x not installed after apt-get install"
fi

if [ ${#missing[@]} -gt 0 ]; then
	genpt_msg "installing missing packages: ${missing[*]}"
	[ -n "${updated:-}" ] ||
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
	"${SUDO[@]}" apt-get install "${APT_OPTS[@]}" "${install[@]}" </dev/null ||
		genpt_die "apt-get install failed"
fi

[ -r "$GENPT_TARBALL" ] || genpt_die "$GENPT_TARBALL missing after installing $GENPT_SRCPKG"

# The arm64 guests' busybox: busybox-static:arm64 of the version the host
# has (the same applets, which the host's busybox lists for the
# initramfs), downloaded with apt (the arm64 architecture added to dpkg
# for its package lists; nothing of arm64 is installed) and unpacked into
# build/busybox-arm64.
BB_ARM64=$GENPT_BUILD/busybox-arm64
if [ ! -x "$BB_ARM64/bin/busybox" ]; then
	need_root "busybox-static:arm64"
	bbv=$(dpkg-query -W -f='${Version}' busybox-static)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		genpt_msg "adding the arm64 architecture to dpkg (for busybox-static:arm64)"
		"${SUDO[@]}" dpkg --add-architecture arm64 || genpt_die "dpkg --add-architecture arm64 failed"
		"${SUDO[@]}" apt-get update -q || genpt_die "apt-get update failed"
	fi
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	( cd "$tmp" && "${SUDO[@]}" apt-get download -q "busybox-static:arm64=$bbv" ) ||
		genpt_die "apt-get download busybox-static:arm64=$bbv failed"
	rm -rf "$BB_ARM64.new"
	mkdir -p "$BB_ARM64.new"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$BB_ARM64.new" ||
		genpt_die "cannot unpack busybox-static:arm64"
	rm -rf "$tmp" "$BB_ARM64"
	mv "$BB_ARM64.new" "$BB_ARM64"
	genpt_msg "busybox-static:arm64 $bbv unpacked into ${BB_ARM64#"$GENPT_ROOT"/}"
fi

ver=$(dpkg-query -W -f='${Version}' "$GENPT_SRCPKG" 2>/dev/null)
if [ "$ver" = "$GENPT_SRCPKG_PIN" ]; then
	genpt_msg "using $GENPT_SRCPKG $ver (pinned version)"
else
	genpt_msg "using $GENPT_SRCPKG $ver (pinned $GENPT_SRCPKG_PIN not available)"
fi

qv=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null)
if [ "$qv" = "$GENPT_QEMU_PIN" ]; then
	genpt_msg "using QEMU $qv from $GENPT_QEMU_SUITE (pinned version)"
else
	genpt_msg "using QEMU $qv (pinned $GENPT_QEMU_PIN not installed)"
fi
