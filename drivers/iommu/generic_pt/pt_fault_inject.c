// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection for IOMMU page table allocations.
 *
 * Every table the IOMMU page table operations allocate (new tables during
 * map, new top levels, the top table at init) asks this attribute first,
 * so tests and debugfs users can fail any chosen allocation and check that
 * the table stays consistent and nothing leaks.
 */
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include "pt_fault_inject.h"

struct fault_attr pt_fault_table_alloc = FAULT_ATTR_INITIALIZER;
EXPORT_SYMBOL_NS_GPL(pt_fault_table_alloc, GENERIC_PT_IOMMU);

static int __init pt_fault_inject_init(void)
{
	if (IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS))
		fault_create_debugfs_attr("fail_iommu_pt_table_alloc", NULL,
					  &pt_fault_table_alloc);
	return 0;
}
late_initcall(pt_fault_inject_init);
