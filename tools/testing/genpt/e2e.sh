#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of the Intel VT-d, AMD IOMMU and ARM SMMUv3 drivers under
# QEMU (TCG): real devices do DMA through the driver's page tables,
# verified by content, and a DMA to an unmapped IOVA must fault.
#
#   e2e.sh [--quick] [--list] [--kernels] [--baseline] [--define 'NAME|IOMMU-OPTS|KARGS|EXPECT'] [CASE...]
#   e2e.sh --kernel-only std|san|arm64|arm64-64k | --config-only std|san|arm64|arm64-64k
#
# --kernels prints the kernels the selected cases boot, in build order
# (test.sh's background builder builds them ahead).
#
# --kernel-only builds one of the kernels and stops, --config-only only
# writes its .config: kunit.sh runs the x86_64 KUnit suites on the std
# kernel, the x86_64-debug ones on the san kernel and the arm64 ones on
# the arm64 kernel (see 1. below), and the static checks compile our files
# in the std kernel's tree.
#
# --define adds a case (fields as in CASES below) and runs it ("make run"
# does this with the options it is given).
#
# --baseline runs the same on the unmodified 6.12 tree (build/pristine,
# which O= builds never write to): the kernel in build/qemu-x86_64-base,
# configured from the fragment without its genpt lines, results under
# build/e2e-base/. It shows that the harness passes on the 6.12 driver, and
# "make bench-dma" compares the dma_map_benchmark figures of both kernels.
#
# 1. builds a small x86_64 kernel in build/qemu-x86_64 from build/src with
#    configs/qemu-x86_64.config and the x86_64 KUnit fragments
#    (drivers/iommu/generic_pt/.kunitconfig, configs/common.config,
#    configs/x86_64.config), make allnoconfig + the fragments: one
#    production kernel for the e2e boots (kunit.enable=0: the built-in
#    suites do not run) and the x86_64 KUnit configuration. A case whose
#    expectations say kernel=san (scalable48-san) boots a second kernel,
#    build/qemu-x86_64-san: the same fragments plus configs/debug.config
#    (DEBUG_GENERIC_PT, fault injection, KASAN, UBSAN, lockdep, kmemleak),
#    which is also the x86_64-debug KUnit configuration. The smmuv3 cases
#    (kernel=arm64) boot an arm64 kernel, build/qemu-arm64, cross compiled
#    (aarch64-linux-gnu-) from configs/qemu-arm64.config and the arm64
#    KUnit fragments (.kunitconfig, common.config, configs/arm64.config:
#    the SMMUv3 driver and its KUnit suite), also the arm64 KUnit
#    configuration; smmuv3-64k (kernel=arm64-64k) a 64K-page one,
#    build/qemu-arm64-64k: configs/qemu-arm64.config plus
#    configs/qemu-arm64-64k.config, no KUnit. On --baseline (6.12 has no
#    genpt and none of its suites) only the first fragment of each, without
#    its genpt and KUnit lines (build/qemu-arm64-base[-64k]);
# 2. builds qemu/genpt_edu.ko against it, the static user space tools
#    qemu/vfio_edu.c and qemu/vfio_edu_errors.c (with qemu/vfio_edu_common.c,
#    against the kernel's own uapi headers, installed in
#    build/qemu-x86_64/usr/include) and the kernel's
#    tools/testing/selftests/dma/dma_map_benchmark.c and
#    tools/testing/selftests/iommu/{iommufd,iommufd_fail_nth}.c (with
#    qemu/iommufd_selftest_compat.h), and an initramfs from
#    Debian's busybox-static, qemu/init.sh, the module and the tools.
#    For arm64 the same tools cross compiled (the iommufd selftests
#    aside), vfio_edu and vfio_edu_errors once per page size (EDU_PG), and
#    qemu/smmu_regs.c, which reads the SMMU's ID registers and the STEs and
#    CDs the driver wrote through /dev/mem; the busybox is Debian's arm64
#    busybox-static (deps.sh unpacks it into build/busybox-arm64);
# 3. boots each case (default: all, --quick: two with less data) on a q35
#    machine with an intel-iommu, NVMe, virtio-blk and three edu (DMA API,
#    VFIO/iommufd, dma_map_benchmark), with QEMU tracing its IOTLB and
#    context cache invalidations and its DMAR faults, and collects the
#    "GENPT_E2E: <name> PASS|FAIL <detail>" lines of the guest. The smmuv3
#    cases boot QEMU's virt machine (iommu=smmuv3, GICv3, -cpu max, 2
#    CPUs, 1 GiB) with the same devices on its PCIe host, arm-smmuv3
#    properties as -global (stage=2), QEMU tracing every SMMU command
#    (smmuv3_cmdq_opcode), the range invalidations and the recorded
#    events, and logging its failed translations (-d guest_errors);
# 4. checks what the guest reports against the case (address width,
#    scalable mode, caching mode, snoop control, strict or lazy,
#    superpages, the stage and format of every domain's table, the top of
#    the VFIO IOVA range, the fault reasons of the stage), the disk images
#    on the host, the kernel log (no WARNING,
#    BUG, Oops), and every DMAR fault: each one must be one the guest
#    announced (GENPT_E2E_EXPECT_FAULT), in the guest's log and in QEMU's
#    trace; any other fault fails the case. On SMMUv3: the ID registers
#    (IDR0.S1P/S2P as the case's stage, COHACC), every device's STE (the
#    stage, the granule of the kernel's page size, T0SZ/S2T0SZ of the
#    domain's IOVA width), the IOVA range of the IOAS, the events of the
#    announced faults (0x10 F_TRANSLATION, 0x13 F_PERMISSION for the
#    read-only write), the commands QEMU consumed (address invalidations of
#    the case's stage only, whole-domain ones when lazy, CFGI_STE/CD, no
#    ATC), and the edu write after the VFIO detach (an abort STE, no
#    event) must not land. On the sanitizer kernel, the
#    guest's kmemleak scan must be empty and the console must have no
#    KASAN, lockdep or UBSAN report (result "sanitizers"). The
#    iommufd-mock case (no IOMMU) runs only the iommufd selftests: one
#    result per test (check_case_ksft, e2e_report.py ksft).
#
# It prints one line per result and ends with "N passed, N failed, N
# skipped" (the skips: iommufd selftests that skip, or that fail on 6.12
# as well, see check_case); the
# exit status is non-zero iff something failed. Per case, under
# build/e2e/<case>/: console.log (serial console), qemu.log (QEMU's
# output), trace-counts.txt (QEMU's trace events counted), trace-faults.log
# (QEMU's DMAR fault trace; SMMUv3: its recorded events and failed
# translations), results.txt, invalidations.txt (IOTLB and context cache
# invalidations by type; SMMUv3: the commands by opcode), faults.txt
# (expected and unexpected faults).
# The kernel build logs are build/logs/e2e-kernel.log,
# build/logs/e2e-san-kernel.log, build/logs/e2e-arm64-kernel.log and
# build/logs/e2e-arm64-64k-kernel.log (-base- in the name for --baseline).
#
# Environment: GENPT_E2E_TIMEOUT (seconds per boot, default 300; three
# times that for the sanitizer boot, twice for an smmuv3 one),
# GENPT_E2E_BENCH (dma_map_benchmark seconds per run, default 1; 3 for
# "make run"), GENPT_E2E_MB (MiB per disk; default 16, 4 with --quick),
# GENPT_JOBS, GENPT_NO_CCACHE=1 (see lib.sh).
#
# The harness depends only on the driver's behaviour, not on which page
# table code it uses: it is the regression net of the genpt conversion.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

BDIR=$GENPT_BUILD/qemu-x86_64
EDU_DIR=$GENPT_BUILD/qemu-x86_64-edu
E2E=$GENPT_BUILD/e2e
FRAGMENTS=("$GENPT_TOOLS/configs/qemu-x86_64.config"
	   "$GENPT_SRC/drivers/iommu/generic_pt/.kunitconfig"
	   "$GENPT_TOOLS/configs/common.config"
	   "$GENPT_TOOLS/configs/x86_64.config")
SAN_FRAGMENT=$GENPT_TOOLS/configs/debug.config
# What the baseline drops from the fragments: the genpt options, its
# debug and fault injection options, KUnit.
GENPT_ONLY='^CONFIG_(GENERIC_PT|DEBUG_GENERIC_PT|IOMMU_PT[A-Z0-9_]*|KUNIT)='
KLOG=$GENPT_LOGS/e2e-kernel.log
TIMEOUT=${GENPT_E2E_TIMEOUT:-300}
# What the iommufd selftests add to a boot's timeout (ksft=1)
KSFT_TIMEOUT=${GENPT_E2E_KSFT_TIMEOUT:-900}
# Tests of the iommufd selftests that fail on 6.12 as well, with the reason
KSFT_KNOWN=$GENPT_TOOLS/iommufd-selftest-6.12-failures
QEMU="qemu-system-x86_64"
QBOOT=/usr/share/qemu/qboot.rom
TOOLS_DIR=$GENPT_BUILD/qemu-x86_64-tools
BENCH=${GENPT_E2E_BENCH:-1}

# The arm64 kernels of the smmuv3 cases (kernel=arm64, kernel=arm64-64k):
# allnoconfig with configs/qemu-arm64.config and the arm64 KUnit fragments
# (the same kernel is kunit.sh's arm64 configuration), the 64K one with
# configs/qemu-arm64.config and configs/qemu-arm64-64k.config only (no
# KUnit suites: it is the one extra kernel build the smmuv3 cases cost). Cross compiled; the guest's tools
# are static arm64 binaries, its busybox Debian's busybox-static for arm64
# (deps.sh unpacks it into build/busybox-arm64).
ARM_BDIR=$GENPT_BUILD/qemu-arm64
ARM_FRAGMENTS=("$GENPT_TOOLS/configs/qemu-arm64.config"
	       "$GENPT_SRC/drivers/iommu/generic_pt/.kunitconfig"
	       "$GENPT_TOOLS/configs/common.config"
	       "$GENPT_TOOLS/configs/arm64.config")
ARM_64K_FRAGMENT=$GENPT_TOOLS/configs/qemu-arm64-64k.config
ARM_TOOLS_DIR=$GENPT_BUILD/qemu-arm64-tools
ARM_KLOG=$GENPT_LOGS/e2e-arm64-kernel.log
QEMU_ARM="qemu-system-aarch64"
BUSYBOX_ARM64=$GENPT_BUILD/busybox-arm64/bin/busybox

