/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit suite of a page table format, compiled once per format.
 *
 * These tests call the format's inline functions directly on scratch
 * tables, without the IOMMU operations on top (kunit_iommu.h tests those):
 * that every leaf and table entry the format can write decodes back to
 * what was written, at every level, size and boundary output address; that
 * write attributes, dirty state and software bits round trip and do not
 * disturb the rest of the entry; and that the page size arithmetic the
 * walkers rely on agrees with a brute force reference.
 *
 * Everything here must stay format independent: the format is only reached
 * through the contract of fmt/<fmt>.h and the KUnit configurations it
 * lists in kunit_fmt_cfgs.
 */
#ifndef __GENERIC_PT_KUNIT_GENERIC_PT_H
#define __GENERIC_PT_KUNIT_GENERIC_PT_H

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/generic_pt/iommu.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/stringify.h>

#if IS_ENABLED(CONFIG_X86)
#include <linux/cpufeature.h>
#endif

#define kfmt_iommu_table CONCATENATE(pt_iommu_, PT_FMT)
#define kfmt_iommu_cfg CONCATENATE(kfmt_iommu_table, _cfg)

/* Address patterns that catch fields overlapping or shifted by one */
#define KFMT_ALTERNATING_01 0x5555555555555555ULL
#define KFMT_ALTERNATING_10 0xaaaaaaaaaaaaaaaaULL

#define KFMT_BEST_PGSIZE_CASES 10000

/*
 * A format whose set_prot() refuses some protections in some configurations
 * (such as read-only leaves) says which through kunit_fmt_prot_refused().
 */
#ifndef kunit_fmt_prot_refused
static inline bool kunit_fmt_prot_refused(const struct pt_common *common,
					  unsigned int iommu_prot)
{
	return false;
}
#endif

/* ---- helpers ---- */

/*
 * xorshift64: deterministic, so a failure reproduces, and built from shifts
 * only, so it needs no 64 bit division on 32 bit kernels.
 */
struct kfmt_rng {
	u64 state;
};

static u64 kfmt_rand(struct kfmt_rng *rng)
{
	u64 x = rng->state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng->state = x;
	return x;
}

/* A random number below @n, with 32 bit arithmetic only */
static u32 kfmt_rand_below(struct kfmt_rng *rng, u32 n)
{
	return (u32)(kfmt_rand(rng) >> 32) % n;
}

/*
 * init() rejects DYNAMIC_TOP without these. Format tests never map, so the
 * top never grows and they are never called.
 */
static void kfmt_change_top(struct pt_iommu *iommu_table,
			    phys_addr_t top_paddr, unsigned int top_level)
{
}

static DEFINE_SPINLOCK(kfmt_top_lock);

static spinlock_t *kfmt_get_top_lock(struct pt_iommu *iommu_table)
{
	return &kfmt_top_lock;
}

static const struct pt_iommu_driver_ops kfmt_driver_ops = {
	.change_top = kfmt_change_top,
	.get_top_lock = kfmt_get_top_lock,
};

static void kfmt_cfg_desc(const struct kfmt_iommu_cfg *cfg, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cfg%td features=%#x",
		 cfg - kunit_fmt_cfgs, cfg->common.features);
}

KUNIT_ARRAY_PARAM(kfmt_cfgs, kunit_fmt_cfgs, kfmt_cfg_desc);

static void kfmt_table_deinit(void *iommu_table)
{
	pt_iommu_deinit(iommu_table);
}

/*
 * init() refuses PT_FEAT_DMA_INCOHERENT where the CPU has no way to write
 * back table memory, as on the x86 CPU QEMU emulates for i386 by default.
 * That is the test machine, not the format, so such a configuration is
 * skipped there.
 */
static bool kfmt_cpu_cannot_write_back(const struct kfmt_iommu_cfg *cfg)
{
	if (!(cfg->common.features & BIT(PT_FEAT_DMA_INCOHERENT)))
		return false;
#if IS_ENABLED(CONFIG_X86)
	return !boot_cpu_has(X86_FEATURE_CLFLUSH);
#else
	return false;
#endif
}

/*
 * Skip a configuration that init() refused for a reason of the test
 * machine rather than of the format: see kfmt_cpu_cannot_write_back(), and
 * an input address space that starts above what a 32 bit unsigned long
 * IOVA can reach (an ARM TTBR1 table translates the top of the 64 bit
 * space).
 */
static void kfmt_skip_unsupported(struct kunit *test,
				  const struct kfmt_iommu_cfg *cfg, int ret)
{
	if (ret == -EOPNOTSUPP && kfmt_cpu_cannot_write_back(cfg))
		kunit_skip(test, "the CPU cannot write back caches (no clflush)");
	if (ret == -EOVERFLOW && BITS_PER_LONG < 64)
		kunit_skip(test,
			   "the input addresses are above a 32 bit unsigned long");
}

/*
 * The configuration under test at the widest VA and OA the format allows,
 * unless it sets its own widths: formats whose table shape depends on them
 * (ARM partial and concatenated top tables) list the widths to test.
 */
static struct kfmt_iommu_cfg kfmt_full_cfg(const struct kfmt_iommu_cfg *param)
{
	struct kfmt_iommu_cfg cfg = *param;

	if (!cfg.common.hw_max_vasz_lg2)
		cfg.common.hw_max_vasz_lg2 = PT_MAX_VA_ADDRESS_LG2;
	if (!cfg.common.hw_max_oasz_lg2)
		cfg.common.hw_max_oasz_lg2 = PT_MAX_OUTPUT_ADDRESS_LG2;
	return cfg;
}

/*
 * A device for the DMA API, standing in for the IOMMU that walks the table
 * (pt_iommu::iommu_device). The IOMMU suite uses it too. Names must be
 * unique while a test holds its devices.
 */
static struct device *kfmt_dma_device(struct kunit *test)
{
	static atomic_t kfmt_device_nr = ATOMIC_INIT(0);
	struct device *dev;
	char name[32];

	snprintf(name, sizeof(name), "genpt-%d",
		 atomic_inc_return(&kfmt_device_nr));
	dev = kunit_device_register(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
	return dev;
}

/*
 * The format functions read their configuration (features, OA size, for
 * some formats the granule) from struct pt_common, and only init() fills it
 * in the way the format expects. So every parameterised test starts from a
 * real table initialised with the configuration under test (kfmt_full_cfg()).
 */
static struct pt_common *kfmt_init_table(struct kunit *test)
{
	const struct kfmt_iommu_cfg *param = test->param_value;
	struct kfmt_iommu_cfg cfg = kfmt_full_cfg(param);
	struct kfmt_iommu_table *table;
	struct device *dev;
	int ret;

	table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);

	/* PT_FEAT_DMA_INCOHERENT writes tables back through this device */
	dev = kfmt_dma_device(test);

	table->iommu.iommu_device = dev;
	table->iommu.nid = NUMA_NO_NODE;
	table->iommu.driver_ops = &kfmt_driver_ops;
	ret = NS(init)(table, &cfg, GFP_KERNEL);
	kfmt_skip_unsupported(test, &cfg, ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kfmt_table_deinit,
						  &table->iommu),
			0);
	return &table->PT_IOMMU_MEMBER.common;
}

