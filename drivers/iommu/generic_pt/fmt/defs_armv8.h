/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types of the ARM VMSAv8-64 format, included before the core types.
 */
#ifndef __GENERIC_PT_FMT_DEFS_ARMV8_H
#define __GENERIC_PT_FMT_DEFS_ARMV8_H

#include <linux/generic_pt/common.h>
#include <linux/types.h>

typedef u64 pt_vaddr_t;
typedef u64 pt_oaddr_t;

/**
 * struct armv8pt_write_attrs - what a map writes besides the address
 * @descriptor_bits: Attribute and permission bits of a leaf: everything
 *	but the descriptor type, the contiguous hint and the address.
 * @gfp: allocation flags for new tables
 */
struct armv8pt_write_attrs {
	u64 descriptor_bits;
	gfp_t gfp;
};

#define pt_write_attrs armv8pt_write_attrs

#define PT_SUPPORTED_FEATURES                                          \
	(BIT(PT_FEAT_DMA_INCOHERENT) | BIT(PT_FEAT_FLUSH_RANGE) |      \
	 BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) |                            \
	 BIT(PT_FEAT_ARMV8_TTBR1) |                                    \
	 BIT(PT_FEAT_ARMV8_LPA) | BIT(PT_FEAT_ARMV8_S2) |              \
	 BIT(PT_FEAT_ARMV8_DBM) | BIT(PT_FEAT_ARMV8_S2FWB))
#define PT_FORCE_ENABLED_FEATURES 0

#endif
