/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iommu_domain page table operations, written once for every format.
 *
 * This file is a template: fmt/iommu_<fmt>.c includes it through
 * fmt/iommu_template.h after the format header, and everything below is
 * compiled with that format's inline functions.
 *
 * Concurrency contract: callers never run two operations on overlapping
 * IOVA ranges at the same time (the iommu core, dma-iommu and iommufd
 * guarantee this). Operations on disjoint ranges run concurrently and may
 * share tables: a new table is installed with compare-and-exchange against
 * the empty entry the walker read, and a table is freed only when a single
 * operation's range covers all of it, so no other thread can be inside it.
 */
#ifndef __GENERIC_PT_IOMMU_PT_H
#define __GENERIC_PT_IOMMU_PT_H

#include "pt_iter.h"

#include <linux/cleanup.h>
#include <linux/export.h>
#include <linux/generic_pt/iommu.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include "../iommu-pages.h"
#include "pt_fault_inject.h"

/*
 * The format's names, with FMT for the format: struct pt_iommu_FMT is
 * struct pt_iommu_amdv1 when PT_FMT is amdv1, pt_iommu_FMT_init() is
 * pt_iommu_amdv1_init(). The exported functions are defined under these
 * names so that kernel-doc parses their documentation, written once for
 * every format. pt_iommu_FMT_hw_info names both a struct and a function, as
 * the format's own name does.
 */
#define pt_iommu_FMT CONCATENATE(pt_iommu_, PT_FMT)
#define pt_iommu_FMT_cfg CONCATENATE(pt_iommu_FMT, _cfg)
#define pt_iommu_FMT_hw_info CONCATENATE(pt_iommu_FMT, _hw_info)
#define pt_iommu_FMT_init NS(init)
#define pt_iommu_FMT_map_pages NS(map_pages)
#define pt_iommu_FMT_unmap_pages NS(unmap_pages)
#define pt_iommu_FMT_iova_to_phys NS(iova_to_phys)
#define pt_iommu_FMT_read_and_clear_dirty NS(read_and_clear_dirty)

static struct pt_iommu *iommu_from_common(struct pt_common *common)
{
	return &container_of(common, struct pt_iommu_FMT,
			     PT_IOMMU_MEMBER.common)->iommu;
}

static struct pt_common *common_from_iommu(struct pt_iommu *iommu_table)
{
	return &container_of(iommu_table, struct pt_iommu_FMT, iommu)
			->PT_IOMMU_MEMBER.common;
}

/*
 * Incoherent walkers (PT_FEAT_DMA_INCOHERENT): every table is written back
 * with the iommu-pages helpers from its allocation until it is freed.
 */
static int pt_incoherent_table_start(struct pt_iommu *iommu_table,
				     void *table, size_t size)
{
	return iommu_pages_incoherent_map(iommu_table->iommu_device, table,
					  size);
}

static void pt_incoherent_table_done(struct pt_iommu *iommu_table,
				     void *table, size_t size)
{
	iommu_pages_incoherent_unmap(iommu_table->iommu_device, table, size);
}

/* Write back items [start_index, end_index) of pts->table */
static void pt_flush_items(const struct pt_state *pts, unsigned int start_index,
			   unsigned int end_index)
{
	size_t offset = start_index * PT_ITEM_WORD_SIZE;
	size_t len = (end_index - start_index) * PT_ITEM_WORD_SIZE;

	if (!pts_feature(pts, PT_FEAT_DMA_INCOHERENT))
		return;
	iommu_pages_incoherent_sync(iommu_from_common(pts->range->common)
					    ->iommu_device,
				    pts->table, offset, len);
}

/*
 * A table entry another thread installed may not be written back yet: that
 * thread sets PT_SW_BIT_WRITTEN_BACK only after its flush. Anything mapped
 * below relies on the entry, so write it back here if it is not marked.
 */
static void pt_flush_table_entry_if_needed(const struct pt_state *pts)
{
	if (!pts_feature(pts, PT_FEAT_DMA_INCOHERENT))
		return;
	if (!pt_test_sw_bit_acquire(pts, PT_SW_BIT_WRITTEN_BACK))
		pt_flush_items(pts, pts->index, pts->index + 1);
}

/* Table memory comes from iommu-pages so it is accounted to the domain */
static struct pt_table_p *pt_table_alloc(struct pt_common *common,
					 unsigned int lg2sz, gfp_t gfp)
{
	struct pt_iommu *iommu_table = iommu_from_common(common);
	size_t size = log2_to_int(lg2sz);
	void *table;

	if (pt_should_fail_table_alloc(size))
		return NULL;
	table = iommu_alloc_pages_node_sz(iommu_table->nid, gfp, size);
	if (!table)
		return NULL;
	if (pt_feature(common, PT_FEAT_DMA_INCOHERENT) &&
	    pt_incoherent_table_start(iommu_table, table, size)) {
		iommu_free_pages_sz(table, size);
		return NULL;
	}
	return table;
}

