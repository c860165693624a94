// SPDX-License-Identifier: GPL-2.0
/*
 * genpt end-to-end test: the error paths of user space DMA through iommufd
 * into the IOMMU driver, with QEMU's edu device (PCI 1234:11e8).
 *
 *   vfio_edu_errors <bdf>
 *
 * The edu at <bdf> must be bound to vfio-pci (vfio_edu runs first, on the
 * same device; this tool has its own iommufd and IOAS). It maps good
 * mappings (vfio-err-good: 4 MiB read/write, an IOMMU_IOAS_COPY of it, a
 * read-only one) and checks them with edu DMA both ways, then:
 *
 *   vfio-bad-map, vfio-bad-unmap, vfio-bad-copy, vfio-bad-hwpt: every
 *     request of bad_reqs[] (misaligned, zero-length, wrapping, oversized,
 *     outside the IOVA ranges or in the reserved MSI window, without read or
 *     write, unknown flags; dirty tracking and cache invalidation on a HWPT
 *     that has neither) must fail with the errno 6.12's iommufd gives it,
 *     written in the table with the place in drivers/iommu/iommufd/ that
 *     returns it;
 *   vfio-bad-intact: the good mappings still DMA both ways, and the IOVA
 *     the bad requests aimed at can be mapped;
 *   vfio-failnth: IOMMU_IOAS_MAP of 4 MiB of 4 KiB pages at an IOVA that
 *     needs two new leaf tables, with the n-th allocation of this thread
 *     failing (/proc/self/task/<tid>/fail-nth) for n = 1, 2, ... until the
 *     map succeeds with no fault injected. Each failed map must return an
 *     errno and leave the IOAS as it was: the range can then be mapped, DMA
 *     through it and an earlier mapping works, and once it is unmapped
 *     nr_iommu_pages (/proc/vmstat) is what it was before the attempt;
 *   vfio-failnth-intact: the good mappings still DMA both ways.
 *
 * A page is the kernel's (EDU_PG, vfio_edu_common.h): with 64K pages the
 * same requests in 64K units, and the fail-nth map's 4 MiB of 64K pages
 * then fits in the leaf table of its anchor.
 *
 * Output as vfio_edu's (vfio_edu_common.h); the exit status is the number of
 * failed results (capped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/iommufd.h>

#include "vfio_edu_common.h"

#define GOOD_SIZE		(2 * SZ_2M)
#define RO_SIZE			(16 * EDU_PG)
#define FI_SIZE			(2 * SZ_2M)
/* the partly unmapped user memory: one page missing at HOLE_OFF */
#define HOLE_SIZE		(2 * SZ_2M)
#define HOLE_OFF		(SZ_2M + 2 * EDU_PG)

/*
 * IOVAs: the good mappings, 4 MiB apart (nothing adjacent, so that a
 * request running past one hits a hole), the IOVA that bad requests aim at
 * (never mapped by them), and the fault injection range, 2 MiB aligned in a
 * 1 GiB region of its own, next to a one-page anchor mapping in the same
 * region: the upper tables exist, the map allocates exactly the two leaf
 * tables its 4 MiB of 4 KiB pages need, and unmapping it frees them again.
 */
#define IOVA_GOOD		0x40000000ULL
#define IOVA_COPY		0x40800000ULL
#define IOVA_RO			0x41000000ULL
#define IOVA_FREE		0x100000000ULL
#define IOVA_FI			0x200000000ULL
#define IOVA_FI_ANCHOR		(IOVA_FI + 8 * SZ_2M)

#define FAILNTH_MAX		300

#define MAP_RW			(IOMMU_IOAS_MAP_FIXED_IOVA | \
				 IOMMU_IOAS_MAP_READABLE | \
				 IOMMU_IOAS_MAP_WRITEABLE)
/* a map flag 6.12 does not define */
#define MAP_UNKNOWN_FLAG	(1U << 3)

/* What an address of a request is relative to (the offset is added). */
enum addr_base {
	ABS,		/* nothing: the offset is the address */
	UVA_BUF,	/* user memory of the good read/write mapping */
	UVA_RO,		/* read-only user memory (PROT_READ) */
	UVA_HOLE,	/* user memory with one page unmapped at HOLE_OFF */
	GOOD,		/* IOVA of the good read/write mapping */
	RO,		/* IOVA of the good read-only mapping */
	FREE,		/* unused IOVA, in range */
	MSI,		/* first IOVA of the hole in the ranges: the MSI window */
	END,		/* one past the last IOVA of the ranges */
};

struct addr {
	enum addr_base base;
	uint64_t off;
};

enum bad_op {
	OP_MAP,		/* IOMMU_IOAS_MAP: .uva, .length at .iova */
	OP_UNMAP,	/* IOMMU_IOAS_UNMAP: .iova, .length */
	OP_COPY,	/* IOMMU_IOAS_COPY: .length from .src to .iova, same IOAS */
	OP_INVALIDATE,	/* IOMMU_HWPT_INVALIDATE: .length entries */
	OP_SET_DIRTY,	/* IOMMU_HWPT_SET_DIRTY_TRACKING: .flags */
	OP_GET_DIRTY,	/* IOMMU_HWPT_GET_DIRTY_BITMAP: .flags, .iova, .length */
};

