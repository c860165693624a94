/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ARM VMSAv8-64 (LPAE) page table format, stage 1 and stage 2, as walked by
 * the ARM SMMUv3.
 *
 * Arm Architecture Reference Manual for A-profile (DDI 0487), D8.3
 * "Translation table descriptor formats":
 *
 *   A table is 2^(g - 3) 8-byte descriptors, g the granule: 512 (4KiB),
 *   2048 (16KiB) or 8192 (64KiB). Levels here are numbered from 0, ARM's
 *   level 3 (pages), up to at most 3, ARM's level 0. The top table may be
 *   partial (fewer items, when the input address size is not a whole
 *   number of levels) or, at stage 2, up to 16 concatenated tables.
 *
 *   Table descriptor (levels 1 and up):
 *     63:59 table attributes   unused, 0
 *     58:55 ignored            used here as software bits
 *     47:g  next level table address
 *     15:12 address bits 51:48 (64KiB granule with FEAT_LPA)
 *     1:0   0b11
 *
 *   Block (levels 1 and 2 with 4KiB, level 1 with 16KiB and 64KiB, and the
 *   4TiB level 2 block of 64KiB with FEAT_LPA) and page (level 0)
 *   descriptors:
 *     58:55 software use
 *     54    S1 UXN/XN, S2 XN[1]
 *     53    S1 PXN,    S2 XN[0]
 *     52    Contiguous: one of an aligned run of items that map one
 *                       physically contiguous, identically attributed
 *                       range, which the TLB may cache as one entry
 *     51    DBM        dirty bit modifier: AP[2]/S2AP[1] is a dirty bit
 *     47:s  output address, s the size of the block or page
 *     15:12 output address bits 51:48 (64KiB granule with FEAT_LPA)
 *     11    S1 nG      not global: tagged with the ASID
 *     10    AF         access flag
 *     9:8   SH         shareability: 2 outer, 3 inner shareable
 *     7     S1 AP[2]   read-only;     S2 S2AP[1] write
 *     6     S1 AP[1]   unprivileged;  S2 S2AP[0] read
 *     5:2   S1 4:2 AttrIndx (MAIR index), 5 NS; S2 MemAttr
 *     1:0   0b11 page (level 0), 0b01 block
 *
 * Contiguous runs (DDI 0487, "The Contiguous bit"): 16 items with 4KiB;
 * with 16KiB 128 at level 0 and 32 at level 1; 32 with 64KiB at levels 0
 * and 1. The 4TiB blocks are never written as runs.
 *
 * Not used: blocks that need FEAT_LPA2 (4KiB level 3, 16KiB level 2), 52
 * bit input addresses (FEAT_LVA), and the hierarchical table attributes.
 */
#ifndef __GENERIC_PT_FMT_ARMV8_H
#define __GENERIC_PT_FMT_ARMV8_H

#include "defs_armv8.h"
#include "../pt_defs.h"

#include <asm/page.h>
#include <linux/bitfield.h>
#include <linux/container_of.h>
#include <linux/minmax.h>

enum {
	PT_ITEM_WORD_SIZE = sizeof(u64),
	PT_MAX_VA_ADDRESS_LG2 = 48,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52,
	PT_MAX_TOP_LEVEL = 3,
};

/* The smallest input address space: T0SZ is at most 39 without FEAT_TTST */
#define ARMV8PT_MIN_VA_LG2 25
/* Output addresses without FEAT_LPA */
#define ARMV8PT_MAX_OA_NO_LPA_LG2 48
/* Stage 2 may start the walk with up to 2^4 concatenated tables */
#define ARMV8PT_S2_MAX_CONCAT_LG2 4

/* Descriptor type, bits 1:0 */
#define ARMV8PT_FMT_VALID BIT_ULL(0)
#define ARMV8PT_FMT_TYPE GENMASK_ULL(1, 0)
#define ARMV8PT_FMT_TYPE_BLOCK 1
#define ARMV8PT_FMT_TYPE_TABLE 3
#define ARMV8PT_FMT_TYPE_PAGE 3

