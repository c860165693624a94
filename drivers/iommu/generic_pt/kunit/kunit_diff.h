/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differential KUnit suite: a genpt format against the io-pgtable code of
 * Linux 6.12 that writes the same hardware layout, compiled once per pair.
 *
 * Both tables receive the same sequence of maps and unmaps: every page
 * size, crafted ranges of mixed sizes, tables emptied and then overmapped,
 * and random aligned ranges. The genpt table is mapped with one call per
 * range at the smallest page size, so that it picks its page sizes itself;
 * the 6.12 table through iommu_map()/iommu_unmap(), whose page size
 * selection (iommu_pgsize()) is what 6.12 drivers get. After every step:
 *
 *  - both tables are walked in parallel from the top, ours through the
 *    format's entry decoding, theirs through the pair's decoding written
 *    after the 6.12 code, and every item is compared: leaves must be
 *    bit-identical up to the pair's documented differences
 *    (kdiff_legacy_leaf()), table entries identical but for the address,
 *    and empty items identical (zero);
 *  - iova_to_phys of both agrees with the decoded leaf at the first and
 *    last byte of every leaf item, and with the model of what was mapped
 *    at every page of small ranges and at spread out pages of large ones,
 *    and returns 0 at the pages around each range and in unmapped ones;
 *  - unmap returns the same length on both.
 *
 * Differences common to every pair, checked as such rather than hidden:
 *
 *  - table freeing: genpt frees the tables an unmap covers, 6.12 never
 *    frees a table on unmap. A table 6.12 has and genpt not is accepted if
 *    it holds no leaf (checked recursively); genpt must never have a table
 *    6.12 does not (both allocate the tables their leaves need, and both
 *    free the empty ones a larger leaf replaces).
 *  - no splitting / no overwriting: the sequences never unmap a range that
 *    starts inside a leaf, and never map over a live mapping. 6.12 removes
 *    the whole leaf in the first case and silently replaces the old
 *    mapping in the second, where genpt unmaps nothing and refuses with
 *    -EADDRINUSE (GENERIC_PT.md section 5). Neither happens through the
 *    IOMMU core's callers. An unmap starting at a leaf but shorter than it
 *    is exercised: both remove the whole leaf.
 *  - holes: 6.12's unmap walks to the last level table and clears the
 *    entry there without checking that it is present, so it "unmaps" holes
 *    inside a level 0 table; genpt stops at the first hole. The sequences
 *    only unmap what they mapped.
 *
 * The including file defines PT_FMT and GENERIC_PT_CORE_ONLY, includes
 * ../fmt/iommu_template.h, then the pair's legacy_<name>.h, which
 * provides (the benchmark, kunit_bench.h, uses the same hooks):
 *
 *  - struct kdiff_legacy: the 6.12 side, with the struct iommu_domain it
 *    maps through;
 *  - kdiff_legacy_init(test, legacy, cfg): allocate the 6.12 table and fill
 *    the genpt configuration that matches it; returns the 6.12 domain;
 *  - kdiff_legacy_free(legacy);
 *  - kdiff_legacy_top(legacy, &level): the 6.12 top table and its level;
 *  - kdiff_legacy_load(legacy, entry, level, &lower): classify a 6.12
 *    entry as 6.12's walker does, and return the table it points to;
 *  - kdiff_legacy_leaf(legacy, entry): the leaf 6.12 writes where genpt
 *    wrote @entry, which is @entry itself but for documented differences;
 *  - KDIFF_TABLE_ADDR: the address bits of a table entry;
 *  - KDIFF_LEGACY_NAME: the io-pgtable format's name;
 *  - optionally kdiff_legacy_gen_params, a KUnit parameter generator over
 *    the configurations to compare (kdiff_legacy_init() finds the current
 *    one in test->param_value), and KDIFF_GENPT_ONLY_SIZES(common), page
 *    sizes genpt has that 6.12 splits into smaller pages (0 by default),
 *    KDIFF_CHECK_HW_INFO(test, pair), comparing what both say the
 *    hardware is to be programmed with, and KDIFF_LEGACY_SPLITS_BLOCKS
 *    (1) when the 6.12 unmap of part of a block splits it;
 *
 * and defines KDIFF_NAME, the suite's name.
 *
 * The tests and the pair hooks touch only the tables; the 6.12 code may
 * call back into its driver (flushes, device table updates), which the
 * pair must make safe.
 */