/*
 * A range whose top is the highest level this table can have: its top, or
 * with PT_FEAT_DYNAMIC_TOP the level it grows to for its whole VA space, as
 * pt_increase_top() would. The tests cover every level from 0 up to it, and
 * each level is sized as it is in the table: only the top table may be
 * smaller or larger than the others.
 */
static struct pt_range kfmt_make_range(struct pt_common *common)
{
	struct pt_range range = pt_make_range(common, 0, 0);
	unsigned int level = range.top_level;

	while (level < PT_MAX_TOP_LEVEL &&
	       pt_top_vasz_lg2(common, level) < common->max_vasz_lg2)
		level++;
	range.top_level = level;
	range.max_vasz_lg2 = min_t(unsigned int, common->max_vasz_lg2,
				   pt_top_vasz_lg2(common, level));
	return range;
}

static size_t kfmt_table_size(const struct pt_state *pts)
{
	return log2_to_int(pt_table_mem_lg2sz(pts));
}

/* A cursor on a zeroed scratch table of @level, freed when the test ends */
static struct pt_state kfmt_scratch(struct kunit *test,
				    struct pt_range *range, unsigned int level)
{
	struct pt_state pts = { .range = range, .level = level };

	/* kmalloc aligns power of two sizes naturally, as tables need */
	pts.table = kunit_kzalloc(test, kfmt_table_size(&pts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pts.table);
	return pts;
}

static void kfmt_zero_table(const struct pt_state *pts)
{
	memset(pts->table, 0, kfmt_table_size(pts));
}

static unsigned int kfmt_num_items(const struct pt_state *pts)
{
	return log2_to_int(pt_num_items_lg2(pts));
}

static u64 kfmt_read_raw(const struct pt_state *pts, unsigned int index)
{
	if (sizeof(u32) == PT_ITEM_WORD_SIZE)
		return pt_cur_table(pts, u32)[index];
	return pt_cur_table(pts, u64)[index];
}

static void kfmt_write_raw(const struct pt_state *pts, unsigned int index,
			   u64 entry)
{
	if (sizeof(u32) == PT_ITEM_WORD_SIZE)
		pt_cur_table(pts, u32)[index] = entry;
	else
		pt_cur_table(pts, u64)[index] = entry;
}

/*
 * Number of items a leaf of 2^@pgsz_lg2 spans at the level of @pts. A size
 * the table cannot hold would make the tests write past the scratch table:
 * kfmt_test_possible_sizes() reports it, here it only stops the test.
 */
static unsigned int kfmt_leaf_items(struct kunit *test,
				    const struct pt_state *pts,
				    unsigned int pgsz_lg2)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);

	KUNIT_ASSERT_GE(test, pgsz_lg2, isz_lg2);
	KUNIT_ASSERT_LE(test, pgsz_lg2 - isz_lg2, pt_num_items_lg2(pts));
	return log2_to_int(pgsz_lg2 - isz_lg2);
}

/* Load the item at @index into the cursor */
static enum pt_entry_type kfmt_load(struct pt_state *pts, unsigned int index)
{
	pts->index = index;
	pt_load_entry(pts);
	return pts->type;
}

/*
 * Output addresses the table can hold: limited by the configuration and by
 * pt_oaddr_t. Never through phys_addr_t, which is 32 bits on some 32 bit
 * kernels while the formats have wider output addresses.
 */
static u64 kfmt_oa_mask(const struct pt_common *common)
{
	return log2_to_max_int(min_t(unsigned int, common->max_oasz_lg2,
				     sizeof(pt_oaddr_t) * BITS_PER_BYTE));
}

/* The highest output address aligned to 2^@align_lg2 */
static pt_oaddr_t kfmt_highest_oa(const struct pt_common *common,
				  unsigned int align_lg2)
{
	return log2_set_mod(kfmt_oa_mask(common), 0, align_lg2);
}

static struct pt_write_attrs kfmt_attrs(struct kunit *test,
					struct pt_common *common,
					unsigned int iommu_prot)
{
	struct pt_write_attrs attrs = {};

	KUNIT_ASSERT_EQ_MSG(test, pt_iommu_set_prot(common, &attrs, iommu_prot),
			    0, "prot %#x", iommu_prot);
	return attrs;
}

/* Every item of the table outside [@start, @start + @num) must be empty */
static void kfmt_assert_empty_outside(struct kunit *test,
				      const struct pt_state *pts,
				      unsigned int start, unsigned int num)
{
	struct pt_state cur = *pts;
	unsigned int i;

	for (i = 0; i != kfmt_num_items(pts); i++) {
		if (i >= start && i - start < num)
			continue;
		KUNIT_ASSERT_EQ_MSG(test, kfmt_load(&cur, i), PT_ENTRY_EMPTY,
				    "level %u item %u", pts->level, i);
	}
}

/* ---- pt_log2.h ---- */

/*
 * The helpers exist to be exact where C shifts are not: a width of 0 or of
 * the whole 64 bit type. Check those edges, then every width against
 * expressions that do not use the helpers.
 */