# QEMU trace events counted per boot (not vtd_dmar_translate & co: one per
# DMA, far too many). Even so a strict boot has hundreds of thousands of
# page invalidations (dma_map_benchmark), so the trace goes through a pipe
# to trace_counter, and only the fault lines are kept.
TRACE_EVENTS="vtd_inv_desc_iotlb_global vtd_inv_desc_iotlb_domain
vtd_inv_desc_iotlb_pages vtd_inv_desc_iotlb_pasid vtd_inv_desc_iotlb_pasid_pages
vtd_inv_desc_cc_global vtd_inv_desc_cc_domain vtd_inv_desc_cc_device
vtd_inv_desc_cc_devices vtd_dmar_fault"
# QEMU 10.0 declares vtd_inv_desc_iotlb_pasid and _pasid_pages but never
# emits them: a PASID-based IOTLB invalidation (the only kind the driver
# sends for a first stage domain) shows up only in the generic
# vtd_inv_desc event, type "p-iotlb" (vtd_process_inv_desc()). That event
# fires for every descriptor, waits included, so it is enabled only for the
# first stage cases (pt=x86_64); trace_counter sorts its p-iotlb lines by
# granularity and domain ID.
TRACE_EVENTS_FS="vtd_inv_desc"
# The AMD cases' events: the invalidation commands and the page faults.
TRACE_EVENTS_AMD="amdvi_pages_inval amdvi_all_inval amdvi_devtab_inval
amdvi_iotlb_inval amdvi_page_fault"
# The SMMUv3 cases' events: every command the SMMU consumes, by opcode
# (smmuv3_cmdq_opcode: "<--- CMD_TLBI_NH_VA"; CMD_SYNC too, so a few per
# unmap), the range invalidations with their stage (smmuv3_range_inval)
# and the events recorded in the event queue (smmuv3_record_event, type
# and StreamID). QEMU logs the address of each failed translation only as
# a guest error ("<region> translation failed for iova=0x... (SMMU_EVT_...)",
# -d guest_errors, into the same log): trace_counter keeps those lines
# with the fault trace.
TRACE_EVENTS_SMMU="smmuv3_cmdq_opcode smmuv3_range_inval smmuv3_record_event"

# Cases: name, IOMMU device options (intel-iommu, or amd-iommu for
# iommu=amd), kernel options, expectations
# (aw=<bits> sm=<0|1> cm=<0|1> type=<DMA|DMA-FQ> pgsize=<bitmap>
# pt=<vtdss|x86_64> [snoop=<0|1>] [ksft=1], snoop control 0 unless said;
# pt is the format of every domain's table, vtdss for the second stage,
# x86_64 for the first, vtdss if not given). iommu=none ksft=1: the
# kernel's iommufd selftests on the mock domain, and nothing else.
# 2M and 1G leaves: QEMU's SLLPS is 2M|1G at any address width.
CASES=(
"legacy39|aw-bits=39|intel_iommu=on,sm_off iommu.strict=1|aw=39 sm=0 cm=0 type=DMA pgsize=0x40201000 pt=vtdss"
"legacy48|aw-bits=48|intel_iommu=on,sm_off iommu.strict=1|aw=48 sm=0 cm=0 type=DMA pgsize=0x40201000 pt=vtdss"
"legacy48-lazy|aw-bits=48|intel_iommu=on,sm_off iommu.strict=0|aw=48 sm=0 cm=0 type=DMA-FQ pgsize=0x40201000 pt=vtdss"
"scalable48|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000 pt=vtdss"
"scalable48-lazy|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=0|aw=48 sm=1 cm=0 type=DMA-FQ pgsize=0x40201000 pt=vtdss"
# Caching mode makes the driver strict whatever the command line says
# ("IOMMU batching disallowed due to virtualization").
"caching48-lazy|aw-bits=48,caching-mode=on|intel_iommu=on,sm_off iommu.strict=0|aw=48 sm=0 cm=1 type=DMA pgsize=0x40201000 pt=vtdss"
"spoff48|aw-bits=48|intel_iommu=on,sm_off,sp_off iommu.strict=1|aw=48 sm=0 cm=0 type=DMA pgsize=0x1000 pt=vtdss"
# Snoop control: iommufd makes the VFIO domain enforce cache coherency,
# the driver sets SNP in its second-stage leaves.
"legacy48-snoop|aw-bits=48,snoop-control=on|intel_iommu=on,sm_off iommu.strict=1|aw=48 sm=0 cm=0 type=DMA pgsize=0x40201000 pt=vtdss snoop=1"
"scalable48-snoop|x-scalable-mode=on,aw-bits=48,snoop-control=on|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000 pt=vtdss snoop=1"
# First stage (QEMU 10.0): x-flts=on replaces the second stage (ECAP.FSTS=1,
# SSTS=0; scalable mode and aw-bits=48 only, 4 levels), so every domain,
# DMA API and iommufd alike, is an x86_64 table; the IOVA range is the
# lower canonical half. fs1gp=off clears CAP.FS1GP: no 1G leaves. With
# snoop control iommufd's domain snoops through PGSNP in the PASID entry.
"scalable48-fs|x-scalable-mode=on,aw-bits=48,x-flts=on|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000 pt=x86_64"
"scalable48-fs-lazy|x-scalable-mode=on,aw-bits=48,x-flts=on|intel_iommu=on,sm_on iommu.strict=0|aw=48 sm=1 cm=0 type=DMA-FQ pgsize=0x40201000 pt=x86_64"
"scalable48-fs-nofs1gp|x-scalable-mode=on,aw-bits=48,x-flts=on,fs1gp=off|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x201000 pt=x86_64"
"scalable48-fs-snoop|x-scalable-mode=on,aw-bits=48,x-flts=on,snoop-control=on|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000 pt=x86_64 snoop=1"
# The same workload on the sanitizer kernel (KASAN, lockdep, kmemleak,
# UBSAN): one boot, its cold build is the longest part of a cold "make test".
"scalable48-san|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000 pt=vtdss kernel=san"
# AMD (expectations iommu=amd [npcache=<0|1>] type= pgsize=): QEMU 10.0's
# amd-iommu, with
# - pt=off: with pt=on (its default) QEMU 10.0 enables a device's
#   untranslated alias and never its IOMMU region: every DMA bypasses the
#   tables (amdvi_host_dma_iommu());
# - intremap=off: with interrupt remapping on, interrupts from the I/O
#   APIC never reach QEMU's remapping (its trace sees MSIs only), so the
#   serial port's transmit interrupt is lost and the guest's console output
#   stalls. Without remapping vfio needs iommufd.allow_unsafe_interrupts=1.
# QEMU sets NpCache, and the 6.12 driver then makes every DMA domain strict
# in a guest ("Using strict mode due to virtualization"), lazy asked or not.
# The VFIO IOVA range runs to 2^64 - 1: vfio_edu's top mapping grows the
# table from the 3 levels of its first (1 GiB) mapping to 6.
"amd|intremap=off,pt=off|iommu.strict=1 iommufd.allow_unsafe_interrupts=1|iommu=amd npcache=1 type=DMA pgsize=0xfff7ffffff000"
"amd-lazy|intremap=off,pt=off|iommu.strict=0 iommufd.allow_unsafe_interrupts=1|iommu=amd npcache=1 type=DMA pgsize=0xfff7ffffff000"
"amd-nohuge|intremap=off,pt=off|amd_iommu=nohugepages iommu.strict=1 iommufd.allow_unsafe_interrupts=1|iommu=amd npcache=1 type=DMA pgsize=0x1000"
# The iommufd selftests (tools/testing/selftests/iommu) on the mock domain
# of CONFIG_IOMMUFD_TEST, on a machine without an IOMMU: 6.12 probes every
# device without firmware IOMMU data with the ops of the first IOMMU that
# registered (__iommu_probe_device(), "only one of Intel, AMD, ... can be
# present"), so with VT-d or AMD the mock's devices get that driver's ops,
# fail its probe, and every mock domain test fails. The mock's devices
# cannot DMA, so nothing else runs; iommufd needs no IRQ remapping for them.
"iommufd-mock|none|iommufd.allow_unsafe_interrupts=1|iommu=none ksft=1"
# ARM SMMUv3 (expectations iommu=smmuv3 stage=<1|2> type= pgsize=
# kernel=arm64|arm64-64k): QEMU 10.0's virt machine (machine type virt-9.1,
# see boot_case) with iommu=smmuv3 and GICv3 (its ITS isolates MSIs), TCG.
# The second field is a list of arm-smmuv3 properties, each given as
# -global arm-smmuv3.<property>: stage=2 makes an SMMU with stage 2 only
# (IDR0.S1P=0), so every domain is a stage 2 table; stage=1 one with
# stage 1 only. The page sizes are those of the granule of the kernel's
# page size: on genpt (pgsize=) its pages, blocks and contiguous runs (4K:
# 4K 64K 2M 32M 1G 16G; 64K: 64K 2M 512M 16G), on 6.12 (pgsize_base=)
# io-pgtable-arm's pages and blocks (4K 2M 1G, or 64K 512M); 4T only with
# an OAS over 48 bits, QEMU's is 44.
"smmuv3|stage=1|iommu.strict=1|iommu=smmuv3 stage=1 type=DMA pgsize=0x442211000 pgsize_base=0x40201000 kernel=arm64"
"smmuv3-lazy|stage=1|iommu.strict=0|iommu=smmuv3 stage=1 type=DMA-FQ pgsize=0x442211000 pgsize_base=0x40201000 kernel=arm64"
"smmuv3-s2|stage=2|iommu.strict=1|iommu=smmuv3 stage=2 type=DMA pgsize=0x442211000 pgsize_base=0x40201000 kernel=arm64"
"smmuv3-64k|stage=1|iommu.strict=1|iommu=smmuv3 stage=1 type=DMA pgsize=0x420210000 pgsize_base=0x20010000 kernel=arm64-64k"
)
QUICK_CASES="legacy39 scalable48"

# Results every boot must produce (besides those e2e.sh adds itself).
GUEST_RESULTS="iommu nvme-group edu-group virtio-group nvme-direct virtio-direct
edu-domain edu-coherent edu-iova-to-phys edu-streaming edu-fault edu-fault-logged
edu-coherency-after-map edu-domain-alloc-bus
vfio-setup vfio-hw-info vfio-iova-ranges vfio-dma vfio-readonly
vfio-readonly-fault-logged vfio-snoop vfio-unmap vfio-unmap-fault-logged
vfio-err-setup vfio-err-good vfio-bad-map vfio-bad-unmap vfio-bad-copy
vfio-bad-hwpt vfio-bad-intact vfio-failnth vfio-failnth-intact
dmabench-g1 dmabench-g512 dmabench-g1-t2"
# and on the sanitizer kernel
GUEST_RESULTS_SAN="kmemleak"
# On AMD, where QEMU 10.0 logs no fault for what the driver writes (see
# vfio_edu.c), instead of the logged faults and snoop control: the write
# of the VFIO edu once detached from its IOAS, which must not land.
GUEST_RESULTS_AMD=$(echo "$GUEST_RESULTS" | tr ' ' '\n' |
	grep -vx 'edu-fault-logged\|vfio-readonly-fault-logged\|vfio-unmap-fault-logged\|vfio-snoop' |
	tr '\n' ' ')
GUEST_RESULTS_AMD="$GUEST_RESULTS_AMD vfio-detached"
# and on genpt (not --baseline: 6.12 shows no AMD table), the levels of the
# VFIO domain's table before and after the top mapping (genpt_edu's debugfs)
GUEST_RESULTS_AMD_GENPT="vfio-top-growth"
# On SMMUv3: no snoop control (the SMMU's coherency is in the memory
# attributes of every table, IDR0.COHACC; vfio-pci needs it), the write of
# the VFIO edu once detached from its IOAS (an abort STE), and the ID
# registers and stream table entries the guest read (smmu_regs).
GUEST_RESULTS_SMMU=$(echo "$GUEST_RESULTS" | tr ' ' '\n' | grep -vx 'vfio-snoop' | tr '\n' ' ')
GUEST_RESULTS_SMMU="$GUEST_RESULTS_SMMU vfio-detached vfio-ste smmu-ste"
# On genpt (not --baseline: 6.12's tables have no such view), on every
# IOMMU: the leaves the VFIO domain's table got for a large aligned
# mapping (blocks, contiguous runs), from genpt_edu's debugfs
GUEST_RESULTS_GENPT="vfio-leaves"