#ifndef __GENERIC_PT_KUNIT_DIFF_H
#define __GENERIC_PT_KUNIT_DIFF_H

#include <kunit/test.h>
#include <linux/prandom.h>
#include "kunit_pair.h"

#define KDIFF_MAX_EXTENTS 32
/* Mismatches reported in detail per comparison; the rest are counted */
#define KDIFF_MAX_REPORTS 8
#define KDIFF_RANDOM_OPS 200
/* Steps of the random test between two full checks */
#define KDIFF_RANDOM_FULL_CHECK 25
/* Largest page and IOVA window of the random ranges */
#define KDIFF_RANDOM_MAX_LG2 30
#define KDIFF_RANDOM_VA_LG2 38
#define KDIFF_RANDOM_HIGH_VA_LG2 47
#define KDIFF_RANDOM_OA_LG2 44

#ifndef KDIFF_GENPT_ONLY_SIZES
static inline unsigned long kdiff_no_genpt_only_sizes(struct pt_common *common)
{
	return 0;
}

#define KDIFF_GENPT_ONLY_SIZES(common) kdiff_no_genpt_only_sizes(common)
#endif

#ifndef KDIFF_LEGACY_SPLITS_BLOCKS
#define KDIFF_LEGACY_SPLITS_BLOCKS 0
#endif

/* A configuration per run of every case, when the pair has several */
#ifdef kdiff_legacy_gen_params
#define KDIFF_CASE(name) KUNIT_CASE_PARAM(name, kdiff_legacy_gen_params)
#else
#define KDIFF_CASE(name) KUNIT_CASE(name)
#endif

/* A range mapped by one call on each side */
struct kdiff_extent {
	u64 iova;
	u64 oa;
	u64 len;
};

/* What one parallel walk found */
struct kdiff_walk {
	unsigned int leaf_items;
	u64 leaf_bytes;
	unsigned int tables;
	/* tables present on one side only; they must hold no leaf */
	unsigned int genpt_only_tables;
	unsigned int legacy_only_tables;
	unsigned int mismatches;
	/* also check iova_to_phys at every leaf item */
	bool full;
};

struct kdiff_priv {
	struct kpair pair;
	struct kunit *test;

	struct kdiff_extent extents[KDIFF_MAX_EXTENTS];
	unsigned int num_extents;
	struct rnd_state rnd;
	struct kdiff_walk walk;

	/*
	 * The item sizes of levels 0, 1 and 2 (4K, 2M and 1G with a 4K
	 * granule), which the crafted sequences are written in, so that they
	 * put the same shapes into tables of any granule.
	 */
	unsigned int sz0_lg2;
	u64 sz0, sz1, sz2;
};

static struct iommu_domain *kdiff_domain(struct kdiff_priv *priv)
{
	return kpair_genpt_domain(&priv->pair);
}

static int kdiff_init(struct kunit *test)
{
	struct kdiff_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	priv->test = test;
	prandom_seed_state(&priv->rnd, 0x64696666);
	kpair_init(test, &priv->pair);
	test->priv = priv;
	{
		struct pt_range range =
			pt_make_range(kpair_common(&priv->pair), 0, 0);
		struct pt_state pts = { .range = &range };

		priv->sz0_lg2 = pt_table_item_lg2sz(&pts);
		priv->sz0 = log2_to_int(priv->sz0_lg2);
		pts.level = 1;
		priv->sz1 = log2_to_int(pt_table_item_lg2sz(&pts));
		pts.level = 2;
		priv->sz2 = log2_to_int(pt_table_item_lg2sz(&pts));
	}
	return 0;
}

static void kdiff_exit(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;

	if (priv)
		kpair_exit(test, &priv->pair);
}

/* ---- the parallel walk ---- */

static struct pt_common *kdiff_common(struct kdiff_priv *priv)
{
	return kpair_common(&priv->pair);
}

static u64 kdiff_legacy_phys(struct kdiff_priv *priv, u64 iova)
{
	return iommu_iova_to_phys(priv->pair.legacy_domain, iova);
}

static u64 kdiff_genpt_phys(struct kdiff_priv *priv, u64 iova)
{
	return NS(iova_to_phys)(kdiff_domain(priv), iova);
}

static void kdiff_mismatch(struct kdiff_priv *priv, const char *what,
			   unsigned int level, u64 va, u64 ours, u64 theirs)
{
	if (priv->walk.mismatches++ < KDIFF_MAX_REPORTS)
		kunit_err(priv->test,
			  "%s: level %u va %#llx: genpt %#llx, 6.12 %#llx\n",
			  what, level, va, ours, theirs);
}

/*
 * Both translate the first and the last byte of a leaf item to what the
 * genpt entry decodes to.
 */
static void kdiff_check_leaf_item(struct kdiff_priv *priv,
				  const struct pt_state *pts, u64 item_va)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	u64 oa = pt_entry_oa(pts) |
		 log2_mod(item_va, pt_entry_oa_lg2sz(pts));
	u64 last = item_va + log2_to_max_int(isz_lg2);
	u64 last_oa = oa + log2_to_max_int(isz_lg2);

	if (kdiff_genpt_phys(priv, item_va) != oa ||
	    kdiff_legacy_phys(priv, item_va) != oa)
		kdiff_mismatch(priv, "iova_to_phys at first byte", pts->level,
			       item_va, kdiff_genpt_phys(priv, item_va),
			       kdiff_legacy_phys(priv, item_va));
	if (kdiff_genpt_phys(priv, last) != last_oa ||
	    kdiff_legacy_phys(priv, last) != last_oa)
		kdiff_mismatch(priv, "iova_to_phys at last byte", pts->level,
			       last, kdiff_genpt_phys(priv, last),
			       kdiff_legacy_phys(priv, last));
}

/*
 * Compare one table of each side, either of which may be NULL for a table
 * the other side does not have (then all its items count as empty).
 */
static void kdiff_compare_table(struct kdiff_priv *priv,
				struct pt_range *range, unsigned int level,
				struct pt_table_p *ours, u64 *theirs, u64 va)
{
	struct pt_state pts = {
		.range = range,
		.table = ours,
		.level = level,
	};
	unsigned int num_items = log2_to_int(pt_num_items_lg2(&pts));
	unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);

	cond_resched();
	for (pts.index = 0; pts.index != num_items; pts.index++) {
		u64 item_va = va + log2_mul(pts.index, isz_lg2);
		u64 their_entry = theirs ? READ_ONCE(theirs[pts.index]) : 0;
		enum pt_entry_type their_type;
		u64 *their_lower = NULL;

		their_type = kdiff_legacy_load(&priv->pair.legacy,
					       their_entry, level,
					       &their_lower);
		if (ours) {
			pt_load_entry(&pts);
		} else {
			pts.entry = 0;
			pts.type = PT_ENTRY_EMPTY;
		}

		if (pts.type == PT_ENTRY_OA && their_type == PT_ENTRY_OA) {
			priv->walk.leaf_items++;
			priv->walk.leaf_bytes += log2_to_int(isz_lg2);
			if (their_entry !=
			    kdiff_legacy_leaf(&priv->pair.legacy, pts.entry))
				kdiff_mismatch(priv, "leaf", level, item_va,
					       pts.entry, their_entry);
			if (priv->walk.full)
				kdiff_check_leaf_item(priv, &pts, item_va);
		} else if (pts.type == PT_ENTRY_TABLE &&
			   their_type == PT_ENTRY_TABLE) {
			priv->walk.tables++;
			if ((pts.entry & ~KDIFF_TABLE_ADDR) !=
			    (their_entry & ~KDIFF_TABLE_ADDR))
				kdiff_mismatch(priv, "table entry", level,
					       item_va, pts.entry, their_entry);
			kdiff_compare_table(priv, range, level - 1,
					    pts.table_lower, their_lower,
					    item_va);
		} else if (pts.type == PT_ENTRY_TABLE &&
			   their_type == PT_ENTRY_EMPTY) {
			priv->walk.genpt_only_tables++;
			kdiff_compare_table(priv, range, level - 1,
					    pts.table_lower, NULL, item_va);
		} else if (pts.type == PT_ENTRY_EMPTY &&
			   their_type == PT_ENTRY_TABLE) {
			/* 6.12 never frees a table on unmap */
			priv->walk.legacy_only_tables++;
			kdiff_compare_table(priv, range, level - 1, NULL,
					    their_lower, item_va);
		} else if (pts.type == PT_ENTRY_EMPTY &&
			   their_type == PT_ENTRY_EMPTY) {
			if (pts.entry != their_entry)
				kdiff_mismatch(priv, "empty entry", level,
					       item_va, pts.entry, their_entry);
		} else {
			kdiff_mismatch(priv, "entry type", level, item_va,
				       pts.entry, their_entry);
		}
	}
}

