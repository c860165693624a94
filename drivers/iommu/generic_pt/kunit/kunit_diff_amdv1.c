// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential KUnit suite: the amdv1 format against the AMD_IOMMU_V1
 * io-pgtable of Linux 6.12 (see legacy_amd_v1.h and kunit_diff.h).
 */
#define PT_FMT amdv1
#define GENERIC_PT_CORE_ONLY 1

#include "../fmt/iommu_template.h"
#include "legacy_amd_v1.h"

#define KDIFF_NAME "amdv1_diff_amd_v1"

#include "kunit_diff.h"