/* Stage 1 leaf attributes */
#define ARMV8PT_FMT_ATTRINDX GENMASK_ULL(4, 2)
#define ARMV8PT_FMT_AP_UNPRIV BIT_ULL(6)
#define ARMV8PT_FMT_AP_RDONLY BIT_ULL(7)
#define ARMV8PT_FMT_NG BIT_ULL(11)
#define ARMV8PT_FMT_PXN BIT_ULL(53)
#define ARMV8PT_FMT_UXN BIT_ULL(54)

/* Stage 2 leaf attributes */
#define ARMV8PT_FMT_MEMATTR GENMASK_ULL(5, 2)
#define ARMV8PT_FMT_S2AP_R BIT_ULL(6)
#define ARMV8PT_FMT_S2AP_W BIT_ULL(7)
#define ARMV8PT_FMT_S2XN GENMASK_ULL(54, 53)

/* Leaf attributes of both stages */
#define ARMV8PT_FMT_SH GENMASK_ULL(9, 8)
#define ARMV8PT_FMT_AF BIT_ULL(10)
#define ARMV8PT_FMT_DBM BIT_ULL(51)
#define ARMV8PT_FMT_CONT BIT_ULL(52)

/* Addresses and software bits, in table and leaf descriptors */
#define ARMV8PT_FMT_OA_51_48 GENMASK_ULL(15, 12)
#define ARMV8PT_FMT_OA GENMASK_ULL(47, 12)
#define ARMV8PT_FMT_SW GENMASK_ULL(58, 55)

/* What pt_attr_from_entry() keeps: every leaf attribute but the hint */
#define ARMV8PT_FMT_ATTRS                                          \
	(GENMASK_ULL(11, 2) | ARMV8PT_FMT_DBM | ARMV8PT_FMT_PXN | \
	 ARMV8PT_FMT_UXN)

/* SH values */
#define ARMV8PT_SH_OS 2
#define ARMV8PT_SH_IS 3

/*
 * Stage 1 memory types, the MAIR layout of io-pgtable-arm so that SMMUv3
 * context descriptors keep their meaning: AttrIndx selects a MAIR byte.
 */
#define ARMV8PT_MAIR_IDX_NC 0
#define ARMV8PT_MAIR_IDX_CACHE 1
#define ARMV8PT_MAIR_IDX_DEV 2
#define ARMV8PT_MAIR_IDX_INC_OCACHE 3
#define ARMV8PT_MAIR_ATTR_NC 0x44ULL
#define ARMV8PT_MAIR_ATTR_WBRWA 0xffULL
#define ARMV8PT_MAIR_ATTR_DEVICE 0x04ULL
#define ARMV8PT_MAIR_ATTR_INC_OWBRWA 0xf4ULL
#define ARMV8PT_MAIR                                                    \
	(ARMV8PT_MAIR_ATTR_NC << (8 * ARMV8PT_MAIR_IDX_NC) |            \
	 ARMV8PT_MAIR_ATTR_WBRWA << (8 * ARMV8PT_MAIR_IDX_CACHE) |      \
	 ARMV8PT_MAIR_ATTR_DEVICE << (8 * ARMV8PT_MAIR_IDX_DEV) |       \
	 ARMV8PT_MAIR_ATTR_INC_OWBRWA << (8 * ARMV8PT_MAIR_IDX_INC_OCACHE))

/*
 * Stage 2 MemAttr: Device nGnRE, Normal non-cacheable, Normal inner and
 * outer write-back; with FEAT_S2FWB Normal forced write-back. Device and
 * non-cacheable encode the same either way.
 */
#define ARMV8PT_MEMATTR_DEV 0x1
#define ARMV8PT_MEMATTR_NC 0x5
#define ARMV8PT_MEMATTR_OIWB 0xf
#define ARMV8PT_MEMATTR_FWB_WB 0x6

/* Granules, as log2 of their size */
enum {
	ARMV8PT_GRANULE_4K = 12,
	ARMV8PT_GRANULE_16K = 14,
	ARMV8PT_GRANULE_64K = 16,
};

static inline unsigned int armv8pt_granule_lg2sz(const struct pt_common *common)
{
	return container_of_const(common, struct pt_armv8, common)
		->granule_lg2sz;
}