/* Free a table no walker can reach, with no IOTLB flush needed */
static void pt_table_free(struct pt_common *common, struct pt_table_p *table,
			  unsigned int lg2sz)
{
	size_t size = log2_to_int(lg2sz);

	if (pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		pt_incoherent_table_done(iommu_from_common(common), table,
					 size);
	iommu_free_pages_sz(table, size);
}

/*
 * Queue an unlinked table for freeing once the IOTLB and walk caches were
 * invalidated. The pages are compound, so iommu_put_pages_list() frees and
 * unaccounts all of them.
 */
static void pt_table_free_deferred(struct pt_common *common,
				   struct list_head *free_list,
				   struct pt_table_p *table, unsigned int lg2sz)
{
	if (pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		pt_incoherent_table_done(iommu_from_common(common), table,
					 log2_to_int(lg2sz));
	list_add_tail(&virt_to_page(table)->lru, free_list);
}

/* Memory size of the table one level below pts */
static unsigned int pt_child_table_lg2sz(const struct pt_state *pts)
{
	struct pt_state child = {
		.range = pts->range,
		.level = pts->level - 1,
	};

	return pt_table_mem_lg2sz(&child);
}

/*
 * Add [iova, last] to the gather. With FLUSH_RANGE_NO_GAPS merging a
 * disjoint range would invalidate everything between the two, which costs
 * a shadowing hypervisor a walk of all of it: flush what is pending first.
 * The caller adds its freed tables to the gather only after this, so that
 * an early flush never frees them before their own range is invalidated.
 */
static void pt_gather_range(struct pt_iommu *iommu_table,
			    struct iommu_iotlb_gather *iotlb_gather,
			    pt_vaddr_t iova, pt_vaddr_t last)
{
	struct pt_common *common = common_from_iommu(iommu_table);
	size_t len = last - iova + 1;

	if (pt_feature(common, PT_FEAT_FLUSH_RANGE_NO_GAPS) &&
	    iommu_iotlb_gather_is_disjoint(iotlb_gather, iova, len))
		iommu_iotlb_sync(&iommu_table->domain, iotlb_gather);
	iommu_iotlb_gather_add_range(iotlb_gather, iova, len);
}

/*
 * gather->pgsize: the smallest leaf size in the gathered range (for the
 * tables a map replaced: the size of the items that pointed to them, which
 * the range is a multiple of). 6.12 drivers take it as the invalidation
 * granule, and arm_smmu_iotlb_sync() skips a gather without one. The range
 * may also hold larger leaves and freed tables, so it is no hint of the
 * level the leaves are at.
 */
static void pt_gather_pgsize(struct iommu_iotlb_gather *iotlb_gather,
			     unsigned int leaf_lg2)
{
	size_t pgsize = log2_to_int(leaf_lg2);

	if (!iotlb_gather->pgsize || pgsize < iotlb_gather->pgsize)
		iotlb_gather->pgsize = pgsize;
}

/* Common checks of the (iova, len) every operation takes */
static int pt_check_args(pt_vaddr_t iova, u64 len, pt_vaddr_t *last_va)
{
	if (!len)
		return -EINVAL;
	if (check_add_overflow(iova, len - 1, last_va) ||
	    *last_va > ULONG_MAX)
		return -EOVERFLOW;
	return 0;
}

/* -------- iova_to_phys -------- */

static __always_inline int __iova_to_phys(struct pt_range *range, void *arg,
					  unsigned int level,
					  struct pt_table_p *table,
					  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	pt_oaddr_t *res = arg;

	pt_load_entry(&pts);
	switch (pts.type) {
	case PT_ENTRY_TABLE:
		return pt_descend(&pts, arg, descend_fn);
	case PT_ENTRY_OA:
		*res = pt_entry_oa_exact(&pts);
		return 0;
	default:
		return -ENOENT;
	}
}

PT_MAKE_LEVELS(__iova_to_phys_fn, __iova_to_phys);

/**
 * pt_iommu_FMT_iova_to_phys() - translate an IOVA
 * @domain: the domain of the table
 * @iova: input address
 *
 * The iommu_domain_ops::iova_to_phys of IOMMU_PT_DOMAIN_OPS().
 *
 * Context: Any context; lockless.
 * Return: The physical address @iova translates to, including its offset
 * in a large or contiguous page, or 0 if @iova is not mapped or lies
 * outside the table.
 */
phys_addr_t pt_iommu_FMT_iova_to_phys(struct iommu_domain *domain,
				      dma_addr_t iova)
{
	struct pt_iommu *iommu_table =
		container_of(domain, struct pt_iommu, domain);
	struct pt_range range =
		pt_make_range(common_from_iommu(iommu_table), iova, iova);
	pt_oaddr_t res;

	if (!pt_range_in_vasz(&range))
		return 0;
	if (pt_walk_range(&range, __iova_to_phys_fn, &res))
		return 0;
	return res;
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_iova_to_phys, GENERIC_PT_IOMMU);

/* -------- read_and_clear_dirty / set_dirty -------- */

struct pt_dirty_args {
	struct iommu_dirty_bitmap *dirty;
	unsigned long flags;
	pt_vaddr_t first_va;
	pt_vaddr_t last_va;
};

static __always_inline int __read_and_clear_dirty(struct pt_range *range,
						  void *arg, unsigned int level,
						  struct pt_table_p *table,
						  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_dirty_args *dirty = arg;
	pt_vaddr_t first, last;
	int ret;

	while (pts.index < pts.end_index) {
		pt_load_entry(&pts);
		if (pts.type == PT_ENTRY_TABLE) {
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
		} else if (pts.type == PT_ENTRY_OA && pt_is_write_dirty(&pts)) {
			/*
			 * The whole leaf is made clean, so all of it from the
			 * request on is dirty: a part past the end of the
			 * request must not be lost to the next request.
			 * iova_bitmap drops what lies beyond the caller's
			 * bitmap, not what lies before it.
			 */
			first = max(pt_entry_start_va(&pts), dirty->first_va);
			last = pt_entry_last_va(&pts);
			iommu_dirty_bitmap_record(dirty->dirty, first,
						  last - first + 1);
			if (!(dirty->flags & IOMMU_DIRTY_NO_CLEAR))
				pt_make_write_clean(&pts);
		}
		pt_next_entry(&pts);
	}
	return 0;
}

PT_MAKE_LEVELS(__read_and_clear_dirty_fn, __read_and_clear_dirty);

/**
 * pt_iommu_FMT_read_and_clear_dirty() - collect the dirty state of a range
 * @domain: the domain of the table
 * @iova: first input address
 * @size: length of the range in bytes
 * @flags: IOMMU_DIRTY_NO_CLEAR to read the dirty state without clearing it
 * @dirty: Bitmap to record into. iommu_dirty_bitmap_record() also adds
 *	every range it records to dirty->gather, which the caller flushes.
 *
 * The iommu_dirty_ops::read_and_clear_dirty of IOMMU_PT_DIRTY_OPS(). Every
 * dirty leaf in the range is recorded from the start of the range or of the
 * leaf, whichever is later, to the end of the leaf, even where the leaf
 * goes on past the range: the leaf is made clean as a whole, so no part of
 * it may go unreported (6.12's drivers record whole pages the same way).
 * Unless @flags has IOMMU_DIRTY_NO_CLEAR, all items of the leaf are then
 * made clean.
 *
 * Context: Process context. Must not run concurrently with a map or unmap
 * of an overlapping range.
 * Return: 0; -EINVAL if @size is 0; -EOVERFLOW if the range wraps or ends
 * above ULONG_MAX; -ERANGE if it lies outside the table's input address
 * space; -EOPNOTSUPP if the table cannot track dirty state (the format, or
 * its configuration, has no dirty tracking, or PT_FEAT_DMA_INCOHERENT).
 */
int pt_iommu_FMT_read_and_clear_dirty(struct iommu_domain *domain,
				      unsigned long iova, size_t size,
				      unsigned long flags,
				      struct iommu_dirty_bitmap *dirty)
{
	struct pt_iommu *iommu_table =
		container_of(domain, struct pt_iommu, domain);
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_dirty_args dirty_args = {
		.dirty = dirty,
		.flags = flags,
		.first_va = iova,
	};
	struct pt_range range;
	int ret;

	if (!pt_dirty_supported(common) ||
	    pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		return -EOPNOTSUPP;
	ret = pt_check_args(iova, size, &dirty_args.last_va);
	if (ret)
		return ret;
	range = pt_make_range(common, iova, dirty_args.last_va);
	if (!pt_range_in_vasz(&range))
		return -ERANGE;
	return pt_walk_range(&range, __read_and_clear_dirty_fn, &dirty_args);
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_read_and_clear_dirty, GENERIC_PT_IOMMU);

static __always_inline int __set_dirty(struct pt_range *range, void *arg,
				       unsigned int level,
				       struct pt_table_p *table,
				       pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);

	pt_load_entry(&pts);
	switch (pts.type) {
	case PT_ENTRY_TABLE:
		return pt_descend(&pts, arg, descend_fn);
	case PT_ENTRY_OA:
		return pt_make_write_dirty(&pts) ? 0 : -EOPNOTSUPP;
	default:
		return -ENOENT;
	}
}

PT_MAKE_LEVELS(__set_dirty_fn, __set_dirty);

static int NS(set_dirty)(struct pt_iommu *iommu_table, dma_addr_t iova)
{
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_range range = pt_make_range(common, iova, iova);

	if (!pt_dirty_supported(common) ||
	    pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		return -EOPNOTSUPP;
	if (!pt_range_in_vasz(&range))
		return -ENOENT;
	return pt_walk_range(&range, __set_dirty_fn, NULL);
}

/* -------- map -------- */

struct pt_iommu_map_args {
	/* Tables replaced by leaves, freed after an IOTLB flush */
	struct list_head free_list;
	pt_vaddr_t free_first_va;
	pt_vaddr_t free_last_va;
	/* log2 of the smallest item whose table a leaf replaced */
	unsigned int free_item_lg2;
	struct pt_write_attrs attrs;
	u64 pgsize_bitmap;
	/* Output address of range->va, advanced with every leaf written */
	pt_oaddr_t oa;
};

/*
 * True if the subtree below the table entry at pts maps nothing. Empty
 * tables are left behind by unmaps that did not cover a whole table.
 */
static __always_inline int __subtree_empty(struct pt_range *range, void *arg,
					   unsigned int level,
					   struct pt_table_p *table,
					   pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		pt_load_entry(&pts);
		if (pts.type == PT_ENTRY_OA)
			return -EADDRINUSE;
		if (pts.type == PT_ENTRY_TABLE) {
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
		}
	}
	return 0;
}

PT_MAKE_LEVELS(__subtree_empty_fn, __subtree_empty);

/* Queue the empty subtree below the table entry at pts for freeing */
static __always_inline int __free_subtree(struct pt_range *range, void *arg,
					  unsigned int level,
					  struct pt_table_p *table,
					  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct list_head *free_list = arg;
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		pt_load_entry(&pts);
		if (pts.type != PT_ENTRY_TABLE)
			continue;
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
		pt_table_free_deferred(range->common, free_list,
				       pts.table_lower,
				       pt_child_table_lg2sz(&pts));
	}
	return 0;
}

PT_MAKE_LEVELS(__free_subtree_fn, __free_subtree);

/*
 * Walk the whole child table of the entry at pts with walker fn, using a
 * private range so the caller's walk position is untouched.
 */
static int pt_walk_child_table(struct pt_state *pts, pt_walk_fn_t fn,
			       void *arg)
{
	struct pt_range child_range = *pts->range;

	child_range.va = pt_index_to_va(pts);
	child_range.last_va = pt_item_last_va(pts);
	return fn(&child_range, arg, pts->level - 1, pts->table_lower);
}

/*
 * Replace the items of a leaf of size 2^pgsz_lg2 at pts: every item must be
 * empty or a table with an empty subtree. The unlinked tables go to the
 * map's free list.
 */
static int pt_map_leaf(struct pt_state *pts, struct pt_iommu_map_args *map,
		       unsigned int pgsz_lg2)
{
	unsigned int num_items = log2_to_int(pgsz_lg2 -
					     pt_table_item_lg2sz(pts));
	unsigned int start_index = pts->index;
	bool have_tables = false;
	unsigned int i;
	int ret;

	for (i = 0; i != num_items; i++, pts->index++) {
		pt_load_entry(pts);
		if (pts->type == PT_ENTRY_OA) {
			ret = -EADDRINUSE;
			goto err;
		}
		if (pts->type == PT_ENTRY_TABLE) {
			ret = pt_walk_child_table(pts, __subtree_empty_fn,
						  NULL);
			if (ret)
				goto err;
			have_tables = true;
		}
	}

	pts->index = start_index;
	for (i = 0; have_tables && i != num_items; i++, pts->index++) {
		pt_load_entry(pts);
		if (pts->type != PT_ENTRY_TABLE)
			continue;
		/*
		 * Nothing else can be walking this subtree: it lies entirely
		 * in the range being mapped. The hardware may still hold it in
		 * its walk cache until the flush after the leaf is written.
		 */
		if (pts->level > 1)
			pt_walk_child_table(pts, __free_subtree_fn,
					    &map->free_list);
		pt_table_free_deferred(pts->range->common, &map->free_list,
				       pts->table_lower,
				       pt_child_table_lg2sz(pts));
		map->free_first_va = min(map->free_first_va,
					 pt_index_to_va(pts));
		map->free_last_va = max(map->free_last_va, pt_item_last_va(pts));
		map->free_item_lg2 = min(map->free_item_lg2,
					 pt_table_item_lg2sz(pts));
	}

	pts->index = start_index;
	pt_install_leaf_entry(pts, map->oa, pgsz_lg2, &map->attrs);
	pt_flush_items(pts, start_index, start_index + num_items);
	pts->type = PT_ENTRY_OA;
	map->oa += log2_to_int(pgsz_lg2);
	pt_advance(pts, num_items);
	return 0;
err:
	pts->index = start_index;
	return ret;
}

/* Install a new empty table under the empty entry at pts */
static int pt_map_new_table(struct pt_state *pts,
			    struct pt_iommu_map_args *map)
{
	struct pt_common *common = pts->range->common;
	unsigned int lg2sz = pt_child_table_lg2sz(pts);
	struct pt_table_p *table_mem;

	table_mem = pt_table_alloc(common, lg2sz, map->attrs.gfp);
	if (!table_mem)
		return -ENOMEM;

	if (!pt_install_table(pts, virt_to_phys(table_mem), &map->attrs)) {
		/* A mapper of a disjoint range won: use its table */
		pt_table_free(common, table_mem, lg2sz);
		pt_load_entry(pts);
		if (pts->type == PT_ENTRY_TABLE)
			pt_flush_table_entry_if_needed(pts);
		return 0;
	}
	if (pts_feature(pts, PT_FEAT_DMA_INCOHERENT)) {
		pt_flush_items(pts, pts->index, pts->index + 1);
		pt_set_sw_bit_release(pts, PT_SW_BIT_WRITTEN_BACK);
	}
	pts->type = PT_ENTRY_TABLE;
	pts->table_lower = table_mem;
	return 0;
}

/*
 * How many items from pts->index the best page stays one item of this level:
 * to the end of the table or range, or, if a larger size of @leaf_sizes can
 * ever fit (the IOVA and @oa agree modulo the smallest larger size), to the
 * next IOVA boundary of that size, where the best page is chosen again.
 */
static __always_inline unsigned int pt_single_item_run(struct pt_state *pts,
						       u64 leaf_sizes,
						       unsigned int isz_lg2,
						       pt_oaddr_t oa)
{
	u64 larger = leaf_sizes & ~log2_to_max_int(isz_lg2 + 1);
	unsigned int num = pts->end_index - pts->index;
	pt_vaddr_t va = pts->range->va;
	pt_vaddr_t len_m1 = pts->range->last_va - va;
	unsigned int next_lg2;

	/* The last item of the table may extend past the end of the range */
	if (log2_div(len_m1, isz_lg2) < num &&
	    log2_mod(len_m1, isz_lg2) != log2_to_max_int(isz_lg2))
		num = log2_div(len_m1, isz_lg2);
	if (!larger)
		return num;
	next_lg2 = log2_ffs(larger);
	if (log2_mod(va ^ oa, next_lg2))
		return num;
	return min_t(u64, num,
		     log2_div(log2_to_int(next_lg2) - log2_mod(va, next_lg2),
			      isz_lg2));
}

/*
 * Write one-item leaves into the empty items [pts->index, +@num): the
 * steady state of a long map at one page size, without the general leaf
 * path's checks per leaf. Stops early at an item that is not empty, which
 * pt_map_leaf() then handles. Returns the number of leaves written.
 */
static __always_inline unsigned int pt_map_items(struct pt_state *pts,
						 struct pt_iommu_map_args *map,
						 unsigned int isz_lg2,
						 unsigned int num)
{
	unsigned int start_index = pts->index;
	unsigned int done;

	for (done = 0; done != num; done++, pts->index++) {
		if (pt_load_entry_raw(pts) != PT_ENTRY_EMPTY)
			break;
		pt_install_leaf_entry(pts, map->oa, isz_lg2, &map->attrs);
		map->oa += log2_to_int(isz_lg2);
	}
	pts->index = start_index;
	if (done) {
		pt_flush_items(pts, start_index, start_index + done);
		pt_advance(pts, done);
	}
	return done;
}

static __always_inline int __map_range(struct pt_range *range, void *arg,
				       unsigned int level,
				       struct pt_table_p *table,
				       pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu_map_args *map = arg;
	u64 leaf_sizes = pt_possible_sizes(&pts) & map->pgsize_bitmap;
	unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);
	unsigned int pgsz_lg2;
	int ret;

	while (pts.index < pts.end_index) {
		pgsz_lg2 = pt_compute_best_pgsize(leaf_sizes, range->va,
						  range->last_va, map->oa);
		if (pgsz_lg2 == isz_lg2 &&
		    pt_map_items(&pts, map, isz_lg2,
				 pt_single_item_run(&pts, leaf_sizes, isz_lg2,
						    map->oa)))
			continue;
		if (pgsz_lg2) {
			ret = pt_map_leaf(&pts, map, pgsz_lg2);
			if (ret)
				return ret;
			continue;
		}

		pt_load_entry(&pts);
		if (pts.type == PT_ENTRY_EMPTY) {
			ret = pt_map_new_table(&pts, map);
			if (ret)
				return ret;
		} else if (pts.type == PT_ENTRY_TABLE) {
			pt_flush_table_entry_if_needed(&pts);
		}
		if (pts.type != PT_ENTRY_TABLE)
			return -EADDRINUSE;

		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
		pt_next_entry(&pts);
	}
	return 0;
}

