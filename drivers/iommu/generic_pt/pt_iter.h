/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking a range of the table, one level at a time.
 *
 * A walker is a function that handles the items of one table that a range
 * touches and calls the walker of the level below for table entries. It is
 * written once as an __always_inline function taking the level, and
 * PT_MAKE_LEVELS() stamps out one copy per level so that the level, and
 * every format function of it, is a constant in each copy: per level
 * branches of the format fold away and the descent is a direct call.
 */
#ifndef __GENERIC_PT_ITER_H
#define __GENERIC_PT_ITER_H

#include "pt_common.h"

/**
 * pt_init() - start a cursor on the part of a table a range covers
 * @range: walk, range->va is the first address to visit in @table
 * @level: level of @table
 * @table: table memory
 *
 * Return: cursor with index at range->va and end_index one past the item
 * holding range->last_va, or the end of the table.
 */
static __always_inline struct pt_state pt_init(struct pt_range *range,
					       unsigned int level,
					       struct pt_table_p *table)
{
	struct pt_state pts = {
		.range = range,
		.table = table,
		.level = level,
	};
	unsigned int num_items_lg2 = pt_num_items_lg2(&pts);
	unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);

	pts.index = log2_mod(log2_div(range->va, isz_lg2), num_items_lg2);
	if (log2_div_eq(range->va, range->last_va, pt_table_oa_lg2sz(&pts)))
		pts.end_index = log2_mod(log2_div(range->last_va, isz_lg2),
					 num_items_lg2) + 1;
	else
		pts.end_index = log2_to_int(num_items_lg2);
	return pts;
}

/* Start a cursor on the top table of a range */
static __always_inline struct pt_state pt_init_top(struct pt_range *range)
{
	return pt_init(range, range->top_level, range->top_table);
}

/**
 * typedef pt_level_fn_t - a walker instantiated for one level
 * @range: the walk
 * @arg: walker specific state
 * @table: table to walk, of the instance's own level
 *
 * Return: 0 to continue, a negative errno or a positive walker specific
 * code to stop the whole walk.
 */
typedef int (*pt_level_fn_t)(struct pt_range *range, void *arg,
			     struct pt_table_p *table);

/**
 * typedef pt_walk_fn_t - a walker for a table of any level
 * @range: the walk
 * @arg: walker specific state
 * @level: level of @table
 * @table: table to walk
 *
 * Calls the pt_level_fn_t instance of @level.
 *
 * Return: as pt_level_fn_t; -EINVAL for a level above PT_MAX_TOP_LEVEL.
 */
typedef int (*pt_walk_fn_t)(struct pt_range *range, void *arg,
			    unsigned int level, struct pt_table_p *table);

/*
 * PT_MAKE_LEVELS(fn, do_fn) defines one pt_level_fn_t instance per level,
 * fn_l0 to fn_l5, each running the __always_inline
 *   int do_fn(range, arg, level, table, pt_level_fn_t descend_fn)
 * with its constant level; descend_fn is the instance for level - 1, NULL
 * at level 0. fn itself is the pt_walk_fn_t that picks the instance of a
 * run-time level (pt_walk_range(): the top). Instances above
 * PT_MAX_TOP_LEVEL are never referenced.
 */
#define __PT_LEVEL_FN(fn, do_fn, lvl, lower)                                 \
	static int __maybe_unused fn##_l##lvl(struct pt_range *range,       \
					      void *arg,                    \
					      struct pt_table_p *table)      \
	{                                                                    \
		return do_fn(range, arg, lvl, table, lower);                 \
	}

#define PT_MAKE_LEVELS(fn, do_fn)                                            \
	__PT_LEVEL_FN(fn, do_fn, 0, NULL)                                    \
	__PT_LEVEL_FN(fn, do_fn, 1, fn##_l0)                                 \
	__PT_LEVEL_FN(fn, do_fn, 2, fn##_l1)                                 \
	__PT_LEVEL_FN(fn, do_fn, 3, fn##_l2)                                 \
	__PT_LEVEL_FN(fn, do_fn, 4, fn##_l3)                                 \
	__PT_LEVEL_FN(fn, do_fn, 5, fn##_l4)                                 \
	static int fn(struct pt_range *range, void *arg, unsigned int level, \
		      struct pt_table_p *table)                              \
	{                                                                    \
		static_assert(PT_MAX_TOP_LEVEL <= 5);                        \
		switch (level) {                                             \
		case 0:                                                      \
			return fn##_l0(range, arg, table);                   \
		case 1:                                                      \
			return fn##_l1(range, arg, table);                   \
		case 2:                                                      \
			return fn##_l2(range, arg, table);                   \
		case 3:                                                      \
			return fn##_l3(range, arg, table);                   \
		case 4:                                                      \
			if (PT_MAX_TOP_LEVEL >= 4)                           \
				return fn##_l4(range, arg, table);           \
			break;                                               \
		case 5:                                                      \
			if (PT_MAX_TOP_LEVEL >= 5)                           \
				return fn##_l5(range, arg, table);           \
			break;                                               \
		}                                                            \
		return -EINVAL;                                              \
	}

/*
 * Call the walker of the level below for the table entry at pts. At level 0
 * descend_fn is the constant NULL and the call folds away.
 */
static __always_inline int pt_descend(struct pt_state *pts, void *arg,
				      pt_level_fn_t descend_fn)
{
	if (!descend_fn)
		return -EINVAL;
	return descend_fn(pts->range, arg, pts->table_lower);
}

/* Walk the whole range from the top with a PT_MAKE_LEVELS() walker */
static inline int pt_walk_range(struct pt_range *range, pt_walk_fn_t fn,
				void *arg)
{
	return fn(range, arg, range->top_level, range->top_table);
}

#endif
