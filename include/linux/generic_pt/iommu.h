/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic radix page table as the page table of an iommu_domain.
 *
 * A driver embeds a struct pt_iommu_<fmt> in its domain so that its
 * struct iommu_domain and pt_iommu::domain are the same memory, fills its
 * iommu_domain_ops with IOMMU_PT_DOMAIN_OPS(fmt), calls
 * pt_iommu_<fmt>_init() and programs the hardware from
 * pt_iommu_<fmt>_hw_info().
 *
 * The functions every format exports are defined, and documented, once for
 * all formats in drivers/iommu/generic_pt/iommu_pt.h, under the names
 * pt_iommu_FMT_init() and so on: FMT stands for the format's name.
 */
#ifndef __GENERIC_PT_IOMMU_H
#define __GENERIC_PT_IOMMU_H

#include <linux/generic_pt/common.h>
#include <linux/iommu.h>
#include <linux/mm_types.h>
#include <linux/spinlock_types.h>

struct pt_iommu_ops;
struct pt_iommu_driver_ops;

/**
 * struct pt_iommu - a page table that implements an iommu_domain
 * @domain: The iommu_domain. First, so that a driver can overlay its own
 *	struct iommu_domain member with this one in a union (see
 *	PT_IOMMU_CHECK_DOMAIN()).
 * @ops: Operations on the table; set last by init, so a table whose init
 *	failed or never ran has NULL here and pt_iommu_deinit() is a no-op.
 * @driver_ops: Callbacks into the driver, set by the driver before init.
 * @nid: NUMA node to allocate table memory on, set before init.
 * @iommu_device: Device that performs the table walks. Required with
 *	PT_FEAT_DMA_INCOHERENT where it is used with the DMA API to write
 *	back table memory. Set before init.
 */
struct pt_iommu {
	struct iommu_domain domain;
	const struct pt_iommu_ops *ops;
	const struct pt_iommu_driver_ops *driver_ops;
	int nid;
	struct device *iommu_device;
};

/**
 * struct pt_iommu_info - description of an initialised table
 * @pgsize_bitmap: Every page size the table can map with a single leaf.
 */
struct pt_iommu_info {
	u64 pgsize_bitmap;
};

/* Entries of the array pt_iommu_ops::count_leaves fills: one per log2 size */
#define PT_IOMMU_LEAF_SIZES 64

/**
 * struct pt_iommu_ops - operations on an initialised table
 *
 * The operations that are not iommu_domain_ops: init sets pt_iommu::ops to
 * the format's instance, and the driver, its debugfs or tests call them
 * through the table.
 */
struct pt_iommu_ops {
	/**
	 * @get_info: Fill @info with what the table can map. The page sizes
	 * are those init set in the domain's pgsize_bitmap, before the
	 * driver narrowed it.
	 *
	 * Context: Any context.
	 */
	void (*get_info)(struct pt_iommu *iommu_table,
			 struct pt_iommu_info *info);

	/**
	 * @set_dirty: Make the leaf translating @iova dirty, as the hardware
	 * does when it writes through it. For tests of dirty tracking only
	 * (KUnit, the iommufd selftest's mock domain).
	 *
	 * Context: Any context; lockless. @iova must not be unmapped
	 * concurrently.
	 *
	 * Return: 0; -ENOENT if @iova is not mapped; -EOPNOTSUPP if the
	 * table cannot track dirty state (the format, or its configuration,
	 * has no dirty tracking, or PT_FEAT_DMA_INCOHERENT) or the leaf cannot
	 * become dirty (it is not writable).
	 */
	int (*set_dirty)(struct pt_iommu *iommu_table, dma_addr_t iova);

	/**
	 * @count_leaves: Add the number of leaves of 2^n bytes in the table
	 * to entry n of @counts, for every n below PT_IOMMU_LEAF_SIZES. A
	 * run of entries that the hardware takes as one translation (ARM's
	 * contiguous hint, AMD's replicated NextLevel 7 entries) is one leaf
	 * of the run's size. For debugfs and test hooks that show how
	 * ranges were mapped.
	 *
	 * Context: Any context; lockless. The counts are exact only when no
	 * map or unmap runs concurrently.
	 */
	void (*count_leaves)(struct pt_iommu *iommu_table, u64 *counts);

