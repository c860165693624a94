#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run the KUnit tests of one configuration under QEMU.
#
#   kunit.sh [-q] ARCH [SUITE_GLOB]     ARCH: x86_64 i386 i386-pae arm64
#                                             x86_64-debug
#   kunit.sh --config-only ARCH         only generate the .config
#   kunit.sh --build-only ARCH          only build the kernel (prebuild.sh)
#
# The kernel is built out of tree from the assembled tree (run assemble.sh
# first), in build/ARCH, except for the two x86_64 configurations (below).
# The output goes to build/logs/ARCH.log
# (and to the terminal unless -q); its parsed results to
# build/results/ARCH.json; and one line of counts to
# build/results/kunit-ARCH.res for test.sh:
#   kunit <arch> (<build type>) <passed> <failed> <skipped> <seconds>
#         <PASS|FAIL> <log> <note>
# (tab separated).
# A build failure, crash, timeout or missing result counts as a failure.
#
# i386 and i386-pae are one "kunit.py run" each. The x86_64 and arm64
# ones run on the kernels of the end-to-end tests, so that a cold "make
# test" builds three kernels for them, not six: x86_64 on e2e.sh's std
# kernel (build/qemu-x86_64: configs/qemu-x86_64.config plus the
# fragments kunit.py would use, production), x86_64-debug on its san
# kernel (build/qemu-x86_64-san: the same plus configs/debug.config:
# sanitizers, kmemleak), arm64 on its 4K arm64 kernel (build/qemu-arm64:
# configs/qemu-arm64.config plus arm64's KUnit fragments, among them
# configs/arm64.config with the SMMUv3 driver and its KUnit suite).
# "e2e.sh --kernel-only" builds them; they are booted here on kunit.py's
# QEMU machine of the architecture, and "kunit.py parse" reads the
# console. x86_64
# stops after the suites (kunit_shutdown=reboot); x86_64-debug boots on
# into an initramfs whose init (qemu/kunit-debug-init.sh) scans for leaks
# once the built-in suites have run. Two more result lines then go to its
# .res file: "<arch> kmemleak" (no unreferenced object) and "<arch>
# sanitizers" (no KASAN, UBSAN, lockdep, sleep in atomic, WARNING, BUG or
# Oops in the console log).

. "$(dirname "$0")/lib.sh"

quiet=0
config_only=0
build_only=0
while [ $# -gt 0 ]; do
	case $1 in
	-q) quiet=1 ;;
	--config-only) config_only=1 ;;
	--build-only) build_only=1 ;;
	*) break ;;
	esac
	shift
done
ARCH=${1:-}
SUITE=${2:-}
[ -n "$ARCH" ] || genpt_die "usage: kunit.sh [-q] ARCH [SUITE_GLOB] (ARCH: $GENPT_ALL_ARCHS)"
[[ " $GENPT_ALL_ARCHS " == *" $ARCH "* ]] ||
	genpt_die "unknown ARCH '$ARCH' (one of: $GENPT_ALL_ARCHS)"
[ -f "$GENPT_SRC/tools/testing/kunit/kunit.py" ] ||
	genpt_die "build/src is not assembled (run 'make tree')"

# A debug configuration is its base configuration plus configs/debug.config.
BASE=${ARCH%-debug}
debug=0
[ "$BASE" != "$ARCH" ] && debug=1
TYPE=$(genpt_build_type "$ARCH")
BDIR=$(genpt_build_dir "$ARCH")
LOG=$GENPT_LOGS/$ARCH.log
JSON=$GENPT_RESULTS/$ARCH.json
RES=$GENPT_RESULTS/kunit-$ARCH.res
mkdir -p "$GENPT_LOGS" "$GENPT_RESULTS" "$BDIR"

# The x86_64 configurations boot e2e.sh's kernels (std or san), arm64 its
# 4K arm64 kernel (arm64).
own=""
case $ARCH in
x86_64) own=std ;;
x86_64-debug) own=san ;;
arm64) own=arm64 ;;
esac

# The fragments, in kunit.py's order (a later one wins).
frags=()
case $own in
std | san) frags+=("$GENPT_TOOLS/configs/qemu-x86_64.config") ;;
arm64) frags+=("$GENPT_TOOLS/configs/qemu-arm64.config") ;;
esac
frags+=("$GENPT_SRC/drivers/iommu/generic_pt/.kunitconfig" "$GENPT_TOOLS/configs/common.config")
# Options of one configuration only (the AMD IOMMU driver on x86_64).
[ -f "$GENPT_TOOLS/configs/$BASE.config" ] && frags+=("$GENPT_TOOLS/configs/$BASE.config")
[ $debug = 1 ] && frags+=("$GENPT_TOOLS/configs/debug.config")

