// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of map and unmap: the armv8 format against io-pgtable-arm of
 * Linux 6.12, both as an SMMUv3 stage 1 table with the 4K granule and 48
 * bit addresses (see legacy_arm.h and kunit_bench.h).
 */
#define PT_FMT armv8
#define GENERIC_PT_CORE_ONLY 1

#include "../fmt/iommu_template.h"
#include "legacy_arm.h"

#define KBENCH_NAME "genpt_bench_armv8_io_pgtable_arm"

#include "kunit_bench.h"
