// SPDX-License-Identifier: GPL-2.0
/*
 * genpt end-to-end test: user space DMA through VFIO and iommufd with QEMU's
 * edu device (PCI 1234:11e8).
 *
 *   vfio_edu <bdf> <snoop: 0|1|->
 *
 * The edu at <bdf> must be bound to vfio-pci. The test binds its VFIO cdev
 * to an iommufd, attaches it to an IOAS, maps a 4 MiB buffer (transparent
 * huge pages where the kernel gives them) at a low IOVA and near the top of
 * the IOVA range the kernel reports, and makes edu copy memory to its own
 * buffer and back at several IOVAs, across a 2 MiB boundary among them; the
 * data is compared byte by byte. Then:
 *   - a read-only mapping: edu may read it, and its write to it must be
 *     blocked (the IOMMU logs a DMAR write fault);
 *   - IOMMU_IOAS_UNMAP: edu's write to the unmapped IOVA must be blocked;
 *   - snoop control: IOMMU_GET_HW_INFO's ecap must match sysfs, its SC bit
 *     must be what the case asks for (<snoop>, "-" for either), and the
 *     IOAS's domain snoops exactly when SC is set, as iommufd enforces cache
 *     coherency when the IOMMU can: on the second stage every leaf PTE of
 *     its table (from the driver's debugfs) carries SNP; the first stage has
 *     no such bit, there PGSNP in the device's PASID entry (debugfs
 *     dmar_translation_struct) says it (the table's debugfs lines are
 *     printed, "GENPT_E2E_PT: <bdf> ...", and the PASID entry,
 *     "GENPT_E2E_INFO: vfio-pasid-entry <bdf> <val[2]>:<val[1]>:<val[0]>").
 * It also tries to allocate dirty tracking and nest parent HWPTs and prints
 * the errno (information only: neither QEMU 7.2 nor 10.0 offers SLADS or
 * nesting on intel-iommu).
 *
 * On an AMD IOMMU (/sys/class/iommu/ivhd0) IOMMU_GET_HW_INFO has no data
 * (6.12's driver has no hw_info op) and snoop control is not checked (every
 * v1 leaf has FC; 6.12's AMD debugfs shows no tables). QEMU 10.0's
 * amd-iommu logs no event for anything the driver writes: amdvi_page_walk()
 * checks permissions only in a DTE with a non-zero mode and in the
 * directory entries it passes, stops at an entry of zero silently, never
 * checks the leaf, and a DTE of mode 0 (the blocked domain) denies silently.
 * So there the writes to the unmapped and read-only IOVAs are checked by
 * content only, and one more: once the device is detached from the IOAS
 * (blocked domain), its write to the top mapping must not land.
 *
 * On an ARM SMMUv3 (/sys/class/iommu/smmu3.<base>) IOMMU_GET_HW_INFO has no
 * data either (6.12's driver has no hw_info op), and there is no snoop
 * control to check (the SMMU's coherency is IDR0.COHACC and the tables'
 * memory attributes); instead, while the IOAS is mapped, /smmu_regs prints
 * the device's STE and CD as the SMMU reads them (result vfio-ste; e2e.sh
 * checks the stage and granule), and the write after the detach is
 * checked as on AMD. Its faults are logged, as on VT-d. Page-sized IOVAs
 * and lengths are in EDU_PG units (the kernel's page size).
 *
 * Output on stdout, one line per result, "GENPT_E2E: <name> PASS|FAIL ...";
 * "GENPT_E2E_INFO: ..." lines are information; a DMA that must fault is
 * announced first by "GENPT_E2E_EXPECT_FAULT: <name> write <bdf> 0x<iova>"
 * (the guest init then looks for the DMAR fault in the kernel log, the host
 * for the fault in QEMU's trace). The exit status is the number of failed
 * results (capped).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio_edu_common.h"

#define BUF_SIZE		(2 * SZ_2M)
/* 16 pages: edu reads the 4th, its write to the 8th must fault */
#define RO_SIZE			(16 * EDU_PG)

/* IOVAs below the top mapping; the top one comes from the IOVA ranges. */
#define IOVA_LOW		0x40000000ULL	/* 1 GiB, 2 MiB aligned */
#define IOVA_RO			0x80000000ULL