static const char *const op_result[] = {
	[OP_MAP] = "vfio-bad-map",
	[OP_UNMAP] = "vfio-bad-unmap",
	[OP_COPY] = "vfio-bad-copy",
	[OP_INVALIDATE] = "vfio-bad-hwpt",
	[OP_SET_DIRTY] = "vfio-bad-hwpt",
	[OP_GET_DIRTY] = "vfio-bad-hwpt",
};

struct bad_req {
	const char *name;
	enum bad_op op;
	uint32_t flags;
	struct addr uva;	/* OP_MAP: user address; OP_COPY: source IOVA */
	uint64_t length;
	struct addr iova;
	uint32_t size;		/* 0: sizeof the command */
	uint32_t reserved;	/* value of __reserved (OP_MAP) */
	bool other_ioas;	/* the HWPT's ID instead of the IOAS's */
	int err;		/* the errno 6.12 gives */
	/*
	 * The errno when the last IOVA range runs to 2^64 - 1 (AMD v1, whose
	 * table can grow to 64 bits), 0 if the same. A request relative to
	 * the end of the ranges (AT(END, ...)) is skipped then.
	 */
	int err_full;
	const char *why;	/* where 6.12's iommufd returns it */
};

#define AT(b, o)	{ .base = (b), .off = (o) }
#define MAP(n, f, u, l, i, e, w) \
	{ .name = n, .op = OP_MAP, .flags = f, .uva = u, .length = l, \
	  .iova = i, .err = e, .why = w }
#define UNMAP(n, i, l, e, w) \
	{ .name = n, .op = OP_UNMAP, .iova = i, .length = l, .err = e, \
	  .why = w }
#define COPY(n, f, s, l, i, e, w) \
	{ .name = n, .op = OP_COPY, .flags = f, .uva = s, .length = l, \
	  .iova = i, .err = e, .why = w }

/*
 * The requests and their errnos, from 6.12's drivers/iommu/iommufd/ (main.c,
 * ioas.c, io_pagetable.c, pages.c, hw_pagetable.c) and
 * include/uapi/linux/iommufd.h. iova_alignment is the IOAS's, PAGE_SIZE
 * here (the smallest page of the domain). None of them may change the IOAS.
 */
