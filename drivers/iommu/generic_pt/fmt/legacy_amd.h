/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 6.12 AMD IOMMU io-pgtable (AMD_IOMMU_V1, AMD_IOMMU_V2) set up for the
 * differential suites and the benchmark, without AMD IOMMU hardware.
 *
 * This couples the test, and only the test, to the 6.12 AMD driver's
 * private headers: the io-pgtable code finds its struct amd_io_pgtable and
 * struct protection_domain with container_of() from the io_pgtable_cfg, so
 * the test has to build those objects around it, as the driver's
 * pdom_setup_pgtable() does. The io-pgtable code calls back into the
 * driver when its table changes under live mappings (growing the v1 top,
 * replacing a table by a leaf): amd_iommu_update_and_flush_device_table()
 * and amd_iommu_domain_flush_pages() walk the domain's device list and
 * IOMMU array, which are empty here, so they touch no hardware (with
 * amd_iommu_np_cache clear, which it is without an AMD IOMMU).
 *
 * The domain's ops do what amd_iommu_map_pages() and friends do with the
 * io-pgtable ops, so that the IOMMU core (iommu_map() and iommu_unmap())
 * can drive it as it drives a 6.12 AMD domain.
 */
#ifndef __GENERIC_PT_FMT_LEGACY_AMD_H
#define __GENERIC_PT_FMT_LEGACY_AMD_H

#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/numa.h>
#include "../../amd/amd_iommu_types.h"
#include "../../amd/amd_iommu.h"
#include "../../iommu-pages.h"

struct kdiff_amd {
	struct protection_domain pdom;
	struct io_pgtable_ops *ops;
	struct iommu_domain_ops domain_ops;
};

static struct io_pgtable_ops *kdiff_amd_ops(struct iommu_domain *domain)
{
	return container_of(domain, struct kdiff_amd, pdom.domain)->ops;
}

/* As amd_iommu_map_pages(): IOMMU_READ/WRITE become IOMMU_PROT_IR/IW */
static int kdiff_amd_map_pages(struct iommu_domain *domain,
			       unsigned long iova, phys_addr_t paddr,
			       size_t pgsize, size_t pgcount, int iommu_prot,
			       gfp_t gfp, size_t *mapped)
{
	struct io_pgtable_ops *ops = kdiff_amd_ops(domain);
	int prot = 0;

	if (iommu_prot & IOMMU_READ)
		prot |= IOMMU_PROT_IR;
	if (iommu_prot & IOMMU_WRITE)
		prot |= IOMMU_PROT_IW;
	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, gfp,
			      mapped);
}

/* As amd_iommu_unmap_pages() without NpCache: gather what was unmapped */
static size_t kdiff_amd_unmap_pages(struct iommu_domain *domain,
				    unsigned long iova, size_t pgsize,
				    size_t pgcount,
				    struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = kdiff_amd_ops(domain);
	size_t unmapped;

	unmapped = ops->unmap_pages(ops, iova, pgsize, pgcount, NULL);
	if (unmapped)
		iommu_iotlb_gather_add_range(gather, iova, unmapped);
	return unmapped;
}

static phys_addr_t kdiff_amd_iova_to_phys(struct iommu_domain *domain,
					  dma_addr_t iova)
{
	struct io_pgtable_ops *ops = kdiff_amd_ops(domain);

	return ops->iova_to_phys(ops, iova);
}

/* 6.12's AMD unmap frees nothing, there is nothing to invalidate */
static void kdiff_amd_iotlb_sync(struct iommu_domain *domain,
				 struct iommu_iotlb_gather *gather)
{
	iommu_put_pages_list(&gather->freelist);
}

static struct iommu_domain *kdiff_amd_init(struct kunit *test,
					   struct kdiff_amd *amd,
					   enum io_pgtable_fmt fmt,
					   enum protection_domain_mode mode)
{
	struct protection_domain *pdom = &amd->pdom;

	/* No device and no IOMMU: the driver's flushes find nothing to do */
	INIT_LIST_HEAD(&pdom->dev_list);
	INIT_LIST_HEAD(&pdom->dev_data_list);
	xa_init(&pdom->iommu_array);
	spin_lock_init(&pdom->lock);
	pdom->pd_mode = mode;

	pdom->iop.pgtbl.cfg.amd.nid = NUMA_NO_NODE;
	amd->ops = alloc_io_pgtable_ops(fmt, &pdom->iop.pgtbl.cfg, pdom);
	if (!amd->ops)
		return NULL;

	amd->domain_ops = (struct iommu_domain_ops){
		.map_pages = kdiff_amd_map_pages,
		.unmap_pages = kdiff_amd_unmap_pages,
		.iova_to_phys = kdiff_amd_iova_to_phys,
		.iotlb_sync = kdiff_amd_iotlb_sync,
	};
	pdom->domain.ops = &amd->domain_ops;
	pdom->domain.type = IOMMU_DOMAIN_UNMANAGED;
	pdom->domain.pgsize_bitmap = pdom->iop.pgtbl.cfg.pgsize_bitmap;
	return &pdom->domain;
}

static void kdiff_amd_free(struct kdiff_amd *amd)
{
	free_io_pgtable_ops(amd->ops);
	amd->ops = NULL;
}

#endif
