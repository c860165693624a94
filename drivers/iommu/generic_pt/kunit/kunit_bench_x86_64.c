// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of map and unmap: the x86_64 format against the AMD_IOMMU_V2
 * io-pgtable of Linux 6.12 (see legacy_amd_v2.h and kunit_bench.h).
 */
#define PT_FMT x86_64
#define GENERIC_PT_CORE_ONLY 1

#include "../fmt/iommu_template.h"
#include "legacy_amd_v2.h"

#define KBENCH_NAME "genpt_bench_x86_64_amd_v2"

#include "kunit_bench.h"
