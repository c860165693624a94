/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Format independent helpers built only on the format contract.
 *
 * Everything here works for any format: it knows item sizes, indexes and
 * entry types, never bit layouts.
 */
#ifndef __GENERIC_PT_PT_COMMON_H
#define __GENERIC_PT_PT_COMMON_H

#include <linux/io.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include "pt_defs.h"
#include "pt_fmt_defaults.h"

/* Widest input address the arithmetic below handles */
#define PT_VADDR_MAX_LG2 (sizeof(pt_vaddr_t) * BITS_PER_BYTE)
#define PT_VADDR_MAX ((pt_vaddr_t)-1)

/* log2 of the input address span of the whole table of pts */
static inline unsigned int pt_table_oa_lg2sz(const struct pt_state *pts)
{
	return min_t(unsigned int, PT_VADDR_MAX_LG2,
		     pt_table_item_lg2sz(pts) + pt_num_items_lg2(pts));
}

/* log2 of the size of the leaf pts->entry */
static inline unsigned int pt_entry_oa_lg2sz(const struct pt_state *pts)
{
	return pt_table_item_lg2sz(pts) + pt_entry_num_contig_lg2(pts);
}

/* log2 of the table memory of pts->table */
static inline unsigned int pt_table_mem_lg2sz(const struct pt_state *pts)
{
	return pt_num_items_lg2(pts) + ilog2(PT_ITEM_WORD_SIZE);
}

/* Input address of the first byte of the item at pts->index */
static inline pt_vaddr_t pt_index_to_va(const struct pt_state *pts)
{
	return log2_set_mod(pts->range->va,
			    log2_mul(pts->index, pt_table_item_lg2sz(pts)),
			    pt_table_oa_lg2sz(pts));
}

/* First item of the (contiguous) entry that contains pts->index */
static inline unsigned int pt_entry_start_index(const struct pt_state *pts)
{
	return log2_set_mod(pts->index, 0, pt_entry_num_contig_lg2(pts));
}

/* Input address of the first byte of the leaf in pts->entry */
static inline pt_vaddr_t pt_entry_start_va(const struct pt_state *pts)
{
	return log2_set_mod(pt_index_to_va(pts), 0, pt_entry_oa_lg2sz(pts));
}

/* Input address of the last byte of the leaf in pts->entry */
static inline pt_vaddr_t pt_entry_last_va(const struct pt_state *pts)
{
	return log2_set_mod_max(pt_index_to_va(pts), pt_entry_oa_lg2sz(pts));
}

/* Input address of the last byte of the item at pts->index */
static inline pt_vaddr_t pt_item_last_va(const struct pt_state *pts)
{
	return log2_set_mod_max(pt_index_to_va(pts), pt_table_item_lg2sz(pts));
}

/*
 * The output address of the byte at pts->range->va, which lies in the leaf
 * pts->entry.
 */
static inline pt_oaddr_t pt_entry_oa_exact(const struct pt_state *pts)
{
	return pt_entry_oa(pts) |
	       log2_mod(pts->range->va, pt_entry_oa_lg2sz(pts));
}

/**
 * pt_load_entry() - read and classify the item at pts->index
 * @pts: cursor
 *
 * Sets pts->entry, pts->type and, for a table, pts->table_lower.
 */
static inline void pt_load_entry(struct pt_state *pts)
{
	pts->type = pt_load_entry_raw(pts);
	if (pts->type == PT_ENTRY_TABLE)
		pts->table_lower = phys_to_virt(pt_table_pa(pts));
}

/*
 * Move the cursor @num_items forward and the walk's VA with it, unless the
 * cursor left the part of the table the walk covers. The parent moves the
 * VA on from there.
 */
static inline void pt_advance(struct pt_state *pts, unsigned int num_items)
{
	pts->index += num_items;
	if (pts->index < pts->end_index)
		pts->range->va = pt_index_to_va(pts);
}

/* Move past the whole (contiguous) entry at pts->index */
static inline void pt_next_entry(struct pt_state *pts)
{
	unsigned int num_contig_lg2 = 0;

	if (pts->type == PT_ENTRY_OA)
		num_contig_lg2 = pt_entry_num_contig_lg2(pts);
	pt_advance(pts, log2_to_int(num_contig_lg2) -
				log2_mod(pts->index, num_contig_lg2));
}

/* True if the walk's remaining range covers the whole item at pts->index */
static inline bool pt_item_fully_covered(const struct pt_state *pts)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);

	return log2_mod(pts->range->va, isz_lg2) == 0 &&
	       pts->range->last_va - pts->range->va >=
		       log2_to_max_int(min_t(unsigned int, isz_lg2,
					     PT_VADDR_MAX_LG2));
}

/* Mask of the sizes in a page size bitmap that are at most 2^lg2 */
static inline u64 pt_sizes_le_lg2(unsigned int lg2)
{
	return lg2 >= 63 ? U64_MAX : log2_to_max_int(lg2 + 1);
}

/**
 * pt_compute_best_pgsize() - largest page that can map the start of a range
 * @pgsz_bitmap: candidate page sizes
 * @va: first input address
 * @last_va: last input address, inclusive
 * @oa: output address for @va
 *
 * Return: log2 of the largest size in @pgsz_bitmap that both @va and @oa
 * are aligned to and that fits in [@va, @last_va], or 0 if there is none.
 */
static inline unsigned int pt_compute_best_pgsize(u64 pgsz_bitmap,
						  pt_vaddr_t va,
						  pt_vaddr_t last_va,
						  pt_oaddr_t oa)
{
	pt_vaddr_t len_m1 = last_va - va;
	unsigned int len_lg2;

	/* The largest power of two not above len_m1 + 1 */
	if (len_m1 == PT_VADDR_MAX)
		len_lg2 = PT_VADDR_MAX_LG2;
	else
		len_lg2 = log2_fls(len_m1 + 1) - 1;

	pgsz_bitmap &= pt_sizes_le_lg2(log2_ffs(va | oa));
	pgsz_bitmap &= pt_sizes_le_lg2(len_lg2);
	if (!pgsz_bitmap)
		return 0;
	return log2_fls(pgsz_bitmap) - 1;
}

/* Software bits in table entries, for PT_FEAT_DMA_INCOHERENT */
enum {
	/* The entry has been written back to memory the walker reads */
	PT_SW_BIT_WRITTEN_BACK = 0,
};

/*
 * The 32 bit word of the item at pts->index that holds software bit
 * @bitnr, and the bit in it. A 32 bit kernel has no 64 bit acquire load or
 * release store, but the bit lies in one half of a 64 bit item, and that
 * half is all the two functions below need to read or write.
 */
static inline u32 *pt_sw_bit_word(const struct pt_state *pts,
				  unsigned int bitnr, u32 *mask)
{
	u32 *wordp = pt_cur_table(pts, u32) +
		     pts->index * (PT_ITEM_WORD_SIZE / sizeof(u32));
	u64 bit = pt_sw_bit(bitnr);

	if (sizeof(u32) == PT_ITEM_WORD_SIZE || lower_32_bits(bit)) {
		*mask = lower_32_bits(bit);
		return wordp + (sizeof(u64) == PT_ITEM_WORD_SIZE &&
				IS_ENABLED(CONFIG_CPU_BIG_ENDIAN));
	}
	*mask = upper_32_bits(bit);
	return wordp + !IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
}

static inline bool pt_test_sw_bit_acquire(const struct pt_state *pts,
					  unsigned int bitnr)
{
	const u64 *entry64p = pt_cur_table(pts, u64) + pts->index;
	const u32 *wordp;
	u32 mask;

	if (sizeof(u64) == PT_ITEM_WORD_SIZE && IS_ENABLED(CONFIG_64BIT))
		/* Pairs with pt_set_sw_bit_release() after the flush */
		return smp_load_acquire(entry64p) & pt_sw_bit(bitnr);
	wordp = pt_sw_bit_word(pts, bitnr, &mask);
	/* Pairs with pt_set_sw_bit_release() after the flush */
	return smp_load_acquire(wordp) & mask;
}

/*
 * Only the thread that installed a table entry sets its software bits, and
 * the hardware never writes table entries, so a plain store is enough. On a
 * 32 bit kernel only the half of the item that holds the bit is rewritten:
 * the walker never sees the other half change.
 */
static inline void pt_set_sw_bit_release(struct pt_state *pts,
					 unsigned int bitnr)
{
	u32 *wordp;
	u32 mask;

	if (sizeof(u64) == PT_ITEM_WORD_SIZE && IS_ENABLED(CONFIG_64BIT)) {
		u64 *entryp = pt_cur_table(pts, u64) + pts->index;

		/* Orders the flush before the mark, see the acquire above */
		smp_store_release(entryp, READ_ONCE(*entryp) | pt_sw_bit(bitnr));
		return;
	}
	wordp = pt_sw_bit_word(pts, bitnr, &mask);
	/* Orders the flush before the mark, see the acquire above */
	smp_store_release(wordp, READ_ONCE(*wordp) | mask);
}

/*
 * log2 of the input address span a table whose top is at @top_level covers,
 * limited by the address arithmetic.
 */
static inline unsigned int pt_top_vasz_lg2(struct pt_common *common,
					   unsigned int top_level)
{
	struct pt_range range = { .common = common, .top_level = top_level };
	struct pt_state pts = { .range = &range, .level = top_level };

	return pt_table_oa_lg2sz(&pts);
}

/**
 * pt_make_range_top() - start a walk from a given top of the table
 * @common: table
 * @top_of_table: top table and level to walk from
 * @va: first input address
 * @last_va: last input address, inclusive
 *
 * Return: The range.
 */
static inline struct pt_range pt_make_range_top(struct pt_common *common,
						uintptr_t top_of_table,
						pt_vaddr_t va,
						pt_vaddr_t last_va)
{
	struct pt_range range = {
		.common = common,
		.top_table = pt_top_table(top_of_table),
		.top_level = pt_top_level(top_of_table),
		.va = va,
		.last_va = last_va,
	};

	range.max_vasz_lg2 = min_t(unsigned int, common->max_vasz_lg2,
				   pt_top_vasz_lg2(common, range.top_level));
	return range;
}

/**
 * pt_make_range() - start a walk from the current top of the table
 * @common: table
 * @va: first input address
 * @last_va: last input address, inclusive
 *
 * Return: The range, with a consistent snapshot of the top table and level.
 */
static inline struct pt_range pt_make_range(struct pt_common *common,
					    pt_vaddr_t va, pt_vaddr_t last_va)
{
	/*
	 * The walk dereferences the table it read: that address dependency
	 * orders it after pt_increase_top()'s release of the new top.
	 */
	return pt_make_range_top(common, READ_ONCE(common->top_of_table), va,
				 last_va);
}

/*
 * True if [va, last_va] lies in the input address space of the range's
 * top. With PT_FEAT_SIGN_EXTEND the space is the two halves of the 64 bit
 * space around 0 and the range may not cross from one to the other.
 */
static inline bool pt_range_in_vasz(const struct pt_range *range)
{
	unsigned int vasz_lg2 = range->max_vasz_lg2;
	pt_vaddr_t prefix;

	if (pt_feature(range->common, PT_FEAT_SIGN_EXTEND)) {
		prefix = log2_div(range->va, vasz_lg2 - 1);
		if (prefix != 0 && prefix != log2_div(PT_VADDR_MAX, vasz_lg2 - 1))
			return false;
		return log2_div_eq(range->va, range->last_va, vasz_lg2 - 1);
	}

	prefix = pt_full_va_prefix(range->common);
	return log2_div(range->va, vasz_lg2) == log2_div(prefix, vasz_lg2) &&
	       log2_div_eq(range->va, range->last_va, vasz_lg2);
}

#endif
