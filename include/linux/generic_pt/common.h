/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic radix page table: the state every format shares.
 *
 * A page table format embeds struct pt_common first in its own table
 * struct (struct pt_amdv1, ...). The generic code only ever sees the
 * pt_common; everything else about the format is compiled in through the
 * format's inline functions.
 */
#ifndef __GENERIC_PT_COMMON_H
#define __GENERIC_PT_COMMON_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/bits.h>

/**
 * struct pt_common - state shared by every page table format
 * @top_of_table: Virtual address of the top table with the level of that
 *	table encoded in the low PT_TOP_LEVEL_BITS bits. Packing both into
 *	one word lets a lockless walker read a consistent (table, level)
 *	pair with a single READ_ONCE() while PT_FEAT_DYNAMIC_TOP grows the
 *	table concurrently.
 * @max_oasz_lg2: log2 of the largest output address plus one the table
 *	may map, the minimum of what the format and the hardware support.
 * @max_vasz_lg2: log2 of the size of the input address space. With
 *	PT_FEAT_DYNAMIC_TOP this is the limit the table may grow to, not
 *	what the current top level covers.
 * @features: Bitmap of enum pt_features and the format's PT_FEAT_* bits
 *	that are active for this table.
 */
struct pt_common {
	uintptr_t top_of_table;
	u8 max_oasz_lg2;
	u8 max_vasz_lg2;
	unsigned int features;
};

/* Tables are at least 8 byte aligned, so the level fits below the pointer */
enum {
	PT_TOP_LEVEL_BITS = 3,
	PT_TOP_LEVEL_MASK = GENMASK(PT_TOP_LEVEL_BITS - 1, 0),
};

/**
 * enum pt_features - generic features a table may enable
 * @PT_FEAT_DMA_INCOHERENT: The hardware walker does not snoop the CPU
 *	caches. Every table and entry write is written back before the
 *	walker can reach it.
 * @PT_FEAT_FULL_VA: The table translates the full 64 bit input address
 *	space; the top table covers it entirely.
 * @PT_FEAT_DYNAMIC_TOP: The table starts with a small top level and adds
 *	levels above it when a map needs more address space. Requires
 *	pt_iommu_driver_ops::change_top and ::get_top_lock.
 * @PT_FEAT_SIGN_EXTEND: The input address is sign extended from
 *	max_vasz_lg2: the table covers the lowest and the highest
 *	2^(max_vasz_lg2 - 1) bytes of the 64 bit space (x86 canonical
 *	addresses). Incompatible with FULL_VA and DYNAMIC_TOP.
 * @PT_FEAT_FLUSH_RANGE: The IOTLB is invalidated by range: unmap gathers
 *	one range covering everything it changed.
 * @PT_FEAT_FLUSH_RANGE_NO_GAPS: Like FLUSH_RANGE, but invalidating a
 *	range that covers unchanged translations is expensive (shadowing
 *	hypervisors): a disjoint range flushes what is pending first.
 * @PT_FEAT_FMT_START: First bit available for format specific features.
 */
enum pt_features {
	PT_FEAT_DMA_INCOHERENT,
	PT_FEAT_FULL_VA,
	PT_FEAT_DYNAMIC_TOP,
	PT_FEAT_SIGN_EXTEND,
	PT_FEAT_FLUSH_RANGE,
	PT_FEAT_FLUSH_RANGE_NO_GAPS,
	PT_FEAT_FMT_START,
};

/**
 * struct pt_amdv1 - AMD IOMMU v1 (host) page table
 * @common: generic state
 */
struct pt_amdv1 {
	struct pt_common common;
};

/**
 * struct pt_amdv1_mock - the iommufd selftest's variant of struct pt_amdv1
 * @common: generic state
 */
struct pt_amdv1_mock {
	struct pt_common common;
};

/**
 * enum pt_amdv1_features - AMD IOMMU v1 specific features (and of its
 *	iommufd selftest variant, which has no ENCRYPT_TABLES)
 * @PT_FEAT_AMDV1_ENCRYPT_TABLES: Set the SME C-bit on every table address
 *	and on every leaf address that is not IOMMU_MMIO.
 * @PT_FEAT_AMDV1_FORCE_COHERENCE: Set FC (force coherent) on every leaf,
 *	making device accesses snoop the CPU caches.
 */
enum pt_amdv1_features {
	PT_FEAT_AMDV1_ENCRYPT_TABLES = PT_FEAT_FMT_START,
	PT_FEAT_AMDV1_FORCE_COHERENCE,
};

/**
 * struct pt_x86_64 - x86 64-bit (4 or 5 level) page table
 * @common: generic state
 */
struct pt_x86_64 {
	struct pt_common common;
};

/**
 * enum pt_x86_64_features - x86 64-bit specific features
 * @PT_FEAT_X86_64_AMD_ENCRYPT_TABLES: Set the SME C-bit on every table
 *	address and on every leaf address that is not IOMMU_MMIO (AMD v2).
 */
enum pt_x86_64_features {
	PT_FEAT_X86_64_AMD_ENCRYPT_TABLES = PT_FEAT_FMT_START,
};

/**
 * struct pt_vtdss - Intel VT-d second stage page table
 * @common: generic state
 */
struct pt_vtdss {
	struct pt_common common;
};

/**
 * enum pt_vtdss_features - VT-d second stage specific features
 * @PT_FEAT_VTDSS_FORCE_COHERENCE: Set SNP (snoop) on every new leaf, so
 *	that DMA through it snoops the CPU caches whatever the device asks
 *	for. Set by the driver's enforce_cache_coherency() before anything
 *	is mapped.
 * @PT_FEAT_VTDSS_FORCE_WRITEABLE: Refuse read-only mappings with -EINVAL.
 *	A table that is the parent (second stage) of a nested translation
 *	must not contain read-only leaves on hardware with erratum
 *	ERRATA_772415_SPR17.
 */
enum pt_vtdss_features {
	PT_FEAT_VTDSS_FORCE_COHERENCE = PT_FEAT_FMT_START,
	PT_FEAT_VTDSS_FORCE_WRITEABLE,
};

/**
 * struct pt_armv8 - ARM VMSAv8-64 (LPAE) page table
 * @common: generic state
 * @granule_lg2sz: log2 of the translation granule, 12 (4KiB), 14 (16KiB)
 *	or 16 (64KiB), chosen at init. It sizes every table and every level,
 *	so the format reads it at run time instead of being built once per
 *	granule.
 */
struct pt_armv8 {
	struct pt_common common;
	u8 granule_lg2sz;
};

/**
 * enum pt_armv8_features - ARM VMSAv8-64 specific features
 * @PT_FEAT_ARMV8_TTBR1: The table is walked through TTBR1: it translates
 *	the top 2^VA bytes of the 64 bit input address space, whose
 *	addresses have all bits above VA set. Stage 1 only.
 * @PT_FEAT_ARMV8_LPA: 52 bit output addresses with the 64KiB granule
 *	(FEAT_LPA): bits 51:48 of table and leaf addresses are held in
 *	descriptor bits 15:12.
 * @PT_FEAT_ARMV8_S2: Stage 2 descriptors (S2AP, MemAttr) instead of stage
 *	1 ones (AP, AttrIndx), and a top table of up to 16 concatenated
 *	tables where that saves a level.
 * @PT_FEAT_ARMV8_DBM: Hardware dirty state (stage 1, FEAT_HAFDBS): writable
 *	leaves carry DBM and start out read-only ("writable clean"); the
 *	walker clears AP[2] on the first write. The walker must have
 *	hardware dirty updates enabled (SMMUv3 CD.HD) whenever the table is
 *	in use, or writes fault.
 * @PT_FEAT_ARMV8_S2FWB: Stage 2 with FEAT_S2FWB: cacheable leaves use the
 *	"force write-back" MemAttr encoding.
 */
enum pt_armv8_features {
	PT_FEAT_ARMV8_TTBR1 = PT_FEAT_FMT_START,
	PT_FEAT_ARMV8_LPA,
	PT_FEAT_ARMV8_S2,
	PT_FEAT_ARMV8_DBM,
	PT_FEAT_ARMV8_S2FWB,
};

#endif