/* Index bits each level resolves: a table is one granule of 8-byte items */
static inline unsigned int armv8pt_level_bits(const struct pt_common *common)
{
	return armv8pt_granule_lg2sz(common) - ilog2(PT_ITEM_WORD_SIZE);
}

static inline unsigned int
armv8pt_level_item_lg2sz(const struct pt_common *common, unsigned int level)
{
	return armv8pt_granule_lg2sz(common) +
	       armv8pt_level_bits(common) * level;
}

static inline unsigned int armv8pt_table_item_lg2sz(const struct pt_state *pts)
{
	return armv8pt_level_item_lg2sz(pts->range->common, pts->level);
}

#define pt_table_item_lg2sz armv8pt_table_item_lg2sz

/*
 * Every table but the top is one granule. The top covers exactly the input
 * address space: fewer items than a granule holds (a partial top), or at
 * stage 2 more (concatenated tables, which are contiguous in memory and
 * indexed as one table).
 */
static inline unsigned int armv8pt_num_items_lg2(const struct pt_state *pts)
{
	const struct pt_common *common = pts->range->common;

	if (pts->level == pts->range->top_level)
		return common->max_vasz_lg2 - armv8pt_table_item_lg2sz(pts);
	return armv8pt_level_bits(common);
}

#define pt_num_items_lg2 armv8pt_num_items_lg2

static inline bool armv8pt_can_have_leaf(const struct pt_state *pts)
{
	const struct pt_common *common = pts->range->common;

	if (pts->level == 0)
		return true;
	switch (armv8pt_granule_lg2sz(common)) {
	case ARMV8PT_GRANULE_4K:
		return pts->level <= 2;
	case ARMV8PT_GRANULE_64K:
		/* The 4TiB block at ARM level 1 is a FEAT_LPA descriptor */
		return pts->level == 1 ||
		       (pts->level == 2 && pt_feature(common, PT_FEAT_ARMV8_LPA));
	default:
		return pts->level == 1;
	}
}

#define pt_can_have_leaf armv8pt_can_have_leaf

/* log2 of the items of a contiguous run at the level of pts */
static inline unsigned int armv8pt_contig_lg2(const struct pt_state *pts)
{
	switch (armv8pt_granule_lg2sz(pts->range->common)) {
	case ARMV8PT_GRANULE_4K:
		return 4;
	case ARMV8PT_GRANULE_16K:
		return pts->level == 0 ? 7 : 5;
	default:
		return 5;
	}
}

/* The block or page of the level, and a contiguous run of them */
static inline u64 armv8pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = armv8pt_table_item_lg2sz(pts);
	unsigned int contig_lg2 = armv8pt_contig_lg2(pts);
	u64 sizes;

	if (!armv8pt_can_have_leaf(pts))
		return 0;
	sizes = BIT_ULL(isz_lg2);
	/* No runs of 4TiB blocks: only the levels above have a run length */
	if (pts->level == 2 &&
	    armv8pt_granule_lg2sz(pts->range->common) == ARMV8PT_GRANULE_64K)
		return sizes;
	/* A partial top may be smaller than a run */
	if (armv8pt_num_items_lg2(pts) >= contig_lg2)
		sizes |= BIT_ULL(isz_lg2 + contig_lg2);
	return sizes;
}

#define pt_possible_sizes armv8pt_possible_sizes

static inline unsigned int armv8pt_max_oa_lg2(const struct pt_common *common)
{
	if (pt_feature(common, PT_FEAT_ARMV8_LPA))
		return PT_MAX_OUTPUT_ADDRESS_LG2;
	return ARMV8PT_MAX_OA_NO_LPA_LG2;
}

#define pt_max_oa_lg2 armv8pt_max_oa_lg2

/* A TTBR1 table translates the addresses with every bit above VA set */
static inline pt_vaddr_t armv8pt_full_va_prefix(const struct pt_common *common)
{
	if (pt_feature(common, PT_FEAT_ARMV8_TTBR1))
		return U64_MAX;
	return 0;
}

#define pt_full_va_prefix armv8pt_full_va_prefix

