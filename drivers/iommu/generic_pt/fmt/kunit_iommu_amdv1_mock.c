// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the iommufd selftest's variant of the AMD IOMMU v1 page
 * table format: a granule of half a CPU page.
 */
#define PT_FMT amdv1_mock
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"
