/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 6.12 AMD IOMMU io-pgtable (AMD_IOMMU_V1, AMD_IOMMU_V2) set up for the
 * differential suites and the benchmark, without AMD IOMMU hardware.
 *
 * The AMD driver's paging domains use genpt; its 6.12 io-pgtable code is
 * kept in drivers/iommu/amd/ only as this reference, built with
 * CONFIG_AMD_IOMMU_LEGACY_PGTABLE (on whenever these suites are). It finds
 * its struct amd_io_pgtable and the lock that serialises growing the v1
 * top with container_of() from the io_pgtable_cfg, so the test builds the
 * struct amd_io_pgtable_domain of ../../amd/io_pgtable_legacy.h around
 * it. Where 6.12 called back into the driver when the table changed under
 * live mappings (growing the v1 top, replacing a table by a leaf: DTE
 * updates and IOTLB flushes of the domain's devices), the reference code
 * does nothing: it has no devices.
 *
 * The domain's ops do what 6.12's amd_iommu_map_pages() and friends did
 * with the io-pgtable ops, so that the IOMMU core (iommu_map() and
 * iommu_unmap()) can drive it as it drove a 6.12 AMD domain.
 */
#ifndef __GENERIC_PT_FMT_LEGACY_AMD_H
#define __GENERIC_PT_FMT_LEGACY_AMD_H

#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/numa.h>
#include "../../amd/amd_iommu_types.h"
#include "../../amd/amd_iommu.h"
#include "../../amd/io_pgtable_legacy.h"
#include "../../iommu-pages.h"

struct kdiff_amd {
	struct amd_io_pgtable_domain pdom;
	struct io_pgtable_ops *ops;
	struct iommu_domain domain;
	struct iommu_domain_ops domain_ops;
};

static struct io_pgtable_ops *kdiff_amd_ops(struct iommu_domain *domain)
{
	return container_of(domain, struct kdiff_amd, domain)->ops;
}

/* As 6.12's amd_iommu_map_pages(): IOMMU_READ/WRITE become IOMMU_PROT_IR/IW */
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

/* As 6.12's amd_iommu_unmap_pages() without NpCache: gather the unmap */
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
					   enum io_pgtable_fmt fmt)
{
	struct amd_io_pgtable_domain *pdom = &amd->pdom;

	spin_lock_init(&pdom->lock);
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
	amd->domain.ops = &amd->domain_ops;
	amd->domain.type = IOMMU_DOMAIN_UNMANAGED;
	amd->domain.pgsize_bitmap = pdom->iop.pgtbl.cfg.pgsize_bitmap;
	return &amd->domain;
}

static void kdiff_amd_free(struct kdiff_amd *amd)
{
	free_io_pgtable_ops(amd->ops);
	amd->ops = NULL;
}

#endif
