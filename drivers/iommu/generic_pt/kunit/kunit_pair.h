/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A genpt table and the table of the 6.12 io-pgtable code that writes the
 * same hardware layout, set up side by side, for the differential suite
 * (kunit_diff.h) and the benchmark (kunit_bench.h). Compiled once per pair:
 * the including file defines PT_FMT and GENERIC_PT_CORE_ONLY, includes
 * ../fmt/iommu_template.h and the pair's legacy_<name>.h (the hooks are
 * listed in kunit_diff.h).
 *
 * A format that has no 6.12 io-pgtable (vtdss: the VT-d driver's walker is
 * not one) defines KPAIR_GENPT_ONLY and a kdiff_legacy_init() that only
 * configures genpt and returns NULL; the benchmark then times genpt alone.
 *
 * The genpt table is set up as a driver would: its struct iommu_domain has
 * the ops IOMMU_PT_DOMAIN_OPS() gives and an iotlb_sync that frees the
 * gather's tables (there is no IOTLB). The 6.12 table is reached through
 * the struct iommu_domain the pair builds around it.
 */
#ifndef __GENERIC_PT_KUNIT_PAIR_H
#define __GENERIC_PT_KUNIT_PAIR_H

#include <kunit/test.h>
#include <linux/generic_pt/iommu.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include "../../iommu-pages.h"
#include "../kunit_iommu_pages.h"

#define kpair_table CONCATENATE(pt_iommu_, PT_FMT)
#define kpair_cfg CONCATENATE(kpair_table, _cfg)

struct kpair {
	struct kpair_table fmt_table;
	struct iommu_domain_ops domain_ops;
	/* serialises PT_FEAT_DYNAMIC_TOP growth, as a driver's domain lock */
	spinlock_t top_lock;
	long start_pages;

	struct kdiff_legacy legacy;
	/* NULL for a format that has no 6.12 io-pgtable (KPAIR_GENPT_ONLY) */
	struct iommu_domain *legacy_domain;
	bool ready;
};

#ifndef KPAIR_GENPT_ONLY
#define KPAIR_GENPT_ONLY 0
#endif

/* PT_FEAT_DYNAMIC_TOP: no device table to update */
static void kpair_change_top(struct pt_iommu *iommu_table,
			     phys_addr_t top_paddr, unsigned int top_level)
{
}

static spinlock_t *kpair_get_top_lock(struct pt_iommu *iommu_table)
{
	struct kpair *pair =
		container_of(iommu_table, struct kpair, fmt_table.iommu);

	return &pair->top_lock;
}

static const struct pt_iommu_driver_ops kpair_driver_ops = {
	.change_top = kpair_change_top,
	.get_top_lock = kpair_get_top_lock,
};

/* No IOTLB: the freed tables can go at once */
static void kpair_iotlb_sync(struct iommu_domain *domain,
			     struct iommu_iotlb_gather *gather)
{
	iommu_put_pages_list(&gather->freelist);
}

static struct iommu_domain *kpair_genpt_domain(struct kpair *pair)
{
	return &pair->fmt_table.iommu.domain;
}

static struct pt_common *kpair_common(struct kpair *pair)
{
	return &pair->fmt_table.PT_IOMMU_MEMBER.common;
}

/* Both tables, empty; the genpt one configured as the pair says */
static void kpair_init(struct kunit *test, struct kpair *pair)
{
	struct kpair_cfg cfg = {};

	pair->start_pages = kpt_iommu_pages();
	spin_lock_init(&pair->top_lock);
	pair->legacy_domain = kdiff_legacy_init(test, &pair->legacy, &cfg);
	if (!KPAIR_GENPT_ONLY)
		KUNIT_ASSERT_NOT_NULL(test, pair->legacy_domain);

	/* What IOMMU_PT_DOMAIN_OPS() expands to for this format */
	pair->domain_ops = (struct iommu_domain_ops){
		.iova_to_phys = NS(iova_to_phys),
		.map_pages = NS(map_pages),
		.unmap_pages = NS(unmap_pages),
		.iotlb_sync = kpair_iotlb_sync,
	};
	pair->fmt_table.iommu.domain.ops = &pair->domain_ops;
	pair->fmt_table.iommu.driver_ops = &kpair_driver_ops;
	pair->fmt_table.iommu.nid = NUMA_NO_NODE;
	if (NS(init)(&pair->fmt_table, &cfg, GFP_KERNEL)) {
		kdiff_legacy_free(&pair->legacy);
		pair->legacy_domain = NULL;
		KUNIT_FAIL_AND_ABORT(test, "genpt init failed");
	}
	pair->ready = true;
}

/* Free both; neither may have leaked a table page */
static void kpair_exit(struct kunit *test, struct kpair *pair)
{
	if (!pair->ready)
		return;
	pt_iommu_deinit(&pair->fmt_table.iommu);
	kdiff_legacy_free(&pair->legacy);
	KUNIT_EXPECT_EQ_MSG(test, kpt_iommu_pages(), pair->start_pages,
			    "table pages leaked by one of the two");
}

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif
