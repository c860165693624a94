// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the ARM VMSAv8-64 page table format.
 */
#define PT_FMT armv8
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"