# Options common to "kunit.py config", "build" and "run".
args=(--build_dir="$BDIR")
for f in "${frags[@]}"; do
	args+=(--kunitconfig="${f#"$GENPT_SRC"/}")
done
# Every boot gets GENPT_KUNIT_CPUS vCPUs (checked in the console log below).
args+=(--qemu_args="-smp $GENPT_KUNIT_CPUS")
case $ARCH in
x86_64 | x86_64-debug) args+=(--arch=x86_64) ;;
# QEMU's default 32-bit CPU has no clflush, which every CPU with an
# IOMMU has and PT_FEAT_DMA_INCOHERENT needs on x86: use the full CPU.
i386) args+=(--arch=i386 --qemu_args='-cpu max') ;;
i386-pae)
	args+=(--arch=i386 --qemu_args='-cpu max' --kconfig_add CONFIG_HIGHMEM64G=y --kconfig_add CONFIG_X86_PAE=y)
	;;
arm64) args+=(--arch=arm64 --cross_compile=aarch64-linux-gnu-) ;;
esac
while read -r v; do
	case $v in
	CC=* | HOSTCC=*) args+=(--make_options "$v") ;;
	esac
done < <(genpt_make_vars "$ARCH")

cd "$GENPT_SRC" || exit 1

if [ $config_only = 1 ] && [ -n "$own" ]; then
	"$GENPT_TOOLS/e2e.sh" --config-only "$own" >"$GENPT_LOGS/$ARCH-config.log" 2>&1 ||
		{ cat "$GENPT_LOGS/$ARCH-config.log"; genpt_die "e2e.sh --config-only $own failed for $ARCH"; }
	exit 0
fi
if [ $config_only = 1 ]; then
	python3 tools/testing/kunit/kunit.py config "${args[@]}" >"$GENPT_LOGS/$ARCH-config.log" 2>&1 ||
		{ cat "$GENPT_LOGS/$ARCH-config.log"; genpt_die "kunit.py config failed for $ARCH"; }
	exit 0
fi
# The build of the run below, to stdout: the "kunit.py run" that follows
# finds it done.
if [ $build_only = 1 ]; then
	[ -z "$own" ] || exec "$GENPT_TOOLS/e2e.sh" --kernel-only "$own" </dev/null
	exec python3 tools/testing/kunit/kunit.py build "${args[@]}" --jobs="$GENPT_JOBS" </dev/null
fi