static const struct bad_req bad_reqs[] = {
	/* IOMMU_IOAS_MAP */
	MAP("map-unknown-flag", MAP_RW | MAP_UNKNOWN_FLAG, AT(UVA_BUF, 0), EDU_PG,
	    AT(FREE, 0), EOPNOTSUPP,
	    "ioas.c iommufd_ioas_map(): flag outside FIXED_IOVA|WRITEABLE|READABLE"),
	{ .name = "map-reserved-field", .op = OP_MAP, .flags = MAP_RW,
	  .uva = AT(UVA_BUF, 0), .length = EDU_PG, .iova = AT(FREE, 0),
	  .reserved = 1, .err = EOPNOTSUPP,
	  .why = "ioas.c iommufd_ioas_map(): __reserved not 0" },
	{ .name = "map-size-short", .op = OP_MAP, .flags = MAP_RW,
	  .uva = AT(UVA_BUF, 0), .length = EDU_PG, .iova = AT(FREE, 0),
	  .size = offsetof(struct iommu_ioas_map, iova), .err = EINVAL,
	  .why = "main.c iommufd_fops_ioctl(): size below the command's minimum" },
	{ .name = "map-wrong-object", .op = OP_MAP, .flags = MAP_RW,
	  .uva = AT(UVA_BUF, 0), .length = EDU_PG, .iova = AT(FREE, 0),
	  .other_ioas = true, .err = ENOENT,
	  .why = "main.c iommufd_get_object(): the ID is a HWPT, not an IOAS" },
	MAP("map-no-prot", IOMMU_IOAS_MAP_FIXED_IOVA, AT(UVA_BUF, 0), EDU_PG,
	    AT(FREE, 0), EINVAL,
	    "ioas.c iommufd_ioas_map(): neither READABLE nor WRITEABLE"),
	MAP("map-iova-u64max", MAP_RW, AT(UVA_BUF, 0), EDU_PG, AT(ABS, UINT64_MAX),
	    EOVERFLOW, "ioas.c iommufd_ioas_map(): iova >= ULONG_MAX"),
	MAP("map-length-u64max", MAP_RW, AT(UVA_BUF, 0), UINT64_MAX, AT(FREE, 0),
	    EOVERFLOW, "ioas.c iommufd_ioas_map(): length >= ULONG_MAX"),
	MAP("map-length-zero", MAP_RW, AT(UVA_BUF, 0), 0, AT(FREE, 0), EINVAL,
	    "pages.c iopt_alloc_pages(): length == 0"),
	MAP("map-length-size-max", MAP_RW, AT(UVA_BUF, 0), UINT64_MAX - 1,
	    AT(FREE, 0), EINVAL,
	    "pages.c iopt_alloc_pages(): length > SIZE_MAX - PAGE_SIZE"),
	MAP("map-uva-wrap", MAP_RW, AT(ABS, -EDU_PG), 2 * EDU_PG, AT(FREE, 0),
	    EOVERFLOW, "pages.c iopt_alloc_pages(): user_va + length overflows"),
	MAP("map-uva-misaligned", MAP_RW, AT(UVA_BUF, 1), EDU_PG, AT(FREE, 0),
	    EINVAL,
	    "io_pagetable.c iopt_insert_area(): user_va % PAGE_SIZE not a multiple of iova_alignment"),
	MAP("map-length-misaligned", MAP_RW, AT(UVA_BUF, 0), EDU_PG + 1,
	    AT(FREE, 0), EINVAL,
	    "io_pagetable.c iopt_alloc_area_pages(): length not a multiple of iova_alignment"),
	MAP("map-iova-misaligned", MAP_RW, AT(UVA_BUF, 0), EDU_PG, AT(FREE, 0x800),
	    EINVAL,
	    "io_pagetable.c iopt_check_iova(): iova not a multiple of iova_alignment"),
	MAP("map-iova-wrap", MAP_RW, AT(UVA_BUF, 0), 2 * EDU_PG, AT(ABS, -EDU_PG),
	    EOVERFLOW, "io_pagetable.c iopt_check_iova(): iova + length - 1 overflows"),
	MAP("map-iova-end", MAP_RW, AT(UVA_BUF, 0), EDU_PG, AT(END, 0), EINVAL,
	    "io_pagetable.c iopt_check_iova(): reserved above the domain's aperture"),
	MAP("map-iova-across-end", MAP_RW, AT(UVA_BUF, 0), 2 * EDU_PG,
	    AT(END, -EDU_PG), EINVAL,
	    "io_pagetable.c iopt_check_iova(): range runs into the reserved top"),
	MAP("map-iova-msi", MAP_RW, AT(UVA_BUF, 0), EDU_PG, AT(MSI, 0), EINVAL,
	    "io_pagetable.c iopt_check_iova(): the device's reserved MSI region"),
	MAP("map-iova-into-msi", MAP_RW, AT(UVA_BUF, 0), 2 * EDU_PG,
	    AT(MSI, -EDU_PG), EINVAL,
	    "io_pagetable.c iopt_check_iova(): range runs into the MSI region"),
	MAP("map-oversized", MAP_RW, AT(UVA_BUF, 0), 1ULL << 50, AT(FREE, 0),
	    EINVAL,
	    "io_pagetable.c iopt_check_iova(): 1 PiB from a valid IOVA runs past the aperture"),
	/* with 64-bit ranges there is room: pinning fails, pages.c */
	{ .name = "map-oversized-any-iova", .op = OP_MAP,
	  .flags = IOMMU_IOAS_MAP_READABLE, .uva = AT(UVA_BUF, 0),
	  .length = 1ULL << 50, .iova = AT(ABS, 0), .err = ENOSPC,
	  .err_full = EFAULT,
	  .why = "io_pagetable.c iopt_alloc_iova(): no free IOVA range of 1 PiB" },
	MAP("map-half-space-any-iova", IOMMU_IOAS_MAP_READABLE, AT(UVA_BUF, 0),
	    1ULL << 63, AT(ABS, 0), EOVERFLOW,
	    "io_pagetable.c iopt_alloc_iova(): length >= ULONG_MAX / 2"),
	MAP("map-over-existing", MAP_RW, AT(UVA_BUF, 0), EDU_PG,
	    AT(GOOD, SZ_2M), EEXIST,
	    "io_pagetable.c iopt_check_iova(): IOVA already mapped"),
	MAP("map-into-existing", MAP_RW, AT(UVA_BUF, 0), 2 * EDU_PG,
	    AT(GOOD, -EDU_PG), EEXIST,
	    "io_pagetable.c iopt_check_iova(): range runs into a mapping"),
	MAP("map-uva-unmapped", MAP_RW, AT(UVA_HOLE, HOLE_OFF), EDU_PG, AT(FREE, 0),
	    EFAULT, "pages.c pfn_reader_user_pin(): no user memory to pin"),
	MAP("map-uva-partly-unmapped", MAP_RW, AT(UVA_HOLE, 0), HOLE_SIZE,
	    AT(FREE, 0), EFAULT,
	    "pages.c iopt_area_fill_domain(): pinning fails past 2 MiB, the domain is unmapped again"),
	MAP("map-uva-readonly-writeable", MAP_RW, AT(UVA_RO, 0), EDU_PG, AT(FREE, 0),
	    EFAULT, "pages.c pfn_reader_user_pin(): FOLL_WRITE on PROT_READ memory"),

	/* IOMMU_IOAS_UNMAP (never iova 0 with length U64_MAX: that unmaps all) */
	UNMAP("unmap-length-zero", AT(GOOD, 0), 0, EINVAL,
	      "io_pagetable.c iopt_unmap_iova(): length == 0"),
	UNMAP("unmap-iova-u64max", AT(ABS, UINT64_MAX), EDU_PG, EOVERFLOW,
	      "ioas.c iommufd_ioas_unmap(): iova >= ULONG_MAX"),
	UNMAP("unmap-length-u64max", AT(GOOD, 0), UINT64_MAX, EOVERFLOW,
	      "ioas.c iommufd_ioas_unmap(): length >= ULONG_MAX"),
	UNMAP("unmap-wrap", AT(GOOD, 0), -IOVA_GOOD + EDU_PG, EOVERFLOW,
	      "io_pagetable.c iopt_unmap_iova(): iova + length - 1 overflows"),
	UNMAP("unmap-iova-misaligned", AT(GOOD, 1), GOOD_SIZE, ENOENT,
	      "io_pagetable.c iopt_unmap_iova_range(): the mapping starts before the range"),
	UNMAP("unmap-length-misaligned", AT(GOOD, 0), GOOD_SIZE - 1, ENOENT,
	      "io_pagetable.c iopt_unmap_iova_range(): the mapping ends after the range"),
	UNMAP("unmap-split", AT(GOOD, SZ_2M), EDU_PG, ENOENT,
	      "io_pagetable.c iopt_unmap_iova_range(): splitting a mapping"),
	UNMAP("unmap-oversized-partial", AT(GOOD, EDU_PG), 1ULL << 50, ENOENT,
	      "io_pagetable.c iopt_unmap_iova_range(): covers the first mapping only partly"),
	UNMAP("unmap-iova-end", AT(END, 0), EDU_PG, ENOENT,
	      "ioas.c iommufd_ioas_unmap(): nothing mapped above the ranges"),
	UNMAP("unmap-iova-msi", AT(MSI, 0), EDU_PG, ENOENT,
	      "ioas.c iommufd_ioas_unmap(): nothing mapped in the MSI region"),
	UNMAP("unmap-unmapped", AT(FREE, 0), GOOD_SIZE, ENOENT,
	      "ioas.c iommufd_ioas_unmap(): nothing mapped there"),

	/* IOMMU_IOAS_COPY, within the IOAS, from the good mappings */
	COPY("copy-unknown-flag", MAP_RW | MAP_UNKNOWN_FLAG, AT(GOOD, 0), EDU_PG,
	     AT(FREE, 0), EOPNOTSUPP,
	     "ioas.c iommufd_ioas_copy(): flag outside FIXED_IOVA|WRITEABLE|READABLE"),
	COPY("copy-no-prot", IOMMU_IOAS_MAP_FIXED_IOVA, AT(GOOD, 0), EDU_PG,
	     AT(FREE, 0), EINVAL,
	     "ioas.c iommufd_ioas_copy(): neither READABLE nor WRITEABLE"),
	COPY("copy-length-u64max", MAP_RW, AT(GOOD, 0), UINT64_MAX, AT(FREE, 0),
	     EOVERFLOW, "ioas.c iommufd_ioas_copy(): length >= ULONG_MAX"),
	COPY("copy-src-u64max", MAP_RW, AT(ABS, UINT64_MAX), EDU_PG, AT(FREE, 0),
	     EOVERFLOW, "ioas.c iommufd_ioas_copy(): src_iova >= ULONG_MAX"),
	COPY("copy-dst-u64max", MAP_RW, AT(GOOD, 0), EDU_PG, AT(ABS, UINT64_MAX),
	     EOVERFLOW, "ioas.c iommufd_ioas_copy(): dst_iova >= ULONG_MAX"),
	COPY("copy-length-zero", MAP_RW, AT(GOOD, 0), 0, AT(FREE, 0), EINVAL,
	     "io_pagetable.c iopt_get_pages(): length == 0"),
	COPY("copy-src-wrap", MAP_RW, AT(GOOD, 0), -IOVA_GOOD + EDU_PG, AT(FREE, 0),
	     EOVERFLOW, "io_pagetable.c iopt_get_pages(): src_iova + length - 1 overflows"),
	COPY("copy-src-unmapped", MAP_RW, AT(FREE, 0), EDU_PG, AT(FREE, SZ_2M),
	     ENOENT, "io_pagetable.c iopt_get_pages(): nothing mapped at src_iova"),
	COPY("copy-src-oversized", MAP_RW, AT(GOOD, 0), GOOD_SIZE + EDU_PG,
	     AT(FREE, 0), ENOENT,
	     "io_pagetable.c iopt_get_pages(): the source runs past its mapping"),
	COPY("copy-src-misaligned", MAP_RW, AT(GOOD, 1), EDU_PG, AT(FREE, 0), EINVAL,
	     "io_pagetable.c iopt_insert_area(): source offset not a multiple of iova_alignment"),
	COPY("copy-length-misaligned", MAP_RW, AT(GOOD, 0), EDU_PG + 1, AT(FREE, 0),
	     EINVAL,
	     "io_pagetable.c iopt_alloc_area_pages(): length not a multiple of iova_alignment"),
	COPY("copy-dst-misaligned", MAP_RW, AT(GOOD, 0), EDU_PG, AT(FREE, 0x800),
	     EINVAL,
	     "io_pagetable.c iopt_check_iova(): dst_iova not a multiple of iova_alignment"),
	COPY("copy-dst-wrap", MAP_RW, AT(GOOD, 0), 2 * EDU_PG, AT(ABS, -EDU_PG),
	     EOVERFLOW, "io_pagetable.c iopt_check_iova(): dst_iova + length - 1 overflows"),
	COPY("copy-dst-end", MAP_RW, AT(GOOD, 0), EDU_PG, AT(END, 0), EINVAL,
	     "io_pagetable.c iopt_check_iova(): reserved above the domain's aperture"),
	COPY("copy-dst-msi", MAP_RW, AT(GOOD, 0), EDU_PG, AT(MSI, 0), EINVAL,
	     "io_pagetable.c iopt_check_iova(): the device's reserved MSI region"),
	COPY("copy-dst-existing", MAP_RW, AT(GOOD, 0), EDU_PG, AT(RO, 0), EEXIST,
	     "io_pagetable.c iopt_check_iova(): IOVA already mapped"),
	COPY("copy-readonly-writeable", MAP_RW, AT(RO, 0), EDU_PG, AT(FREE, 0),
	     EPERM, "io_pagetable.c iopt_insert_area(): WRITEABLE from read-only pages"),

	/*
	 * The HWPT iommufd allocated when the device attached to the IOAS: a
	 * paging domain without IOMMU_HWPT_ALLOC_DIRTY_TRACKING (no dirty_ops),
	 * not a nested one (no cache_invalidate_user).
	 */
	{ .name = "hwpt-invalidate", .op = OP_INVALIDATE, .length = 1,
	  .err = ENOENT,
	  .why = "hw_pagetable.c iommufd_hwpt_invalidate(): the HWPT is not nested" },
	{ .name = "hwpt-invalidate-empty", .op = OP_INVALIDATE, .length = 0,
	  .err = ENOENT,
	  .why = "hw_pagetable.c iommufd_hwpt_invalidate(): the HWPT is not nested" },
	{ .name = "hwpt-set-dirty-on", .op = OP_SET_DIRTY,
	  .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE, .err = EOPNOTSUPP,
	  .why = "io_pagetable.c iopt_set_dirty_tracking(): domain without dirty_ops" },
	{ .name = "hwpt-set-dirty-off", .op = OP_SET_DIRTY, .flags = 0,
	  .err = EOPNOTSUPP,
	  .why = "io_pagetable.c iopt_set_dirty_tracking(): domain without dirty_ops" },
	{ .name = "hwpt-get-dirty", .op = OP_GET_DIRTY, .iova = AT(GOOD, 0),
	  .length = GOOD_SIZE, .err = EOPNOTSUPP,
	  .why = "io_pagetable.c iommu_read_and_clear_dirty(): domain without dirty_ops" },
	{ .name = "hwpt-get-dirty-no-clear", .op = OP_GET_DIRTY,
	  .flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, .iova = AT(GOOD, 0),
	  .length = GOOD_SIZE, .err = EOPNOTSUPP,
	  .why = "io_pagetable.c iommu_read_and_clear_dirty(): domain without dirty_ops" },
	{ .name = "hwpt-get-dirty-misaligned", .op = OP_GET_DIRTY,
	  .iova = AT(GOOD, 0x800), .length = EDU_PG, .err = EINVAL,
	  .why = "io_pagetable.c iommufd_check_iova_range(): iova not a multiple of iova_alignment" },
};

