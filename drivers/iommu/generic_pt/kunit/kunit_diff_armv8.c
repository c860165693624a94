// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential KUnit suite: the armv8 format against io-pgtable-arm of
 * Linux 6.12 (see legacy_arm.h and kunit_diff.h).
 */
#define PT_FMT armv8
#define GENERIC_PT_CORE_ONLY 1

#define KDIFF_NAME "armv8_diff_io_pgtable_arm"

#include "../fmt/iommu_template.h"
#include "legacy_arm.h"

#include "kunit_diff.h"
