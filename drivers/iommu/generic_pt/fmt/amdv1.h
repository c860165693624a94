/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD IOMMU v1 host page table format.
 *
 * AMD I/O Virtualization Technology (IOMMU) Specification, pub. 48882,
 * section 2.2.3 "I/O Page Tables for Host Translations":
 *
 *   Every table is 4KiB of 512 8-byte entries. Levels here are numbered
 *   from 0 (4KiB items) to 5 (2^57 byte items); the specification numbers
 *   them from 1 and calls the number of levels the DTE "Mode".
 *
 *   Page directory entry (PDE), points to the table one level down:
 *     63    Ignored
 *     62    IW          write permission (all levels are checked)
 *     61    IR          read permission
 *     60:52 Ignored     bits 55:52 are used here as software bits
 *     51:12 Address     of the next table
 *     11:9  NextLevel   level of the next table, 1..6 in spec numbering
 *     8:1   Ignored / A
 *     0     PR          present
 *
 *   Page table entry (PTE), a leaf:
 *     62    IW, 61 IR
 *     60    FC          force coherent
 *     51:12 Address     of the page
 *     11:9  NextLevel   0: a page of this level's item size
 *                       7: a page whose size is encoded in Address: the
 *                          bits above bit 11 are one up to the first
 *                          zero at bit (size_lg2 - 1). The entry is
 *                          replicated in every item the page spans.
 *     6     D           dirty, set by the IOMMU on a write
 *     0     PR
 *
 * With SME the C-bit (sme_me_mask) is part of Address.
 *
 * The iommufd selftest's variant (amdv1_mock.h, defines AMDV1PT_MOCK) keeps
 * this layout with a granule of half a CPU page, 2KiB with 4KiB pages, so
 * that the mock domain tests a granule below PAGE_SIZE. Its address field
 * holds an address shifted left by AMDV1PT_OA_SHIFT (the bits from the
 * granule up start at bit 12), so output addresses end one bit lower, and
 * it has no SME and no 512GiB erratum: nothing but the CPU walks it.
 */
#ifndef __GENERIC_PT_FMT_AMDV1_H
#define __GENERIC_PT_FMT_AMDV1_H

#include "defs_amdv1.h"
#include "../pt_defs.h"
#include "sme.h"

#include <asm/page.h>
#include <linux/bitfield.h>
#include <linux/container_of.h>
#include <linux/mem_encrypt.h>
#include <linux/minmax.h>
#include <linux/sizes.h>

enum {
	PT_ITEM_WORD_SIZE = sizeof(u64),
	PT_MAX_VA_ADDRESS_LG2 = 64,
	PT_MAX_TOP_LEVEL = 5,
#ifdef AMDV1PT_MOCK
	PT_GRANULE_LG2SZ = PAGE_SHIFT - 1,
#else
	PT_GRANULE_LG2SZ = 12,
#endif
	PT_TABLEMEM_LG2SZ = 12,
	/* Address bits below bit 12 that are stored from bit 12 up */
	AMDV1PT_OA_SHIFT = PT_GRANULE_LG2SZ < 12 ? 12 - PT_GRANULE_LG2SZ : 0,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52 - AMDV1PT_OA_SHIFT,
};

/* Address of the top table as the DTE holds it */
#define PT_TOP_PHYS_MASK GENMASK_ULL(51, 12)

#define AMDV1PT_FMT_PR BIT_ULL(0)
#define AMDV1PT_FMT_D BIT_ULL(6)
#define AMDV1PT_FMT_NEXT_LEVEL GENMASK_ULL(11, 9)
#define AMDV1PT_FMT_OA GENMASK_ULL(51, 12)
#define AMDV1PT_FMT_SW GENMASK_ULL(55, 52)
#define AMDV1PT_FMT_FC BIT_ULL(60)
#define AMDV1PT_FMT_IR BIT_ULL(61)
#define AMDV1PT_FMT_IW BIT_ULL(62)

/* NextLevel values of a leaf */
enum {
	AMDV1PT_FMT_NL_DEFAULT = 0,
	AMDV1PT_FMT_NL_SIZE = 7,
};

/* Largest page: the OA field ends at bit 51 */
#define AMDV1PT_MAX_PAGE_LG2 (51 - AMDV1PT_OA_SHIFT)

#ifdef AMDV1PT_MOCK
#define AMDV1PT_EXCLUDED_SIZES 0
#define amdv1pt_clr_c_bit(entry) (entry)
#define amdv1pt_c_bit() 0ULL
#else
/*
 * 512GiB pages (a natural level 3 leaf) are not used: several AMD IOMMUs
 * mistranslate them (the 6.12 driver excludes them for the same reason).
 */
