/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit suite of the IOMMU operations, compiled once per format.
 *
 * The operations are called through the exported functions, as a driver
 * would, on a table initialised for each of the format's KUnit
 * configurations (kunit_fmt_cfgs). Three models check them:
 *
 *  - a reference model of which leaves must exist, computed independently
 *    from the greedy page size rule of the specification, against which
 *    every map and unmap result and every translation is compared;
 *  - an IOTLB model: every translation an unmap removed is "stale" until an
 *    iotlb_sync covers it, and every table page given back through the
 *    gather must lie inside the synced range before it is freed;
 *  - the iommu pages counter, which must be back at its start after deinit.
 *
 * It shares the configuration parameters and the DMA device helper of the
 * format suite, kunit_generic_pt.h, which the template includes first.
 *
 * Test addresses are offsets from the start of the domain's aperture, which
 * is 0 except for tables with a fixed address prefix (ARM TTBR1); the
 * helpers add it. The IOTLB model works with the absolute addresses the
 * operations see.
 */
#ifndef __GENERIC_PT_KUNIT_IOMMU_H
#define __GENERIC_PT_KUNIT_IOMMU_H

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/generic_pt/iommu.h>
#include <linux/prandom.h>
#include "../iommu-pages.h"
#include "kunit_iommu_pages.h"
#include "pt_fault_inject.h"

#define kiommu_table CONCATENATE(pt_iommu_, PT_FMT)
#define kiommu_cfg CONCATENATE(kiommu_table, _cfg)
#define kiommu_hw_info CONCATENATE(kiommu_table, _hw_info)

/* Limits of the models, far above what the tests create */
#define KIOMMU_MAX_STALE 64
#define KIOMMU_MAX_TABLES 4096
#define KIOMMU_MAX_EXTENTS 2048

struct kiommu_span {
	unsigned long pfn;
	pt_vaddr_t first;
	pt_vaddr_t last;
};

/* A leaf the reference model says must exist */
struct kiommu_extent {
	pt_vaddr_t va;
	pt_oaddr_t oa;
	unsigned int lg2sz;
};

struct kiommu_priv {
	struct kiommu_table fmt_table;
	struct kunit *test;
	struct iommu_domain_ops domain_ops;
	long start_pages;

	/* driver_ops model */
	spinlock_t top_lock;
	unsigned int change_top_calls;
	phys_addr_t top_pa;
	unsigned int top_level;

	/* IOTLB model */
	struct kiommu_span stale[KIOMMU_MAX_STALE];
	unsigned int num_stale;
	struct kiommu_span *tables;
	unsigned int num_tables;
	unsigned int syncs;
	unsigned int freed_tables;
	/* tables are compound pages of any order (ARM 16KiB/64KiB granules) */
	unsigned long freed_pages;

	/* reference model */
	struct kiommu_extent *extents;
	unsigned int num_extents;
	struct rnd_state rnd;
};

static struct kiommu_priv *kiommu_from_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct kiommu_priv, fmt_table.iommu.domain);
}

static struct pt_common *kiommu_common(struct kiommu_priv *priv)
{
	return &priv->fmt_table.PT_IOMMU_MEMBER.common;
}

/* ---- IOTLB model ---- */

/* Record every table of the current tree with the VA span it translates */
static void kiommu_collect_tables(struct kiommu_priv *priv,
				  struct pt_range *range, unsigned int level,
				  struct pt_table_p *table, pt_vaddr_t table_va)
{
	struct pt_state pts = {
		.range = range,
		.table = table,
		.level = level,
	};
	unsigned int num_items = log2_to_int(pt_num_items_lg2(&pts));
	unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);
	struct kiommu_span *span;
	pt_vaddr_t va;

	for (pts.index = 0; pts.index != num_items; pts.index++) {
		pt_load_entry(&pts);
		if (pts.type != PT_ENTRY_TABLE)
			continue;
		va = table_va + log2_mul(pts.index, isz_lg2);
		if (WARN_ON(priv->num_tables == KIOMMU_MAX_TABLES))
			return;
		span = &priv->tables[priv->num_tables++];
		span->pfn = page_to_pfn(virt_to_page(pts.table_lower));
		span->first = va;
		span->last = va + log2_to_max_int(isz_lg2);
		kiommu_collect_tables(priv, range, level - 1, pts.table_lower,
				      va);
	}
}

static void kiommu_snapshot_tables(struct kiommu_priv *priv)
{
	struct pt_range range = pt_make_range(kiommu_common(priv), 0, 0);

	priv->num_tables = 0;
	kiommu_collect_tables(priv, &range, range.top_level, range.top_table,
			      priv->fmt_table.iommu.domain.geometry.aperture_start);
}

static void kiommu_iotlb_sync(struct iommu_domain *domain,
			      struct iommu_iotlb_gather *gather)
{
	struct kiommu_priv *priv = kiommu_from_domain(domain);
	struct kunit *test = priv->test;
	struct page *page;
	unsigned int i, j;

	priv->syncs++;
	/*
	 * 6.12 drivers take gather->pgsize as the invalidation granule and
	 * arm_smmu_iotlb_sync() skips a gather without one.
	 */
	if (gather->start <= gather->end || !list_empty(&gather->freelist)) {
		KUNIT_EXPECT_TRUE_MSG(test, is_power_of_2(gather->pgsize),
				      "gather->pgsize %zx", gather->pgsize);
		KUNIT_EXPECT_LE(test, (u64)gather->pgsize,
				(u64)gather->end - gather->start + 1);
	}
	/* The invalidation covers these: they are no longer stale */
	for (i = 0; i < priv->num_stale;) {
		if (gather->start <= priv->stale[i].first &&
		    priv->stale[i].last <= gather->end) {
			priv->stale[i] = priv->stale[--priv->num_stale];
			continue;
		}
		i++;
	}

	/* Freed tables must have been invalidated by this sync */
	list_for_each_entry(page, &gather->freelist, lru) {
		bool found = false;

		for (j = 0; j != priv->num_tables; j++) {
			if (priv->tables[j].pfn != page_to_pfn(page))
				continue;
			found = true;
			KUNIT_EXPECT_LE(test, (u64)gather->start,
					(u64)priv->tables[j].first);
			KUNIT_EXPECT_GE(test, (u64)gather->end,
					(u64)priv->tables[j].last);
		}
		KUNIT_EXPECT_TRUE_MSG(test, found,
				      "freed page %lx was not a table",
				      page_to_pfn(page));
		priv->freed_tables++;
		priv->freed_pages += compound_nr(page);
	}
	iommu_put_pages_list(&gather->freelist);
}

/* What the IOMMU core does after unmap: sync, then nothing may be stale */
static void kiommu_sync_and_check(struct kiommu_priv *priv,
				  struct iommu_iotlb_gather *gather)
{
	iommu_iotlb_sync(&priv->fmt_table.iommu.domain, gather);
	KUNIT_EXPECT_EQ_MSG(priv->test, priv->num_stale, 0,
			    "a changed translation was not invalidated");
	priv->num_stale = 0;
}