PT_MAKE_LEVELS(__map_range_fn, __map_range);

/*
 * Map a single PAGE_SIZE page where all the tables already exist: the
 * common case of the DMA API. Walks down without allocating and returns 1
 * if the general path must handle it.
 */
static int pt_map_single_page(struct pt_range *range,
			      struct pt_iommu_map_args *map)
{
	struct pt_table_p *table = range->top_table;
	unsigned int level = range->top_level;
	struct pt_state pts;

	for (;;) {
		pts = pt_init(range, level, table);
		pt_load_entry(&pts);
		if (level == 0)
			break;
		if (pts.type != PT_ENTRY_TABLE)
			return 1;
		pt_flush_table_entry_if_needed(&pts);
		table = pts.table_lower;
		level--;
	}
	if (pts.type != PT_ENTRY_EMPTY)
		return -EADDRINUSE;
	pt_install_leaf_entry(&pts, map->oa, PAGE_SHIFT, &map->attrs);
	pt_flush_items(&pts, pts.index, pts.index + 1);
	map->oa += PAGE_SIZE;
	return 0;
}

/*
 * PT_FEAT_DYNAMIC_TOP: add levels above the top until it covers
 * [va, last_va]. The new tables are complete before the driver points the
 * hardware at them, and top_of_table is published last, so walkers see
 * either the old top or a new one whose entry 0 leads to the old top.
 */
