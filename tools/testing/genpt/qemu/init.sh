#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash, which has "local" as dash does
#
# Guest init of the genpt end-to-end boot (e2e.sh), run by busybox sh as
# /init of the initramfs. It checks DMA through the IOMMU with the devices
# e2e.sh gives QEMU:
#
#   00:03.0 NVMe, 00:05.0 virtio-blk (iommu_platform=on): a pseudo-random
#           data set written with O_DIRECT, caches dropped, read back with
#           O_DIRECT, checksums compared;
#   00:04.0 edu: genpt_edu.ko (DMA API copies, then a write to an unmapped
#           IOVA whose DMAR fault must show up in the kernel log);
#   00:06.0 edu bound to vfio-pci: /vfio_edu, user space DMA through an
#           iommufd IOAS (copies, a read-only mapping, an unmapped IOVA,
#           snoop control as genpt.snoop=0|1 says); then /vfio_edu_errors,
#           the error paths (bad requests, allocation failures through
#           fail-nth) with DMA checks of the mappings around them;
#   00:07.0 edu bound to dma_map_benchmark: /dma_map_benchmark, DMA API
#           map/unmap latencies (printed, never judged).
#
# The same runs on arm64 under QEMU's virt machine with an SMMUv3 (e2e.sh's
# smmuv3 cases): the IOMMU's ID registers then come from /smmu_regs
# (/dev/mem), the faults are the SMMU's events in the kernel log ("event
# 0x10 received:" and its four double words: StreamID, address), and at
# the end /smmu_regs prints the STE and CD of every DMA API device (result
# smmu-ste; vfio_edu reads the VFIO edu's while it is mapped).
#
# With genpt.ksft=1 (a boot without an IOMMU) it runs only the kernel's
# iommufd selftests (tools/testing/selftests/iommu: /iommufd and
# /iommufd_fail_nth) against the mock domain of CONFIG_IOMMUFD_TEST; every
# line they print goes to the console as "GENPT_E2E_KSFT: <binary> <line>",
# and e2e.sh makes one result of each test from their TAP lines.
#
# A DMA that must fault is announced by a line
# "GENPT_E2E_EXPECT_FAULT: <result> write <bdf> 0x<iova>"; the DMAR fault
# must then be in the kernel log (result <result>), and e2e.sh counts every
# fault QEMU traces against these lines.
#
# On a kernel with kmemleak (the sanitizer boot) the workload ends with a
# kmemleak scan (result kmemleak) and lockdep's state is printed.
#
# Every result is one console line, "GENPT_E2E: <name> PASS|FAIL <detail>"
# (e2e.sh parses them and checks the facts they report against the case);
# then "GENPT_E2E_DONE", the kernel log, and power off.

PATH=/bin
export PATH

