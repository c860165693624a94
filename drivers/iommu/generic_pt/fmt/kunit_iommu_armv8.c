// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites for the ARM VMSAv8-64 page table format.
 *
 * Besides the generic suites, known answers for what only this format
 * defines: the descriptor bits of each prot, which must match what
 * io-pgtable-arm writes (SMMUv3 context descriptors depend on them), the
 * table shape and hw_info of each granule, stage and input address size,
 * and the configurations init refuses.
 */
#define PT_FMT armv8
#define GENERIC_PT_KUNIT 1

#include "iommu_template.h"

/* A table initialised with @cfg at its own widths, freed with the test */
static int armv8_kunit_init(struct kunit *test,
			    const struct pt_iommu_armv8_cfg *cfg,
			    struct pt_iommu_armv8 **tablep)
{
	struct pt_iommu_armv8 *table;
	int ret;

	table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);
	table->iommu.iommu_device = kfmt_dma_device(test);
	table->iommu.nid = NUMA_NO_NODE;
	ret = pt_iommu_armv8_init(table, cfg, GFP_KERNEL);
	if (!ret)
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  kfmt_table_deinit,
							  &table->iommu),
				0);
	*tablep = table;
	return ret;
}

#define ARMV8_CFG(_features, _granule, _va, _oa)               \
	{ .common = { .features = (_features),                 \
		      .hw_max_vasz_lg2 = (_va),                \
		      .hw_max_oasz_lg2 = (_oa) },              \
	  .granule_lg2sz = (_granule) }

/* Leaf bits of one prot, at OA 0x12345000 (0x12340000 for 64KiB) */
struct armv8_leaf_case {
	unsigned int prot;
	u64 bits;
};

static void armv8_check_leaves(struct kunit *test,
			       const struct pt_iommu_armv8_cfg *cfg,
			       const struct armv8_leaf_case *cases,
			       unsigned int num_cases)
{
	struct pt_iommu_armv8 *table;
	struct pt_range range;
	struct pt_state pts;
	pt_oaddr_t oa;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, armv8_kunit_init(test, cfg, &table), 0);
	range = pt_make_range(&table->armpt.common, 0, 0);
	pts = kfmt_scratch(test, &range, 0);
	oa = log2_set_mod(0x12345000, 0, cfg->granule_lg2sz);

	for (i = 0; i != num_cases; i++) {
		struct pt_write_attrs attrs =
			kfmt_attrs(test, &table->armpt.common, cases[i].prot);

		pts.index = 0;
		pt_install_leaf_entry(&pts, oa, cfg->granule_lg2sz, &attrs);
		KUNIT_EXPECT_EQ_MSG(test, kfmt_read_raw(&pts, 0),
				    oa | cases[i].bits, "prot %#x",
				    cases[i].prot);
	}
}

/*
 * The bits of io-pgtable-arm's arm_lpae_prot_to_pte() for each prot: AF,
 * stage 1 nG, AP[1] unless IOMMU_PRIV and AP[2] unless writable, AttrIndx
 * 0 NC / 1 WBRWA (IOMMU_CACHE) / 2 device (IOMMU_MMIO), SH inner for
 * IOMMU_CACHE else outer, XN bits 54:53 for IOMMU_NOEXEC; stage 2 S2AP
 * read/write and MemAttr NC 0x5 / OIWB 0xf / device 0x1. Page type 0b11.
 */
