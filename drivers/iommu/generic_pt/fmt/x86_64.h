/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 64-bit page table format, as walked by AMD IOMMU v2 (guest) tables
 * and Intel VT-d first stage tables.
 *
 * Intel SDM vol. 3A section 4.5 "4-Level Paging and 5-Level Paging", AMD
 * APM vol. 2 section 5.3 "Long-Mode Page Translation":
 *
 *   Every table is 4KiB of 512 8-byte entries; level 0 maps 4KiB pages,
 *   level 1 2MiB, level 2 1GiB, levels 3 and 4 hold only tables.
 *
 *     63    XD       execute disable (never set, as 6.12's users)
 *     51:12 Address  of the next table or the page
 *     11:9  Ignored  used here as software bits
 *     7     PS       page size: a 2MiB/1GiB leaf at levels 1/2 (PAT at 0)
 *     6     D        dirty; set up front in writable leaves (no user
 *                    tracks dirty state through this format)
 *     5     A        accessed
 *     2     US       user; IOMMU requests are user requests
 *     1     RW       writable
 *     0     P        present
 *
 * With SME the C-bit (sme_me_mask) is part of Address.
 */
#ifndef __GENERIC_PT_FMT_X86_64_H
#define __GENERIC_PT_FMT_X86_64_H

#include "defs_x86_64.h"
#include "../pt_defs.h"
#include "sme.h"

#include <asm/page.h>
#include <linux/bitfield.h>
#include <linux/mem_encrypt.h>
#include <linux/minmax.h>

enum {
	PT_ITEM_WORD_SIZE = sizeof(u64),
	PT_MAX_VA_ADDRESS_LG2 = 57,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52,
	PT_MAX_TOP_LEVEL = 4,
	PT_GRANULE_LG2SZ = 12,
	PT_TABLEMEM_LG2SZ = 12,
};

#define X86_64_FMT_P BIT_ULL(0)
#define X86_64_FMT_RW BIT_ULL(1)
#define X86_64_FMT_US BIT_ULL(2)
#define X86_64_FMT_A BIT_ULL(5)
#define X86_64_FMT_D BIT_ULL(6)
#define X86_64_FMT_PS BIT_ULL(7)
#define X86_64_FMT_SW GENMASK_ULL(11, 9)
#define X86_64_FMT_OA GENMASK_ULL(51, 12)
#define X86_64_FMT_XD BIT_ULL(63)

static inline unsigned int x86_64_pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) * pts->level;
}

#define pt_table_item_lg2sz x86_64_pt_table_item_lg2sz

static inline unsigned int x86_64_pt_num_items_lg2(const struct pt_state *pts)
{
	return PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE);
}

#define pt_num_items_lg2 x86_64_pt_num_items_lg2

/* 4KiB, 2MiB and 1GiB pages */
static inline bool x86_64_pt_can_have_leaf(const struct pt_state *pts)
{
	return pts->level <= 2;
}

#define pt_can_have_leaf x86_64_pt_can_have_leaf

static inline u64 x86_64_pt_possible_sizes(const struct pt_state *pts)
{
	if (!x86_64_pt_can_have_leaf(pts))
		return 0;
	return BIT_ULL(x86_64_pt_table_item_lg2sz(pts));
}

#define pt_possible_sizes x86_64_pt_possible_sizes

/* The SME C-bit is in the address field but is no address bit */
static inline unsigned int x86_64_pt_max_oa_lg2(const struct pt_common *common)
{
	return pt_sme_max_oa_lg2(PT_MAX_OUTPUT_ADDRESS_LG2);
}

#define pt_max_oa_lg2 x86_64_pt_max_oa_lg2

static inline enum pt_entry_type x86_64_pt_load_entry_raw(struct pt_state *pts)
{
	const u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry;

	entry = READ_ONCE(*tablep);
	pts->entry = entry;
	if (!(entry & X86_64_FMT_P))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 ||
	    (x86_64_pt_can_have_leaf(pts) && (entry & X86_64_FMT_PS)))
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw x86_64_pt_load_entry_raw

/* No contiguous entries: every leaf is one item */
static inline unsigned int
x86_64_pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	return 0;
}

#define pt_entry_num_contig_lg2 x86_64_pt_entry_num_contig_lg2

static inline pt_oaddr_t x86_64_pt_entry_oa(const struct pt_state *pts)
{
	return __sme_clr(pts->entry & X86_64_FMT_OA);
}

#define pt_entry_oa x86_64_pt_entry_oa

static inline pt_oaddr_t x86_64_pt_table_pa(const struct pt_state *pts)
{
	return __sme_clr(pts->entry & X86_64_FMT_OA);
}

#define pt_table_pa x86_64_pt_table_pa

static inline void x86_64_pt_install_leaf_entry(struct pt_state *pts,
						pt_oaddr_t oa,
						unsigned int oasz_lg2,
						const struct pt_write_attrs *attrs)
{
	u64 *tablep = pt_cur_table(pts, u64) + pts->index;
	u64 entry = X86_64_FMT_P | attrs->descriptor_bits | oa;

	if (pts->level != 0)
		entry |= X86_64_FMT_PS;
	pt_item64_write(tablep, entry);
	pts->entry = entry;
}

#define pt_install_leaf_entry x86_64_pt_install_leaf_entry