/*
 * The genpt top level and 6.12's agree (6.12 grows its table under the
 * same conditions as PT_FEAT_DYNAMIC_TOP), then every item of the two trees
 * is compared.
 */
static void kdiff_compare_tables(struct kdiff_priv *priv, bool full)
{
	struct kunit *test = priv->test;
	struct pt_range range = pt_make_range(kdiff_common(priv), 0, 0);
	unsigned int their_level;
	u64 *their_top;

	their_top = kdiff_legacy_top(&priv->pair.legacy, &their_level);
	KUNIT_ASSERT_EQ_MSG(test, range.top_level, their_level,
			    "the tables have different top levels");
	memset(&priv->walk, 0, sizeof(priv->walk));
	priv->walk.full = full;
	kdiff_compare_table(priv, &range, range.top_level, range.top_table,
			    their_top, 0);
	KUNIT_EXPECT_EQ_MSG(test, priv->walk.mismatches, 0,
			    "the tables differ (details above)");
}

/* ---- the model of what is mapped ---- */

static u64 kdiff_model_phys(struct kdiff_priv *priv, u64 iova)
{
	unsigned int i;

	for (i = 0; i != priv->num_extents; i++) {
		struct kdiff_extent *ext = &priv->extents[i];

		if (ext->iova <= iova && iova - ext->iova < ext->len)
			return ext->oa + (iova - ext->iova);
	}
	return 0;
}

static bool kdiff_model_overlaps(struct kdiff_priv *priv, u64 iova, u64 len)
{
	unsigned int i;

	for (i = 0; i != priv->num_extents; i++) {
		struct kdiff_extent *ext = &priv->extents[i];

		if (ext->iova <= iova + len - 1 && iova <= ext->iova + ext->len - 1)
			return true;
	}
	return false;
}

static u64 kdiff_rand64(struct kdiff_priv *priv)
{
	return (u64)prandom_u32_state(&priv->rnd) << 32 |
	       prandom_u32_state(&priv->rnd);
}

static void kdiff_check_phys(struct kdiff_priv *priv, u64 iova)
{
	u64 expect = kdiff_model_phys(priv, iova);
	u64 ours = kdiff_genpt_phys(priv, iova);
	u64 theirs = kdiff_legacy_phys(priv, iova);

	if (ours != expect || theirs != expect) {
		if (priv->walk.mismatches++ < KDIFF_MAX_REPORTS)
			kunit_err(priv->test,
				  "iova_to_phys(%#llx): genpt %#llx, 6.12 %#llx, mapped %#llx\n",
				  iova, ours, theirs, expect);
	}
}

/*
 * iova_to_phys at every page of small ranges, at 64 (@full) or 16 spread
 * out pages and the last byte of large ones, and at the page before and
 * after each.
 */
static void kdiff_check_extent(struct kdiff_priv *priv,
			       const struct kdiff_extent *ext, bool full)
{
	u64 step = max_t(u64, PAGE_SIZE, ext->len >> (full ? 6 : 4));
	unsigned int i = 0;
	u64 off;

	/* at a different byte of each page */
	for (off = 0; off < ext->len; off += step, i++)
		kdiff_check_phys(priv, ext->iova + off +
					       ((i * 24) & (PAGE_SIZE - 1)));
	kdiff_check_phys(priv, ext->iova + ext->len - 1);
	if (ext->iova)
		kdiff_check_phys(priv, ext->iova - 1);
	if (ext->iova + ext->len)
		kdiff_check_phys(priv, ext->iova + ext->len);
}

/*
 * Everything one step must leave identical on both sides; the leaves
 * found add up to what the model says is mapped. @full adds iova_to_phys
 * at every leaf item and more pages of each range, which is too slow for
 * every step of the random test.
 */
