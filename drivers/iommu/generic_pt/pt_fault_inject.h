/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fault injection for IOMMU page table allocations, see pt_fault_inject.c.
 */
#ifndef __GENERIC_PT_FAULT_INJECT_H
#define __GENERIC_PT_FAULT_INJECT_H

#include <linux/fault-inject.h>
#include <linux/types.h>

/* Only referenced where CONFIG_IOMMU_PT_FAULT_INJECTION is enabled */
extern struct fault_attr pt_fault_table_alloc;

#if IS_ENABLED(CONFIG_IOMMU_PT_FAULT_INJECTION)
/* True if the table allocation of @size bytes should fail */
static inline bool pt_should_fail_table_alloc(size_t size)
{
	return should_fail_ex(&pt_fault_table_alloc, size, FAULT_NOWARN);
}
#else
static inline bool pt_should_fail_table_alloc(size_t size)
{
	return false;
}
#endif

#endif
