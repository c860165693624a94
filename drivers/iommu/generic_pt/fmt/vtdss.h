/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-d second stage page table format.
 *
 * Intel Virtualization Technology for Directed I/O, Architecture
 * Specification, "Second-Stage Paging Entries":
 *
 *   Every table is 4KiB of 512 8-byte entries; level 0 maps 4KiB pages,
 *   level 1 2MiB, level 2 1GiB, levels 3 and 4 hold only tables. The
 *   table has 3, 4 or 5 levels, which the context or PASID entry gives as
 *   the adjusted guest address width AGAW = levels - 2.
 *
 *     61:52 Ignored  used here as software bits (55:52)
 *     51:12 Address  of the next table or the page
 *     11    SNP      snoop: DMA through this leaf snoops the CPU caches
 *     9     D        dirty, set by the walker on a write when SSADE is on
 *     8     A        accessed, set by the walker when SSADE is on
 *     7     PS       page size: a 2MiB/1GiB leaf at levels 1/2
 *     1     W        write allowed
 *     0     R        read allowed
 *
 * There is no present bit: the walker uses an entry when R or W is set
 * (dma_pte_present() in 6.12), and so does this format, which writes only
 * entries that have one of them. An entry whose low half is zero is
 * therefore empty whatever its high half holds, which the ordered stores
 * of pt_item64_write() on 32 bit kernels rely on. Table entries are R|W and
 * the address: access rights are the intersection over the walk and the
 * leaf decides.
 */
#ifndef __GENERIC_PT_FMT_VTDSS_H
#define __GENERIC_PT_FMT_VTDSS_H

#include "defs_vtdss.h"
#include "../pt_defs.h"

#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/minmax.h>

enum {
	PT_ITEM_WORD_SIZE = sizeof(u64),
	PT_MAX_VA_ADDRESS_LG2 = 57,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52,
	PT_MAX_TOP_LEVEL = 4,
	PT_GRANULE_LG2SZ = 12,
	PT_TABLEMEM_LG2SZ = 12,
};

#define VTDSS_FMT_R BIT_ULL(0)
#define VTDSS_FMT_W BIT_ULL(1)
#define VTDSS_FMT_PS BIT_ULL(7)
#define VTDSS_FMT_A BIT_ULL(8)
#define VTDSS_FMT_D BIT_ULL(9)
#define VTDSS_FMT_SNP BIT_ULL(11)
#define VTDSS_FMT_OA GENMASK_ULL(51, 12)
#define VTDSS_FMT_SW GENMASK_ULL(55, 52)

static inline unsigned int vtdss_pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) * pts->level;
}

#define pt_table_item_lg2sz vtdss_pt_table_item_lg2sz

static inline unsigned int vtdss_pt_num_items_lg2(const struct pt_state *pts)
{
	return PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE);
}

#define pt_num_items_lg2 vtdss_pt_num_items_lg2

/* 4KiB, 2MiB and 1GiB pages; the driver narrows this to what SSLPS allows */
static inline bool vtdss_pt_can_have_leaf(const struct pt_state *pts)
{
	return pts->level <= 2;
}

#define pt_can_have_leaf vtdss_pt_can_have_leaf

static inline u64 vtdss_pt_possible_sizes(const struct pt_state *pts)
{
	if (!vtdss_pt_can_have_leaf(pts))
		return 0;
	return BIT_ULL(vtdss_pt_table_item_lg2sz(pts));
}

#define pt_possible_sizes vtdss_pt_possible_sizes

static inline enum pt_entry_type vtdss_pt_load_entry_raw(struct pt_state *pts)
{
	const u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry;

	entry = READ_ONCE(*tablep);
	pts->entry = entry;
	if (!(entry & (VTDSS_FMT_R | VTDSS_FMT_W)))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 ||
	    (vtdss_pt_can_have_leaf(pts) && (entry & VTDSS_FMT_PS)))
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw vtdss_pt_load_entry_raw

/* No contiguous entries: every leaf is one item */
static inline unsigned int
vtdss_pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	return 0;
}

#define pt_entry_num_contig_lg2 vtdss_pt_entry_num_contig_lg2

static inline pt_oaddr_t vtdss_pt_entry_oa(const struct pt_state *pts)
{
	return pts->entry & VTDSS_FMT_OA;
}

#define pt_entry_oa vtdss_pt_entry_oa

static inline pt_oaddr_t vtdss_pt_table_pa(const struct pt_state *pts)
{
	return pts->entry & VTDSS_FMT_OA;
}

#define pt_table_pa vtdss_pt_table_pa

static inline void vtdss_pt_install_leaf_entry(struct pt_state *pts,
					       pt_oaddr_t oa,
					       unsigned int oasz_lg2,
					       const struct pt_write_attrs *attrs)
{
	u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry = attrs->descriptor_bits | oa;

	if (pts->level != 0)
		entry |= VTDSS_FMT_PS;
	pt_item64_write(tablep, entry);
	pts->entry = entry;
}

#define pt_install_leaf_entry vtdss_pt_install_leaf_entry

static inline bool vtdss_pt_install_table(struct pt_state *pts,
					  pt_oaddr_t table_pa,
					  const struct pt_write_attrs *attrs)
{
	return pt_table_install64(pts, VTDSS_FMT_R | VTDSS_FMT_W | table_pa);
}

#define pt_install_table vtdss_pt_install_table

static inline void vtdss_pt_attr_from_entry(const struct pt_state *pts,
					    struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry &
				 (VTDSS_FMT_R | VTDSS_FMT_W | VTDSS_FMT_SNP);
}

#define pt_attr_from_entry vtdss_pt_attr_from_entry

/*
 * Dirty tracking: with SSADE enabled in the PASID entry the walker sets D
 * on a write through a leaf, atomically against our updates.
 */
