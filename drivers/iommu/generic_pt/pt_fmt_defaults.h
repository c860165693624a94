/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallbacks for the optional functions of the format contract.
 *
 * Included after the format header. A format defines pt_<name> as a macro
 * naming its own function when it has one; otherwise the definition here
 * is used.
 */
#ifndef __GENERIC_PT_FMT_DEFAULTS_H
#define __GENERIC_PT_FMT_DEFAULTS_H

#include "pt_defs.h"

/* Item size of a level for formats with one table size at every level */
#ifndef pt_table_item_lg2sz
static inline unsigned int pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) * pts->level;
}
#endif

/*
 * The OA of a leaf for formats whose contiguous entries store the OA of
 * each item (pt_item_oa) rather than the OA of the whole entry.
 */
#ifndef pt_entry_oa
static inline pt_oaddr_t pt_entry_oa(const struct pt_state *pts)
{
	return log2_set_mod(pt_item_oa(pts), 0,
			    pt_table_item_lg2sz(pts) +
				    pt_entry_num_contig_lg2(pts));
}
#endif

/* Empty every item of a (possibly contiguous) entry */
#ifndef pt_clear_entries
static inline void pt_clear_entries(struct pt_state *pts,
				    unsigned int num_contig_lg2)
{
	unsigned int i;

	if (sizeof(u32) == PT_ITEM_WORD_SIZE) {
		u32 *tablep = pt_cur_table(pts, u32) + pts->index;

		for (i = 0; i != log2_to_int(num_contig_lg2); i++)
			WRITE_ONCE(tablep[i], 0);
	} else {
		u64 *tablep = pt_cur_table(pts, u64) + pts->index;

		for (i = 0; i != log2_to_int(num_contig_lg2); i++)
			pt_item64_write(&tablep[i], 0);
	}
}
#endif

#ifndef pt_max_oa_lg2
static inline unsigned int pt_max_oa_lg2(const struct pt_common *common)
{
	return PT_MAX_OUTPUT_ADDRESS_LG2;
}
#endif

/*
 * VA bits above max_vasz_lg2 that a format without PT_FEAT_SIGN_EXTEND
 * still requires, e.g. all ones for an ARM TTBR1 table. Only the bits above
 * max_vasz_lg2 count; init() starts the domain's aperture there.
 */
#ifndef pt_full_va_prefix
static inline pt_vaddr_t pt_full_va_prefix(const struct pt_common *common)
{
	return 0;
}
#endif

/* Formats without dirty tracking */
#ifndef pt_dirty_supported
static inline bool pt_dirty_supported(const struct pt_common *common)
{
	return false;
}

static inline bool pt_is_write_dirty(const struct pt_state *pts)
{
	return false;
}

static inline void pt_make_write_clean(struct pt_state *pts)
{
}

static inline bool pt_make_write_dirty(struct pt_state *pts)
{
	return false;
}
#endif

/* Formats without software bits cannot support PT_FEAT_DMA_INCOHERENT */
#ifndef pt_sw_bit
static inline u64 pt_sw_bit(unsigned int bitnr)
{
	return 0;
}

static inline unsigned int pt_max_sw_bit(const struct pt_common *common)
{
	return 0;
}
#endif

#endif