/* VT-d ECAP.SC, snoop control (VT-d spec 11.4.3) */
#define VTD_ECAP_SC		(1ULL << 7)
/* VT-d second-stage PTE bit 11, SNP */
#define VTD_SL_PTE_SNP		(1ULL << 11)
/*
 * Scalable mode PASID table entry (VT-d spec 9.6): PGTT, val[0] bits 8:6
 * (1: first stage, 2: second stage); PGSNP, bit 88 (val[1] bit 24).
 */
#define VTD_PASID_PGTT(val0)	(((val0) >> 6) & 7)
#define VTD_PGTT_FIRST_STAGE	1
#define VTD_PGTT_SECOND_STAGE	2
#define VTD_PASID_PGSNP		(1ULL << 24)

/* A scalable mode PASID table entry as debugfs shows it */
struct pasid_entry_dump {
	bool found;
	unsigned long long val[3];
};

/* The IOMMU is AMD's or an ARM SMMUv3 (else VT-d) */
static bool amd, smmu;
/* the SMMUv3's base address, from its sysfs name "smmu3.<base>" */
static char smmu_base[40];

/* An SMMUv3 in /sys/class/iommu: its base address into smmu_base. */
static bool find_smmu(void)
{
	struct dirent *e;
	DIR *d = opendir("/sys/class/iommu");
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (!strncmp(e->d_name, "smmu3.", 6)) {
			snprintf(smmu_base, sizeof(smmu_base), "%s", e->d_name + 6);
			found = true;
		}
	}
	closedir(d);
	return found;
}

/*
 * The length of a write that must fault: on SMMUv3 one 4-byte access, as
 * QEMU 10.0's SMMU records an event per access and 6.12's driver logs at
 * most 10 per 5 s (genpt_edu.c, EDU_FAULT_LEN_SMMU).
 */
static size_t fault_len(void)
{
	return smmu ? 4 : EDU_XFER_MAX;
}

/*
 * SMMUv3: the STE and CD the SMMU has for the device while its IOAS is
 * mapped, as smmu_regs prints them (e2e.sh checks the stage and granule).
 */
static void test_smmu_ste(void)
{
	char cmd[128], line[512];
	unsigned int n = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "/smmu_regs %s %s 2>&1", smmu_base, bdf);
	p = popen(cmd, "r");
	if (!p) {
		result("vfio-ste", false, "popen %s: %s", cmd, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), p)) {
		fputs(line, stdout);
		if (strstr(line, "smmu-ste ") && strstr(line, " cfg="))
			n++;
	}
	st = pclose(p);
	result("vfio-ste", !st && n == 1, "smmu_regs %s: exit status %d, %u STE read",
	       bdf, st, n);
}

/*
 * AMD on the genpt kernel: the DTE Mode (levels) of the device's v1 table,
 * from genpt_edu's debugfs file; -1 where there is none (6.12).
 */
static int amd_table_mode(void)
{
	FILE *f = fopen("/sys/kernel/debug/genpt_edu_amd_mode", "r");
	int mode = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &mode) != 1)
		mode = -1;
	fclose(f);
	return mode;
}

static uint64_t read_sysfs_hex(const char *name)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/iommu/dmar0/intel-iommu/%s",
		 name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llx", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* IOMMU_GET_HW_INFO: VT-d data, the same registers as sysfs shows. */
static uint64_t test_hw_info(void)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info info = {
		.size = sizeof(info),
		.dev_id = dev_id,
		.data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	uint64_t cap, ecap;

	if (ioctl(iommufd, IOMMU_GET_HW_INFO, &info)) {
		result("vfio-hw-info", false, "IOMMU_GET_HW_INFO: %s", strerror(errno));
		return 0;
	}
	if (amd || smmu) {
		/* 6.12's AMD and SMMUv3 drivers have no hw_info op */
		result("vfio-hw-info", info.out_data_type == IOMMU_HW_INFO_TYPE_NONE,
		       "%s: type=%u data_len=%u (want none)", amd ? "AMD" : "SMMUv3",
		       info.out_data_type, info.data_len);
		return 0;
	}
	cap = read_sysfs_hex("cap");
	ecap = read_sysfs_hex("ecap");
	result("vfio-hw-info",
	       info.out_data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD &&
	       vtd.cap_reg == cap && vtd.ecap_reg == ecap,
	       "type=%u cap=%#llx ecap=%#llx flags=%#x capabilities=%#llx (sysfs cap=%#llx ecap=%#llx)",
	       info.out_data_type, (unsigned long long)vtd.cap_reg,
	       (unsigned long long)vtd.ecap_reg, vtd.flags,
	       (unsigned long long)info.out_capabilities,
	       (unsigned long long)cap, (unsigned long long)ecap);
	return vtd.ecap_reg;
}