static void armv8_test_leaf_encoding(struct kunit *test)
{
	static const struct armv8_leaf_case s1[] = {
		{ IOMMU_READ, 0xec3 },
		{ IOMMU_WRITE, 0xe43 },
		{ IOMMU_READ | IOMMU_WRITE, 0xe43 },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, 0xf47 },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO, 0xe4b },
		{ IOMMU_READ | IOMMU_NOEXEC, 0x0060000000000ec3ULL },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_PRIV, 0xe03 },
	};
	/* Writable leaves start writable-clean: DBM | AP[2] */
	static const struct armv8_leaf_case s1_dbm[] = {
		{ IOMMU_READ, 0xec3 },
		{ IOMMU_READ | IOMMU_WRITE, 0x0008000000000ec3ULL },
		{ IOMMU_WRITE | IOMMU_CACHE, 0x0008000000000fc7ULL },
	};
	static const struct armv8_leaf_case s2[] = {
		{ IOMMU_READ, 0x657 },
		{ IOMMU_WRITE, 0x697 },
		{ IOMMU_READ | IOMMU_WRITE, 0x6d7 },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, 0x7ff },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO, 0x6c7 },
		{ IOMMU_READ | IOMMU_NOEXEC, 0x0060000000000657ULL },
	};
	/* FEAT_S2FWB: cacheable is MemAttr 0b0110, the rest is unchanged */
	static const struct armv8_leaf_case s2fwb[] = {
		{ IOMMU_READ | IOMMU_WRITE, 0x6d7 },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, 0x7db },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO, 0x6c7 },
	};
	const struct pt_iommu_armv8_cfg cfg_s1 = ARMV8_CFG(0, 12, 48, 48);
	const struct pt_iommu_armv8_cfg cfg_dbm =
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_DBM), 16, 48, 48);
	const struct pt_iommu_armv8_cfg cfg_s2 =
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 14, 40, 40);
	const struct pt_iommu_armv8_cfg cfg_fwb =
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2) | BIT(PT_FEAT_ARMV8_S2FWB), 12,
			  40, 40);

	armv8_check_leaves(test, &cfg_s1, s1, ARRAY_SIZE(s1));
	armv8_check_leaves(test, &cfg_dbm, s1_dbm, ARRAY_SIZE(s1_dbm));
	armv8_check_leaves(test, &cfg_s2, s2, ARRAY_SIZE(s2));
	armv8_check_leaves(test, &cfg_fwb, s2fwb, ARRAY_SIZE(s2fwb));
}

/*
 * Blocks, contiguous runs, tables and 52 bit addresses, written by the
 * format functions and compared with hand encoded descriptors.
 */
static void armv8_test_descriptors(struct kunit *test)
{
	const struct pt_iommu_armv8_cfg cfg_4k = ARMV8_CFG(0, 12, 48, 48);
	const struct pt_iommu_armv8_cfg cfg_lpa =
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_LPA), 16, 48, 52);
	struct pt_write_attrs attrs;
	struct pt_iommu_armv8 *table;
	struct pt_range range;
	struct pt_state pts;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, armv8_kunit_init(test, &cfg_4k, &table), 0);
	range = pt_make_range(&table->armpt.common, 0, 0);
	attrs = kfmt_attrs(test, &table->armpt.common,
			   IOMMU_READ | IOMMU_WRITE);

	/* A 64KiB run of 16 pages, each item with its own address */
	pts = kfmt_scratch(test, &range, 0);
	pts.index = 16;
	pt_install_leaf_entry(&pts, 0x40010000, 16, &attrs);
	for (i = 0; i != 16; i++)
		KUNIT_EXPECT_EQ_MSG(test, kfmt_read_raw(&pts, 16 + i),
				    0x0010000040010e43ULL + i * SZ_4K,
				    "item %u", i);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 15), 0);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 32), 0);

	/* A 2MiB block at ARM level 2, a 32MiB run of them, a 1GiB block */
	pts = kfmt_scratch(test, &range, 1);
	pt_install_leaf_entry(&pts, 0x40200000, 21, &attrs);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 0), 0x40200e41);
	pts.index = 16;
	pt_install_leaf_entry(&pts, 0x42000000, 25, &attrs);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 16), 0x0010000042000e41ULL);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 31), 0x0010000043e00e41ULL);
	pts = kfmt_scratch(test, &range, 2);
	pt_install_leaf_entry(&pts, 0x80000000, 30, &attrs);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 0), 0x80000e41);

	/* A table descriptor is the address and 0b11, nothing else */
	KUNIT_EXPECT_EQ(test, kfmt_load(&pts, 1), PT_ENTRY_EMPTY);
	KUNIT_ASSERT_TRUE(test, pt_install_table(&pts, 0x12345000, &attrs));
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 1), 0x12345003);

	/* FEAT_LPA: OA 51:48 in bits 15:12, for leaves and tables */
	KUNIT_ASSERT_EQ(test, armv8_kunit_init(test, &cfg_lpa, &table), 0);
	range = pt_make_range(&table->armpt.common, 0, 0);
	attrs = kfmt_attrs(test, &table->armpt.common,
			   IOMMU_READ | IOMMU_WRITE);
	pts = kfmt_scratch(test, &range, 0);
	pt_install_leaf_entry(&pts, 0x000abcdef1230000ULL, 16, &attrs);
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 0), 0x0000bcdef123ae43ULL);
	KUNIT_EXPECT_EQ(test, kfmt_load(&pts, 0), PT_ENTRY_OA);
	KUNIT_EXPECT_EQ(test, pt_entry_oa(&pts), 0x000abcdef1230000ULL);
	pts = kfmt_scratch(test, &range, 1);
	KUNIT_EXPECT_EQ(test, kfmt_load(&pts, 0), PT_ENTRY_EMPTY);
	KUNIT_ASSERT_TRUE(test,
			  pt_install_table(&pts, 0x000f000012340000ULL,
					   &attrs));
	KUNIT_EXPECT_EQ(test, kfmt_read_raw(&pts, 0), 0x000000001234f003ULL);
}

