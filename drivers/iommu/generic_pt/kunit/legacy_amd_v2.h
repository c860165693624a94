/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD_IOMMU_V2 io-pgtable of Linux 6.12
 * (drivers/iommu/amd/io_pgtable_v2.c) as the legacy side of the x86_64 pair:
 * the hooks kunit_diff.h describes.
 *
 * genpt is configured as AMD v2 uses the layout: no sign extension (PASID 0
 * only uses the lower half), as many levels as 6.12 (amd_iommu_gpt_level,
 * read back from the input address size 6.12 reports), and
 * PT_FEAT_X86_64_AMD_ENCRYPT_TABLES (6.12 sets the SME C-bit in every leaf
 * and table entry; under QEMU the mask is 0).
 *
 * Intended difference in the leaves, see kdiff_legacy_leaf(): D in
 * read-only leaves.
 */
#ifndef __GENERIC_PT_FMT_LEGACY_AMD_V2_H
#define __GENERIC_PT_FMT_LEGACY_AMD_V2_H

#include "legacy_amd.h"

#define KDIFF_LEGACY_NAME "AMD_IOMMU_V2"

/* Table entries are compared but for the address of the next table */
#define KDIFF_TABLE_ADDR PM_ADDR_MASK

/* Bits of io_pgtable_v2.c, which keeps its definitions to itself */
#define KDIFF_V2_DIRTY BIT_ULL(6)
#define KDIFF_V2_PSE BIT_ULL(7)

#define kdiff_legacy kdiff_amd

static struct iommu_domain *kdiff_legacy_init(struct kunit *test,
					      struct kdiff_amd *amd,
					      struct pt_iommu_x86_64_cfg *cfg)
{
	struct iommu_domain *domain;

	domain = kdiff_amd_init(test, amd, AMD_IOMMU_V2);
	if (!domain)
		return NULL;
	cfg->common.features = BIT(PT_FEAT_FLUSH_RANGE) |
			       BIT(PT_FEAT_X86_64_AMD_ENCRYPT_TABLES);
	cfg->common.hw_max_vasz_lg2 = amd->pdom.iop.pgtbl.cfg.ias;
	cfg->common.hw_max_oasz_lg2 = amd->pdom.iop.pgtbl.cfg.oas;
	/* v2_alloc_pgtable(): 57 bits with 5 levels, else 4 levels */
	cfg->top_level = amd->pdom.iop.pgtbl.cfg.ias == 57 ? 4 : 3;
	return domain;
}

#define kdiff_legacy_free kdiff_amd_free

static inline u64 *kdiff_legacy_top(struct kdiff_amd *amd,
				    unsigned int *level)
{
	*level = amd->pdom.iop.pgtbl.cfg.ias == 57 ? 4 : 3;
	return amd->pdom.iop.pgd;
}

/* As fetch_pte() reads an entry: present, then PSE above level 0 a leaf */
static inline enum pt_entry_type kdiff_legacy_load(struct kdiff_amd *amd,
						   u64 entry, unsigned int level,
						   u64 **lower)
{
	if (!IOMMU_PTE_PRESENT(entry))
		return PT_ENTRY_EMPTY;
	if (level == 0 || (entry & KDIFF_V2_PSE))
		return PT_ENTRY_OA;
	*lower = iommu_phys_to_virt(entry & PM_ADDR_MASK);
	return PT_ENTRY_TABLE;
}

/*
 * set_pte_attr() sets A and D in every leaf it writes. genpt sets D only
 * in writable leaves, as 6.12's VT-d first stage did: the IOMMU never
 * writes through a read-only leaf, so its D says nothing. Every other bit
 * is identical.
 */
static inline u64 kdiff_legacy_leaf(struct kdiff_amd *amd, u64 entry)
{
	return entry | KDIFF_V2_DIRTY;
}

#endif