static inline bool vtdss_pt_dirty_supported(const struct pt_common *common)
{
	return true;
}

#define pt_dirty_supported vtdss_pt_dirty_supported

static inline bool vtdss_pt_is_write_dirty(const struct pt_state *pts)
{
	return READ_ONCE(pt_cur_table(pts, u64)[pts->index]) & VTDSS_FMT_D;
}

#define pt_is_write_dirty vtdss_pt_is_write_dirty

static inline void vtdss_pt_make_write_clean(struct pt_state *pts)
{
	pt_item64_clear_bits(pt_cur_table(pts, u64) + pts->index, VTDSS_FMT_D);
}

#define pt_make_write_clean vtdss_pt_make_write_clean

static inline bool vtdss_pt_make_write_dirty(struct pt_state *pts)
{
	return pt_item64_set_bits_if(pt_cur_table(pts, u64) + pts->index,
				     VTDSS_FMT_D, VTDSS_FMT_W);
}

#define pt_make_write_dirty vtdss_pt_make_write_dirty

static inline u64 vtdss_pt_sw_bit(unsigned int bitnr)
{
	return BIT_ULL(__bf_shf(VTDSS_FMT_SW) + bitnr);
}

#define pt_sw_bit vtdss_pt_sw_bit

static inline unsigned int vtdss_pt_max_sw_bit(const struct pt_common *common)
{
	return hweight64(VTDSS_FMT_SW) - 1;
}

#define pt_max_sw_bit vtdss_pt_max_sw_bit

/* --- IOMMU glue --- */
#ifdef __GENERIC_PT_IOMMU_GLUE
#include <linux/generic_pt/iommu.h>

/* Name of struct pt_vtdss in struct pt_iommu_vtdss */
#define PT_IOMMU_MEMBER vtdss_pt

static inline int vtdss_pt_iommu_set_prot(struct pt_common *common,
					  struct pt_write_attrs *attrs,
					  unsigned int iommu_prot)
{
	u64 pte = 0;

	/* ERRATA_772415_SPR17: no read-only leaf below a nested translation */
	if (pt_feature(common, PT_FEAT_VTDSS_FORCE_WRITEABLE) &&
	    !(iommu_prot & IOMMU_WRITE))
		return -EINVAL;

	/*
	 * A and D start clear, so that dirty tracking sees the first write.
	 * IOMMU_CACHE is not encoded: the second stage snoops or not as the
	 * request asks unless SNP forces it, which is a property of the whole
	 * domain (enforce_cache_coherency), not of one mapping.
	 */
	if (iommu_prot & IOMMU_READ)
		pte |= VTDSS_FMT_R;
	if (iommu_prot & IOMMU_WRITE)
		pte |= VTDSS_FMT_W;
	if (pt_feature(common, PT_FEAT_VTDSS_FORCE_COHERENCE))
		pte |= VTDSS_FMT_SNP;
	attrs->descriptor_bits = pte;
	return 0;
}

#define pt_iommu_set_prot vtdss_pt_iommu_set_prot

static inline int vtdss_pt_iommu_fmt_init(struct pt_iommu_vtdss *iommu_table,
					  const struct pt_iommu_vtdss_cfg *cfg)
{
	struct pt_vtdss *table = &iommu_table->vtdss_pt;
	unsigned int top_vasz_lg2;

	if (cfg->top_level < 2 || cfg->top_level > PT_MAX_TOP_LEVEL)
		return -EINVAL;
	top_vasz_lg2 = PT_GRANULE_LG2SZ + 9 * (cfg->top_level + 1);
	table->common.max_vasz_lg2 = min_t(unsigned int,
					   table->common.max_vasz_lg2,
					   top_vasz_lg2);
	table->common.top_of_table = cfg->top_level;
	return 0;
}

#define pt_iommu_fmt_init vtdss_pt_iommu_fmt_init

static inline void
vtdss_pt_iommu_fmt_hw_info(struct pt_iommu_vtdss *table,
			   const struct pt_range *top_range,
			   struct pt_iommu_vtdss_hw_info *info)
{
	info->ssptptr = virt_to_phys(top_range->top_table);
	/* AGAW 1, 2, 3: 3, 4, 5 levels */
	info->aw = top_range->top_level - 1;
}

#define pt_iommu_fmt_hw_info vtdss_pt_iommu_fmt_hw_info
#endif

#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST) && defined(GENERIC_PT_KUNIT)
/* Configurations every KUnit suite runs with */
static const struct pt_iommu_vtdss_cfg vtdss_kunit_fmt_cfgs[] = {
	/* Legacy mode, 3 and 4 levels */
	[0] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE),
		.top_level = 2 },
	[1] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
		.top_level = 3 },
	/* Snoop forced, on an incoherent walker, 5 levels */
	[2] = { .common.features = BIT(PT_FEAT_VTDSS_FORCE_COHERENCE) |
				   BIT(PT_FEAT_DMA_INCOHERENT),
		.top_level = 4 },
	/* The parent of a nested translation */
	[3] = { .common.features = BIT(PT_FEAT_VTDSS_FORCE_WRITEABLE) |
				   BIT(PT_FEAT_FLUSH_RANGE),
		.top_level = 3 },
};

#define kunit_fmt_cfgs vtdss_kunit_fmt_cfgs

/* The protections init() accepts but set_prot() refuses */
static inline bool vtdss_kunit_prot_refused(const struct pt_common *common,
					    unsigned int iommu_prot)
{
	return pt_feature(common, PT_FEAT_VTDSS_FORCE_WRITEABLE) &&
	       !(iommu_prot & IOMMU_WRITE);
}

#define kunit_fmt_prot_refused vtdss_kunit_prot_refused
#endif

#endif
