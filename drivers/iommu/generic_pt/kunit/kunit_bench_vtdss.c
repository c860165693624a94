// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of map and unmap of the Intel VT-d second stage format
 * (kunit_bench.h). 6.12 has no io-pgtable for this layout: the VT-d
 * driver's own walker is not separable from its domain, so genpt is timed
 * alone, on a 4-level (48 bit) table as the driver uses on most hardware.
 */
#define PT_FMT vtdss
#define GENERIC_PT_CORE_ONLY 1

#include "../fmt/iommu_template.h"

#define KPAIR_GENPT_ONLY 1
#define KDIFF_LEGACY_NAME "none"

/* Nothing on the 6.12 side */
struct kbench_no_legacy {
};

#define kdiff_legacy kbench_no_legacy

static inline struct iommu_domain *
kdiff_legacy_init(struct kunit *test, struct kbench_no_legacy *none,
		  struct pt_iommu_vtdss_cfg *cfg)
{
	cfg->top_level = 3;
	cfg->common.hw_max_vasz_lg2 = 48;
	cfg->common.hw_max_oasz_lg2 = 52;
	cfg->common.features = BIT(PT_FEAT_FLUSH_RANGE);
	return NULL;
}

static inline void kdiff_legacy_free(struct kbench_no_legacy *none)
{
}

#define KBENCH_NAME "genpt_bench_vtdss"

#include "kunit_bench.h"
