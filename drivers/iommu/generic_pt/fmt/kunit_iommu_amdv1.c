// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the AMD IOMMU v1 page table format.
 */
#define PT_FMT amdv1
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"