static void kiommu_add_stale(struct kiommu_priv *priv, pt_vaddr_t first,
			     pt_vaddr_t last)
{
	if (WARN_ON(priv->num_stale == KIOMMU_MAX_STALE))
		return;
	priv->stale[priv->num_stale].first = first;
	priv->stale[priv->num_stale].last = last;
	priv->num_stale++;
}

/* ---- driver_ops model ---- */

static void kiommu_change_top(struct pt_iommu *iommu_table,
			      phys_addr_t top_paddr, unsigned int top_level)
{
	struct kiommu_priv *priv =
		container_of(iommu_table, struct kiommu_priv, fmt_table.iommu);

	lockdep_assert_held(&priv->top_lock);
	priv->change_top_calls++;
	priv->top_pa = top_paddr;
	priv->top_level = top_level;
}

static spinlock_t *kiommu_get_top_lock(struct pt_iommu *iommu_table)
{
	struct kiommu_priv *priv =
		container_of(iommu_table, struct kiommu_priv, fmt_table.iommu);

	return &priv->top_lock;
}

static const struct pt_iommu_driver_ops kiommu_driver_ops = {
	.change_top = kiommu_change_top,
	.get_top_lock = kiommu_get_top_lock,
};

/* ---- setup ---- */

/* A zeroed table with the driver fields set, not yet initialised */
static struct kiommu_priv *kiommu_alloc(struct kunit *test)
{
	struct kiommu_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	priv->tables = kunit_kcalloc(test, KIOMMU_MAX_TABLES,
				     sizeof(*priv->tables), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv->tables);
	priv->extents = kunit_kcalloc(test, KIOMMU_MAX_EXTENTS,
				      sizeof(*priv->extents), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv->extents);
	priv->test = test;
	spin_lock_init(&priv->top_lock);
	prandom_seed_state(&priv->rnd, 0x6e6e7074);

	/* What IOMMU_PT_DOMAIN_OPS() expands to for this format */
	priv->domain_ops = (struct iommu_domain_ops){
		.iova_to_phys = NS(iova_to_phys),
		.map_pages = NS(map_pages),
		.unmap_pages = NS(unmap_pages),
		.iotlb_sync = kiommu_iotlb_sync,
	};
	priv->fmt_table.iommu.domain.ops = &priv->domain_ops;
	priv->fmt_table.iommu.driver_ops = &kiommu_driver_ops;
	priv->fmt_table.iommu.nid = NUMA_NO_NODE;
	priv->fmt_table.iommu.iommu_device = kfmt_dma_device(test);
	priv->start_pages = kpt_iommu_pages();
	return priv;
}

static struct kiommu_cfg kiommu_full_cfg(const struct kiommu_cfg *param)
{
	return kfmt_full_cfg(param);
}

