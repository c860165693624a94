/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table page accounting the KUnit suites check for leaks, shared by
 * the IOMMU suite (kunit_iommu.h) and the differential suite and benchmark
 * (kunit_pair.h).
 */
#ifndef __GENERIC_PT_KUNIT_IOMMU_PAGES_H
#define __GENERIC_PT_KUNIT_IOMMU_PAGES_H

#include <linux/atomic.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>

/* The NR_IOMMU_PAGES counter, including what is still in per-cpu deltas */
static inline long kpt_iommu_pages(void)
{
	long total = 0;
	int nid, cpu;

	for_each_online_node(nid) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		total += atomic_long_read(&pgdat->vm_stat[NR_IOMMU_PAGES]);
		for_each_possible_cpu(cpu)
			total += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)
					 ->vm_node_stat_diff[NR_IOMMU_PAGES];
	}
	return total;
}

#endif
