#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench-dma": the kernel's dma_map_benchmark through the Intel VT-d,
# AMD IOMMU and ARM SMMUv3 drivers on genpt and through the unmodified 6.12
# drivers,
# same QEMU, same machine, same run. Both kernels are the e2e kernel (e2e.sh, and e2e.sh
# --baseline for 6.12 from build/pristine); each boot runs the whole e2e
# workload with a small disk data set, and its dmabench-* results carry the
# figures. Prints the median over the boots of each kernel of the average
# map and unmap latency (us) per benchmark run, and genpt / 6.12.
# Figures only: nothing here is a pass/fail on speed. Exits non-zero if a
# boot failed a functional check.
#
#   bench-dma.sh            GENPT_BENCH_ROUNDS boots per kernel and case
#                           (default 3), GENPT_E2E_BENCH seconds per
#                           benchmark run (default 3), GENPT_BENCH_CASES
#                           the cases to run (default: all)
#
# Results: build/bench-dma/<kernel>-<case>-<round>.txt (results.txt of the
# boot) and build/bench-dma/report.txt.

. "$(dirname "$0")/lib.sh"

ROUNDS=${GENPT_BENCH_ROUNDS:-3}
export GENPT_E2E_BENCH=${GENPT_E2E_BENCH:-3}
export GENPT_E2E_MB=1
OUT=$GENPT_BUILD/bench-dma
[[ $ROUNDS =~ ^[1-9]$ ]] || genpt_die "GENPT_BENCH_ROUNDS=$ROUNDS: 1 to 9"

# name|IOMMU device options|kernel options|e2e expectations (as e2e.sh's;
# amd-strict is its amd case: amd-iommu, v1 tables, NpCache, strict;
# smmuv3-strict its smmuv3 case: arm-smmuv3 stage 1, 4K granule, strict,
# on the arm64 kernel under qemu-system-aarch64)
ALL_CASES=(
"scalable-strict|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000"
"legacy-lazy|aw-bits=48|intel_iommu=on,sm_off iommu.strict=0|aw=48 sm=0 cm=0 type=DMA-FQ pgsize=0x40201000"
"amd-strict|intremap=off,pt=off|iommu.strict=1 iommufd.allow_unsafe_interrupts=1|iommu=amd npcache=1 type=DMA pgsize=0xfff7ffffff000"
"smmuv3-strict|stage=1|iommu.strict=1|iommu=smmuv3 stage=1 type=DMA pgsize=0x442211000 pgsize_base=0x40201000 kernel=arm64"
)
CASES=()
for c in "${ALL_CASES[@]}"; do
	if [ -z "${GENPT_BENCH_CASES:-}" ] || [[ " $GENPT_BENCH_CASES " == *" ${c%%|*} "* ]]; then
		CASES+=("$c")
	fi
done
[ ${#CASES[@]} -gt 0 ] || genpt_die "GENPT_BENCH_CASES=$GENPT_BENCH_CASES: no such case"

rm -rf "$OUT"
mkdir -p "$OUT" "$GENPT_LOGS"
"$GENPT_TOOLS/deps.sh" || exit 1
"$GENPT_TOOLS/assemble.sh" || exit 1

t0=$(genpt_now)
failed=0
for round in $(seq "$ROUNDS"); do
	for c in "${CASES[@]}"; do
		name=${c%%|*}
		for kernel in genpt 6.12; do
			args=()
			dir=$GENPT_BUILD/e2e
			if [ $kernel = 6.12 ]; then
				args=(--baseline)
				dir=$GENPT_BUILD/e2e-base
			fi
			log=$GENPT_LOGS/bench-dma-$kernel-$name-$round.log
			genpt_msg "bench-dma: round $round/$ROUNDS, $name on $kernel (log: ${log#"$GENPT_ROOT"/})"
			if ! "$GENPT_TOOLS/e2e.sh" "${args[@]}" --define "bench-$c" >"$log" 2>&1; then
				genpt_err "bench-dma: $name on $kernel failed a check: $(grep -m 3 ' FAIL' "$log" | tr -s ' ' | tr '\n' ';')"
				failed=1
			fi
			cp "$dir/bench-$name/results.txt" "$OUT/$kernel-$name-$round.txt" 2>/dev/null ||
				genpt_err "bench-dma: no results from $name on $kernel"
		done
	done
done

{
	echo "dma_map_benchmark (tools/testing/selftests/dma) on an edu device behind QEMU $(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')'s"
	echo "intel-iommu (scalable-strict, legacy-lazy) and amd-iommu (amd-strict) on q35, arm-smmuv3 (smmuv3-strict) on virt with -cpu max, under TCG; $ROUNDS boot(s) per kernel and case, ${GENPT_E2E_BENCH}s per run; $(nproc) CPUs $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -n 1)"
	echo "average latency per map and per unmap in us, median over the boots; ratio = genpt / 6.12 (lower is faster)"
	echo
	printf '%-16s %-14s %9s %9s %6s   %9s %9s %6s\n' case run "map" "6.12" ratio "unmap" "6.12" ratio
	for c in "${CASES[@]}"; do
		name=${c%%|*}
		for run in dmabench-g1 dmabench-g512 dmabench-g1-t2; do
			for kernel in genpt 6.12; do
				# median of map_us and of unmap_us over the rounds
				for field in map_us unmap_us; do
					cat "$OUT/$kernel-$name-"*.txt 2>/dev/null |
						awk -v r="$run" -v f="$field" '$1 == r && $2 == "PASS" {
							for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' |
						sort -g | awk '{ v[NR] = $1 } END {
							if (!NR) { print "-"; exit }
							if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
				done
			done | paste -s -d' ' | while read -r gm gu bm bu; do
				ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
				runargs=$(sed -n "s/^$run PASS .*args=\[\(.*\)\]/\1/p" "$OUT/genpt-$name-1.txt" 2>/dev/null | head -n 1)
				printf '%-16s %-14s %9s %9s %6s   %9s %9s %6s\n' "$name" "${runargs% -s *}" \
					"$gm" "$bm" "$(ratio "$gm" "$bm")" "$gu" "$bu" "$(ratio "$gu" "$bu")"
			done
		done
	done
} | tee "$OUT/report.txt"
genpt_msg "bench-dma: $((ROUNDS * ${#CASES[@]} * 2)) boots in $(genpt_elapsed "$t0")s; report: ${OUT#"$GENPT_ROOT"/}/report.txt"
exit $failed
