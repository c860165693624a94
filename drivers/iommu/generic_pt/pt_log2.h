/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power of two arithmetic on 64 bit quantities.
 *
 * Page table code is full of "2^lg2" sizes, and the interesting ones sit at
 * the edges: a 64 bit address space, a page that is the whole space, a
 * length that is zero. C leaves shifts by the width of the type undefined,
 * so every helper here is written to be exact for lg2 in [0, 64].
 */
#ifndef __GENERIC_PT_LOG2_H
#define __GENERIC_PT_LOG2_H

#include <linux/bitops.h>
#include <linux/types.h>

/* 2^lg2, for lg2 in [0, 63] */
static __always_inline u64 log2_to_int(unsigned int lg2)
{
	return 1ULL << lg2;
}

/* 2^lg2 - 1, for lg2 in [0, 64] */
static __always_inline u64 log2_to_max_int(unsigned int lg2)
{
	if (lg2 == 0)
		return 0;
	return U64_MAX >> (64 - lg2);
}

/* a / 2^lg2 */
static __always_inline u64 log2_div(u64 a, unsigned int lg2)
{
	if (lg2 >= 64)
		return 0;
	return a >> lg2;
}

/* a * 2^lg2, the caller knows it does not overflow */
static __always_inline u64 log2_mul(u64 a, unsigned int lg2)
{
	if (lg2 >= 64)
		return 0;
	return a << lg2;
}

/* a % 2^lg2 */
static __always_inline u64 log2_mod(u64 a, unsigned int lg2)
{
	return a & log2_to_max_int(lg2);
}

/* True if a and b are in the same 2^lg2 aligned block */
static __always_inline bool log2_div_eq(u64 a, u64 b, unsigned int lg2)
{
	return log2_div(a ^ b, lg2) == 0;
}

/* True if a % 2^lg2 == 2^lg2 - 1, i.e. a is the last byte of a block */
static __always_inline bool log2_mod_eq_max(u64 a, unsigned int lg2)
{
	return log2_mod(a, lg2) == log2_to_max_int(lg2);
}

/* a with its low lg2 bits replaced by val (val < 2^lg2) */
static __always_inline u64 log2_set_mod(u64 a, u64 val, unsigned int lg2)
{
	return (a & ~log2_to_max_int(lg2)) | val;
}

/* a with its low lg2 bits all set: the last byte of a's block */
static __always_inline u64 log2_set_mod_max(u64 a, unsigned int lg2)
{
	return a | log2_to_max_int(lg2);
}

/* Number of the highest set bit plus one, 0 for 0 ("find last set") */
static __always_inline unsigned int log2_fls(u64 a)
{
	return fls64(a);
}

/* Number of the lowest set bit, 64 for 0 ("find first set") */
static __always_inline unsigned int log2_ffs(u64 a)
{
	if (a == 0)
		return 64;
	return __ffs64(a);
}

/* Number of the lowest clear bit, 64 for all ones ("find first zero") */
static __always_inline unsigned int log2_ffz(u64 a)
{
	return log2_ffs(~a);
}

#endif
