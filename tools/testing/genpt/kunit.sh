#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run the KUnit tests of one configuration under QEMU.
#
#   kunit.sh [-q] ARCH [SUITE_GLOB]     ARCH: x86_64 i386 i386-pae arm64
#   kunit.sh --config-only ARCH         only generate build/ARCH/.config
#
# The kernel is built out of tree in build/ARCH from the assembled tree
# (run assemble.sh first). kunit.py's output goes to build/logs/ARCH.log
# (and to the terminal unless -q); its parsed results to
# build/results/ARCH.json; and one line of counts to
# build/results/kunit-ARCH.res for test.sh:
#   kunit <arch> <passed> <failed> <skipped> <seconds> <PASS|FAIL> <log> <note>
# (tab separated).
# A build failure, crash, timeout or missing result counts as a failure.

. "$(dirname "$0")/lib.sh"

quiet=0
config_only=0
while [ $# -gt 0 ]; do
	case $1 in
	-q) quiet=1 ;;
	--config-only) config_only=1 ;;
	*) break ;;
	esac
	shift
done
ARCH=${1:-}
SUITE=${2:-}
[ -n "$ARCH" ] || genpt_die "usage: kunit.sh [-q] ARCH [SUITE_GLOB] (ARCH: $GENPT_ALL_ARCHS)"
[ -f "$GENPT_SRC/tools/testing/kunit/kunit.py" ] ||
	genpt_die "build/src is not assembled (run 'make tree')"

BDIR=$(genpt_build_dir "$ARCH")
LOG=$GENPT_LOGS/$ARCH.log
JSON=$GENPT_RESULTS/$ARCH.json
RES=$GENPT_RESULTS/kunit-$ARCH.res
mkdir -p "$GENPT_LOGS" "$GENPT_RESULTS" "$BDIR"

# Options common to "kunit.py config" and "kunit.py run".
args=(--build_dir="$BDIR"
      --kunitconfig=drivers/iommu/generic_pt/.kunitconfig
      --kunitconfig="$GENPT_TOOLS/configs/common.config")
# Every boot gets GENPT_KUNIT_CPUS vCPUs (checked in the console log below).
args+=(--qemu_args="-smp $GENPT_KUNIT_CPUS")
case $ARCH in
x86_64) args+=(--arch=x86_64) ;;
# QEMU's default 32-bit CPU has no clflush, which every CPU with an
# IOMMU has and PT_FEAT_DMA_INCOHERENT needs on x86: use the full CPU.
i386) args+=(--arch=i386 --qemu_args='-cpu max') ;;
i386-pae)
	args+=(--arch=i386 --qemu_args='-cpu max' --kconfig_add CONFIG_HIGHMEM64G=y --kconfig_add CONFIG_X86_PAE=y)
	;;
arm64) args+=(--arch=arm64 --cross_compile=aarch64-linux-gnu-) ;;
*) genpt_die "unknown ARCH '$ARCH' (one of: $GENPT_ALL_ARCHS)" ;;
esac
# Four vCPUs: the stress and store race suites run threads that must
# really race.
args+=(--qemu_args='-smp 4')
# Options of one configuration only (the AMD IOMMU driver on x86_64).
[ -f "$GENPT_TOOLS/configs/$ARCH.config" ] &&
	args+=(--kunitconfig="$GENPT_TOOLS/configs/$ARCH.config")
while read -r v; do
	case $v in
	CC=* | HOSTCC=*) args+=(--make_options "$v") ;;
	esac
done < <(genpt_make_vars "$ARCH")

cd "$GENPT_SRC" || exit 1

if [ $config_only = 1 ]; then
	python3 tools/testing/kunit/kunit.py config "${args[@]}" >"$GENPT_LOGS/$ARCH-config.log" 2>&1 ||
		{ cat "$GENPT_LOGS/$ARCH-config.log"; genpt_die "kunit.py config failed for $ARCH"; }
	exit 0
fi

# panic=-1: a kernel panic reboots, which ends QEMU (-no-reboot), instead
# of hanging until the timeout.
run_args=(run "${args[@]}" --jobs="$GENPT_JOBS" --timeout="$GENPT_KUNIT_TIMEOUT"
	  --kernel_args=panic=-1 --json="$JSON")
[ -n "$SUITE" ] && run_args+=("$SUITE")

rm -f "$JSON" "$RES"
t0=$(genpt_now)
{
	echo "# genpt: $(date -u '+%F %T UTC') $ARCH"
	echo "# genpt: cd $GENPT_SRC && python3 tools/testing/kunit/kunit.py ${run_args[*]}"
} >"$LOG"
if [ $quiet = 1 ]; then
	python3 tools/testing/kunit/kunit.py "${run_args[@]}" </dev/null >>"$LOG" 2>&1
	rc=$?
else
	python3 tools/testing/kunit/kunit.py "${run_args[@]}" </dev/null 2>&1 | tee -a "$LOG"
	rc=${PIPESTATUS[0]}
fi
secs=$(genpt_elapsed "$t0")
echo "# genpt: kunit.py exit status $rc after ${secs}s" >>"$LOG"

# The configuration must be the one the name promises.
config_note=""
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

python3 "$GENPT_TOOLS/report.py" kunit-result --arch "$ARCH" --log "$LOG" \
	--json "$JSON" --rc "$rc" --seconds "$secs" --config-error "$config_note" >"$RES" ||
	genpt_die "cannot parse the results of $ARCH"

IFS=$'\t' read -r _ _ passed failed skipped _ status _ note <"$RES"
[ "$note" = - ] && note=""
if [ "$status" = PASS ]; then
	genpt_msg "kunit $ARCH: $passed passed, $failed failed, $skipped skipped (${secs}s)"
else
	genpt_err "kunit $ARCH FAILED: $passed passed, $failed failed, $skipped skipped (${secs}s)${note:+: $note}"
	if [ $quiet = 1 ]; then
		genpt_err "log: ${LOG#$GENPT_ROOT/} (kernel console: build/$ARCH/test.log)"
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
		genpt_err "log: ${LOG#$GENPT_ROOT/} (kernel console: build/$ARCH/test.log)"
	fi
	exit 1
fi
