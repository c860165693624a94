/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD_IOMMU_V1 io-pgtable of Linux 6.12
 * (drivers/iommu/amd/io_pgtable.c) as the legacy side of the amdv1 pair:
 * the hooks kunit_diff.h describes.
 *
 * genpt is configured as a converted AMD driver would configure it, to
 * match what 6.12 always does: PT_FEAT_DYNAMIC_TOP from a 3-level table,
 * PT_FEAT_AMDV1_FORCE_COHERENCE (6.12 sets FC in every leaf) and
 * PT_FEAT_AMDV1_ENCRYPT_TABLES (6.12 sets the SME C-bit in every leaf and
 * table entry; under QEMU the mask is 0 and this compares nothing). With
 * that, the leaves are bit-identical: no difference is masked.
 */
#ifndef __GENERIC_PT_FMT_LEGACY_AMD_V1_H
#define __GENERIC_PT_FMT_LEGACY_AMD_V1_H

#include "legacy_amd.h"

#define KDIFF_LEGACY_NAME "AMD_IOMMU_V1"

/* Table entries are compared but for the address of the next table */
#define KDIFF_TABLE_ADDR PM_ADDR_MASK

#define kdiff_legacy kdiff_amd

static struct iommu_domain *kdiff_legacy_init(struct kunit *test,
					      struct kdiff_amd *amd,
					      struct pt_iommu_amdv1_cfg *cfg)
{
	struct iommu_domain *domain;

	domain = kdiff_amd_init(test, amd, AMD_IOMMU_V1);
	if (!domain)
		return NULL;
	cfg->common.features = BIT(PT_FEAT_DYNAMIC_TOP) |
			       BIT(PT_FEAT_FLUSH_RANGE) |
			       BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) |
			       BIT(PT_FEAT_AMDV1_ENCRYPT_TABLES);
	cfg->common.hw_max_vasz_lg2 = amd->pdom.iop.pgtbl.cfg.ias;
	cfg->common.hw_max_oasz_lg2 = amd->pdom.iop.pgtbl.cfg.oas;
	/* v1_alloc_pgtable() starts with PAGE_MODE_3_LEVEL */
	cfg->starting_level = amd->pdom.iop.mode - 1;
	return domain;
}

#define kdiff_legacy_free kdiff_amd_free

/* The top is root, at level mode - 1; it grows under the domain lock */
static inline u64 *kdiff_legacy_top(struct kdiff_amd *amd,
				    unsigned int *level)
{
	*level = amd->pdom.iop.mode - 1;
	return amd->pdom.iop.root;
}

/*
 * As fetch_pte() and free_pt_lvl() read an entry: PR, then NextLevel 0 or
 * 7 is a leaf, any other is a table of that level.
 */
static inline enum pt_entry_type kdiff_legacy_load(struct kdiff_amd *amd,
						   u64 entry, unsigned int level,
						   u64 **lower)
{
	if (!IOMMU_PTE_PRESENT(entry))
		return PT_ENTRY_EMPTY;
	if (level == 0 || PM_PTE_LEVEL(entry) == PAGE_MODE_NONE ||
	    PM_PTE_LEVEL(entry) == PAGE_MODE_7_LEVEL)
		return PT_ENTRY_OA;
	*lower = IOMMU_PTE_PAGE(entry);
	return PT_ENTRY_TABLE;
}

/* No intended difference in the leaves */
static inline u64 kdiff_legacy_leaf(struct kdiff_amd *amd, u64 entry)
{
	return entry;
}

#endif