# Every CONFIG_ line of the fragments must be in the .config, every "is
# not set" one absent from it: a configuration without what its fragments
# ask for must not pass. kunit.py checks only the merged set (into which
# --kconfig_add and its QEMU configuration's lines go without a check) and
# says so in its log only; this names each missing line in the result.
check_fragments() {
	local f missing=()

	[ -f "$BDIR/.config" ] || return 0
	for f in "${frags[@]}"; do
		mapfile -t -O ${#missing[@]} missing < <(genpt_config_missing "$f" "$BDIR/.config")
	done
	[ ${#missing[@]} = 0 ] && return 0
	printf 'not in %s/.config (dependencies not met?): %s' "${BDIR#"$GENPT_ROOT"/}" "${missing[*]}"
}

# The initramfs of the debug boot: a static busybox and our init. Built
# with the kernel's gen_init_cpio from a list, so it needs no root (for
# /dev/console) and no staging directory; uncompressed, the kernel always
# unpacks that.
build_initramfs() {
	local list=$BDIR/genpt-initramfs.list gen=$BDIR/usr/gen_init_cpio applet vars

	[ -x /bin/busybox ] || { echo "/bin/busybox missing (package busybox-static; run deps.sh)"; return 1; }
	if [ ! -x "$gen" ]; then
		mapfile -t vars < <(genpt_make_vars "$ARCH")
		make -C "$GENPT_SRC" O="$BDIR" "${vars[@]}" usr/gen_init_cpio || return 1
	fi
	{
		echo "dir /bin 0755 0 0"
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "file /bin/busybox /bin/busybox 0755 0 0"
		for applet in $(/bin/busybox --list); do
			[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0"
		done
		echo "file /init $GENPT_TOOLS/qemu/kunit-debug-init.sh 0755 0 0"
	} >"$list"
	"$gen" -t 0 "$list" >"$BDIR/genpt-initramfs.cpio"
}

# The x86_64 and arm64 configurations: build e2e.sh's kernel, boot it
# ourselves, parse. x86_64-debug without kunit_shutdown, so that init runs
# after the suites. Output in $LOG; returns the first failing step's
# status. boot_note says why the boot failed.
run_own() {
	local con=$BDIR/test.log qrc cmdline kernel=$BDIR/arch/x86/boot/bzImage tq
	local initrd=() qemu=(qemu-system-x86_64 -bios qboot.rom) console=ttyS0

	local klog=e2e-kernel.log

	[ "$own" = san ] && klog=e2e-san-kernel.log
	if [ "$own" = arm64 ]; then
		# kunit.py's arm64 machine (qemu_configs/arm64.py), no SMMU
		klog=e2e-arm64-kernel.log
		kernel=$BDIR/arch/arm64/boot/Image
		qemu=(qemu-system-aarch64 -machine virt -cpu "max,pauth-impdef=on")
		console=ttyAMA0
	fi
	echo "# genpt: $GENPT_TOOLS/e2e.sh --kernel-only $own (build log: build/logs/$klog)"
	"$GENPT_TOOLS/e2e.sh" --kernel-only "$own" </dev/null 2>&1 || return 1
	config_note=$(check_fragments)
	[ -z "$config_note" ] || return 1

	# As kunit.py's x86_64 and arm64 QEMU (qemu_configs/). panic=-1: a
	# panic reboots, which ends QEMU (-no-reboot) at once.
	cmdline="console=$console panic=-1 kunit.enable=1${SUITE:+ kunit.filter_glob=$SUITE}"
	if [ $debug = 1 ]; then
		# and the initramfs; the kmemleak file is in debugfs
		build_initramfs 2>&1 || { boot_note="cannot build the initramfs"; return 1; }
		initrd=(-initrd "$BDIR/genpt-initramfs.cpio")
	else
		cmdline+=" kunit_shutdown=reboot"
	fi
	echo "# genpt: booting $kernel (console: ${con#"$GENPT_ROOT"/}, timeout ${GENPT_KUNIT_TIMEOUT}s)"
	echo "# genpt: -append '$cmdline'"
	tq=$(genpt_now)
	timeout --kill-after=10 "$GENPT_KUNIT_TIMEOUT" "${qemu[@]}" \
		-nodefaults -m 1024 -smp "$GENPT_KUNIT_CPUS" \
		-display none -monitor none -no-reboot -serial "file:$con" \
		-kernel "$kernel" "${initrd[@]}" \
		-append "$cmdline" </dev/null >"$BDIR/qemu.log" 2>&1
	qrc=$?
	echo "# genpt: QEMU exit status $qrc after $(genpt_elapsed "$tq")s"
	case $qrc in
	0) ;;
	124 | 137) boot_note="QEMU timed out after ${GENPT_KUNIT_TIMEOUT}s" ;;
	*) boot_note="QEMU exit status $qrc: $(head -c 200 "$BDIR/qemu.log" | tr '\n' ' ')" ;;
	esac
	if [ $debug = 1 ] && ! grep -aq GENPT_DEBUG_DONE "$con"; then
		boot_note="${boot_note:+$boot_note; }init did not finish (no GENPT_DEBUG_DONE)"
	fi
	# Test results as kunit.py run would show them.
	python3 tools/testing/kunit/kunit.py parse --json="$JSON" "$con" </dev/null 2>&1 || return 1
	[ -z "$boot_note" ]
}

# panic=-1: a kernel panic reboots, which ends QEMU (-no-reboot), instead
# of hanging until the timeout.
run_args=(run "${args[@]}" --jobs="$GENPT_JOBS" --timeout="$GENPT_KUNIT_TIMEOUT"
	  --kernel_args=panic=-1 --json="$JSON")
[ -n "$SUITE" ] && run_args+=("$SUITE")

rm -f "$JSON" "$RES"
t0=$(genpt_now)
config_note=""
boot_note=""
echo "# genpt: $(date -u '+%F %T UTC') $ARCH ($TYPE)" >"$LOG"
if [ -n "$own" ]; then
	rm -f "$BDIR/test.log"
	# A function's output cannot be tee'd without a subshell, which would
	# lose config_note and boot_note: the log goes through a file.
	if [ $quiet = 1 ]; then
		run_own >>"$LOG" 2>&1
		rc=$?
	else
		run_own > >(tee -a "$LOG") 2>&1
		rc=$?
		wait $!
	fi
else
	# under make test, the background builder may have this one going
	genpt_prebuild_claim "$ARCH"
	echo "# genpt: cd $GENPT_SRC && python3 tools/testing/kunit/kunit.py ${run_args[*]}" >>"$LOG"
	if [ $quiet = 1 ]; then
		python3 tools/testing/kunit/kunit.py "${run_args[@]}" </dev/null >>"$LOG" 2>&1
		rc=$?
	else
		python3 tools/testing/kunit/kunit.py "${run_args[@]}" </dev/null 2>&1 | tee -a "$LOG"
		rc=${PIPESTATUS[0]}
	fi
	config_note=$(check_fragments)
fi
secs=$(genpt_elapsed "$t0")
echo "# genpt: exit status $rc after ${secs}s" >>"$LOG"

# The configuration must be the one the name promises.
case $ARCH in
i386-pae)
	grep -qx 'CONFIG_X86_PAE=y' "$BDIR/.config" 2>/dev/null ||
		config_note="CONFIG_X86_PAE=y missing from build/$ARCH/.config"
	;;