/* The IOVA ranges of the IOAS; returns the end of the last one (inclusive). */
static uint64_t test_iova_ranges(void)
{
	struct iommu_iova_range r[16];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = ioas_id,
		.num_iovas = 16,
		.allowed_iovas = (uintptr_t)r,
	};
	char buf[512];
	size_t n = 0;
	unsigned int i;
	bool low_ok = false;

	if (ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &q) || !q.num_iovas ||
	    q.num_iovas > 16) {
		result("vfio-iova-ranges", false, "IOMMU_IOAS_IOVA_RANGES: %s, %u ranges",
		       strerror(errno), q.num_iovas);
		return 0;
	}
	buf[0] = 0;
	for (i = 0; i < q.num_iovas; i++) {
		n += snprintf(buf + n, sizeof(buf) - n, " %#llx-%#llx",
			      (unsigned long long)r[i].start,
			      (unsigned long long)r[i].last);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		if (r[i].start <= IOVA_LOW && r[i].last >= IOVA_RO + RO_SIZE - 1)
			low_ok = true;
	}
	result("vfio-iova-ranges", low_ok && r[q.num_iovas - 1].last > IOVA_RO,
	       "alignment=%#llx ranges:%s",
	       (unsigned long long)q.out_iova_alignment, buf);
	return low_ok ? r[q.num_iovas - 1].last : 0;
}

/*
 * Copies at the low and the top mapping of the same buffer: first page,
 * across a page, across the 2 MiB boundary, the last bytes; and from one
 * mapping to the other. Returns the number of bytes verified.
 */
static size_t test_dma(uint8_t *buf, uint64_t top_iova)
{
	static const struct { uint64_t src, dst; } offs[] = {
		{ 0, SZ_4K * 8 },
		{ SZ_4K - 1000, SZ_4K * 9 + 7 },
		{ SZ_2M - 1024, SZ_4K * 12 },
		{ SZ_4K * 16, SZ_2M - 1024 },
		{ BUF_SIZE - EDU_XFER_MAX, SZ_2M + SZ_4K * 3 },
	};
	uint64_t bases[2] = { IOVA_LOW, top_iova };
	unsigned int i, b, bad = 0, done = 0;
	size_t bytes = 0;
	int err = 0;

	fill_random(buf, BUF_SIZE);
	for (b = 0; b < 2; b++) {
		for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			/* from one mapping to the other on the last copy */
			uint64_t dbase = (i == 4) ? bases[!b] : bases[b];

			if (!copy_ok(bases[b] + offs[i].src, buf + offs[i].src,
				     dbase + offs[i].dst, buf + offs[i].dst,
				     EDU_XFER_MAX, &err)) {
				bad++;
				printf("GENPT_E2E_INFO: vfio-dma copy %#llx -> %#llx %s\n",
				       (unsigned long long)(bases[b] + offs[i].src),
				       (unsigned long long)(dbase + offs[i].dst),
				       err ? "timed out" : "data differs");
			} else {
				bytes += EDU_XFER_MAX;
			}
			done++;
			/* restore the random source for the next copies */
			fill_random(buf + offs[i].dst, EDU_XFER_MAX);
			if (err)
				break;
		}
		if (err)
			break;
	}
	result("vfio-dma", !bad && done == 10,
	       "%u copies of %u bytes at iova %#llx and %#llx (2M boundary, top of range), %u bad",
	       done, EDU_XFER_MAX, (unsigned long long)IOVA_LOW,
	       (unsigned long long)top_iova, bad);
	return bytes;
}

