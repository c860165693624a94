/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types of the x86 64-bit format, included before the core types.
 */
#ifndef __GENERIC_PT_FMT_DEFS_X86_64_H
#define __GENERIC_PT_FMT_DEFS_X86_64_H

#include <linux/generic_pt/common.h>
#include <linux/types.h>

typedef u64 pt_vaddr_t;
typedef u64 pt_oaddr_t;

/**
 * struct x86_64_pt_write_attrs - what a map writes besides the address
 * @descriptor_bits: permission and SME bits of a leaf
 * @gfp: allocation flags for new tables
 */
struct x86_64_pt_write_attrs {
	u64 descriptor_bits;
	gfp_t gfp;
};

#define pt_write_attrs x86_64_pt_write_attrs

#define PT_SUPPORTED_FEATURES                                          \
	(BIT(PT_FEAT_SIGN_EXTEND) | BIT(PT_FEAT_DMA_INCOHERENT) |      \
	 BIT(PT_FEAT_FLUSH_RANGE) | BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS) | \
	 BIT(PT_FEAT_X86_64_AMD_ENCRYPT_TABLES))
#define PT_FORCE_ENABLED_FEATURES 0

#endif
