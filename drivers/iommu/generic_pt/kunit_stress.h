/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit suite of the lockless contract, compiled once per format: threads
 * that race map and unmap on disjoint ranges sharing tables at every level.
 *
 * GENERIC_PT.md section 3: callers never operate on overlapping ranges, but
 * disjoint ranges may share tables, which are installed with
 * compare-and-exchange against the empty entry the walker read (the loser
 * frees its table and uses the winner's), freed only by an operation whose
 * range covers all of them, and, with PT_FEAT_DYNAMIC_TOP, grown above the
 * top under the driver's top lock while others walk the old top.
 *
 * Addresses are cut into units, each owned by one thread. The units of
 * level L are items of level L (a whole level L-1 table below each) and
 * the threads' units are interleaved in the same level L tables, so that
 * every table above a unit is shared by all threads. The work goes in
 * rounds, each on a fresh table in which all of those are still to be
 * installed: the threads start a round together and their first calls go
 * into the same empty shared tables, bottom up, so that they race to
 * install them. A table that grows its top gets one page per thread above
 * the top at different heights among the first calls: growths race each
 * other and the mappers below. Then, at random, on its own units a thread:
 *
 *  - maps the whole unit with the output address misaligned by one level
 *    L-1 item, which takes a full level L-1 table of leaves, and unmaps the
 *    whole unit, which frees that table: leaf tables are installed and
 *    freed next to the other threads' live mappings in the shared table;
 *  - maps only the first page of the unit and unmaps it, which leaves the
 *    empty tables below the unit in place, and later maps the whole unit
 *    aligned with one leaf over them: the map frees them through its own
 *    iotlb_sync;
 *  - maps over one of its live mappings (-EADDRINUSE, nothing mapped) and
 *    unmaps where nothing is mapped (0).
 *
 * Each thread checks every call against its own model of its units: the
 * return code and *mapped of map, the length unmap returns, and
 * iova_to_phys at the first, last and a random byte of what changed; and
 * every unit at the end of the round. Then the whole tree is walked: with
 * PT_FEAT_DMA_INCOHERENT every table entry must carry
 * PT_SW_BIT_WRITTEN_BACK, whoever installed the table, and the iommu pages
 * counter must account for exactly the tables in the tree, and after
 * deinit for none.
 *
 * Coverage counters make sure the races happened: installs lost to
 * another thread, tables freed by unmap, map calls that freed empty tables
 * and, for a table that can grow, changes of the top.
 */
#ifndef __GENERIC_PT_KUNIT_STRESS_H
#define __GENERIC_PT_KUNIT_STRESS_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/generic_pt/iommu.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include "../iommu-pages.h"
#include "kunit_iommu_pages.h"

#define kstress_table CONCATENATE(pt_iommu_, PT_FMT)
#define kstress_cfg CONCATENATE(kstress_table, _cfg)

/* Map and unmap calls of each thread per configuration, all rounds */
#define KSTRESS_CALLS_PER_THREAD 100000
/* Fresh tables per configuration: each round races for the shared ones */
#define KSTRESS_ROUNDS 100
/* Threads: one per online CPU, and at least this many */
#define KSTRESS_MIN_THREADS 4
/* Shared tables per level, and units of each thread in each of them */
#define KSTRESS_GROUPS 8
#define KSTRESS_UNITS_PER_GROUP 2
/*
 * A table that grows on demand gets units up to this level even if it
 * starts lower (amdv1 from level 0): the threads grow it by mapping them.
 */
#define KSTRESS_LAYOUT_TOP_LEVEL 2
/* Output addresses are random below this, or the table's limit */
#define KSTRESS_MAX_OA_LG2 48
/*
 * Mapping the first page of a unit zeroes (and writes back) a new table
 * below it, splitting it writes a whole table of leaves: where tables have
 * more items than this (16KiB and 64KiB granules), do both proportionally
 * less often, so that every configuration costs about the same.
 */
#define KSTRESS_TABLE_ITEMS_LG2 9
#define KSTRESS_MAX_UNITS \
	((PT_MAX_TOP_LEVEL + 1) * KSTRESS_GROUPS * KSTRESS_UNITS_PER_GROUP + 1)
/* Mismatches printed per configuration; all are counted */
#define KSTRESS_MAX_REPORTS 8

enum kstress_unit_state {
	KSTRESS_EMPTY,
	/* Nothing mapped, but the unmap of the first page left tables */
	KSTRESS_EMPTY_TABLES,
	/* The first page is mapped */
	KSTRESS_FIRST,
	/* The whole unit, as leaves of the level below */
	KSTRESS_SPLIT,
	/* The whole unit, as one leaf */
	KSTRESS_ALIGNED,
};

/* The units of one level, the same for every thread */
struct kstress_level {
	/* First IOVA of the level's units */
	pt_vaddr_t base;
	unsigned int level;
	unsigned int unit_lg2;
	/* Item size of the level below, the leaves of a split unit */
	unsigned int lower_lg2;
	/* Span of one shared table of units, 0 for the top table */
	unsigned int group_lg2;
	unsigned int groups;
	/* Units of each thread in each group */
	unsigned int per_thread;
	/* One map in 2^table_rarity_lg2 of an empty unit makes a new table */
	unsigned int table_rarity_lg2;
	bool can_split;
	bool can_align;
};

struct kstress_unit {
	/* IOVA of the unit */
	pt_vaddr_t va;
	/* Output address of va while something is mapped */
	pt_oaddr_t oa;
	const struct kstress_level *lvl;
	enum kstress_unit_state state;
	/* The first unit of a level above 0 in the first calls of a round */
	bool barrier;
};

struct kstress;

struct kstress_thread {
	struct kstress *stress;
	struct task_struct *task;
	/* Start of a round (or the end of the test), and its end */
	struct completion go;
	struct completion done;
	unsigned int id;
	struct kfmt_rng rng;
	/* Unmaps gather here; map's own overmap sync uses its own gather */
	struct iommu_iotlb_gather gather;
	struct kstress_unit *units;
	unsigned int num_units;
	/* Units of the first calls of a round, see kstress_thread_units() */
	unsigned int *sweep;
	unsigned int num_sweep;

	/* Pages the table's iotlb_sync freed during the current map call */
	unsigned long map_sync_pages;

	/* Counters of one round, added up by the test after it */
	unsigned long calls;
	unsigned long mismatches;
	unsigned long alloc_pages;
	unsigned long lost_pages;
	unsigned long freed_pages;
	unsigned long unmap_freed_tables;
	unsigned long overmaps;
	unsigned long overmap_freed_tables;
};

struct kstress {
	struct kstress_table fmt_table;
	struct iommu_domain_ops domain_ops;
	struct kunit *test;
	const struct kstress_cfg *cfg;

	/* driver_ops: change_top() and get_top_lock() */
	spinlock_t top_lock;
	unsigned int change_top_calls;
	phys_addr_t top_pa;
	unsigned int top_level;

	/* The plan of the configuration */
	struct kstress_level levels[PT_MAX_TOP_LEVEL + 1];
	unsigned int num_levels;
	/* Level of the table the units are laid out in */
	unsigned int layout_top;
	/* The aperture reaches above the initial top */
	bool can_grow;
	/* Pages of a table below the top */
	unsigned int table_pages;
	/* Single pages above the top, one per thread, for table growth */
	struct kstress_level grow;
	unsigned int grow_heights;
	unsigned int min_lg2;
	unsigned int oa_lg2;

	unsigned int calls_per_round;
	unsigned int num_threads;
	struct kstress_thread *threads;
	/* Arrivals at the barriers of a round, see kstress_barrier() */
	atomic_t arrived;
	bool stop;
	atomic_t reports;
	/* iotlb_sync from a thread that is none of the test's */
	atomic_t foreign_syncs;
};

static struct kstress *kstress_from_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct kstress, fmt_table.iommu.domain);
}

static struct kstress *kstress_from_iommu(struct pt_iommu *iommu_table)
{
	return container_of(iommu_table, struct kstress, fmt_table.iommu);
}

static struct iommu_domain *kstress_domain(struct kstress *stress)
{
	return &stress->fmt_table.iommu.domain;
}

static struct pt_common *kstress_common(struct kstress *stress)
{
	return &stress->fmt_table.PT_IOMMU_MEMBER.common;
}

/* ---- allocation accounting ---- */

/*
 * A map that loses the race to install a table frees the table it
 * allocated at once: the iommu pages counter, which only sees the
 * difference, cannot tell. The page allocator's event counters of the CPU
 * can: maps run with preemption disabled (atomic context with GFP_ATOMIC,
 * as the DMA API may map), so what this CPU allocated and freed during the
 * call is what the call did. A lost install allocates and frees (as does
 * a PT_FEAT_DYNAMIC_TOP growth that finds the top grown by another
 * thread under the lock); the pages the table's iotlb_sync freed are no
 * loss. Taking the smaller of the allocations and the other frees keeps
 * an unrelated allocation or free in an interrupt from counting as one.
 */
#ifdef CONFIG_VM_EVENT_COUNTERS
static unsigned long kstress_cpu_alloc_pages(void)
{
	unsigned long pages = 0;
	unsigned int zid;

	/* The PGALLOC events are one per zone, see __count_zid_vm_events() */
	for (zid = 0; zid != MAX_NR_ZONES; zid++)
		pages += __this_cpu_read(vm_event_states.event[PGALLOC_NORMAL -
							       ZONE_NORMAL + zid]);
	return pages;
}

static unsigned long kstress_cpu_free_pages(void)
{
	return __this_cpu_read(vm_event_states.event[PGFREE]);
}
#else
static unsigned long kstress_cpu_alloc_pages(void)
{
	return 0;
}

static unsigned long kstress_cpu_free_pages(void)
{
	return 0;
}
#endif

/* ---- the driver side: iotlb_sync and the top ---- */

static struct kstress_thread *kstress_current(struct kstress *stress)
{
	unsigned int i;

	for (i = 0; i != stress->num_threads; i++)
		if (stress->threads[i].task == current)
			return &stress->threads[i];
	return NULL;
}

/*
 * Called concurrently by every thread: for its own unmap gather, and from
 * inside map for the tables an overmap unlinked. The test has no IOTLB:
 * freeing the tables and counting them is all there is to do, in the
 * calling thread's own counters.
 */
static void kstress_iotlb_sync(struct iommu_domain *domain,
			       struct iommu_iotlb_gather *gather)
{
	struct kstress *stress = kstress_from_domain(domain);
	struct kstress_thread *thr = kstress_current(stress);
	unsigned long tables = 0, pages = 0;
	struct page *page;

	list_for_each_entry(page, &gather->freelist, lru) {
		tables++;
		pages += compound_nr(page);
	}
	if (!thr) {
		atomic_inc(&stress->foreign_syncs);
	} else if (gather == &thr->gather) {
		thr->unmap_freed_tables += tables;
		thr->freed_pages += pages;
	} else if (tables) {
		thr->overmaps++;
		thr->overmap_freed_tables += tables;
		thr->freed_pages += pages;
		thr->map_sync_pages += pages;
	}
	iommu_put_pages_list(&gather->freelist);
}

static void kstress_change_top(struct pt_iommu *iommu_table,
			       phys_addr_t top_paddr, unsigned int top_level)
{
	struct kstress *stress = kstress_from_iommu(iommu_table);

	lockdep_assert_held(&stress->top_lock);
	stress->change_top_calls++;
	stress->top_pa = top_paddr;
	stress->top_level = top_level;
}

static spinlock_t *kstress_get_top_lock(struct pt_iommu *iommu_table)
{
	return &kstress_from_iommu(iommu_table)->top_lock;
}