static inline bool x86_64_pt_install_table(struct pt_state *pts,
					   pt_oaddr_t table_pa,
					   const struct pt_write_attrs *attrs)
{
	if (pts_feature(pts, PT_FEAT_X86_64_AMD_ENCRYPT_TABLES))
		table_pa = __sme_set(table_pa);
	/*
	 * Permissions are the intersection over all levels: a table entry
	 * grants everything and the leaf decides. A is set so the walker
	 * never writes table entries.
	 */
	return pt_table_install64(pts, X86_64_FMT_P | X86_64_FMT_RW |
					       X86_64_FMT_US | X86_64_FMT_A |
					       table_pa);
}

#define pt_install_table x86_64_pt_install_table

static inline void x86_64_pt_attr_from_entry(const struct pt_state *pts,
					     struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry &
				 (X86_64_FMT_RW | X86_64_FMT_US | X86_64_FMT_A |
				  X86_64_FMT_D | X86_64_FMT_XD | __sme_set(0ULL));
}

#define pt_attr_from_entry x86_64_pt_attr_from_entry

static inline u64 x86_64_pt_sw_bit(unsigned int bitnr)
{
	return BIT_ULL(__bf_shf(X86_64_FMT_SW) + bitnr);
}

#define pt_sw_bit x86_64_pt_sw_bit

static inline unsigned int x86_64_pt_max_sw_bit(const struct pt_common *common)
{
	return hweight64(X86_64_FMT_SW) - 1;
}

#define pt_max_sw_bit x86_64_pt_max_sw_bit

/* --- IOMMU glue --- */
#ifdef __GENERIC_PT_IOMMU_GLUE
#include <linux/generic_pt/iommu.h>

/* Name of struct pt_x86_64 in struct pt_iommu_x86_64 */
#define PT_IOMMU_MEMBER x86_64_pt

static inline int x86_64_pt_iommu_set_prot(struct pt_common *common,
					   struct pt_write_attrs *attrs,
					   unsigned int iommu_prot)
{
	/*
	 * x86 has no write-only pages: any leaf is readable. A, and D in
	 * writable leaves, are set up front as 6.12's VT-d first stage did
	 * (AMD v2 sets D in every leaf): neither user tracks dirty state
	 * through this format, and a clear D would cost the walker a locked
	 * update on the first write through each leaf, which on an
	 * incoherent walker races the CPU's write back of the same line.
	 *
	 * IOMMU_NOEXEC is not encoded: IOMMU requests do not execute, and
	 * neither 6.12 user ever set XD.
	 */
	u64 pte = X86_64_FMT_US | X86_64_FMT_A;

	if (iommu_prot & IOMMU_WRITE)
		pte |= X86_64_FMT_RW | X86_64_FMT_D;
	/* MMIO (MSI doorbells) is never encrypted memory */
	if (pt_feature(common, PT_FEAT_X86_64_AMD_ENCRYPT_TABLES) &&
	    !(iommu_prot & IOMMU_MMIO))
		pte |= __sme_set(0ULL);
	attrs->descriptor_bits = pte;
	return 0;
}

#define pt_iommu_set_prot x86_64_pt_iommu_set_prot

static inline int x86_64_pt_iommu_fmt_init(struct pt_iommu_x86_64 *iommu_table,
					   const struct pt_iommu_x86_64_cfg *cfg)
{
	struct pt_x86_64 *table = &iommu_table->x86_64_pt;
	unsigned int top_vasz_lg2;

	if (cfg->top_level < 3 || cfg->top_level > PT_MAX_TOP_LEVEL)
		return -EINVAL;
	top_vasz_lg2 = PT_GRANULE_LG2SZ + 9 * (cfg->top_level + 1);
	table->common.max_vasz_lg2 = min_t(unsigned int,
					   table->common.max_vasz_lg2,
					   top_vasz_lg2);
	table->common.top_of_table = cfg->top_level;
	return 0;
}

#define pt_iommu_fmt_init x86_64_pt_iommu_fmt_init

static inline void
x86_64_pt_iommu_fmt_hw_info(struct pt_iommu_x86_64 *table,
			    const struct pt_range *top_range,
			    struct pt_iommu_x86_64_hw_info *info)
{
	phys_addr_t top_pa = virt_to_phys(top_range->top_table);

	if (pt_feature(top_range->common, PT_FEAT_X86_64_AMD_ENCRYPT_TABLES))
		top_pa = __sme_set(top_pa);
	info->gcr3_pt = top_pa;
	info->levels = top_range->top_level + 1;
}

#define pt_iommu_fmt_hw_info x86_64_pt_iommu_fmt_hw_info
#endif

#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST) && defined(GENERIC_PT_KUNIT)
/* Configurations every KUnit suite runs with */
static const struct pt_iommu_x86_64_cfg x86_64_kunit_fmt_cfgs[] = {
	/* AMD v2: lower half only, 4 levels */
	[0] = { .common.features = BIT(PT_FEAT_FLUSH_RANGE),
		.top_level = 3 },
	/* VT-d first stage: canonical, 4 and 5 levels */
	[1] = { .common.features = BIT(PT_FEAT_SIGN_EXTEND) |
				   BIT(PT_FEAT_FLUSH_RANGE),
		.top_level = 3 },
	[2] = { .common.features = BIT(PT_FEAT_SIGN_EXTEND) |
				   BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS),
		.top_level = 4 },
	/* SME and an incoherent walker */
	[3] = { .common.features = BIT(PT_FEAT_X86_64_AMD_ENCRYPT_TABLES) |
				   BIT(PT_FEAT_DMA_INCOHERENT),
		.top_level = 3 },
};

#define kunit_fmt_cfgs x86_64_kunit_fmt_cfgs
#endif

#endif