static int kiommu_init(struct kunit *test)
{
	const struct kiommu_cfg *param = test->param_value;
	struct kiommu_priv *priv;
	struct kiommu_cfg cfg;
	int ret;

	if (!param)
		return 0;
	priv = kiommu_alloc(test);
	cfg = kiommu_full_cfg(param);
	ret = NS(init)(&priv->fmt_table, &cfg, GFP_KERNEL);
	kfmt_skip_unsupported(test, &cfg, ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	test->priv = priv;
	return 0;
}

static void kiommu_exit(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;

	if (!priv)
		return;
	pt_iommu_deinit(&priv->fmt_table.iommu);
	KUNIT_EXPECT_EQ_MSG(test, kpt_iommu_pages(), priv->start_pages,
			    "table pages leaked");
}

/* ---- helpers ---- */

static struct iommu_domain *kiommu_domain(struct kiommu_priv *priv)
{
	return &priv->fmt_table.iommu.domain;
}

static unsigned long kiommu_pgsizes(struct kiommu_priv *priv)
{
	return kiommu_domain(priv)->pgsize_bitmap;
}

static unsigned int kiommu_min_lg2(struct kiommu_priv *priv)
{
	return __ffs(kiommu_pgsizes(priv));
}

/*
 * The protection of mappings whose permissions do not matter to a test:
 * read-only, which every format encodes, unless the configuration refuses
 * read-only leaves.
 */
static int kiommu_prot_ro(struct kiommu_priv *priv)
{
	if (kunit_fmt_prot_refused(kiommu_common(priv), IOMMU_READ))
		return IOMMU_READ | IOMMU_WRITE;
	return IOMMU_READ;
}

/* The IOVA the operations take for the test address @iova */
static unsigned long kiommu_iova(struct kiommu_priv *priv, pt_vaddr_t iova)
{
	return kiommu_domain(priv)->geometry.aperture_start + iova;
}

static int kiommu_map(struct kiommu_priv *priv, pt_vaddr_t iova,
		      pt_oaddr_t oa, pt_vaddr_t len, int prot, size_t *mapped)
{
	size_t pgsize = log2_to_int(kiommu_min_lg2(priv));

	*mapped = 0;
	return NS(map_pages)(kiommu_domain(priv), kiommu_iova(priv, iova), oa,
			     pgsize, log2_div(len, kiommu_min_lg2(priv)), prot,
			     GFP_KERNEL, mapped);
}

/* Map that must succeed */
static void kiommu_map_ok(struct kiommu_priv *priv, pt_vaddr_t iova,
			  pt_oaddr_t oa, pt_vaddr_t len)
{
	size_t mapped;

	kiommu_snapshot_tables(priv);
	KUNIT_ASSERT_EQ(priv->test,
			kiommu_map(priv, iova, oa, len,
				   IOMMU_READ | IOMMU_WRITE, &mapped),
			0);
	KUNIT_ASSERT_EQ(priv->test, (u64)mapped, (u64)len);
}

/* Unmap through the model: returns what unmap_pages returned */
static size_t kiommu_unmap(struct kiommu_priv *priv, pt_vaddr_t iova,
			   pt_vaddr_t len)
{
	struct iommu_iotlb_gather gather;
	size_t pgsize = log2_to_int(kiommu_min_lg2(priv));
	size_t ret;

	iommu_iotlb_gather_init(&gather);
	kiommu_snapshot_tables(priv);
	ret = NS(unmap_pages)(kiommu_domain(priv), kiommu_iova(priv, iova),
			      pgsize, log2_div(len, kiommu_min_lg2(priv)),
			      &gather);
	if (ret)
		kiommu_add_stale(priv, kiommu_iova(priv, iova),
				 kiommu_iova(priv, iova) + ret - 1);
	kiommu_sync_and_check(priv, &gather);
	return ret;
}

static pt_oaddr_t kiommu_phys(struct kiommu_priv *priv, pt_vaddr_t iova)
{
	return NS(iova_to_phys)(kiommu_domain(priv), kiommu_iova(priv, iova));
}

static u32 kiommu_rand(struct kiommu_priv *priv)
{
	return prandom_u32_state(&priv->rnd);
}

/* Highest usable test address: the aperture, which 32 bit kernels clamp */
static pt_vaddr_t kiommu_max_iova(struct kiommu_priv *priv)
{
	return kiommu_domain(priv)->geometry.aperture_end -
	       kiommu_domain(priv)->geometry.aperture_start;
}

/*
 * Fail the next table allocation once @space bytes were allocated without
 * failing; times 0 disarms.
 */
static void kiommu_fail_alloc(int times, int space)
{
#if IS_ENABLED(CONFIG_IOMMU_PT_FAULT_INJECTION)
	pt_fault_table_alloc.probability = 100;
	pt_fault_table_alloc.interval = 1;
	atomic_set(&pt_fault_table_alloc.space, space);
	atomic_set(&pt_fault_table_alloc.times, times);
#endif
}

/* ---- tests ---- */

/* Every invalid configuration is refused and leaves nothing allocated */
static void kiommu_test_init_errors(struct kunit *test)
{
	const struct kiommu_cfg *param = test->param_value;
	struct kiommu_priv *priv = kiommu_alloc(test);
	struct kiommu_cfg cfg;

#define KIOMMU_EXPECT_INIT(errno)                                              \
	do {                                                                   \
		KUNIT_EXPECT_EQ(test,                                          \
				NS(init)(&priv->fmt_table, &cfg, GFP_KERNEL),  \
				errno);                                        \
		KUNIT_EXPECT_NULL(test, priv->fmt_table.iommu.ops);            \
		pt_iommu_deinit(&priv->fmt_table.iommu);                       \
		KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), priv->start_pages); \
	} while (0)

	cfg = kiommu_full_cfg(param);
	cfg.common.hw_max_vasz_lg2 = 0;
	KIOMMU_EXPECT_INIT(-EINVAL);

	cfg = kiommu_full_cfg(param);
	cfg.common.hw_max_vasz_lg2 = PT_MAX_VA_ADDRESS_LG2 + 1;
	KIOMMU_EXPECT_INIT(-EINVAL);

	cfg = kiommu_full_cfg(param);
	cfg.common.hw_max_oasz_lg2 = 0;
	KIOMMU_EXPECT_INIT(-EINVAL);

	cfg = kiommu_full_cfg(param);
	cfg.common.hw_max_oasz_lg2 = 65;
	KIOMMU_EXPECT_INIT(-EINVAL);

	cfg = kiommu_full_cfg(param);
	cfg.common.features |= BIT(31);
	KIOMMU_EXPECT_INIT(-EOPNOTSUPP);

	if (PT_FORCE_ENABLED_FEATURES) {
		cfg = kiommu_full_cfg(param);
		cfg.common.features &= ~PT_FORCE_ENABLED_FEATURES;
		KIOMMU_EXPECT_INIT(-EOPNOTSUPP);
	}

	if (PT_SUPPORTED_FEATURES & BIT(PT_FEAT_DYNAMIC_TOP)) {
		cfg = kiommu_full_cfg(param);
		cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
		priv->fmt_table.iommu.driver_ops = NULL;
		KIOMMU_EXPECT_INIT(-EINVAL);
		priv->fmt_table.iommu.driver_ops = &kiommu_driver_ops;
	} else {
		cfg = kiommu_full_cfg(param);
		cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
		KIOMMU_EXPECT_INIT(-EOPNOTSUPP);
	}

	if (PT_SUPPORTED_FEATURES & BIT(PT_FEAT_SIGN_EXTEND)) {
		cfg = kiommu_full_cfg(param);
		cfg.common.features |= BIT(PT_FEAT_SIGN_EXTEND) |
				       BIT(PT_FEAT_FULL_VA);
		KIOMMU_EXPECT_INIT(PT_SUPPORTED_FEATURES &
						   BIT(PT_FEAT_FULL_VA) ?
					   -EINVAL :
					   -EOPNOTSUPP);
	} else {
		cfg = kiommu_full_cfg(param);
		cfg.common.features |= BIT(PT_FEAT_SIGN_EXTEND);
		KIOMMU_EXPECT_INIT(-EOPNOTSUPP);
	}

	if (PT_SUPPORTED_FEATURES & BIT(PT_FEAT_DMA_INCOHERENT)) {
		struct device *dev = priv->fmt_table.iommu.iommu_device;

		cfg = kiommu_full_cfg(param);
		cfg.common.features |= BIT(PT_FEAT_DMA_INCOHERENT);
		priv->fmt_table.iommu.iommu_device = NULL;
		KIOMMU_EXPECT_INIT(-EINVAL);
		priv->fmt_table.iommu.iommu_device = dev;
	}

	if (IS_ENABLED(CONFIG_IOMMU_PT_FAULT_INJECTION)) {
		cfg = kiommu_full_cfg(param);
		kiommu_fail_alloc(1, 0);
		KIOMMU_EXPECT_INIT(-ENOMEM);
		kiommu_fail_alloc(0, 0);
	}
#undef KIOMMU_EXPECT_INIT

	/* The valid configuration still works after all that */
	cfg = kiommu_full_cfg(param);
	KUNIT_ASSERT_EQ(test, NS(init)(&priv->fmt_table, &cfg, GFP_KERNEL), 0);
	KUNIT_EXPECT_NOT_NULL(test, priv->fmt_table.iommu.ops);
	KUNIT_EXPECT_NE(test, kiommu_pgsizes(priv), 0);
	KUNIT_EXPECT_TRUE(test, kiommu_domain(priv)->geometry.force_aperture);
	pt_iommu_deinit(&priv->fmt_table.iommu);
	KUNIT_EXPECT_NULL(test, priv->fmt_table.iommu.ops);
	KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), priv->start_pages);
}

/*
 * Every page size maps as one leaf: translations inside it are exact, an
 * unmap starting inside it removes nothing, and one starting at it removes
 * all of it even when asked for less.
 */
/*
 * count_leaves() of the whole table: exactly @n leaves of 2^@lg2 bytes and
 * none of any other size (@n 0: an empty table).
 */
static void kiommu_expect_leaves(struct kiommu_priv *priv, unsigned int lg2,
				 u64 n)
{
	struct pt_iommu *iommu_table = &priv->fmt_table.iommu;
	u64 counts[PT_IOMMU_LEAF_SIZES] = {};
	unsigned int i;

	iommu_table->ops->count_leaves(iommu_table, counts);
	for (i = 0; i != PT_IOMMU_LEAF_SIZES; i++)
		KUNIT_EXPECT_EQ_MSG(priv->test, counts[i], i == lg2 ? n : 0,
				    "leaves of 2^%u bytes", i);
}

