// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU operations for the x86 64-bit page table format.
 */
#define PT_FMT x86_64

#include "iommu_template.h"