static const struct pt_iommu_driver_ops kstress_driver_ops = {
	.change_top = kstress_change_top,
	.get_top_lock = kstress_get_top_lock,
};

/* ---- the plan: where the units of each level are ---- */

static pt_vaddr_t kstress_max_iova(struct kstress *stress)
{
	return kstress_domain(stress)->geometry.aperture_end;
}

/* True if [va, va + len) lies in the aperture */
static bool kstress_fits(struct kstress *stress, pt_vaddr_t va, pt_vaddr_t len)
{
	return va >= kstress_domain(stress)->geometry.aperture_start &&
	       va <= kstress_max_iova(stress) &&
	       len - 1 <= kstress_max_iova(stress) - va;
}

/* va rounded up to 2^lg2, or false if that wraps */
static bool kstress_align_up(pt_vaddr_t *va, unsigned int lg2)
{
	pt_vaddr_t up;

	if (lg2 >= PT_VADDR_MAX_LG2 ||
	    check_add_overflow(*va, log2_to_max_int(lg2), &up))
		return false;
	*va = log2_set_mod(up, 0, lg2);
	return true;
}

/*
 * Lay out the units of level @level from *cursor on: in up to
 * KSTRESS_GROUPS shared tables of that level, or, at the top, in the top
 * table after what the levels below took.
 */
static void kstress_plan_level(struct kstress *stress, struct pt_range *range,
			       unsigned int level, unsigned int layout_top,
			       pt_vaddr_t *cursor)
{
	struct kstress_level *lvl = &stress->levels[stress->num_levels];
	u64 pgsizes = kstress_domain(stress)->pgsize_bitmap;
	struct pt_state pts = { .range = range, .level = level };
	unsigned int units = stress->num_threads;
	pt_vaddr_t base = *cursor;

	*lvl = (struct kstress_level){
		.level = level,
		.unit_lg2 = pt_table_item_lg2sz(&pts),
	};
	if (level) {
		struct pt_state lower = { .range = range, .level = level - 1 };

		lvl->lower_lg2 = pt_table_item_lg2sz(&lower);
		/* Full tables of smaller leaves would not be cheap */
		lvl->can_split = pgsizes & BIT_ULL(lvl->lower_lg2);
		if (!lvl->can_split)
			return;
		if (pt_num_items_lg2(&lower) > KSTRESS_TABLE_ITEMS_LG2)
			lvl->table_rarity_lg2 = pt_num_items_lg2(&lower) -
						KSTRESS_TABLE_ITEMS_LG2;
	}
	lvl->can_align = lvl->unit_lg2 > stress->min_lg2 &&
			 pgsizes & BIT_ULL(lvl->unit_lg2);
	/* Room for a misaligned output range, and for a few choices of it */
	if (lvl->unit_lg2 + 2 > stress->oa_lg2)
		return;

	if (level < layout_top) {
		struct pt_state upper = { .range = range, .level = level + 1 };

		lvl->group_lg2 = pt_table_item_lg2sz(&upper);
		lvl->per_thread = KSTRESS_UNITS_PER_GROUP;
		units *= lvl->per_thread;
		if (units > log2_to_int(pt_num_items_lg2(&pts)) ||
		    !kstress_align_up(&base, lvl->group_lg2))
			return;
		while (lvl->groups != KSTRESS_GROUPS &&
		       kstress_fits(stress,
				    base + log2_mul(lvl->groups, lvl->group_lg2),
				    log2_mul(units, lvl->unit_lg2)))
			lvl->groups++;
		if (!lvl->groups)
			return;
		*cursor = base + log2_mul(lvl->groups, lvl->group_lg2);
	} else {
		pt_vaddr_t end = log2_set_mod_max(base,
						  pt_table_oa_lg2sz(&pts));
		u64 avail;

		/* The top table's remaining items, up to a limit */
		end = min(end, kstress_max_iova(stress));
		if (!kstress_align_up(&base, lvl->unit_lg2) || base > end)
			return;
		/* Whole units in [base, end], in 32 bits for the division */
		avail = min_t(u64, U32_MAX,
			      log2_div(end - base, lvl->unit_lg2) +
				      log2_mod_eq_max(end - base, lvl->unit_lg2));
		lvl->groups = 1;
		lvl->per_thread = min_t(unsigned int,
					KSTRESS_GROUPS * KSTRESS_UNITS_PER_GROUP,
					(u32)avail / stress->num_threads);
		if (!lvl->per_thread)
			return;
		*cursor = base + log2_mul(units * lvl->per_thread,
					  lvl->unit_lg2);
	}
	lvl->base = base;
	stress->num_levels++;
}

/*
 * Plan the units of the configuration on its freshly initialised table:
 * every level that can hold units, packed from the start of the aperture
 * so that all share the tables above them, and for a table that can grow
 * one page per thread above the top at different heights.
 */