/*
 * The address field of a table or leaf descriptor. @oa is aligned to at
 * least the granule; with FEAT_LPA (64KiB granule only) its bits 51:48 go
 * to descriptor bits 15:12, which the alignment leaves free.
 */
static inline u64 armv8pt_oa_to_desc(const struct pt_common *common,
				     pt_oaddr_t oa)
{
	u64 desc = oa & ARMV8PT_FMT_OA;

	if (pt_feature(common, PT_FEAT_ARMV8_LPA))
		desc |= FIELD_PREP(ARMV8PT_FMT_OA_51_48, oa >> 48);
	return desc;
}

static inline pt_oaddr_t armv8pt_desc_to_oa(const struct pt_common *common,
					    u64 desc)
{
	pt_oaddr_t oa = log2_set_mod(desc & ARMV8PT_FMT_OA, 0,
				     armv8pt_granule_lg2sz(common));

	if (pt_feature(common, PT_FEAT_ARMV8_LPA))
		oa |= (pt_oaddr_t)FIELD_GET(ARMV8PT_FMT_OA_51_48, desc) << 48;
	return oa;
}

static inline enum pt_entry_type armv8pt_load_entry_raw(struct pt_state *pts)
{
	const u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry;

	entry = READ_ONCE(*tablep);
	pts->entry = entry;
	if (!(entry & ARMV8PT_FMT_VALID))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 ||
	    FIELD_GET(ARMV8PT_FMT_TYPE, entry) == ARMV8PT_FMT_TYPE_BLOCK)
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw armv8pt_load_entry_raw

static inline unsigned int
armv8pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	if (pts->entry & ARMV8PT_FMT_CONT)
		return armv8pt_contig_lg2(pts);
	return 0;
}

#define pt_entry_num_contig_lg2 armv8pt_entry_num_contig_lg2

/*
 * Each item of a contiguous run holds its own output address: the core
 * derives the run's (pt_entry_oa() in pt_fmt_defaults.h).
 */
static inline pt_oaddr_t armv8pt_item_oa(const struct pt_state *pts)
{
	return armv8pt_desc_to_oa(pts->range->common, pts->entry);
}

#define pt_item_oa armv8pt_item_oa

static inline pt_oaddr_t armv8pt_table_pa(const struct pt_state *pts)
{
	return armv8pt_desc_to_oa(pts->range->common, pts->entry);
}

#define pt_table_pa armv8pt_table_pa

/*
 * Write a block or page, or a contiguous run of them when @oasz_lg2 is
 * larger than the item. The items of a run are all empty beforehand and
 * nothing uses the range until map returns, so their order does not
 * matter: a walker that sees part of the run sees consistent items.
 */
static inline void armv8pt_install_leaf_entry(struct pt_state *pts,
					      pt_oaddr_t oa,
					      unsigned int oasz_lg2,
					      const struct pt_write_attrs *attrs)
{
	const struct pt_common *common = pts->range->common;
	unsigned int isz_lg2 = armv8pt_table_item_lg2sz(pts);
	u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry = attrs->descriptor_bits;
	unsigned int i;

	if (pts->level == 0)
		entry |= FIELD_PREP(ARMV8PT_FMT_TYPE, ARMV8PT_FMT_TYPE_PAGE);
	else
		entry |= FIELD_PREP(ARMV8PT_FMT_TYPE, ARMV8PT_FMT_TYPE_BLOCK);
	if (oasz_lg2 != isz_lg2)
		entry |= ARMV8PT_FMT_CONT;

	for (i = 0; i != log2_to_int(oasz_lg2 - isz_lg2); i++) {
		pt_oaddr_t item_oa = oa + log2_mul(i, isz_lg2);

		pt_item64_write(&tablep[i],
				entry | armv8pt_oa_to_desc(common, item_oa));
	}
	pts->entry = entry | armv8pt_oa_to_desc(common, oa);
}

#define pt_install_leaf_entry armv8pt_install_leaf_entry

/*
 * A table descriptor is only the address and the type: the hierarchical
 * attributes (APTable, XNTable, ...) stay 0 so the leaf alone decides.
 */