/* User memory and IOVAs the table's addresses are relative to. */
static uint8_t *buf, *ro, *hole, *fi;
static uint64_t iova_msi, iova_end;

static uint64_t resolve(struct addr a)
{
	static const uint64_t iova[] = {
		[GOOD] = IOVA_GOOD, [RO] = IOVA_RO, [FREE] = IOVA_FREE,
	};

	switch (a.base) {
	case UVA_BUF:
		return (uintptr_t)buf + a.off;
	case UVA_RO:
		return (uintptr_t)ro + a.off;
	case UVA_HOLE:
		return (uintptr_t)hole + a.off;
	case MSI:
		return iova_msi + a.off;
	case END:
		return iova_end + a.off;
	case GOOD:
	case RO:
	case FREE:
		return iova[a.base] + a.off;
	case ABS:
		break;
	}
	return a.off;
}

static const char *errname(int err)
{
	return err ? strerrorname_np(err) : "success";
}

/*
 * Sends @r; returns 0, the errno, or -1 if it failed but wrote an output
 * (the number of invalidations handled, the bitmap). A map or copy that
 * wrongly succeeds is unmapped again (*@undone says whether that worked), so
 * that one wrong answer does not change what the next requests find.
 */
static int send_bad_req(const struct bad_req *r, bool *undone)
{
	uint64_t bitmap[GOOD_SIZE / EDU_PG / 64];
	struct iommu_hwpt_vtd_s1_invalidate inv = {
		.addr = IOVA_GOOD,
		.npages = 1,
	};
	union {
		struct iommu_ioas_map map;
		struct iommu_ioas_unmap unmap;
		struct iommu_ioas_copy copy;
		struct iommu_hwpt_invalidate inv;
		struct iommu_hwpt_set_dirty_tracking set_dirty;
		struct iommu_hwpt_get_dirty_bitmap get_dirty;
	} cmd;
	uint32_t id = r->other_ioas ? hwpt_id : ioas_id;
	uint64_t iova = resolve(r->iova);
	unsigned long req;
	int ret;

	*undone = true;
	memset(&cmd, 0, sizeof(cmd));
	switch (r->op) {
	case OP_MAP:
		cmd.map = (struct iommu_ioas_map) {
			.size = r->size ?: sizeof(cmd.map),
			.flags = r->flags,
			.ioas_id = id,
			.__reserved = r->reserved,
			.user_va = resolve(r->uva),
			.length = r->length,
			.iova = iova,
		};
		req = IOMMU_IOAS_MAP;
		break;
	case OP_UNMAP:
		cmd.unmap = (struct iommu_ioas_unmap) {
			.size = sizeof(cmd.unmap),
			.ioas_id = id,
			.iova = iova,
			.length = r->length,
		};
		req = IOMMU_IOAS_UNMAP;
		break;
	case OP_COPY:
		cmd.copy = (struct iommu_ioas_copy) {
			.size = sizeof(cmd.copy),
			.flags = r->flags,
			.dst_ioas_id = id,
			.src_ioas_id = id,
			.length = r->length,
			.dst_iova = iova,
			.src_iova = resolve(r->uva),
		};
		req = IOMMU_IOAS_COPY;
		break;
	case OP_INVALIDATE:
		cmd.inv = (struct iommu_hwpt_invalidate) {
			.size = sizeof(cmd.inv),
			.hwpt_id = hwpt_id,
			.data_uptr = (uintptr_t)&inv,
			.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
			.entry_len = sizeof(inv),
			.entry_num = r->length,
		};
		req = IOMMU_HWPT_INVALIDATE;
		break;
	case OP_SET_DIRTY:
		cmd.set_dirty = (struct iommu_hwpt_set_dirty_tracking) {
			.size = sizeof(cmd.set_dirty),
			.flags = r->flags,
			.hwpt_id = hwpt_id,
		};
		req = IOMMU_HWPT_SET_DIRTY_TRACKING;
		break;
	case OP_GET_DIRTY:
		memset(bitmap, 0xa5, sizeof(bitmap));
		cmd.get_dirty = (struct iommu_hwpt_get_dirty_bitmap) {
			.size = sizeof(cmd.get_dirty),
			.hwpt_id = hwpt_id,
			.flags = r->flags,
			.iova = iova,
			.length = r->length,
			.page_size = EDU_PG,
			.data = (uintptr_t)bitmap,
		};
		req = IOMMU_HWPT_GET_DIRTY_BITMAP;
		break;
	default:
		return -1;
	}
	ret = ioctl(iommufd, req, &cmd) ? errno : 0;
	if (!ret && (r->op == OP_MAP || r->op == OP_COPY)) {
		uint64_t at = r->op == OP_MAP ? cmd.map.iova : cmd.copy.dst_iova;

		*undone = !ioas_unmap(at, r->length);
	} else if (!ret && r->op == OP_UNMAP) {
		*undone = false;
	}
	/* a refused invalidation handled no entry; a refused bitmap is as it was */
	if (r->op == OP_INVALIDATE && ret && cmd.inv.entry_num)
		ret = -1;
	if (r->op == OP_GET_DIRTY && ret) {
		unsigned int i;

		for (i = 0; i < sizeof(bitmap) / sizeof(bitmap[0]); i++)
			if (bitmap[i] != 0xa5a5a5a5a5a5a5a5ULL)
				ret = -1;
	}
	return ret;
}