#define AMDV1PT_EXCLUDED_SIZES BIT_ULL(39)
#define amdv1pt_clr_c_bit(entry) __sme_clr(entry)
#define amdv1pt_c_bit() __sme_set(0ULL)
#endif

/* The address field of an entry from an address, and back */
static inline u64 amdv1pt_oa_to_field(pt_oaddr_t oa)
{
	return (u64)oa << AMDV1PT_OA_SHIFT;
}

static inline pt_oaddr_t amdv1pt_field_to_oa(u64 entry)
{
	return amdv1pt_clr_c_bit(entry & AMDV1PT_FMT_OA) >> AMDV1PT_OA_SHIFT;
}

static inline unsigned int amdv1pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ + (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) *
					  pts->level;
}

#define pt_table_item_lg2sz amdv1pt_table_item_lg2sz

static inline unsigned int amdv1pt_num_items_lg2(const struct pt_state *pts)
{
	return PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE);
}

#define pt_num_items_lg2 amdv1pt_num_items_lg2

static inline bool amdv1pt_can_have_leaf(const struct pt_state *pts)
{
	return amdv1pt_table_item_lg2sz(pts) <= AMDV1PT_MAX_PAGE_LG2;
}

#define pt_can_have_leaf amdv1pt_can_have_leaf

/* Leaf sizes at a level: the item size up to 256 items (NextLevel 7) */
static inline u64 amdv1pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = amdv1pt_table_item_lg2sz(pts);
	u64 sizes;

	if (!amdv1pt_can_have_leaf(pts))
		return 0;
	sizes = GENMASK_ULL(min(isz_lg2 + amdv1pt_num_items_lg2(pts) - 1,
				AMDV1PT_MAX_PAGE_LG2),
			    isz_lg2);
	return sizes & ~AMDV1PT_EXCLUDED_SIZES;
}

#define pt_possible_sizes amdv1pt_possible_sizes

/* The SME C-bit is in the address field but is no address bit */
static inline unsigned int amdv1pt_max_oa_lg2(const struct pt_common *common)
{
	if (amdv1pt_c_bit())
		return pt_sme_max_oa_lg2(PT_MAX_OUTPUT_ADDRESS_LG2);
	return PT_MAX_OUTPUT_ADDRESS_LG2;
}

#define pt_max_oa_lg2 amdv1pt_max_oa_lg2

static inline enum pt_entry_type amdv1pt_load_entry_raw(struct pt_state *pts)
{
	const u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	unsigned int next_level;
	u64 entry;

	entry = READ_ONCE(*tablep);
	pts->entry = entry;
	if (!(entry & AMDV1PT_FMT_PR))
		return PT_ENTRY_EMPTY;
	next_level = FIELD_GET(AMDV1PT_FMT_NEXT_LEVEL, entry);
	if (pts->level == 0 || next_level == AMDV1PT_FMT_NL_DEFAULT ||
	    next_level == AMDV1PT_FMT_NL_SIZE)
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw amdv1pt_load_entry_raw

/* log2 of the size of the leaf in pts->entry */
static inline unsigned int amdv1pt_entry_oa_lg2sz(const struct pt_state *pts)
{
	if (FIELD_GET(AMDV1PT_FMT_NEXT_LEVEL, pts->entry) !=
	    AMDV1PT_FMT_NL_SIZE)
		return amdv1pt_table_item_lg2sz(pts);
	/* The C-bit is above any size the encoding can express here */
	return log2_ffz(pts->entry | log2_to_max_int(12)) + 1 -
	       AMDV1PT_OA_SHIFT;
}

static inline unsigned int amdv1pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	return amdv1pt_entry_oa_lg2sz(pts) - amdv1pt_table_item_lg2sz(pts);
}

#define pt_entry_num_contig_lg2 amdv1pt_entry_num_contig_lg2

static inline pt_oaddr_t amdv1pt_entry_oa(const struct pt_state *pts)
{
	return log2_set_mod(amdv1pt_field_to_oa(pts->entry), 0,
			    amdv1pt_entry_oa_lg2sz(pts));
}

#define pt_entry_oa amdv1pt_entry_oa

static inline pt_oaddr_t amdv1pt_table_pa(const struct pt_state *pts)
{
	return amdv1pt_field_to_oa(pts->entry);
}

#define pt_table_pa amdv1pt_table_pa

static inline void amdv1pt_install_leaf_entry(struct pt_state *pts,
					      pt_oaddr_t oa,
					      unsigned int oasz_lg2,
					      const struct pt_write_attrs *attrs)
{
	unsigned int isz_lg2 = amdv1pt_table_item_lg2sz(pts);
	u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry = AMDV1PT_FMT_PR | attrs->descriptor_bits;
	unsigned int i;

	if (oasz_lg2 == isz_lg2) {
		entry |= FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL,
				    AMDV1PT_FMT_NL_DEFAULT) |
			 amdv1pt_oa_to_field(oa);
		pt_item64_write(tablep, entry);
	} else {
		/*
		 * Address bits from the granule to oasz_lg2 - 2 one, bit
		 * oasz_lg2 - 1 clear
		 */
		entry |= FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL,
				    AMDV1PT_FMT_NL_SIZE) |
			 (amdv1pt_oa_to_field(oa |
					      log2_to_max_int(oasz_lg2 - 1)) &
			  AMDV1PT_FMT_OA);
		for (i = 0; i != log2_to_int(oasz_lg2 - isz_lg2); i++)
			pt_item64_write(&tablep[i], entry);
	}
	pts->entry = entry;
}

#define pt_install_leaf_entry amdv1pt_install_leaf_entry

static inline bool amdv1pt_install_table(struct pt_state *pts,
					 pt_oaddr_t table_pa,
					 const struct pt_write_attrs *attrs)
{
	u64 entry;

	if (pts_feature(pts, PT_FEAT_AMDV1_ENCRYPT_TABLES))
		table_pa = __sme_set(table_pa);
	/*
	 * IR and IW are checked at every level, so a table entry grants both
	 * and the leaf decides.
	 */
	entry = AMDV1PT_FMT_PR | AMDV1PT_FMT_IR | AMDV1PT_FMT_IW |
		FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL, pts->level) |
		amdv1pt_oa_to_field(table_pa);
	return pt_table_install64(pts, entry);
}

#define pt_install_table amdv1pt_install_table

static inline void amdv1pt_attr_from_entry(const struct pt_state *pts,
					   struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits =
		pts->entry & (AMDV1PT_FMT_IR | AMDV1PT_FMT_IW |
			      AMDV1PT_FMT_FC | amdv1pt_c_bit());
}

#define pt_attr_from_entry amdv1pt_attr_from_entry

/* Dirty tracking: the IOMMU sets D on whichever item it walked through */
static inline bool amdv1pt_dirty_supported(const struct pt_common *common)
{
	return true;
}

#define pt_dirty_supported amdv1pt_dirty_supported

static inline bool amdv1pt_is_write_dirty(const struct pt_state *pts)
{
	unsigned int num_contig_lg2 = amdv1pt_entry_num_contig_lg2(pts);
	const u64 *tablep = pt_cur_table(pts, u64) +
			    log2_set_mod(pts->index, 0, num_contig_lg2);
	unsigned int i;

	for (i = 0; i != log2_to_int(num_contig_lg2); i++)
		if (READ_ONCE(tablep[i]) & AMDV1PT_FMT_D)
			return true;
	return false;
}

#define pt_is_write_dirty amdv1pt_is_write_dirty

static inline void amdv1pt_make_write_clean(struct pt_state *pts)
{
	unsigned int num_contig_lg2 = amdv1pt_entry_num_contig_lg2(pts);
	u64 *tablep = pt_cur_table(pts, u64) +
		      log2_set_mod(pts->index, 0, num_contig_lg2);
	unsigned int i;

	/* The IOMMU may set D in any item of the entry */
	for (i = 0; i != log2_to_int(num_contig_lg2); i++)
		pt_item64_clear_bits(&tablep[i], AMDV1PT_FMT_D);
}

#define pt_make_write_clean amdv1pt_make_write_clean

static inline bool amdv1pt_make_write_dirty(struct pt_state *pts)
{
	return pt_item64_set_bits_if(pt_cur_table(pts, u64) + pts->index,
				     AMDV1PT_FMT_D, AMDV1PT_FMT_IW);
}

#define pt_make_write_dirty amdv1pt_make_write_dirty

static inline u64 amdv1pt_sw_bit(unsigned int bitnr)
{
	return BIT_ULL(__bf_shf(AMDV1PT_FMT_SW) + bitnr);
}

#define pt_sw_bit amdv1pt_sw_bit

static inline unsigned int amdv1pt_max_sw_bit(const struct pt_common *common)
{
	return hweight64(AMDV1PT_FMT_SW) - 1;
}

#define pt_max_sw_bit amdv1pt_max_sw_bit

/* --- IOMMU glue --- */
#ifdef __GENERIC_PT_IOMMU_GLUE
#include <linux/generic_pt/iommu.h>

/* Name of struct pt_amdv1 in struct pt_iommu_amdv1 */
#define PT_IOMMU_MEMBER amdpt

/* struct pt_iommu_amdv1, or struct pt_iommu_amdv1_mock, and its types */
#define amdv1pt_iommu CONCATENATE(pt_iommu_, PT_FMT)
#define amdv1pt_iommu_cfg CONCATENATE(amdv1pt_iommu, _cfg)
#define amdv1pt_iommu_hw_info CONCATENATE(amdv1pt_iommu, _hw_info)