static int pt_increase_top(struct pt_iommu *iommu_table, pt_vaddr_t va,
			   pt_vaddr_t last_va, struct pt_write_attrs *attrs)
{
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_table_p *new_tables[PT_MAX_TOP_LEVEL + 1];
	unsigned int new_lg2sz[PT_MAX_TOP_LEVEL + 1];
	uintptr_t top_of_table, new_top_of_table;
	unsigned int num_new = 0;
	struct pt_range range;
	/* The driver's lock serialising change_top() with attach/detach */
	spinlock_t *top_lock;
	unsigned long flags;
	unsigned int i;
	int ret;

again:
	top_of_table = READ_ONCE(common->top_of_table);
	new_top_of_table = top_of_table;
	for (;;) {
		unsigned int level = pt_top_level(new_top_of_table);
		struct pt_state pts = { .range = &range, .level = level + 1 };
		struct pt_table_p *table_mem;
		pt_oaddr_t table_pa;

		range = pt_make_range_top(common, new_top_of_table, va, last_va);
		if (pt_range_in_vasz(&range))
			break;
		if (level >= PT_MAX_TOP_LEVEL ||
		    pt_top_vasz_lg2(common, level) >= common->max_vasz_lg2) {
			ret = -ERANGE;
			goto err_free;
		}

		/* The new table is the top of its own walk */
		range.top_level = level + 1;
		new_lg2sz[num_new] = pt_table_mem_lg2sz(&pts);
		table_mem = pt_table_alloc(common, new_lg2sz[num_new],
					   attrs->gfp);
		if (!table_mem) {
			ret = -ENOMEM;
			goto err_free;
		}
		new_tables[num_new++] = table_mem;

		pts.table = table_mem;
		pts.index = 0;
		pts.entry = 0;
		table_pa = virt_to_phys(pt_top_table(new_top_of_table));
		if (PT_WARN_ON(!pt_install_table(&pts, table_pa, attrs))) {
			ret = -EINVAL;
			goto err_free;
		}
		pt_flush_items(&pts, 0, 1);
		if (pts_feature(&pts, PT_FEAT_DMA_INCOHERENT))
			pt_set_sw_bit_release(&pts, PT_SW_BIT_WRITTEN_BACK);
		new_top_of_table = pt_make_top_of_table(table_mem, level + 1);
	}
	if (!num_new)
		return 0;

	top_lock = iommu_table->driver_ops->get_top_lock(iommu_table);
	spin_lock_irqsave(top_lock, flags);
	if (READ_ONCE(common->top_of_table) != top_of_table) {
		/* Somebody else grew the table: start over from their top */
		spin_unlock_irqrestore(top_lock, flags);
		for (i = 0; i != num_new; i++)
			pt_table_free(common, new_tables[i], new_lg2sz[i]);
		num_new = 0;
		goto again;
	}
	iommu_table->driver_ops->change_top(iommu_table,
					    virt_to_phys(pt_top_table(new_top_of_table)),
					    pt_top_level(new_top_of_table));
	/*
	 * Release: the new tables' entries (and on an incoherent walker their
	 * write back) are visible before the top that leads to them. Taking
	 * the lock is only an acquire. Pairs with the address dependency of
	 * walkers on the READ_ONCE() of top_of_table in pt_make_range().
	 */
	smp_store_release(&common->top_of_table, new_top_of_table);
	spin_unlock_irqrestore(top_lock, flags);
	return 0;

err_free:
	for (i = 0; i != num_new; i++)
		pt_table_free(common, new_tables[i], new_lg2sz[i]);
	return ret;
}

