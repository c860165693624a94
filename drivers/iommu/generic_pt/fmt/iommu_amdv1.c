// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU operations for the AMD IOMMU v1 page table format.
 */
#define PT_FMT amdv1

#include "iommu_template.h"
