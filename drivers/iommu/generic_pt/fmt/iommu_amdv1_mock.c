// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU operations for the iommufd selftest's variant of the AMD IOMMU
 * v1 page table format.
 */
#define PT_FMT amdv1_mock

#include "iommu_template.h"