usage() {
	echo "usage: e2e.sh [--quick] [--list] [--kernels] [--baseline] [--define 'NAME|IOMMU-OPTS|KARGS|EXPECT'] [CASE...]" >&2
	echo "       e2e.sh --kernel-only std|san|arm64|arm64-64k | --config-only std|san|arm64|arm64-64k" >&2
	echo "cases: $(case_names)" >&2
	exit 2
}

case_names() {
	local c
	for c in "${CASES[@]}"; do printf '%s ' "${c%%|*}"; done
}

case_field() {	# case_field NAME INDEX
	local c f
	for c in "${CASES[@]}"; do
		IFS='|' read -r -a f <<<"$c"
		if [ "${f[0]}" = "$1" ]; then
			printf '%s' "${f[$2]}"
			return 0
		fi
	done
	return 1
}

quick=0
baseline=0
only=""
only_kernel=""
selected=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--kernel-only | --config-only)
		if [ $# -lt 2 ] || [[ ! " std san arm64 arm64-64k " == *" $2 "* ]]; then
			usage
		fi
		only=${1#--}
		only_kernel=$2
		shift
		;;
	--baseline) baseline=1 ;;
	--list) case_names; echo; exit 0 ;;
	--kernels) only=kernels ;;
	--define)
		[ $# -ge 2 ] || usage
		IFS='|' read -r -a f <<<"$2"
		[ ${#f[@]} = 4 ] || genpt_die "--define: 4 fields NAME|IOMMU-OPTS|KARGS|EXPECT expected"
		CASES+=("$2")
		selected+=("${f[0]}")
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		case_field "$1" 0 >/dev/null || genpt_die "unknown case '$1' (cases: $(case_names))"
		selected+=("$1")
		;;
	esac
	shift
done
if [ ${#selected[@]} = 0 ]; then
	if [ $quick = 1 ]; then
		read -r -a selected <<<"$QUICK_CASES"
	elif [ $baseline = 1 ]; then
		# 6.12 gives iommufd no first stage domain, so its VFIO tests fail
		# on an IOMMU without a second stage (patch 0012): the baseline
		# runs the second stage cases unless cases are named.
		for c in $(case_names); do
			case " $(case_field "$c" 3) " in
			*" pt=x86_64 "*) ;;
			*) selected+=("$c") ;;
			esac
		done
	else
		read -r -a selected <<<"$(case_names)"
	fi
fi
# Data set per disk: (MB + 1) MiB.
MB=16
[ $quick = 1 ] && MB=4
MB=${GENPT_E2E_MB:-$MB}

[ -f "$GENPT_SRC/Makefile" ] || genpt_die "build/src is not assembled (run 'make tree')"
KSRC=$GENPT_SRC
if [ $baseline = 1 ]; then
	KSRC=$GENPT_BUILD/pristine/$(genpt_pristine_id)/linux-source-6.12
	[ -f "$KSRC/Makefile" ] || genpt_die "no pristine 6.12 tree at ${KSRC#"$GENPT_ROOT"/} (run 'make tree')"
	BDIR=$GENPT_BUILD/qemu-x86_64-base
	EDU_DIR=$GENPT_BUILD/qemu-x86_64-base-edu
	TOOLS_DIR=$GENPT_BUILD/qemu-x86_64-base-tools
	E2E=$GENPT_BUILD/e2e-base
	KLOG=$GENPT_LOGS/e2e-base-kernel.log
	# 6.12 has no generic page table to select, nor its suites
	FRAGMENTS=("${FRAGMENTS[0]}")
	ARM_BDIR=$GENPT_BUILD/qemu-arm64-base
	ARM_FRAGMENTS=("${ARM_FRAGMENTS[0]}")
	ARM_TOOLS_DIR=$GENPT_BUILD/qemu-arm64-base-tools
	ARM_KLOG=$GENPT_LOGS/e2e-arm64-base-kernel.log
fi
# The sanitizer kernel: its own build and module directories, kernel log
# and initramfs; the tools are the same (same uapi).
STD_BDIR=$BDIR STD_EDU_DIR=$EDU_DIR STD_KLOG=$KLOG STD_TOOLS_DIR=$TOOLS_DIR

# write_fragment FILE FRAGMENT...: the fragments, one after the other (a
# later line wins), without the genpt lines on --baseline; FILE is
# replaced only when it changes.
write_fragment() {
	local out=$1

	shift
	mkdir -p "$(dirname "$out")"
	if [ $baseline = 1 ]; then
		cat "$@" | grep -v -E "$GENPT_ONLY" >"$out.new"
	else
		cat "$@" >"$out.new"
	fi
	cmp -s "$out.new" "$out" || mv "$out.new" "$out"
	rm -f "$out.new"
}

# use_kernel std|san|arm64|arm64-64k: point the kernel variables at one of
# them. KARCH is the kernel's architecture (x86_64 or arm64), TOOLS_DIR
# where the guest's tools for it are, KERNEL_IMAGE its boot image.
use_kernel() {
	KNAME=$1
	KARCH=x86_64
	TOOLS_DIR=$STD_TOOLS_DIR
	KERNEL_IMAGE=arch/x86/boot/bzImage
	case $1 in
	arm64 | arm64-64k)
		KARCH=arm64
		TOOLS_DIR=$ARM_TOOLS_DIR
		KERNEL_IMAGE=arch/arm64/boot/Image
		BDIR=$ARM_BDIR
		KLOG=$ARM_KLOG
		FRAGMENT=$BDIR/e2e.config
		INITRD=$E2E/initramfs-arm64.cpio.gz
		if [ "$1" = arm64-64k ]; then
			BDIR=$ARM_BDIR-64k
			KLOG=${ARM_KLOG%-kernel.log}-64k-kernel.log
			FRAGMENT=$BDIR/e2e-64k.config
			INITRD=$E2E/initramfs-arm64-64k.cpio.gz
			write_fragment "$FRAGMENT" "${ARM_FRAGMENTS[0]}" "$ARM_64K_FRAGMENT"
		else
			write_fragment "$FRAGMENT" "${ARM_FRAGMENTS[@]}"
		fi
		EDU_DIR=$BDIR-edu
		;;
	esac
	mapfile -t MAKEVARS < <(genpt_make_vars "$KARCH")
	if [ "$KARCH" = arm64 ]; then
		:
	elif [ "$1" = san ]; then
		BDIR=$STD_BDIR-san
		EDU_DIR=$STD_BDIR-san-edu
		KLOG=${STD_KLOG%-kernel.log}-san-kernel.log
		FRAGMENT=$BDIR/e2e-san.config
		INITRD=$E2E/initramfs-san.cpio.gz
		write_fragment "$FRAGMENT" "${FRAGMENTS[@]}" "$SAN_FRAGMENT"
	else
		BDIR=$STD_BDIR
		EDU_DIR=$STD_EDU_DIR
		KLOG=$STD_KLOG
		FRAGMENT=$BDIR/e2e.config
		INITRD=$E2E/initramfs.cpio.gz
		write_fragment "$FRAGMENT" "${FRAGMENTS[@]}"
	fi
	mkdir -p "$BDIR" "$EDU_DIR"
}

# case_pt NAME: the table format the case expects, vtdss unless it says pt=.
case_pt() {
	local kv pt=vtdss

	for kv in $(case_field "$1" 3); do
		case $kv in pt=*) pt=${kv#pt=} ;; esac
	done
	echo "$pt"
}

# case_iommu NAME: intel, or amd (none, smmuv3) if the case's expectations
# say iommu=amd (iommu=none, iommu=smmuv3).
case_iommu() {
	case " $(case_field "$1" 3) " in
	*" iommu=amd "*) echo amd ;;
	*" iommu=smmuv3 "*) echo smmuv3 ;;
	*" iommu=none "*) echo none ;;
	*) echo intel ;;
	esac
}

# case_ksft NAME: 1 if the case runs the iommufd selftests, else 0.
case_ksft() {
	case " $(case_field "$1" 3) " in
	*" ksft=1 "*) echo 1 ;;
	*) echo 0 ;;
	esac
}

# case_timeout NAME: seconds the case's boot may take.
case_timeout() {
	local t=$TIMEOUT

	# KASAN and kmemleak's scans make the sanitizer boot several times
	# slower under TCG
	[ "$(case_kernel "$1")" = san ] && t=$((t * 3))
	# an arm64 guest under TCG (every DMA through QEMU's SMMU model too)
	[ "$(case_iommu "$1")" = smmuv3 ] && t=$((t * 2))
	[ "$(case_ksft "$1")" = 1 ] && t=$((t + KSFT_TIMEOUT))
	echo "$t"
}

# case_kernel NAME: std, or san (arm64, arm64-64k) if the case's
# expectations say kernel=san (kernel=arm64, kernel=arm64-64k).
case_kernel() {
	case " $(case_field "$1" 3) " in
	*" kernel=san "*) echo san ;;
	*" kernel=arm64 "*) echo arm64 ;;
	*" kernel=arm64-64k "*) echo arm64-64k ;;
	*) echo std ;;
	esac
}
for t in $QEMU gzip cpio sha256sum timeout; do
	command -v "$t" >/dev/null || genpt_die "$t not found (run tools/testing/genpt/deps.sh)"
done
[ -x /bin/busybox ] || genpt_die "/bin/busybox missing (package busybox-static; run deps.sh)"
[ -r $QBOOT ] || genpt_die "$QBOOT missing (package qemu-system-data)"

mkdir -p "$GENPT_LOGS" "$BDIR" "$EDU_DIR" "$TOOLS_DIR" "$ARM_TOOLS_DIR" "$E2E"
mapfile -t MAKEVARS < <(genpt_make_vars x86_64)
kmake() {
	make -C "$KSRC" O="$BDIR" "${MAKEVARS[@]}" "$@"
}

# --- 1. kernel ---------------------------------------------------------------