/*
 * The PASID 0 entry of the device in debugfs dmar_translation_struct
 * ("<bus>:<dev>.<fn> <root entry> <context entry> <pasid>
 * 0x<val[2]>:0x<val[1]>:0x<val[0]>"); not found in legacy mode, whose
 * lines have PASID -1.
 */
static struct pasid_entry_dump read_pasid_entry(void)
{
	struct pasid_entry_dump e = { 0 };
	char line[512], dev[16];
	int pasid;
	FILE *f;

	f = fopen("/sys/kernel/debug/iommu/intel/dmar_translation_struct", "r");
	if (!f)
		return e;
	while (!e.found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %*s %*s %d 0x%llx:0x%llx:0x%llx", dev,
			   &pasid, &e.val[2], &e.val[1], &e.val[0]) == 5 &&
		    !strcmp(dev, bdf + 5) && pasid == 0)
			e.found = true;
	}
	fclose(f);
	if (e.found)
		printf("GENPT_E2E_INFO: vfio-pasid-entry %s 0x%016llx:0x%016llx:0x%016llx\n",
		       bdf, e.val[2], e.val[1], e.val[0]);
	return e;
}

/*
 * Whether the device's domain snoops iff the IOMMU has snoop control. The
 * stage comes from the driver's debugfs header ("page table: vtdss|x86_64
 * ..."), else (the 6.12 driver has none) from the PASID entry's PGTT, else
 * it is the second stage (legacy mode). Second stage: every leaf PTE of the
 * table ("0x<iova_pfn> |" then the entries of the walk, the last one the
 * leaf) has SNP. First stage: the PASID entry has PGSNP (x86_64 leaves have
 * no snoop bit), and the header says "snoop" when the driver shows one.
 */