static void kstress_plan(struct kstress *stress)
{
	struct pt_common *common = kstress_common(stress);
	struct pt_range range = pt_make_range(common, 0, 0);
	unsigned int layout_top = range.top_level;
	pt_vaddr_t cursor;
	unsigned int level;
	struct pt_state level0 = { .range = &range, .level = 0 };

	stress->min_lg2 = __ffs(kstress_domain(stress)->pgsize_bitmap);
	stress->oa_lg2 = min(common->max_oasz_lg2, KSTRESS_MAX_OA_LG2);
	stress->table_pages =
		1 << get_order(log2_to_int(pt_table_mem_lg2sz(&level0)));
	stress->can_grow = pt_feature(common, PT_FEAT_DYNAMIC_TOP) &&
			   range.max_vasz_lg2 < PT_VADDR_MAX_LG2 &&
			   kstress_fits(stress, log2_to_int(range.max_vasz_lg2),
					log2_to_int(stress->min_lg2));
	if (pt_feature(common, PT_FEAT_DYNAMIC_TOP))
		layout_top = max(layout_top, min(KSTRESS_LAYOUT_TOP_LEVEL,
						 PT_MAX_TOP_LEVEL));
	range.top_level = layout_top;
	stress->layout_top = layout_top;

	stress->num_levels = 0;
	cursor = kstress_domain(stress)->geometry.aperture_start;
	for (level = 0; level <= layout_top; level++)
		kstress_plan_level(stress, &range, level, layout_top, &cursor);

	/*
	 * A page at 2^(span of a table topped at level h - 1) needs the table
	 * to reach level h. Thread t maps one at height
	 * layout_top + 1 + t % grow_heights, as high as the aperture allows.
	 */
	stress->grow = (struct kstress_level){
		.unit_lg2 = pt_table_item_lg2sz(&level0),
		.groups = 1,
		.per_thread = 1,
	};
	stress->grow_heights = 0;
	if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
		return;
	for (level = layout_top + 1; level <= PT_MAX_TOP_LEVEL; level++) {
		unsigned int vasz_lg2 = pt_top_vasz_lg2(common, level - 1);

		if (vasz_lg2 >= PT_VADDR_MAX_LG2 ||
		    !kstress_fits(stress, log2_to_int(vasz_lg2),
				  log2_mul(stress->num_threads,
					   stress->grow.unit_lg2)))
			break;
		stress->grow_heights++;
	}
}

/* The units of one thread for a new round, all empty */
static void kstress_thread_units(struct kstress_thread *thr)
{
	struct kstress *stress = thr->stress;
	unsigned int num_threads = stress->num_threads;
	unsigned int grow_sweep = UINT_MAX;
	unsigned int i, g, k;

	thr->num_units = 0;
	thr->num_sweep = 0;
	if (stress->grow_heights) {
		unsigned int height = stress->layout_top + 1 +
				      thr->id % stress->grow_heights;
		unsigned int vasz_lg2 =
			pt_top_vasz_lg2(kstress_common(stress), height - 1);

		thr->units[thr->num_units++] = (struct kstress_unit){
			.va = log2_to_int(vasz_lg2) +
			      log2_mul(thr->id, stress->grow.unit_lg2),
			.lvl = &stress->grow,
		};
		grow_sweep = 0;
	}
	/*
	 * Bottom up: the first unit below the top needs a table at every
	 * level below the top, all of them shared and empty, so the threads'
	 * first calls race for all of them.
	 */
	for (i = 0; i != stress->num_levels; i++) {
		const struct kstress_level *lvl = &stress->levels[i];

		for (g = 0; g != lvl->groups; g++) {
			for (k = 0; k != lvl->per_thread; k++) {
				pt_vaddr_t index = thr->id + k * num_threads;

				if (!k)
					thr->sweep[thr->num_sweep++] =
						thr->num_units;
				thr->units[thr->num_units++] =
					(struct kstress_unit){
						.va = lvl->base +
						      log2_mul(g, lvl->group_lg2) +
						      log2_mul(index, lvl->unit_lg2),
						.lvl = lvl,
						.barrier = i && !g && !k,
					};
			}
		}
	}
	/*
	 * Even threads grow the table with their first call, odd ones with
	 * their second, after a map below the top: growths race each other
	 * and the mappers of the lower part.
	 */
	if (grow_sweep != UINT_MAX) {
		for (i = thr->num_sweep; i != 0; i--)
			thr->sweep[i] = thr->sweep[i - 1];
		thr->sweep[0] = grow_sweep;
		thr->num_sweep++;
		if (thr->id % 2 && thr->num_sweep > 1)
			swap(thr->sweep[0], thr->sweep[1]);
	}
}

/* ---- one call and its checks ---- */

static void kstress_mismatch(struct kstress_thread *thr, const char *what,
			     pt_vaddr_t va, u64 got, u64 expected)
{
	struct kstress *stress = thr->stress;

	thr->mismatches++;
	if (atomic_inc_return(&stress->reports) <= KSTRESS_MAX_REPORTS)
		pr_err("%s_stress: cfg%td thread %u: %s at %#llx: %#llx, expected %#llx\n",
		       __stringify(PT_FMT), stress->cfg - kunit_fmt_cfgs,
		       thr->id, what, (u64)va, got, expected);
}

static void kstress_expect_phys(struct kstress_thread *thr, pt_vaddr_t va,
				pt_oaddr_t expected)
{
	pt_oaddr_t phys = NS(iova_to_phys)(kstress_domain(thr->stress), va);

	if (phys != expected)
		kstress_mismatch(thr, "iova_to_phys", va, phys, expected);
}

/*
 * [va, va + len) translates to [oa, oa + len), or nothing if oa is 0: the
 * first, the last and a random byte.
 */
static void kstress_expect_range(struct kstress_thread *thr, pt_vaddr_t va,
				 pt_vaddr_t len, pt_oaddr_t oa)
{
	pt_vaddr_t offset = kfmt_rand(&thr->rng) & (len - 1);

	kstress_expect_phys(thr, va, oa);
	kstress_expect_phys(thr, va + len - 1, oa ? oa + len - 1 : 0);
	kstress_expect_phys(thr, va + offset, oa ? oa + offset : 0);
}

/*
 * A random output address aligned to 2^lg2, never 0 (iova_to_phys returns
 * 0 for nothing mapped), or 2^misalign_lg2 past such an address.
 */
static pt_oaddr_t kstress_pick_oa(struct kstress_thread *thr, unsigned int lg2,
				  unsigned int misalign_lg2, bool misalign)
{
	unsigned int blocks_lg2 = thr->stress->oa_lg2 - lg2;
	u64 block = kfmt_rand(&thr->rng) & log2_to_max_int(blocks_lg2);

	if (misalign)
		return log2_mul(min(block, log2_to_max_int(blocks_lg2) - 1), lg2) +
		       log2_to_int(misalign_lg2);
	return log2_mul(max_t(u64, block, 1), lg2);
}

/* The map call, in atomic context so that kstress_cpu_*() see only it */
static int kstress_map_call(struct kstress_thread *thr, pt_vaddr_t va,
			    pt_oaddr_t oa, pt_vaddr_t len, size_t *mapped)
{
	struct kstress *stress = thr->stress;
	unsigned long allocs, frees;
	long others;
	int ret;

	*mapped = 0;
	preempt_disable();
	thr->map_sync_pages = 0;
	allocs = kstress_cpu_alloc_pages();
	frees = kstress_cpu_free_pages();
	ret = NS(map_pages)(kstress_domain(stress), va, oa,
			    log2_to_int(stress->min_lg2),
			    log2_div(len, stress->min_lg2),
			    IOMMU_READ | IOMMU_WRITE, GFP_ATOMIC, mapped);
	allocs = kstress_cpu_alloc_pages() - allocs;
	others = kstress_cpu_free_pages() - frees - thr->map_sync_pages;
	preempt_enable();

	thr->calls++;
	thr->alloc_pages += allocs;
	thr->lost_pages += clamp_t(long, others, 0, allocs);
	return ret;
}

static size_t kstress_unmap_call(struct kstress_thread *thr, pt_vaddr_t va,
				 pt_vaddr_t len)
{
	struct kstress *stress = thr->stress;
	size_t ret;

	ret = NS(unmap_pages)(kstress_domain(stress), va,
			      log2_to_int(stress->min_lg2),
			      log2_div(len, stress->min_lg2), &thr->gather);
	iommu_iotlb_sync(kstress_domain(stress), &thr->gather);
	thr->calls++;
	return ret;
}

static pt_vaddr_t kstress_mapped_len(const struct kstress_unit *unit,
				     unsigned int min_lg2)
{
	if (unit->state == KSTRESS_FIRST)
		return log2_to_int(min_lg2);
	return log2_to_int(unit->lvl->unit_lg2);
}

/* Map what @state says into the empty unit */
static void kstress_map_unit(struct kstress_thread *thr,
			     struct kstress_unit *unit,
			     enum kstress_unit_state state)
{
	const struct kstress_level *lvl = unit->lvl;
	unsigned int min_lg2 = thr->stress->min_lg2;
	pt_vaddr_t len = log2_to_int(lvl->unit_lg2);
	size_t mapped;
	pt_oaddr_t oa;
	int ret;

	switch (state) {
	case KSTRESS_FIRST:
		len = log2_to_int(min_lg2);
		oa = kstress_pick_oa(thr, min_lg2, 0, false);
		break;
	case KSTRESS_SPLIT:
		oa = kstress_pick_oa(thr, lvl->unit_lg2, lvl->lower_lg2, true);
		break;
	default:
		oa = kstress_pick_oa(thr, lvl->unit_lg2, 0, false);
		break;
	}

	ret = kstress_map_call(thr, unit->va, oa, len, &mapped);
	if (ret || mapped != len) {
		if (ret)
			kstress_mismatch(thr, "map", unit->va, ret, 0);
		else
			kstress_mismatch(thr, "map length", unit->va, mapped,
					 len);
		/* Unwind as the IOMMU core does, the tables stay */
		if (mapped)
			kstress_unmap_call(thr, unit->va, mapped);
		unit->state = KSTRESS_EMPTY_TABLES;
		return;
	}
	unit->oa = oa;
	unit->state = state;
	kstress_expect_range(thr, unit->va, len, oa);
}

static void kstress_unmap_unit(struct kstress_thread *thr,
			       struct kstress_unit *unit)
{
	unsigned int min_lg2 = thr->stress->min_lg2;
	pt_vaddr_t mapped_len = kstress_mapped_len(unit, min_lg2);
	pt_vaddr_t len = mapped_len;
	size_t ret;

	/* Past the first page: unmap stops at the hole after it */
	if (unit->state == KSTRESS_FIRST && kfmt_rand(&thr->rng) % 2)
		len = log2_to_int(unit->lvl->unit_lg2);
	ret = kstress_unmap_call(thr, unit->va, len);
	if (ret != mapped_len)
		kstress_mismatch(thr, "unmap", unit->va, ret, mapped_len);
	kstress_expect_range(thr, unit->va, mapped_len, 0);
	/* Unmapping the first page does not cover the tables below the unit */
	if (unit->state == KSTRESS_FIRST && unit->lvl->unit_lg2 > min_lg2)
		unit->state = KSTRESS_EMPTY_TABLES;
	else
		unit->state = KSTRESS_EMPTY;
}

/* Map over a live mapping: refused before anything is written */
static void kstress_conflict(struct kstress_thread *thr,
			     struct kstress_unit *unit)
{
	unsigned int min_lg2 = thr->stress->min_lg2;
	pt_vaddr_t len = log2_to_int(min_lg2);
	pt_oaddr_t oa;
	size_t mapped;
	int ret;

	/* Over the first page: the whole unit, else just the first page */
	if (unit->state == KSTRESS_FIRST)
		len = log2_to_int(unit->lvl->unit_lg2);
	oa = kstress_pick_oa(thr, unit->lvl->unit_lg2, 0, false);
	ret = kstress_map_call(thr, unit->va, oa, len, &mapped);
	if (ret != -EADDRINUSE)
		kstress_mismatch(thr, "map over a mapping", unit->va, ret,
				 -EADDRINUSE);
	if (mapped)
		kstress_mismatch(thr, "map over a mapping length", unit->va,
				 mapped, 0);
	kstress_expect_phys(thr, unit->va, unit->oa);
	if (len > kstress_mapped_len(unit, min_lg2))
		kstress_expect_phys(thr, unit->va + len - 1, 0);
}

/* Unmap where nothing is mapped */
static void kstress_unmap_hole(struct kstress_thread *thr,
			       struct kstress_unit *unit)
{
	pt_vaddr_t len = log2_to_int(unit->lvl->unit_lg2);
	size_t ret;

