// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential KUnit suite: the x86_64 format against the AMD_IOMMU_V2
 * io-pgtable of Linux 6.12 (see legacy_amd_v2.h and kunit_diff.h).
 */
#define PT_FMT x86_64
#define GENERIC_PT_CORE_ONLY 1

#include "../fmt/iommu_template.h"
#include "legacy_amd_v2.h"

#define KDIFF_NAME "x86_64_diff_amd_v2"

#include "kunit_diff.h"