	/**
	 * @deinit: Free every table and set pt_iommu::ops to NULL. Does not
	 * flush the IOTLB: the caller has detached the domain from every
	 * device first. Called through pt_iommu_deinit().
	 *
	 * Context: Process context; no other operation on the table runs.
	 */
	void (*deinit)(struct pt_iommu *iommu_table);
};

/**
 * struct pt_iommu_driver_ops - driver callbacks
 *
 * Set in pt_iommu::driver_ops before init. Only PT_FEAT_DYNAMIC_TOP uses
 * them, and init refuses that feature without both.
 */
struct pt_iommu_driver_ops {
	/**
	 * @change_top: Make every hardware reference to the table (device
	 * table entries, context entries) use the new top table at
	 * @top_paddr, of level @top_level, and flush them. The old top stays
	 * valid as a subtree of the new one, so a walker still on the old
	 * top translates as before. Called when a map needs more input
	 * address space than the top covers, once the new tables are
	 * complete and before the table's own top is published.
	 *
	 * Context: Called by map_pages() with the lock from @get_top_lock
	 * held and interrupts disabled; must not sleep.
	 */
	void (*change_top)(struct pt_iommu *iommu_table, phys_addr_t top_paddr,
			   unsigned int top_level);

	/**
	 * @get_top_lock: Return the spinlock that serialises @change_top
	 * against the driver attaching and detaching devices, so that a
	 * device attached concurrently gets the new top.
	 *
	 * Context: Called by map_pages(), which then takes the lock with
	 * spin_lock_irqsave().
	 *
	 * Return: the lock.
	 */
	spinlock_t *(*get_top_lock)(struct pt_iommu *iommu_table);
};

/**
 * pt_iommu_deinit() - free a table
 * @iommu_table: table to free
 *
 * Safe on a table whose init failed or never ran, as long as the table
 * memory was zeroed before init.
 *
 * Context: Process context; the domain is attached to no device.
 */
static inline void pt_iommu_deinit(struct pt_iommu *iommu_table)
{
	if (iommu_table->ops)
		iommu_table->ops->deinit(iommu_table);
}

/**
 * struct pt_iommu_cfg - configuration common to every format
 * @features: Bitmap of enum pt_features and format PT_FEAT_* to enable.
 * @hw_max_vasz_lg2: Input address bits the hardware supports.
 * @hw_max_oasz_lg2: Output address bits the hardware supports.
 */
struct pt_iommu_cfg {
	unsigned int features;
	u8 hw_max_vasz_lg2;
	u8 hw_max_oasz_lg2;
};

/**
 * IOMMU_PROTOTYPES() - declare the exported functions of a format
 * @fmt: the format's name, the PT_FMT of its fmt/iommu_<fmt>.c
 *
 * Declares pt_iommu_<fmt>_init(), _hw_info(), _map_pages(), _unmap_pages(),
 * _iova_to_phys() and _read_and_clear_dirty(), exported in symbol namespace
 * GENERIC_PT_IOMMU. drivers/iommu/generic_pt/iommu_pt.h defines them once
 * for every format; their kernel-doc is there, as pt_iommu_FMT_init() and
 * so on.
 */
#define IOMMU_PROTOTYPES(fmt)                                                 \
	phys_addr_t pt_iommu_##fmt##_iova_to_phys(struct iommu_domain *domain, \
						  dma_addr_t iova);            \
	int pt_iommu_##fmt##_map_pages(struct iommu_domain *domain,           \
				       unsigned long iova, phys_addr_t paddr,  \
				       size_t pgsize, size_t pgcount,          \
				       int prot, gfp_t gfp, size_t *mapped);   \
	size_t pt_iommu_##fmt##_unmap_pages(                                  \
		struct iommu_domain *domain, unsigned long iova,              \
		size_t pgsize, size_t pgcount,                                \
		struct iommu_iotlb_gather *iotlb_gather);                     \
	int pt_iommu_##fmt##_read_and_clear_dirty(                            \
		struct iommu_domain *domain, unsigned long iova, size_t size, \
		unsigned long flags, struct iommu_dirty_bitmap *dirty);       \
	int pt_iommu_##fmt##_init(struct pt_iommu_##fmt *table,               \
				  const struct pt_iommu_##fmt##_cfg *cfg,      \
				  gfp_t gfp);                                  \
	void pt_iommu_##fmt##_hw_info(struct pt_iommu_##fmt *table,           \
				      struct pt_iommu_##fmt##_hw_info *info)

/**
 * IOMMU_FORMAT() - declare the table struct and the functions of a format
 * @fmt: the format's name
 * @member: the name of the struct pt_<fmt> member of struct pt_iommu_<fmt>
 *
 * Defines struct pt_iommu_<fmt>: the struct pt_iommu, then the format's
 * struct pt_<fmt> (include/linux/generic_pt/common.h), and declares the
 * format's functions with IOMMU_PROTOTYPES(). struct pt_iommu_<fmt>_cfg and
 * struct pt_iommu_<fmt>_hw_info must be defined before.
 */
#define IOMMU_FORMAT(fmt, member)       \
	struct pt_iommu_##fmt {         \
		struct pt_iommu iommu;  \
		struct pt_##fmt member; \
	};                              \
	IOMMU_PROTOTYPES(fmt)

/**
 * IOMMU_PT_DOMAIN_OPS() - the page table members of struct iommu_domain_ops
 * @fmt: the format's name
 *
 * Expands to the initialisers of .iova_to_phys, .map_pages and
 * .unmap_pages with the functions of @fmt, for a driver's
 * struct iommu_domain_ops.
 */
#define IOMMU_PT_DOMAIN_OPS(fmt)                        \
	.iova_to_phys = &pt_iommu_##fmt##_iova_to_phys, \
	.map_pages = &pt_iommu_##fmt##_map_pages,       \
	.unmap_pages = &pt_iommu_##fmt##_unmap_pages

/**
 * IOMMU_PT_DIRTY_OPS() - the page table member of struct iommu_dirty_ops
 * @fmt: the format's name
 *
 * Expands to the initialiser of .read_and_clear_dirty with the function of
 * @fmt. The driver supplies .set_dirty_tracking itself.
 */
#define IOMMU_PT_DIRTY_OPS(fmt) \
	.read_and_clear_dirty = &pt_iommu_##fmt##_read_and_clear_dirty

/**
 * PT_IOMMU_CHECK_DOMAIN() - check that a driver's domain overlays the table's
 * @s: the driver's domain struct
 * @pt_member: the struct pt_iommu_<fmt> member of @s
 * @domain_member: the struct iommu_domain member of @s
 *
 * Fails the build unless pt_iommu::domain of @pt_member and @domain_member
 * are at the same offset, i.e. the union that overlays them is right.
 */
#define PT_IOMMU_CHECK_DOMAIN(s, pt_member, domain_member)                  \
	static_assert(offsetof(s, pt_member.domain) ==                      \
		      offsetof(s, domain_member))

/**
 * struct pt_iommu_amdv1_cfg - AMD IOMMU v1 table configuration
 * @common: generic configuration
 * @starting_level: Level of the first top table (2 is a 3-level table
 *	covering 39 bits). With PT_FEAT_DYNAMIC_TOP the table grows from
 *	there up to hw_max_vasz_lg2.
 */
struct pt_iommu_amdv1_cfg {
	struct pt_iommu_cfg common;
	unsigned int starting_level;
};

/**
 * struct pt_iommu_amdv1_hw_info - values for the device table entry
 * @host_pt_root: Physical address of the top table, with the SME C-bit
 *	when PT_FEAT_AMDV1_ENCRYPT_TABLES is enabled.
 * @mode: DTE Mode field, the number of levels (top level + 1).
 */
struct pt_iommu_amdv1_hw_info {
	u64 host_pt_root;
	u8 mode;
};

IOMMU_FORMAT(amdv1, amdpt);

/**
 * struct pt_iommu_amdv1_mock_cfg - configuration of the iommufd selftest's
 *	amdv1 variant, whose granule is half a CPU page (2KiB with 4KiB pages)
 * @common: generic configuration
 * @starting_level: Level of the first top table, as for amdv1 (2 is a
 *	3-level table, which covers 38 bits with the 2KiB granule).
 */
struct pt_iommu_amdv1_mock_cfg {
	struct pt_iommu_cfg common;
	unsigned int starting_level;
};

/**
 * struct pt_iommu_amdv1_mock_hw_info - the amdv1 values of the variant
 * @host_pt_root: Physical address of the top table.
 * @mode: Number of levels (top level + 1).
 */
struct pt_iommu_amdv1_mock_hw_info {
	u64 host_pt_root;
	u8 mode;
};

IOMMU_FORMAT(amdv1_mock, amdpt);