# allnoconfig with the fragment forced; the .config is replaced only when
# it changes, so that an unchanged configuration rebuilds nothing.
configure_kernel() {
	local new=$BDIR/.config.e2e-new missing=()

	kmake KCONFIG_ALLCONFIG="$FRAGMENT" KCONFIG_CONFIG=.config.e2e-new \
		allnoconfig >>"$KLOG" 2>&1 ||
		genpt_die "make allnoconfig failed; log: ${KLOG#"$GENPT_ROOT"/}"
	mapfile -t missing < <(genpt_config_missing "$FRAGMENT" "$new")
	if [ ${#missing[@]} -gt 0 ]; then
		genpt_err "the kernel configuration lacks (dependencies not met?):"
		printf '    %s\n' "${missing[@]}" >&2
		genpt_die "see ${new#"$GENPT_ROOT"/}"
	fi
	if cmp -s "$new" "$BDIR/.config"; then
		rm -f "$new"
	else
		mv "$new" "$BDIR/.config"
	fi
}

build_kernel() {
	local t0 pid ticks=0 what=kernel image=bzImage

	case $BDIR in
	"$STD_BDIR") ;;
	"$STD_BDIR-san") what="sanitizer kernel" ;;
	*-64k) what="arm64 64K kernel" ;;
	*) what="arm64 kernel" ;;
	esac
	[ "$KARCH" = arm64 ] && image=Image
	# under make test, the background builder may have this one going
	genpt_prebuild_claim "$KNAME"
	t0=$(genpt_now)
	echo "# genpt: $(date -u '+%F %T UTC') e2e $what build" >"$KLOG"
	configure_kernel
	genpt_msg "e2e: $what configured in $(genpt_elapsed "$t0")s; building it (${BDIR#"$GENPT_ROOT"/}, log: ${KLOG#"$GENPT_ROOT"/})"
	# In the background, with a progress line every 30 seconds: a cold
	# build takes minutes.
	kmake -j"$GENPT_JOBS" "$image" modules >>"$KLOG" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		ticks=$((ticks + 1))
		if [ $((ticks % 30)) = 0 ] && kill -0 "$pid" 2>/dev/null; then
			genpt_msg "e2e: $what build: $(genpt_elapsed "$t0")s, $(grep -c '^  CC ' "$KLOG" || true) files compiled"
		fi
	done
	wait "$pid" || {
		grep -m 15 -E 'error:|Error [0-9]+|ERROR:' "$KLOG" | sed 's/^/    /' >&2 || true
		genpt_die "kernel build failed; log: ${KLOG#"$GENPT_ROOT"/}"
	}
	# The module is built in its own directory: kbuild writes objects
	# next to the sources of an external module.
	rsync -c "$GENPT_TOOLS/qemu/genpt_edu.c" "$GENPT_TOOLS/qemu/Kbuild" "$EDU_DIR/"
	kmake M="$EDU_DIR" modules >>"$KLOG" 2>&1 || {
		grep -m 15 -E 'error:|warning:|ERROR:' "$KLOG" | sed 's/^/    /' >&2 || true
		genpt_die "genpt_edu.ko build failed; log: ${KLOG#"$GENPT_ROOT"/}"
	}
	if grep -q 'genpt_edu.*warning:' "$KLOG"; then
		grep 'genpt_edu.*warning:' "$KLOG" | sed 's/^/    /' >&2
		genpt_die "genpt_edu.ko builds with warnings"
	fi
	genpt_msg "e2e: $what and module built in $(genpt_elapsed "$t0")s"
}

# The guest's user space tools: static, against this kernel's uapi headers
# (Debian's linux-libc-dev predates iommufd's VFIO cdev interface), for
# the architecture of the kernel use_kernel chose (KARCH). On arm64 with
# the cross compiler, vfio_edu and vfio_edu_errors once per page size
# (EDU_PG: their page-sized IOVAs and lengths; the 64K ones are *-64k),
# and smmu_regs; the iommufd selftests only for x86_64 (iommufd-mock).
build_tools() {
	local t0 bench=$GENPT_SRC/tools/testing/selftests/dma cc=gcc pg sfx
	local pgs="4096"

	t0=$(genpt_now)
	if [ "$KARCH" = arm64 ]; then
		cc=aarch64-linux-gnu-gcc
		pgs="4096 65536"
	fi
	kmake headers_install >>"$KLOG" 2>&1 ||
		genpt_die "make headers_install failed; log: ${KLOG#"$GENPT_ROOT"/}"
	for pg in $pgs; do
		sfx=""
		[ "$pg" = 4096 ] || sfx=-$((pg / 1024))k
		for tool in vfio_edu vfio_edu_errors; do
			echo "# $tool$sfx" >>"$KLOG"
			$cc -static -O2 -Wall -Wextra -Werror -DEDU_PG="$pg" \
				-I"$BDIR/usr/include" \
				-o "$TOOLS_DIR/$tool$sfx" "$GENPT_TOOLS/qemu/$tool.c" \
				"$GENPT_TOOLS/qemu/vfio_edu_common.c" >>"$KLOG" 2>&1 || {
				grep -m 15 -E 'error|warning' "$KLOG" | sed 's/^/    /' >&2 || true
				genpt_die "$tool$sfx build failed; log: ${KLOG#"$GENPT_ROOT"/}"
			}
		done
	done
	# As tools/testing/selftests/dma/Makefile: the uapi headers and the
	# tree's include/ (linux/map_benchmark.h).
	echo "# dma_map_benchmark" >>"$KLOG"
	$cc -static -O2 -I"$BDIR/usr/include" -I"$GENPT_SRC/include" \
		-o "$TOOLS_DIR/dma_map_benchmark" "$bench/dma_map_benchmark.c" >>"$KLOG" 2>&1 ||
		genpt_die "dma_map_benchmark build failed; log: ${KLOG#"$GENPT_ROOT"/}"
	if [ "$KARCH" = arm64 ]; then
		echo "# smmu_regs" >>"$KLOG"
		$cc -static -O2 -Wall -Wextra -Werror -o "$TOOLS_DIR/smmu_regs" \
			"$GENPT_TOOLS/qemu/smmu_regs.c" >>"$KLOG" 2>&1 ||
			genpt_die "smmu_regs build failed; log: ${KLOG#"$GENPT_ROOT"/}"
		genpt_msg "e2e: arm64 vfio_edu, vfio_edu_errors (4K, 64K), dma_map_benchmark and smmu_regs built in $(genpt_elapsed "$t0")s"
		return
	fi
	# The iommufd selftests as the tree has them, with the harness's own
	# flags (tools/testing/selftests/iommu/Makefile, lib.mk) and the
	# definitions 6.12.y's backported tests lack (iommufd_selftest_compat.h).
	for tool in iommufd iommufd_fail_nth; do
		echo "# $tool" >>"$KLOG"
		gcc -static -O2 -Wall -Wno-unused-function -D_GNU_SOURCE \
			-I"$BDIR/usr/include" \
			-include "$GENPT_TOOLS/qemu/iommufd_selftest_compat.h" \
			-o "$TOOLS_DIR/$tool" "$KSRC/tools/testing/selftests/iommu/$tool.c" \
			-lpthread >>"$KLOG" 2>&1 ||
			genpt_die "selftest $tool build failed; log: ${KLOG#"$GENPT_ROOT"/}"
	done
	genpt_msg "e2e: vfio_edu, vfio_edu_errors, dma_map_benchmark and the iommufd selftests built in $(genpt_elapsed "$t0")s"
}

# --- 2. initramfs ------------------------------------------------------------