static void test_snoop(uint64_t ecap, const char *want)
{
	char path[160], line[512], fmt[16] = "";
	unsigned int leaves = 0, snp = 0;
	bool sc = ecap & VTD_ECAP_SC;
	bool sc_ok = !strcmp(want, "-") || (want[0] == '1') == sc;
	bool hdr = false, hdr_snoop = false, first, pgsnp;
	struct pasid_entry_dump pe;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/iommu/intel/%s/domain_translation_struct", bdf);
	f = fopen(path, "r");
	if (!f) {
		result("vfio-snoop", false, "%s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long leaf = 0, v;
		char *p = line, *end;

		/* the table while it is mapped, for the "make run" report */
		printf("GENPT_E2E_PT: %s %s", bdf, line);
		if (!strchr(line, '\n'))
			putchar('\n');
		if (!hdr && sscanf(line, "page table: %15s", fmt) == 1) {
			hdr = true;
			hdr_snoop = strstr(line, " snoop") != NULL;
			continue;
		}
		if (strncmp(line, "0x", 2) || !strchr(line, '|'))
			continue;
		p = strchr(line, '|') + 1;
		for (;;) {
			v = strtoull(p, &end, 16);
			if (end == p)
				break;
			if (v)
				leaf = v;
			p = end;
		}
		if (!leaf)
			continue;
		leaves++;
		if (leaf & VTD_SL_PTE_SNP)
			snp++;
	}
	fclose(f);

	pe = read_pasid_entry();
	if (hdr)
		first = !strcmp(fmt, "x86_64");
	else
		first = pe.found &&
			VTD_PASID_PGTT(pe.val[0]) == VTD_PGTT_FIRST_STAGE;
	if (!first) {
		result("vfio-snoop", sc_ok && leaves && snp == (sc ? leaves : 0) &&
		       (!hdr || hdr_snoop == sc),
		       "second stage (%s): ecap.SC=%d (case wants %s), %u of %u leaf PTEs with SNP%s",
		       hdr ? fmt : "no page table line", sc, want, snp, leaves,
		       hdr ? (hdr_snoop ? ", domain snoop" : ", domain not snoop") : "");
		return;
	}
	pgsnp = pe.found && (pe.val[1] & VTD_PASID_PGSNP);
	result("vfio-snoop", sc_ok && leaves && pe.found &&
	       VTD_PASID_PGTT(pe.val[0]) == VTD_PGTT_FIRST_STAGE &&
	       pgsnp == sc && (!hdr || hdr_snoop == sc),
	       "first stage (%s): ecap.SC=%d (case wants %s), PASID entry %s PGTT=%llu PGSNP=%d, %u leaf PTEs%s",
	       hdr ? fmt : "no page table line", sc, want,
	       pe.found ? "found" : "not found",
	       pe.found ? VTD_PASID_PGTT(pe.val[0]) : 0ULL, pgsnp, leaves,
	       hdr ? (hdr_snoop ? ", domain snoop" : ", domain not snoop") : "");
}

/*
 * Read-only mapping: edu may read it; its write must be blocked. The write
 * goes to a page edu has not read: QEMU (7.2 and still 10.0) blocks a write
 * through a cached read-only IOTLB entry without recording a fault.
 */
static void test_readonly(uint8_t *buf)
{
	uint8_t *ro = alloc_buf(RO_SIZE);
	uint64_t iova = IOVA_RO + EDU_PG * 7;
	int ret;

	if (!ro || (ret = ioas_map(ro, RO_SIZE, IOVA_RO, false))) {
		result("vfio-readonly", false, "map: %s", ro ? strerror(-ret) : "no memory");
		return;
	}
	fill_random(ro, RO_SIZE);
	/* read: from the read-only page into the low mapping */
	if (!copy_ok(IOVA_RO + EDU_PG * 3, ro + EDU_PG * 3, IOVA_LOW + SZ_4K * 20,
		     buf + SZ_4K * 20, EDU_XFER_MAX, &ret)) {
		result("vfio-readonly", false, "edu cannot read the read-only mapping (%s)",
		       ret ? "timed out" : "data differs");
		return;
	}
	/* edu's buffer holds random bytes: memory must keep its 0x5a */
	memset(ro + EDU_PG * 7, 0x5a, EDU_XFER_MAX);
	if (!amd)
		expect_fault("vfio-readonly-fault-logged", iova);
	ret = edu_dma(iova, fault_len(), true);
	if (ret) {
		result("vfio-readonly", false, "DMA timed out");
		return;
	}
	for (size_t i = 0; i < EDU_XFER_MAX; i++) {
		if (ro[EDU_PG * 7 + i] != 0x5a) {
			result("vfio-readonly", false,
			       "write to read-only iova %#llx landed (byte %zu)",
			       (unsigned long long)iova, i);
			return;
		}
	}
	result("vfio-readonly", true, "read of iova %#llx ok, write to %#llx blocked",
	       (unsigned long long)IOVA_RO + EDU_PG * 3, (unsigned long long)iova);
}

/* IOMMU_IOAS_UNMAP the low mapping; edu's write there must be blocked. */
static void test_unmap(uint8_t *buf, uint64_t top_iova)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = ioas_id,
		.iova = IOVA_LOW,
		.length = BUF_SIZE,
	};
	uint64_t off = SZ_4K * 40, iova = IOVA_LOW + off;
	int err;

	/* edu's buffer gets random bytes through the top mapping */
	fill_random(buf + SZ_4K * 30, EDU_XFER_MAX);
	err = edu_dma(top_iova + SZ_4K * 30, EDU_XFER_MAX, false);
	if (err) {
		result("vfio-unmap", false, "DMA timed out");
		return;
	}
	if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap) || unmap.length != BUF_SIZE) {
		result("vfio-unmap", false, "IOMMU_IOAS_UNMAP: %s, length %#llx",
		       strerror(errno), (unsigned long long)unmap.length);
		return;
	}
	memset(buf + off, 0, EDU_XFER_MAX);
	if (!amd)
		expect_fault("vfio-unmap-fault-logged", iova);
	err = edu_dma(iova, fault_len(), true);
	if (err) {
		result("vfio-unmap", false, "DMA timed out");
		return;
	}
	for (size_t i = 0; i < EDU_XFER_MAX; i++) {
		if (buf[off + i]) {
			result("vfio-unmap", false, "write to unmapped iova %#llx landed",
			       (unsigned long long)iova);
			return;
		}
	}
	result("vfio-unmap", true, "unmapped %#llx bytes at %#llx, write to %#llx blocked",
	       (unsigned long long)BUF_SIZE, (unsigned long long)IOVA_LOW,
	       (unsigned long long)iova);
}