static void kfmt_test_log2(struct kunit *test)
{
	const u64 top_bit = 1ULL << 63;
	const u64 x = 0x0123456789abcdefULL;
	unsigned int lg2;

	KUNIT_EXPECT_EQ(test, log2_to_int(0), 1);
	KUNIT_EXPECT_EQ(test, log2_to_int(63), top_bit);
	KUNIT_EXPECT_EQ(test, log2_to_max_int(0), 0);
	KUNIT_EXPECT_EQ(test, log2_to_max_int(1), 1);
	KUNIT_EXPECT_EQ(test, log2_to_max_int(63), U64_MAX >> 1);
	KUNIT_EXPECT_EQ(test, log2_to_max_int(64), U64_MAX);

	KUNIT_EXPECT_EQ(test, log2_div(x, 0), x);
	KUNIT_EXPECT_EQ(test, log2_div(U64_MAX, 63), 1);
	KUNIT_EXPECT_EQ(test, log2_div(x, 64), 0);
	KUNIT_EXPECT_EQ(test, log2_div(U64_MAX, 64), 0);
	KUNIT_EXPECT_EQ(test, log2_mul(x, 0), x);
	KUNIT_EXPECT_EQ(test, log2_mul(1, 63), top_bit);
	KUNIT_EXPECT_EQ(test, log2_mul(0, 64), 0);
	KUNIT_EXPECT_EQ(test, log2_mod(x, 0), 0);
	KUNIT_EXPECT_EQ(test, log2_mod(U64_MAX, 63), U64_MAX >> 1);
	KUNIT_EXPECT_EQ(test, log2_mod(x, 64), x);
	KUNIT_EXPECT_EQ(test, log2_mod(U64_MAX, 64), U64_MAX);

	KUNIT_EXPECT_TRUE(test, log2_div_eq(x, x, 0));
	KUNIT_EXPECT_FALSE(test, log2_div_eq(x, x ^ 1, 0));
	KUNIT_EXPECT_TRUE(test, log2_div_eq(0, U64_MAX >> 1, 63));
	KUNIT_EXPECT_FALSE(test, log2_div_eq(0, top_bit, 63));
	KUNIT_EXPECT_TRUE(test, log2_div_eq(0, U64_MAX, 64));

	KUNIT_EXPECT_TRUE(test, log2_mod_eq_max(x, 0));
	KUNIT_EXPECT_TRUE(test, log2_mod_eq_max(U64_MAX >> 1, 63));
	KUNIT_EXPECT_FALSE(test, log2_mod_eq_max(U64_MAX >> 2, 63));
	KUNIT_EXPECT_TRUE(test, log2_mod_eq_max(U64_MAX, 64));
	KUNIT_EXPECT_FALSE(test, log2_mod_eq_max(U64_MAX - 1, 64));

	KUNIT_EXPECT_EQ(test, log2_set_mod(x, 0, 0), x);
	KUNIT_EXPECT_EQ(test, log2_set_mod(U64_MAX, 0, 63), top_bit);
	KUNIT_EXPECT_EQ(test, log2_set_mod(U64_MAX, 0, 64), 0);
	KUNIT_EXPECT_EQ(test, log2_set_mod(U64_MAX, x, 64), x);
	KUNIT_EXPECT_EQ(test, log2_set_mod_max(x, 0), x);
	KUNIT_EXPECT_EQ(test, log2_set_mod_max(top_bit, 63), U64_MAX);
	KUNIT_EXPECT_EQ(test, log2_set_mod_max(0, 64), U64_MAX);

	KUNIT_EXPECT_EQ(test, log2_ffs(0), 64);
	KUNIT_EXPECT_EQ(test, log2_ffs(1), 0);
	KUNIT_EXPECT_EQ(test, log2_ffs(top_bit), 63);
	KUNIT_EXPECT_EQ(test, log2_ffz(U64_MAX), 64);
	KUNIT_EXPECT_EQ(test, log2_ffz(0), 0);
	KUNIT_EXPECT_EQ(test, log2_ffz(U64_MAX >> 1), 63);
	KUNIT_EXPECT_EQ(test, log2_fls(0), 0);
	KUNIT_EXPECT_EQ(test, log2_fls(1), 1);
	KUNIT_EXPECT_EQ(test, log2_fls(top_bit), 64);
	KUNIT_EXPECT_EQ(test, log2_fls(U64_MAX), 64);

	for (lg2 = 0; lg2 <= 64; lg2++) {
		u64 low_ones = lg2 ? U64_MAX >> (64 - lg2) : 0;

		KUNIT_EXPECT_EQ_MSG(test, log2_to_max_int(lg2), low_ones,
				    "lg2 %u", lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_mod(U64_MAX, lg2), low_ones,
				    "lg2 %u", lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_set_mod_max(0, lg2), low_ones,
				    "lg2 %u", lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_set_mod(U64_MAX, 0, lg2),
				    ~low_ones, "lg2 %u", lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_fls(low_ones), lg2, "lg2 %u",
				    lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_ffz(low_ones), lg2, "lg2 %u",
				    lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_ffs(~low_ones), lg2, "lg2 %u",
				    lg2);
		KUNIT_EXPECT_TRUE_MSG(test, log2_mod_eq_max(low_ones, lg2),
				      "lg2 %u", lg2);
		KUNIT_EXPECT_TRUE_MSG(test, log2_div_eq(0, low_ones, lg2),
				      "lg2 %u", lg2);
		if (lg2 == 64)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, log2_div(U64_MAX, lg2),
				    U64_MAX >> lg2, "lg2 %u", lg2);
		KUNIT_EXPECT_EQ_MSG(test, log2_mul(1, lg2), 1ULL << lg2,
				    "lg2 %u", lg2);
		KUNIT_EXPECT_FALSE_MSG(test,
				       log2_div_eq(0, log2_to_int(lg2), lg2),
				       "lg2 %u", lg2);
	}
}

/* ---- leaf entries ---- */

/* Scratch tables of one level for kfmt_check_leaf() */
struct kfmt_leaf_tables {
	/* where the leaf under test is written */
	struct pt_state pts;
	/* the same leaf at another OA, written with the original attrs */
	struct pt_state ref;
	/* the same leaf at another OA, written with the decoded attrs */
	struct pt_state check;
};

/*
 * Write a leaf of 2^@pgsz_lg2 at @start and check it from every item it
 * spans: the walkers load whichever item an address falls in, so each one
 * must decode to the whole entry.
 *
 * pt_attr_from_entry() must give back exactly what went in, so that an
 * entry can be rewritten (split into smaller leaves, say) without changing
 * its permissions or cacheability. Its result is checked by writing it at
 * a different OA and comparing with the original attrs written there,
 * which also catches address bits leaking into the attrs.
 */
static void kfmt_check_leaf(struct kunit *test, struct kfmt_leaf_tables *t,
			    pt_oaddr_t oa, unsigned int pgsz_lg2,
			    unsigned int start,
			    const struct pt_write_attrs *attrs)
{
	struct pt_common *common = t->pts.range->common;
	struct pt_state *pts = &t->pts;
	unsigned int contig_lg2 = pgsz_lg2 - pt_table_item_lg2sz(pts);
	unsigned int num = log2_to_int(contig_lg2);
	pt_oaddr_t other_oa = oa ? 0 : kfmt_highest_oa(common, pgsz_lg2);
	unsigned int i, j;

	kfmt_zero_table(pts);
	kfmt_zero_table(&t->ref);
	pts->index = start;
	pt_install_leaf_entry(pts, oa, pgsz_lg2, attrs);
	t->ref.index = start;
	pt_install_leaf_entry(&t->ref, other_oa, pgsz_lg2, attrs);

	kfmt_assert_empty_outside(test, pts, start, num);
	for (i = start; i != start + num; i++) {
		struct pt_write_attrs got = {};

		KUNIT_ASSERT_EQ_MSG(test, kfmt_load(pts, i), PT_ENTRY_OA,
				    "level %u size_lg2 %u oa %#llx item %u",
				    pts->level, pgsz_lg2, (u64)oa, i);
		KUNIT_ASSERT_EQ_MSG(test, pt_entry_oa(pts), oa,
				    "level %u size_lg2 %u item %u", pts->level,
				    pgsz_lg2, i);
		KUNIT_ASSERT_EQ_MSG(test, pt_entry_oa_lg2sz(pts), pgsz_lg2,
				    "level %u oa %#llx item %u", pts->level,
				    (u64)oa, i);
		KUNIT_ASSERT_EQ_MSG(test, pt_entry_num_contig_lg2(pts),
				    contig_lg2,
				    "level %u size_lg2 %u oa %#llx item %u",
				    pts->level, pgsz_lg2, (u64)oa, i);

		pt_attr_from_entry(pts, &got);
		kfmt_zero_table(&t->check);
		t->check.index = start;
		pt_install_leaf_entry(&t->check, other_oa, pgsz_lg2, &got);
		for (j = start; j != start + num; j++)
			KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(&t->check, j),
					    kfmt_read_raw(&t->ref, j),
					    "attrs from level %u item %u",
					    pts->level, i);
	}

	pts->index = start;
	pt_clear_entries(pts, contig_lg2);
	kfmt_assert_empty_outside(test, pts, 0, 0);
}

/*
 * One page size: at the first and the last index an entry of that size can
 * start at, with output addresses at both ends of the OA space and with bit
 * patterns that show fields overlapping or shifted.
 */
static void kfmt_check_leaf_size(struct kunit *test, struct kfmt_leaf_tables *t,
				 struct kfmt_rng *rng, unsigned int pgsz_lg2,
				 const struct pt_write_attrs *attrs)
{
	struct pt_common *common = t->pts.range->common;
	u64 mask = kfmt_oa_mask(common) & ~log2_to_max_int(pgsz_lg2);
	const pt_oaddr_t oas[] = {
		0,
		kfmt_highest_oa(common, pgsz_lg2),
		kfmt_rand(rng) & mask,
		KFMT_ALTERNATING_01 & mask,
		KFMT_ALTERNATING_10 & mask,
	};
	unsigned int num = kfmt_leaf_items(test, &t->pts, pgsz_lg2);
	const unsigned int starts[] = { 0, kfmt_num_items(&t->pts) - num };
	unsigned int i, j;

	for (i = 0; i != ARRAY_SIZE(oas); i++)
		for (j = 0; j != ARRAY_SIZE(starts); j++)
			kfmt_check_leaf(test, t, oas[i], pgsz_lg2, starts[j],
					attrs);
}

static void kfmt_test_leaf_roundtrip(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_write_attrs attrs =
		kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
	struct kfmt_rng rng = { .state = 0x676e7074666d74ULL };
	unsigned int level, pgsz_lg2;

	for (level = 0; level <= range.top_level; level++) {
		struct kfmt_leaf_tables t = {
			.pts = kfmt_scratch(test, &range, level),
			.ref = kfmt_scratch(test, &range, level),
			.check = kfmt_scratch(test, &range, level),
		};
		u64 sizes = pt_possible_sizes(&t.pts);

		if (!pt_can_have_leaf(&t.pts))
			continue;
		for (pgsz_lg2 = 0; pgsz_lg2 < 64; pgsz_lg2++)
			if (sizes & BIT_ULL(pgsz_lg2))
				kfmt_check_leaf_size(test, &t, &rng, pgsz_lg2,
						     &attrs);
	}
}

/* ---- table entries ---- */

/*
 * A table entry at @index must give back the child's address, both for a
 * real child table and for the highest address the child could have, and
 * pt_install_table() is the compare-and-exchange that lets two mappers race
 * for an empty item: the loser must fail and leave the winner's table.
 */
static void kfmt_check_table(struct kunit *test, struct pt_state *pts,
			     unsigned int index, struct pt_table_p *child,
			     pt_oaddr_t high_pa,
			     const struct pt_write_attrs *attrs)
{
	pt_oaddr_t child_pa = virt_to_phys(child);
	unsigned int level = pts->level;
	struct pt_state loser;
	u64 entry;

	kfmt_zero_table(pts);
	KUNIT_ASSERT_EQ(test, kfmt_load(pts, index), PT_ENTRY_EMPTY);
	loser = *pts;
	KUNIT_ASSERT_TRUE_MSG(test, pt_install_table(pts, child_pa, attrs),
			      "level %u index %u", level, index);
	KUNIT_ASSERT_EQ_MSG(test, kfmt_load(pts, index), PT_ENTRY_TABLE,
			    "level %u index %u", level, index);
	KUNIT_ASSERT_EQ_MSG(test, pt_table_pa(pts), child_pa,
			    "level %u index %u", level, index);
	KUNIT_ASSERT_PTR_EQ(test, pts->table_lower, child);
	kfmt_assert_empty_outside(test, pts, index, 1);
	entry = kfmt_read_raw(pts, index);

	/* The other mapper loaded the item while it was still empty */
	KUNIT_ASSERT_FALSE_MSG(test, pt_install_table(&loser, high_pa, attrs),
			       "level %u index %u", level, index);
	KUNIT_ASSERT_EQ(test, kfmt_read_raw(pts, index), entry);
	KUNIT_ASSERT_EQ(test, kfmt_load(pts, index), PT_ENTRY_TABLE);
	KUNIT_ASSERT_EQ(test, pt_table_pa(pts), child_pa);

	/* How unmap unlinks a table */
	pt_clear_entries(pts, 0);
	kfmt_assert_empty_outside(test, pts, 0, 0);

	/*
	 * No memory is at the highest address: decode it with
	 * pt_load_entry_raw(), which does not translate it to a pointer.
	 */
	KUNIT_ASSERT_EQ(test, kfmt_load(pts, index), PT_ENTRY_EMPTY);
	KUNIT_ASSERT_TRUE(test, pt_install_table(pts, high_pa, attrs));
	pts->index = index;
	KUNIT_ASSERT_EQ_MSG(test, pt_load_entry_raw(pts), PT_ENTRY_TABLE,
			    "level %u index %u", level, index);
	KUNIT_ASSERT_EQ_MSG(test, pt_table_pa(pts), high_pa,
			    "level %u index %u", level, index);
	kfmt_assert_empty_outside(test, pts, index, 1);
}

static void kfmt_test_table_roundtrip(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_write_attrs attrs =
		kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
	unsigned int level;

	for (level = 1; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		struct pt_state child = kfmt_scratch(test, &range, level - 1);
		pt_oaddr_t high_pa =
			kfmt_highest_oa(common, pt_table_mem_lg2sz(&child));

		kfmt_check_table(test, &pts, 0, child.table, high_pa, &attrs);
		kfmt_check_table(test, &pts, kfmt_num_items(&pts) - 1,
				 child.table, high_pa, &attrs);
	}
}

/*
 * pt_item64_write() orders the halves of an item on 32 bit kernels by
 * clearing the low half first: that is only safe if an item whose low half
 * is zero is empty to the walker, whatever its high half holds. Check it
 * for every leaf and table entry the format writes, at the highest output
 * address (so the high half is not zero) and for each permission.
 */
static void kfmt_check_low_half_empty(struct kunit *test, struct pt_state *pts,
				      const char *what)
{
	u32 *halves = pt_cur_table(pts, u32) + 2 * pts->index;
	unsigned int index = pts->index;

	halves[IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)] = 0;
	pts->index = index;
	KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(pts), PT_ENTRY_EMPTY,
			    "%s at level %u with a zero low half is not empty",
			    what, pts->level);
	pt_clear_entries(pts, 0);
}

static void kfmt_test_present_in_low_half(struct kunit *test)
{
	static const unsigned int prots[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
	};
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	unsigned int level, i, checked = 0;

	if (sizeof(u64) != PT_ITEM_WORD_SIZE)
		kunit_skip(test, "the format has 32 bit items");

	for (level = 0; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		u64 sizes = pt_possible_sizes(&pts);
		unsigned int pgsz_lg2 = pt_table_item_lg2sz(&pts);
		pt_oaddr_t table_pa = 0;

		if (level) {
			struct pt_state child =
				kfmt_scratch(test, &range, level - 1);

			table_pa = kfmt_highest_oa(common,
						   pt_table_mem_lg2sz(&child));
		}
		for (i = 0; i != ARRAY_SIZE(prots); i++) {
			struct pt_write_attrs attrs;

			if (kunit_fmt_prot_refused(common, prots[i]))
				continue;
			attrs = kfmt_attrs(test, common, prots[i]);
			if (level) {
				kfmt_zero_table(&pts);
				KUNIT_ASSERT_EQ(test, kfmt_load(&pts, 0),
						PT_ENTRY_EMPTY);
				KUNIT_ASSERT_TRUE(test,
						  pt_install_table(&pts, table_pa,
								   &attrs));
				pts.index = 0;
				kfmt_check_low_half_empty(test, &pts, "table");
				checked++;
			}
			if (!(sizes & BIT_ULL(pgsz_lg2)))
				continue;
			kfmt_zero_table(&pts);
			pts.index = 0;
			pt_install_leaf_entry(&pts,
					      kfmt_highest_oa(common, pgsz_lg2),
					      pgsz_lg2, &attrs);
			pts.index = 0;
			kfmt_check_low_half_empty(test, &pts, "leaf");
			checked++;
		}
	}
	KUNIT_EXPECT_GT(test, checked, 0);
}

/*
 * A walker reads whole items while the CPU rewrites them: on a 32 bit
 * kernel a 64 bit item is two stores. A writer thread replaces a table
 * entry with a leaf (as a map over an emptied table does) and clears the
 * leaf (unmap), over and over; the test thread reads the item atomically
 * as the IOMMU would and must only ever see empty, the table entry, the
 * leaf, or an item the format calls empty. Both addresses are above 4GiB
 * where the output address space allows, so that a mixed item is present
 * with the wrong address.
 */
#define KFMT_STORE_RACE_ROUNDS 200000

struct kfmt_store_race {
	struct pt_state pts;
	struct pt_write_attrs attrs;
	pt_oaddr_t table_pa;
	pt_oaddr_t leaf_oa;
	unsigned int pgsz_lg2;
	bool done;
};

static void kfmt_store_race_round(struct kfmt_store_race *race)
{
	race->pts.index = 0;
	race->pts.entry = 0;
	pt_install_table(&race->pts, race->table_pa, &race->attrs);
	pt_install_leaf_entry(&race->pts, race->leaf_oa, race->pgsz_lg2,
			      &race->attrs);
	pt_clear_entries(&race->pts, 0);
}

static int kfmt_store_race_writer(void *arg)
{
	struct kfmt_store_race *race = arg;
	unsigned int i;

	for (i = 0; i != KFMT_STORE_RACE_ROUNDS; i++)
		kfmt_store_race_round(race);
	/* Pairs with the reader's acquire: every store above came first */
	smp_store_release(&race->done, true);
	return 0;
}

static void kfmt_test_item_store_race(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct kfmt_store_race *race;
	struct task_struct *writer;
	unsigned long reads = 0, between = 0, torn = 0;
	struct pt_state check;
	u64 table_entry, leaf_entry;
	unsigned int level;
	u64 *itemp;

	if (sizeof(u64) != PT_ITEM_WORD_SIZE)
		kunit_skip(test, "the format has 32 bit items");
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	for (level = 1; level <= range.top_level; level++) {
		struct pt_state pts = { .range = &range, .level = level };

		if (pt_possible_sizes(&pts) & BIT_ULL(pt_table_item_lg2sz(&pts)))
			break;
	}
	if (level > range.top_level)
		kunit_skip(test, "no level holds both tables and leaves");

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	race->pts = kfmt_scratch(test, &range, level);
	check = kfmt_scratch(test, &range, level);
	race->attrs = kfmt_attrs(test, common,
				 kunit_fmt_prot_refused(common, IOMMU_READ) ?
					 IOMMU_READ | IOMMU_WRITE :
					 IOMMU_READ);
	race->pgsz_lg2 = pt_table_item_lg2sz(&race->pts);
	{
		struct pt_state child = kfmt_scratch(test, &range, level - 1);

		race->table_pa = kfmt_highest_oa(common,
						 pt_table_mem_lg2sz(&child));
	}
	/* Differs from the table's address in its high half, if it has one */
	race->leaf_oa = log2_set_mod(kfmt_highest_oa(common, race->pgsz_lg2) >>
					     1,
				     0, race->pgsz_lg2);
	kfmt_zero_table(&race->pts);
	itemp = pt_cur_table(&race->pts, u64);

	/* The two items the writer alternates between */
	race->pts.index = 0;
	race->pts.entry = 0;
	KUNIT_ASSERT_TRUE(test, pt_install_table(&race->pts, race->table_pa,
						 &race->attrs));
	table_entry = READ_ONCE(*itemp);
	pt_install_leaf_entry(&race->pts, race->leaf_oa, race->pgsz_lg2,
			      &race->attrs);
	leaf_entry = READ_ONCE(*itemp);
	pt_clear_entries(&race->pts, 0);
	KUNIT_ASSERT_EQ(test, READ_ONCE(*itemp), 0);

	writer = kthread_run(kfmt_store_race_writer, race, "genpt-store-race");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, writer);
	/* Pairs with the release at the writer's end */
	while (!smp_load_acquire(&race->done)) {
		/* One atomic 64 bit read, as the walker's */
		u64 item = cmpxchg64(itemp, 0, 0);

		reads++;
		if (item == 0 || item == table_entry || item == leaf_entry)
			continue;
		pt_cur_table(&check, u64)[0] = item;
		check.index = 0;
		if (pt_load_entry_raw(&check) == PT_ENTRY_EMPTY) {
			between++;
			continue;
		}
		if (!torn)
			kunit_err(test, "torn item %llx (table %llx leaf %llx)",
				  item, table_entry, leaf_entry);
		torn++;
	}
	kunit_info(test, "%lu reads, %lu between stores, %lu torn", reads,
		   between, torn);
	KUNIT_EXPECT_EQ(test, torn, 0);
}

/* ---- write attributes ---- */

/*
 * Every prot a map may pass must encode, and decode back to attrs that
 * encode identically, so no IOMMU_* flag is lost or leaks into the
 * address. Permissions must be visible in the entry.
 */
/* The IOMMU_* flags a map may pass: the tests try every combination */
static const unsigned int kfmt_prot_flags[] = {
	IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE, IOMMU_NOEXEC, IOMMU_MMIO,
};

#define KFMT_NUM_PROT_COMBOS BIT(ARRAY_SIZE(kfmt_prot_flags))

/**
 * kfmt_prot_combo() - one combination of the IOMMU_* flags
 * @combo: 0 to KFMT_NUM_PROT_COMBOS - 1, one bit per kfmt_prot_flags[] entry
 *
 * Return: the flags of @combo, or 0 if it has neither IOMMU_READ nor
 * IOMMU_WRITE, which no map passes.
 */
static unsigned int kfmt_prot_combo(unsigned int combo)
{
	unsigned int prot = 0;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kfmt_prot_flags); i++)
		if (combo & BIT(i))
			prot |= kfmt_prot_flags[i];
	return prot & (IOMMU_READ | IOMMU_WRITE) ? prot : 0;
}

static void kfmt_test_attrs(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_state pts = kfmt_scratch(test, &range, 0);
	unsigned int gsz_lg2 = pt_table_item_lg2sz(&pts);
	pt_oaddr_t oa = kfmt_highest_oa(common, gsz_lg2);
	u64 raw_r = 0, raw_w = 0, raw_rw = 0;
	unsigned int combo, refused = 0;

	KUNIT_ASSERT_TRUE(test, pt_possible_sizes(&pts) & BIT_ULL(gsz_lg2));

	for (combo = 0; combo != KFMT_NUM_PROT_COMBOS; combo++) {
		unsigned int prot = kfmt_prot_combo(combo);
		struct pt_write_attrs attrs, got = {};

		if (!prot)
			continue;
		if (kunit_fmt_prot_refused(common, prot)) {
			attrs.descriptor_bits = KFMT_ALTERNATING_01;
			KUNIT_ASSERT_EQ_MSG(test,
					    pt_iommu_set_prot(common, &attrs,
							      prot),
					    -EINVAL, "prot %#x", prot);
			KUNIT_ASSERT_EQ_MSG(test, (u64)attrs.descriptor_bits,
					    KFMT_ALTERNATING_01,
					    "refused prot %#x changed attrs",
					    prot);
			refused++;
			continue;
		}
		attrs = kfmt_attrs(test, common, prot);

		kfmt_zero_table(&pts);
		pts.index = 0;
		pt_install_leaf_entry(&pts, oa, gsz_lg2, &attrs);
		KUNIT_ASSERT_EQ_MSG(test, kfmt_load(&pts, 0), PT_ENTRY_OA,
				    "prot %#x", prot);
		KUNIT_ASSERT_EQ_MSG(test, pt_entry_oa(&pts), oa, "prot %#x",
				    prot);
		KUNIT_ASSERT_EQ_MSG(test, pt_entry_oa_lg2sz(&pts), gsz_lg2,
				    "prot %#x", prot);
		pt_attr_from_entry(&pts, &got);

		pts.index = 1;
		pt_install_leaf_entry(&pts, oa, gsz_lg2, &got);
		KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(&pts, 1),
				    kfmt_read_raw(&pts, 0), "prot %#x", prot);

		pts.index = 2;
		pt_install_leaf_entry(&pts, 0, gsz_lg2, &attrs);
		pts.index = 3;
		pt_install_leaf_entry(&pts, 0, gsz_lg2, &got);
		KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(&pts, 3),
				    kfmt_read_raw(&pts, 2),
				    "prot %#x decoded attrs hold address bits",
				    prot);

		if (prot == IOMMU_READ)
			raw_r = kfmt_read_raw(&pts, 0);
		else if (prot == IOMMU_WRITE)
			raw_w = kfmt_read_raw(&pts, 0);
		else if (prot == (IOMMU_READ | IOMMU_WRITE))
			raw_rw = kfmt_read_raw(&pts, 0);
	}

	/* What a refused protection would have written is not compared */
	if (kunit_fmt_prot_refused(common, IOMMU_READ) ||
	    kunit_fmt_prot_refused(common, IOMMU_WRITE)) {
		KUNIT_EXPECT_GT(test, refused, 0);
		return;
	}
	KUNIT_EXPECT_NE_MSG(test, raw_r, raw_w,
			    "read-only and write-only leaves are identical");
	KUNIT_EXPECT_NE_MSG(test, raw_r, raw_rw,
			    "a read-only leaf is identical to a writable one");
}

/* ---- dirty tracking ---- */

/*
 * The level dirty tracking is checked at: the lowest one with contiguous
 * sizes, where the IOMMU may set the dirty bit in any item of the entry,
 * or else the lowest one with leaves.
 */
static unsigned int kfmt_dirty_level(struct pt_range *range)
{
	int first_leaf = -1;
	unsigned int level;

	for (level = 0; level <= range->top_level; level++) {
		struct pt_state pts = { .range = range, .level = level };

		if (!pt_can_have_leaf(&pts))
			continue;
		if (first_leaf < 0)
			first_leaf = level;
		if (pt_possible_sizes(&pts) &
		    ~BIT_ULL(pt_table_item_lg2sz(&pts)))
			return level;
	}
	return first_leaf < 0 ? 0 : first_leaf;
}

static void kfmt_assert_dirty(struct kunit *test, struct pt_state *pts,
			      unsigned int start, unsigned int num, bool dirty,
			      unsigned int pgsz_lg2)
{
	unsigned int i;

	for (i = start; i != start + num; i++) {
		KUNIT_ASSERT_EQ(test, kfmt_load(pts, i), PT_ENTRY_OA);
		KUNIT_ASSERT_EQ_MSG(test, pt_is_write_dirty(pts), dirty,
				    "level %u size_lg2 %u item %u", pts->level,
				    pgsz_lg2, i);
	}
}

/*
 * Dirty the leaf through @dirty_item, as the IOMMU does through whichever
 * item it walked, and clean it through @clean_item: dirtiness must be seen
 * from every item, and cleaning must clear all of them and restore the
 * entry exactly as it was written (@ref holds a copy of the clean leaf).
 */
static void kfmt_check_dirty_cycle(struct kunit *test, struct pt_state *pts,
				   const struct pt_state *ref,
				   unsigned int pgsz_lg2,
				   unsigned int dirty_item,
				   unsigned int clean_item)
{
	unsigned int num = kfmt_leaf_items(test, pts, pgsz_lg2);
	pt_oaddr_t oa;
	unsigned int i;

	kfmt_assert_dirty(test, pts, 0, num, false, pgsz_lg2);
	oa = pt_entry_oa(pts);

	kfmt_load(pts, dirty_item);
	KUNIT_ASSERT_TRUE_MSG(test, pt_make_write_dirty(pts),
			      "level %u size_lg2 %u item %u", pts->level,
			      pgsz_lg2, dirty_item);
	kfmt_assert_dirty(test, pts, 0, num, true, pgsz_lg2);
	for (i = 0; i != num; i++) {
		kfmt_load(pts, i);
		KUNIT_ASSERT_EQ(test, pt_entry_oa(pts), oa);
		KUNIT_ASSERT_EQ(test, pt_entry_oa_lg2sz(pts), pgsz_lg2);
	}

	kfmt_load(pts, clean_item);
	pt_make_write_clean(pts);
	kfmt_assert_dirty(test, pts, 0, num, false, pgsz_lg2);
	for (i = 0; i != num; i++)
		KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(pts, i),
				    kfmt_read_raw(ref, i),
				    "level %u size_lg2 %u item %u", pts->level,
				    pgsz_lg2, i);
}

/*
 * Dirty tracking of every page size of one level, through the last item of
 * a contiguous entry and through the first.
 */
static void kfmt_test_dirty(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_write_attrs rw, ro = {};
	struct pt_state pts, ref;
	bool ro_refused;
	unsigned int level, pgsz_lg2;
	u64 sizes;

	if (!pt_dirty_supported(common))
		kunit_skip(test, "no dirty tracking in this configuration");

	rw = kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
	ro_refused = kunit_fmt_prot_refused(common, IOMMU_READ);
	if (!ro_refused)
		ro = kfmt_attrs(test, common, IOMMU_READ);
	level = kfmt_dirty_level(&range);
	pts = kfmt_scratch(test, &range, level);
	ref = kfmt_scratch(test, &range, level);
	sizes = pt_possible_sizes(&pts);
	KUNIT_ASSERT_NE(test, sizes, 0);

	for (pgsz_lg2 = 0; pgsz_lg2 < 64; pgsz_lg2++) {
		pt_oaddr_t oa = kfmt_highest_oa(common, pgsz_lg2);
		unsigned int last;

		if (!(sizes & BIT_ULL(pgsz_lg2)))
			continue;
		last = kfmt_leaf_items(test, &pts, pgsz_lg2) - 1;

		kfmt_zero_table(&pts);
		kfmt_zero_table(&ref);
		pts.index = 0;
		pt_install_leaf_entry(&pts, oa, pgsz_lg2, &rw);
		ref.index = 0;
		pt_install_leaf_entry(&ref, oa, pgsz_lg2, &rw);
		kfmt_check_dirty_cycle(test, &pts, &ref, pgsz_lg2, last, 0);
		kfmt_check_dirty_cycle(test, &pts, &ref, pgsz_lg2, 0, last);

		/* Nothing can write through a read-only leaf */
		if (ro_refused)
			continue;
		kfmt_zero_table(&pts);
		pts.index = 0;
		pt_install_leaf_entry(&pts, oa, pgsz_lg2, &ro);
		kfmt_load(&pts, last);
		KUNIT_ASSERT_FALSE_MSG(test, pt_make_write_dirty(&pts),
				       "level %u size_lg2 %u", level, pgsz_lg2);
		kfmt_assert_dirty(test, &pts, 0, last + 1, false, pgsz_lg2);
	}
}

