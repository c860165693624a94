/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genpt end-to-end test: what the VFIO/iommufd tools share (vfio_edu,
 * vfio_edu_errors): QEMU's edu device (PCI 1234:11e8) bound to vfio-pci,
 * opened through its VFIO cdev, bound to an iommufd and attached to an IOAS;
 * edu's DMA engine; the result lines.
 *
 * Output on stdout, one line per result, "GENPT_E2E: <name> PASS|FAIL ...";
 * "GENPT_E2E_INFO: ..." lines are information; a DMA that must fault is
 * announced first by "GENPT_E2E_EXPECT_FAULT: <name> write <bdf> 0x<iova>".
 */
#ifndef VFIO_EDU_COMMON_H
#define VFIO_EDU_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* edu's BAR0 registers (QEMU docs/specs/edu.txt) */
#define EDU_REG_ID		0x00
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_CMD_RUN		0x1	/* start; reads 1 until done */
#define EDU_DMA_CMD_TO_RAM	0x2	/* 0: memory to edu, 1: edu to memory */

/*
 * edu's buffer is at device address 0x40000, 4 KiB; transfers start at its
 * start. (QEMU 7.2's range check was off by one, so a transfer ending at the
 * buffer's end aborted QEMU; 10.0's edu_check_range() is not.)
 */
#define EDU_BUF_ADDR		0x40000ULL
#define EDU_XFER_MAX		4096

/* A transfer takes ~100 ms of QEMU's virtual clock. */
#define EDU_DMA_TIMEOUT_MS	10000

#define SZ_4K			0x1000ULL

/*
 * The kernel's page size the tool is built for: the unit of its IOAS
 * mappings and their alignment (e2e.sh builds the arm64 tools for 4K and
 * 64K kernels, -DEDU_PG=65536); main() checks it against the kernel's.
 */
#ifndef EDU_PG
#define EDU_PG			4096
#endif
#define SZ_2M			0x200000ULL

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4

extern const char *bdf;
/* number of FAIL results so far */
extern int failed;
extern int iommufd, devfd;
extern uint32_t ioas_id, dev_id;
/* the HWPT iommufd allocated for the device's IOAS attach */
extern uint32_t hwpt_id;

void result(const char *name, bool pass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void expect_fault(const char *name, uint64_t iova);
/* One transfer between @iova and the start of edu's buffer; 0 or -errno. */
int edu_dma(uint64_t iova, size_t len, bool to_ram);
/*
 * One copy memory -> edu -> memory: @len bytes from @src_iova (at @src in
 * user memory) to @dst_iova (at @dst); true if @dst then equals @src.
 * *@err is 0 or edu_dma()'s error.
 */
bool copy_ok(uint64_t src_iova, const uint8_t *src, uint64_t dst_iova,
	     uint8_t *dst, size_t len, int *err);
void fill_random(uint8_t *p, size_t len);
/* IOMMU_IOAS_MAP at a fixed IOVA, readable (and writeable); 0 or -errno. */
int ioas_map(void *va, uint64_t len, uint64_t iova, bool writeable);
/* IOMMU_IOAS_UNMAP of exactly @len at @iova; 0 or -errno. */
int ioas_unmap(uint64_t iova, uint64_t len);
/* An anonymous, 2 MiB aligned buffer, with huge pages if the kernel has them. */
uint8_t *alloc_buf(size_t len);
/*
 * Open @bdf's VFIO cdev and /dev/iommu, allocate an IOAS, bind, attach; map
 * BAR0, enable bus mastering. Reports result @name; 0 or -1.
 */
int vfio_setup(const char *name);

#endif