/* A configuration, the table init builds for it and its hw_info */
struct armv8_shape_case {
	struct pt_iommu_armv8_cfg cfg;
	unsigned int top_level;
	unsigned int top_items_lg2;
	u8 tsz;
	u8 tg;
	/* with a 64 bit phys_addr_t; 32 bit ones limit the OA to 32 bits */
	u8 ps;
	u8 sl0;
	/* blocks, pages and contiguous runs, within the VA space */
	u64 pgsizes;
};

#define ARMV8_4K_SIZES (SZ_4K | SZ_64K | SZ_2M | SZ_32M | SZ_1G | BIT_ULL(34))
#define ARMV8_16K_SIZES (SZ_16K | SZ_2M | SZ_32M | SZ_1G)
#define ARMV8_64K_SIZES (SZ_64K | SZ_2M | SZ_512M | BIT_ULL(34))

static const struct armv8_shape_case armv8_shapes[] = {
	/* 4KiB stage 1: 4 levels, partial ARM level 1 and 2 tops */
	{ ARMV8_CFG(0, 12, 48, 48), 3, 9, 16, 0, 5, 0, ARMV8_4K_SIZES },
	{ ARMV8_CFG(0, 12, 36, 40), 2, 6, 28, 0, 2, 0, ARMV8_4K_SIZES },
	/* a 32MiB run would fit the 16 item top, but not the VA space */
	{ ARMV8_CFG(0, 12, 25, 32), 1, 4, 39, 0, 0, 0,
	  SZ_4K | SZ_64K | SZ_2M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_TTBR1), 12, 39, 44), 2, 9, 25, 0, 4, 0,
	  ARMV8_4K_SIZES },
	/* 4KiB stage 2: 16 and 2 concatenated tables, never ARM level 3 */
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 12, 34, 40), 1, 13, 30, 0, 2, 0,
	  SZ_4K | SZ_64K | SZ_2M | SZ_32M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 12, 40, 42), 2, 10, 24, 0, 3, 1,
	  ARMV8_4K_SIZES },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 12, 44, 48), 3, 5, 20, 0, 5, 2,
	  ARMV8_4K_SIZES },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 12, 25, 36), 1, 4, 39, 0, 1, 0,
	  SZ_4K | SZ_64K | SZ_2M },
	/* 16KiB: a 2 item top, stage 2 from ARM level 3 and level 1 */
	{ ARMV8_CFG(0, 14, 48, 48), 3, 1, 16, 2, 5, 0, ARMV8_16K_SIZES },
	{ ARMV8_CFG(0, 14, 47, 48), 2, 11, 17, 2, 5, 0, ARMV8_16K_SIZES },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 14, 29, 48), 0, 15, 35, 2, 5, 0,
	  SZ_16K | SZ_2M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 14, 48, 44), 2, 12, 16, 2, 4, 2,
	  ARMV8_16K_SIZES },
	/*
	 * 64KiB: 52 bit OA with 4TiB blocks, a 1 level table, stage 2 from
	 * ARM level 1
	 */
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_LPA), 16, 48, 52), 2, 6, 16, 1, 6, 0,
	  ARMV8_64K_SIZES | BIT_ULL(42) },
	{ ARMV8_CFG(0, 16, 28, 52), 0, 12, 36, 1, 5, 0, SZ_64K | SZ_2M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 44, 48), 1, 15, 20, 1, 5, 1,
	  ARMV8_64K_SIZES },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 48, 48), 2, 6, 16, 1, 5, 2,
	  ARMV8_64K_SIZES },
	/*
	 * 64KiB stage 2 tops of 2^16 and 2^17 items: 16 concatenated tables
	 * at ARM level 3 (32 and 33 bit IAS) and ARM level 2 (45 and 46 bit)
	 */
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 32, 48), 0, 16, 32, 1, 5, 0,
	  SZ_64K | SZ_2M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 33, 48), 0, 17, 31, 1, 5, 0,
	  SZ_64K | SZ_2M },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 45, 48), 1, 16, 19, 1, 5, 1,
	  ARMV8_64K_SIZES },
	{ ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 16, 46, 48), 1, 17, 18, 1, 5, 1,
	  ARMV8_64K_SIZES },
};

