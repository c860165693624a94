/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instantiate a format: the including .c file defines PT_FMT to the
 * format's name (amdv1, ...) and includes this file. It pulls in the
 * format's inline functions, the core built on them, and either the IOMMU
 * operations or, with GENERIC_PT_KUNIT defined, the KUnit suites (format,
 * IOMMU operations, concurrent stress). With GENERIC_PT_CORE_ONLY defined
 * it stops after the core, for tests that call the exported operations of
 * the format and decode its tables themselves (the differential suites).
 */
#include <linux/stringify.h>

#define __GENERIC_PT_IOMMU_GLUE 1
#include __stringify(PT_FMT.h)
#include "../pt_fmt_defaults.h"
#include "../pt_common.h"
#include "../pt_iter.h"

#if defined(GENERIC_PT_KUNIT)
#include "../kunit_generic_pt.h"
#include "../kunit_iommu.h"
#include "../kunit_stress.h"
#elif !defined(GENERIC_PT_CORE_ONLY)
#include "../iommu_pt.h"
#endif
