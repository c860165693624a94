/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmark of map and unmap: a genpt format against the 6.12 io-pgtable
 * code that writes the same hardware layout, compiled once per pair with
 * the hooks of the differential suite (kunit_pair.h, kunit_diff.h).
 *
 * Timing is no test: this is a KUnit suite only to reuse its build and
 * QEMU harness (tools/testing/genpt/bench.sh, "make bench-formats"). It
 * asserts only that every call did its job. Each row is a number of calls
 * at consecutive IOVAs, mapping pgcount leaves of one page size each, made
 * through the iommu_domain_ops of both tables as the IOMMU core makes them
 * (pgsize and pgcount as iommu_pgsize() computes them for such a range).
 * The output addresses are chosen so that no larger page fits, so that
 * both write the same leaves. A round maps all the calls of the row then
 * unmaps them, on genpt and then on 6.12; one untimed round first builds
 * the tables, which neither side frees afterwards (no unmap call covers a
 * whole table), so the timed rounds measure the steady state. The best of
 * KBENCH_ROUNDS rounds is reported, which filters out the other work of a
 * shared machine.
 *
 * The "limit" row stores the 256 leaf values the 256x4K row wrote back into
 * the table they are in, with the same per call structure: the memory
 * write cost that any map of 256 pages has to pay.
 *
 * Every result is one line, for the script to parse:
 *
 *   genpt_bench: pair=<fmt>/<legacy> row=<row> op=<map|unmap|store>
 *                impl=<genpt|legacy|limit> calls=<n> best_ns=<t>
 *
 * where best_ns is the time of the best round of @calls calls.
 */
#ifndef __GENERIC_PT_KUNIT_BENCH_H
#define __GENERIC_PT_KUNIT_BENCH_H

#include <kunit/test.h>
#include <linux/ktime.h>
#include "kunit_pair.h"

#define KBENCH_ROUNDS 32

/* Output addresses: far from the IOVAs, not that it matters */
#define KBENCH_OA_BASE BIT_ULL(40)

struct kbench_row {
	const char *name;
	unsigned int pgsize_lg2;
	unsigned int pgcount;
	unsigned int calls;
	/* first IOVA; every row stays below 512G, in a 3-level table */
	u64 iova;
};

static const struct kbench_row kbench_rows[] = {
	{ "4K", 12, 1, 512, SZ_4G },
	{ "2M", 21, 1, 512, 8 * (u64)SZ_1G },
	{ "1G", 30, 1, 64, 64 * (u64)SZ_1G },
	{ "256x4K", 12, 256, 16, 16 * (u64)SZ_1G },
	{ "256x2M", 21, 256, 4, 256 * (u64)SZ_1G },
};

static void kbench_row_desc(const struct kbench_row *row, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", row->name);
}

KUNIT_ARRAY_PARAM(kbench_rows, kbench_rows, kbench_row_desc);

struct kbench_priv {
	struct kpair pair;
	struct kunit *test;
};

static int kbench_init(struct kunit *test)
{
	struct kbench_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	priv->test = test;
	kpair_init(test, &priv->pair);
	test->priv = priv;
	return 0;
}

static void kbench_exit(struct kunit *test)
{
	struct kbench_priv *priv = test->priv;

	if (priv)
		kpair_exit(test, &priv->pair);
}

static void kbench_report(struct kunit *test, const char *row,
			  const char *op, const char *impl,
			  unsigned int calls, u64 best_ns)
{
	/* pr_info and not kunit_info: one line, whatever the KTAP nesting */
	pr_info("genpt_bench: pair=%s/%s row=%s op=%s impl=%s calls=%u best_ns=%llu\n",
		__stringify(PT_FMT), KDIFF_LEGACY_NAME, row, op, impl, calls,
		best_ns);
}

/* IOVA and output address of call @i of @row */
static u64 kbench_iova(const struct kbench_row *row, unsigned int i)
{
	return row->iova + log2_mul((u64)i * row->pgcount, row->pgsize_lg2);
}

/* An odd multiple of the page size: no larger page can fit */
static u64 kbench_oa(const struct kbench_row *row, unsigned int i)
{
	return KBENCH_OA_BASE + log2_to_int(row->pgsize_lg2) +
	       log2_mul((u64)i * row->pgcount, row->pgsize_lg2);
}

/* One round of @row on @domain: returns the map and unmap times */
static void kbench_round(struct kunit *test, const struct kbench_row *row,
			 struct iommu_domain *domain, u64 *map_ns,
			 u64 *unmap_ns)
{
	const struct iommu_domain_ops *ops = domain->ops;
	size_t pgsize = log2_to_int(row->pgsize_lg2);
	u64 len = (u64)pgsize * row->pgcount;
	struct iommu_iotlb_gather gather;
	unsigned int i, bad = 0;
	size_t mapped;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i != row->calls; i++) {
		mapped = 0;
		if (ops->map_pages(domain, kbench_iova(row, i),
				   kbench_oa(row, i), pgsize, row->pgcount,
				   IOMMU_READ | IOMMU_WRITE, GFP_KERNEL,
				   &mapped) ||
		    mapped != len)
			bad++;
	}
	t1 = ktime_get_ns();
	*map_ns = t1 - t0;
	KUNIT_ASSERT_EQ_MSG(test, bad, 0, "%u maps failed", bad);

	/* Untimed: the last call translates as mapped */
	i = row->calls - 1;
	KUNIT_ASSERT_EQ(test,
			(u64)ops->iova_to_phys(domain,
					       kbench_iova(row, i) + len - 8),
			kbench_oa(row, i) + len - 8);

	iommu_iotlb_gather_init(&gather);
	t0 = ktime_get_ns();
	for (i = 0; i != row->calls; i++)
		if (ops->unmap_pages(domain, kbench_iova(row, i), pgsize,
				     row->pgcount, &gather) != len)
			bad++;
	t1 = ktime_get_ns();
	*unmap_ns = t1 - t0;
	iommu_iotlb_sync(domain, &gather);
	KUNIT_ASSERT_EQ_MSG(test, bad, 0, "%u unmaps failed", bad);
	KUNIT_ASSERT_EQ(test, (u64)ops->iova_to_phys(domain, row->iova), 0);
}

/* Map and unmap of one row on both tables, rounds interleaved */
static void kbench_test_row(struct kunit *test)
{
	const struct kbench_row *row = test->param_value;
	struct kbench_priv *priv = test->priv;
	struct iommu_domain *domains[2] = {
		kpair_genpt_domain(&priv->pair),
		priv->pair.legacy_domain,
	};
	static const char *const impls[2] = { "genpt", "legacy" };
	u64 best_map[2] = { U64_MAX, U64_MAX };
	u64 best_unmap[2] = { U64_MAX, U64_MAX };
	unsigned int num = domains[1] ? 2 : 1;
	u64 map_ns, unmap_ns;
	unsigned int r, d;

	for (d = 0; d != num; d++)
		if (!(domains[d]->pgsize_bitmap & BIT_ULL(row->pgsize_lg2)))
			kunit_skip(test, "%s has no %s pages", impls[d],
				   row->name);

	for (r = 0; r <= KBENCH_ROUNDS; r++) {
		for (d = 0; d != num; d++) {
			kbench_round(test, row, domains[d], &map_ns,
				     &unmap_ns);
			/* round 0 builds the tables */
			if (!r)
				continue;
			best_map[d] = min(best_map[d], map_ns);
			best_unmap[d] = min(best_unmap[d], unmap_ns);
		}
	}
	for (d = 0; d != num; d++) {
		kbench_report(test, row->name, "map", impls[d], row->calls,
			      best_map[d]);
		kbench_report(test, row->name, "unmap", impls[d], row->calls,
			      best_unmap[d]);
	}
}

/*
 * The genpt leaf item that translates @iova if it is the first of @num
 * single item leaves of one table, or NULL.
 */
static u64 *kbench_genpt_leaves(struct kpair *pair, u64 iova,
				unsigned int num)
{
	struct pt_range range = pt_make_range(kpair_common(pair), iova, iova);
	struct pt_state pts = pt_init_top(&range);

	for (;;) {
		pt_load_entry(&pts);
		if (pts.type != PT_ENTRY_TABLE)
			break;
		pts = pt_init(&range, pts.level - 1, pts.table_lower);
	}
	if (pts.type != PT_ENTRY_OA || pt_entry_num_contig_lg2(&pts) ||
	    pts.index + num > log2_to_int(pt_num_items_lg2(&pts)))
		return NULL;
	return pt_cur_table(&pts, u64) + pts.index;
}

/*
 * The memory write limit of the 256x4K row: storing the 256 leaves its
 * first call wrote, in place, once per call of that row.
 */
static void kbench_test_limit(struct kunit *test)
{
	const struct kbench_row *row = &kbench_rows[3];
	struct kbench_priv *priv = test->priv;
	struct iommu_domain *domain = kpair_genpt_domain(&priv->pair);
	u64 *vals, best = U64_MAX, t0, t1;
	struct iommu_iotlb_gather gather;
	size_t mapped = 0;
	unsigned int r, i, j;
	u64 *leaves;

	static_assert(sizeof(u64) == PT_ITEM_WORD_SIZE);
	vals = kunit_kcalloc(test, row->pgcount, sizeof(*vals), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vals);
	KUNIT_ASSERT_EQ(test,
			domain->ops->map_pages(domain, kbench_iova(row, 0),
					       kbench_oa(row, 0),
					       log2_to_int(row->pgsize_lg2),
					       row->pgcount,
					       IOMMU_READ | IOMMU_WRITE,
					       GFP_KERNEL, &mapped),
			0);
	leaves = kbench_genpt_leaves(&priv->pair, kbench_iova(row, 0),
				     row->pgcount);
	KUNIT_ASSERT_NOT_NULL(test, leaves);
	memcpy(vals, leaves, row->pgcount * sizeof(*vals));

	for (r = 0; r <= KBENCH_ROUNDS; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i != row->calls; i++)
			for (j = 0; j != row->pgcount; j++)
				WRITE_ONCE(leaves[j], vals[j]);
		t1 = ktime_get_ns();
		if (r)
			best = min(best, t1 - t0);
	}
	KUNIT_EXPECT_EQ(test, (u64)domain->ops->iova_to_phys(domain,
							     kbench_iova(row, 0)),
			kbench_oa(row, 0));
	kbench_report(test, row->name, "store", "limit", row->calls, best);

	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test,
			(u64)domain->ops->unmap_pages(domain, kbench_iova(row, 0),
						      log2_to_int(row->pgsize_lg2),
						      row->pgcount, &gather),
			(u64)mapped);
	iommu_iotlb_sync(domain, &gather);
}

static struct kunit_case kbench_test_cases[] = {
	KUNIT_CASE_PARAM(kbench_test_row, kbench_rows_gen_params),
	KUNIT_CASE(kbench_test_limit),
	{}
};

static struct kunit_suite kbench_suite = {
	.name = KBENCH_NAME,
	.init = kbench_init,
	.exit = kbench_exit,
	.test_cases = kbench_test_cases,
};

kunit_test_suites(&kbench_suite);

MODULE_DESCRIPTION("Benchmark of the " __stringify(PT_FMT) " IOMMU page table against io-pgtable");

#endif
