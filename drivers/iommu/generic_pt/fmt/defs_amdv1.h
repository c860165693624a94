/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types of the AMD IOMMU v1 format, included before the core types.
 */
#ifndef __GENERIC_PT_FMT_DEFS_AMDV1_H
#define __GENERIC_PT_FMT_DEFS_AMDV1_H

#include <linux/generic_pt/common.h>
#include <linux/types.h>

typedef u64 pt_vaddr_t;
typedef u64 pt_oaddr_t;

/**
 * struct amdv1pt_write_attrs - what a map writes besides the address
 * @descriptor_bits: IR, IW and FC bits of a leaf
 * @gfp: allocation flags for new tables
 */
struct amdv1pt_write_attrs {
	u64 descriptor_bits;
	gfp_t gfp;
};

#define pt_write_attrs amdv1pt_write_attrs

#ifdef AMDV1PT_MOCK
/* The selftest variant is walked by the CPU only: no SME, no DMA sync */
#define PT_SUPPORTED_FEATURES                                             \
	(BIT(PT_FEAT_DYNAMIC_TOP) | BIT(PT_FEAT_FLUSH_RANGE) |            \
	 BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) |                                \
	 BIT(PT_FEAT_AMDV1_FORCE_COHERENCE))
#else
#define PT_SUPPORTED_FEATURES                                             \
	(BIT(PT_FEAT_DYNAMIC_TOP) | BIT(PT_FEAT_DMA_INCOHERENT) |         \
	 BIT(PT_FEAT_FLUSH_RANGE) | BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) |    \
	 BIT(PT_FEAT_AMDV1_ENCRYPT_TABLES) |                               \
	 BIT(PT_FEAT_AMDV1_FORCE_COHERENCE))
#endif
#define PT_FORCE_ENABLED_FEATURES 0

#endif
