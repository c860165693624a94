// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU operations for the ARM VMSAv8-64 page table format.
 */
#define PT_FMT armv8

#include "iommu_template.h"