/*
 * AMD and SMMUv3: detached from the IOAS, the device is in the blocked
 * domain (on SMMUv3 an abort STE, which records no event); its write
 * through the top mapping, still in the IOAS, must not land.
 */
static void test_detached(uint8_t *buf, uint64_t top_iova)
{
	struct vfio_device_detach_iommufd_pt det = { .argsz = sizeof(det) };
	uint64_t off = SZ_4K * 50, iova = top_iova + off;

	/* edu's buffer gets random bytes through the top mapping */
	fill_random(buf + SZ_4K * 60, EDU_XFER_MAX);
	if (edu_dma(top_iova + SZ_4K * 60, EDU_XFER_MAX, false)) {
		result("vfio-detached", false, "DMA timed out");
		return;
	}
	if (ioctl(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det)) {
		result("vfio-detached", false, "VFIO_DEVICE_DETACH_IOMMUFD_PT: %s",
		       strerror(errno));
		return;
	}
	memset(buf + off, 0, EDU_XFER_MAX);
	if (edu_dma(iova, EDU_XFER_MAX, true)) {
		result("vfio-detached", false, "DMA timed out");
		return;
	}
	for (size_t i = 0; i < EDU_XFER_MAX; i++) {
		if (buf[off + i]) {
			result("vfio-detached", false,
			       "write to %#llx after the detach landed",
			       (unsigned long long)iova);
			return;
		}
	}
	result("vfio-detached", true, "write to %#llx after the detach blocked",
	       (unsigned long long)iova);
}

/*
 * genpt kernels: the leaves of the VFIO domain's own table (genpt_edu.ko's
 * debugfs genpt_edu_leaves, from the table's count_leaves()) around two
 * mappings of the 2 MiB aligned buffer: all of it at a 2 MiB aligned IOVA,
 * and its first 2 MiB but the first 64 KiB at an IOVA 64 KiB past a 2 MiB
 * boundary. The leaves they add must be exactly those of the specified
 * map, the largest page size of the domain that the IOVA, the physical
 * address and the physical contiguity (/proc/self/pagemap) allow at each
 * step, and the unmaps must take them all away again. On a 4 KiB kernel
 * (its buffer in transparent huge pages) the first mapping must get leaves
 * of the largest size up to 2 MiB the domain has: 2 MiB blocks on SMMUv3,
 * VT-d and AMD; the second 64 KiB leaves where the domain has them (ARM's
 * contiguous runs of 16 pages, AMD's NextLevel 7 pages).
 */
#ifndef SZ_64K
#define SZ_64K			0x10000ULL
#endif
#define LEAVES_FILE		"/sys/kernel/debug/genpt_edu_leaves"
#define IOVA_LEAVES_BLK		0x200000000ULL	/* 8 GiB, 2 MiB aligned */
#define IOVA_LEAVES_RUN		(0x300000000ULL + SZ_64K)
#define LEAF_SIZES		64

static int read_leaves(uint64_t *counts, uint64_t *pgsize)
{
	FILE *f = fopen(LEAVES_FILE, "r");
	unsigned int lg2;
	unsigned long long n;
	int ret = 0;

	if (!f)
		return -errno;
	memset(counts, 0, LEAF_SIZES * sizeof(*counts));
	if (fscanf(f, "pgsize %llx", &n) != 1)
		ret = -EIO;
	*pgsize = n;
	while (!ret && fscanf(f, "%u %llu", &lg2, &n) == 2) {
		if (lg2 >= LEAF_SIZES) {
			ret = -EIO;
			break;
		}
		counts[lg2] = n;
	}
	fclose(f);
	return ret;
}

/* The physical frame of the page at @va (root: PFNs are visible) */
static uint64_t pfn_of(const uint8_t *va)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)va / EDU_PG * sizeof(e)) !=
	    sizeof(e))
		e = 0;
	close(fd);
	/* bit 63 present, bits 54:0 the PFN */
	return (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
}