	ret = kstress_unmap_call(thr, unit->va, len);
	if (ret)
		kstress_mismatch(thr, "unmap of nothing", unit->va, ret, 0);
	kstress_expect_range(thr, unit->va, len, 0);
}

/* One call on the unit, chosen by its state; @sweep forces a map */
static void kstress_step(struct kstress_thread *thr, struct kstress_unit *unit,
			 bool sweep)
{
	const struct kstress_level *lvl = unit->lvl;
	u32 r = kfmt_rand(&thr->rng) >> 32;
	enum kstress_unit_state kinds[3];
	unsigned int num_kinds = 0;
	bool new_table;

	switch (unit->state) {
	case KSTRESS_EMPTY_TABLES:
		/* Mostly: one leaf over the empty tables, which it frees */
		if (lvl->can_align && r % 4) {
			kstress_map_unit(thr, unit, KSTRESS_ALIGNED);
			return;
		}
		fallthrough;
	case KSTRESS_EMPTY:
		if (!sweep && r % 16 == 1) {
			kstress_unmap_hole(thr, unit);
			return;
		}
		new_table = !log2_mod(r >> 16, lvl->table_rarity_lg2) ||
			    !lvl->can_align;
		if (new_table)
			kinds[num_kinds++] = KSTRESS_FIRST;
		if (new_table && lvl->can_split)
			kinds[num_kinds++] = KSTRESS_SPLIT;
		if (lvl->can_align)
			kinds[num_kinds++] = KSTRESS_ALIGNED;
		kstress_map_unit(thr, unit, kinds[(r >> 8) % num_kinds]);
		return;
	default:
		if (r % 16 == 1)
			kstress_conflict(thr, unit);
		else
			kstress_unmap_unit(thr, unit);
		return;
	}
}

/* What every unit of the thread translates to at the end of a round */
static void kstress_check_units(struct kstress_thread *thr)
{
	unsigned int i;

	for (i = 0; i != thr->num_units; i++) {
		struct kstress_unit *unit = &thr->units[i];
		pt_vaddr_t last = log2_to_max_int(unit->lvl->unit_lg2);

		if (unit->state == KSTRESS_EMPTY ||
		    unit->state == KSTRESS_EMPTY_TABLES) {
			kstress_expect_phys(thr, unit->va, 0);
			kstress_expect_phys(thr, unit->va + last, 0);
			continue;
		}
		last = kstress_mapped_len(unit, thr->stress->min_lg2) - 1;
		kstress_expect_phys(thr, unit->va, unit->oa);
		kstress_expect_phys(thr, unit->va + last, unit->oa + last);
	}
}

/*
 * Wait for every thread to arrive at the @nr-th barrier of the round. The
 * threads are woken microseconds apart and a vCPU may not even be running:
 * a barrier before the first calls into fresh shared tables makes them
 * overlap. Every thread passes the same barriers, in the same order.
 */
static void kstress_barrier(struct kstress *stress, unsigned int nr)
{
	atomic_inc(&stress->arrived);
	while (atomic_read(&stress->arrived) < nr * stress->num_threads)
		cond_resched();
}

/* One round of a thread on a fresh table */
static void kstress_thread_round(struct kstress_thread *thr)
{
	struct kstress *stress = thr->stress;
	unsigned int barriers = 0;
	unsigned int i;

	/*
	 * Start together, and meet again at the first unit of each level
	 * above 0: it is the first to need its shared tables.
	 */
	kstress_barrier(stress, ++barriers);
	for (i = 0; i != thr->num_sweep; i++) {
		struct kstress_unit *unit = &thr->units[thr->sweep[i]];

		if (unit->barrier)
			kstress_barrier(stress, ++barriers);
		kstress_step(thr, unit, true);
	}
	while (thr->calls < stress->calls_per_round) {
		kstress_step(thr,
			     &thr->units[kfmt_rand_below(&thr->rng,
							 thr->num_units)],
			     false);
		if (thr->calls % 64 == 0)
			cond_resched();
	}
	kstress_check_units(thr);
}

static int kstress_thread_fn(void *data)
{
	struct kstress_thread *thr = data;

	for (;;) {
		wait_for_completion(&thr->go);
		if (READ_ONCE(thr->stress->stop))
			break;
		kstress_thread_round(thr);
		complete(&thr->done);
	}
	kthread_complete_and_exit(&thr->done, 0);
}

/* ---- after a round ---- */

struct kstress_walk {
	unsigned long table_pages;
	unsigned long table_entries;
	unsigned long not_written_back;
};

static void kstress_walk_table(struct kstress_walk *walk,
			       struct pt_range *range, unsigned int level,
			       struct pt_table_p *table)
{
	struct pt_state pts = {
		.range = range,
		.table = table,
		.level = level,
	};
	unsigned int num_items = log2_to_int(pt_num_items_lg2(&pts));

	walk->table_pages += compound_nr(virt_to_page(table));
	for (pts.index = 0; pts.index != num_items; pts.index++) {
		pt_load_entry(&pts);
		if (pts.type != PT_ENTRY_TABLE)
			continue;
		walk->table_entries++;
		/* Whoever installed the table marked it after writing it back */
		if (pts_feature(&pts, PT_FEAT_DMA_INCOHERENT) &&
		    !pt_test_sw_bit_acquire(&pts, PT_SW_BIT_WRITTEN_BACK))
			walk->not_written_back++;
		kstress_walk_table(walk, range, level - 1, pts.table_lower);
	}
}

/* Totals of a configuration over its rounds */
struct kstress_totals {
	unsigned long calls;
	unsigned long mismatches;
	unsigned long lost_tables;
	unsigned long unmap_freed_tables;
	unsigned long overmaps;
	unsigned long overmap_freed_tables;
	unsigned long table_entries;
	unsigned long not_written_back;
	unsigned int change_top_calls;
	unsigned int leaky_rounds;
	unsigned int bad_tops;
	unsigned int unaccounted_rounds;
};