static inline bool armv8pt_install_table(struct pt_state *pts,
					 pt_oaddr_t table_pa,
					 const struct pt_write_attrs *attrs)
{
	return pt_table_install64(pts,
				  armv8pt_oa_to_desc(pts->range->common,
						     table_pa) |
					  FIELD_PREP(ARMV8PT_FMT_TYPE,
						     ARMV8PT_FMT_TYPE_TABLE));
}

#define pt_install_table armv8pt_install_table

/*
 * The attributes of a leaf, in its clean state: a dirty DBM leaf is
 * returned writable-clean, as pt_iommu_set_prot() makes them.
 */
static inline void armv8pt_attr_from_entry(const struct pt_state *pts,
					   struct pt_write_attrs *attrs)
{
	u64 bits = pts->entry & ARMV8PT_FMT_ATTRS;

	if (bits & ARMV8PT_FMT_DBM)
		bits |= ARMV8PT_FMT_AP_RDONLY;
	attrs->descriptor_bits = bits;
}

#define pt_attr_from_entry armv8pt_attr_from_entry

/*
 * Dirty tracking with DBM ("Hardware management of the dirty state",
 * FEAT_HAFDBS): a writable leaf is written DBM | AP[2] (writable-clean),
 * and the walker clears AP[2] with an atomic update on the first write
 * through it (writable-dirty). For a contiguous run it updates only the
 * item it walked, so every item is checked and cleaned.
 */
static inline bool armv8pt_dirty_supported(const struct pt_common *common)
{
	return pt_feature(common, PT_FEAT_ARMV8_DBM);
}

#define pt_dirty_supported armv8pt_dirty_supported

static inline bool armv8pt_item_write_dirty(u64 entry)
{
	return (entry & (ARMV8PT_FMT_DBM | ARMV8PT_FMT_AP_RDONLY)) ==
	       ARMV8PT_FMT_DBM;
}

static inline bool armv8pt_is_write_dirty(const struct pt_state *pts)
{
	unsigned int num_contig_lg2 = armv8pt_entry_num_contig_lg2(pts);
	const u64 *tablep = pt_cur_table(pts, u64) +
			    log2_set_mod(pts->index, 0, num_contig_lg2);
	unsigned int i;

	for (i = 0; i != log2_to_int(num_contig_lg2); i++)
		if (armv8pt_item_write_dirty(READ_ONCE(tablep[i])))
			return true;
	return false;
}

#define pt_is_write_dirty armv8pt_is_write_dirty

static inline void armv8pt_make_write_clean(struct pt_state *pts)
{
	unsigned int num_contig_lg2 = armv8pt_entry_num_contig_lg2(pts);
	u64 *tablep = pt_cur_table(pts, u64) +
		      log2_set_mod(pts->index, 0, num_contig_lg2);
	unsigned int i;

	/* The walker may clear AP[2] concurrently: set it atomically */
	for (i = 0; i != log2_to_int(num_contig_lg2); i++) {
		u64 old = READ_ONCE(tablep[i]);

		while (armv8pt_item_write_dirty(old) &&
		       !try_cmpxchg64(&tablep[i], &old,
				      old | ARMV8PT_FMT_AP_RDONLY))
			;
	}
}

#define pt_make_write_clean armv8pt_make_write_clean

/* What the walker does on a write: only a DBM leaf can become dirty */
static inline bool armv8pt_make_write_dirty(struct pt_state *pts)
{
	u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 old = READ_ONCE(*tablep);

	if (!(old & ARMV8PT_FMT_DBM))
		return false;
	while (!try_cmpxchg64(tablep, &old, old & ~ARMV8PT_FMT_AP_RDONLY))
		;
	return true;
}

#define pt_make_write_dirty armv8pt_make_write_dirty

static inline u64 armv8pt_sw_bit(unsigned int bitnr)
{
	return BIT_ULL(__bf_shf(ARMV8PT_FMT_SW) + bitnr);
}

#define pt_sw_bit armv8pt_sw_bit

static inline unsigned int armv8pt_max_sw_bit(const struct pt_common *common)
{
	return hweight64(ARMV8PT_FMT_SW) - 1;
}

#define pt_max_sw_bit armv8pt_max_sw_bit

