// SPDX-License-Identifier: GPL-2.0
/*
 * genpt end-to-end test (arm64): what an SMMUv3 and its driver show the
 * hardware, read through /dev/mem (the e2e kernel has no STRICT_DEVMEM).
 *
 *   smmu_regs <smmu base, hex> [<bdf>...]
 *
 * Prints the ID registers IDR0..IDR5 and the stream table configuration:
 *   GENPT_E2E_INFO: smmu-idr idr0=0x... idr1=0x... ... idr5=0x... cr0=0x...
 *                   strtab_base=0x... strtab_cfg=0x...
 * then for each PCI device (segment 0, StreamID = RID: QEMU's virt machine
 * maps the PCIe host's RIDs to StreamIDs one to one) the STE the driver
 * wrote and, for a stage 1 STE, context descriptor 0 (SMMUv3 spec, 5.2 and
 * 5.4):
 *   GENPT_E2E_INFO: smmu-ste <bdf> sid=0x.. cfg=<s1|s2|s1+s2|bypass|abort|
 *                   invalid> granule=<4K|16K|64K|-> tsz=<n> ttb=0x..
 *                   ste=<dw0>:<dw1>:<dw2>:<dw3> [cd=<dw0>:<dw1>:<dw2>:<dw3>]
 * granule and tsz are CD.TG0/T0SZ on stage 1 and STE.S2TG/S2T0SZ on stage
 * 2. The exit status is non-zero if a register or table could not be read.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SMMU_IDR0		0x00
#define SMMU_CR0		0x20
#define SMMU_STRTAB_BASE	0x80
#define SMMU_STRTAB_BASE_CFG	0x88

#define STRTAB_BASE_ADDR(v)	((v) & 0x000fffffffffffc0ULL)	/* 51:6 */
#define STRTAB_CFG_FMT(v)	(((v) >> 16) & 3)		/* 1: 2-level */
#define STRTAB_CFG_SPLIT(v)	(((v) >> 6) & 0x1f)
#define STRTAB_CFG_LOG2SIZE(v)	((v) & 0x3f)
#define L1STD_L2PTR(v)		((v) & 0x000fffffffffffc0ULL)	/* 51:6 */
#define L1STD_SPAN(v)		((v) & 0x1f)

#define STE_SIZE		64
#define STE0_V(v)		((v) & 1)
#define STE0_CFG(v)		(((v) >> 1) & 7)
#define STE0_S1FMT(v)		(((v) >> 4) & 3)
#define STE0_S1CTXPTR(v)	((v) & 0x000fffffffffffc0ULL)	/* 51:6 */
#define STE0_S1CDMAX(v)		(((v) >> 59) & 0x1f)
#define STE2_S2T0SZ(v)		(((v) >> 32) & 0x3f)
#define STE2_S2TG(v)		(((v) >> 46) & 3)		/* 0 4K, 1 64K, 2 16K */
#define STE3_S2TTB(v)		((v) & 0x000ffffffffffff0ULL)	/* 51:4 */

#define CD_SIZE			64
#define L1CD_L2PTR(v)		((v) & 0x000ffffffffff000ULL)	/* 51:12 */
#define CD0_T0SZ(v)		((v) & 0x3f)
#define CD0_TG0(v)		(((v) >> 6) & 3)		/* 0 4K, 1 64K, 2 16K */
#define CD0_V(v)		(((v) >> 31) & 1)
#define CD1_TTB0(v)		((v) & 0x000ffffffffffff0ULL)	/* 51:4 */

static int memfd = -1;

/* @len bytes of physical memory at @pa, copied out (device or RAM). */
static int read_phys(uint64_t pa, void *out, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t base = pa & ~(uint64_t)(pg - 1);
	size_t maplen = ((pa - base + len + pg - 1) / pg) * pg;
	volatile uint8_t *p;
	size_t i;

	p = mmap(NULL, maplen, PROT_READ, MAP_SHARED, memfd, (off_t)base);
	if (p == MAP_FAILED)
		return -1;
	/* 32-bit reads: registers below 0x80 take nothing wider */
	for (i = 0; i < len; i += 4)
		((uint32_t *)out)[i / 4] = *(volatile uint32_t *)(p + (pa - base) + i);
	munmap((void *)p, maplen);
	return 0;
}

static uint64_t rd64(uint64_t pa, int *err)
{
	uint32_t v[2];

	if (read_phys(pa, v, sizeof(v))) {
		*err = 1;
		return 0;
	}
	return v[0] | (uint64_t)v[1] << 32;
}

/* CD.TG0 and STE.S2TG encode the granule alike */
static const char *granule(unsigned int tg)
{
	static const char *const g[4] = { "4K", "64K", "16K", "reserved" };

	return g[tg & 3];
}

static const char *const cfg_names[8] = {
	"abort", "invalid1", "invalid2", "invalid3", "bypass", "s1", "s2", "s1+s2",
};