static int kstress_init_table(struct kstress *stress)
{
	struct kstress_cfg cfg = kfmt_full_cfg(stress->cfg);
	int ret;

	stress->change_top_calls = 0;
	ret = NS(init)(&stress->fmt_table, &cfg, GFP_KERNEL);
	kfmt_skip_unsupported(stress->test, &cfg, ret);
	return ret;
}

/* Release the threads on the fresh table and wait for them */
static void kstress_run_threads(struct kstress *stress, unsigned int round)
{
	unsigned int i;

	for (i = 0; i != stress->num_threads; i++) {
		struct kstress_thread *thr = &stress->threads[i];

		memset(&thr->calls, 0, sizeof(*thr) -
					       offsetof(struct kstress_thread,
							calls));
		/* Reproducible per configuration, round and thread */
		thr->rng.state = 0x676e707473747273ULL ^
				 ((u64)(stress->cfg - kunit_fmt_cfgs) << 48) ^
				 ((u64)round << 24) ^ (i + 1);
		iommu_iotlb_gather_init(&thr->gather);
		kstress_thread_units(thr);
	}
	atomic_set(&stress->arrived, 0);
	/* The completions order the above before the threads' round */
	for (i = 0; i != stress->num_threads; i++)
		complete(&stress->threads[i].go);
	for (i = 0; i != stress->num_threads; i++)
		wait_for_completion(&stress->threads[i].done);
}

/* End the threads; a kunit action, so that it also runs if a test aborts */
static void kstress_stop_threads(void *data)
{
	struct kstress *stress = data;
	unsigned int i;

	WRITE_ONCE(stress->stop, true);
	for (i = 0; i != stress->num_threads; i++) {
		if (!stress->threads[i].task)
			continue;
		complete(&stress->threads[i].go);
		wait_for_completion(&stress->threads[i].done);
		stress->threads[i].task = NULL;
	}
}

/* One thread per online CPU, at least KSTRESS_MIN_THREADS, waiting */
static int kstress_start_threads(struct kunit *test, struct kstress *stress)
{
	unsigned int online = num_online_cpus();
	unsigned int i;

	for (i = 0; i != stress->num_threads; i++) {
		struct kstress_thread *thr = &stress->threads[i];
		struct task_struct *task;

		init_completion(&thr->go);
		init_completion(&thr->done);
		task = kthread_create_on_cpu(kstress_thread_fn, thr,
					     cpumask_nth(i % online,
							 cpu_online_mask),
					     "genpt_stress/%u");
		if (IS_ERR(task)) {
			kstress_stop_threads(stress);
			return PTR_ERR(task);
		}
		thr->task = task;
		wake_up_process(task);
	}
	return kunit_add_action_or_reset(test, kstress_stop_threads, stress);
}

static void kstress_round(struct kunit *test, struct kstress *stress,
			  unsigned int round, struct kstress_totals *totals)
{
	long start_pages = kpt_iommu_pages();
	unsigned long alloc_pages = 0, lost_pages = 0, freed_pages = 0;
	unsigned long installed_pages;
	struct kstress_walk walk = {};
	struct pt_range range;
	long init_pages, live_pages;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, kstress_init_table(stress), 0);
	init_pages = kpt_iommu_pages() - start_pages;
	if (!round)
		kstress_plan(stress);

	kstress_run_threads(stress, round);

	for (i = 0; i != stress->num_threads; i++) {
		struct kstress_thread *thr = &stress->threads[i];

		totals->calls += thr->calls;
		totals->mismatches += thr->mismatches;
		totals->unmap_freed_tables += thr->unmap_freed_tables;
		totals->overmaps += thr->overmaps;
		totals->overmap_freed_tables += thr->overmap_freed_tables;
		alloc_pages += thr->alloc_pages;
		lost_pages += thr->lost_pages;
		freed_pages += thr->freed_pages;
	}

	range = pt_make_range(kstress_common(stress), 0, 0);
	kstress_walk_table(&walk, &range, range.top_level, range.top_table);
	totals->table_entries += walk.table_entries;
	totals->not_written_back += walk.not_written_back;

	/* Every table page allocated is in the tree: no lost install leaked */
	live_pages = kpt_iommu_pages() - start_pages;
	if (live_pages != walk.table_pages) {
		if (!totals->leaky_rounds++)
			kunit_err(test, "round %u: %ld table pages allocated, %lu in the tree",
				  round, live_pages, walk.table_pages);
	}

	/*
	 * Map calls allocated every table but the initial top, including
	 * those freed since: if the counters missed them, the lost installs
	 * they show mean nothing.
	 */
	installed_pages = walk.table_pages - init_pages + freed_pages;
	if (IS_ENABLED(CONFIG_VM_EVENT_COUNTERS) &&
	    alloc_pages < installed_pages) {
		if (!totals->unaccounted_rounds++)
			kunit_err(test, "round %u: maps allocated %lu pages, %lu installed",
				  round, alloc_pages, installed_pages);
	}
	totals->lost_tables += lost_pages / stress->table_pages;

	/* The driver was told about the top it ends with */
	totals->change_top_calls += stress->change_top_calls;
	if (stress->change_top_calls &&
	    (stress->top_pa != virt_to_phys(range.top_table) ||
	     stress->top_level != range.top_level))
		totals->bad_tops++;

	pt_iommu_deinit(&stress->fmt_table.iommu);
	if (kpt_iommu_pages() != start_pages) {
		if (!totals->leaky_rounds++)
			kunit_err(test, "round %u: %ld table pages left after deinit",
				  round, kpt_iommu_pages() - start_pages);
	}
}

/* ---- the test ---- */

