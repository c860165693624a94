#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make run-kunit" (the "make run" of before the end-to-end report): install
# what is missing, assemble the tree, build the x86_64 KUnit kernel (the
# e2e kernel in build/qemu-x86_64, shared with "make test"), run the genpt
# suites in QEMU and print a short report: the formats built
# (CONFIG_IOMMU_PT_*=y), every suite with its number of cases and results,
# pass/fail, total.
#
#   kunit-run.sh [-v]     -v: show kunit.py's output while it runs

. "$(dirname "$0")/lib.sh"

q=(-q)
[ "${1:-}" = -v ] && q=()
t0=$(genpt_now)

"$GENPT_TOOLS/deps.sh" || exit 1
"$GENPT_TOOLS/assemble.sh" || exit 1
genpt_msg "building and running the x86_64 KUnit kernel (log: build/logs/x86_64.log)"
"$GENPT_TOOLS/kunit.sh" "${q[@]}" x86_64
kunit_rc=$?

python3 "$GENPT_TOOLS/report.py" run-report --arch x86_64 \
	--config "$(genpt_build_dir x86_64)/.config" \
	--json "$GENPT_RESULTS/x86_64.json" --log "$GENPT_LOGS/x86_64.log" \
	--fmt-dir "$GENPT_SRC/drivers/iommu/generic_pt/fmt"
report_rc=$?
genpt_msg "make run took $(genpt_elapsed "$t0")s"
[ $kunit_rc = 0 ] && [ $report_rc = 0 ]
