// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU operations for the Intel VT-d second stage page table format.
 */
#define PT_FMT vtdss

#include "iommu_template.h"