/* ---- software bits ---- */

/*
 * Software bits are ignored by the hardware and used by the core
 * (PT_SW_BIT_WRITTEN_BACK on table entries), so they must not overlap any
 * field the format writes and setting one must not change what the entry
 * decodes to.
 */
static void kfmt_check_sw_bits_table(struct kunit *test,
				     struct pt_state *pts,
				     struct pt_table_p *child, u64 sw_bits,
				     const struct pt_write_attrs *attrs)
{
	pt_oaddr_t child_pa = virt_to_phys(child);
	unsigned int bitnr;
	u64 entry;

	kfmt_load(pts, 0);
	KUNIT_ASSERT_TRUE(test, pt_install_table(pts, child_pa, attrs));
	entry = kfmt_read_raw(pts, 0);
	KUNIT_ASSERT_FALSE_MSG(test, entry & sw_bits, "table level %u",
			       pts->level);

	for (bitnr = 0; bitnr <= pt_max_sw_bit(pts->range->common); bitnr++) {
		kfmt_write_raw(pts, 0, entry | pt_sw_bit(bitnr));
		KUNIT_ASSERT_EQ_MSG(test, kfmt_load(pts, 0), PT_ENTRY_TABLE,
				    "level %u sw bit %u", pts->level, bitnr);
		KUNIT_ASSERT_EQ_MSG(test, pt_table_pa(pts), child_pa,
				    "level %u sw bit %u", pts->level, bitnr);

		/* The accessors PT_FEAT_DMA_INCOHERENT uses */
		kfmt_write_raw(pts, 0, entry);
		KUNIT_ASSERT_FALSE(test, pt_test_sw_bit_acquire(pts, bitnr));
		pt_set_sw_bit_release(pts, bitnr);
		KUNIT_ASSERT_TRUE(test, pt_test_sw_bit_acquire(pts, bitnr));
		KUNIT_ASSERT_EQ_MSG(test, kfmt_read_raw(pts, 0),
				    entry | pt_sw_bit(bitnr),
				    "level %u sw bit %u", pts->level, bitnr);
	}
}

static void kfmt_check_sw_bits_leaf(struct kunit *test, struct pt_state *pts,
				    unsigned int pgsz_lg2, u64 sw_bits,
				    const struct pt_write_attrs *attrs)
{
	struct pt_common *common = pts->range->common;
	/* Every OA bit set, to expose an overlap */
	pt_oaddr_t oa = kfmt_highest_oa(common, pgsz_lg2);
	unsigned int num = kfmt_leaf_items(test, pts, pgsz_lg2);
	unsigned int bitnr, i;

	kfmt_zero_table(pts);
	pts->index = 0;
	pt_install_leaf_entry(pts, oa, pgsz_lg2, attrs);
	for (i = 0; i != num; i++)
		KUNIT_ASSERT_FALSE_MSG(test, kfmt_read_raw(pts, i) & sw_bits,
				       "leaf level %u size_lg2 %u", pts->level,
				       pgsz_lg2);

	/* Accumulate the bits, as the core may set several */
	for (bitnr = 0; bitnr <= pt_max_sw_bit(common); bitnr++) {
		u64 sw = pt_sw_bit(bitnr);

		for (i = 0; i != num; i++)
			kfmt_write_raw(pts, i, kfmt_read_raw(pts, i) | sw);
		for (i = 0; i != num; i++) {
			KUNIT_ASSERT_EQ_MSG(test, kfmt_load(pts, i),
					    PT_ENTRY_OA,
					    "level %u size_lg2 %u sw bit %u",
					    pts->level, pgsz_lg2, bitnr);
			KUNIT_ASSERT_EQ(test, pt_entry_oa(pts), oa);
			KUNIT_ASSERT_EQ(test, pt_entry_oa_lg2sz(pts), pgsz_lg2);
		}
	}
}

static void kfmt_test_sw_bits(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	struct pt_write_attrs attrs =
		kfmt_attrs(test, common, IOMMU_READ | IOMMU_WRITE);
	unsigned int bitnr, level, pgsz_lg2;
	u64 sw_bits = 0;

	if (!pt_sw_bit(0)) {
		/* Incoherent walkers need PT_SW_BIT_WRITTEN_BACK */
		KUNIT_ASSERT_FALSE(test,
				   pt_feature(common, PT_FEAT_DMA_INCOHERENT));
		kunit_skip(test, "format has no software bits");
	}

	for (bitnr = 0; bitnr <= pt_max_sw_bit(common); bitnr++) {
		u64 sw = pt_sw_bit(bitnr);

		KUNIT_ASSERT_EQ_MSG(test, hweight64(sw), 1, "sw bit %u", bitnr);
		KUNIT_ASSERT_FALSE_MSG(test, sw & sw_bits, "sw bit %u", bitnr);
		sw_bits |= sw;
	}

	for (level = 1; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		struct pt_state child = kfmt_scratch(test, &range, level - 1);

		kfmt_check_sw_bits_table(test, &pts, child.table, sw_bits,
					 &attrs);
	}

	for (level = 0; level <= range.top_level; level++) {
		struct pt_state pts = kfmt_scratch(test, &range, level);
		u64 sizes = pt_possible_sizes(&pts);

		for (pgsz_lg2 = 0; pgsz_lg2 < 64; pgsz_lg2++)
			if (sizes & BIT_ULL(pgsz_lg2))
				kfmt_check_sw_bits_leaf(test, &pts, pgsz_lg2,
							sw_bits, &attrs);
	}
}

/* ---- page size selection ---- */

/* The definition of the best page size, one candidate at a time */
static unsigned int kfmt_best_pgsize_slow(u64 pgsz_bitmap, pt_vaddr_t va,
					  pt_vaddr_t last_va, pt_oaddr_t oa)
{
	int bit;

	for (bit = 63; bit >= 0; bit--) {
		u64 size_m1 = (1ULL << bit) - 1;

		if (!(pgsz_bitmap & (1ULL << bit)))
			continue;
		if ((va & size_m1) || (oa & size_m1))
			continue;
		/* va + size - 1 <= last_va, written so it cannot overflow */
		if (last_va - va < size_m1)
			continue;
		return bit;
	}
	return 0;
}

