/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD IOMMU v1 format with a granule of half a CPU page, for the
 * iommufd selftest's mock domain (drivers/iommu/iommufd/selftest.c), whose
 * MOCK_IO_PAGE_SIZE is PAGE_SIZE / 2. See amdv1.h.
 */
#define AMDV1PT_MOCK 1
#include "amdv1.h"