static void kiommu_test_map_every_size(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	int ro = kiommu_prot_ro(priv);
	unsigned long sizes = kiommu_pgsizes(priv);
	unsigned int min_lg2 = kiommu_min_lg2(priv);
	pt_vaddr_t min_size = log2_to_int(min_lg2);
	unsigned int lg2;

	for_each_set_bit(lg2, &sizes, BITS_PER_LONG) {
		pt_vaddr_t size = log2_to_int(lg2);
		unsigned int k;

		for (k = 1; k <= 3; k++) {
			pt_vaddr_t iova = size * k;
			/* A different, still aligned, output address */
			pt_oaddr_t oa = size * (k + 1);

			if (iova - 1 > kiommu_max_iova(priv) - size ||
			    log2_div(oa + size - 1,
				     kiommu_common(priv)->max_oasz_lg2))
				continue;

			kiommu_map_ok(priv, iova, oa, size);
			kiommu_expect_leaves(priv, lg2, 1);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova), oa);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova + (size >> 1) + 8),
					oa + (size >> 1) + 8);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova + size - 1),
					oa + size - 1);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova - 1), 0);
			if (iova + size - 1 < kiommu_max_iova(priv))
				KUNIT_EXPECT_EQ(test,
						kiommu_phys(priv, iova + size),
						0);

			/* Mapping it again is refused, and changes nothing */
			{
				size_t mapped;

				KUNIT_EXPECT_EQ(test,
						kiommu_map(priv, iova, oa,
							   min_size,
							   ro,
							   &mapped),
						-EADDRINUSE);
				KUNIT_EXPECT_EQ(test, (u64)mapped, 0);
			}

			if (size != min_size)
				KUNIT_EXPECT_EQ(test,
						(u64)kiommu_unmap(priv,
								  iova + min_size,
								  min_size),
						0);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova), oa);
			KUNIT_EXPECT_EQ(test,
					(u64)kiommu_unmap(priv, iova, min_size),
					(u64)size);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova), 0);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova + size - 1),
					0);
			kiommu_expect_leaves(priv, lg2, 0);
		}
	}
}

/* ---- reference model ---- */

/* The size the specification says map must use at (va, oa) */
static unsigned int kiommu_model_pgsize(struct kiommu_priv *priv,
					pt_vaddr_t va, pt_vaddr_t last,
					pt_oaddr_t oa)
{
	unsigned long sizes = kiommu_pgsizes(priv);
	int lg2;

	for (lg2 = BITS_PER_LONG - 1; lg2 >= 0; lg2--) {
		pt_vaddr_t size = log2_to_int(lg2);

		if (!(sizes & BIT(lg2)))
			continue;
		if ((va | oa) & (size - 1))
			continue;
		if (size - 1 > last - va)
			continue;
		return lg2;
	}
	return 0;
}

static int kiommu_model_find(struct kiommu_priv *priv, pt_vaddr_t va)
{
	unsigned int i;

	for (i = 0; i != priv->num_extents; i++) {
		struct kiommu_extent *ext = &priv->extents[i];

		if (ext->va <= va && va - ext->va <= log2_to_max_int(ext->lg2sz))
			return i;
	}
	return -1;
}

static bool kiommu_model_overlaps(struct kiommu_priv *priv, pt_vaddr_t first,
				  pt_vaddr_t last)
{
	unsigned int i;

	for (i = 0; i != priv->num_extents; i++) {
		struct kiommu_extent *ext = &priv->extents[i];
		pt_vaddr_t ext_last = ext->va + log2_to_max_int(ext->lg2sz);

		if (ext->va <= last && first <= ext_last)
			return true;
	}
	return false;
}

static void kiommu_model_remove(struct kiommu_priv *priv, int i)
{
	priv->extents[i] = priv->extents[--priv->num_extents];
}

/*
 * Map through the op and the model; checks the result and the mapped count
 * against the model's prediction and unwinds a failure as the IOMMU core
 * does.
 */
static int kiommu_model_map(struct kiommu_priv *priv, pt_vaddr_t iova,
			    pt_oaddr_t oa, pt_vaddr_t len)
{
	struct kunit *test = priv->test;
	pt_vaddr_t last = iova + len - 1;
	pt_vaddr_t va = iova;
	unsigned int first_new = priv->num_extents;
	int expect_ret = 0;
	size_t mapped;
	int ret;

	/* Output addresses beyond the table are refused before anything */
	if (log2_div(oa + len - 1, kiommu_common(priv)->max_oasz_lg2)) {
		expect_ret = -ERANGE;
		last = va - 1;
	}
	while (va - 1 != last) {
		unsigned int lg2 = kiommu_model_pgsize(priv, va, last,
						       oa + (va - iova));
		pt_vaddr_t leaf_last = va + log2_to_max_int(lg2);

		if (kiommu_model_overlaps(priv, va, leaf_last)) {
			expect_ret = -EADDRINUSE;
			break;
		}
		if (priv->num_extents == KIOMMU_MAX_EXTENTS)
			break;
		priv->extents[priv->num_extents++] = (struct kiommu_extent){
			.va = va,
			.oa = oa + (va - iova),
			.lg2sz = lg2,
		};
		va = leaf_last + 1;
	}
	if (va - 1 != last && !expect_ret) {
		/* model full: do not map */
		priv->num_extents = first_new;
		return 0;
	}

	kiommu_snapshot_tables(priv);
	ret = kiommu_map(priv, iova, oa, len, IOMMU_READ | IOMMU_WRITE,
			 &mapped);
	KUNIT_EXPECT_EQ(test, ret, expect_ret);
	KUNIT_EXPECT_EQ(test, (u64)mapped, (u64)(va - iova));
	if (ret) {
		if (mapped)
			KUNIT_EXPECT_EQ(test,
					(u64)kiommu_unmap(priv, iova, mapped),
					(u64)mapped);
		priv->num_extents = first_new;
	}
	return ret;
}

/* Unmap through the op and the model, checking the length returned */
static void kiommu_model_unmap(struct kiommu_priv *priv, pt_vaddr_t iova,
			       pt_vaddr_t len)
{
	pt_vaddr_t last = iova + len - 1;
	pt_vaddr_t va = iova;
	pt_vaddr_t expect = 0;
	int i;

	while (va <= last) {
		i = kiommu_model_find(priv, va);
		if (i < 0 || priv->extents[i].va != va)
			break;
		expect += log2_to_int(priv->extents[i].lg2sz);
		va += log2_to_int(priv->extents[i].lg2sz);
		kiommu_model_remove(priv, i);
		if (!va)
			break;
	}
	KUNIT_EXPECT_EQ(priv->test, (u64)kiommu_unmap(priv, iova, len),
			(u64)expect);
}

/* Every leaf of the model translates, at its first and last byte */
static void kiommu_model_check(struct kiommu_priv *priv)
{
	struct kunit *test = priv->test;
	unsigned int i;

	for (i = 0; i != priv->num_extents; i++) {
		struct kiommu_extent *ext = &priv->extents[i];
		pt_vaddr_t last = log2_to_max_int(ext->lg2sz);

		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, ext->va), ext->oa);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, ext->va + last),
				ext->oa + last);
	}
}

/* A range that needs several page sizes maps and unmaps exactly */
static void kiommu_test_map_mixed_range(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t base = SZ_1G;
	unsigned int i;

	if (base + SZ_16M > kiommu_max_iova(priv))
		base = 0;
	/* Starts 3 pages below a 2M boundary and ends 5 pages above */
	KUNIT_ASSERT_EQ(test,
			kiommu_model_map(priv, base + SZ_2M - 3 * min_size,
					 SZ_128M + SZ_2M - 3 * min_size,
					 SZ_4M + 8 * min_size),
			0);
	kiommu_model_check(priv);
	for (i = 0; i != 4096; i++) {
		pt_vaddr_t off = i * min_size;

		KUNIT_EXPECT_EQ(test,
				kiommu_phys(priv, base + SZ_2M - 3 * min_size + off),
				off < SZ_4M + 8 * min_size ?
					SZ_128M + SZ_2M - 3 * min_size + off :
					0);
	}
	kiommu_model_unmap(priv, base + SZ_2M - 3 * min_size,
			   SZ_4M + 8 * min_size);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + SZ_2M), 0);
}