/*
 * Tables a map replaced with leaves are still in the walk caches: flush
 * their range through the driver before freeing them.
 */
static void pt_map_free_tables(struct pt_iommu *iommu_table,
			       struct pt_iommu_map_args *map)
{
	struct iommu_domain *domain = &iommu_table->domain;
	struct iommu_iotlb_gather iotlb_gather;

	if (list_empty(&map->free_list))
		return;
	if (!domain->ops || !domain->ops->iotlb_sync) {
		iommu_put_pages_list(&map->free_list);
		return;
	}
	iommu_iotlb_gather_init(&iotlb_gather);
	iommu_iotlb_gather_add_range(&iotlb_gather, map->free_first_va,
				     map->free_last_va - map->free_first_va + 1);
	pt_gather_pgsize(&iotlb_gather, map->free_item_lg2);
	list_splice_init(&map->free_list, &iotlb_gather.freelist);
	iommu_iotlb_sync(domain, &iotlb_gather);
}

/**
 * pt_iommu_FMT_map_pages() - map a physically contiguous range
 * @domain: the domain of the table
 * @iova: first input address
 * @paddr: first output address
 * @pgsize: page size the caller split the range into
 * @pgcount: number of pages
 * @prot: IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE, IOMMU_NOEXEC, IOMMU_MMIO,
 *	IOMMU_PRIV: what the format can encode of them
 * @gfp: allocation flags for new tables
 * @mapped: increased by the number of bytes mapped, also on failure
 *
 * The iommu_domain_ops::map_pages of IOMMU_PT_DOMAIN_OPS(). Maps the
 * @pgsize * @pgcount bytes at @iova with the largest pages that the format,
 * the domain's pgsize_bitmap and the alignment of the IOVA, the physical
 * address and the remaining length allow, whatever @pgsize is. Empty tables
 * in the way of a larger page are unlinked, and freed after an IOTLB flush
 * through the domain's iotlb_sync. With PT_FEAT_DYNAMIC_TOP a range above
 * what the top covers adds levels (see pt_iommu_driver_ops::change_top).
 * On failure the start of the range may be mapped: what was added to
 * @mapped says how much, so that the caller can unmap it.
 *
 * Context: Process context, or atomic with a @gfp that does not sleep. Must
 * not run concurrently with any operation on an overlapping range.
 * Return: 0; -EINVAL if the length is 0, @prot grants neither read nor
 * write, or the IOVA, the physical address or the length is not aligned to
 * the smallest page of the domain's pgsize_bitmap; -EOVERFLOW if the length
 * overflows, or the input or output range wraps or the input range ends
 * above ULONG_MAX; -ERANGE if the range lies outside the table's input
 * address space (with PT_FEAT_DYNAMIC_TOP: beyond what the table can grow
 * to) or ends above its output address space; -EADDRINUSE if something is
 * already mapped in the range; -ENOMEM if a table could not be allocated;
 * the errno with which the format refuses @prot (-EINVAL for a read-only
 * mapping with PT_FEAT_VTDSS_FORCE_WRITEABLE).
 */
int pt_iommu_FMT_map_pages(struct iommu_domain *domain, unsigned long iova,
			   phys_addr_t paddr, size_t pgsize, size_t pgcount,
			   int prot, gfp_t gfp, size_t *mapped)
{
	struct pt_iommu *iommu_table =
		container_of(domain, struct pt_iommu, domain);
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_iommu_map_args map = {
		.oa = paddr,
		.free_first_va = PT_VADDR_MAX,
		.free_item_lg2 = PT_VADDR_MAX_LG2,
	};
	pt_vaddr_t last_va;
	struct pt_range range;
	pt_oaddr_t last_oa;
	size_t len;
	int ret;

	if (check_mul_overflow(pgsize, pgcount, &len))
		return -EOVERFLOW;
	ret = pt_check_args(iova, len, &last_va);
	if (ret)
		return ret;
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (check_add_overflow((pt_oaddr_t)paddr, (pt_oaddr_t)len - 1,
			       &last_oa))
		return -EOVERFLOW;
	if (log2_div(last_oa, common->max_oasz_lg2))
		return -ERANGE;

	map.pgsize_bitmap = domain->pgsize_bitmap;
	if (!map.pgsize_bitmap ||
	    log2_mod(iova | paddr | len, log2_ffs(map.pgsize_bitmap)))
		return -EINVAL;

	ret = pt_iommu_set_prot(common, &map.attrs, prot);
	if (ret)
		return ret;
	map.attrs.gfp = gfp;

	range = pt_make_range(common, iova, last_va);
	if (!pt_range_in_vasz(&range)) {
		if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
			return -ERANGE;
		ret = pt_increase_top(iommu_table, iova, last_va, &map.attrs);
		if (ret)
			return ret;
		range = pt_make_range(common, iova, last_va);
	}

	if (len == PAGE_SIZE && (map.pgsize_bitmap & PAGE_SIZE)) {
		struct pt_state level0 = { .range = &range, .level = 0 };

		if (pt_table_item_lg2sz(&level0) == PAGE_SHIFT &&
		    (pt_possible_sizes(&level0) & PAGE_SIZE)) {
			ret = pt_map_single_page(&range, &map);
			if (ret <= 0) {
				*mapped += map.oa - paddr;
				return ret;
			}
		}
	}

	INIT_LIST_HEAD(&map.free_list);
	ret = pt_walk_range(&range, __map_range_fn, &map);
	*mapped += map.oa - paddr;
	pt_map_free_tables(iommu_table, &map);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_map_pages, GENERIC_PT_IOMMU);

/* -------- unmap -------- */

/* Positive return of the unmap walker: a hole or a partial leaf */
#define PT_UNMAP_STOP 1

struct pt_unmap_args {
	struct list_head free_list;
	pt_vaddr_t unmapped;
	/* log2 of the smallest leaf removed, for gather->pgsize */
	unsigned int min_leaf_lg2;
};

/*
 * Clear the run of one-item leaves that starts with the one at pts->index,
 * up to the first item that is something else or the end of the range in
 * this table: the steady state of unmapping a long range of one page size.
 */
static __always_inline void pt_unmap_items(struct pt_state *pts,
					   struct pt_unmap_args *unmap)
{
	unsigned int start_index = pts->index;
	unsigned int num;

	do {
		pt_clear_entries(pts, 0);
		pts->index++;
	} while (pts->index < pts->end_index &&
		 pt_load_entry_raw(pts) == PT_ENTRY_OA &&
		 !pt_entry_num_contig_lg2(pts));
	num = pts->index - start_index;
	pts->index = start_index;
	pt_flush_items(pts, start_index, start_index + num);
	unmap->unmapped += log2_mul(num, pt_table_item_lg2sz(pts));
	unmap->min_leaf_lg2 = min(unmap->min_leaf_lg2, pt_table_item_lg2sz(pts));
	pt_advance(pts, num);
}

static __always_inline int __unmap_range(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_unmap_args *unmap = arg;
	unsigned int num_contig_lg2;
	bool fully_covered;
	int ret;

	while (pts.index < pts.end_index) {
		pt_load_entry(&pts);
		switch (pts.type) {
		case PT_ENTRY_EMPTY:
			return PT_UNMAP_STOP;
		case PT_ENTRY_TABLE:
			fully_covered = pt_item_fully_covered(&pts);
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
			/*
			 * Everything below was unmapped and no other thread
			 * may use any part of this range: free the table.
			 */
			if (fully_covered) {
				pt_clear_entries(&pts, 0);
				pt_flush_items(&pts, pts.index, pts.index + 1);
				pt_table_free_deferred(range->common,
						       &unmap->free_list,
						       pts.table_lower,
						       pt_child_table_lg2sz(&pts));
			}
			break;
		case PT_ENTRY_OA:
			/* Never split: a range starting inside a leaf stops */
			if (pt_entry_start_va(&pts) != range->va)
				return PT_UNMAP_STOP;
			num_contig_lg2 = pt_entry_num_contig_lg2(&pts);
			if (!num_contig_lg2) {
				pt_unmap_items(&pts, unmap);
				continue;
			}
			pt_clear_entries(&pts, num_contig_lg2);
			pt_flush_items(&pts, pts.index,
				       pts.index + log2_to_int(num_contig_lg2));
			unmap->unmapped += log2_to_int(pt_entry_oa_lg2sz(&pts));
			unmap->min_leaf_lg2 = min(unmap->min_leaf_lg2,
						  pt_entry_oa_lg2sz(&pts));
			break;
		}
		pt_next_entry(&pts);
	}
	return 0;
}

PT_MAKE_LEVELS(__unmap_range_fn, __unmap_range);

/**
 * pt_iommu_FMT_unmap_pages() - unmap a range
 * @domain: the domain of the table
 * @iova: first input address
 * @pgsize: page size the caller split the range into
 * @pgcount: number of pages
 * @iotlb_gather: collects the range to invalidate and the freed tables
 *
 * The iommu_domain_ops::unmap_pages of IOMMU_PT_DOMAIN_OPS(). Unmaps the
 * leaves from @iova on, up to the first hole. A leaf is never split: one
 * that starts before @iova is left alone and stops the unmap, one that
 * ends after the range is removed whole. Tables the range covers entirely
 * go to @iotlb_gather's freelist, which the caller frees with
 * iommu_put_pages_list() after its IOTLB sync. The range added to
 * @iotlb_gather covers every IOVA whose translation changed and every freed
 * table. With PT_FEAT_FLUSH_RANGE_NO_GAPS a range disjoint from what
 * @iotlb_gather holds first syncs that (iommu_iotlb_sync()).
 *
 * iotlb_gather->pgsize becomes the smallest leaf size any unmap into
 * @iotlb_gather removed. The range may also hold larger leaves and freed
 * tables, so a driver must not take it as the level of every leaf (an ARM
 * TTL hint).
 *
 * Context: Process context, or atomic. Must not run concurrently with any
 * operation on an overlapping range.
 * Return: The number of bytes unmapped, counted from @iova, which may
 * exceed the requested length. 0 for invalid arguments (a length of 0, a
 * range that wraps or lies outside the table) and for a range that does not
 * start at a mapped leaf.
 */