/* Every request of bad_reqs[]; one result per command group. */
static void test_bad_requests(void)
{
	static const enum bad_op groups[] = { OP_MAP, OP_UNMAP, OP_COPY,
					      OP_INVALIDATE };
	unsigned int g, i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const char *name = op_result[groups[g]];
		unsigned int n = 0, bad = 0;
		char wrong[512] = "";
		size_t len = 0;

		for (i = 0; i < sizeof(bad_reqs) / sizeof(bad_reqs[0]); i++) {
			const struct bad_req *r = &bad_reqs[i];
			bool undone;
			int err;

			int want = r->err;

			if (strcmp(op_result[r->op], name))
				continue;
			if (!iova_end) {
				if (r->iova.base == END || r->uva.base == END) {
					printf("GENPT_E2E_INFO: bad-request %s skipped: the IOVA ranges run to 2^64 - 1\n",
					       r->name);
					continue;
				}
				if (r->err_full)
					want = r->err_full;
			}
			err = send_bad_req(r, &undone);
			n++;
			printf("GENPT_E2E_INFO: bad-request %s %s (want %s)%s: %s\n",
			       r->name, err < 0 ? "output-written" : errname(err),
			       errname(want), err == want ? "" : " WRONG",
			       r->why);
			if (err == want)
				continue;
			bad++;
			if (len < sizeof(wrong))
				len += snprintf(wrong + len, sizeof(wrong) - len,
						"; %s: %s, want %s%s", r->name,
						err < 0 ? "failed but wrote entry_num or the bitmap" : errname(err),
						errname(want),
						undone ? "" : " (IOAS changed)");
		}
		result(name, !bad, "%u requests, %u with the wrong errno%s", n, bad,
		       wrong);
	}
}

