#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of the Intel VT-d driver under QEMU (TCG): real devices
# do DMA through the driver's page tables, verified by content, and a DMA
# to an unmapped IOVA must fault.
#
#   e2e.sh [--quick] [--list] [CASE...]
#
# 1. builds a small x86_64 kernel in build/qemu-x86_64 from build/src with
#    configs/qemu-x86_64.config (make allnoconfig + the fragment);
# 2. builds qemu/genpt_edu.ko against it and an initramfs from Debian's
#    busybox-static, qemu/init.sh and the module;
# 3. boots each case (default: all, --quick: two with less data) on a q35
#    machine with an intel-iommu, NVMe, edu and virtio-blk, and collects the
#    "GENPT_E2E: <name> PASS|FAIL <detail>" lines of the guest;
# 4. checks what the guest reports against the case (address width,
#    scalable mode, caching mode, strict or lazy, superpages), the disk
#    images on the host, and the kernel log (no WARNING, BUG, Oops).
#
# It prints one line per result and ends with "N passed, N failed"; the
# exit status is non-zero iff something failed. Per case, under
# build/e2e/<case>/: console.log (serial console), qemu.log (QEMU's
# output), results.txt. The kernel build log is build/logs/e2e-kernel.log.
#
# Environment: GENPT_E2E_TIMEOUT (seconds per boot, default 300),
# GENPT_JOBS, GENPT_NO_CCACHE=1 (see lib.sh).
#
# The harness depends only on the driver's behaviour, not on which page
# table code it uses: it is the regression net of the genpt conversion.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

BDIR=$GENPT_BUILD/qemu-x86_64
EDU_DIR=$GENPT_BUILD/qemu-x86_64-edu
E2E=$GENPT_BUILD/e2e
FRAGMENT=$GENPT_TOOLS/configs/qemu-x86_64.config
KLOG=$GENPT_LOGS/e2e-kernel.log
TIMEOUT=${GENPT_E2E_TIMEOUT:-300}
QEMU=qemu-system-x86_64
QBOOT=/usr/share/qemu/qboot.rom

# Cases: name, intel-iommu options, kernel options, expectations
# (aw=<bits> sm=<0|1> cm=<0|1> type=<DMA|DMA-FQ> pgsize=<bitmap>).
# 2M and 1G leaves: QEMU's SLLPS is 2M|1G at any address width.
CASES=(
"legacy39|aw-bits=39|intel_iommu=on,sm_off iommu.strict=1|aw=39 sm=0 cm=0 type=DMA pgsize=0x40201000"
"legacy48|aw-bits=48|intel_iommu=on,sm_off iommu.strict=1|aw=48 sm=0 cm=0 type=DMA pgsize=0x40201000"
"legacy48-lazy|aw-bits=48|intel_iommu=on,sm_off iommu.strict=0|aw=48 sm=0 cm=0 type=DMA-FQ pgsize=0x40201000"
"scalable48|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=1|aw=48 sm=1 cm=0 type=DMA pgsize=0x40201000"
"scalable48-lazy|x-scalable-mode=on,aw-bits=48|intel_iommu=on,sm_on iommu.strict=0|aw=48 sm=1 cm=0 type=DMA-FQ pgsize=0x40201000"
# Caching mode makes the driver strict whatever the command line says
# ("IOMMU batching disallowed due to virtualization").
"caching48-lazy|aw-bits=48,caching-mode=on|intel_iommu=on,sm_off iommu.strict=0|aw=48 sm=0 cm=1 type=DMA pgsize=0x40201000"
"spoff48|aw-bits=48|intel_iommu=on,sm_off,sp_off iommu.strict=1|aw=48 sm=0 cm=0 type=DMA pgsize=0x1000"
)
QUICK_CASES="legacy39 scalable48"

# Results every boot must produce (besides those e2e.sh adds itself).
GUEST_RESULTS="iommu nvme-group edu-group virtio-group nvme-direct virtio-direct
edu-domain edu-coherent edu-iova-to-phys edu-streaming edu-fault edu-fault-logged"

usage() {
	echo "usage: e2e.sh [--quick] [--list] [CASE...]" >&2
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
selected=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--list) case_names; echo; exit 0 ;;
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
	else
		read -r -a selected <<<"$(case_names)"
	fi
fi
# Data set per disk: (MB + 1) MiB.
MB=16
[ $quick = 1 ] && MB=4

[ -f "$GENPT_SRC/Makefile" ] || genpt_die "build/src is not assembled (run 'make tree')"
for t in $QEMU gzip cpio sha256sum timeout; do
	command -v "$t" >/dev/null || genpt_die "$t not found (run tools/testing/genpt/deps.sh)"
done
[ -x /bin/busybox ] || genpt_die "/bin/busybox missing (package busybox-static; run deps.sh)"
[ -r $QBOOT ] || genpt_die "$QBOOT missing (package qemu-system-data)"

mkdir -p "$GENPT_LOGS" "$BDIR" "$EDU_DIR" "$E2E"
mapfile -t MAKEVARS < <(genpt_make_vars x86_64)
kmake() {
	make -C "$GENPT_SRC" O="$BDIR" "${MAKEVARS[@]}" "$@"
}

# --- 1. kernel ---------------------------------------------------------------

# allnoconfig with the fragment forced; the .config is replaced only when
# it changes, so that an unchanged configuration rebuilds nothing.
configure_kernel() {
	local new=$BDIR/.config.e2e-new line sym missing=()

	kmake KCONFIG_ALLCONFIG="$FRAGMENT" KCONFIG_CONFIG=.config.e2e-new \
		allnoconfig >>"$KLOG" 2>&1 ||
		genpt_die "make allnoconfig failed; log: ${KLOG#$GENPT_ROOT/}"
	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$new" || missing+=("$line")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			grep -q "^$sym=" "$new" && missing+=("$line")
			;;
		esac
	done <"$FRAGMENT"
	if [ ${#missing[@]} -gt 0 ]; then
		genpt_err "the kernel configuration lacks (dependencies not met?):"
		printf '    %s\n' "${missing[@]}" >&2
		genpt_die "see ${new#$GENPT_ROOT/}"
	fi
	if cmp -s "$new" "$BDIR/.config"; then
		rm -f "$new"
	else
		mv "$new" "$BDIR/.config"
	fi
}

build_kernel() {
	local t0

	t0=$(genpt_now)
	echo "# genpt: $(date -u '+%F %T UTC') e2e kernel build" >"$KLOG"
	configure_kernel
	genpt_msg "e2e: building the kernel (build/qemu-x86_64)"
	kmake -j"$GENPT_JOBS" bzImage modules >>"$KLOG" 2>&1 || {
		grep -m 15 -E 'error:|Error [0-9]+|ERROR:' "$KLOG" | sed 's/^/    /' >&2 || true
		genpt_die "kernel build failed; log: ${KLOG#$GENPT_ROOT/}"
	}
	# The module is built in its own directory: kbuild writes objects
	# next to the sources of an external module.
	rsync -c "$GENPT_TOOLS/qemu/genpt_edu.c" "$GENPT_TOOLS/qemu/Kbuild" "$EDU_DIR/"
	kmake M="$EDU_DIR" modules >>"$KLOG" 2>&1 || {
		grep -m 15 -E 'error:|warning:|ERROR:' "$KLOG" | sed 's/^/    /' >&2 || true
		genpt_die "genpt_edu.ko build failed; log: ${KLOG#$GENPT_ROOT/}"
	}
	if grep -q 'genpt_edu.*warning:' "$KLOG"; then
		grep 'genpt_edu.*warning:' "$KLOG" | sed 's/^/    /' >&2
		genpt_die "genpt_edu.ko builds with warnings"
	fi
	genpt_msg "e2e: kernel and module built in $(genpt_elapsed "$t0")s"
}

# --- 2. initramfs ------------------------------------------------------------

# gen_init_cpio (built with the kernel) takes a list of entries, so the
# archive needs no root and no staging directory (/dev/console included).
build_initramfs() {
	local list=$E2E/initramfs.list gen=$BDIR/usr/gen_init_cpio applet

	[ -x "$gen" ] || kmake usr/gen_init_cpio >>"$KLOG" 2>&1 ||
		genpt_die "cannot build usr/gen_init_cpio"
	{
		echo "dir /bin 0755 0 0"
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /tmp 1777 0 0"
		echo "file /bin/busybox /bin/busybox 0755 0 0"
		for applet in $(/bin/busybox --list); do
			[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0"
		done
		echo "file /init $GENPT_TOOLS/qemu/init.sh 0755 0 0"
		echo "file /genpt_edu.ko $EDU_DIR/genpt_edu.ko 0644 0 0"
	} >"$list"
	"$gen" -t 0 "$list" | gzip -9n >"$E2E/initramfs.cpio.gz" ||
		genpt_die "cannot build the initramfs"
}

# --- 3. boot -----------------------------------------------------------------

# boot_case NAME: one QEMU run; its console in build/e2e/NAME/console.log.
boot_case() {
	local name=$1 dir=$E2E/$1 vtd kargs t0 rc=0

	vtd=$(case_field "$name" 1)
	kargs=$(case_field "$name" 2)
	rm -rf "$dir"
	mkdir -p "$dir"
	truncate -s 64M "$dir/nvme.img" "$dir/virtio.img"
	t0=$(genpt_now)
	timeout --kill-after=10 "$TIMEOUT" $QEMU \
		-machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 2 -m 1G \
		-nodefaults -display none -no-reboot -bios $QBOOT \
		-serial "file:$dir/console.log" \
		-kernel "$BDIR/arch/x86/boot/bzImage" -initrd "$E2E/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 oops=panic $kargs genpt.mb=$MB" \
		-device "intel-iommu,intremap=on,$vtd" \
		-device nvme,serial=genpt0,drive=nv0,addr=03.0 \
		-drive "if=none,id=nv0,file=$dir/nvme.img,format=raw" \
		-device edu,addr=04.0,dma_mask=0xffffffffffffffff \
		-device virtio-blk-pci,drive=vd0,iommu_platform=on,disable-legacy=on,addr=05.0 \
		-drive "if=none,id=vd0,file=$dir/virtio.img,format=raw" \
		</dev/null >"$dir/qemu.log" 2>&1 || rc=$?
	echo "$rc $(genpt_elapsed "$t0")" >"$dir/qemu.rc"
}

# --- 4. results --------------------------------------------------------------

# check_case NAME: writes build/e2e/NAME/results.txt, one
# "<test> PASS|FAIL <detail>" per line.
check_case() {
	local name=$1 dir=$E2E/$1 log=$E2E/$1/console.log out=$E2E/$1/results.txt
	local rc secs exp aw sm cm type pgsize r line cap ecap rtaddr v got want img

	read -r rc secs <"$dir/qemu.rc"
	exp=$(case_field "$name" 3)
	for kv in $exp; do
		case $kv in
		aw=*) aw=${kv#aw=} ;;
		sm=*) sm=${kv#sm=} ;;
		cm=*) cm=${kv#cm=} ;;
		type=*) type=${kv#type=} ;;
		pgsize=*) pgsize=${kv#pgsize=} ;;
		esac
	done
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
		res "boot FAIL timed out after ${TIMEOUT}s"
	else
		res "boot FAIL QEMU exit status $rc after ${secs}s$(grep -aq GENPT_E2E_DONE "$log" || echo ', no GENPT_E2E_DONE')"
	fi

	for r in $GUEST_RESULTS; do
		line=$(guest "$r")
		if [ -z "$line" ]; then
			res "$r FAIL missing"
		else
			res "$r $line"
		fi
	done

	# The IOMMU is the one the case asks for.
	line=$(guest iommu)
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

	line=$(grep -a -m 3 -E '(WARNING:|BUG:|Oops|Kernel panic|Call Trace:|UBSAN|KASAN)' "$log" | tr -d '\r' | tr '\n' ';' || true)
	if [ -z "$line" ]; then
		res "kernel-log PASS no WARNING/BUG/Oops"
	else
		res "kernel-log FAIL $line"
	fi
}

# --- main --------------------------------------------------------------------

t_all=$(genpt_now)
build_kernel
build_initramfs

for c in "${selected[@]}"; do
	genpt_msg "e2e: booting $c ($(case_field "$c" 1) | $(case_field "$c" 2))"
	boot_case "$c"
	check_case "$c"
	read -r _ secs <"$E2E/$c/qemu.rc"
	genpt_msg "e2e: $c: $(grep -c ' PASS' "$E2E/$c/results.txt") passed, $(grep -c ' FAIL' "$E2E/$c/results.txt" || true) failed (${secs}s)"
done

echo
echo "genpt e2e: Intel VT-d under QEMU ($(${QEMU} --version | head -n 1))"
passed=0
failed=0
for c in "${selected[@]}"; do
	echo
	echo "== $c: intel-iommu $(case_field "$c" 1); $(case_field "$c" 2)"
	while read -r test status detail; do
		printf '  %-18s %-4s %s\n' "$test" "$status" "$detail"
		case $status in
		PASS) passed=$((passed + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <"$E2E/$c/results.txt"
	if grep -q ' FAIL' "$E2E/$c/results.txt"; then
		echo "  console: ${E2E#$GENPT_ROOT/}/$c/console.log, QEMU: ${E2E#$GENPT_ROOT/}/$c/qemu.log"
	fi
done
echo
genpt_msg "e2e: total ${#selected[@]} boot(s) in $(genpt_elapsed "$t_all")s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