/* The STE of @sid, or 0 (with *@err set) if the table has none for it. */
static uint64_t ste_addr(uint64_t base, uint64_t cfg, unsigned int sid, int *err)
{
	unsigned int split = STRTAB_CFG_SPLIT(cfg);
	uint64_t l1, l2;

	if (sid >> STRTAB_CFG_LOG2SIZE(cfg)) {
		*err = 1;
		return 0;
	}
	if (STRTAB_CFG_FMT(cfg) != 1)
		return base + (uint64_t)sid * STE_SIZE;
	l1 = rd64(base + 8ULL * (sid >> split), err);
	l2 = L1STD_L2PTR(l1);
	if (*err || !L1STD_SPAN(l1) || !l2) {
		*err = 1;
		return 0;
	}
	return l2 + (uint64_t)(sid & ((1U << split) - 1)) * STE_SIZE;
}

/* Context descriptor 0 of a stage 1 STE; 0 if there is none. */
static uint64_t cd0_addr(const uint64_t *ste, int *err)
{
	uint64_t ptr = STE0_S1CTXPTR(ste[0]), l1;

	if (!STE0_S1CDMAX(ste[0]) || !STE0_S1FMT(ste[0]))
		return ptr;	/* a single CD, or a linear table of them */
	/* two levels: the first L1 descriptor points at CDs 0.. */
	l1 = rd64(ptr, err);
	if (*err || !(l1 & 1))
		return 0;
	return L1CD_L2PTR(l1);
}

static int show_ste(const char *bdf, uint64_t base, uint64_t cfg)
{
	unsigned int seg, bus, dev, fn, sid;
	uint64_t ste[8], cd[8], at;
	const char *gran = "-";
	unsigned int tsz = 0;
	uint64_t ttb = 0;
	char cdtext[96] = "";
	int err = 0;

	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 || seg) {
		fprintf(stderr, "smmu_regs: bad bdf %s\n", bdf);
		return 1;
	}
	sid = bus << 8 | dev << 3 | fn;
	at = ste_addr(base, cfg, sid, &err);
	if (err || read_phys(at, ste, sizeof(ste))) {
		printf("GENPT_E2E_INFO: smmu-ste %s sid=%#x unreadable\n", bdf, sid);
		return 1;
	}
	if (STE0_V(ste[0]) && STE0_CFG(ste[0]) == 6) {
		gran = granule(STE2_S2TG(ste[2]));
		tsz = STE2_S2T0SZ(ste[2]);
		ttb = STE3_S2TTB(ste[3]);
	} else if (STE0_V(ste[0]) && (STE0_CFG(ste[0]) & 5) == 5) {
		at = cd0_addr(ste, &err);
		if (err || !at || read_phys(at, cd, sizeof(cd))) {
			printf("GENPT_E2E_INFO: smmu-ste %s sid=%#x cd unreadable\n",
			       bdf, sid);
			return 1;
		}
		if (CD0_V(cd[0])) {
			gran = granule(CD0_TG0(cd[0]));
			tsz = CD0_T0SZ(cd[0]);
			ttb = CD1_TTB0(cd[1]);
		}
		snprintf(cdtext, sizeof(cdtext), " cd=%#llx:%#llx:%#llx:%#llx",
			 (unsigned long long)cd[0], (unsigned long long)cd[1],
			 (unsigned long long)cd[2], (unsigned long long)cd[3]);
	}
	printf("GENPT_E2E_INFO: smmu-ste %s sid=%#x cfg=%s granule=%s tsz=%u ttb=%#llx ste=%#llx:%#llx:%#llx:%#llx%s\n",
	       bdf, sid, STE0_V(ste[0]) ? cfg_names[STE0_CFG(ste[0])] : "invalid",
	       gran, tsz, (unsigned long long)ttb,
	       (unsigned long long)ste[0], (unsigned long long)ste[1],
	       (unsigned long long)ste[2], (unsigned long long)ste[3], cdtext);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t idr[6], cr0, scfg32;
	uint64_t base, sbase, scfg;
	int err = 0, i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: smmu_regs <smmu base> [<bdf>...]\n");
		return 2;
	}
	base = strtoull(argv[1], NULL, 16);
	memfd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (memfd < 0 || read_phys(base + SMMU_IDR0, idr, sizeof(idr)) ||
	    read_phys(base + SMMU_CR0, &cr0, sizeof(cr0))) {
		perror("smmu_regs: /dev/mem");
		return 1;
	}
	sbase = rd64(base + SMMU_STRTAB_BASE, &err);
	if (read_phys(base + SMMU_STRTAB_BASE_CFG, &scfg32, sizeof(scfg32)))
		err = 1;
	scfg = scfg32;
	if (err) {
		perror("smmu_regs: stream table registers");
		return 1;
	}
	printf("GENPT_E2E_INFO: smmu-idr idr0=%#x idr1=%#x idr2=%#x idr3=%#x idr4=%#x idr5=%#x cr0=%#x strtab_base=%#llx strtab_cfg=%#llx\n",
	       idr[0], idr[1], idr[2], idr[3], idr[4], idr[5], cr0,
	       (unsigned long long)sbase, (unsigned long long)scfg);
	for (i = 2; i < argc; i++)
		ret |= show_ste(argv[i], STRTAB_BASE_ADDR(sbase), scfg);
	return ret;
}