/* --- IOMMU glue --- */
#ifdef __GENERIC_PT_IOMMU_GLUE
#include <linux/generic_pt/iommu.h>

/* Name of struct pt_armv8 in struct pt_iommu_armv8 */
#define PT_IOMMU_MEMBER armpt

/*
 * The leaf bits io-pgtable-arm (6.12) writes for the same prot, so that the
 * two are interchangeable under an SMMUv3, with one deliberate difference:
 * with PT_FEAT_ARMV8_DBM a writable leaf starts clean (DBM | AP[2]) where
 * io-pgtable-arm's IO_PGTABLE_QUIRK_ARM_HD starts it dirty (DBM), so that
 * the first read_and_clear_dirty() reports only what was written since
 * the map. Stage 1 write-only is read/write, as it cannot be expressed.
 */
static inline int armv8pt_iommu_set_prot(struct pt_common *common,
					 struct pt_write_attrs *attrs,
					 unsigned int iommu_prot)
{
	u64 pte = ARMV8PT_FMT_AF;

	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		unsigned int memattr = ARMV8PT_MEMATTR_NC;

		if (iommu_prot & IOMMU_READ)
			pte |= ARMV8PT_FMT_S2AP_R;
		if (iommu_prot & IOMMU_WRITE)
			pte |= ARMV8PT_FMT_S2AP_W;
		if (iommu_prot & IOMMU_MMIO)
			memattr = ARMV8PT_MEMATTR_DEV;
		else if (iommu_prot & IOMMU_CACHE)
			memattr = pt_feature(common, PT_FEAT_ARMV8_S2FWB) ?
					  ARMV8PT_MEMATTR_FWB_WB :
					  ARMV8PT_MEMATTR_OIWB;
		pte |= FIELD_PREP(ARMV8PT_FMT_MEMATTR, memattr);
	} else {
		unsigned int attr_idx = ARMV8PT_MAIR_IDX_NC;

		pte |= ARMV8PT_FMT_NG;
		if (!(iommu_prot & IOMMU_WRITE))
			pte |= ARMV8PT_FMT_AP_RDONLY;
		else if (pt_feature(common, PT_FEAT_ARMV8_DBM))
			pte |= ARMV8PT_FMT_DBM | ARMV8PT_FMT_AP_RDONLY;
		if (!(iommu_prot & IOMMU_PRIV))
			pte |= ARMV8PT_FMT_AP_UNPRIV;
		if (iommu_prot & IOMMU_MMIO)
			attr_idx = ARMV8PT_MAIR_IDX_DEV;
		else if (iommu_prot & IOMMU_CACHE)
			attr_idx = ARMV8PT_MAIR_IDX_CACHE;
		pte |= FIELD_PREP(ARMV8PT_FMT_ATTRINDX, attr_idx);
	}

	if (iommu_prot & IOMMU_CACHE)
		pte |= FIELD_PREP(ARMV8PT_FMT_SH, ARMV8PT_SH_IS);
	else
		pte |= FIELD_PREP(ARMV8PT_FMT_SH, ARMV8PT_SH_OS);
	/* S1 UXN and PXN, S2 XN[1:0] = 0b11 */
	if (iommu_prot & IOMMU_NOEXEC)
		pte |= ARMV8PT_FMT_UXN | ARMV8PT_FMT_PXN;
	attrs->descriptor_bits = pte;
	return 0;
}

#define pt_iommu_set_prot armv8pt_iommu_set_prot

/*
 * The top level: the fewest levels that cover the input address space. At
 * stage 2 the top may be up to 16 concatenated tables, which saves a level
 * (VTCR.SL0 and T0SZ then select the start level). With the 4KiB granule
 * stage 2 cannot start at ARM level 3 (SL0 0b11 needs FEAT_TTST).
 *
 * io-pgtable-arm concatenates only to avoid starting at ARM level 0, so
 * for some stage 2 input sizes (4KiB: 31 to 34 bits; 16KiB: 26 to 29 and
 * 37 to 40; 64KiB: 30 to 33 and 43 to 46) its walk has one level more; the
 * leaves are the same.
 */