/*
 * edu DMA both ways through the good mappings: from the read/write one to
 * its copy (IOMMU_IOAS_COPY, the same memory) across a 2 MiB boundary, back,
 * and from the read-only one. Returns the number of failed copies.
 */
static unsigned int dma_good(const char *tag)
{
	static const struct { uint64_t src_iova, src_off, dst_iova, dst_off; } c[] = {
		{ IOVA_GOOD, SZ_2M - 1024, IOVA_COPY, 5 * EDU_PG },
		{ IOVA_COPY, 3 * SZ_2M / 2, IOVA_GOOD, SZ_2M - 512 },
		{ IOVA_RO, 3 * EDU_PG + 100, IOVA_GOOD, GOOD_SIZE - EDU_XFER_MAX },
	};
	unsigned int i, bad = 0;
	int err;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bool from_ro = c[i].src_iova == IOVA_RO;
		uint8_t *src = (from_ro ? ro : buf) + c[i].src_off;

		/* the read-only memory keeps the random bytes it got first */
		if (!from_ro)
			fill_random(src, EDU_XFER_MAX);
		if (!copy_ok(c[i].src_iova + c[i].src_off, src,
			     c[i].dst_iova + c[i].dst_off, buf + c[i].dst_off,
			     EDU_XFER_MAX, &err)) {
			bad++;
			printf("GENPT_E2E_INFO: %s copy %#llx -> %#llx %s\n", tag,
			       (unsigned long long)(c[i].src_iova + c[i].src_off),
			       (unsigned long long)(c[i].dst_iova + c[i].dst_off),
			       err ? strerror(-err) : "data differs");
		}
	}
	return bad;
}

