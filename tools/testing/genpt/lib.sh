# SPDX-License-Identifier: GPL-2.0
#
# Common settings for the genpt build and test scripts. Sourced, not run.
#
# Layout (all under $GENPT_BUILD, default <repo>/build, git-ignored):
#   pristine/<id>/linux-source-6.12   unpacked tarball, never written to
#   src/                              assembled tree (git: base + patches/)
#   <arch>/                           out-of-tree KUnit build per config
#   qemu-x86_64[-san]/                the e2e kernels, also the x86_64
#                                     and x86_64-debug KUnit builds
#   qemu-arm64[-64k]/                 the arm64 e2e kernels (smmuv3 cases),
#                                     the 4K one also the arm64 KUnit build
#   logs/, results/                   per-run output
# The compiler cache lives outside the checkout, in
# ${XDG_CACHE_HOME:-~/.cache}/genpt-ccache, so that a fresh clone on the
# same machine (CI) reuses it; CCACHE_BASEDIR makes its entries independent
# of where the checkout is.

set -o pipefail

GENPT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
GENPT_BUILD=${GENPT_BUILD:-$GENPT_ROOT/build}
# The subtree synced into the assembled tree. Defaults to the repository;
# point it at a scratch copy with the same layout to test the pipeline
# against other sources.
GENPT_SUBTREE_SRC=${GENPT_SUBTREE_SRC:-$GENPT_ROOT}
GENPT_SRC=$GENPT_BUILD/src
GENPT_LOGS=$GENPT_BUILD/logs
GENPT_RESULTS=$GENPT_BUILD/results
GENPT_TOOLS=$GENPT_ROOT/tools/testing/genpt

GENPT_TARBALL=${GENPT_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
GENPT_SRCPKG=linux-source-6.12
GENPT_SRCPKG_PIN=6.12.117-1~deb12u1

# QEMU 10.0 from bookworm-backports (deps.sh): the version the e2e matrix
# was tested with; the newest 10.x offered if that one is gone.
GENPT_QEMU_SUITE=bookworm-backports
GENPT_QEMU_PKGS="qemu-system-x86 qemu-system-arm qemu-system-data qemu-system-common"
GENPT_QEMU_PIN=1:10.0.2+ds-2+deb13u1~bpo12+1
GENPT_QEMU_SOURCES=/etc/apt/sources.list.d/genpt-bookworm-backports.sources

# Directories and files of the kernel tree that the repository owns. They
# are copied over the assembled tree and never appear in patches/.
GENPT_OWNED_DIRS="drivers/iommu/generic_pt include/linux/generic_pt"
GENPT_OWNED_FILES="Documentation/driver-api/generic_pt.rst"

# The KUnit configurations. The first four are production builds
# (.kunitconfig: what users ship); x86_64-debug is x86_64 plus
# configs/debug.config (DEBUG_GENERIC_PT, fault injection, KASAN, UBSAN,
# lockdep, kmemleak), booted to user space for a kmemleak scan.
GENPT_ALL_ARCHS="x86_64 i386 i386-pae arm64 x86_64-debug"
# The configurations "make test" runs; may be narrowed from the environment.
GENPT_ARCHS=${GENPT_ARCHS:-$GENPT_ALL_ARCHS}

GENPT_JOBS=${GENPT_JOBS:-$(nproc)}
GENPT_KUNIT_TIMEOUT=${GENPT_KUNIT_TIMEOUT:-900}
# vCPUs of every KUnit boot: the concurrency suites run 4 threads or more,
# which must be able to race on distinct CPUs.
GENPT_KUNIT_CPUS=${GENPT_KUNIT_CPUS:-4}

# The kernel's make reads these from the environment; the scripts pass
# what they need explicitly.
unset ARCH CROSS_COMPILE LLVM KBUILD_OUTPUT KCONFIG_CONFIG

# Reproducible build identity, so that ccache can hit on init/ and friends.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-"Thu Jan  1 00:00:00 UTC 2026"}
export KBUILD_BUILD_USER=${KBUILD_BUILD_USER:-genpt}
export KBUILD_BUILD_HOST=${KBUILD_BUILD_HOST:-genpt}
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/genpt-ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$GENPT_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export LC_ALL=C
export DEBIAN_FRONTEND=noninteractive

genpt_msg() { printf 'genpt: %s\n' "$*"; }
genpt_err() { printf 'genpt: error: %s\n' "$*" >&2; }
genpt_die() { genpt_err "$*"; exit 1; }

# The identity that authors and signs off exported patches: GENPT_SIGNOFF
# ("Name <email>"), else git's user.name and user.email as the repository
# sees them. Prints nothing if neither is set; fails for a GENPT_SIGNOFF
# that is not "Name <email>".
genpt_identity() {
	local name email

	if [ -n "${GENPT_SIGNOFF:-}" ]; then
		[[ $GENPT_SIGNOFF =~ ^[^\<\>]*[^[:space:]\<\>][[:space:]]+\<[^[:space:]\<\>@]+@[^[:space:]\<\>]+\>$ ]] ||
			return 1
		printf '%s\n' "$GENPT_SIGNOFF"
		return 0
	fi
	name=$(git -C "$GENPT_ROOT" config user.name 2>/dev/null)
	email=$(git -C "$GENPT_ROOT" config user.email 2>/dev/null)
	if [ -n "$name" ] && [ -n "$email" ]; then
		printf '%s <%s>\n' "$name" "$email"
	fi
	return 0
}

genpt_now() { printf '%s' "$EPOCHREALTIME"; }
genpt_elapsed() { awk -v a="$1" -v b="$(genpt_now)" 'BEGIN { printf "%.1f", b - a }'; }

# git on the assembled tree only; never falls back to the enclosing repo.
srcgit() {
	git --git-dir="$GENPT_SRC/.git" --work-tree="$GENPT_SRC" -C "$GENPT_SRC" "$@"
}

genpt_have_ccache() {
	[ "${GENPT_NO_CCACHE:-}" != 1 ] && command -v ccache >/dev/null 2>&1
}

# Kernel make variables for one test configuration, one per line so that
# callers can read them into an array. kunit.py and the static checks use
# the same ones, so that neither invalidates the other's objects.
genpt_make_vars() {
	local arch=$1 cc=gcc prefix=""

	case $arch in
	x86_64 | x86_64-debug) echo "ARCH=x86_64" ;;
	i386 | i386-pae) echo "ARCH=i386" ;;
	arm64)
		echo "ARCH=arm64"
		prefix=aarch64-linux-gnu-
		echo "CROSS_COMPILE=$prefix"
		;;
	*) genpt_die "unknown configuration '$arch' (one of: $GENPT_ALL_ARCHS)" ;;
	esac
	if genpt_have_ccache; then
		echo "CC=ccache ${prefix}$cc"
		echo "HOSTCC=ccache gcc"
	fi
}

