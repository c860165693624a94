#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the benchmark kernel of one architecture, run the genpt_bench
# KUnit suites under QEMU (or UML), and print the table of results.
#
#   bench.sh [ARCH]       ARCH: x86_64 (default) or any kunit.py --arch
#
# The kernel is built in build/bench-ARCH from configs/bench.config,
# configs/common.config and configs/ARCH.config if it exists. Each pair of
# a genpt format and the io-pgtable it is compared with that the
# configuration builds shows up in the table (kunit/kunit_bench.h); x86_64 has
# amdv1/AMD_IOMMU_V1 and x86_64/AMD_IOMMU_V2. The figures come from TCG
# (or UML): only ratios mean something.
#
# Output: build/logs/bench-ARCH.log (kunit.py), build/bench-ARCH/test.log
# (kernel console), build/results/bench-ARCH.txt (the table).

. "$(dirname "$0")/lib.sh"

ARCH=${1:-x86_64}
BDIR=$GENPT_BUILD/bench-$ARCH
LOG=$GENPT_LOGS/bench-$ARCH.log
OUT=$GENPT_RESULTS/bench-$ARCH.txt
[ -f "$GENPT_SRC/tools/testing/kunit/kunit.py" ] ||
	genpt_die "build/src is not assembled (run 'make tree')"
mkdir -p "$GENPT_LOGS" "$GENPT_RESULTS" "$BDIR"

# UML has no SMP, and its COMPILE_TEST (configs/um.config) hides
# LOCALVERSION_AUTO: kunit.py refuses a fragment line it cannot satisfy, so
# UML gets common.config without those two.
common=$GENPT_TOOLS/configs/common.config
if [ "$ARCH" = um ]; then
	common=$BDIR/common-um.config
	grep -v -E '^(CONFIG_SMP=|# CONFIG_LOCALVERSION_AUTO )' \
		"$GENPT_TOOLS/configs/common.config" >"$common"
fi
args=(run --build_dir="$BDIR" --arch="$ARCH"
      --kunitconfig="$GENPT_TOOLS/configs/bench.config"
      --kunitconfig="$common")
[ -f "$GENPT_TOOLS/configs/$ARCH.config" ] &&
	args+=(--kunitconfig="$GENPT_TOOLS/configs/$ARCH.config")
if genpt_have_ccache; then
	args+=(--make_options "CC=ccache gcc" --make_options "HOSTCC=ccache gcc")
fi
args+=(--jobs="$GENPT_JOBS" --timeout="$GENPT_KUNIT_TIMEOUT"
       --kernel_args=panic=-1 'genpt_bench*')

cd "$GENPT_SRC" || exit 1
genpt_msg "bench $ARCH: building and running (build/bench-$ARCH)"
t0=$(genpt_now)
python3 tools/testing/kunit/kunit.py "${args[@]}" </dev/null >"$LOG" 2>&1
rc=$?
secs=$(genpt_elapsed "$t0")
if [ $rc != 0 ]; then
	genpt_err "bench $ARCH failed after ${secs}s (kunit.py exit status $rc); log: ${LOG#$GENPT_ROOT/}"
	tail -n 30 "$LOG" | sed 's/^/    /' >&2
	exit 1
fi
python3 "$GENPT_TOOLS/bench.py" --arch "$ARCH" "$BDIR/test.log" >"$OUT" ||
	genpt_die "no benchmark results in build/bench-$ARCH/test.log"
cat "$OUT"
genpt_msg "bench $ARCH: done in ${secs}s; table in ${OUT#$GENPT_ROOT/}"