/* Add to @want the leaves the specified map gives [va, va + len) at @iova */
static void expect_leaves(uint64_t *want, const uint8_t *va, size_t len,
			  uint64_t iova, uint64_t pgsize)
{
	size_t off = 0;

	while (off < len) {
		uint64_t pa = pfn_of(va + off) * EDU_PG;
		int lg2;

		for (lg2 = LEAF_SIZES - 1; lg2 >= 0; lg2--) {
			uint64_t sz = 1ULL << lg2, k;

			if (!(pgsize & sz) || sz > len - off ||
			    ((iova + off) | pa) & (sz - 1))
				continue;
			for (k = EDU_PG; k < sz; k += EDU_PG)
				if (pfn_of(va + off + k) * EDU_PG != pa + k)
					break;
			if (k >= sz)
				break;
		}
		if (lg2 < 0)
			lg2 = __builtin_ctzll(EDU_PG);
		want[lg2]++;
		off += 1ULL << lg2;
	}
}

static void test_leaves(uint8_t *buf)
{
	uint64_t before[LEAF_SIZES], after[LEAF_SIZES], gone[LEAF_SIZES];
	uint64_t want[LEAF_SIZES] = {}, pgsize, big = 0, sz;
	bool ok = true, got_big = false;
	char detail[512];
	size_t n = 0;
	int ret, i;

	ret = read_leaves(before, &pgsize);
	if (ret == -ENOENT) {
		printf("GENPT_E2E_INFO: vfio-leaves: no %s (not a genpt kernel)\n",
		       LEAVES_FILE);
		return;
	}
	if (ret) {
		result("vfio-leaves", false, "%s: %s", LEAVES_FILE, strerror(-ret));
		return;
	}
	ret = ioas_map(buf, BUF_SIZE, IOVA_LEAVES_BLK, true);
	if (!ret)
		ret = ioas_map(buf + SZ_64K, SZ_2M - SZ_64K, IOVA_LEAVES_RUN,
			       true);
	if (ret) {
		result("vfio-leaves", false, "IOMMU_IOAS_MAP: %s", strerror(-ret));
		return;
	}
	expect_leaves(want, buf, BUF_SIZE, IOVA_LEAVES_BLK, pgsize);
	expect_leaves(want, buf + SZ_64K, SZ_2M - SZ_64K, IOVA_LEAVES_RUN,
		      pgsize);
	ret = read_leaves(after, &pgsize);
	if (ioas_unmap(IOVA_LEAVES_BLK, BUF_SIZE) ||
	    ioas_unmap(IOVA_LEAVES_RUN, SZ_2M - SZ_64K))
		ok = false;
	if (ret || read_leaves(gone, &pgsize)) {
		result("vfio-leaves", false, "%s unreadable", LEAVES_FILE);
		return;
	}
	/* the largest page size up to 2 MiB the domain has, or a larger one */
	for (sz = SZ_2M; sz >= EDU_PG && !big; sz >>= 1)
		if (pgsize & sz)
			big = sz;
	for (i = big ? __builtin_ctzll(big) : LEAF_SIZES; i < LEAF_SIZES; i++)
		got_big |= want[i] != 0;
	if (EDU_PG == SZ_4K && big && !got_big)
		ok = false;
	for (i = 0; i < LEAF_SIZES; i++) {
		if (after[i] - before[i] != want[i] || gone[i] != before[i])
			ok = false;
		if ((want[i] || after[i] != before[i]) && n < sizeof(detail))
			n += snprintf(detail + n, sizeof(detail) - n,
				      " %#llx: %llu (want %llu)",
				      1ULL << i,
				      (unsigned long long)(after[i] - before[i]),
				      (unsigned long long)want[i]);
	}
	result("vfio-leaves", ok,
	       "pgsize %#llx, leaves added by the maps at %#llx and %#llx:%s%s",
	       (unsigned long long)pgsize, IOVA_LEAVES_BLK, IOVA_LEAVES_RUN,
	       n ? detail : " none",
	       EDU_PG == SZ_4K && big && !got_big ?
	       "; the buffer is not in 2 MiB pages" : "");
}

/* Information only: which HWPT flags the driver accepts. */
static void try_hwpt_flags(void)
{
	static const struct { uint32_t flag; const char *name; } flags[] = {
		{ IOMMU_HWPT_ALLOC_DIRTY_TRACKING, "dirty-tracking" },
		{ IOMMU_HWPT_ALLOC_NEST_PARENT, "nest-parent" },
	};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct iommu_hwpt_alloc a = {
			.size = sizeof(a),
			.flags = flags[i].flag,
			.dev_id = dev_id,
			.pt_id = ioas_id,
		};
		int ret = ioctl(iommufd, IOMMU_HWPT_ALLOC, &a) ? errno : 0;

		printf("GENPT_E2E_INFO: hwpt-alloc %s: %s\n", flags[i].name,
		       ret ? strerrorname_np(ret) : "ok");
		if (!ret) {
			struct iommu_destroy d = { .size = sizeof(d),
						   .id = a.out_hwpt_id };

			ioctl(iommufd, IOMMU_DESTROY, &d);
		}
	}
}

int main(int argc, char **argv)
{
	uint64_t ecap, last, top_iova;
	int mode_low;
	uint8_t *buf;
	size_t bytes;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: vfio_edu <bdf> <snoop: 0|1|->\n");
		return 2;
	}
	bdf = argv[1];
	amd = !access("/sys/class/iommu/ivhd0", F_OK);
	smmu = find_smmu();
	srandom(getpid());
	if (sysconf(_SC_PAGESIZE) != EDU_PG) {
		result("vfio-setup", false, "built for %u-byte pages, the kernel has %ld",
		       (unsigned int)EDU_PG, sysconf(_SC_PAGESIZE));
		return 1;
	}

	if (vfio_setup("vfio-setup"))
		return 1;
	ecap = test_hw_info();
	last = test_iova_ranges();
	buf = alloc_buf(BUF_SIZE);
	if (!last || !buf) {
		result("vfio-dma", false, "no IOVA range or no memory");
		return 1;
	}
	/*
	 * QEMU 10.0 mistranslates DMA to the last 2 MiB of the 64-bit space
	 * (on the 6.12 AMD driver as on genpt: "data differs", no fault), so
	 * when the range runs to 2^64 - 1 the buffer ends 2 MiB below it.
	 */
	if (last == UINT64_MAX)
		last -= SZ_2M;
	/* the highest 2 MiB aligned IOVA with the whole buffer below @last */
	top_iova = (last + 1 - BUF_SIZE) & ~(SZ_2M - 1);
	ret = ioas_map(buf, BUF_SIZE, IOVA_LOW, true);
	mode_low = amd ? amd_table_mode() : -1;
	if (!ret)
		ret = ioas_map(buf, BUF_SIZE, top_iova, true);
	if (ret) {
		result("vfio-dma", false, "IOMMU_IOAS_MAP at %#llx/%#llx: %s",
		       (unsigned long long)IOVA_LOW, (unsigned long long)top_iova,
		       strerror(-ret));
		return 1;
	}
	/*
	 * The AMD v1 table starts with 3 levels, enough for IOVA_LOW; the
	 * top mapping grows it to what its IOVA needs, every DTE rewritten
	 * (change_top()); the copies below then cross the old top.
	 */
	if (mode_low >= 0) {
		int mode_top = amd_table_mode();
		/* 12 + 9 * levels bits must cover the last IOVA mapped */
		int bits = 64 - __builtin_clzll(top_iova + BUF_SIZE - 1);
		int want = 3;

		while (12 + 9 * want < bits)
			want++;

		printf("GENPT_E2E_INFO: vfio-table-levels %d before, %d after the map at %#llx\n",
		       mode_low, mode_top, (unsigned long long)top_iova);
		result("vfio-top-growth", mode_low == 3 && mode_top == want,
		       "amdv1 levels %d after the map at %#llx, %d after the one at %#llx (want 3, %d)",
		       mode_low, (unsigned long long)IOVA_LOW, mode_top,
		       (unsigned long long)top_iova, want);
	}
	bytes = test_dma(buf, top_iova);
	printf("GENPT_E2E_INFO: vfio-bytes %zu\n", bytes);
	test_readonly(buf);
	if (smmu)
		test_smmu_ste();
	else if (!amd)
		test_snoop(ecap, argv[2]);
	test_leaves(buf);
	test_unmap(buf, top_iova);
	try_hwpt_flags();
	if (amd || smmu)
		test_detached(buf, top_iova);
	return failed > 100 ? 100 : failed;
}