result() {
	echo "GENPT_E2E: $*"
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug

# Only warnings and errors (the DMAR faults) on the console while the tests
# run, so that kernel lines do not cut through ours; the whole log is
# printed at the end.
dmesg -n 4

# Data set size in MiB (the --quick runs use less), whether the IOMMU has
# snoop control ("-": not checked), dma_map_benchmark seconds per run, the
# stage of the IOMMU's tables (first or second).
mb=16
snoop=-
bench=3
stage=second
ksft=0
# shellcheck disable=SC2013 # words, not lines
for arg in $(cat /proc/cmdline); do
	case $arg in
	genpt.mb=*) mb=${arg#genpt.mb=} ;;
	genpt.snoop=*) snoop=${arg#genpt.snoop=} ;;
	genpt.bench=*) bench=${arg#genpt.bench=} ;;
	genpt.stage=*) stage=${arg#genpt.stage=} ;;
	genpt.ksft=*) ksft=${arg#genpt.ksft=} ;;
	esac
done

# The IOMMU: AMD's, an ARM SMMUv3 (arm64: "smmu3.<base address>") or VT-d
iommu=intel
[ -d /sys/class/iommu/ivhd0 ] && iommu=amd
smmu_base=""
for d in /sys/class/iommu/smmu3.*; do
	[ -e "$d" ] || continue
	iommu=smmuv3
	smmu_base=${d##*/smmu3.}
	break
done

VFIO_BDF=0000:00:06.0
BENCH_BDF=0000:00:07.0

# bind_override BDF DRIVER: bind a device to a driver that has no ID table
# entry for it. Returns non-zero if it is not bound afterwards.
bind_override() {
	local d=/sys/bus/pci/devices/$1

	[ -e "$d" ] || return 1
	echo "$2" >"$d/driver_override" || return 1
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(basename "$(readlink "$d/driver" 2>/dev/null)")" = "$2" ]
}

# The IOMMU as the kernel drives it: capability registers, root table
# address (bit 10, SMT: scalable mode tables), domain type of each device.
check_iommu() {
	local d=/sys/class/iommu/dmar0/intel-iommu regs rtaddr

	if [ "$iommu" = amd ]; then
		d=/sys/class/iommu/ivhd0/amd-iommu
		result iommu PASS "amd cap=0x$(cat $d/cap) features=0x$(cat $d/features)"
		return
	fi
	# SMMUv3: the ID registers, read by smmu_regs through /dev/mem (the
	# driver has no debugfs and prints only a summary); e2e.sh checks
	# the stages and coherency the case asks for
	if [ "$iommu" = smmuv3 ]; then
		regs=$(/smmu_regs "$smmu_base" 2>&1)
		echo "$regs"
		regs=$(echo "$regs" | sed -n 's/^GENPT_E2E_INFO: smmu-idr //p')
		if [ -n "$regs" ]; then
			result iommu PASS "smmuv3 base=$smmu_base $regs"
		else
			result iommu FAIL "smmuv3 at $smmu_base: ID registers unreadable"
		fi
		return
	fi

	if [ ! -r "$d/cap" ]; then
		result iommu FAIL "no /sys/class/iommu/dmar0: DMA remapping is off"
		return
	fi
	regs=/sys/kernel/debug/iommu/intel/iommu_regset
	rtaddr=$(awk '$1 == "RTADDR" { print $3 }' "$regs" 2>/dev/null)
	result iommu PASS "cap=0x$(cat "$d/cap") ecap=0x$(cat "$d/ecap") rtaddr=${rtaddr:-unknown}"
}

check_group() {
	local name=$1 bdf=$2 t

	t=$(cat "/sys/bus/pci/devices/$bdf/iommu_group/type" 2>/dev/null)
	case $t in
	DMA | DMA-FQ) result "$name-group" PASS "type=$t" ;;
	*) result "$name-group" FAIL "type=${t:-no group}" ;;
	esac
}

# Disk test: the data set (mb MiB from /dev/urandom, then 1 MiB more) goes
# to the disk with O_DIRECT, the first part in 1 MiB requests, the last MiB
# in 4 KiB requests; caches are dropped and it is read back with O_DIRECT
# in 128 KiB requests. The host also checks the checksum on the image.
check_disk() {
	local name=$1 dev=/dev/$2 want got

	if [ ! -b "$dev" ]; then
		result "$name-direct" FAIL "no $dev"
		return
	fi
	want=$(sha256sum /tmp/data | cut -d' ' -f1)
	if ! dd if=/tmp/data of="$dev" bs=1M count="$mb" oflag=direct \
		conv=fsync,notrunc status=none ||
	   ! dd if=/tmp/data of="$dev" bs=4k skip=$((mb * 256)) \
		seek=$((mb * 256)) oflag=direct conv=fsync,notrunc status=none; then
		result "$name-direct" FAIL "O_DIRECT write to $dev failed"
		return
	fi
	sync
	echo 3 >/proc/sys/vm/drop_caches
	got=$(dd if="$dev" bs=128k count=$(((mb + 1) * 8)) iflag=direct \
		status=none | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		result "$name-direct" PASS "$((mb + 1))MiB sha256=$want"
	else
		result "$name-direct" FAIL "read back sha256=$got, wrote $want"
	fi
}

# amd_fault_at PAGE: the first IO_PAGE_FAULT line on stdin whose address
# is in PAGE. QEMU 10.0's amd-iommu reports the address of the access, and
# the access type in flags bits 1:0 instead of the RW flag (bit 5): the
# address is the check here (and QEMU's trace, in e2e.sh).
amd_fault_at() {
	local line a

	while read -r line; do
		a=${line##*address=}
		a=${a%% *}
		if [ $((a & ~0xfff)) = $(($1)) ]; then
			echo "$line"
			return
		fi
	done
}

# smmu_events: the SMMUv3 events in the kernel log, one per line, "<id>
# <dw0> <dw1> <dw2> <dw3>": 6.12's arm_smmu_evtq_thread() logs an event it
# does not handle itself (no stall, no PRI) as "event 0x<id> received:"
# and its four double words, one per line.
smmu_events() {
	dmesg | awk '
		/ event 0x[0-9a-f]+ received:$/ {
			for (i = 1; i < NF; i++)
				if ($i == "event")
					id = $(i + 1)
			w = ""
			n = 0
			next
		}
		id != "" && $NF ~ /^0x[0-9a-f]+$/ {
			w = w " " $NF
			if (++n == 4) {
				print id w
				id = ""
			}
		}'
}

# smmu_fault_at SID PAGE: the first event of smmu_events (stdin) of
# StreamID SID (dw0 bits 63:32) at an input address (dw2) in PAGE.
smmu_fault_at() {
	local id w0 w1 w2 w3

	while read -r id w0 w1 w2 w3; do
		if [ $((w0 >> 32)) = $(($1)) ] && [ $((w2 & ~0xfff)) = $(($2)) ]; then
			case $id in
			0x10) id="$id (F_TRANSLATION)" ;;
			0x13) id="$id (F_PERMISSION)" ;;
			esac
			echo "event $id sid=$(printf '%#x' $((w0 >> 32))) addr=$w2 evt=$w0:$w1:$w2:$w3"
			return
		fi
	done
}

