/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types of the VT-d second stage format, included before the core types.
 */
#ifndef __GENERIC_PT_FMT_DEFS_VTDSS_H
#define __GENERIC_PT_FMT_DEFS_VTDSS_H

#include <linux/generic_pt/common.h>
#include <linux/types.h>

typedef u64 pt_vaddr_t;
typedef u64 pt_oaddr_t;

/**
 * struct vtdss_pt_write_attrs - what a map writes besides the address
 * @descriptor_bits: permission and snoop bits of a leaf
 * @gfp: allocation flags for new tables
 */
struct vtdss_pt_write_attrs {
	u64 descriptor_bits;
	gfp_t gfp;
};

#define pt_write_attrs vtdss_pt_write_attrs

#define PT_SUPPORTED_FEATURES                                          \
	(BIT(PT_FEAT_DMA_INCOHERENT) | BIT(PT_FEAT_FLUSH_RANGE) |      \
	 BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) |                            \
	 BIT(PT_FEAT_VTDSS_FORCE_COHERENCE) |                          \
	 BIT(PT_FEAT_VTDSS_FORCE_WRITEABLE))
#define PT_FORCE_ENABLED_FEATURES 0

#endif