i386)
	grep -qx 'CONFIG_X86_PAE=y' "$BDIR/.config" 2>/dev/null &&
		config_note="CONFIG_X86_PAE=y set in build/$ARCH/.config (must be off)"
	;;
esac
# And the machine too: a kernel that brings up fewer CPUs than QEMU has
# would run the concurrency suites on one.
if [ -f "$BDIR/test.log" ] && grep -aq 'KTAP version' "$BDIR/test.log" &&
   ! grep -aq "smp: Brought up .*, $GENPT_KUNIT_CPUS CPUs" "$BDIR/test.log"; then
	config_note="${config_note:+$config_note; }not $GENPT_KUNIT_CPUS CPUs: $(grep -a -m1 -o 'smp: Brought up.*' "$BDIR/test.log" || echo 'no "smp: Brought up" line')"
fi
[ -n "$config_note" ] && echo "# genpt: $config_note" >>"$LOG"
[ -n "$boot_note" ] && echo "# genpt: $boot_note" >>"$LOG"

report_args=(--arch "$ARCH" --type "$TYPE" --log "$LOG" --json "$JSON" --rc "$rc" --seconds "$secs")
[ -n "$config_note" ] && report_args+=(--error "$config_note")
[ -n "$boot_note" ] && report_args+=(--error "$boot_note")
python3 "$GENPT_TOOLS/report.py" kunit-result "${report_args[@]}" >"$RES" ||
	genpt_die "cannot parse the results of $ARCH"
if [ $debug = 1 ]; then
	# Once all suites have run: kmemleak's report and the sanitizers'.
	python3 "$GENPT_TOOLS/report.py" debug-result --arch "$ARCH" \
		--console "$BDIR/test.log" \
		--details "$GENPT_RESULTS/$ARCH-debug-details.txt" >>"$RES" ||
		genpt_die "cannot check the console log of $ARCH"
fi

status=PASS
if [ $debug = 1 ]; then
	# kmemleak and sanitizers: one line each, after the KUnit line.
	while IFS=$'\t' read -r _ name _ _ _ _ st _ n; do
		if [ "$st" = PASS ]; then
			genpt_msg "kunit $name: ok ($n)"
		else
			genpt_err "kunit $name FAILED: $n"
			status=FAIL
		fi
	done < <(tail -n +2 "$RES")
	if [ $status = FAIL ]; then
		genpt_err "first reports (all: ${GENPT_RESULTS#"$GENPT_ROOT"/}/$ARCH-debug-details.txt, console: ${BDIR#"$GENPT_ROOT"/}/test.log):"
		head -n 60 "$GENPT_RESULTS/$ARCH-debug-details.txt" | sed 's/^/    /' >&2
	fi
fi
IFS=$'\t' read -r _ _ passed failed skipped _ kstatus _ note <"$RES"
[ "$note" = - ] && note=""
if [ "$kstatus" = PASS ]; then
	genpt_msg "kunit $ARCH ($TYPE): $passed passed, $failed failed, $skipped skipped (${secs}s)"
else
	genpt_err "kunit $ARCH ($TYPE) FAILED: $passed passed, $failed failed, $skipped skipped (${secs}s)${note:+: $note}"
	if [ $quiet = 1 ]; then
		genpt_err "log: ${LOG#"$GENPT_ROOT"/} (kernel console: ${BDIR#"$GENPT_ROOT"/}/test.log)"
		if [ -f "$JSON" ]; then
			# Tests ran: show the first failures with their details.
			pattern='EXPECTATION FAILED|ASSERTION FAILED|\[(FAILED|CRASHED)\]|Kernel panic|BUG:|Oops|timed out'
			genpt_err "first failures:"
			grep -m 12 -A3 -E "$pattern" "$LOG" | sed 's/^/    /' >&2
			genpt_err "last lines:"
			tail -n 12 "$LOG" | sed 's/^/    /' >&2
		else
			# Configuration, build or boot failure.
			if grep -q -E 'error:|Error [0-9]+|ERROR:' "$LOG"; then
				genpt_err "first errors:"
				grep -m 15 -E 'error:|Error [0-9]+|ERROR:' "$LOG" | sed 's/^/    /' >&2
			fi
			genpt_err "last lines:"
			tail -n 30 "$LOG" | sed 's/^/    /' >&2
		fi
	else
		genpt_err "log: ${LOG#"$GENPT_ROOT"/} (kernel console: ${BDIR#"$GENPT_ROOT"/}/test.log)"
	fi
	status=FAIL
fi
[ "$status" = PASS ]