/*
 * The level whose items (or contiguous runs of them) make a 2^lg2 page,
 * up to the highest level a PT_FEAT_DYNAMIC_TOP table may grow to.
 */
static unsigned int kiommu_pgsize_level(struct kiommu_priv *priv,
					unsigned int lg2)
{
	struct pt_range range = pt_make_range(kiommu_common(priv), 0, 0);
	unsigned int level;

	for (level = 0; level < PT_MAX_TOP_LEVEL; level++) {
		struct pt_state upper = { .range = &range, .level = level + 1 };

		if (pt_table_item_lg2sz(&upper) > lg2)
			break;
	}
	return level;
}

/*
 * Tables emptied by unmaps that did not cover them are reclaimed when a
 * larger page is mapped over them, after an IOTLB flush of their range.
 */
static void kiommu_test_overmap_empty_tables(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	unsigned long sizes = kiommu_pgsizes(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	unsigned int big_lg2 = 0, big_level = 0, lg2;
	long pages;

	/*
	 * The largest page reachable in the aperture above level 0: mapping
	 * it over one page's worth of emptied tables frees one table per
	 * level below it.
	 */
	for_each_set_bit(lg2, &sizes, BITS_PER_LONG)
		if (lg2 <= 30 && kiommu_pgsize_level(priv, lg2) >= 1 &&
		    log2_to_int(lg2 + 1) - 1 <= kiommu_max_iova(priv))
			big_lg2 = lg2;
	if (!big_lg2)
		kunit_skip(test, "no page above level 0 fits");
	big_level = kiommu_pgsize_level(priv, big_lg2);

	pages = kpt_iommu_pages();
	kiommu_map_ok(priv, log2_to_int(big_lg2) + 5 * min_size, 0x5000000,
		      min_size);
	KUNIT_EXPECT_GT(test, kpt_iommu_pages(), pages);
	pages = kpt_iommu_pages();
	KUNIT_EXPECT_EQ(test,
			(u64)kiommu_unmap(priv, log2_to_int(big_lg2) + 5 * min_size,
					  min_size),
			(u64)min_size);
	/* Only part of the tables was covered: they stay */
	KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), pages);

	priv->freed_tables = 0;
	priv->freed_pages = 0;
	kiommu_map_ok(priv, log2_to_int(big_lg2), log2_to_int(big_lg2),
		      log2_to_int(big_lg2));
	KUNIT_EXPECT_GE(test, priv->freed_tables, big_level);
	KUNIT_EXPECT_EQ(test, kpt_iommu_pages(),
			pages - (long)priv->freed_pages);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, log2_to_int(big_lg2) + 77),
			log2_to_int(big_lg2) + 77);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, log2_to_int(big_lg2),
						log2_to_int(big_lg2)),
			(u64)log2_to_int(big_lg2));
}

/*
 * Something in the way of a map fails it with -EADDRINUSE after exactly the
 * part before it, and what was there is untouched.
 */
static void kiommu_test_map_conflict(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t base = SZ_64M;

	KUNIT_ASSERT_EQ(test,
			kiommu_model_map(priv, base + 2 * min_size, SZ_32M,
					 min_size),
			0);
	/* A 2M-aligned range over it: a large page would cover it */
	KUNIT_EXPECT_EQ(test, kiommu_model_map(priv, base, 0, SZ_2M),
			-EADDRINUSE);
	/* Two pages fit before it, then the conflict */
	KUNIT_EXPECT_EQ(test, kiommu_model_map(priv, base, SZ_8M, 4 * min_size),
			-EADDRINUSE);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + 2 * min_size), SZ_32M);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base), 0);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + 3 * min_size), 0);
	kiommu_model_check(priv);
	kiommu_model_unmap(priv, base + 2 * min_size, min_size);
}

/* Unmap stops at the first hole */
static void kiommu_test_unmap_hole(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t base = SZ_16M;

	kiommu_map_ok(priv, base, SZ_16M, 2 * min_size);
	kiommu_map_ok(priv, base + 4 * min_size, SZ_16M, 2 * min_size);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, base, 6 * min_size),
			(u64)(2 * min_size));
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + 4 * min_size), SZ_16M);
	/* Starting in a hole unmaps nothing */
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, base, 6 * min_size), 0);
	KUNIT_EXPECT_EQ(test,
			(u64)kiommu_unmap(priv, base + 4 * min_size,
					  2 * min_size),
			(u64)(2 * min_size));
}

/* Bad arguments get their errno and change nothing */
static void kiommu_test_bad_args(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	int ro = kiommu_prot_ro(priv);
	struct iommu_domain *domain = kiommu_domain(priv);
	struct pt_common *common = kiommu_common(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	unsigned long va0 = kiommu_iova(priv, 0);
	struct iommu_iotlb_gather gather;
	long pages = kpt_iommu_pages();
	size_t mapped = 0;

	kiommu_map_ok(priv, SZ_1M, SZ_1M, min_size);
	pages = kpt_iommu_pages();

	KUNIT_EXPECT_EQ(test,
			NS(map_pages)(domain, va0 + SZ_2M, 0, min_size, 0,
				      ro, GFP_KERNEL, &mapped),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			NS(map_pages)(domain, va0 + SZ_2M, 0, min_size, 1, 0,
				      GFP_KERNEL, &mapped),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			NS(map_pages)(domain, va0 + SZ_2M, 0, min_size, 1,
				      IOMMU_CACHE | IOMMU_NOEXEC, GFP_KERNEL,
				      &mapped),
			-EINVAL);
	/* Not aligned to the smallest page */
	KUNIT_EXPECT_EQ(test,
			NS(map_pages)(domain, va0 + SZ_2M + 1, 0, min_size, 1,
				      ro, GFP_KERNEL, &mapped),
			-EINVAL);
	/* The IOVA range wraps */
	KUNIT_EXPECT_EQ(test,
			NS(map_pages)(domain, ULONG_MAX - min_size + 1, 0,
				      min_size, 2, ro, GFP_KERNEL,
				      &mapped),
			-EOVERFLOW);
	/* The output range wraps, or is beyond the table's OA */
	if (sizeof(phys_addr_t) == sizeof(u64)) {
		phys_addr_t oa_end = log2_to_int(common->max_oasz_lg2);

		KUNIT_EXPECT_EQ(test,
				NS(map_pages)(domain, va0 + SZ_2M,
					      (phys_addr_t)(0 - min_size),
					      min_size, 2, ro,
					      GFP_KERNEL, &mapped),
				-EOVERFLOW);
		if (common->max_oasz_lg2 < 64)
			KUNIT_EXPECT_EQ(test,
					NS(map_pages)(domain, va0 + SZ_2M,
						      oa_end - min_size,
						      min_size, 2, ro,
						      GFP_KERNEL, &mapped),
					-ERANGE);
	}
	/* Beyond the VA space of a table that cannot grow */
	if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP) &&
	    common->max_vasz_lg2 < BITS_PER_LONG) {
		KUNIT_EXPECT_EQ(test,
				NS(map_pages)(domain,
					      va0 + log2_to_int(common->max_vasz_lg2),
					      0, min_size, 1, ro,
					      GFP_KERNEL, &mapped),
				-ERANGE);
		iommu_iotlb_gather_init(&gather);
		KUNIT_EXPECT_EQ(test,
				(u64)NS(unmap_pages)(domain,
						     va0 + log2_to_int(common->max_vasz_lg2),
						     min_size, 1, &gather),
				0);
		KUNIT_EXPECT_EQ(test,
				kiommu_phys(priv,
					    log2_to_int(common->max_vasz_lg2)),
				0);
	}
	KUNIT_EXPECT_EQ(test, (u64)mapped, 0);

	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test,
			(u64)NS(unmap_pages)(domain, va0 + SZ_1M, min_size, 0,
					     &gather),
			0);
	KUNIT_EXPECT_EQ(test,
			(u64)NS(unmap_pages)(domain, ULONG_MAX - min_size + 1,
					     min_size, 2, &gather),
			0);
	KUNIT_EXPECT_EQ(test, (u64)gather.end, 0);

	KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), pages);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, SZ_1M), SZ_1M);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, SZ_1M, min_size),
			(u64)min_size);
}

