// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the x86 64-bit page table format.
 */
#define PT_FMT x86_64
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"

/*
 * Known answers: the leaves the two 6.12 users of this layout wrote, so
 * that both drivers keep their tables bit for bit where it matters. From
 * drivers/iommu/intel/iommu.c __domain_mapping() (first stage) and
 * drivers/iommu/amd/io_pgtable_v2.c set_pte_attr():
 *
 *   VT-d first stage: P | US | A, RW and D with IOMMU_WRITE, PS above 4KiB
 *   AMD v2:           P | US | A | D, RW with IOMMU_WRITE, PS above 4KiB
 *
 * neither ever sets XD (IOMMU_NOEXEC is ignored). genpt writes the VT-d
 * leaf; it differs from AMD v2 in D of read-only leaves only, which the
 * IOMMU never writes through.
 */
#define X86_64_6_12_P BIT_ULL(0)
#define X86_64_6_12_RW BIT_ULL(1)
#define X86_64_6_12_US BIT_ULL(2)
#define X86_64_6_12_A BIT_ULL(5)
#define X86_64_6_12_D BIT_ULL(6)
#define X86_64_6_12_PS BIT_ULL(7)

static u64 x86_64_6_12_leaf(const struct pt_common *common,
			    unsigned int level, unsigned int prot,
			    pt_oaddr_t oa)
{
	u64 pte = X86_64_6_12_P | X86_64_6_12_US | X86_64_6_12_A | oa;

	if (prot & IOMMU_WRITE)
		pte |= X86_64_6_12_RW | X86_64_6_12_D;
	if (level)
		pte |= X86_64_6_12_PS;
	if (pt_feature(common, PT_FEAT_X86_64_AMD_ENCRYPT_TABLES) &&
	    !(prot & IOMMU_MMIO))
		pte = __sme_set(pte);
	return pte;
}

/* Every leaf, for every protection, at every level with leaves */
static void x86_64_6_12_test_leaf(struct kunit *test)
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

			if (!prot)
				continue;
			attrs = kfmt_attrs(test, common, prot);

			kfmt_zero_table(&pts);
			pts.index = 0;
			pt_install_leaf_entry(&pts, oa, pgsz_lg2, &attrs);
			KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(&pts, 0),
					    x86_64_6_12_leaf(common, level,
							     prot, oa),
					    "level %u prot %#x", level, prot);
			checked++;
		}
	}
	KUNIT_EXPECT_GT(test, checked, 0);
}

/* Table entries grant everything (P | RW | US) with A preset, as 6.12 */
static void x86_64_6_12_test_table(struct kunit *test)
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
		u64 expected = X86_64_6_12_P | X86_64_6_12_RW |
			       X86_64_6_12_US | X86_64_6_12_A | child_pa;

		if (pt_feature(common, PT_FEAT_X86_64_AMD_ENCRYPT_TABLES))
			expected = __sme_set(expected);
		kfmt_load(&pts, 0);
		KUNIT_ASSERT_TRUE(test,
				  pt_install_table(&pts, child_pa, &attrs));
		KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(&pts, 0), expected,
				    "level %u", level);
	}
}

static struct kunit_case x86_64_6_12_test_cases[] = {
	KUNIT_CASE_PARAM(x86_64_6_12_test_leaf, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(x86_64_6_12_test_table, kfmt_cfgs_gen_params),
	{}
};

static struct kunit_suite x86_64_6_12_suite = {
	.name = "x86_64_6_12_bits",
	.test_cases = x86_64_6_12_test_cases,
};

kunit_test_suites(&x86_64_6_12_suite);
