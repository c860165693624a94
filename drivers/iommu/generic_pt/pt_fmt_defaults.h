/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallbacks for the optional functions of the format contract.
 *
 * Included after the format header. A format defines pt_<name> as a macro
 * naming its own function when it has one; otherwise the definition here
 * is used. The comments below are the contract of each function, whichever
 * definition a format uses.
 */
#ifndef __GENERIC_PT_FMT_DEFAULTS_H
#define __GENERIC_PT_FMT_DEFAULTS_H

#include "pt_defs.h"

#ifndef pt_table_item_lg2sz
/**
 * pt_table_item_lg2sz() - input address span of an item of a cursor's table
 * @pts: cursor: its level, and the table of its range where the format
 *	reads the shape of its tables from it (the ARM granule)
 *
 * An item of a level spans a whole table of the level below. The default
 * is for formats whose tables are PT_TABLEMEM_LG2SZ bytes at every level
 * and whose level 0 items are PT_GRANULE_LG2SZ bytes.
 *
 * Return: log2 of the bytes of input address space one item translates.
 */
static inline unsigned int pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) * pts->level;
}
#endif

#ifndef pt_entry_oa
/**
 * pt_entry_oa() - output address of the leaf at a cursor
 * @pts: cursor on an item pt_load_entry_raw() classified PT_ENTRY_OA
 *
 * From any item of a contiguous entry, the address of the whole leaf. The
 * default is for formats whose contiguous items each hold the address of
 * their own part of the leaf: they define pt_item_oa(), the address the
 * item at pts->index holds, and this aligns it down to the leaf.
 *
 * Return: the output address of the first byte of the leaf.
 */
static inline pt_oaddr_t pt_entry_oa(const struct pt_state *pts)
{
	return log2_set_mod(pt_item_oa(pts), 0,
			    pt_table_item_lg2sz(pts) +
				    pt_entry_num_contig_lg2(pts));
}
#endif

#ifndef pt_clear_entries
/**
 * pt_clear_entries() - empty a leaf or a table entry
 * @pts: cursor on the first item of the entry
 * @num_contig_lg2: log2 of the number of items of the entry
 *
 * Afterwards pt_load_entry_raw() finds every item PT_ENTRY_EMPTY. The
 * default writes zeros, 64 bit items with pt_item64_write(). The core
 * writes the items back for an incoherent walker.
 */
static inline void pt_clear_entries(struct pt_state *pts,
				    unsigned int num_contig_lg2)
{
	unsigned int i;

	if (sizeof(u32) == PT_ITEM_WORD_SIZE) {
		u32 *tablep = pt_cur_table(pts, u32) + pts->index;

		for (i = 0; i != log2_to_int(num_contig_lg2); i++)
			WRITE_ONCE(tablep[i], 0);
	} else {
		u64 *tablep = pt_cur_table(pts, u64) + pts->index;

		for (i = 0; i != log2_to_int(num_contig_lg2); i++)
			pt_item64_write(&tablep[i], 0);
	}
}
#endif

#ifndef pt_max_oa_lg2
/**
 * pt_max_oa_lg2() - output address bits a table can encode
 * @common: the table
 *
 * The default is PT_MAX_OUTPUT_ADDRESS_LG2. A format defines its own where
 * the features or the machine narrow it (ARM without FEAT_LPA, the bits
 * below the SME C-bit). init calls it before pt_iommu_fmt_init(), when only
 * the features and max_vasz_lg2 of @common are set, and takes the minimum
 * of it, the hardware's width and phys_addr_t's.
 *
 * Return: log2 of the largest output address plus one.
 */
static inline unsigned int pt_max_oa_lg2(const struct pt_common *common)
{
	return PT_MAX_OUTPUT_ADDRESS_LG2;
}
#endif

#ifndef pt_full_va_prefix
/**
 * pt_full_va_prefix() - input address bits above the table's space
 * @common: the table
 *
 * A table without PT_FEAT_SIGN_EXTEND translates the 2^max_vasz_lg2 bytes
 * whose higher bits are those of the prefix: 0 by default, all ones for an
 * ARM TTBR1 table. Only the bits above max_vasz_lg2 count; init starts the
 * domain's aperture there.
 *
 * Return: the prefix.
 */
static inline pt_vaddr_t pt_full_va_prefix(const struct pt_common *common)
{
	return 0;
}
#endif

#ifndef pt_dirty_supported
/*
 * Dirty tracking: a format defines all four functions or none, and the
 * defaults are those of a format without dirty tracking.
 */

/**
 * pt_dirty_supported() - whether a table tracks dirty state
 * @common: the table
 *
 * read_and_clear_dirty() and set_dirty() refuse a table without it with
 * -EOPNOTSUPP, and so they do with PT_FEAT_DMA_INCOHERENT.
 *
 * Return: true if the hardware records writes in the leaves of @common.
 */
static inline bool pt_dirty_supported(const struct pt_common *common)
{
	return false;
}

/**
 * pt_is_write_dirty() - whether the hardware wrote through a leaf
 * @pts: cursor on an item pt_load_entry_raw() classified PT_ENTRY_OA
 *
 * The hardware marks only the item it walked, so this tests every item of
 * a contiguous entry.
 *
 * Return: true if the leaf is dirty.
 */
static inline bool pt_is_write_dirty(const struct pt_state *pts)
{
	return false;
}

/**
 * pt_make_write_clean() - clear the dirty state of a leaf
 * @pts: cursor on an item pt_load_entry_raw() classified PT_ENTRY_OA
 *
 * Cleans every item of a contiguous entry, each atomically against the
 * hardware marking it at the same time (pt_item64_clear_bits()).
 */
static inline void pt_make_write_clean(struct pt_state *pts)
{
}

/**
 * pt_make_write_dirty() - mark a leaf dirty as the hardware would
 * @pts: cursor on an item pt_load_entry_raw() classified PT_ENTRY_OA
 *
 * For the set_dirty() test operation: marks the item at pts->index only,
 * atomically, as the hardware does on a write through it.
 *
 * Return: true if the leaf is now dirty, false if it cannot become dirty
 * (it is not writable).
 */
static inline bool pt_make_write_dirty(struct pt_state *pts)
{
	return false;
}
#endif

#ifndef pt_sw_bit
/*
 * Software bits: a format defines both functions or neither. Without
 * them it cannot support PT_FEAT_DMA_INCOHERENT.
 */

/**
 * pt_sw_bit() - a bit of an entry for software use
 * @bitnr: which one, 0 to pt_max_sw_bit()
 *
 * A bit the hardware ignores in table entries and in leaves, and that no
 * decoder of the format looks at. The core marks table entries with bit
 * PT_SW_BIT_WRITTEN_BACK under PT_FEAT_DMA_INCOHERENT.
 *
 * Return: the bit as a mask of the item; 0 (no bit) by default.
 */
static inline u64 pt_sw_bit(unsigned int bitnr)
{
	return 0;
}

/**
 * pt_max_sw_bit() - the highest software bit
 * @common: the table
 *
 * Return: the highest @bitnr pt_sw_bit() takes.
 */
static inline unsigned int pt_max_sw_bit(const struct pt_common *common)
{
	return 0;
}
#endif

#endif