/* A random value with its low bits cleared to a random alignment */
static u64 kfmt_rand_aligned(struct kfmt_rng *rng)
{
	return log2_set_mod(kfmt_rand(rng), 0, kfmt_rand_below(rng, 65));
}

static u64 kfmt_rand_pgsz_bitmap(struct kfmt_rng *rng)
{
	unsigned int lo = kfmt_rand_below(rng, 64);
	unsigned int hi = lo + kfmt_rand_below(rng, 64 - lo);

	switch (kfmt_rand_below(rng, 8)) {
	case 0:
		return BIT_ULL(63);
	case 1:
		return U64_MAX;
	case 2:
		return 0;
	case 3:
		return BIT_ULL(lo);
	case 4:
		return GENMASK_ULL(hi, lo);
	case 5:
		return kfmt_rand(rng) & kfmt_rand(rng);
	default:
		return kfmt_rand(rng);
	}
}

static pt_vaddr_t kfmt_rand_va(struct kfmt_rng *rng)
{
	switch (kfmt_rand_below(rng, 6)) {
	case 0:
		return 0;
	case 1:
		return PT_VADDR_MAX;
	case 2:
		return kfmt_rand(rng);
	default:
		return kfmt_rand_aligned(rng);
	}
}

/* The last address of a range from @va, saturating at the top */
static pt_vaddr_t kfmt_rand_last_va(struct kfmt_rng *rng, pt_vaddr_t va)
{
	pt_vaddr_t len_m1;

	switch (kfmt_rand_below(rng, 7)) {
	case 0:
		return PT_VADDR_MAX;
	case 1:
		return va;
	case 2:
		len_m1 = 4095;
		break;
	case 3:
		/* exactly a power of two long */
		len_m1 = log2_to_max_int(kfmt_rand_below(rng, 65));
		break;
	case 4:
		/* one byte more than a power of two */
		len_m1 = log2_to_int(kfmt_rand_below(rng, 64));
		break;
	default:
		len_m1 = log2_mod(kfmt_rand(rng), kfmt_rand_below(rng, 65));
		break;
	}
	if (PT_VADDR_MAX - va < len_m1)
		return PT_VADDR_MAX;
	return va + len_m1;
}

static pt_oaddr_t kfmt_rand_oa(struct kfmt_rng *rng, pt_vaddr_t va)
{
	switch (kfmt_rand_below(rng, 5)) {
	case 0:
		return 0;
	case 1:
		/* as mappings usually are: as aligned as the IOVA */
		return va;
	case 2:
		return kfmt_rand(rng);
	default:
		return kfmt_rand_aligned(rng);
	}
}

static void kfmt_check_best_pgsize(struct kunit *test, u64 pgsz_bitmap,
				   pt_vaddr_t va, pt_vaddr_t last_va,
				   pt_oaddr_t oa)
{
	unsigned int best = pt_compute_best_pgsize(pgsz_bitmap, va, last_va,
						   oa);

	KUNIT_ASSERT_EQ_MSG(test, best,
			    kfmt_best_pgsize_slow(pgsz_bitmap, va, last_va, oa),
			    "bitmap %#llx va %#llx last_va %#llx oa %#llx",
			    pgsz_bitmap, (u64)va, (u64)last_va, (u64)oa);
}

/*
 * pt_compute_best_pgsize() decides every leaf a map writes. Compare it with
 * the definition on the edges of the 64 bit space and on random cases.
 */
static void kfmt_test_best_pgsize(struct kunit *test)
{
	struct kfmt_rng rng = { .state = 0x6265737470677aULL };
	unsigned int i;

	kfmt_check_best_pgsize(test, U64_MAX, 0, PT_VADDR_MAX, 0);
	kfmt_check_best_pgsize(test, BIT_ULL(63), 0, PT_VADDR_MAX, 0);
	kfmt_check_best_pgsize(test, BIT_ULL(63), 0, PT_VADDR_MAX - 1, 0);
	kfmt_check_best_pgsize(test, U64_MAX, 0, 4095, 0);
	kfmt_check_best_pgsize(test, U64_MAX, PT_VADDR_MAX, PT_VADDR_MAX, 0);
	kfmt_check_best_pgsize(test, 0, 0, PT_VADDR_MAX, 0);

	for (i = 0; i != KFMT_BEST_PGSIZE_CASES; i++) {
		u64 pgsz_bitmap = kfmt_rand_pgsz_bitmap(&rng);
		pt_vaddr_t va = kfmt_rand_va(&rng);
		pt_vaddr_t last_va = kfmt_rand_last_va(&rng, va);

		kfmt_check_best_pgsize(test, pgsz_bitmap, va, last_va,
				       kfmt_rand_oa(&rng, va));
	}
}

/* ---- page sizes ---- */

/*
 * A leaf is one item or a contiguous run of items of one table, and each
 * item of a level spans a whole table of the level below: the walkers
 * compute indexes and contiguous runs from exactly these relations.
 */
static void kfmt_test_possible_sizes(struct kunit *test)
{
	struct pt_common *common = kfmt_init_table(test);
	struct pt_range range = kfmt_make_range(common);
	unsigned int level, pgsz_lg2;

	for (level = 0; level <= range.top_level; level++) {
		struct pt_state pts = { .range = &range, .level = level };
		unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);
		unsigned int num_items_lg2 = pt_num_items_lg2(&pts);
		u64 sizes = pt_possible_sizes(&pts);

		KUNIT_EXPECT_EQ_MSG(test, sizes != 0, pt_can_have_leaf(&pts),
				    "level %u sizes %#llx", level, sizes);
		if (level == 0)
			KUNIT_EXPECT_TRUE(test, pt_can_have_leaf(&pts));
		for (pgsz_lg2 = 0; pgsz_lg2 < 64; pgsz_lg2++) {
			if (!(sizes & BIT_ULL(pgsz_lg2)))
				continue;
			KUNIT_EXPECT_GE_MSG(test, pgsz_lg2, isz_lg2,
					    "level %u", level);
			KUNIT_EXPECT_LE_MSG(test, pgsz_lg2,
					    isz_lg2 + num_items_lg2,
					    "level %u", level);
		}

		if (level < range.top_level) {
			struct pt_state upper = { .range = &range,
						  .level = level + 1 };

			KUNIT_EXPECT_EQ_MSG(test, pt_table_item_lg2sz(&upper),
					    isz_lg2 + num_items_lg2,
					    "level %u", level);
		}
	}
}

static struct kunit_case kfmt_test_cases[] = {
	KUNIT_CASE(kfmt_test_log2),
	KUNIT_CASE_PARAM(kfmt_test_leaf_roundtrip, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_table_roundtrip, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_present_in_low_half, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_item_store_race, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_attrs, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_dirty, kfmt_cfgs_gen_params),
	KUNIT_CASE_PARAM(kfmt_test_sw_bits, kfmt_cfgs_gen_params),
	KUNIT_CASE(kfmt_test_best_pgsize),
	KUNIT_CASE_PARAM(kfmt_test_possible_sizes, kfmt_cfgs_gen_params),
	{}
};

static struct kunit_suite kfmt_suite = {
	.name = __stringify(PT_FMT) "_fmt",
	.test_cases = kfmt_test_cases,
};

kunit_test_suites(&kfmt_suite);

MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif
