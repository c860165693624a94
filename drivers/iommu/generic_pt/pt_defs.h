/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Core types of the generic page table.
 *
 * This header is included by a format header after the format's
 * defs_<fmt>.h has defined pt_vaddr_t, pt_oaddr_t and its write attributes,
 * and before the format's inline functions, which take the types below.
 *
 * Levels are numbered from 0, the table holding the smallest pages, up to
 * the top. A format's own level numbering (AMD "mode", ARM L0..L3, VT-d
 * AGAW) is translated only in its hw_info.
 */
#ifndef __GENERIC_PT_DEFS_H
#define __GENERIC_PT_DEFS_H

#include <linux/args.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <asm/barrier.h>
#include <linux/generic_pt/common.h>
#include "pt_log2.h"

/* Opaque type of table memory, only ever used through a pointer */
struct pt_table_p;

/**
 * enum pt_entry_type - what an item of a table holds, as the walker sees it
 * @PT_ENTRY_EMPTY: Nothing: the hardware translates nothing through it and
 *	the core may install a table or a leaf there.
 * @PT_ENTRY_TABLE: A pointer to a table of the level below, at
 *	pt_table_pa().
 * @PT_ENTRY_OA: A leaf, or one item of a contiguous leaf, translating to
 *	an output address (pt_entry_oa()).
 */
enum pt_entry_type {
	PT_ENTRY_EMPTY,
	PT_ENTRY_TABLE,
	PT_ENTRY_OA,
};

/**
 * struct pt_range - one walk over a range of input addresses
 * @common: the table
 * @top_table: Snapshot of the top table at the start of the walk. A
 *	concurrent PT_FEAT_DYNAMIC_TOP growth leaves the old top in place as
 *	a subtree, so the snapshot stays valid for addresses it covers.
 * @va: The current input address. Walkers advance it as they move from
 *	entry to entry, so that a table entered part way through a range
 *	starts at the right index.
 * @last_va: Last input address of the range, inclusive, so that a range
 *	ending at the top of the 64 bit space can be described.
 * @top_level: Level of @top_table, from the same snapshot.
 * @max_vasz_lg2: Input address bits the snapshot's top level covers.
 */
struct pt_range {
	struct pt_common *common;
	struct pt_table_p *top_table;
	pt_vaddr_t va;
	pt_vaddr_t last_va;
	u8 top_level;
	u8 max_vasz_lg2;
};

/**
 * struct pt_state - the cursor of a walk within one table
 * @range: the walk this cursor belongs to
 * @table: The table being walked.
 * @table_lower: The child table of the current entry, valid after
 *	pt_load_entry() returned PT_ENTRY_TABLE.
 * @entry: Raw value of the current item, as read by pt_load_entry().
 * @type: Classification of @entry.
 * @index: Current item in @table. A stage 2 top of 16 concatenated
 *	64KiB tables has 2^17 items, so this is not narrower than int.
 * @end_index: One past the last item of @table the range touches.
 * @level: Level of @table. Walkers are instantiated per level so that
 *	this is a compile time constant in each copy of the walker.
 */
struct pt_state {
	struct pt_range *range;
	struct pt_table_p *table;
	struct pt_table_p *table_lower;
	u64 entry;
	enum pt_entry_type type;
	unsigned int index;
	unsigned int end_index;
	u8 level;
};

/**
 * PT_WARN_ON() - test a condition that must not happen
 * @cond: the condition
 *
 * Evaluates @cond exactly once in every build, like WARN_ON(); only the
 * warning depends on CONFIG_DEBUG_GENERIC_PT. Callers may therefore put an
 * operation with a side effect in @cond, and the production build behaves
 * like the debug build.
 *
 * Return: the truth of @cond.
 */
#define PT_WARN_ON(cond)                                              \
	({                                                            \
		bool __pt_cond = !!(cond);                            \
		if (IS_ENABLED(CONFIG_DEBUG_GENERIC_PT))              \
			WARN_ON(__pt_cond);                           \
		unlikely(__pt_cond);                                  \
	})

/*
 * Names of per format symbols: NS(map_pages) is pt_iommu_amdv1_map_pages
 * when PT_FMT is amdv1.
 */
#define NS(name) CONCATENATE(CONCATENATE(pt_iommu_, PT_FMT), CONCATENATE(_, name))

/**
 * pt_feature() - test if a feature is enabled for a table
 * @common: table
 * @feature_nr: enum pt_features or format PT_FEAT_* number
 *
 * Features the format cannot support fold to false and features it always
 * needs fold to true at compile time, so code for them disappears.
 *
 * Return: true if the feature is enabled.
 */
static __always_inline bool pt_feature(const struct pt_common *common,
				       unsigned int feature_nr)
{
	if (PT_FORCE_ENABLED_FEATURES & BIT(feature_nr))
		return true;
	if (!(PT_SUPPORTED_FEATURES & BIT(feature_nr)))
		return false;
	return common->features & BIT(feature_nr);
}

/**
 * pts_feature() - pt_feature() of the table a cursor walks
 * @pts: cursor
 * @feature_nr: enum pt_features or format PT_FEAT_* number
 *
 * Return: true if the feature is enabled.
 */
static __always_inline bool pts_feature(const struct pt_state *pts,
					unsigned int feature_nr)
{
	return pt_feature(pts->range->common, feature_nr);
}

/**
 * pt_cur_table() - the table of a cursor as an array of items
 * @pts: cursor
 * @type: the type of an item, u64 for PT_ITEM_WORD_SIZE 8
 *
 * Return: a pointer to the first item of pts->table.
 */
#define pt_cur_table(pts, type) ((type *)((pts)->table))

/**
 * pt_table_install64() - install a table entry with compare-and-exchange
 * @pts: cursor on the item; pts->entry holds the value last loaded
 * @table_entry: the new entry
 *
 * Installs against the value the caller loaded into pts->entry, which must
 * have been classified PT_ENTRY_EMPTY, so that of two threads mapping
 * disjoint ranges under one empty item only one installs its table.
 * Release ordering publishes the new table's zeroed contents before the
 * entry that points to it.
 *
 * Return: true if installed, false if the item changed since it was loaded.
 */
static inline bool pt_table_install64(struct pt_state *pts, u64 table_entry)
{
	u64 *entryp = pt_cur_table(pts, u64) + pts->index;
	u64 old_entry = pts->entry;
	bool ret;

	ret = try_cmpxchg64_release(entryp, &old_entry, table_entry);
	if (ret)
		pts->entry = table_entry;
	return ret;
}

/**
 * pt_item64_write() - store a 64 bit item that a walker may read at any time
 * @itemp: the item
 * @value: its new value
 *
 * A 32 bit kernel stores a u64 as two 32 bit halves, and the IOMMU, which
 * reads whole items, can fetch the item between the two stores. With the
 * halves in the wrong order it would find a present item with the old high
 * half, which with output addresses at or above 4GiB is another page. Every
 * format keeps the bits that make an item present in its low half, so the
 * halves are ordered to show the walker only the old item, a non-present
 * one, or the new item: a present item first loses its low half, then the
 * high half is written, then the new low half. dma_wmb() orders the stores
 * as the device sees them. A 64 bit kernel stores the item at once.
 */
static inline void pt_item64_write(u64 *itemp, u64 value)
{
	u32 *halves = (u32 *)itemp;
	u32 *low = &halves[IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)];
	u32 *high = &halves[!IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)];

	if (IS_ENABLED(CONFIG_64BIT)) {
		WRITE_ONCE(*itemp, value);
		return;
	}
	if (READ_ONCE(*low)) {
		WRITE_ONCE(*low, 0);
		dma_wmb();
	}
	WRITE_ONCE(*high, upper_32_bits(value));
	if (lower_32_bits(value)) {
		dma_wmb();
		WRITE_ONCE(*low, lower_32_bits(value));
	}
}

/**
 * pt_item64_clear_bits() - atomically clear bits of a 64 bit item
 * @itemp: the item
 * @bits: the bits to clear
 *
 * For bits the hardware walker may set at any time (dirty): a plain
 * read-modify-write could lose an update made between the load and the
 * store.
 */
static inline void pt_item64_clear_bits(u64 *itemp, u64 bits)
{
	u64 old = READ_ONCE(*itemp);

	while (old & bits && !try_cmpxchg64(itemp, &old, old & ~bits))
		;
}

/**
 * pt_item64_set_bits_if() - atomically set bits of an item that has others
 * @itemp: the item
 * @bits: the bits to set
 * @required: bits that must all be set in the item
 *
 * Atomic against the hardware walker updating the item concurrently.
 *
 * Return: true if @bits are set in the item, false if it lacks @required.
 */
static inline bool pt_item64_set_bits_if(u64 *itemp, u64 bits, u64 required)
{
	u64 old = READ_ONCE(*itemp);

	do {
		if ((old & required) != required)
			return false;
	} while (!try_cmpxchg64(itemp, &old, old | bits));
	return true;
}

static inline struct pt_table_p *pt_top_table(uintptr_t top_of_table)
{
	return (struct pt_table_p *)(top_of_table & ~(uintptr_t)PT_TOP_LEVEL_MASK);
}

static inline unsigned int pt_top_level(uintptr_t top_of_table)
{
	return top_of_table & PT_TOP_LEVEL_MASK;
}

static inline uintptr_t pt_make_top_of_table(struct pt_table_p *table,
					     unsigned int level)
{
	return (uintptr_t)table | level;
}

#endif