static inline int amdv1pt_iommu_set_prot(struct pt_common *common,
					 struct pt_write_attrs *attrs,
					 unsigned int iommu_prot)
{
	u64 pte = 0;

	if (pt_feature(common, PT_FEAT_AMDV1_FORCE_COHERENCE))
		pte |= AMDV1PT_FMT_FC;
	if (iommu_prot & IOMMU_READ)
		pte |= AMDV1PT_FMT_IR;
	if (iommu_prot & IOMMU_WRITE)
		pte |= AMDV1PT_FMT_IW;
	/* MMIO (MSI doorbells) is never encrypted memory */
	if (pt_feature(common, PT_FEAT_AMDV1_ENCRYPT_TABLES) &&
	    !(iommu_prot & IOMMU_MMIO))
		pte |= __sme_set(0);
	attrs->descriptor_bits = pte;
	return 0;
}

#define pt_iommu_set_prot amdv1pt_iommu_set_prot

static inline int amdv1pt_iommu_fmt_init(struct amdv1pt_iommu *iommu_table,
					 const struct amdv1pt_iommu_cfg *cfg)
{
	struct pt_common *common = &iommu_table->amdpt.common;
	unsigned int top_vasz_lg2;

	if (cfg->starting_level > PT_MAX_TOP_LEVEL)
		return -EINVAL;

	/*
	 * Each level resolves 9 bits above the granule. A fixed top limits
	 * the VA space to what it covers; a dynamic one grows up to the
	 * hardware limit.
	 */
	top_vasz_lg2 = min(PT_GRANULE_LG2SZ + 9 * (cfg->starting_level + 1),
			   PT_MAX_VA_ADDRESS_LG2);
	if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
		common->max_vasz_lg2 = min(common->max_vasz_lg2, top_vasz_lg2);
	common->top_of_table = cfg->starting_level;
	return 0;
}

#define pt_iommu_fmt_init amdv1pt_iommu_fmt_init

static inline void
amdv1pt_iommu_fmt_hw_info(struct amdv1pt_iommu *table,
			  const struct pt_range *top_range,
			  struct amdv1pt_iommu_hw_info *info)
{
	phys_addr_t top_pa = virt_to_phys(top_range->top_table);

	if (pt_feature(top_range->common, PT_FEAT_AMDV1_ENCRYPT_TABLES))
		top_pa = __sme_set(top_pa);
	info->host_pt_root = top_pa;
	info->mode = top_range->top_level + 1;
}

#define pt_iommu_fmt_hw_info amdv1pt_iommu_fmt_hw_info
#endif

#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST) && defined(GENERIC_PT_KUNIT)
#ifdef AMDV1PT_MOCK
/* Configurations every KUnit suite runs the selftest variant with */
static const struct pt_iommu_amdv1_mock_cfg amdv1_kunit_fmt_cfgs[] = {
	/* as the iommufd selftest's mock domain: a fixed 3-level table */
	[0] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE),
		.starting_level = 2 },
	/* one level that grows on demand */
	[1] = { .common.features = BIT(PT_FEAT_DYNAMIC_TOP) |
				   BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
		.starting_level = 0 },
	/* every level, full 64 bit */
	[2] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE) |
				   BIT(PT_FEAT_AMDV1_FORCE_COHERENCE),
		.starting_level = 5 },
};
#else
/* Configurations every KUnit suite runs with */
static const struct pt_iommu_amdv1_cfg amdv1_kunit_fmt_cfgs[] = {
	/* as the AMD driver: 3 levels that grow on demand */
	[0] = { .common.features = BIT(PT_FEAT_DYNAMIC_TOP) |
				   BIT(PT_FEAT_FLUSH_RANGE),
		.starting_level = 2 },
	/* a fixed 4-level, 48 bit table */
	[1] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE),
		.starting_level = 3 },
	/* every level, full 64 bit */
	[2] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
		.starting_level = 5 },
	/* the bits a virtualised, coherent AMD IOMMU driver sets */
	[3] = { .common.features = BIT(PT_FEAT_DYNAMIC_TOP) |
				   BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) |
				   BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) |
				   BIT(PT_FEAT_AMDV1_ENCRYPT_TABLES),
		.starting_level = 2 },
	/* incoherent walker, written back through the DMA API/clflush */
	[4] = { .common.features = BIT(PT_FEAT_DMA_INCOHERENT) |
				   BIT(PT_FEAT_DYNAMIC_TOP),
		.starting_level = 0 },
};
#endif

#define kunit_fmt_cfgs amdv1_kunit_fmt_cfgs
#endif

#endif
