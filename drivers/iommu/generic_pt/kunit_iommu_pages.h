/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table page accounting the KUnit suites check for leaks, shared by
 * the IOMMU suite (kunit_iommu.h) and the differential suite and benchmark
 * (kunit/kunit_pair.h).
 */
#ifndef __GENERIC_PT_KUNIT_IOMMU_PAGES_H
#define __GENERIC_PT_KUNIT_IOMMU_PAGES_H

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>

static inline long kpt_iommu_pages_once(void)
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

/*
 * The NR_IOMMU_PAGES counter, including what is still in per-cpu deltas.
 *
 * The sum is off while another CPU moves its delta into the node counter
 * (vmstat's periodic refresh and idle entry exchange the delta for 0, then
 * add it to the node counter): in between, the delta is in neither. That
 * window is a few instructions, but the host can deschedule a vCPU inside
 * it for milliseconds, and a suite that compares two sums then reports a
 * leak that is not there. So read until three sums at least a millisecond
 * apart agree, for at most about a second: a fold in flight ends, a count
 * that is really off stays off. Test context only (it sleeps).
 */
static inline long kpt_iommu_pages(void)
{
	long last = kpt_iommu_pages_once();
	unsigned int agree = 0, tries;

	for (tries = 0; tries < 1000 && agree < 2; tries++) {
		long now;

		usleep_range(1000, 1500);
		now = kpt_iommu_pages_once();
		agree = now == last ? agree + 1 : 0;
		last = now;
	}
	return last;
}

#endif
