// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the Intel VT-d second stage page table format.
 */
#define PT_FMT vtdss
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"

#if IS_ENABLED(CONFIG_X86)
/*
 * The entries this format writes, checked against the definitions the
 * 6.12 VT-d driver programs its second stage tables with, and decoded by
 * that driver's own helpers. The header is x86 only.
 */
#include "../../intel/iommu.h"

static u64 vtdss_intel_expected_leaf(const struct pt_common *common,
				     unsigned int level, unsigned int prot,
				     pt_oaddr_t oa)
{
	u64 pte = oa;

	if (prot & IOMMU_READ)
		pte |= DMA_PTE_READ;
	if (prot & IOMMU_WRITE)
		pte |= DMA_PTE_WRITE;
	if (pt_feature(common, PT_FEAT_VTDSS_FORCE_COHERENCE))
		pte |= DMA_PTE_SNP;
	if (level)
		pte |= DMA_PTE_LARGE_PAGE;
	return pte;
}

/* Every leaf, for every protection, at every level with leaves */
static void vtdss_intel_test_leaf(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	unsigned int level, combo, checked = 0;

	for (level = 0; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		unsigned int pgsz_lg2 = pt_table_item_lg2sz(&pts);
		pt_oaddr_t oa = kfmt_highest_oa(common, pgsz_lg2);

		if (!pt_can_have_leaf(&pts))
			continue;
		for (combo = 0; combo != KFMT_NUM_PROT_COMBOS; combo++) {
			unsigned int prot = kfmt_prot_combo(combo);
			struct pt_write_attrs attrs;
			struct dma_pte *pte;

			if (!prot || kunit_fmt_prot_refused(common, prot))
				continue;
			attrs = kfmt_attrs(test, common, prot);

			kfmt_zero_table(&pts);
			pts.index = 0;
			pt_install_leaf_entry(&pts, oa, pgsz_lg2, &attrs);
			pte = pt_cur_table(&pts, struct dma_pte);
			KUNIT_ASSERT_EQ_MSG(test, pte->val,
					    vtdss_intel_expected_leaf(common,
								      level,
								      prot, oa),
					    "level %u prot %#x", level, prot);
			KUNIT_ASSERT_TRUE(test, dma_pte_present(pte));
			KUNIT_ASSERT_EQ(test, dma_pte_addr(pte), oa);
			KUNIT_ASSERT_EQ(test, dma_pte_superpage(pte),
					level != 0);
			KUNIT_ASSERT_FALSE(test, dma_pte_present(pte + 1));
			checked++;
		}
	}
	KUNIT_EXPECT_GT(test, checked, 0);
}

/* Table entries: read and write, so the leaf alone decides */
static void vtdss_intel_test_table(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	unsigned int level;

	for (level = 1; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		struct pt_state child = kfmt_scratch(test, &range, level - 1);
		pt_oaddr_t child_pa = virt_to_phys(child.table);
		struct pt_write_attrs attrs =
			kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
		struct dma_pte *pte = pt_cur_table(&pts, struct dma_pte);

		kfmt_load(&pts, 0);
		KUNIT_ASSERT_TRUE(test,
				  pt_install_table(&pts, child_pa, &attrs));
		KUNIT_ASSERT_EQ_MSG(test, pte->val,
				    DMA_PTE_READ | DMA_PTE_WRITE | child_pa,
				    "level %u", level);
		KUNIT_ASSERT_TRUE(test, dma_pte_present(pte));
		KUNIT_ASSERT_FALSE(test, dma_pte_superpage(pte));
		KUNIT_ASSERT_EQ(test, dma_pte_addr(pte), child_pa);
	}
}

/* The D bit the walker sets is the one read_and_clear_dirty tests */
static void vtdss_intel_test_dirty(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_state pts = kfmt_scratch(test, &range, 0);
	struct pt_write_attrs attrs =
		kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
	struct dma_pte *pte = pt_cur_table(&pts, struct dma_pte);
	u64 clean;

	kfmt_zero_table(&pts);
	pts.index = 0;
	pt_install_leaf_entry(&pts, SZ_2M, PT_GRANULE_LG2SZ, &attrs);
	clean = pte->val;
	KUNIT_ASSERT_FALSE(test, clean & DMA_SL_PTE_DIRTY);

	/* As the walker would */
	pte->val |= DMA_SL_PTE_DIRTY;
	KUNIT_EXPECT_TRUE(test, pt_is_write_dirty(&pts));
	pt_make_write_clean(&pts);
	KUNIT_EXPECT_EQ(test, pte->val, clean);

	KUNIT_ASSERT_TRUE(test, pt_make_write_dirty(&pts));
	KUNIT_EXPECT_TRUE(test,
			  dma_sl_pte_test_and_clear_dirty(pte,
							  IOMMU_DIRTY_NO_CLEAR));
	KUNIT_EXPECT_TRUE(test, dma_sl_pte_test_and_clear_dirty(pte, 0));
	KUNIT_EXPECT_FALSE(test, pt_is_write_dirty(&pts));
	KUNIT_EXPECT_EQ(test, pte->val, clean);
}

/* hw_info's AGAW names the table's levels and width as the driver does */
static void vtdss_intel_test_hw_info(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_iommu_vtdss *table =
		container_of(common, struct pt_iommu_vtdss, vtdss_pt.common);
	struct pt_range range = kfmt_make_range(common);
	struct pt_iommu_vtdss_hw_info info;

	pt_iommu_vtdss_hw_info(table, &info);
	KUNIT_EXPECT_EQ(test, agaw_to_level(info.aw), range.top_level + 1);
	KUNIT_EXPECT_EQ(test, agaw_to_width(info.aw), common->max_vasz_lg2);
	KUNIT_EXPECT_EQ(test, info.ssptptr, (u64)virt_to_phys(range.top_table));
}

static struct kunit_case vtdss_intel_test_cases[] = {
	KUNIT_CASE_PARAM(vtdss_intel_test_leaf, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(vtdss_intel_test_table, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(vtdss_intel_test_dirty, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(vtdss_intel_test_hw_info, kfmt_cfgs_gen_params),
	{}
};

static struct kunit_suite vtdss_intel_suite = {
	.name = "vtdss_intel_bits",
	.test_cases = vtdss_intel_test_cases,
};

kunit_test_suites(&vtdss_intel_suite);
#endif