size_t pt_iommu_FMT_unmap_pages(struct iommu_domain *domain,
				unsigned long iova, size_t pgsize,
				size_t pgcount,
				struct iommu_iotlb_gather *iotlb_gather)
{
	struct pt_iommu *iommu_table =
		container_of(domain, struct pt_iommu, domain);
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_unmap_args unmap = { .min_leaf_lg2 = PT_VADDR_MAX_LG2 };
	pt_vaddr_t last_va;
	struct pt_range range;
	size_t len;

	if (check_mul_overflow(pgsize, pgcount, &len) ||
	    pt_check_args(iova, len, &last_va))
		return 0;
	range = pt_make_range(common, iova, last_va);
	if (!pt_range_in_vasz(&range))
		return 0;

	INIT_LIST_HEAD(&unmap.free_list);
	pt_walk_range(&range, __unmap_range_fn, &unmap);
	if (!unmap.unmapped)
		return 0;

	/* Covers every freed table: they lie inside the unmapped range */
	pt_gather_range(iommu_table, iotlb_gather, iova,
			iova + unmap.unmapped - 1);
	pt_gather_pgsize(iotlb_gather, unmap.min_leaf_lg2);
	list_splice_tail(&unmap.free_list, &iotlb_gather->freelist);
	return unmap.unmapped;
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_unmap_pages, GENERIC_PT_IOMMU);

static __always_inline int __count_leaves(struct pt_range *range, void *arg,
					  unsigned int level,
					  struct pt_table_p *table,
					  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	u64 *counts = arg;
	int ret;

	while (pts.index < pts.end_index) {
		pt_load_entry(&pts);
		if (pts.type == PT_ENTRY_TABLE) {
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
		} else if (pts.type == PT_ENTRY_OA) {
			counts[pt_entry_oa_lg2sz(&pts)]++;
		}
		pt_next_entry(&pts);
	}
	return 0;
}

PT_MAKE_LEVELS(__count_leaves_fn, __count_leaves);

static void NS(count_leaves)(struct pt_iommu *iommu_table, u64 *counts)
{
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_range range = pt_make_range(common, 0, PT_VADDR_MAX);

	pt_walk_range(&range, __count_leaves_fn, counts);
}

/* -------- init / deinit / info -------- */

/* Unlink nothing, just queue every table below the top for freeing */
static __always_inline int __collect_tables(struct pt_range *range, void *arg,
					    unsigned int level,
					    struct pt_table_p *table,
					    pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct list_head *free_list = arg;
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		pt_load_entry(&pts);
		if (pts.type != PT_ENTRY_TABLE)
			continue;
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
		pt_table_free_deferred(range->common, free_list,
				       pts.table_lower,
				       pt_child_table_lg2sz(&pts));
	}
	return 0;
}

PT_MAKE_LEVELS(__collect_tables_fn, __collect_tables);

static void NS(deinit)(struct pt_iommu *iommu_table)
{
	struct pt_common *common = common_from_iommu(iommu_table);
	struct pt_range range = pt_make_range(common, 0, PT_VADDR_MAX);
	struct pt_state top = pt_init_top(&range);
	LIST_HEAD(free_list);

	pt_walk_range(&range, __collect_tables_fn, &free_list);
	pt_table_free_deferred(common, &free_list, range.top_table,
			       pt_table_mem_lg2sz(&top));
	iommu_put_pages_list(&free_list);
	iommu_table->ops = NULL;
}

/* Every page size a table of this configuration can map */
static u64 pt_all_page_sizes(struct pt_common *common)
{
	struct pt_range range = pt_make_range(common, 0, 0);
	unsigned int max_level = PT_MAX_TOP_LEVEL;
	u64 sizes = 0;
	unsigned int level;

	if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
		max_level = range.top_level;
	for (level = 0; level <= max_level; level++) {
		struct pt_state pts = { .range = &range, .level = level };

		range.top_level = max_t(u8, range.top_level, level);
		sizes |= pt_possible_sizes(&pts);
	}
	/* Within the VA and OA space, and what unsigned long can describe */
	sizes &= pt_sizes_le_lg2(min(common->max_vasz_lg2,
				     common->max_oasz_lg2) - 1);
	if (pt_feature(common, PT_FEAT_SIGN_EXTEND))
		sizes &= pt_sizes_le_lg2(common->max_vasz_lg2 - 2);
	return sizes & ULONG_MAX;
}

static void NS(get_info)(struct pt_iommu *iommu_table,
			 struct pt_iommu_info *info)
{
	info->pgsize_bitmap = pt_all_page_sizes(common_from_iommu(iommu_table));
}

static const struct pt_iommu_ops NS(ops) = {
	.get_info = NS(get_info),
	.set_dirty = NS(set_dirty),
	.count_leaves = NS(count_leaves),
	.deinit = NS(deinit),
};