static inline unsigned int armv8pt_top_level(const struct pt_common *common)
{
	unsigned int bits = armv8pt_level_bits(common);
	unsigned int concat_lg2 = 0;
	unsigned int level = 0;

	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		concat_lg2 = ARMV8PT_S2_MAX_CONCAT_LG2;
		if (armv8pt_granule_lg2sz(common) == ARMV8PT_GRANULE_4K)
			level = 1;
	}
	while (armv8pt_level_item_lg2sz(common, level) + bits + concat_lg2 <
	       common->max_vasz_lg2)
		level++;
	return level;
}

static inline int armv8pt_iommu_fmt_init(struct pt_iommu_armv8 *iommu_table,
					 const struct pt_iommu_armv8_cfg *cfg)
{
	struct pt_armv8 *table = &iommu_table->armpt;
	struct pt_common *common = &table->common;

	switch (cfg->granule_lg2sz) {
	case ARMV8PT_GRANULE_4K:
	case ARMV8PT_GRANULE_16K:
	case ARMV8PT_GRANULE_64K:
		break;
	default:
		return -EINVAL;
	}
	table->granule_lg2sz = cfg->granule_lg2sz;

	/* 52 bit output addresses: FEAT_LPA exists for 64KiB only */
	if (pt_feature(common, PT_FEAT_ARMV8_LPA) &&
	    cfg->granule_lg2sz != ARMV8PT_GRANULE_64K)
		return -EINVAL;
	/* Stage 2 has one table base and no DBM here; FWB is stage 2 only */
	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		if (pt_feature(common, PT_FEAT_ARMV8_TTBR1) ||
		    pt_feature(common, PT_FEAT_ARMV8_DBM))
			return -EINVAL;
	} else if (pt_feature(common, PT_FEAT_ARMV8_S2FWB)) {
		return -EINVAL;
	}
	/* The walker's dirty updates would not be seen through the cache */
	if (pt_feature(common, PT_FEAT_ARMV8_DBM) &&
	    pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		return -EINVAL;
	if (common->max_vasz_lg2 < ARMV8PT_MIN_VA_LG2)
		return -EINVAL;

	common->top_of_table = armv8pt_top_level(common);
	return 0;
}

#define pt_iommu_fmt_init armv8pt_iommu_fmt_init

/* IPS/PS: the smallest encodable output size that covers @oasz_lg2 */
static inline u8 armv8pt_ps(unsigned int oasz_lg2)
{
	static const u8 ps_lg2[] = { 32, 36, 40, 42, 44, 48, 52 };
	u8 ps;

	for (ps = 0; ps != ARRAY_SIZE(ps_lg2) - 1; ps++)
		if (oasz_lg2 <= ps_lg2[ps])
			break;
	return ps;
}

static inline void
armv8pt_iommu_fmt_hw_info(struct pt_iommu_armv8 *table,
			  const struct pt_range *top_range,
			  struct pt_iommu_armv8_hw_info *info)
{
	const struct pt_common *common = top_range->common;
	unsigned int granule_lg2sz = armv8pt_granule_lg2sz(common);

	info->ttb = virt_to_phys(top_range->top_table);
	info->tsz = 64 - common->max_vasz_lg2;
	/* TG0: 0b00 4KiB, 0b01 64KiB, 0b10 16KiB */
	if (granule_lg2sz == ARMV8PT_GRANULE_4K)
		info->tg = 0;
	else if (granule_lg2sz == ARMV8PT_GRANULE_64K)
		info->tg = 1;
	else
		info->tg = 2;
	info->ps = armv8pt_ps(common->max_oasz_lg2);

	/* Walks snoop the CPU caches, or read memory as non-cacheable */
	if (pt_feature(common, PT_FEAT_DMA_INCOHERENT)) {
		info->sh = ARMV8PT_SH_OS;
		info->irgn = 0;
		info->orgn = 0;
	} else {
		info->sh = ARMV8PT_SH_IS;
		info->irgn = 1;
		info->orgn = 1;
	}

	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		info->mair = 0;
		/*
		 * SL0 counts ARM levels up from level 2 with 4KiB, from level
		 * 3 with 16KiB and 64KiB: ARM level 3 is level 0 here.
		 */
		if (granule_lg2sz == ARMV8PT_GRANULE_4K)
			info->sl0 = top_range->top_level - 1;
		else
			info->sl0 = top_range->top_level;
	} else {
		info->mair = ARMV8PT_MAIR;
		info->sl0 = 0;
	}
}