/* PT_FEAT_DYNAMIC_TOP adds levels on demand through change_top */
static void kiommu_test_dynamic_top(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	int ro = kiommu_prot_ro(priv);
	struct pt_common *common = kiommu_common(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	struct pt_range range = pt_make_range(common, 0, 0);
	unsigned int old_level = range.top_level;
	struct kiommu_hw_info info;
	pt_vaddr_t above;
	long pages;

	if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
		kunit_skip(test, "configuration without PT_FEAT_DYNAMIC_TOP");
	if (range.max_vasz_lg2 >= BITS_PER_LONG - 1)
		kunit_skip(test, "the top already covers unsigned long");
	/* Only now: a top that spans all of pt_vaddr_t has no address above */
	above = log2_to_int(range.max_vasz_lg2);

	kiommu_map_ok(priv, min_size, 0x1000000, min_size);
	kiommu_map_ok(priv, above, 0x2000000, min_size);
	KUNIT_EXPECT_GE(test, priv->change_top_calls, 1);
	range = pt_make_range(common, 0, 0);
	KUNIT_EXPECT_GT(test, range.top_level, old_level);
	KUNIT_EXPECT_EQ(test, priv->top_level, range.top_level);
	KUNIT_EXPECT_EQ(test, priv->top_pa, virt_to_phys(range.top_table));
	NS(hw_info)(&priv->fmt_table, &info);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, min_size), 0x1000000);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, above), 0x2000000);

	/* A growth whose allocation fails leaves the old top in place */
	if (IS_ENABLED(CONFIG_IOMMU_PT_FAULT_INJECTION) &&
	    range.max_vasz_lg2 < BITS_PER_LONG - 1) {
		unsigned int calls = priv->change_top_calls;
		pt_vaddr_t higher = log2_to_int(range.max_vasz_lg2);
		size_t mapped;

		pages = kpt_iommu_pages();
		kiommu_fail_alloc(1, 0);
		KUNIT_EXPECT_EQ(test,
				kiommu_map(priv, higher, 0, min_size,
					   ro, &mapped),
				-ENOMEM);
		kiommu_fail_alloc(0, 0);
		KUNIT_EXPECT_EQ(test, (u64)mapped, 0);
		KUNIT_EXPECT_EQ(test, priv->change_top_calls, calls);
		KUNIT_EXPECT_EQ(test, READ_ONCE(common->top_of_table),
				pt_make_top_of_table(range.top_table,
						     range.top_level));
		KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), pages);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, above), 0x2000000);
	}
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, above, min_size),
			(u64)min_size);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, min_size, min_size),
			(u64)min_size);
}

/*
 * PT_FEAT_SIGN_EXTEND: the upper half of the 64 bit space maps like the
 * lower one, and addresses between the halves are refused.
 */
static void kiommu_test_sign_extend(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	int ro = kiommu_prot_ro(priv);
	struct pt_common *common = kiommu_common(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t upper, hole;
	size_t mapped;

	if (!pt_feature(common, PT_FEAT_SIGN_EXTEND))
		kunit_skip(test, "configuration without PT_FEAT_SIGN_EXTEND");
	if (BITS_PER_LONG < 64)
		kunit_skip(test, "the upper half needs a 64 bit unsigned long");

	/* The lowest canonical upper half address, and the first hole one */
	upper = PT_VADDR_MAX - log2_to_max_int(common->max_vasz_lg2 - 1);
	hole = log2_to_int(common->max_vasz_lg2 - 1);

	kiommu_map_ok(priv, upper, SZ_64M, min_size);
	kiommu_map_ok(priv, PT_VADDR_MAX - min_size + 1, SZ_128M, min_size);
	kiommu_map_ok(priv, 0, SZ_32M, min_size);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, upper + 5), SZ_64M + 5);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, PT_VADDR_MAX), SZ_128M +
			min_size - 1);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, 0), SZ_32M);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, upper + min_size), 0);

	KUNIT_EXPECT_EQ(test,
			kiommu_map(priv, hole, 0, min_size, ro,
				   &mapped),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			kiommu_map(priv, upper - min_size, 0, 2 * min_size,
				   ro, &mapped),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, hole), 0);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, hole, min_size), 0);

	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, upper, min_size),
			(u64)min_size);
	KUNIT_EXPECT_EQ(test,
			(u64)kiommu_unmap(priv, PT_VADDR_MAX - min_size + 1,
					  min_size),
			(u64)min_size);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, 0, min_size),
			(u64)min_size);
}

/* A pseudo-random sequence of maps and unmaps against the model */
static void kiommu_test_random(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	unsigned int min_lg2 = kiommu_min_lg2(priv);
	unsigned int window_lg2 = min_t(unsigned int, 28,
					log2_fls(kiommu_max_iova(priv)) - 1);
	unsigned int step;

	for (step = 0; step != 1500; step++) {
		u32 r = kiommu_rand(priv);
		unsigned int align_lg2 = min_lg2 + r % 12;
		pt_vaddr_t iova, len;
		pt_oaddr_t oa;

		if (r & BIT(30))
			align_lg2 = min_lg2 + 9 + r % 5;
		align_lg2 = min(align_lg2, window_lg2 - 2);
		iova = log2_mul(log2_mod(kiommu_rand(priv),
					 window_lg2 - align_lg2),
				align_lg2);
		len = log2_mul(1 + kiommu_rand(priv) % 24,
			       min_lg2 + kiommu_rand(priv) % 10);
		if (len - 1 > log2_to_max_int(window_lg2) - iova)
			continue;

		if (kiommu_rand(priv) % 3) {
			oa = log2_mul(kiommu_rand(priv) % 4096, align_lg2);
			oa = log2_mod(oa, min_t(unsigned int, 40,
						kiommu_common(priv)->max_oasz_lg2));
			kiommu_model_map(priv, iova, oa, len);
		} else if (priv->num_extents && kiommu_rand(priv) % 2) {
			/* Unmap from the start of a leaf */
			struct kiommu_extent *ext =
				&priv->extents[kiommu_rand(priv) %
					       priv->num_extents];

			kiommu_model_unmap(priv, ext->va, len);
		} else {
			kiommu_model_unmap(priv, iova, len);
		}
		if (step % 64 == 0)
			kiommu_model_check(priv);
	}
	kiommu_model_check(priv);
	while (priv->num_extents) {
		struct kiommu_extent ext = priv->extents[0];

		kiommu_model_unmap(priv, ext.va, log2_to_int(ext.lg2sz));
	}
}

/*
 * Dirty tracking: a write seen by any item of a leaf reports the leaf from
 * the start of the request on, to its end even past the request, and
 * clearing cleans every item.
 */
static void kiommu_test_dirty(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	struct iommu_domain *domain = kiommu_domain(priv);
	struct pt_iommu *iommu_table = &priv->fmt_table.iommu;
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty = { .gather = &gather };
	/* The test address of the leaves, and the IOVA the operations see */
	pt_vaddr_t base = SZ_4M;
	unsigned long iova = kiommu_iova(priv, base);
	pt_vaddr_t big = 2 * min_size;

	if (!pt_dirty_supported(kiommu_common(priv)) ||
	    pt_feature(kiommu_common(priv), PT_FEAT_DMA_INCOHERENT)) {
		KUNIT_EXPECT_EQ(test,
				NS(read_and_clear_dirty)(domain, iova, min_size,
							 0, &dirty),
				-EOPNOTSUPP);
		KUNIT_EXPECT_EQ(test, iommu_table->ops->set_dirty(iommu_table,
								  iova),
				-EOPNOTSUPP);
		return;
	}

	if (!(kiommu_pgsizes(priv) & big))
		big = min_size;
	kiommu_map_ok(priv, base, SZ_8M, big);
	kiommu_map_ok(priv, base + SZ_64K, SZ_16M, min_size);

#define KIOMMU_READ_DIRTY(from, len, flags, first, last)                        \
	do {                                                                    \
		iommu_iotlb_gather_init(&gather);                               \
		KUNIT_EXPECT_EQ(test,                                           \
				NS(read_and_clear_dirty)(domain, from, len,     \
							 flags, &dirty),        \
				0);                                             \
		KUNIT_EXPECT_EQ(test, (u64)gather.start, (u64)(first));         \
		KUNIT_EXPECT_EQ(test, (u64)gather.end, (u64)(last));            \
	} while (0)

	/* Nothing is dirty after map */
	KIOMMU_READ_DIRTY(iova, SZ_128K, 0, ULONG_MAX, 0);
	/* The hardware dirties the last item of the big leaf */
	KUNIT_EXPECT_EQ(test,
			iommu_table->ops->set_dirty(iommu_table,
						    iova + big - min_size),
			0);
	KIOMMU_READ_DIRTY(iova, SZ_128K, IOMMU_DIRTY_NO_CLEAR, iova,
			  iova + big - 1);
	KIOMMU_READ_DIRTY(iova, SZ_128K, IOMMU_DIRTY_NO_CLEAR, iova,
			  iova + big - 1);
	/* Clipped to the start of the request */
	KIOMMU_READ_DIRTY(iova + big - min_size, min_size, 0,
			  iova + big - min_size, iova + big - 1);
	/* ... and clean on every item */
	KIOMMU_READ_DIRTY(iova, SZ_128K, 0, ULONG_MAX, 0);
	/*
	 * A request for the first item only cleans the whole leaf, so it
	 * reports the whole leaf: the rest is not lost to a later request.
	 */
	KUNIT_EXPECT_EQ(test,
			iommu_table->ops->set_dirty(iommu_table,
						    iova + big - min_size),
			0);
	KIOMMU_READ_DIRTY(iova, min_size, 0, iova, iova + big - 1);
	KIOMMU_READ_DIRTY(iova, SZ_128K, 0, ULONG_MAX, 0);

	KUNIT_EXPECT_EQ(test,
			iommu_table->ops->set_dirty(iommu_table,
						    iova + SZ_64K),
			0);
	KUNIT_EXPECT_EQ(test, iommu_table->ops->set_dirty(iommu_table, iova),
			0);
	KIOMMU_READ_DIRTY(iova, SZ_128K, 0, iova, iova + SZ_64K + min_size - 1);
	KIOMMU_READ_DIRTY(iova, SZ_128K, 0, ULONG_MAX, 0);
	KUNIT_EXPECT_EQ(test,
			iommu_table->ops->set_dirty(iommu_table, iova + SZ_1M),
			-ENOENT);
#undef KIOMMU_READ_DIRTY

	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, base, big), (u64)big);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, base + SZ_64K, min_size),
			(u64)min_size);
}

/*
 * The gather: FLUSH_RANGE merges disjoint unmaps into one range;
 * FLUSH_RANGE_NO_GAPS syncs the pending range first.
 */
