// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the x86 64-bit page table format.
 */
#define PT_FMT x86_64
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"