/**
 * struct pt_iommu_x86_64_cfg - x86 64-bit table configuration
 * @common: generic configuration
 * @top_level: 3 for a 4-level (48 bit) table, 4 for 5 levels (57 bit)
 */
struct pt_iommu_x86_64_cfg {
	struct pt_iommu_cfg common;
	unsigned int top_level;
};

/**
 * struct pt_iommu_x86_64_hw_info - values for the PASID/GCR3 table entry
 * @gcr3_pt: Physical address of the top table, with the SME C-bit when
 *	PT_FEAT_X86_64_AMD_ENCRYPT_TABLES is enabled.
 * @levels: Number of levels, 4 or 5.
 */
struct pt_iommu_x86_64_hw_info {
	u64 gcr3_pt;
	u8 levels;
};

IOMMU_FORMAT(x86_64, x86_64_pt);

/**
 * struct pt_iommu_vtdss_cfg - VT-d second stage table configuration
 * @common: generic configuration
 * @top_level: 2, 3 or 4 for a 3, 4 or 5 level table (39, 48 or 57 bit
 *	input address), one of the widths the hardware's SAGAW supports
 */
struct pt_iommu_vtdss_cfg {
	struct pt_iommu_cfg common;
	unsigned int top_level;
};

/**
 * struct pt_iommu_vtdss_hw_info - values for the context or PASID entry
 * @ssptptr: Physical address of the top table (SLPTPTR in a legacy
 *	context entry, SSPTPTR in a scalable mode PASID entry)
 * @aw: Adjusted guest address width (AGAW) of the table: 1, 2 or 3 for
 *	3, 4 or 5 levels, as the context entry's AW field encodes it
 */
struct pt_iommu_vtdss_hw_info {
	u64 ssptptr;
	u8 aw;
};

IOMMU_FORMAT(vtdss, vtdss_pt);

/**
 * struct pt_iommu_armv8_cfg - ARM VMSAv8-64 table configuration
 * @common: Generic configuration. hw_max_vasz_lg2 is the input address
 *	size of the table (25 to 48 bits, T0SZ/T1SZ = 64 - it) and decides
 *	the number of levels; hw_max_oasz_lg2 is the output address size
 *	the hardware supports, limited to 48 bits (52 with
 *	PT_FEAT_ARMV8_LPA).
 * @granule_lg2sz: Translation granule: 12 (4KiB), 14 (16KiB) or 16 (64KiB).
 */
struct pt_iommu_armv8_cfg {
	struct pt_iommu_cfg common;
	unsigned int granule_lg2sz;
};

/**
 * struct pt_iommu_armv8_hw_info - values for the SMMUv3 CD or STE
 * @ttb: Physical address of the top table (CD.TTB0/TTB1, STE.S2TTB).
 * @tsz: T0SZ/T1SZ (S2T0SZ): 64 minus the input address bits.
 * @tg: The granule in the TG0 (S2TG) encoding: 0 4KiB, 1 64KiB, 2 16KiB.
 *	A TTBR1 table goes in TTB1, whose TG1 field encodes it differently.
 * @ps: IPS (S2PS) encoding of the output address size the table uses:
 *	0 32 bits, 1 36, 2 40, 3 42, 4 44, 5 48, 6 52 (the smallest that
 *	covers it).
 * @sh: Shareability of the table walks: 3 inner shareable, or 2 outer
 *	shareable with PT_FEAT_DMA_INCOHERENT.
 * @irgn: Inner cacheability of the table walks: 1 write-back
 *	write-allocate, or 0 non-cacheable with PT_FEAT_DMA_INCOHERENT.
 * @orgn: Outer cacheability of the table walks, encoded as @irgn.
 * @mair: Stage 1: the MAIR the leaves' AttrIndx refer to (index 0 Normal
 *	non-cacheable, 1 Normal write-back read/write-allocate, 2 Device
 *	nGnRE, 3 Normal inner non-cacheable outer write-back). 0 for stage 2.
 * @sl0: Stage 2: the S2SL0 (VTCR.SL0) encoding of the level the walk
 *	starts at. 0 for stage 1.
 */
struct pt_iommu_armv8_hw_info {
	u64 ttb;
	u8 tsz;
	u8 tg;
	u8 ps;
	u8 sh;
	u8 irgn;
	u8 orgn;
	u64 mair;
	u8 sl0;
};

IOMMU_FORMAT(armv8, armpt);

#endif