static void kiommu_test_gather(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	struct iommu_domain *domain = kiommu_domain(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	unsigned long iova8m = kiommu_iova(priv, SZ_8M);
	unsigned long iova32m = kiommu_iova(priv, SZ_32M);
	struct iommu_iotlb_gather gather;
	unsigned int syncs;

	kiommu_map_ok(priv, SZ_8M, SZ_8M, min_size);
	kiommu_map_ok(priv, SZ_32M, SZ_8M, min_size);
	iommu_iotlb_gather_init(&gather);
	kiommu_snapshot_tables(priv);
	syncs = priv->syncs;
	KUNIT_EXPECT_EQ(test,
			(u64)NS(unmap_pages)(domain, iova8m, min_size, 1,
					     &gather),
			(u64)min_size);
	kiommu_add_stale(priv, iova8m, iova8m + min_size - 1);
	KUNIT_EXPECT_EQ(test,
			(u64)NS(unmap_pages)(domain, iova32m, min_size, 1,
					     &gather),
			(u64)min_size);
	kiommu_add_stale(priv, iova32m, iova32m + min_size - 1);
	if (pt_feature(kiommu_common(priv), PT_FEAT_FLUSH_RANGE_NO_GAPS)) {
		KUNIT_EXPECT_EQ(test, priv->syncs, syncs + 1);
		KUNIT_EXPECT_EQ(test, (u64)gather.start, (u64)iova32m);
	} else {
		KUNIT_EXPECT_EQ(test, priv->syncs, syncs);
		KUNIT_EXPECT_EQ(test, (u64)gather.start, (u64)iova8m);
	}
	KUNIT_EXPECT_EQ(test, (u64)gather.end, (u64)(iova32m + min_size - 1));
	kiommu_sync_and_check(priv, &gather);
}

/*
 * gather->pgsize is the smallest leaf size the gathered unmaps removed:
 * a larger page and a smallest one unmapped together give the smallest,
 * the larger page alone gives its own size, and a second unmap into the
 * same gather can only lower it.
 */
static void kiommu_test_gather_pgsize(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	struct iommu_domain *domain = kiommu_domain(priv);
	unsigned long min_size = log2_to_int(kiommu_min_lg2(priv));
	unsigned long larger = kiommu_pgsizes(priv) & ~(2 * min_size - 1);
	struct iommu_iotlb_gather gather;
	unsigned long big, iova;
	pt_vaddr_t base;

	if (!larger)
		kunit_skip(test, "one page size only");
	big = 1UL << __ffs(larger);
	base = 4 * (pt_vaddr_t)big;
	if (base + 2 * big - 1 > kiommu_max_iova(priv))
		kunit_skip(test, "no room for two pages of %#lx", big);
	iova = kiommu_iova(priv, base);

	/* Separate maps: the small page never joins the large one */
	kiommu_map_ok(priv, base, base, big);
	kiommu_map_ok(priv, base + big, 7 * (pt_vaddr_t)big, min_size);
	iommu_iotlb_gather_init(&gather);
	kiommu_snapshot_tables(priv);
	KUNIT_ASSERT_EQ(test,
			(u64)NS(unmap_pages)(domain, iova, min_size,
					     (big + min_size) / min_size,
					     &gather),
			(u64)(big + min_size));
	kiommu_add_stale(priv, iova, iova + big + min_size - 1);
	KUNIT_EXPECT_EQ(test, (u64)gather.pgsize, (u64)min_size);
	kiommu_sync_and_check(priv, &gather);

	kiommu_map_ok(priv, base, base, big);
	kiommu_map_ok(priv, base + big, 7 * (pt_vaddr_t)big, min_size);
	iommu_iotlb_gather_init(&gather);
	kiommu_snapshot_tables(priv);
	KUNIT_ASSERT_EQ(test,
			(u64)NS(unmap_pages)(domain, iova, big, 1, &gather),
			(u64)big);
	kiommu_add_stale(priv, iova, iova + big - 1);
	KUNIT_EXPECT_EQ(test, (u64)gather.pgsize, (u64)big);
	KUNIT_ASSERT_EQ(test,
			(u64)NS(unmap_pages)(domain, iova + big, min_size, 1,
					     &gather),
			(u64)min_size);
	kiommu_add_stale(priv, iova + big, iova + big + min_size - 1);
	KUNIT_EXPECT_EQ(test, (u64)gather.pgsize, (u64)min_size);
	kiommu_sync_and_check(priv, &gather);
}

/*
 * Every table allocation of a map can fail: the map reports what it did,
 * the unwind removes it, the table stays usable and nothing leaks.
 */
static void kiommu_test_alloc_failures(struct kunit *test)
{
	struct kiommu_priv *priv = test->priv;
	int ro = kiommu_prot_ro(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t base = SZ_256M + SZ_2M - 4 * min_size;
	pt_vaddr_t len = 8 * min_size + SZ_2M;
	struct pt_range range = pt_make_range(kiommu_common(priv), 0, 0);
	struct pt_state level0 = { .range = &range, .level = 0 };
	size_t table_size = log2_to_int(pt_table_mem_lg2sz(&level0));
	unsigned int nth;
	int ret;

	if (!IS_ENABLED(CONFIG_IOMMU_PT_FAULT_INJECTION))
		kunit_skip(test, "needs CONFIG_IOMMU_PT_FAULT_INJECTION");
	if (base + len > kiommu_max_iova(priv))
		base = SZ_2M - 4 * min_size;

	for (nth = 1; nth != 32; nth++) {
		size_t mapped;

		kiommu_fail_alloc(1, (nth - 1) * table_size + 1);
		kiommu_snapshot_tables(priv);
		ret = kiommu_map(priv, base, SZ_512M, len, ro, &mapped);
		kiommu_fail_alloc(0, 0);
		if (ret == 0)
			break;
		KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
		/* Exactly the reported prefix is mapped */
		KUNIT_ASSERT_LT(test, (u64)mapped, (u64)len);
		if (mapped)
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + mapped - 1),
					SZ_512M + mapped - 1);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + mapped), 0);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + len - 1), 0);
		if (mapped)
			KUNIT_EXPECT_EQ(test,
					(u64)kiommu_unmap(priv, base, mapped),
					(u64)mapped);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base), 0);
	}
	/* Each failure was a different allocation, then one succeeded */
	KUNIT_EXPECT_GT(test, nth, 1);
	KUNIT_EXPECT_LT(test, nth, 32);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base), SZ_512M);
	KUNIT_EXPECT_EQ(test, kiommu_phys(priv, base + len - 1),
			SZ_512M + len - 1);
	KUNIT_EXPECT_EQ(test, (u64)kiommu_unmap(priv, base, len), (u64)len);
}

/*
 * A protection the configuration refuses fails the map with -EINVAL before
 * anything is written; every other protection maps.
 */
static void kiommu_test_prot_refused(struct kunit *test)
{
	static const unsigned int flags[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE, IOMMU_NOEXEC, IOMMU_MMIO,
	};
	struct kiommu_priv *priv = test->priv;
	struct pt_common *common = kiommu_common(priv);
	pt_vaddr_t min_size = log2_to_int(kiommu_min_lg2(priv));
	pt_vaddr_t iova = SZ_8M;
	unsigned int combo, i;

	for (combo = 0; combo != BIT(ARRAY_SIZE(flags)); combo++) {
		long pages = kpt_iommu_pages();
		unsigned int prot = 0;
		size_t mapped;

		for (i = 0; i != ARRAY_SIZE(flags); i++)
			if (combo & BIT(i))
				prot |= flags[i];
		if (!(prot & (IOMMU_READ | IOMMU_WRITE)))
			continue;

		if (!kunit_fmt_prot_refused(common, prot)) {
			KUNIT_ASSERT_EQ_MSG(test,
					    kiommu_map(priv, iova, SZ_4M,
						       min_size, prot,
						       &mapped),
					    0, "prot %#x", prot);
			KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova), SZ_4M);
			KUNIT_EXPECT_EQ(test,
					(u64)kiommu_unmap(priv, iova, min_size),
					(u64)min_size);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test,
				    kiommu_map(priv, iova, SZ_4M, min_size,
					       prot, &mapped),
				    -EINVAL, "prot %#x", prot);
		KUNIT_EXPECT_EQ(test, (u64)mapped, 0);
		KUNIT_EXPECT_EQ(test, kiommu_phys(priv, iova), 0);
		KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), pages);
	}
}

static struct kunit_case kiommu_test_cases[] = {
	KUNIT_CASE_PARAM(kiommu_test_init_errors, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_map_every_size, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_map_mixed_range, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_overmap_empty_tables,
			 kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_map_conflict, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_unmap_hole, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_bad_args, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_prot_refused, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_dynamic_top, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_sign_extend, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_random, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_dirty, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_gather, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_gather_pgsize, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kiommu_test_alloc_failures, kfmt_cfgs_gen_params),
	{}
};

static struct kunit_suite kiommu_suite = {
	.name = __stringify(PT_FMT) "_iommu",
	.init = kiommu_init,
	.exit = kiommu_exit,
	.test_cases = kiommu_test_cases,
};

kunit_test_suites(&kiommu_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the " __stringify(PT_FMT) " IOMMU page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif
