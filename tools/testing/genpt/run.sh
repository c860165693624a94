#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make run": install what is missing, assemble the tree, build the small
# x86_64 end-to-end kernel (build/qemu-x86_64, as "make e2e"), boot it
# under QEMU on q35 once per emulated IOMMU with a driver on genpt (an
# intel-iommu, then an amd-iommu), and the arm64 one (build/qemu-arm64) on
# virt with an arm-smmuv3, each with NVMe, virtio-blk and three edu
# devices, run the DMA workload (e2e.sh's, see qemu/init.sh) and print a
# readable report per boot (e2e_report.py run-report): per device the IOMMU
# and its mode, the domain type, the I/O page table (format, levels, VA
# width; on AMD the VFIO table's levels before and after its high map),
# features, bytes moved by DMA and verified, IOTLB invalidations, faults,
# dma_map_benchmark figures; on SMMUv3 its ID registers, stage, granule,
# levels, input and output sizes, coherency, and the leaves and contiguous
# runs of a large VFIO mapping counted in the table; then the checks; and
# last a summary table, one line per boot. Exits non-zero if any check
# failed.
#
# Options, from the environment (the Makefile passes its variables):
#   IOMMU=intel|amd|smmuv3 boot on that IOMMU only (default: all three)
#   MODE=scalable|legacy   intel-iommu x-scalable-mode and intel_iommu=sm_on
#                          or sm_off (default scalable)
#   STRICT=1|0             iommu.strict (default 1; 0: lazy, flush queue)
#   SIZE=<MiB>             disk workload per disk, plus 1 MiB (default 16)
#   AW=48|39               intel-iommu aw-bits (default 48)
#   SNOOP=0|1              intel-iommu snoop-control (default 0)
#   STAGE=second|first     the translation stage of every domain (default
#                          second); first: intel-iommu x-flts=on, which
#                          replaces the second stage (QEMU 10.0; needs
#                          MODE=scalable and AW=48), x86_64 tables
#   BENCH=<s>              seconds per dma_map_benchmark run (default 3)
#   SMMU_STAGE=1|2         the arm-smmuv3's stage=1 (stage 1 tables, in
#                          CDs) or stage=2 (stage 2 tables, in STEs)
#                          (default 1)
# MODE, AW, SNOOP and STAGE are the intel-iommu's; STRICT, SIZE and BENCH
# apply to all. The AMD boot is e2e.sh's amd case (amd-iommu with
# intremap=off,pt=off, see there), the SMMUv3 one its smmuv3 case on the
# 4K-page arm64 kernel.
#
# Progress on stdout, one line per stage with its elapsed time; the full
# output of the boot stage in build/logs/run-e2e.log, the kernel build log
# in build/logs/e2e-kernel.log.

. "$(dirname "$0")/lib.sh"

mode=${MODE:-scalable}
strict=${STRICT:-1}
size=${SIZE:-16}
aw=${AW:-48}
snoop=${SNOOP:-0}
bench=${BENCH:-3}
xstage=${STAGE:-second}
iommus=${IOMMU:-intel amd smmuv3}
smmu_stage=${SMMU_STAGE:-1}

usage() {
	genpt_die "$1 (IOMMU=intel|amd|smmuv3 MODE=scalable|legacy STRICT=1|0 SIZE=<MiB> AW=48|39 SNOOP=0|1 STAGE=second|first BENCH=<s> SMMU_STAGE=1|2)"
}
case $iommus in
intel | amd | smmuv3 | "intel amd smmuv3") ;;
*) usage "IOMMU=$iommus" ;;
esac
case $smmu_stage in 1 | 2) ;; *) usage "SMMU_STAGE=$smmu_stage" ;; esac
case $mode in
scalable) vtd="x-scalable-mode=on,aw-bits=$aw" sm=sm_on smx=1 ;;
legacy) vtd="aw-bits=$aw" sm=sm_off smx=0 ;;
*) usage "MODE=$mode" ;;
esac
case $strict in
1) type=DMA ;;
0) type=DMA-FQ ;;
*) usage "STRICT=$strict" ;;
esac
case $aw in 39 | 48) ;; *) usage "AW=$aw" ;; esac
case $snoop in
1) vtd="$vtd,snoop-control=on" ;;
0) ;;
*) usage "SNOOP=$snoop" ;;
esac
case $xstage in
second) pt=vtdss ;;
first)
	if [ "$mode" != scalable ] || [ "$aw" != 48 ]; then
		usage "STAGE=first needs MODE=scalable AW=48 (QEMU's x-flts)"
	fi
	vtd="$vtd,x-flts=on" pt=x86_64
	;;
*) usage "STAGE=$xstage" ;;
esac
if ! [[ $size =~ ^[1-9][0-9]?$ ]] || [ "$size" -gt 48 ]; then
	usage "SIZE=$size (1-48: the disks are 64 MiB)"
fi
[[ $bench =~ ^[1-9][0-9]?$ ]] || usage "BENCH=$bench"

# QEMU's SLLPS is 2M|1G at any address width; its first stage has FS1GP
# unless fs1gp=off.
spec_intel="run|$vtd|intel_iommu=on,$sm iommu.strict=$strict|aw=$aw sm=$smx cm=0 type=$type pgsize=0x40201000 pt=$pt snoop=$snoop"
# QEMU's amd-iommu has NpCache: the driver stays strict (type DMA) even
# with STRICT=0.
spec_amd="run-amd|intremap=off,pt=off|iommu.strict=$strict iommufd.allow_unsafe_interrupts=1|iommu=amd npcache=1 type=DMA pgsize=0xfff7ffffff000"
# QEMU's arm-smmuv3 with one stage; the pages, blocks and contiguous runs
# of the 4K granule (see e2e.sh's smmuv3 cases).
spec_smmu="run-smmuv3|stage=$smmu_stage|iommu.strict=$strict|iommu=smmuv3 stage=$smmu_stage type=$type pgsize=0x442211000 kernel=arm64"
log=$GENPT_LOGS/run-e2e.log
t_all=$(genpt_now)
mkdir -p "$GENPT_LOGS"

# stage NAME CMD...: runs CMD with its output indented, then a timing line.
stage() {
	local name=$1 t0 rc status=ok

	shift
	genpt_msg "[$(genpt_elapsed "$t_all")s] $name"
	t0=$(genpt_now)
	"$@"
	rc=$?
	[ $rc = 0 ] || status=FAILED
	genpt_msg "[$(genpt_elapsed "$t_all")s] $name: $status in $(genpt_elapsed "$t0")s"
	return $rc
}

# e2e.sh prints progress lines ("genpt: ...") and then its result table;
# the table goes to the log only, the report below replaces it.
boot() {
	GENPT_E2E_MB=$size GENPT_E2E_BENCH=$bench "$GENPT_TOOLS/e2e.sh" --define "$1" \
		2>&1 | tee -a "$log" | grep --line-buffered '^genpt: ' | grep -v 'e2e: total '
	return "${PIPESTATUS[0]}"
}

stage "install missing packages (deps.sh)" "$GENPT_TOOLS/deps.sh" || exit 1
stage "assemble build/src (assemble.sh)" "$GENPT_TOOLS/assemble.sh" || exit 1
: >"$log"
rc=0
dirs=()
for i in $iommus; do
	if [ "$i" = intel ]; then
		spec=$spec_intel
		what="intel-iommu: $mode, $xstage stage, aw=$aw, strict=$strict, ${size}MiB"
	elif [ "$i" = smmuv3 ]; then
		spec=$spec_smmu
		what="arm-smmuv3: stage $smmu_stage, 4K granule, strict=$strict, ${size}MiB"
	else
		spec=$spec_amd
		what="amd-iommu: v1 tables, strict=$strict, ${size}MiB"
	fi
	name=${spec%%|*}
	rm -f "$GENPT_BUILD/e2e/$name/results.txt"
	stage "build the e2e kernel and tools, boot ($what)" boot "$spec" || rc=1
	if [ ! -s "$GENPT_BUILD/e2e/$name/results.txt" ]; then
		genpt_die "no results (the build failed?); see ${log#"$GENPT_ROOT"/}"
	fi
	python3 "$GENPT_TOOLS/e2e_report.py" run-report "$GENPT_BUILD/e2e/$name" --spec "$spec" || rc=1
	dirs+=("$GENPT_BUILD/e2e/$name")
done
python3 "$GENPT_TOOLS/e2e_report.py" summary "${dirs[@]}" || rc=1
echo
genpt_msg "make run took $(genpt_elapsed "$t_all")s; full output: ${log#"$GENPT_ROOT"/}"
[ $rc = 0 ]