# check_fault_logged NAME BDF IOVA: the DMAR write fault of BDF at IOVA is
# in the kernel log (result NAME), whatever its reason: it depends on the
# stage (second: 0x05; first: 0x71 unmapped, 0x85 read-only), which e2e.sh
# checks (fault-reasons).
check_fault_logged() {
	local name=$1 bdf=$2 iova fault df

	# The fault record has the page address without leading zeroes and
	# the bus:dev.fn without the PCI domain.
	iova=$(printf '0x%x' $(($3 & ~0xfff)))
	bdf=${bdf#*:}
	fault=""
	for _ in $(seq 10); do
		if [ "$iommu" = smmuv3 ]; then
			# StreamID = RID (bus << 8 | dev << 3 | fn) on QEMU's virt
			# machine
			df=${bdf#*:}
			fault=$(smmu_events | smmu_fault_at \
				"$(( (0x${bdf%%:*} << 8) | (0x${df%.*} << 3) | ${df#*.} ))" "$iova")
		elif [ "$iommu" = amd ]; then
			fault=$(dmesg | grep -E " 0000:$bdf: Event logged \[IO_PAGE_FAULT domain=0x[0-9a-f]+ address=0x[0-9a-f]+ " |
				amd_fault_at "$iova")
		else
			fault=$(dmesg | grep -E "DMAR: \[DMA Write (NO_PASID|PASID 0x[0-9a-f]+)\] Request device \[$bdf\] fault addr $iova " | head -n 1)
		fi
		[ -n "$fault" ] && break
		sleep 1
	done
	if [ -n "$fault" ]; then
		result "$name" PASS "${fault#*: }"
	else
		result "$name" FAIL "no $iommu IOMMU write fault for $bdf at $iova in the kernel log"
	fi
}

# check_expected_faults FILE: every GENPT_E2E_EXPECT_FAULT line of FILE.
check_expected_faults() {
	local name bdf iova

	sed -n 's/^GENPT_E2E_EXPECT_FAULT: \([^ ]*\) write \([^ ]*\) \(0x[0-9a-f]*\)$/\1 \2 \3/p' "$1" |
	while read -r name bdf iova; do
		check_fault_logged "$name" "$bdf" "$iova"
	done
}

# genpt_edu.ko runs its tests in probe; its results and the expected DMAR
# fault are in the kernel log.
check_edu() {
	local first=0 amd=0 smmu=0

	[ "$stage" = first ] && first=1
	[ "$iommu" = amd ] && amd=1
	[ "$iommu" = smmuv3 ] && smmu=1
	if ! insmod /genpt_edu.ko first_stage=$first amd=$amd smmu=$smmu; then
		result edu-load FAIL "insmod genpt_edu.ko failed"
		return
	fi
	if ! dmesg | grep -q 'genpt_edu: done '; then
		result edu-load FAIL "genpt_edu did not probe (no edu device?)"
		return
	fi
	dmesg | sed -n 's/.*genpt_edu: result \(.*\)/GENPT_E2E: \1/p'
	dmesg | sed -n 's/.*genpt_edu: done .* \([0-9]*\) bytes verified.*/GENPT_E2E_INFO: edu-bytes \1/p'
	dmesg | sed -n 's/.*genpt_edu: expect-fault write \([^ ]*\) \(0x[0-9a-f]*\).*/GENPT_E2E_EXPECT_FAULT: edu-fault-logged write \1 \2/p' |
		tee /tmp/edu-faults
	check_expected_faults /tmp/edu-faults
}

# The VFIO test; its output goes to the console as it comes.
check_vfio() {
	local rc=0

	if [ "$vfio_bound" != 1 ]; then
		result vfio-setup FAIL "cannot bind $VFIO_BDF to vfio-pci"
		return
	fi
	/vfio_edu "$VFIO_BDF" "$snoop" >/tmp/vfio.out 2>&1 || rc=$?
	cat /tmp/vfio.out
	echo "GENPT_E2E_INFO: vfio_edu exit status $rc"
	check_expected_faults /tmp/vfio.out
	rc=0
	/vfio_edu_errors "$VFIO_BDF" 2>&1 || rc=$?
	echo "GENPT_E2E_INFO: vfio_edu_errors exit status $rc"
}

# The iommufd selftests, each binary's output line by line with its name
# and its exit status. The dirty tracking tests of the mock's 1MiB pages
# need 2MiB hugetlb pages: 128MiB of buffer at most, so 80 of them.
#
# The mock domains' tables are iommu pages: once the tests have freed their
# domains the count must be back where it was (result ksft-iommu-pages).
check_ksft() {
	local bin before after

	before=$(stable_iommu_pages)
	echo 80 >/proc/sys/vm/nr_hugepages
	echo "GENPT_E2E_INFO: ksft hugepages $(cat /proc/sys/vm/nr_hugepages)"
	for bin in iommufd iommufd_fail_nth; do
		if [ -x "/$bin" ]; then
			{ "/$bin" 2>&1 || echo "GENPT_KSFT_EXIT $?"; } |
				sed "s|^|GENPT_E2E_KSFT: $bin |"
		else
			echo "GENPT_E2E_KSFT: $bin GENPT_KSFT_EXIT 127"
		fi
	done
	echo 0 >/proc/sys/vm/nr_hugepages
	after=$(stable_iommu_pages)
	if [ -n "$before" ] && [ "$before" = "$after" ]; then
		result ksft-iommu-pages PASS "nr_iommu_pages $before before the selftests, $after after"
	else
		result ksft-iommu-pages FAIL "nr_iommu_pages ${before:-?} before the selftests, ${after:-?} after"
	fi
}

# nr_iommu_pages, exact: the per-CPU counters folded first
stable_iommu_pages() {
	echo 1 >/proc/sys/vm/stat_refresh
	awk '$1 == "nr_iommu_pages" { print $2 }' /proc/vmstat
}

# kmemleak (sanitizer kernel only): two scans, the second one more than
# kmemleak's minimum object age (5 s) after the first, so that what the
# workload allocated last is old enough to be reported; the report must be
# empty.
check_kmemleak() {
	local k=/sys/kernel/debug/kmemleak n

	[ -e $k ] || return 0
	if ! echo scan >$k; then
		result kmemleak FAIL "cannot scan (kmemleak off?)"
		return
	fi
	sleep 6
	echo scan >$k
	cat $k >/tmp/kmemleak.txt
	n=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	if [ "$n" = 0 ]; then
		result kmemleak PASS "2 scans, no unreferenced object"
	else
		sed 's/^/GENPT_E2E_KMEMLEAK: /' /tmp/kmemleak.txt
		result kmemleak FAIL "$n unreferenced objects (GENPT_E2E_KMEMLEAK lines)"
	fi
}

# dma_map_benchmark (tools/testing/selftests/dma): one result per run, the
# latencies in microseconds as it prints them.
check_dmabench() {
	local name=$1 out map unmap

	shift
	if [ "$bench_bound" != 1 ]; then
		result "$name" FAIL "cannot bind $BENCH_BDF to dma_map_benchmark"
		return
	fi
	if ! out=$(/dma_map_benchmark -s "$bench" "$@" 2>&1); then
		result "$name" FAIL "dma_map_benchmark $*: $(echo "$out" | tail -n 1)"
		return
	fi
	map=$(echo "$out" | sed -n 's/^average map latency(us):\([0-9.]*\) standard deviation:\([0-9.]*\)$/map_us=\1 map_sd=\2/p')
	unmap=$(echo "$out" | sed -n 's/^average unmap latency(us):\([0-9.]*\) standard deviation:\([0-9.]*\)$/unmap_us=\1 unmap_sd=\2/p')
	if [ -n "$map" ] && [ -n "$unmap" ]; then
		result "$name" PASS "$map $unmap args=[$* -s $bench]"
	else
		result "$name" FAIL "no latencies in: $(echo "$out" | tr '\n' ';')"
	fi
}

# The end of every boot: the kernel log, and power off.
finish() {
	echo GENPT_E2E_DONE
	echo "GENPT_E2E_DMESG_BEGIN"
	dmesg
	echo "GENPT_E2E_DMESG_END"
	sync
	poweroff -f
}

# iommufd's own fault point (CONFIG_IOMMUFD_TEST) takes part in fail-nth
# too: one line per injected fault, as failslab's, not a stack dump.
[ -w /sys/kernel/debug/fail_iommufd/verbose ] &&
	echo 1 >/sys/kernel/debug/fail_iommufd/verbose

if [ "$ksft" = 1 ]; then
	check_ksft
	finish
fi

# Before genpt_edu.ko is loaded: it would take every edu.
vfio_bound=0
bind_override $VFIO_BDF vfio-pci && vfio_bound=1
bench_bound=0
bind_override $BENCH_BDF dma_map_benchmark && bench_bound=1

check_iommu
check_group nvme 0000:00:03.0
# On arm64 (device tree) a device joins its IOMMU group when a driver
# binds: the edu's once genpt_edu.ko is loaded.
[ "$iommu" = smmuv3 ] || check_group edu 0000:00:04.0
check_group virtio 0000:00:05.0

if dd if=/dev/urandom of=/tmp/data bs=1M count=$((mb + 1)) status=none; then
	check_disk nvme nvme0n1
	check_disk virtio vda
else
	result disk-data FAIL "cannot make the data set in /tmp"
fi

check_edu
[ "$iommu" = smmuv3 ] && check_group edu 0000:00:04.0
check_vfio
check_dmabench dmabench-g1 -t 1 -g 1
check_dmabench dmabench-g512 -t 1 -g 512
check_dmabench dmabench-g1-t2 -t 2 -g 1
check_kmemleak
# lockdep turns itself off after its first report (e2e.sh checks it is on)
if [ -r /proc/lockdep_stats ]; then
	echo "GENPT_E2E_INFO: lockdep debug_locks=$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)"
fi

# For the "make run" report: the domains, the context/PASID entries (domain
# IDs) and the I/O page tables (after the tests; the VFIO one is printed by
# vfio_edu while it is mapped) as the driver shows them.
for bdf in 0000:00:03.0 0000:00:04.0 0000:00:05.0 $VFIO_BDF $BENCH_BDF; do
	echo "GENPT_E2E_INFO: group $bdf $(cat "/sys/bus/pci/devices/$bdf/iommu_group/type" 2>/dev/null)"
done
# SMMUv3: the STE (and CD) of every DMA API device as the SMMU sees them;
# the VFIO edu's was read by vfio_edu while its IOAS was mapped
if [ "$iommu" = smmuv3 ]; then
	if out=$(/smmu_regs "$smmu_base" 0000:00:03.0 0000:00:04.0 0000:00:05.0 $BENCH_BDF 2>&1); then
		echo "$out"
		result smmu-ste PASS "$(echo "$out" | grep -c 'smmu-ste .* cfg=') STEs read"
	else
		echo "$out"
		result smmu-ste FAIL "smmu_regs: $(echo "$out" | tail -n 1)"
	fi
fi
head -n 40 /sys/kernel/debug/iommu/intel/dmar_translation_struct 2>/dev/null |
	sed 's/^/GENPT_E2E_CTX: /'
for bdf in 0000:00:03.0 0000:00:04.0 0000:00:05.0 $BENCH_BDF; do
	head -n 66 "/sys/kernel/debug/iommu/intel/$bdf/domain_translation_struct" 2>/dev/null |
		sed "s/^/GENPT_E2E_PT: $bdf /"
done

finish