static void armv8_shape_desc(const struct armv8_shape_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "granule %u va %u oa %u features %#x",
		 c->cfg.granule_lg2sz, c->cfg.common.hw_max_vasz_lg2,
		 c->cfg.common.hw_max_oasz_lg2, c->cfg.common.features);
}

KUNIT_ARRAY_PARAM(armv8_shapes, armv8_shapes, armv8_shape_desc);

/*
 * The first and the last granule page of the input address space are
 * distinct items of the top however many items it has: map both, each
 * must translate to its own page, and unmapping one leaves the other.
 */
static void armv8_check_first_last(struct kunit *test,
				   struct pt_iommu_armv8 *table)
{
	struct iommu_domain *domain = &table->iommu.domain;
	size_t pgsize = log2_to_int(table->armpt.granule_lg2sz);
	unsigned long first = domain->geometry.aperture_start;
	unsigned long last = domain->geometry.aperture_end - (pgsize - 1);
	struct iommu_iotlb_gather gather;
	size_t mapped = 0;

	KUNIT_ASSERT_EQ(test,
			pt_iommu_armv8_map_pages(domain, first, pgsize, pgsize,
						 1, IOMMU_READ, GFP_KERNEL,
						 &mapped),
			0);
	KUNIT_ASSERT_EQ(test, mapped, pgsize);
	mapped = 0;
	KUNIT_ASSERT_EQ(test,
			pt_iommu_armv8_map_pages(domain, last, 2 * pgsize,
						 pgsize, 1, IOMMU_READ,
						 GFP_KERNEL, &mapped),
			0);
	KUNIT_ASSERT_EQ(test, mapped, pgsize);
	KUNIT_EXPECT_EQ(test, pt_iommu_armv8_iova_to_phys(domain, first),
			(phys_addr_t)pgsize);
	KUNIT_EXPECT_EQ(test, pt_iommu_armv8_iova_to_phys(domain, last),
			(phys_addr_t)(2 * pgsize));

	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test,
			pt_iommu_armv8_unmap_pages(domain, last, pgsize, 1,
						   &gather),
			pgsize);
	iommu_put_pages_list(&gather.freelist);
	KUNIT_EXPECT_EQ(test, pt_iommu_armv8_iova_to_phys(domain, last), 0);
	KUNIT_EXPECT_EQ(test, pt_iommu_armv8_iova_to_phys(domain, first),
			(phys_addr_t)pgsize);
}

static void armv8_test_shape(struct kunit *test)
{
	const struct armv8_shape_case *c = test->param_value;
	struct pt_iommu_armv8_hw_info info;
	struct pt_iommu_armv8 *table;
	struct pt_range range;
	struct pt_state top;
	int ret;

	ret = armv8_kunit_init(test, &c->cfg, &table);
	kfmt_skip_unsupported(test, &c->cfg, ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	range = pt_make_range(&table->armpt.common, 0, 0);
	top = pt_init_top(&range);
	KUNIT_EXPECT_EQ(test, range.top_level, c->top_level);
	KUNIT_EXPECT_EQ(test, pt_num_items_lg2(&top), c->top_items_lg2);
	KUNIT_EXPECT_EQ(test, range.max_vasz_lg2,
			c->cfg.common.hw_max_vasz_lg2);
	/* unsigned long drops what a 32 bit kernel cannot map */
	KUNIT_EXPECT_EQ(test, (u64)table->iommu.domain.pgsize_bitmap,
			c->pgsizes & ULONG_MAX);

	pt_iommu_armv8_hw_info(table, &info);
	KUNIT_EXPECT_EQ(test, info.ttb, (u64)virt_to_phys(range.top_table));
	KUNIT_EXPECT_EQ(test, info.tsz, c->tsz);
	KUNIT_EXPECT_EQ(test, info.tg, c->tg);
	KUNIT_EXPECT_EQ(test, info.ps,
			sizeof(phys_addr_t) == sizeof(u64) ? c->ps : 0);
	KUNIT_EXPECT_EQ(test, info.sl0, c->sl0);
	KUNIT_EXPECT_EQ(test, info.sh, 3);
	KUNIT_EXPECT_EQ(test, info.irgn, 1);
	KUNIT_EXPECT_EQ(test, info.orgn, 1);
	if (c->cfg.common.features & BIT(PT_FEAT_ARMV8_S2))
		KUNIT_EXPECT_EQ(test, info.mair, 0);
	else
		KUNIT_EXPECT_EQ(test, info.mair, 0xf404ff44ULL);
	armv8_check_first_last(test, table);
}

/* Walks of an incoherent walker are non-cacheable, outer shareable */
static void armv8_test_hw_info_incoherent(struct kunit *test)
{
	const struct pt_iommu_armv8_cfg cfg =
		ARMV8_CFG(BIT(PT_FEAT_DMA_INCOHERENT), 12, 48, 48);
	struct pt_iommu_armv8_hw_info info;
	struct pt_iommu_armv8 *table;
	int ret;

	ret = armv8_kunit_init(test, &cfg, &table);
	kfmt_skip_unsupported(test, &cfg, ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	pt_iommu_armv8_hw_info(table, &info);
	KUNIT_EXPECT_EQ(test, info.sh, 2);
	KUNIT_EXPECT_EQ(test, info.irgn, 0);
	KUNIT_EXPECT_EQ(test, info.orgn, 0);
}

/* What the format refuses, on top of the generic checks */
static void armv8_test_init_errors(struct kunit *test)
{
	static const struct pt_iommu_armv8_cfg bad[] = {
		ARMV8_CFG(0, 13, 48, 48),
		ARMV8_CFG(0, 0, 48, 48),
		ARMV8_CFG(0, 21, 48, 48),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_LPA), 12, 48, 52),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_LPA), 14, 48, 52),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2) | BIT(PT_FEAT_ARMV8_TTBR1), 12,
			  48, 48),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2) | BIT(PT_FEAT_ARMV8_DBM), 12,
			  48, 48),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2FWB), 12, 48, 48),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_DBM) | BIT(PT_FEAT_DMA_INCOHERENT),
			  12, 48, 48),
		ARMV8_CFG(0, 16, 24, 48),
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_S2), 12, 24, 48),
		ARMV8_CFG(0, 12, 49, 48),
	};
	long pages = kpt_iommu_pages();
	struct pt_iommu_armv8 *table;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(bad); i++) {
		/* The generic check comes first on a CPU without clflush */
		int expect = kfmt_cpu_cannot_write_back(&bad[i]) ? -EOPNOTSUPP :
								    -EINVAL;

		KUNIT_EXPECT_EQ_MSG(test, armv8_kunit_init(test, &bad[i], &table),
				    expect, "case %u", i);
		KUNIT_EXPECT_NULL(test, table->iommu.ops);
	}
	KUNIT_EXPECT_EQ(test, kpt_iommu_pages(), pages);
}

/*
 * A TTBR1 table translates the top of the 64 bit space: the aperture is
 * there, and the same offsets below it are refused.
 */
static void armv8_test_ttbr1(struct kunit *test)
{
	const struct pt_iommu_armv8_cfg cfg =
		ARMV8_CFG(BIT(PT_FEAT_ARMV8_TTBR1), 12, 39, 48);
	struct iommu_iotlb_gather gather;
	struct pt_iommu_armv8 *table;
	struct iommu_domain *domain;
	size_t mapped = 0;
	u64 start;
	int ret;

	ret = armv8_kunit_init(test, &cfg, &table);
	kfmt_skip_unsupported(test, &cfg, ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	domain = &table->iommu.domain;
	start = 0xffffff8000000000ULL;
	KUNIT_EXPECT_EQ(test, (u64)domain->geometry.aperture_start, start);
	KUNIT_EXPECT_EQ(test, (u64)domain->geometry.aperture_end, U64_MAX);

	KUNIT_EXPECT_EQ(test,
			pt_iommu_armv8_map_pages(domain, SZ_2M, SZ_1M, SZ_4K,
						 1, IOMMU_READ, GFP_KERNEL,
						 &mapped),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			pt_iommu_armv8_map_pages(domain, start - SZ_4K, SZ_1M,
						 SZ_4K, 2, IOMMU_READ,
						 GFP_KERNEL, &mapped),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, (u64)mapped, 0);
	KUNIT_ASSERT_EQ(test,
			pt_iommu_armv8_map_pages(domain, start + SZ_2M, SZ_1M,
						 SZ_4K, 1, IOMMU_READ,
						 GFP_KERNEL, &mapped),
			0);
	KUNIT_EXPECT_EQ(test, (u64)mapped, SZ_4K);
	KUNIT_EXPECT_EQ(test,
			(u64)pt_iommu_armv8_iova_to_phys(domain,
							 start + SZ_2M + 5),
			SZ_1M + 5);
	KUNIT_EXPECT_EQ(test, (u64)pt_iommu_armv8_iova_to_phys(domain, SZ_2M),
			0);
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test,
			(u64)pt_iommu_armv8_unmap_pages(domain, SZ_2M, SZ_4K, 1,
							&gather),
			0);
	KUNIT_EXPECT_EQ(test,
			(u64)pt_iommu_armv8_unmap_pages(domain, start + SZ_2M,
							SZ_4K, 1, &gather),
			SZ_4K);
	/* The driver's iotlb_sync would free these: nothing was freed */
	KUNIT_EXPECT_TRUE(test, list_empty(&gather.freelist));
}

static struct kunit_case armv8_test_cases[] = {
	KUNIT_CASE(armv8_test_leaf_encoding),
	KUNIT_CASE(armv8_test_descriptors),
	KUNIT_CASE_PARAM(armv8_test_shape, armv8_shapes_gen_params),
	KUNIT_CASE(armv8_test_hw_info_incoherent),
	KUNIT_CASE(armv8_test_init_errors),
	KUNIT_CASE(armv8_test_ttbr1),
	{}
};

static struct kunit_suite armv8_suite = {
	.name = "armv8_encoding",
	.test_cases = armv8_test_cases,
};

kunit_test_suites(&armv8_suite);
