/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The io-pgtable-arm code of Linux 6.12 (ARM_64_LPAE_S1 and _S2,
 * drivers/iommu/io-pgtable-arm.c) as the legacy side of the armv8 pair:
 * the hooks kunit_diff.h describes, over several configurations.
 *
 * The 6.12 table is set up as the SMMUv3 driver sets it up: a coherent
 * walk, a struct device for the allocations, TLB callbacks (which have
 * nothing to invalidate here), and the page sizes of the granule. It is
 * reached through a struct iommu_domain whose ops call the io-pgtable ops,
 * as arm_smmu_map_pages() and friends do.
 *
 * Intended differences in the leaves, see kdiff_legacy_leaf():
 *  - the contiguous hint: genpt sets it on aligned runs of 16, 32 or 128
 *    items that map one physically contiguous range, 6.12 never does and
 *    writes the same items one by one. genpt's extra page sizes are the
 *    sizes of those runs (KDIFF_GENPT_ONLY_SIZES).
 *  - PT_FEAT_ARMV8_DBM: genpt writes a writable leaf "writable clean"
 *    (DBM and AP[2]) so that dirty tracking sees the first write; 6.12's
 *    IO_PGTABLE_QUIRK_ARM_HD writes it "writable dirty" (DBM alone).
 * Intended difference in unmap: 6.12 splits a block to unmap part of it
 * (arm_lpae_split_blk_unmap()), genpt removes nothing less than a whole
 * leaf; the suite unmaps whole pages (KDIFF_LEGACY_SPLITS_BLOCKS).
 * Not compared: TTBR1 tables (the suite's IOVAs start at 0), and stage 2
 * input sizes where 6.12 walks one level more than it needs (the armv8
 * format documents them).
 */
#ifndef __GENERIC_PT_FMT_LEGACY_ARM_H
#define __GENERIC_PT_FMT_LEGACY_ARM_H

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>

#define KDIFF_LEGACY_NAME "io-pgtable-arm"

#define KDIFF_LEGACY_SPLITS_BLOCKS 1

/* Table entries are compared but for the address (bits 15:12 with LPA) */
#define KDIFF_TABLE_ADDR ARMV8PT_FMT_OA

/* One configuration of both tables */
struct kdiff_arm_cfg {
	enum io_pgtable_fmt fmt;
	unsigned int granule_lg2sz;
	unsigned int ias;
	unsigned int oas;
	bool hd;
};

static const struct kdiff_arm_cfg kdiff_arm_cfgs[] = {
	{ ARM_64_LPAE_S1, 12, 48, 48 },
	/* a partial top table of 64 items */
	{ ARM_64_LPAE_S1, 12, 36, 40 },
	{ ARM_64_LPAE_S1, 12, 48, 48, .hd = true },
	/* two concatenated top tables */
	{ ARM_64_LPAE_S2, 12, 40, 40 },
	{ ARM_64_LPAE_S2, 12, 48, 48 },
	{ ARM_64_LPAE_S1, 14, 48, 48 },
	{ ARM_64_LPAE_S2, 14, 48, 48 },
	/* 52 bit output addresses (bits 51:48 in descriptor bits 15:12) */
	{ ARM_64_LPAE_S1, 16, 48, 52 },
	{ ARM_64_LPAE_S2, 16, 48, 48 },
};

static inline void kdiff_arm_cfg_desc(const struct kdiff_arm_cfg *cfg, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %uK ias %u oas %u%s",
		 cfg->fmt == ARM_64_LPAE_S2 ? "S2" : "S1",
		 1U << (cfg->granule_lg2sz - 10), cfg->ias, cfg->oas,
		 cfg->hd ? " HD" : "");
}

/* The differential suite (KDIFF_NAME) runs every configuration */
#ifdef KDIFF_NAME
KUNIT_ARRAY_PARAM(kdiff_arm_cfgs, kdiff_arm_cfgs, kdiff_arm_cfg_desc);
#define kdiff_legacy_gen_params kdiff_arm_cfgs_gen_params
#endif

struct kdiff_arm {
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
	enum io_pgtable_fmt fmt;
	unsigned int granule_lg2sz;
	struct iommu_domain domain;
	struct iommu_domain_ops domain_ops;
};

#define kdiff_legacy kdiff_arm

/* 6.12 only invalidates from these, and there is no TLB here */
static void kdiff_arm_tlb_flush_all(void *cookie)
{
}

static void kdiff_arm_tlb_flush_walk(unsigned long iova, size_t size,
				     size_t granule, void *cookie)
{
}

static void kdiff_arm_tlb_add_page(struct iommu_iotlb_gather *gather,
				   unsigned long iova, size_t granule,
				   void *cookie)
{
}

static const struct iommu_flush_ops kdiff_arm_flush_ops = {
	.tlb_flush_all = kdiff_arm_tlb_flush_all,
	.tlb_flush_walk = kdiff_arm_tlb_flush_walk,
	.tlb_add_page = kdiff_arm_tlb_add_page,
};

static struct io_pgtable_ops *kdiff_arm_ops(struct iommu_domain *domain)
{
	return container_of(domain, struct kdiff_arm, domain)->ops;
}

static int kdiff_arm_map_pages(struct iommu_domain *domain,
			       unsigned long iova, phys_addr_t paddr,
			       size_t pgsize, size_t pgcount, int prot,
			       gfp_t gfp, size_t *mapped)
{
	struct io_pgtable_ops *ops = kdiff_arm_ops(domain);

	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, gfp,
			      mapped);
}

static size_t kdiff_arm_unmap_pages(struct iommu_domain *domain,
				    unsigned long iova, size_t pgsize,
				    size_t pgcount,
				    struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = kdiff_arm_ops(domain);

	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

static phys_addr_t kdiff_arm_iova_to_phys(struct iommu_domain *domain,
					  dma_addr_t iova)
{
	struct io_pgtable_ops *ops = kdiff_arm_ops(domain);

	return ops->iova_to_phys(ops, iova);
}

static void kdiff_arm_iotlb_sync(struct iommu_domain *domain,
				 struct iommu_iotlb_gather *gather)
{
}

static struct iommu_domain *kdiff_legacy_init(struct kunit *test,
					      struct kdiff_arm *arm,
					      struct pt_iommu_armv8_cfg *cfg)
{
	const struct kdiff_arm_cfg *param = &kdiff_arm_cfgs[0];
	unsigned long granule;
	struct device *dev;
	bool s2;

	/* The benchmark uses the first configuration */
#ifdef KDIFF_NAME
	param = test->param_value;
#endif
	s2 = param->fmt == ARM_64_LPAE_S2;
	granule = 1UL << param->granule_lg2sz;

	dev = kunit_device_register(test, "genpt-diff-arm");
	if (IS_ERR(dev))
		return NULL;

	/* All the granule allows; 6.12 adds 4TiB blocks above 48 bit OAs */
	arm->cfg = (struct io_pgtable_cfg){
		.pgsize_bitmap = granule |
				 (1UL << (2 * param->granule_lg2sz - 3)) |
				 (param->oas > 48 ? 1UL << 42 : 0),
		.ias = param->ias,
		.oas = param->oas,
		.coherent_walk = true,
		.tlb = &kdiff_arm_flush_ops,
		.iommu_dev = dev,
	};
	if (param->granule_lg2sz == 12)
		arm->cfg.pgsize_bitmap |= SZ_1G;
	if (param->hd)
		arm->cfg.quirks |= IO_PGTABLE_QUIRK_ARM_HD;
	arm->fmt = param->fmt;
	arm->granule_lg2sz = param->granule_lg2sz;
	arm->ops = alloc_io_pgtable_ops(param->fmt, &arm->cfg, arm);
	if (!arm->ops)
		return NULL;

	arm->domain_ops = (struct iommu_domain_ops){
		.map_pages = kdiff_arm_map_pages,
		.unmap_pages = kdiff_arm_unmap_pages,
		.iova_to_phys = kdiff_arm_iova_to_phys,
		.iotlb_sync = kdiff_arm_iotlb_sync,
	};
	arm->domain.ops = &arm->domain_ops;
	arm->domain.type = IOMMU_DOMAIN_UNMANAGED;
	arm->domain.pgsize_bitmap = arm->cfg.pgsize_bitmap;

	cfg->granule_lg2sz = param->granule_lg2sz;
	cfg->common.hw_max_vasz_lg2 = param->ias;
	cfg->common.hw_max_oasz_lg2 = param->oas;
	cfg->common.features = BIT(PT_FEAT_FLUSH_RANGE);
	if (s2)
		cfg->common.features |= BIT(PT_FEAT_ARMV8_S2);
	if (param->hd)
		cfg->common.features |= BIT(PT_FEAT_ARMV8_DBM);
	if (param->oas > 48)
		cfg->common.features |= BIT(PT_FEAT_ARMV8_LPA);
	return &arm->domain;
}

static void kdiff_legacy_free(struct kdiff_arm *arm)
{
	free_io_pgtable_ops(arm->ops);
	arm->ops = NULL;
}

/*
 * The top table from the TTBR/VTTBR 6.12 computed, and its level from
 * T0SZ (stage 1) or VTCR.SL0 (stage 2), in genpt's numbering.
 */
static inline u64 *kdiff_legacy_top(struct kdiff_arm *arm, unsigned int *level)
{
	unsigned int g = arm->granule_lg2sz;

	if (arm->fmt == ARM_64_LPAE_S2) {
		unsigned int start = ~arm->cfg.arm_lpae_s2_cfg.vtcr.sl & 3;

		if (g == 12)
			start--;
		*level = 3 - start;
		return phys_to_virt(arm->cfg.arm_lpae_s2_cfg.vttbr);
	}
	*level = DIV_ROUND_UP(64 - arm->cfg.arm_lpae_s1_cfg.tcr.tsz - g,
			      g - 3) - 1;
	return phys_to_virt(arm->cfg.arm_lpae_s1_cfg.ttbr);
}

/*
 * As iopte_leaf() and iopte_to_paddr() read an entry: a page at the last
 * level, a block elsewhere, or a table; with the 64KiB granule the address
 * bits 51:48 are in bits 15:12.
 */
static inline enum pt_entry_type
kdiff_legacy_load(struct kdiff_arm *arm, u64 entry, unsigned int level,
		  u64 **lower)
{
	u64 pa = entry & ARMV8PT_FMT_OA;

	if (!entry)
		return PT_ENTRY_EMPTY;
	if (level == 0 || (entry & ARMV8PT_FMT_TYPE) == ARMV8PT_FMT_TYPE_BLOCK)
		return PT_ENTRY_OA;
	if ((entry & ARMV8PT_FMT_TYPE) != ARMV8PT_FMT_TYPE_TABLE)
		return PT_ENTRY_EMPTY;
	if (arm->granule_lg2sz == 16)
		pa = (pa | (pa << (48 - 12))) & (ARMV8PT_FMT_OA << 4);
	*lower = phys_to_virt(pa);
	return PT_ENTRY_TABLE;
}

/* The leaf 6.12 writes where genpt wrote @entry, see the top of the file */
static inline u64 kdiff_legacy_leaf(struct kdiff_arm *arm, u64 entry)
{
	entry &= ~ARMV8PT_FMT_CONT;
	if (arm->cfg.quirks & IO_PGTABLE_QUIRK_ARM_HD &&
	    entry & ARMV8PT_FMT_DBM)
		entry &= ~ARMV8PT_FMT_AP_RDONLY;
	return entry;
}

/* Contiguous runs: every size genpt has besides the items of a level */
static inline unsigned long kdiff_arm_contig_sizes(struct pt_common *common)
{
	struct pt_range range = pt_make_range(common, 0, 0);
	struct pt_state pts = { .range = &range };
	u64 sizes = 0;

	for (pts.level = 0; pts.level <= range.top_level; pts.level++)
		sizes |= pt_possible_sizes(&pts) &
			 ~BIT_ULL(pt_table_item_lg2sz(&pts));
	return sizes;
}

#define KDIFF_GENPT_ONLY_SIZES(common) kdiff_arm_contig_sizes(common)

/*
 * What genpt's hw_info says the SMMU is to be programmed with is what
 * 6.12 computed for the CD (TCR, MAIR) or the STE (VTCR).
 */
static inline void kdiff_arm_check_hw_info(struct kunit *test,
					   struct kdiff_arm *arm,
					   struct pt_iommu_armv8 *table)
{
	struct pt_iommu_armv8_hw_info info;

	pt_iommu_armv8_hw_info(table, &info);
	if (arm->fmt == ARM_64_LPAE_S2) {
		typeof(arm->cfg.arm_lpae_s2_cfg.vtcr) *vtcr =
			&arm->cfg.arm_lpae_s2_cfg.vtcr;

		KUNIT_EXPECT_EQ(test, (u32)info.tsz, (u32)vtcr->tsz);
		KUNIT_EXPECT_EQ(test, (u32)info.tg, (u32)vtcr->tg);
		KUNIT_EXPECT_EQ(test, (u32)info.ps, (u32)vtcr->ps);
		KUNIT_EXPECT_EQ(test, (u32)info.sh, (u32)vtcr->sh);
		KUNIT_EXPECT_EQ(test, (u32)info.irgn, (u32)vtcr->irgn);
		KUNIT_EXPECT_EQ(test, (u32)info.orgn, (u32)vtcr->orgn);
		KUNIT_EXPECT_EQ(test, (u32)info.sl0, (u32)vtcr->sl);
	} else {
		typeof(arm->cfg.arm_lpae_s1_cfg.tcr) *tcr =
			&arm->cfg.arm_lpae_s1_cfg.tcr;

		KUNIT_EXPECT_EQ(test, (u32)info.tsz, (u32)tcr->tsz);
		KUNIT_EXPECT_EQ(test, (u32)info.tg, (u32)tcr->tg);
		KUNIT_EXPECT_EQ(test, (u32)info.ps, (u32)tcr->ips);
		KUNIT_EXPECT_EQ(test, (u32)info.sh, (u32)tcr->sh);
		KUNIT_EXPECT_EQ(test, (u32)info.irgn, (u32)tcr->irgn);
		KUNIT_EXPECT_EQ(test, (u32)info.orgn, (u32)tcr->orgn);
		/*
		 * 6.12 builds its MAIR in int arithmetic: attribute 3 (0xf4)
		 * sign extends into attributes 4..7, which no leaf uses.
		 */
		KUNIT_EXPECT_EQ(test, info.mair,
				arm->cfg.arm_lpae_s1_cfg.mair & U32_MAX);
		KUNIT_EXPECT_EQ(test, info.mair >> 32, 0);
	}
}

#define KDIFF_CHECK_HW_INFO(test, pair) \
	kdiff_arm_check_hw_info(test, &(pair)->legacy, &(pair)->fmt_table)

#endif