# gen_init_cpio (built with the kernel) takes a list of entries, so the
# archive needs no root and no staging directory (/dev/console included).
build_initramfs() {
	local list=$E2E/initramfs.list gen=$BDIR/usr/gen_init_cpio applet
	local busybox=/bin/busybox sfx="" tools="iommufd iommufd_fail_nth"

	if [ "$KARCH" = arm64 ]; then
		busybox=$BUSYBOX_ARM64
		tools=smmu_regs
		[[ $BDIR == *-64k ]] && sfx=-64k
	fi

	[ -x "$gen" ] || kmake usr/gen_init_cpio >>"$KLOG" 2>&1 ||
		genpt_die "cannot build usr/gen_init_cpio"
	{
		echo "dir /bin 0755 0 0"
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /tmp 1777 0 0"
		echo "file /bin/busybox $busybox 0755 0 0"
		# the host's busybox lists the applets (the arm64 one cannot run
		# here); both are Debian's 1.35 busybox-static
		for applet in $(/bin/busybox --list); do
			[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0"
		done
		echo "file /init $GENPT_TOOLS/qemu/init.sh 0755 0 0"
		echo "file /genpt_edu.ko $EDU_DIR/genpt_edu.ko 0644 0 0"
		echo "file /vfio_edu $TOOLS_DIR/vfio_edu$sfx 0755 0 0"
		echo "file /vfio_edu_errors $TOOLS_DIR/vfio_edu_errors$sfx 0755 0 0"
		echo "file /dma_map_benchmark $TOOLS_DIR/dma_map_benchmark 0755 0 0"
		for applet in $tools; do
			echo "file /$applet $TOOLS_DIR/$applet 0755 0 0"
		done
	} >"$list"
	"$gen" -t 0 "$list" | gzip -9n >"$INITRD" ||
		genpt_die "cannot build the initramfs"
	genpt_msg "e2e: ${INITRD#"$E2E"/} built ($(($(stat -c %s "$INITRD") / 1024)) KiB)"
}

# --- 3. boot -----------------------------------------------------------------

# trace_counter DIR: reads QEMU's trace log (the log backend: one line per
# event, "<event> <args>", possibly after a "<pid>@<time>:" prefix) on
# stdin; writes DIR/trace-counts.txt ("<event>[@<domain id>] <count>"
# lines, the total and, for the events that have one, per domain ID) and the
# vtd_dmar_fault lines, at most 100000, to DIR/trace-faults.log.
# vtd_inv_desc lines of type p-iotlb (PASID-based IOTLB invalidation,
# "... type p-iotlb high 0x<val1> low 0x<val0>") are also counted as
# p-iotlb-pasid (granularity, val0 bits 5:4, 2: all of a PASID) or
# p-iotlb-pages (3: pages within a PASID), in total and per domain ID
# (val0 bits 31:16). The hex digits are taken apart by hand: mawk has no
# strtonum(). SMMUv3: smmuv3_cmdq_opcode is also counted per opcode
# ("cmd:CMD_TLBI_NH_VA"), smmuv3_range_inval per stage
# ("range_inval@s1"); smmuv3_record_event and QEMU's failed translation
# lines (guest errors) go to DIR/trace-faults.log, the latter counted as
# smmuv3_translation_failed.
trace_counter() {
	awk -v faults="$1/trace-faults.log" '
		# hexdigit(H, K): the value of the K-th hex digit from the
		# right of "0x..." H (0 past its end)
		function hexdigit(h, k) {
			sub(/^0x/, "", h)
			if (k > length(h))
				return 0
			return index("0123456789abcdef", substr(h, length(h) - k + 1, 1)) - 1
		}
		# QEMU SMMUv3 failed translations (-d guest_errors)
		/ translation failed for iova=0x/ {
			n["smmuv3_translation_failed"]++
			if (nf++ < 100000) print > faults
			next
		}
		{
			ev = $1; sub(/^.*:/, "", ev); n[ev]++
			# and per domain ID, "<event>@0x<did>"
			if (match($0, / domain 0x[0-9a-f]+/))
				n[ev "@" substr($0, RSTART + 8, RLENGTH - 8)]++
		}
		# SMMUv3 commands by opcode, range invalidations by stage
		ev == "smmuv3_cmdq_opcode" { n["cmd:" $NF]++ }
		ev == "smmuv3_range_inval" && match($0, / stage=[0-9]+/) {
			n["range_inval@s" substr($0, RSTART + 7, RLENGTH - 7)]++
		}
		ev == "vtd_inv_desc" {
			type = lo = ""
			for (i = 2; i < NF; i++) {
				if ($i == "type") type = $(i + 1)
				if ($i == "low") lo = $(i + 1)
			}
			if (type == "p-iotlb" && lo != "") {
				g = hexdigit(lo, 2) % 4
				g = (g == 2) ? "pasid" : ((g == 3) ? "pages" : ("g" g))
				did = 0
				for (k = 8; k >= 5; k--)
					did = did * 16 + hexdigit(lo, k)
				n["p-iotlb-" g]++
				n["p-iotlb-" g "@" sprintf("0x%x", did)]++
			}
		}
		(ev == "vtd_dmar_fault" || ev == "amdvi_page_fault" || ev == "smmuv3_record_event") && nf++ < 100000 { print > faults }
		END { for (ev in n) print ev, n[ev] }' >"$1/trace-counts.txt"
}

# boot_case NAME: one QEMU run; its console in build/e2e/NAME/console.log.
boot_case() {
	local name=$1 dir=$E2E/$1 vtd kargs snoop stage t0 rc=0 ev trace=() counter
	local iommu_dev=() events=$TRACE_EVENTS machine=() qemu=$QEMU prop
	local timeout console=ttyS0 tail=(no_timer_check)

	timeout=$(case_timeout "$name")

	vtd=$(case_field "$name" 1)
	iommu_dev=(-device "intel-iommu,intremap=on,$vtd")
	case $(case_iommu "$name") in
	amd)
		iommu_dev=(-device "amd-iommu,$vtd")
		events=$TRACE_EVENTS_AMD
		;;
	none)
		iommu_dev=()
		events=""
		;;
	smmuv3)
		# the SMMU is part of the virt machine: its properties are
		# globals
		iommu_dev=()
		for prop in ${vtd//,/ }; do
			iommu_dev+=(-global "arm-smmuv3.$prop")
		done
		# QEMU's failed translations, with their IOVA, are guest errors
		iommu_dev+=(-d guest_errors)
		events=$TRACE_EVENTS_SMMU
		;;
	esac
	if [ "$(case_iommu "$name")" = smmuv3 ]; then
		# pauth-impdef: TCG's fast pointer authentication, as kunit.py's
		# arm64 machine. virt-9.1: from 9.2 on, virt sets its SMMU's
		# stage property to "nested" (S1P and S2P) after the globals
		# are applied, so -global arm-smmuv3.stage=... has no effect
		# there; the 9.1 machine type leaves it to the global
		# ("info qtree": stage = "nested" on virt-9.2 and 10.0 with
		# stage=2 given, "2" on virt-9.1).
		qemu=$QEMU_ARM
		machine=(-machine "virt-9.1,iommu=smmuv3,gic-version=3" -accel tcg
			 -cpu "max,pauth-impdef=on")
		console=ttyAMA0
		tail=()
	else
		machine=(-machine "q35,kernel-irqchip=split" -accel tcg -cpu max
			 -bios "$QBOOT")
	fi
	kargs=$(case_field "$name" 2)
	snoop=$(case_field "$name" 3 | sed -n 's/.*snoop=\([01]\).*/\1/p')
	# genpt_edu's tests need the stage of the tables (genpt.stage)
	stage=second
	[ "$(case_pt "$name")" = x86_64 ] && stage=first
	for ev in $events; do
		trace+=(-trace "enable=$ev")
	done
	if [ "$(case_pt "$name")" = x86_64 ]; then
		for ev in $TRACE_EVENTS_FS; do
			trace+=(-trace "enable=$ev")
		done
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	truncate -s 64M "$dir/nvme.img" "$dir/virtio.img"
	$qemu --version | head -n 1 >"$dir/qemu-version"
	# no_timer_check: on a loaded host the TCG guest can miss the IO-APIC
	# timer check and panic ("timer doesn't work through
	# Interrupt-remapped IO-APIC"), which says nothing about the IOMMU.
	# log_buf_len: the dmesg the guest prints at the end holds the whole
	# boot; the baseline's fail-nth warnings overflowed the default buffer
	# and cut one report in half, which the kernel-log check cannot match.
	# kunit.enable=0: the kernels carry the built-in KUnit suites (kunit.sh
	# runs them on the same kernels), which must not run here.
	[ $baseline = 1 ] || kargs="kunit.enable=0 $kargs"
	kargs="$kargs genpt.ksft=$(case_ksft "$name")"
	t0=$(genpt_now)
	timeout --kill-after=10 "$timeout" $qemu \
		"${machine[@]}" -smp 2 -m 1G \
		-nodefaults -display none -no-reboot \
		-serial "file:$dir/console.log" \
		-kernel "$BDIR/$KERNEL_IMAGE" -initrd "$INITRD" \
		-append "console=$console panic=-1 oops=panic ${tail[*]} log_buf_len=4M $kargs genpt.mb=$MB genpt.snoop=${snoop:-0} genpt.bench=$BENCH genpt.stage=$stage" \
		"${iommu_dev[@]}" \
		-device nvme,serial=genpt0,drive=nv0,addr=03.0 \
		-drive "if=none,id=nv0,file=$dir/nvme.img,format=raw" \
		-device edu,addr=04.0,dma_mask=0xffffffffffffffff \
		-device virtio-blk-pci,drive=vd0,iommu_platform=on,disable-legacy=on,addr=05.0 \
		-drive "if=none,id=vd0,file=$dir/virtio.img,format=raw" \
		-device edu,addr=06.0,dma_mask=0xffffffffffffffff \
		-device edu,addr=07.0 \
		"${trace[@]}" -D >(trace_counter "$dir") \
		</dev/null >"$dir/qemu.log" 2>&1 || rc=$?
	counter=$!
	wait "$counter" || true
	echo "$rc $(genpt_elapsed "$t0")" >"$dir/qemu.rc"
}

# --- 4. results --------------------------------------------------------------