static void kdiff_check_steps(struct kdiff_priv *priv, bool full)
{
	u64 mapped = 0;
	unsigned int i;

	kdiff_compare_tables(priv, full);
	for (i = 0; i != priv->num_extents; i++)
		mapped += priv->extents[i].len;
	KUNIT_EXPECT_EQ_MSG(priv->test, priv->walk.leaf_bytes, mapped,
			    "the leaves do not cover what was mapped");
	KUNIT_EXPECT_EQ_MSG(priv->test, priv->walk.genpt_only_tables, 0,
			    "genpt has tables 6.12 does not");
	priv->walk.mismatches = 0;
	for (i = 0; i != priv->num_extents; i++)
		kdiff_check_extent(priv, &priv->extents[i], full);
	KUNIT_EXPECT_EQ_MSG(priv->test, priv->walk.mismatches, 0,
			    "iova_to_phys differs from what was mapped");
}

static void kdiff_check(struct kdiff_priv *priv)
{
	kdiff_check_steps(priv, true);
}

/* ---- the operations, on both sides ---- */

static int kdiff_map(struct kdiff_priv *priv, u64 iova, u64 oa, u64 len,
		     int prot)
{
	struct kunit *test = priv->test;
	size_t mapped = 0;
	int ret;

	if (WARN_ON(priv->num_extents == KDIFF_MAX_EXTENTS))
		return -ENOSPC;

	/* genpt picks its page sizes itself from one call */
	ret = NS(map_pages)(kdiff_domain(priv), iova, oa, priv->sz0,
			    log2_div(len, priv->sz0_lg2), prot, GFP_KERNEL,
			    &mapped);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "genpt map %#llx+%#llx", iova, len);
	KUNIT_EXPECT_EQ(test, (u64)mapped, len);
	/* the IOMMU core splits the range for 6.12 */
	ret = iommu_map(priv->pair.legacy_domain, iova, oa, len, prot, GFP_KERNEL);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "6.12 map %#llx+%#llx", iova, len);

	priv->extents[priv->num_extents++] = (struct kdiff_extent){
		.iova = iova,
		.oa = oa,
		.len = len,
	};
	return 0;
}

/* Unmap on both; returns the length, which must be the same */
static u64 kdiff_unmap_both(struct kdiff_priv *priv, u64 iova, u64 len)
{
	struct iommu_iotlb_gather gather;
	size_t ours, theirs;

	iommu_iotlb_gather_init(&gather);
	ours = NS(unmap_pages)(kdiff_domain(priv), iova, priv->sz0,
			       log2_div(len, priv->sz0_lg2), &gather);
	iommu_iotlb_sync(kdiff_domain(priv), &gather);
	theirs = iommu_unmap(priv->pair.legacy_domain, iova, len);
	KUNIT_EXPECT_EQ_MSG(priv->test, (u64)ours, (u64)theirs,
			    "unmap %#llx+%#llx returned different lengths",
			    iova, len);
	return ours;
}

/* Unmap extent @i whole, and check that nothing of it translates */
static void kdiff_unmap_extent(struct kdiff_priv *priv, unsigned int i)
{
	struct kdiff_extent ext = priv->extents[i];

	KUNIT_EXPECT_EQ(priv->test, kdiff_unmap_both(priv, ext.iova, ext.len),
			ext.len);
	priv->extents[i] = priv->extents[--priv->num_extents];
	priv->walk.mismatches = 0;
	kdiff_check_extent(priv, &ext, true);
	KUNIT_EXPECT_EQ_MSG(priv->test, priv->walk.mismatches, 0,
			    "an unmapped page still translates");
}

static void kdiff_unmap_all(struct kdiff_priv *priv)
{
	while (priv->num_extents)
		kdiff_unmap_extent(priv, priv->num_extents - 1);
	kdiff_check(priv);
	/* Nothing is left on either side, 6.12 just keeps its tables */
	KUNIT_EXPECT_EQ(priv->test, priv->walk.leaf_items, 0);
	kunit_info(priv->test,
		   "all unmapped: %u tables in both, %u more kept by 6.12\n",
		   priv->walk.tables, priv->walk.legacy_only_tables);
}

static int kdiff_prot(unsigned int n)
{
	static const int prots[] = {
		IOMMU_READ | IOMMU_WRITE,
		IOMMU_READ,
		IOMMU_WRITE,
		IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	};

	return prots[n % ARRAY_SIZE(prots)];
}

static unsigned long kdiff_pgsizes(struct kdiff_priv *priv)
{
	return kdiff_domain(priv)->pgsize_bitmap;
}

/* An output address of @lg2 alignment, not 0, that fits the OA space */
static u64 kdiff_oa_for(struct kdiff_priv *priv, unsigned int lg2,
			unsigned int k)
{
	unsigned int oasz_lg2 = kdiff_common(priv)->max_oasz_lg2;
	u64 slots = log2_to_int(oasz_lg2 - lg2);

	return log2_mul(1 + ((k + 1) & (slots - 2)), lg2);
}

/*
 * The crafted sequences are laid out in units of the level 2 item: skip a
 * configuration whose input or output address space is too small for
 * them (the random test still runs there).
 */
static void kdiff_need_space(struct kdiff_priv *priv, u64 va_len, u64 oa_len)
{
	struct pt_common *common = kdiff_common(priv);

	if (va_len - 1 > kdiff_domain(priv)->geometry.aperture_end ||
	    (common->max_oasz_lg2 < 64 &&
	     oa_len > log2_to_int(common->max_oasz_lg2)))
		kunit_skip(priv->test,
			   "the sequence needs %llu and %llu level 2 items of input and output address space",
			   div64_u64(va_len, priv->sz2),
			   div64_u64(oa_len, priv->sz2));
}

/* ---- tests ---- */

/* Both tables start out the same and offer the same page sizes */
static void kdiff_test_empty(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;

	KUNIT_EXPECT_EQ(test,
			kdiff_pgsizes(priv) &
				~KDIFF_GENPT_ONLY_SIZES(kdiff_common(priv)),
			priv->pair.legacy_domain->pgsize_bitmap);
#ifdef KDIFF_CHECK_HW_INFO
	KDIFF_CHECK_HW_INFO(test, &priv->pair);
#endif
	kdiff_check(priv);
	KUNIT_EXPECT_EQ(test, priv->walk.leaf_items, 0);
}

/*
 * How much to ask to unmap of a page of 2^@lg2 so that both sides remove
 * all of it: the smallest page for a size both have, as neither splits a
 * leaf; the whole page for a size 6.12 maps as several smaller ones, or
 * when the 6.12 code splits a block to unmap part of it
 * (KDIFF_LEGACY_SPLITS_BLOCKS), which genpt never does.
 */
static u64 kdiff_unmap_request(struct kdiff_priv *priv, unsigned int lg2)
{
	if (KDIFF_LEGACY_SPLITS_BLOCKS ||
	    KDIFF_GENPT_ONLY_SIZES(kdiff_common(priv)) & BIT_ULL(lg2))
		return log2_to_int(lg2);
	return priv->sz0;
}

/*
 * Every page size, one page at a time at three positions, each with a
 * different prot; then unmapped with a request for the smallest page from
 * its start, which removes the whole page on both sides.
 */
static void kdiff_test_every_size(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;
	unsigned long sizes = kdiff_pgsizes(priv);
	u64 max_iova = kdiff_domain(priv)->geometry.aperture_end;
	unsigned int lg2, k, n = 0;

	for_each_set_bit(lg2, &sizes, BITS_PER_LONG) {
		u64 size = log2_to_int(lg2);

		for (k = 1; k <= 3; k++) {
			u64 iova = size * k;
			u64 oa = kdiff_oa_for(priv, lg2, k);

			if (iova - 1 > max_iova - size)
				continue;
			kdiff_map(priv, iova, oa, size, kdiff_prot(n++));
			kdiff_check(priv);
			KUNIT_EXPECT_EQ(test,
					kdiff_unmap_both(priv, iova,
							 kdiff_unmap_request(priv, lg2)),
					size);
			priv->num_extents--;
			kdiff_check(priv);
			KUNIT_EXPECT_EQ(test, priv->walk.leaf_items, 0);
		}
	}
}

/*
 * Ranges that need several page sizes, mapped with one call each: aligned
 * output addresses let every larger size in, an output address off by a
 * page keeps everything at the smallest size, and runs of 256 pages of the
 * two smallest table levels, as a DMA API user would map them.
 */