/* The good mappings: read/write, its IOMMU_IOAS_COPY, read-only. */
static bool map_good(void)
{
	struct iommu_ioas_copy copy = {
		.size = sizeof(copy),
		.flags = MAP_RW,
		.dst_ioas_id = ioas_id,
		.src_ioas_id = ioas_id,
		.length = GOOD_SIZE,
		.dst_iova = IOVA_COPY,
		.src_iova = IOVA_GOOD,
	};
	unsigned int bad;
	int ret;

	ret = ioas_map(buf, GOOD_SIZE, IOVA_GOOD, true);
	if (!ret)
		ret = ioctl(iommufd, IOMMU_IOAS_COPY, &copy) ? -errno : 0;
	if (!ret)
		ret = ioas_map(ro, RO_SIZE, IOVA_RO, false);
	if (ret) {
		result("vfio-err-good", false, "map/copy: %s", strerror(-ret));
		return false;
	}
	bad = dma_good("vfio-err-good");
	result("vfio-err-good", !bad,
	       "%#llx (4 MiB, rw), its IOAS_COPY at %#llx, %#llx (64 KiB, ro): %u of 3 copies bad",
	       (unsigned long long)IOVA_GOOD, (unsigned long long)IOVA_COPY,
	       (unsigned long long)IOVA_RO, bad);
	return !bad;
}

/* The hole in the IOVA ranges (the MSI window) and the end of the last. */
static bool read_ranges(void)
{
	struct iommu_iova_range r[16];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = ioas_id,
		.num_iovas = 16,
		.allowed_iovas = (uintptr_t)r,
	};

	if (ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &q) || q.num_iovas < 2 ||
	    q.num_iovas > 16 || r[0].start > IOVA_GOOD ||
	    r[q.num_iovas - 1].last < IOVA_FI + SZ_2M * 16) {
		result("vfio-err-good", false,
		       "IOMMU_IOAS_IOVA_RANGES: %s, %u ranges: want a hole (MSI) and %#llx mappable",
		       strerror(errno), q.num_iovas,
		       (unsigned long long)IOVA_FI);
		return false;
	}
	iova_msi = r[0].last + 1;
	iova_end = r[q.num_iovas - 1].last + 1;
	printf("GENPT_E2E_INFO: vfio-errors msi window %#llx-%#llx, end %#llx\n",
	       (unsigned long long)iova_msi, (unsigned long long)r[1].start - 1,
	       (unsigned long long)iova_end);
	return true;
}

/* After the bad requests: the good mappings, and IOVA_FREE is free. */
static void test_intact(const char *name)
{
	unsigned int bad = dma_good(name);
	int ret, err = 0;
	bool ok;

	ret = ioas_map(buf, GOOD_SIZE, IOVA_FREE, true);
	fill_random(buf + EDU_PG * 40, EDU_XFER_MAX);
	ok = !ret && copy_ok(IOVA_FREE + EDU_PG * 40, buf + EDU_PG * 40,
			     IOVA_GOOD + EDU_PG * 50, buf + EDU_PG * 50,
			     EDU_XFER_MAX, &err);
	if (!ret)
		ret = ioas_unmap(IOVA_FREE, GOOD_SIZE);
	result(name, !bad && ok && !ret,
	       "%u of 3 copies through the good mappings bad; %#llx %s",
	       bad, (unsigned long long)IOVA_FREE,
	       ok && !ret ? "mapped, DMA through it, unmapped" :
	       ret ? strerror(-ret) : "DMA through it failed");
}

/* debugfs fault attributes: every GFP_KERNEL allocation may fail. */
static bool fault_attrs(void)
{
	static const char *const attrs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "failslab/verbose", "1" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "fail_page_alloc/verbose", "1" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", attrs[i][0]);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, attrs[i][1], 1) != 1) {
			result("vfio-failnth", false, "%s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return false;
		}
		close(fd);
	}
	return true;
}

static int fail_nth_fd = -1;

static bool fail_nth_set(unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	return pwrite(fail_nth_fd, s, len, 0) == len;
}

/* What is left of the count: 0 once the fault was injected. */
static unsigned int fail_nth_left(void)
{
	char s[16] = "";

	if (pread(fail_nth_fd, s, sizeof(s) - 1, 0) <= 0)
		return ~0U;
	return strtoul(s, NULL, 10);
}