# check_case NAME: writes build/e2e/NAME/results.txt, one
# "<test> PASS|FAIL <detail>" per line.
check_case() {
	local name=$1 dir=$E2E/$1 log=$E2E/$1/console.log out=$E2E/$1/results.txt
	local rc secs timeout exp aw sm cm type pgsize pgsize_base= pt r line cap ecap rtaddr v got want img

	read -r rc secs <"$dir/qemu.rc"
	timeout=$(case_timeout "$name")
	exp=$(case_field "$name" 3)
	for kv in $exp; do
		case $kv in
		aw=*) aw=${kv#aw=} ;;
		sm=*) sm=${kv#sm=} ;;
		cm=*) cm=${kv#cm=} ;;
		type=*) type=${kv#type=} ;;
		pgsize=*) pgsize=${kv#pgsize=} ;;
		pgsize_base=*) pgsize_base=${kv#pgsize_base=} ;;
		esac
	done
	# a different expectation on the 6.12 drivers (--baseline)
	[ $baseline = 1 ] && [ -n "${pgsize_base:-}" ] && pgsize=$pgsize_base
	pt=$(case_pt "$name")
	touch "$log"
	: >"$out"
	res() { echo "$*" >>"$out"; }
	# The guest's result lines, the last one of each name.
	guest() {
		grep -a -o "GENPT_E2E: $1 \(PASS\|FAIL\|SKIP\).*" "$log" |
			tail -n 1 | cut -d' ' -f3- | tr -d '\r' || true
	}

	if grep -aq GENPT_E2E_DONE "$log" && [ "$rc" = 0 ]; then
		res "boot PASS ${secs}s"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		res "boot FAIL timed out after ${timeout}s"
	else
		res "boot FAIL QEMU exit status $rc after ${secs}s$(grep -aq GENPT_E2E_DONE "$log" || echo ', no GENPT_E2E_DONE')"
	fi

	if [ "$(case_iommu "$name")" = none ]; then
		check_case_ksft "$name" >>"$out"
		return 0
	fi

	r=$GUEST_RESULTS
	if [ "$(case_iommu "$name")" = amd ]; then
		r=$GUEST_RESULTS_AMD
		[ $baseline = 1 ] || r="$r $GUEST_RESULTS_AMD_GENPT"
	elif [ "$(case_iommu "$name")" = smmuv3 ]; then
		r=$GUEST_RESULTS_SMMU
	fi
	[ $baseline = 1 ] || r="$r $GUEST_RESULTS_GENPT"
	[ "$(case_kernel "$name")" = san ] && r="$r $GUEST_RESULTS_SAN"
	for r in $r; do
		line=$(guest "$r")
		if [ -z "$line" ]; then
			res "$r FAIL missing"
		elif [ "$r" = vfio-failnth ] && [ $baseline = 1 ] &&
		     [ "$(case_iommu "$name")" = amd ]; then
			res "$r $(baseline_amd_failnth "$line")"
		else
			res "$r $line"
		fi
	done

	# The IOMMU is the one the case asks for.
	line=$(guest iommu)
	if [ "$(case_iommu "$name")" = amd ]; then
		check_amd_iommu "$line" "$exp" >>"$out"
	elif [ "$(case_iommu "$name")" = smmuv3 ]; then
		check_smmu_iommu "$line" "$exp" >>"$out"
	else
	cap=$(sed -n 's/.* cap=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
	ecap=$(sed -n 's/.*ecap=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
	rtaddr=$(sed -n 's/.*rtaddr=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
	if [ -n "$cap" ] && [ -n "$ecap" ] && [ -n "$rtaddr" ]; then
		v="mgaw=$(( ((cap >> 16) & 0x3f) + 1 )) cm=$(( (cap >> 7) & 1 )) sm=$(( (rtaddr >> 10) & 1 ))"
		if [ "$v" = "mgaw=$aw cm=$cm sm=$sm" ]; then
			res "iommu-mode PASS $v"
		else
			res "iommu-mode FAIL $v, expected mgaw=$aw cm=$cm sm=$sm"
		fi
	else
		res "iommu-mode FAIL no cap/ecap/rtaddr from the guest"
	fi
	fi

	# Strict or lazy, and page sizes, as the case asks.
	got=""
	for r in nvme-group edu-group virtio-group; do
		got="$got $(guest "$r" | sed -n 's/.*type=\([^ ]*\).*/\1/p')"
	done
	want=" $type $type $type"
	if [ "$got" = "$want" ]; then
		res "domain-type PASS$got"
	else
		res "domain-type FAIL nvme/edu/virtio:$got, expected$want"
	fi
	got=$(guest edu-domain | sed -n 's/.*pgsize=\(0x[0-9a-f]*\).*/\1/p')
	if [ "$got" = "$pgsize" ]; then
		res "pgsize PASS $got"
	else
		res "pgsize FAIL ${got:-none}, expected $pgsize"
	fi

	if [ "$(case_iommu "$name")" = amd ]; then
		check_vfio_top amd 64 >>"$out"
	elif [ "$(case_iommu "$name")" = smmuv3 ]; then
		{
			check_smmu_tables "$log" "$exp" "$pgsize"
			check_vfio_top smmuv3 "$(smmu_va "$log" "$exp")"
			check_fault_reasons smmuv3
		} >>"$out"
	else
		{
			check_page_tables "$log" "$pt" "$aw" "$sm" "$pgsize"
			check_vfio_top "$pt" "$aw"
			check_fault_reasons "$pt"
		} >>"$out"
	fi

	# The data is on the host's image, not only in the guest's caches.
	for r in nvme virtio; do
		want=$(guest "$r-direct" | sed -n 's/.*sha256=\([0-9a-f]*\).*/\1/p')
		img=$dir/$r.img
		got=$(head -c $(((MB + 1) << 20)) "$img" | sha256sum | cut -d' ' -f1)
		if [ -n "$want" ] && [ "$got" = "$want" ]; then
			res "$r-image PASS sha256 of the image matches"
		else
			res "$r-image FAIL image sha256=$got, guest ${want:-reported none}"
		fi
	done

	# --baseline: unmodified 6.12 has one known bug the fail-nth loop of
	# vfio_edu_errors hits. When the second leaf table of a map cannot be
	# allocated, intel_iommu_map_pages() keeps the PTEs it wrote in the
	# first table but leaves them out of *mapped, so iommufd's unwind does
	# not unmap them and the retry warns "DMA PTE for vPFN ... already set"
	# (WARN_ON in __domain_mapping, intel/iommu.c). genpt reports what it
	# mapped (GENERIC_PT.md section 5). Only for the baseline, and only
	# exactly that warning, are its report blocks (cut here ... end trace)
	# left out of the check, and counted in the result line.
	local known=0 scan=$log
	if [ $baseline = 1 ]; then
		scan=$dir/kernel-log-checked.txt
		known=$(awk -v out="$scan" '
			/------------\[ cut here \]------------/ { blk = $0 "\n"; inblk = 1; next }
			inblk { blk = blk $0 "\n" }
			inblk && /---\[ end trace/ {
				inblk = 0
				if (blk ~ /WARNING: .*drivers\/iommu\/intel\/iommu\.c:[0-9]+ intel_iommu_map_pages/) n++
				else printf "%s", blk > out
				next
			}
			!inblk { print > out }
			END { if (inblk) printf "%s", blk > out; print n + 0 }' "$log")
	fi
	line=$(grep -a -m 3 -E '(WARNING:|BUG:|Oops|Kernel panic|Call Trace:|UBSAN|KASAN)' "$scan" | tr -d '\r' | tr '\n' ';' || true)
	if [ -z "$line" ]; then
		res "kernel-log PASS no WARNING/BUG/Oops${known:+$([ "$known" = 0 ] || echo "; baseline: $known known 6.12 intel_iommu_map_pages partial-map warnings (fail-nth)")}"
	else
		res "kernel-log FAIL $line"
	fi

	[ "$(case_kernel "$name")" = san ] && check_sanitizers "$log" >>"$out"
	return 0
}

# check_case_ksft NAME: the results of an iommu=none ksft=1 case after its
# boot: the iommu pages count around the selftests, every selftest (see
# e2e_report.py ksft) and the kernel log.
check_case_ksft() {
	local log=$E2E/$1/console.log line

	line=$(grep -a -o "GENPT_E2E: ksft-iommu-pages \(PASS\|FAIL\).*" "$log" |
		tail -n 1 | cut -d' ' -f3- | tr -d '\r' || true)
	echo "ksft-iommu-pages ${line:-FAIL missing}"
	python3 "$GENPT_TOOLS/e2e_report.py" ksft "$log" "$KSFT_KNOWN" \
		"$([ $baseline = 1 ] && echo 6.12 || echo genpt)" ||
		echo "ksft FAIL e2e_report.py ksft failed"
	# iommufd_fail_nth sets every fault attribute's verbose to 0
	line=$(grep -a -m 3 -E '(WARNING:|BUG:|Oops|Kernel panic|Call Trace:|UBSAN|KASAN)' "$log" | tr -d '\r' | tr '\n' ';' || true)
	if [ -z "$line" ]; then
		echo "kernel-log PASS no WARNING/BUG/Oops"
	else
		echo "kernel-log FAIL $line"
	fi
}

# baseline_amd_failnth DETAIL: vfio-failnth's result on the 6.12 AMD
# driver. Its v1 unmap (iommu_v1_unmap_pages(), io_pgtable.c) never frees
# the tables it empties, they go with the domain, so in vfio_edu_errors's
# fail-nth loop the tables that a failed map allocated are still counted
# after the range's unmap ("nr_iommu_pages X before, Y after", Y > X).
# Only for the baseline, and only when every complaint of the result is
# exactly that (DMA ok, unmap success, more pages after) and the map
# succeeded in the end, is it a PASS, saying so; anything else stays as
# the guest reported it.
baseline_amd_failnth() {
	local d=$1 rest item kept=0

	[[ $d == "FAIL "*"first succeeded without injection at"* ]] || { echo "$d"; return; }
	rest=${d#*left at most *)}
	[ -n "$rest" ] || { echo "$d"; return; }
	while [ -n "$rest" ]; do
		item=${rest#; }
		item=${item%%; *}
		rest=${rest#; "$item"}
		if [[ $item =~ ^n=[0-9]+:\ DMA\ ok,\ unmap\ success,\ nr_iommu_pages\ ([0-9]+)\ before,\ ([0-9]+)\ after$ ]] &&
		   [ "${BASH_REMATCH[2]}" -gt "${BASH_REMATCH[1]}" ]; then
			kept=$((kept + BASH_REMATCH[2] - BASH_REMATCH[1]))
		else
			echo "$d"
			return
		fi
	done
	echo "PASS ${d#FAIL }; baseline: 6.12's AMD v1 unmap keeps the emptied tables ($kept pages, freed with the domain)"
}

# Devices whose domain's table the page-table result checks: NVMe, edu
# (DMA API), virtio-blk, edu (VFIO: vfio_edu prints its table while it is
# mapped), edu (dma_map_benchmark).
PT_BDFS="00:03.0 00:04.0 00:05.0 00:06.0 00:07.0"

# check_page_tables CONSOLE PT AW SM PGSIZE: the result "page-table". Every
# device's domain has a table of format PT (vtdss: second stage, x86_64:
# first stage) as the driver's debugfs header says ("page table: <format>
# levels=<n> va_bits=<n> pgsizes=<bitmap> ..."), with 3 levels at 39 bits
# and 4 at 48, a VA width of AW (second stage) or 48 (first stage, with
# the upper canonical half), page sizes PGSIZE; and no 1G leaf among the
# walk lines shown (GENPT_E2E_PT) unless PGSIZE has 1G. The scalable mode
# PASID entry (GENPT_E2E_CTX; vfio_edu's vfio-pasid-entry for the VFIO
# device) must say the same stage: PGTT 1 first stage, 2 second stage. The
# 6.12 baseline has no header: there only the stage is checked, from PGTT
# (scalable mode) or the mode (legacy mode has only the second stage).
check_page_tables() {
	local log=$1 pt=$2 aw=$3 sm=$4 pgsize=$5 levels va bdf hdr entry pgtt
	local want got stage bad="" detail="" huge

	levels=4
	[ "$aw" = 39 ] && levels=3
	va=$aw
	[ "$pt" = x86_64 ] && va=48
	want="$pt levels=$levels va_bits=$va pgsizes=$pgsize"
	for bdf in $PT_BDFS; do
		hdr=$(grep -a -o "GENPT_E2E_PT: 0000:$bdf page table: .*" "$log" | tail -n 1 |
			sed -n 's/.*page table: \([^ ]*\) \(levels=[0-9]*\) \(va_bits=[0-9]*\) \(pgsizes=0x[0-9a-f]*\).*/\1 \2 \3 \4/p' || true)
		if [ "$bdf" = 00:06.0 ]; then
			entry=$(grep -a -o "GENPT_E2E_INFO: vfio-pasid-entry 0000:$bdf .*" "$log" |
				tail -n 1 | awk '{ print $4 }' | tr -d '\r' || true)
		else
			entry=$(grep -a "^GENPT_E2E_CTX: ${bdf}[[:space:]]" "$log" |
				awk '$5 == 0 { print $6 }' | tail -n 1 | tr -d '\r' || true)
		fi
		# val[2]:val[1]:val[0]; PGTT is val[0] bits 8:6
		pgtt=""
		[ -n "$entry" ] && pgtt=$(( (${entry##*:} >> 6) & 7 ))
		case $pgtt in
		1) stage=x86_64 ;;
		2) stage=vtdss ;;
		"") stage="" ;;
		*) stage="pgtt$pgtt" ;;
		esac
		if [ -n "$hdr" ]; then
			detail="$detail $bdf=${hdr%% *}"
			[ "$hdr" = "$want" ] || bad="$bad; $bdf: $hdr"
		elif [ $baseline = 1 ]; then
			detail="$detail $bdf=${stage:-vtdss}"
		else
			bad="$bad; $bdf: no page table line"
		fi
		if [ "$sm" = 1 ]; then
			[ "$stage" = "$pt" ] || bad="$bad; $bdf: PASID entry ${entry:-not shown} (PGTT ${pgtt:-?})"
		fi
	done
	# walk lines "0x<pfn> |<PML5E> <PML4E> <PDPE> <PDE> <PTE>": a leaf in
	# the PDPE column is a 1G page
	huge=$(grep -a '^GENPT_E2E_PT: [0-9a-f:.]* 0x[0-9a-f]* |' "$log" | tr -d '\r' |
		awk -F'|' '{ n = split($2, f, " "); last = 0
			for (i = 1; i <= n; i++) if (f[i] !~ /^0x0+$/) last = i
			if (last == 3) h++ }
			END { print h + 0 }' || true)
	if [ "$huge" != 0 ] && [ $(( pgsize & (1 << 30) )) = 0 ]; then
		bad="$bad; $huge 1G leaves without 1G in pgsizes"
	fi
	if [ -z "$bad" ] && [ $baseline = 1 ]; then
		echo "page-table PASS$detail (6.12 has no page table line: stage from the PASID entry), $huge 1G leaves shown"
	elif [ -z "$bad" ]; then
		echo "page-table PASS$detail, $want, $huge 1G leaves shown"
	else
		echo "page-table FAIL expected $want:${bad#;}"
	fi
}

# check_vfio_top PT AW: the result "vfio-top". The IOAS's IOVA ranges end
# where the domain's table does: 2^AW - 1 on the second stage, 2^47 - 1 on
# the first (a 4-level first stage table is sign extended: bit 47 selects
# the upper half, which the driver does not give out), and vfio_edu's copies
# at the top mapping, the highest 2 MiB aligned 4 MiB below that end, were
# verified (vfio-dma).
check_vfio_top() {
	local pt=$1 aw=$2 last top got dma

	if [ "$aw" = 64 ]; then
		last=0xffffffffffffffff
	elif [ "$pt" = x86_64 ]; then
		last=$(printf '0x%x' $(( (1 << 47) - 1 )))
	else
		last=$(printf '0x%x' $(( (1 << aw) - 1 )))
	fi
	top=$(printf '0x%x' $(( (last - 0x3fffff) & ~0x1fffff )))
	# vfio_edu keeps the last 2 MiB of a 64-bit range free (QEMU 10.0)
	[ "$aw" = 64 ] && top=$(printf '0x%x' $(( top - 0x200000 )))
	got=$(guest vfio-iova-ranges | sed -n 's/^PASS .*-\(0x[0-9a-f]*\)$/\1/p')
	dma=$(guest vfio-dma)
	if [ "$got" != "$last" ]; then
		echo "vfio-top FAIL last IOVA ${got:-unknown}, expected $last"
	elif [[ $dma != "PASS "*" and $top "* ]]; then
		echo "vfio-top FAIL no verified DMA at $top: ${dma:-no vfio-dma result}"
	else
		echo "vfio-top PASS IOVA range ends at $last, DMA verified at $top"
	fi
}

# check_amd_iommu IOMMU-LINE EXPECT: the result "iommu-mode" of an AMD case:
# the guest saw an AMD IOMMU, with NpCache (capability header bit 26) as
# the case expects; the extended features (EFR) and HATS (bits 11:10) are
# shown.
check_amd_iommu() {
	local line=$1 cap efr np want=""

	for kv in $2; do
		case $kv in npcache=*) want=${kv#npcache=} ;; esac
	done
	cap=$(sed -n 's/^PASS amd cap=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
	efr=$(sed -n 's/.* features=\(0x[0-9a-f]*\).*/\1/p' <<<"$line")
	if [ -z "$cap" ] || [ -z "$efr" ]; then
		echo "iommu-mode FAIL no AMD IOMMU cap/features from the guest: ${line:-none}"
		return
	fi
	np=$(( (cap >> 26) & 1 ))
	if [ "$np" = "$want" ]; then
		echo "iommu-mode PASS amd npcache=$np efr=$efr hats=$(( (efr >> 10) & 3 ))"
	else
		echo "iommu-mode FAIL amd npcache=$np, expected $want (cap=$cap)"
	fi
}

# smmu_field LINE NAME: the value of NAME=<value> in LINE.
smmu_field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

# case_stage EXPECT: the SMMU stage the case expects (stage=<1|2>).
case_stage() {
	local kv st=1

	for kv in $1; do
		case $kv in stage=*) st=${kv#stage=} ;; esac
	done
	echo "$st"
}

# check_smmu_iommu IOMMU-LINE EXPECT: the result "iommu-mode" of an SMMUv3
# case: the ID registers the guest read (smmu_regs, /dev/mem) show the
# stages the case asks for (IDR0.S1P/S2P: stage=1 S1P only, stage=2 S2P
# only), coherent table walks (IDR0.COHACC, which vfio-pci requires) and
# the 2-level stream table the driver then uses (IDR0.ST_LEVEL); IDR5's
# granules and OAS are shown.
check_smmu_iommu() {
	local line=$1 idr0 idr5 st s1p s2p coh lvl gran="" want got oas

	idr0=$(smmu_field "$line" idr0)
	idr5=$(smmu_field "$line" idr5)
	if [ -z "$idr0" ] || [ -z "$idr5" ]; then
		echo "iommu-mode FAIL no SMMUv3 ID registers from the guest: ${line:-none}"
		return
	fi
	st=$(case_stage "$2")
	s1p=$(( (idr0 >> 1) & 1 ))
	s2p=$(( idr0 & 1 ))
	coh=$(( (idr0 >> 4) & 1 ))
	lvl=$(( (idr0 >> 27) & 3 ))
	[ $(( (idr5 >> 4) & 1 )) = 1 ] && gran="${gran}4K,"
	[ $(( (idr5 >> 5) & 1 )) = 1 ] && gran="${gran}16K,"
	[ $(( (idr5 >> 6) & 1 )) = 1 ] && gran="${gran}64K,"
	oas=$(( idr5 & 7 ))
	oas=$(echo "32 36 40 42 44 48 52 ?" | cut -d' ' -f$((oas + 1)))
	want="s1p=$([ "$st" = 1 ] && echo 1 || echo 0) s2p=$([ "$st" = 2 ] && echo 1 || echo 0) cohacc=1"
	got="s1p=$s1p s2p=$s2p cohacc=$coh"
	if [ "$got" = "$want" ]; then
		echo "iommu-mode PASS smmuv3 $got st_level=$lvl granules=${gran%,} oas=$oas (idr0=$idr0 idr1=$(smmu_field "$line" idr1) idr3=$(smmu_field "$line" idr3) idr5=$idr5)"
	else
		echo "iommu-mode FAIL smmuv3 $got, expected $want for stage $st (idr0=$idr0)"
	fi
}

# smmu_va CONSOLE EXPECT: the IOVA width of the case's domains. Stage 1:
# 48 bits (arm_smmu_domain_finalise(): min(48, VA_BITS) without IDR5.VAX,
# which QEMU does not set); stage 2: the SMMU's IAS (max(OAS, 40 if it
# has AArch32 tables)), from the driver's "ias <n>-bit" line.
smmu_va() {
	if [ "$(case_stage "$2")" = 1 ]; then
		echo 48
	else
		grep -a -o 'ias [0-9]*-bit, oas' "$1" | head -n 1 | sed 's/ias \([0-9]*\)-bit.*/\1/' || true
	fi
}

# check_smmu_tables CONSOLE EXPECT PGSIZE: the result "page-table" of an
# SMMUv3 case, from what the hardware is given: the STE of every device
# (smmu_regs: "GENPT_E2E_INFO: smmu-ste <bdf> sid=.. cfg=.. granule=..
# tsz=.."; the VFIO edu's read by vfio_edu while its IOAS is mapped, the
# others by init at the end) translates at the case's stage (Config
# 0b101 stage 1 with its context descriptor 0 valid, 0b110 stage 2), with
# the granule of the smallest page size (4K or 64K: the kernel's page
# size) and the IOVA width of smmu_va (T0SZ or S2T0SZ = 64 - width).
check_smmu_tables() {
	local log=$1 st pgsize=$3 gran va want bdf line got bad="" detail=""

	st=$(case_stage "$2")
	case $(( pgsize & -pgsize )) in
	4096) gran=4K ;;
	16384) gran=16K ;;
	65536) gran=64K ;;
	*) gran="?" ;;
	esac
	va=$(smmu_va "$log" "$2")
	want="cfg=s$st granule=$gran tsz=$(( 64 - ${va:-0} ))"
	for bdf in $PT_BDFS; do
		line=$(grep -a -o "GENPT_E2E_INFO: smmu-ste 0000:$bdf .*" "$log" | tail -n 1 | tr -d '\r' || true)
		got="cfg=$(smmu_field "$line" cfg) granule=$(smmu_field "$line" granule) tsz=$(smmu_field "$line" tsz)"
		if [ -z "$line" ]; then
			bad="$bad; $bdf: no STE read"
		elif [ "$got" != "$want" ]; then
			bad="$bad; $bdf: $got"
		fi
		detail="$detail $bdf"
	done
	if [ -z "$va" ]; then
		echo "page-table FAIL no IOVA width (no \"ias <n>-bit\" line from the driver)"
	elif [ -z "$bad" ]; then
		echo "page-table PASS$detail: STE $want (stage $st, ${va}-bit IOVA, $gran granule)"
	else
		echo "page-table FAIL expected $want:${bad#;}"
	fi
}

# check_fault_reasons PT: the result "fault-reasons". The fault records of
# the expected faults carry the reason QEMU 10.0 gives for the stage. SMMUv3
# (PT smmuv3), either stage: event 0x10 (F_TRANSLATION) for an unmapped
# IOVA, 0x13 (F_PERMISSION) for the write to a read-only one. Second
# stage: 0x05 (no write permission) for an unmapped IOVA and a read-only one
# alike (vtd_iova_to_slpte()). First stage (vtd_iova_to_flpte()): 0x71 (P
# clear in a first-level entry) for an unmapped IOVA, 0x85 (no write
# permission) for the read-only one.
check_fault_reasons() {
	local pt=$1 r want line got bad="" detail=""

	for r in edu-fault-logged vfio-readonly-fault-logged vfio-unmap-fault-logged; do
		want=0x05
		if [ "$pt" = x86_64 ]; then
			want=0x71
			[ "$r" = vfio-readonly-fault-logged ] && want=0x85
		elif [ "$pt" = smmuv3 ]; then
			want=0x10
			[ "$r" = vfio-readonly-fault-logged ] && want=0x13
		fi
		line=$(guest "$r")
		if [ "$pt" = smmuv3 ]; then
			got=$(sed -n 's/^PASS event \(0x[0-9a-f]*\) .*/\1/p' <<<"$line")
		else
			got=$(sed -n 's/^PASS .*\[fault reason \(0x[0-9a-f]*\)\].*/\1/p' <<<"$line")
		fi
		detail="$detail ${r%-fault-logged}=${got:-none}"
		[ "$got" = "$want" ] || bad="$bad ${r%-fault-logged}=${got:-none} (want $want)"
	done
	if [ -z "$bad" ]; then
		echo "fault-reasons PASS$detail"
	else
		echo "fault-reasons FAIL$bad"
	fi
}

# The first line of each report of KASAN, UBSAN, lockdep (with the
# sleep-in-atomic check), and kmemleak turning itself off.
SAN_REPORTS='BUG: KASAN:|UBSAN:|WARNING: (possible|inconsistent|suspicious RCU)|INFO: (possible recursive|trying to register non-static key)|BUG: (sleeping function|held lock freed|workqueue leaked lock|bad unlock balance|key )|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|Kernel memory leak detector disabled|kmemleak: Cannot allocate'
# The sanitizers' own boot messages, so that a kernel without them cannot
# pass.
SAN_BANNERS=("KernelAddressSanitizer initialized" "Lock dependency validator"
	"Kernel memory leak detector initialized")

# check_sanitizers CONSOLE: the result "sanitizers" of a sanitizer boot: each
# sanitizer ran (its boot message; lockdep still on at the end, as the guest
# reads /proc/lockdep_stats) and none reported anything.
check_sanitizers() {
	local log=$1 line b absent="" locks

	line=$(grep -a -m 3 -E "$SAN_REPORTS" "$log" | tr -d '\r' | tr '\n' ';' || true)
	for b in "${SAN_BANNERS[@]}"; do
		grep -aqF "$b" "$log" || absent="$absent, no '$b'"
	done
	locks=$(grep -a -o 'GENPT_E2E_INFO: lockdep debug_locks=[0-9]*' "$log" |
		tail -n 1 | sed 's/.*=//' || true)
	[ "$locks" = 1 ] || absent="$absent, lockdep debug_locks=${locks:-unknown}"
	if [ -z "$line" ] && [ -z "$absent" ]; then
		echo "sanitizers PASS KASAN, lockdep, kmemleak announced; no KASAN, UBSAN, lockdep report; lockdep still on"
	else
		echo "sanitizers FAIL ${line:-no report}${absent}"
	fi
}

# check_trace NAME: counts QEMU's invalidation trace events into
# invalidations.txt; e2e_report.py sorts every DMAR fault (QEMU's trace and
# the guest's kernel log) into expected (announced by the guest) and
# unexpected, into faults.txt. Adds the results iotlb-inv and faults.
check_trace() {
	local dir=$E2E/$1 counts=$E2E/$1/trace-counts.txt
	local out=$E2E/$1/results.txt ev n total=0 iotlb="" pt

	touch "$counts"
	: >"$dir/invalidations.txt"
	# no IOMMU, no translations to trace
	[ "$(case_iommu "$1")" = none ] && return
	if [ "$(case_iommu "$1")" = amd ]; then
		check_trace_amd "$1"
		return
	fi
	if [ "$(case_iommu "$1")" = smmuv3 ]; then
		check_trace_smmu "$1"
		return
	fi
	for ev in $TRACE_EVENTS; do
		[ "$ev" = vtd_dmar_fault ] && continue
		n=$(awk -v ev="$ev" '$1 == ev { print $2 }' "$counts")
		n=${n:-0}
		echo "${ev#vtd_inv_desc_} $n" >>"$dir/invalidations.txt"
		case $ev in
		vtd_inv_desc_iotlb_global) iotlb="$iotlb global=$n" ;;
		vtd_inv_desc_iotlb_*)
			total=$((total + n))
			iotlb="$iotlb ${ev#vtd_inv_desc_iotlb_}=$n"
			;;
		esac
	done
	# The first stage's invalidations: PASID-based, counted from
	# vtd_inv_desc (TRACE_EVENTS_FS), and the only ones that count there.
	pt=$(case_pt "$1")
	if [ "$pt" = x86_64 ]; then
		total=0
		for ev in p-iotlb-pasid p-iotlb-pages; do
			n=$(awk -v ev="$ev" '$1 == ev { print $2 }' "$counts")
			n=${n:-0}
			echo "$ev $n" >>"$dir/invalidations.txt"
			total=$((total + n))
			iotlb="$iotlb $ev=$n"
		done
	fi
	# Unmaps happened (DMA API and IOAS_UNMAP): the IOTLB must have been
	# invalidated, strict or lazy, beyond the boot's global invalidation:
	# by domain or pages on the second stage, by PASID or pages within a
	# PASID on the first.
	if [ "$total" -gt 0 ]; then
		echo "iotlb-inv PASS$iotlb" >>"$out"
	else
		local kind="domain or page"
		[ "$pt" = x86_64 ] && kind=PASID-based
		echo "iotlb-inv FAIL no $kind IOTLB invalidation besides the global one in QEMU's trace:$iotlb" >>"$out"
	fi

	# Every DMAR fault must be one the guest announced.
	python3 "$GENPT_TOOLS/e2e_report.py" faults "$dir" >>"$out" ||
		echo "faults FAIL e2e_report.py failed" >>"$out"
}

# check_trace_amd NAME: check_trace for an AMD case. Unmaps happened: the
# driver must have sent INVALIDATE_IOMMU_PAGES (QEMU drops the domain's
# whole IOTLB for each, amdvi_inval_pages()).
check_trace_amd() {
	local dir=$E2E/$1 counts=$E2E/$1/trace-counts.txt
	local out=$E2E/$1/results.txt ev n pages=0 detail=""

	for ev in $TRACE_EVENTS_AMD; do
		[ "$ev" = amdvi_page_fault ] && continue
		n=$(awk -v ev="$ev" '$1 == ev { print $2 }' "$counts")
		n=${n:-0}
		echo "${ev#amdvi_} $n" >>"$dir/invalidations.txt"
		detail="$detail ${ev#amdvi_}=$n"
		[ "$ev" = amdvi_pages_inval ] && pages=$n
	done
	if [ "$pages" -gt 0 ]; then
		echo "iotlb-inv PASS$detail" >>"$out"
	else
		echo "iotlb-inv FAIL no INVALIDATE_IOMMU_PAGES in QEMU's trace:$detail" >>"$out"
	fi
	python3 "$GENPT_TOOLS/e2e_report.py" faults "$dir" >>"$out" ||
		echo "faults FAIL e2e_report.py failed" >>"$out"
}

# The SMMUv3 commands counted (smmuv3_cmdq_opcode, QEMU 10.0's names
# without their SMMU_CMD_ prefix).
SMMU_CMDS="TLBI_NH_VA TLBI_NH_VAA TLBI_NH_ASID TLBI_NH_ALL TLBI_S2_IPA
TLBI_S12_VMALL TLBI_NSNH_ALL TLBI_EL2_ALL CFGI_STE CFGI_STE_RANGE CFGI_CD
CFGI_CD_ALL PREFETCH_CONFIG ATC_INV SYNC"

# check_trace_smmu NAME: check_trace for an SMMUv3 case, from the commands
# QEMU's SMMU consumed. Results:
# - iotlb-inv: unmaps happened, so the IOTLB was invalidated by address
#   for the case's stage (CMD_TLBI_NH_VA and range invalidations of stage
#   1, or CMD_TLBI_S2_IPA and stage 2 ones), and never for the other
#   stage's tables (none exist); a lazy case's flush queue also
#   invalidates whole domains (CMD_TLBI_NH_ASID, CMD_TLBI_S12_VMALL);
# - cfg-inv: the driver installed STEs (CMD_CFGI_STE) and, on stage 1,
#   context descriptors (CMD_CFGI_CD), with no ATS (no ATC invalidation:
#   QEMU's SMMU and these devices have none);
# - faults: as on VT-d, every event QEMU recorded and every one the guest
#   logged must be one the guest announced (e2e_report.py faults).
check_trace_smmu() {
	local dir=$E2E/$1 counts=$E2E/$1/trace-counts.txt out=$E2E/$1/results.txt
	local c n st lazy=0 detail="" va asid other range orange bad=""
	local -A cmd rng

	for c in $SMMU_CMDS; do
		n=$(awk -v ev="cmd:SMMU_CMD_$c" '$1 == ev { print $2 }' "$counts")
		echo "$c ${n:-0}" >>"$dir/invalidations.txt"
		cmd[$c]=${n:-0}
	done
	for st in 1 2; do
		n=$(awk -v ev="range_inval@s$st" '$1 == ev { print $2 }' "$counts")
		echo "range_inval_stage$st ${n:-0}" >>"$dir/invalidations.txt"
		rng[$st]=${n:-0}
	done
	st=$(case_stage "$(case_field "$1" 3)")
	[ "$(case_field "$1" 3 | sed -n 's/.*type=\([^ ]*\).*/\1/p')" = DMA-FQ ] && lazy=1
	if [ "$st" = 1 ]; then
		va=${cmd[TLBI_NH_VA]} asid=${cmd[TLBI_NH_ASID]}
		other=${cmd[TLBI_S2_IPA]} range=${rng[1]} orange=${rng[2]}
		detail="NH_VA=$va NH_ASID=$asid range_s1=$range; S2_IPA=$other S12_VMALL=${cmd[TLBI_S12_VMALL]} range_s2=$orange"
	else
		va=${cmd[TLBI_S2_IPA]} asid=${cmd[TLBI_S12_VMALL]}
		other=$((cmd[TLBI_NH_VA] + cmd[TLBI_NH_ASID])) range=${rng[2]} orange=${rng[1]}
		detail="S2_IPA=$va S12_VMALL=$asid range_s2=$range; NH_VA=${cmd[TLBI_NH_VA]} NH_ASID=${cmd[TLBI_NH_ASID]} range_s1=$orange"
	fi
	[ "$va" -gt 0 ] && [ "$range" -gt 0 ] || bad="$bad, no stage $st invalidation by address"
	[ "$other" = 0 ] && [ "$orange" = 0 ] || bad="$bad, invalidations of the other stage"
	[ $lazy = 0 ] || [ "$asid" -gt 0 ] || bad="$bad, no whole-domain invalidation (lazy: the flush queue)"
	if [ -z "$bad" ]; then
		echo "iotlb-inv PASS stage $st: $detail; SYNC=${cmd[SYNC]}" >>"$out"
	else
		echo "iotlb-inv FAIL ${bad#, }: $detail" >>"$out"
	fi
	bad=""
	[ "${cmd[CFGI_STE]}" -gt 0 ] || bad="$bad, no CFGI_STE"
	[ "$st" = 2 ] || [ $((cmd[CFGI_CD] + cmd[CFGI_CD_ALL])) -gt 0 ] || bad="$bad, no CFGI_CD"
	[ "${cmd[ATC_INV]}" = 0 ] || bad="$bad, ATC invalidations without ATS"
	detail="CFGI_STE=${cmd[CFGI_STE]} CFGI_STE_RANGE=${cmd[CFGI_STE_RANGE]} CFGI_CD=${cmd[CFGI_CD]} CFGI_CD_ALL=${cmd[CFGI_CD_ALL]} ATC_INV=${cmd[ATC_INV]}"
	if [ -z "$bad" ]; then
		echo "cfg-inv PASS $detail" >>"$out"
	else
		echo "cfg-inv FAIL ${bad#, }: $detail" >>"$out"
	fi
	python3 "$GENPT_TOOLS/e2e_report.py" faults "$dir" >>"$out" ||
		echo "faults FAIL e2e_report.py failed" >>"$out"
}

# --- main --------------------------------------------------------------------

t_all=$(genpt_now)
case $only in
config-only)
	use_kernel "$only_kernel"
	echo "# genpt: $(date -u '+%F %T UTC') e2e $only_kernel kernel configuration" >"$KLOG"
	configure_kernel
	exit 0
	;;
kernel-only)
	use_kernel "$only_kernel"
	build_kernel
	exit 0
	;;
esac
kernels=()
for k in std san arm64 arm64-64k; do
	for c in "${selected[@]}"; do
		if [ "$(case_kernel "$c")" = $k ]; then
			kernels+=("$k")
			break
		fi
	done
done
if [ "$only" = kernels ]; then
	echo "${kernels[*]}"
	exit 0
fi
if [[ " ${kernels[*]} " == *" arm64"* ]]; then
	command -v $QEMU_ARM >/dev/null || genpt_die "$QEMU_ARM not found (run tools/testing/genpt/deps.sh)"
	[ -x "$BUSYBOX_ARM64" ] ||
		genpt_die "${BUSYBOX_ARM64#"$GENPT_ROOT"/} missing (Debian's busybox-static for arm64; run deps.sh)"
fi
# Each kernel with its initramfs just before its first case, the tools
# once per architecture against the first kernel of it: under make test
# the background builder builds the arm64 64K kernel while the other
# cases boot.
prepared=""
tools_built=""
prepare_kernel() {
	[[ " $prepared " == *" $1 "* ]] && return 0
	use_kernel "$1"
	build_kernel
	if [[ " $tools_built " != *" $KARCH "* ]]; then
		build_tools
		tools_built="$tools_built $KARCH"
	fi
	build_initramfs
	prepared="$prepared $1"
}

for c in "${selected[@]}"; do
	prepare_kernel "$(case_kernel "$c")"
	genpt_msg "e2e: booting $c ($(case_field "$c" 1) | $(case_field "$c" 2))"
	use_kernel "$(case_kernel "$c")"
	boot_case "$c"
	check_case "$c"
	check_trace "$c"
	read -r _ secs <"$E2E/$c/qemu.rc"
	genpt_msg "e2e: $c: $(grep -c ' PASS' "$E2E/$c/results.txt") passed, $(grep -c ' FAIL' "$E2E/$c/results.txt" || true) failed, $(grep -c ' SKIP' "$E2E/$c/results.txt" || true) skipped (${secs}s)"
done

echo
echo "genpt e2e: Intel VT-d, AMD IOMMU and ARM SMMUv3 under QEMU ($(${QEMU} --version | head -n 1))"
passed=0
failed=0
skipped=0
for c in "${selected[@]}"; do
	echo
	echo "== $c: $(case_iommu "$c" | sed 's/intel/intel-iommu/; s/amd/amd-iommu/; s/none/no IOMMU:/; s/smmuv3/virt,iommu=smmuv3 arm-smmuv3/') $(case_field "$c" 1); $(case_field "$c" 2)"
	while read -r test status detail; do
		printf '  %-18s %-4s %s\n' "$test" "$status" "$detail"
		case $status in
		PASS) passed=$((passed + 1)) ;;
		SKIP) skipped=$((skipped + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <"$E2E/$c/results.txt"
	if grep -q ' FAIL' "$E2E/$c/results.txt"; then
		echo "  console: ${E2E#"$GENPT_ROOT"/}/$c/console.log, QEMU: ${E2E#"$GENPT_ROOT"/}/$c/qemu.log"
	fi
done
echo
genpt_msg "e2e: total ${#selected[@]} boot(s) in $(genpt_elapsed "$t_all")s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