static void kdiff_test_mixed_sizes(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;
	const u64 p = priv->sz0, b = priv->sz1, g = priv->sz2;
	const struct {
		u64 iova, len, oa_delta;
	} ranges[] = {
		/* level 0 pages up to a level 2 item, one, level 1, level 0 */
		{ g - 3 * p, g + 5 * b + 6 * p, 4 * g },
		/* the same shape below a level 1 item */
		{ 7 * b - 15 * p, b + 30 * p, 8 * g },
		/* output off by a page: all at the smallest size */
		{ 11 * b - 16 * p, b + 32 * p, 9 * g + p },
		/* 256 x 4K and 256 x 2M with a 4K granule, aligned */
		{ 16 * b, b / 2, 10 * g },
		{ 16 * g, g / 2, 32 * g },
		/* a level 0 table's worth across two level 0 tables */
		{ 21 * b + b / 2, b, 11 * g },
		/* an odd number of pages at a 16 page boundary */
		{ 25 * b + 16 * p, 37 * 16 * p + 3 * p, 12 * g },
	};
	unsigned int i;

	kdiff_need_space(priv, 64 * g, 64 * g);
	for (i = 0; i != ARRAY_SIZE(ranges); i++) {
		kdiff_map(priv, ranges[i].iova, ranges[i].iova + ranges[i].oa_delta,
			  ranges[i].len, kdiff_prot(i));
		kdiff_check(priv);
	}
	KUNIT_EXPECT_GT(test, priv->walk.leaf_items, 0);

	/* Unmapping two adjacent ranges with one call */
	kdiff_map(priv, 40 * g - b, 50 * g - b, b + 2 * p, IOMMU_READ);
	kdiff_map(priv, 40 * g + 2 * p, 60 * g + 2 * p, g - 2 * p,
		  IOMMU_READ | IOMMU_WRITE);
	kdiff_check(priv);
	KUNIT_EXPECT_EQ(test, kdiff_unmap_both(priv, 40 * g - b, g + b),
			g + b);
	priv->num_extents -= 2;
	kdiff_check(priv);

	kdiff_unmap_all(priv);
}

/*
 * Tables emptied by unmaps and then overmapped by a larger page: genpt
 * frees a table an unmap covers at once and replaces one left partly
 * covered on the larger map; 6.12 keeps both and replaces them on the map.
 */
static void kdiff_test_overmap(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;
	const u64 p = priv->sz0, b = priv->sz1, g = priv->sz2;

	kdiff_need_space(priv, 16 * g, 8 * g);

	/* half a level 0 table, emptied, then a level 1 page over it */
	kdiff_map(priv, 5 * b, g, b / 2, IOMMU_READ);
	kdiff_unmap_extent(priv, 0);
	kdiff_check(priv);
	kdiff_map(priv, 5 * b, g, b, IOMMU_READ | IOMMU_WRITE);
	kdiff_check(priv);

	/* a whole level 0 table inside a level 1 table, then a level 2 item */
	kdiff_map(priv, 3 * g + 7 * b, 5 * g, b, IOMMU_WRITE);
	kdiff_map(priv, 3 * g + 9 * b, 5 * g, 3 * p, IOMMU_READ);
	kdiff_unmap_extent(priv, 1);
	kdiff_unmap_extent(priv, 1);
	kdiff_check(priv);
	kdiff_map(priv, 3 * g, 6 * g, g, IOMMU_READ | IOMMU_WRITE);
	kdiff_check(priv);

	/* one of two level 1 items of a range held an emptied table */
	kdiff_map(priv, 9 * g + b + p, 7 * g, p, IOMMU_READ);
	kdiff_unmap_extent(priv, 2);
	kdiff_map(priv, 9 * g, 7 * g, 2 * b, IOMMU_READ | IOMMU_WRITE);
	kdiff_check(priv);

	kdiff_unmap_all(priv);
}

/* A random aligned range that overlaps nothing mapped, or false */
static bool kdiff_random_range(struct kdiff_priv *priv,
			       struct kdiff_extent *ext)
{
	unsigned long sizes = kdiff_pgsizes(priv) &
			      GENMASK(KDIFF_RANDOM_MAX_LG2, 0);
	unsigned int num_sizes = hweight_long(sizes);
	unsigned int oa_lg2 = min_t(unsigned int, KDIFF_RANDOM_OA_LG2,
				    kdiff_common(priv)->max_oasz_lg2);
	unsigned int va_lg2, lg2, n, tries;
	u64 size, off;
	u32 r;

	for (tries = 0; tries != 8; tries++) {
		r = prandom_u32_state(&priv->rnd);
		/* a page size, uniformly, then a count up to 8 */
		n = r % num_sizes;
		lg2 = find_first_bit(&sizes, BITS_PER_LONG);
		while (n--)
			lg2 = find_next_bit(&sizes, BITS_PER_LONG, lg2 + 1);
		size = log2_to_int(lg2);
		ext->len = size * (1 + ((r >> 8) & 3));
		/* sometimes high, so that a growing top grows */
		va_lg2 = (r >> 11) & 7 ? KDIFF_RANDOM_VA_LG2 :
					 KDIFF_RANDOM_HIGH_VA_LG2;
		va_lg2 = min_t(unsigned int, va_lg2,
			       kdiff_common(priv)->max_vasz_lg2);
		ext->iova = kdiff_rand64(priv) & GENMASK_ULL(va_lg2 - 1, lg2);
		ext->oa = kdiff_rand64(priv) &
			  GENMASK_ULL(oa_lg2 - 1, lg2);
		if (!ext->oa)
			ext->oa = size;
		/*
		 * Often shifted by some pages, the same on both addresses
		 * so that larger pages still fit inside, and sometimes
		 * not, so that they do not.
		 */
		switch ((r >> 14) & 3) {
		case 0:
			off = (u64)((r >> 16) & 511) << priv->sz0_lg2;
			ext->iova += off;
			ext->oa += off;
			ext->len += (u64)((r >> 25) & 127) << priv->sz0_lg2;
			break;
		case 1:
			/* all at the smallest size: keep it short */
			if (ext->len > 2 * priv->sz1)
				continue;
			ext->oa += (u64)(((r >> 16) & 7) + 1) << priv->sz0_lg2;
			break;
		}
		if (ext->iova + ext->len - 1 >= BIT_ULL(va_lg2) ||
		    ext->oa + ext->len - 1 >= BIT_ULL(oa_lg2) ||
		    kdiff_model_overlaps(priv, ext->iova, ext->len))
			continue;
		return true;
	}
	return false;
}

/*
 * Random maps of aligned ranges of every page size up to 1G, some shifted
 * so that they mix sizes, and unmaps of random whole ranges, compared
 * after every step.
 */
static void kdiff_test_random(struct kunit *test)
{
	struct kdiff_priv *priv = test->priv;
	unsigned int op, maps = 0, unmaps = 0, max_leaves = 0;
	struct kdiff_extent ext;
	u32 r;

	for (op = 0; op != KDIFF_RANDOM_OPS; op++) {
		r = prandom_u32_state(&priv->rnd);
		if (priv->num_extents &&
		    (r % 3 == 0 || priv->num_extents == KDIFF_MAX_EXTENTS)) {
			kdiff_unmap_extent(priv, (r >> 2) % priv->num_extents);
			unmaps++;
		} else if (kdiff_random_range(priv, &ext)) {
			kdiff_map(priv, ext.iova, ext.oa, ext.len,
				  kdiff_prot(r >> 2));
			maps++;
		}
		kdiff_check_steps(priv, !(op % KDIFF_RANDOM_FULL_CHECK));
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "failed at step %u; mapped:\n", op);
			for (r = 0; r != priv->num_extents; r++)
				kunit_info(test, "  %#llx+%#llx -> %#llx\n",
					   priv->extents[r].iova,
					   priv->extents[r].len,
					   priv->extents[r].oa);
			return;
		}
		max_leaves = max(max_leaves, priv->walk.leaf_items);
	}
	kunit_info(test, "%u maps, %u unmaps, up to %u leaf items compared\n",
		   maps, unmaps, max_leaves);
	kdiff_unmap_all(priv);
}

static struct kunit_case kdiff_test_cases[] = {
	KDIFF_CASE(kdiff_test_empty),
	KDIFF_CASE(kdiff_test_every_size),
	KDIFF_CASE(kdiff_test_mixed_sizes),
	KDIFF_CASE(kdiff_test_overmap),
	KDIFF_CASE(kdiff_test_random),
	{}
};

static struct kunit_suite kdiff_suite = {
	.name = KDIFF_NAME,
	.init = kdiff_init,
	.exit = kdiff_exit,
	.test_cases = kdiff_test_cases,
};

kunit_test_suites(&kdiff_suite);

MODULE_DESCRIPTION("KUnit differential test of the " __stringify(PT_FMT) " IOMMU page table");

#endif