# The build directory of a KUnit configuration. The x86_64 and arm64 ones
# run on the kernels of the end-to-end tests (e2e.sh: std, san and arm64,
# see kunit.sh).
genpt_build_dir() {
	case $1 in
	x86_64) printf '%s/qemu-x86_64' "$GENPT_BUILD" ;;
	x86_64-debug) printf '%s/qemu-x86_64-san' "$GENPT_BUILD" ;;
	arm64) printf '%s/qemu-arm64' "$GENPT_BUILD" ;;
	*) printf '%s/%s' "$GENPT_BUILD" "$1" ;;
	esac
}

# What a configuration builds, as the stage list and the summary show it.
genpt_build_type() {
	case $1 in
	*-debug) printf 'debug+sanitizers' ;;
	*) printf 'production' ;;
	esac
}

# Kernels built ahead of need (prebuild.sh, which test.sh starts in the
# background). With GENPT_PREBUILD naming its directory, a script about
# to build kernel NAME (std, san, arm64, arm64-64k, i386, i386-pae) calls
# this first: it tells the background builder not to start NAME, and
# waits while it builds NAME, so that no build directory has two makes.
# Without GENPT_PREBUILD it does nothing.
genpt_prebuild_claim() {
	local d=${GENPT_PREBUILD:-} fd

	[ -n "$d" ] && [ -d "$d" ] || return 0
	: >"$d/$1.claimed"
	exec {fd}>"$d/$1.lock"
	flock "$fd"
	exec {fd}>&-
}

genpt_pristine_id() {
	local v
	v=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$GENPT_SRCPKG" 2>/dev/null)
	case $v in
	"installed "*) printf '%s' "${v#installed }" ;;
	*) printf 'sha256-%s' "$(sha256sum "$GENPT_TARBALL" | cut -c1-16)" ;;
	esac
}

# genpt_config_missing FRAGMENT CONFIG: print, one per line, each line of
# the config fragment FRAGMENT that the generated CONFIG lacks: a
# CONFIG_X=v not in it, or a "# CONFIG_X is not set" whose X is set
# there. Kconfig drops what unmet dependencies forbid without a word.
genpt_config_missing() {
	local line sym

	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$2" || printf '%s\n' "$line"
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$2"; then
				printf '%s\n' "$line"
			fi
			;;
		esac
	done <"$1"
}