static void kstress_test_race(struct kunit *test)
{
	const struct kstress_cfg *cfg = test->param_value;
	struct kstress_totals totals = {};
	bool can_split = false, can_overmap = false;
	struct kstress *stress;
	unsigned int i;
	unsigned int ms;
	ktime_t start;

	stress = kunit_kzalloc(test, sizeof(*stress), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stress);
	stress->test = test;
	stress->cfg = cfg;
	spin_lock_init(&stress->top_lock);
	stress->num_threads = max(KSTRESS_MIN_THREADS, num_online_cpus());
	stress->calls_per_round = KSTRESS_CALLS_PER_THREAD / KSTRESS_ROUNDS;
	stress->threads = kunit_kcalloc(test, stress->num_threads,
					sizeof(*stress->threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stress->threads);
	for (i = 0; i != stress->num_threads; i++) {
		struct kstress_thread *thr = &stress->threads[i];

		thr->stress = stress;
		thr->id = i;
		thr->units = kunit_kcalloc(test, KSTRESS_MAX_UNITS,
					   sizeof(*thr->units), GFP_KERNEL);
		thr->sweep = kunit_kcalloc(test, KSTRESS_MAX_UNITS,
					   sizeof(*thr->sweep), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, thr->units);
		KUNIT_ASSERT_NOT_NULL(test, thr->sweep);
	}

	/* What IOMMU_PT_DOMAIN_OPS() expands to, with the test's sync */
	stress->domain_ops = (struct iommu_domain_ops){
		.iova_to_phys = NS(iova_to_phys),
		.map_pages = NS(map_pages),
		.unmap_pages = NS(unmap_pages),
		.iotlb_sync = kstress_iotlb_sync,
	};
	stress->fmt_table.iommu.domain.ops = &stress->domain_ops;
	stress->fmt_table.iommu.driver_ops = &kstress_driver_ops;
	stress->fmt_table.iommu.nid = NUMA_NO_NODE;
	stress->fmt_table.iommu.iommu_device = kfmt_dma_device(test);

	start = ktime_get();
	KUNIT_ASSERT_EQ(test, kstress_start_threads(test, stress), 0);
	for (i = 0; i != KSTRESS_ROUNDS; i++)
		kstress_round(test, stress, i, &totals);
	ms = ktime_ms_delta(ktime_get(), start);

	for (i = 0; i != stress->num_levels; i++) {
		can_split |= stress->levels[i].can_split;
		can_overmap |= stress->levels[i].level &&
			       stress->levels[i].can_align;
	}
	kunit_info(test,
		   "cfg%td: %u threads on %u CPUs, %u rounds, %lu calls, %lu mismatches; lost installs %lu, unmap frees %lu, overmaps %lu (%lu tables), top growths %u, table entries %lu (%lu not written back), %u.%03u s",
		   cfg - kunit_fmt_cfgs, stress->num_threads, num_online_cpus(),
		   KSTRESS_ROUNDS, totals.calls, totals.mismatches,
		   totals.lost_tables, totals.unmap_freed_tables,
		   totals.overmaps, totals.overmap_freed_tables,
		   totals.change_top_calls, totals.table_entries,
		   totals.not_written_back, ms / 1000, ms % 1000);

	KUNIT_EXPECT_EQ(test, totals.calls,
			(unsigned long)stress->num_threads *
				stress->calls_per_round * KSTRESS_ROUNDS);
	KUNIT_EXPECT_EQ(test, totals.mismatches, 0);
	KUNIT_EXPECT_EQ(test, totals.leaky_rounds, 0);
	KUNIT_EXPECT_EQ(test, totals.not_written_back, 0);
	KUNIT_EXPECT_EQ(test, totals.bad_tops, 0);
	KUNIT_EXPECT_EQ(test, totals.unaccounted_rounds, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&stress->foreign_syncs), 0);

	/* The races and paths the suite is for did happen */
	if (IS_ENABLED(CONFIG_VM_EVENT_COUNTERS))
		KUNIT_EXPECT_GT(test, totals.lost_tables, 0);
	if (can_split)
		KUNIT_EXPECT_GT(test, totals.unmap_freed_tables, 0);
	if (can_overmap)
		KUNIT_EXPECT_GT(test, totals.overmaps, 0);
	if (stress->can_grow)
		KUNIT_EXPECT_GE(test, totals.change_top_calls, KSTRESS_ROUNDS);
	if (pt_feature(kstress_common(stress), PT_FEAT_DMA_INCOHERENT))
		KUNIT_EXPECT_GT(test, totals.table_entries, 0);
}

/*
 * The configurations: the format's first (its default), every one with an
 * incoherent walker (where the written-back bit races), and the first
 * that grows its top.
 */
static bool kstress_cfg_selected(const struct kstress_cfg *cfg)
{
	const struct kstress_cfg *other;

	if (cfg == kunit_fmt_cfgs ||
	    cfg->common.features & BIT(PT_FEAT_DMA_INCOHERENT))
		return true;
	if (!(cfg->common.features & BIT(PT_FEAT_DYNAMIC_TOP)))
		return false;
	for (other = kunit_fmt_cfgs; other != cfg; other++)
		if (other->common.features & BIT(PT_FEAT_DYNAMIC_TOP))
			return false;
	return true;
}

static const void *kstress_gen_params(const void *prev, char *desc)
{
	const struct kstress_cfg *cfg = prev;

	for (cfg = cfg ? cfg + 1 : kunit_fmt_cfgs;
	     cfg != kunit_fmt_cfgs + ARRAY_SIZE(kunit_fmt_cfgs); cfg++) {
		if (kstress_cfg_selected(cfg)) {
			kfmt_cfg_desc(cfg, desc);
			return cfg;
		}
	}
	return NULL;
}

static struct kunit_case kstress_test_cases[] = {
	KUNIT_CASE_PARAM_ATTR(kstress_test_race, kstress_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite kstress_suite = {
	.name = __stringify(PT_FMT) "_stress",
	.test_cases = kstress_test_cases,
};

kunit_test_suites(&kstress_suite);

#endif
