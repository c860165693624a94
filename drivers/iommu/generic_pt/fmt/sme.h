/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD Secure Memory Encryption in page table entries, shared by the formats
 * AMD IOMMUs walk (amdv1, x86_64).
 *
 * With SME active the C-bit (sme_me_mask) is set in the address field of
 * entries that point to encrypted memory. It is not an address bit: the
 * output addresses a table can map end below it.
 */
#ifndef __GENERIC_PT_FMT_SME_H
#define __GENERIC_PT_FMT_SME_H

#include <linux/bitops.h>
#include <linux/mem_encrypt.h>
#include <linux/minmax.h>

/* @max_oa_lg2 of a format, limited to the bits below the C-bit */
static inline unsigned int pt_sme_max_oa_lg2(unsigned int max_oa_lg2)
{
	u64 c_bit = __sme_set(0ULL);

	if (c_bit)
		return min_t(unsigned int, max_oa_lg2, __ffs64(c_bit));
	return max_oa_lg2;
}

#endif