#define pt_iommu_fmt_hw_info armv8pt_iommu_fmt_hw_info
#endif

#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST) && defined(GENERIC_PT_KUNIT)
/*
 * Configurations every KUnit suite runs with: each granule at both stages,
 * full, partial and concatenated top tables, TTBR1, 52 bit output
 * addresses, dirty tracking and incoherent walkers.
 */
static const struct pt_iommu_armv8_cfg armv8_kunit_fmt_cfgs[] = {
	/* SMMUv3 stage 1 default: 4KiB, 4 levels */
	[0] = { .common = { .features = BIT(PT_FEAT_FLUSH_RANGE),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 48 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* partial top: 64 items at ARM level 1 */
	[1] = { .common = { .features = BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
			    .hw_max_vasz_lg2 = 36,
			    .hw_max_oasz_lg2 = 40 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* the upper half, as TTBR1 */
	[2] = { .common = { .features = BIT(PT_FEAT_ARMV8_TTBR1),
			    .hw_max_vasz_lg2 = 39,
			    .hw_max_oasz_lg2 = 44 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* hardware dirty state */
	[3] = { .common = { .features = BIT(PT_FEAT_ARMV8_DBM) |
					BIT(PT_FEAT_FLUSH_RANGE),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 48 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* stage 2, two concatenated tables at ARM level 1 */
	[4] = { .common = { .features = BIT(PT_FEAT_ARMV8_S2) |
					BIT(PT_FEAT_FLUSH_RANGE),
			    .hw_max_vasz_lg2 = 40,
			    .hw_max_oasz_lg2 = 40 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* stage 2, 4 levels, incoherent walker */
	[5] = { .common = { .features = BIT(PT_FEAT_ARMV8_S2) |
					BIT(PT_FEAT_DMA_INCOHERENT),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 48 },
		.granule_lg2sz = ARMV8PT_GRANULE_4K },
	/* 16KiB: a top of 2 items at ARM level 0 */
	[6] = { .common = { .features = BIT(PT_FEAT_FLUSH_RANGE),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 48 },
		.granule_lg2sz = ARMV8PT_GRANULE_16K },
	/* 16KiB stage 2 with FWB, two concatenated tables at ARM level 1 */
	[7] = { .common = { .features = BIT(PT_FEAT_ARMV8_S2) |
					BIT(PT_FEAT_ARMV8_S2FWB) |
					BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 44 },
		.granule_lg2sz = ARMV8PT_GRANULE_16K },
	/* 64KiB, 52 bit output addresses, a top of 64 items */
	[8] = { .common = { .features = BIT(PT_FEAT_ARMV8_LPA) |
					BIT(PT_FEAT_FLUSH_RANGE),
			    .hw_max_vasz_lg2 = 48,
			    .hw_max_oasz_lg2 = 52 },
		.granule_lg2sz = ARMV8PT_GRANULE_64K },
	/* 64KiB stage 2, four concatenated tables at ARM level 2 */
	[9] = { .common = { .features = BIT(PT_FEAT_ARMV8_S2) |
					BIT(PT_FEAT_DMA_INCOHERENT),
			    .hw_max_vasz_lg2 = 44,
			    .hw_max_oasz_lg2 = 48 },
		.granule_lg2sz = ARMV8PT_GRANULE_64K },
	/* 64KiB TTBR1 with dirty tracking, a top of 8 items */
	[10] = { .common = { .features = BIT(PT_FEAT_ARMV8_TTBR1) |
					 BIT(PT_FEAT_ARMV8_DBM) |
					 BIT(PT_FEAT_FLUSH_RANGE),
			     .hw_max_vasz_lg2 = 32,
			     .hw_max_oasz_lg2 = 40 },
		 .granule_lg2sz = ARMV8PT_GRANULE_64K },
};

#define kunit_fmt_cfgs armv8_kunit_fmt_cfgs
#endif

#endif