/* nr_iommu_pages, exact: the per-CPU counters folded first. */
static long iommu_pages(void)
{
	char line[128];
	long v = -1;
	FILE *f;
	int fd;

	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			v = -2;
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");
	if (!f || v == -2)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_iommu_pages %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * The fail-nth loop. A map whose injected failure something absorbed (an
 * allocation with a fallback) succeeds with the fault injected; the loop
 * goes on until a map succeeds with no fault left to inject.
 */
static void test_fail_nth(void)
{
	unsigned int n, failures = 0, absorbed = 0, enomem = 0, bad = 0;
	long before, after, left_max = 0, tables = -1;
	char path[64], wrong[512] = "", other[128] = "";
	size_t len = 0, olen = 0;
	bool done = false;
	int ret, err;

	if (!fault_attrs())
		return;
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	fail_nth_fd = open(path, O_RDWR);
	ret = ioas_map(buf, EDU_PG, IOVA_FI_ANCHOR, true);
	if (fail_nth_fd < 0 || ret || iommu_pages() < 0) {
		result("vfio-failnth", false, "%s: %s; anchor map: %s; nr_iommu_pages %ld",
		       path, fail_nth_fd < 0 ? strerror(errno) : "ok",
		       strerror(-ret), iommu_pages());
		return;
	}
	for (n = 1; n <= FAILNTH_MAX && !done; n++) {
		bool injected, ok;

		fill_random(buf + EDU_PG * 7, EDU_XFER_MAX);
		before = iommu_pages();
		if (!fail_nth_set(n)) {
			bad++;
			break;
		}
		ret = ioas_map(fi, FI_SIZE, IOVA_FI, true);
		injected = !fail_nth_left();
		fail_nth_set(0);
		if (ret) {
			failures++;
			if (ret == -ENOMEM)
				enomem++;
			else if (olen < sizeof(other))
				olen += snprintf(other + olen, sizeof(other) - olen,
						 " n=%u:%s", n, errname(-ret));
			after = iommu_pages();
			if (after - before > left_max)
				left_max = after - before;
			printf("GENPT_E2E_INFO: failnth n=%u %s, nr_iommu_pages %+ld after the failed map\n",
			       n, errname(-ret), after - before);
			if (!injected) {
				/* the same map fails for good: stop here */
				len += snprintf(wrong + len, sizeof(wrong) - len,
						"; n=%u failed (%s) with no fault injected",
						n, errname(-ret));
				bad++;
				break;
			}
			/* the IOAS is as it was: the same range maps */
			ret = ioas_map(fi, FI_SIZE, IOVA_FI, true);
			if (ret) {
				if (len < sizeof(wrong))
					len += snprintf(wrong + len, sizeof(wrong) - len,
							"; n=%u: the range does not map again: %s",
							n, errname(-ret));
				bad++;
				break;
			}
		} else if (injected) {
			absorbed++;
		} else {
			done = true;
		}
		if (tables < 0 && !injected)
			tables = iommu_pages() - before;
		/* an earlier mapping to the new one, 2 MiB boundary crossed */
		ok = copy_ok(IOVA_GOOD + EDU_PG * 7, buf + EDU_PG * 7,
			     IOVA_FI + SZ_2M - 1024, fi + SZ_2M - 1024,
			     EDU_XFER_MAX, &err);
		ret = ioas_unmap(IOVA_FI, FI_SIZE);
		after = iommu_pages();
		if (!ok || ret || after != before) {
			bad++;
			if (len < sizeof(wrong))
				len += snprintf(wrong + len, sizeof(wrong) - len,
						"; n=%u: DMA %s, unmap %s, nr_iommu_pages %ld before, %ld after",
						n, ok ? "ok" : "bad", errname(-ret),
						before, after);
		}
	}
	if (done) {
		n--;
		printf("GENPT_E2E_INFO: failnth first success without injection at n=%u\n", n);
	}
	result("vfio-failnth", done && !bad && !len,
	       "4 MiB map (%uK pages, %ld new tables) %s n=%u: %u injection points, %u failed (ENOMEM x%u%s), %u absorbed; after each the range mapped again, DMA ok, nr_iommu_pages back (a failed map left at most %ld)%s",
	       (unsigned int)EDU_PG / 1024, tables, done ? "first succeeded without injection at" : "stopped at",
	       n, n - 1, failures, enomem, other, absorbed, left_max, wrong);
	ioas_unmap(IOVA_FI_ANCHOR, EDU_PG);
	close(fail_nth_fd);
}

/* @len bytes at 4 KiB past a 2 MiB boundary, in 4 KiB pages, touched. */
static uint8_t *alloc_small_pages(size_t len)
{
	uint8_t *p = mmap(NULL, len + 2 * SZ_2M, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = (((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1)) + EDU_PG;
	madvise((void *)a, len, MADV_NOHUGEPAGE);
	memset((void *)a, 0x5a, len);
	return (uint8_t *)a;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: vfio_edu_errors <bdf>\n");
		return 2;
	}
	bdf = argv[1];
	srandom(getpid());
	if (sysconf(_SC_PAGESIZE) != EDU_PG) {
		result("vfio-err-setup", false, "built for %u-byte pages, the kernel has %ld",
		       (unsigned int)EDU_PG, sysconf(_SC_PAGESIZE));
		return 1;
	}

	if (vfio_setup("vfio-err-setup"))
		return 1;
	buf = alloc_buf(GOOD_SIZE);
	ro = alloc_small_pages(RO_SIZE);
	hole = alloc_small_pages(HOLE_SIZE);
	fi = alloc_small_pages(FI_SIZE);
	if (ro)
		fill_random(ro, RO_SIZE);
	if (!buf || !ro || !hole || !fi ||
	    munmap(hole + HOLE_OFF, EDU_PG) || mprotect(ro, RO_SIZE, PROT_READ)) {
		result("vfio-err-good", false, "no memory: %s", strerror(errno));
		return 1;
	}
	if (!read_ranges() || !map_good())
		return 1;
	test_bad_requests();
	test_intact("vfio-bad-intact");
	test_fail_nth();
	test_intact("vfio-failnth-intact");
	return failed > 100 ? 100 : failed;
}