static int pt_init_check_cfg(struct pt_iommu *iommu_table,
			     const struct pt_iommu_cfg *cfg)
{
	unsigned int features = cfg->features;

	if (!cfg->hw_max_vasz_lg2 ||
	    cfg->hw_max_vasz_lg2 > PT_MAX_VA_ADDRESS_LG2 ||
	    !cfg->hw_max_oasz_lg2 || cfg->hw_max_oasz_lg2 > PT_VADDR_MAX_LG2)
		return -EINVAL;
	if (features & ~PT_SUPPORTED_FEATURES)
		return -EOPNOTSUPP;
	if ((features & PT_FORCE_ENABLED_FEATURES) != PT_FORCE_ENABLED_FEATURES)
		return -EOPNOTSUPP;
	if (features & BIT(PT_FEAT_DYNAMIC_TOP) &&
	    (!iommu_table->driver_ops || !iommu_table->driver_ops->change_top ||
	     !iommu_table->driver_ops->get_top_lock))
		return -EINVAL;
	if (features & BIT(PT_FEAT_SIGN_EXTEND) &&
	    features & (BIT(PT_FEAT_FULL_VA) | BIT(PT_FEAT_DYNAMIC_TOP)))
		return -EINVAL;
	if (features & BIT(PT_FEAT_DMA_INCOHERENT)) {
		if (!iommu_table->iommu_device)
			return -EINVAL;
		if (!iommu_pages_incoherent_possible())
			return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * pt_iommu_FMT_init() - initialise a table
 * @fmt_table: the table, embedded in the driver's domain
 * @cfg: the configuration: struct pt_iommu_cfg, then the format's members
 * @gfp: allocation flags for the top table
 *
 * Validates @cfg, allocates the top table and sets the domain's type
 * (paging), pgsize_bitmap (every page size the table can map with one leaf)
 * and geometry. The aperture is the input address space, [0, 2^VA) or, for
 * a table with a fixed prefix such as an ARM TTBR1 table, the top 2^VA
 * bytes of the 64 bit space; with PT_FEAT_SIGN_EXTEND its lower half; never
 * beyond ULONG_MAX. force_aperture is set. Keeps what the caller set in
 * @fmt_table->iommu before the call (driver_ops, nid, iommu_device and the
 * rest of the domain). An output address width wider than the format or
 * phys_addr_t is narrowed to theirs. A driver may narrow pgsize_bitmap
 * afterwards.
 *
 * Context: Process context.
 * Return: 0; -EINVAL for an input address width of zero or beyond the
 * format, an output address width of zero or above 64,
 * PT_FEAT_DYNAMIC_TOP without pt_iommu_driver_ops::change_top and
 * ::get_top_lock, PT_FEAT_SIGN_EXTEND with PT_FEAT_FULL_VA or
 * PT_FEAT_DYNAMIC_TOP, PT_FEAT_DMA_INCOHERENT without
 * pt_iommu::iommu_device, or format members of @cfg the format refuses;
 * -EOPNOTSUPP for features the format lacks or a missing one it requires,
 * and for PT_FEAT_DMA_INCOHERENT on an x86 CPU without clflush; -EOVERFLOW
 * if the input address space starts above ULONG_MAX (an ARM TTBR1 table on
 * a 32 bit kernel); -ENOMEM. On failure pt_iommu::ops is NULL, so
 * pt_iommu_deinit() on the table does nothing.
 */
int pt_iommu_FMT_init(struct pt_iommu_FMT *fmt_table,
		      const struct pt_iommu_FMT_cfg *cfg, gfp_t gfp)
{
	struct pt_iommu *iommu_table = &fmt_table->iommu;
	struct pt_common *common = common_from_iommu(iommu_table);
	struct iommu_domain *domain = &iommu_table->domain;
	struct pt_table_p *table_mem;
	struct pt_range range;
	u64 aperture_start, aperture_end;
	int ret;

	iommu_table->ops = NULL;
	ret = pt_init_check_cfg(iommu_table, &cfg->common);
	if (ret)
		return ret;

	memset(&fmt_table->PT_IOMMU_MEMBER, 0,
	       sizeof(fmt_table->PT_IOMMU_MEMBER));
	common->features = cfg->common.features;
	common->max_vasz_lg2 = cfg->common.hw_max_vasz_lg2;
	/* map_pages() and iova_to_phys() carry output addresses as phys_addr_t */
	common->max_oasz_lg2 = min3(cfg->common.hw_max_oasz_lg2,
				    pt_max_oa_lg2(common),
				    sizeof(phys_addr_t) * BITS_PER_BYTE);
	ret = pt_iommu_fmt_init(fmt_table, cfg);
	if (ret)
		return ret;
	if (pt_top_level(common->top_of_table) > PT_MAX_TOP_LEVEL)
		return -EINVAL;

	/*
	 * A table whose addresses carry a fixed prefix (ARM TTBR1: all ones)
	 * translates [prefix, prefix + 2^max_vasz_lg2). The ops take unsigned
	 * long IOVAs: a 32 bit kernel sees the bottom of the 64 bit space only,
	 * and cannot reach a space that starts above it.
	 */
	aperture_start = log2_set_mod(pt_full_va_prefix(common), 0,
				      common->max_vasz_lg2);
	if (pt_feature(common, PT_FEAT_SIGN_EXTEND))
		aperture_end = log2_to_max_int(common->max_vasz_lg2 - 1);
	else
		aperture_end = log2_set_mod_max(aperture_start,
						common->max_vasz_lg2);
	if (aperture_start > ULONG_MAX)
		return -EOVERFLOW;

	range = pt_make_range(common, 0, 0);
	{
		struct pt_state top = pt_init_top(&range);

		table_mem = pt_table_alloc(common, pt_table_mem_lg2sz(&top),
					   gfp);
	}
	if (!table_mem)
		return -ENOMEM;
	common->top_of_table =
		pt_make_top_of_table(table_mem, range.top_level);

	domain->type = __IOMMU_DOMAIN_PAGING;
	domain->pgsize_bitmap = pt_all_page_sizes(common);
	domain->geometry.aperture_start = aperture_start;
	domain->geometry.aperture_end = min_t(u64, aperture_end, ULONG_MAX);
	domain->geometry.force_aperture = true;

	/* Last: deinit only runs on a table that init completed */
	iommu_table->ops = &NS(ops);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_init, GENERIC_PT_IOMMU);

/**
 * pt_iommu_FMT_hw_info() - the values to program the hardware with
 * @fmt_table: an initialised table
 * @info: Filled with the top table's address and the table's shape in the
 *	hardware's encoding (struct pt_iommu_<fmt>_hw_info).
 *
 * Context: Any context. With PT_FEAT_DYNAMIC_TOP the result is stable only
 * under the driver's top lock (pt_iommu_driver_ops::get_top_lock), and
 * pt_iommu_driver_ops::change_top reports later changes.
 */
void pt_iommu_FMT_hw_info(struct pt_iommu_FMT *fmt_table,
			  struct pt_iommu_FMT_hw_info *info)
{
	struct pt_range range =
		pt_make_range(common_from_iommu(&fmt_table->iommu), 0, 0);

	pt_iommu_fmt_hw_info(fmt_table, &range, info);
}
EXPORT_SYMBOL_NS_GPL(pt_iommu_FMT_hw_info, GENERIC_PT_IOMMU);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IOMMU page table for " __stringify(PT_FMT));
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif
