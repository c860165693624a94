// SPDX-License-Identifier: GPL-2.0
/*
 * genpt end-to-end test: DMA through the DMA API with QEMU's edu device.
 *
 * edu (PCI 1234:11e8, QEMU's docs/specs/edu.txt) copies up to 4 KiB between
 * memory and a buffer of its own, at device address 0x40000, one transfer at
 * a time, from a virtual timer. Bound to edu, this driver copies buffers of
 * the DMA API (coherent, and streaming across page and 2 MiB boundaries)
 * through that buffer and back and compares them, checks iommu_iova_to_phys()
 * on the live mappings, and then makes edu write to an IOVA it has just
 * unmapped: the IOMMU must block the write (the guest init looks for the
 * DMAR fault in the kernel log). It also checks two domains of its own,
 * never attached: enforce_cache_coherency() after map_pages(), and
 * iommu_domain_alloc(bus).
 *
 * All of it runs in probe. Each test logs one line,
 *   genpt_edu: result <name> PASS|FAIL <detail>
 * and a write that must fault logs
 *   genpt_edu: expect-fault write <device> 0x<iova>
 * The QEMU device needs dma_mask=0xffffffffffffffff, or it silently clamps
 * DMA addresses to 28 bits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#if IS_ENABLED(CONFIG_IOMMU_PT)
#include <linux/generic_pt/iommu.h>
#endif

/* BAR0 registers; below 0x80 only 32-bit accesses, above also 64-bit */
#define EDU_REG_ID		0x00
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define  EDU_DMA_CMD_RUN	BIT(0)	/* start; reads 1 until done */
#define  EDU_DMA_CMD_TO_RAM	BIT(1)	/* 0: memory to edu, 1: edu to memory */

/* edu's buffer: transfers outside it abort QEMU */
#define EDU_BUF_ADDR		0x40000
#define EDU_BUF_SIZE		SZ_4K

/*
 * A write that must fault, on SMMUv3: QEMU 10.0's SMMU records one event
 * per 4-byte access of a DMA that faults (1024 for 4 KiB), and 6.12's
 * driver logs at most 10 events per 5 s, so a 4 KiB write would leave the
 * next faults, seconds later, unlogged. One access, one event.
 */
#define EDU_FAULT_LEN_SMMU	4

/* A transfer takes 100 ms of QEMU's virtual clock; allow for a slow host. */
#define EDU_DMA_TIMEOUT_US	(10 * USEC_PER_SEC)

/*
 * Whether the IOMMU's paging domains are first stage tables (e2e.sh passes
 * what the case expects: QEMU's intel-iommu with x-flts=on has no second
 * stage). It decides what enforce_cache_coherency() must do once a domain
 * has a mapping.
 */
static bool first_stage;
module_param(first_stage, bool, 0444);
MODULE_PARM_DESC(first_stage, "the IOMMU's paging domains are first stage tables");

/*
 * Whether the IOMMU is AMD's. Its v1 leaves always carry FC, so
 * enforce_cache_coherency() accepts a domain with mappings. QEMU 10.0's
 * amd-iommu blocks a DMA that meets an entry of zero without logging an
 * event (amdvi_page_walk()), so there the write to the unmapped IOVA is
 * checked by content only.
 */
static bool amd;
module_param(amd, bool, 0444);
MODULE_PARM_DESC(amd, "the IOMMU is an AMD IOMMU");

/*
 * Whether the IOMMU is an ARM SMMUv3. Its coherency is in the memory
 * attributes of the whole table, not in the leaves, so a domain with
 * mappings may still enforce it; 6.12's driver has no
 * enforce_cache_coherency op at all. 6.12's domain_alloc_paging() without
 * a device gives a domain it finalises at attach: no table until then.
 */
static bool smmu;
module_param(smmu, bool, 0444);
MODULE_PARM_DESC(smmu, "the IOMMU is an ARM SMMUv3");

/*
 * The streaming buffers: 4 MiB so that, where the page size allows, they get
 * 2 MiB leaves, and a copy can cross a 2 MiB boundary (whatever PAGE_SIZE).
 */
#define EDU_STREAM_SIZE		SZ_4M
#define EDU_STREAM_ORDER	get_order(EDU_STREAM_SIZE)

struct genpt_edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	unsigned int failed;
	/* bytes copied through edu and compared, for the "make run" report */
	size_t verified;
};

static void edu_result(struct genpt_edu *edu, const char *name, bool pass,
		       const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("result %s %s %pV\n", name, pass ? "PASS" : "FAIL", &vaf);
	va_end(args);
	if (!pass)
		edu->failed++;
}

/*
 * Transfers are at most the whole buffer, always at its start. (QEMU 7.2
 * aborted on a transfer that ends at the end of the buffer, its range check
 * being off by one; 10.0's is not, so there is no workaround left.)
 */
#define EDU_XFER_MAX		EDU_BUF_SIZE

/* One transfer between memory at @iova and the start of edu's buffer. */
static int edu_dma(struct genpt_edu *edu, dma_addr_t iova, size_t len,
		   bool to_ram)
{
	u64 cmd = EDU_DMA_CMD_RUN;
	u64 val;

	if (WARN_ON(len > EDU_XFER_MAX))
		return -EINVAL;
	if (to_ram) {
		cmd |= EDU_DMA_CMD_TO_RAM;
		writeq(EDU_BUF_ADDR, edu->regs + EDU_REG_DMA_SRC);
		writeq(iova, edu->regs + EDU_REG_DMA_DST);
	} else {
		writeq(iova, edu->regs + EDU_REG_DMA_SRC);
		writeq(EDU_BUF_ADDR, edu->regs + EDU_REG_DMA_DST);
	}
	writeq(len, edu->regs + EDU_REG_DMA_COUNT);
	writeq(cmd, edu->regs + EDU_REG_DMA_CMD);
	return readq_poll_timeout(edu->regs + EDU_REG_DMA_CMD, val,
				  !(val & EDU_DMA_CMD_RUN), 1000,
				  EDU_DMA_TIMEOUT_US);
}

/* Memory to edu to memory, @len bytes from @src to @dst, in pieces. */
static int edu_copy(struct genpt_edu *edu, dma_addr_t src, dma_addr_t dst,
		    size_t len)
{
	size_t off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = min_t(size_t, len - off, EDU_XFER_MAX);
		ret = edu_dma(edu, src + off, n, false);
		if (ret)
			return ret;
		ret = edu_dma(edu, dst + off, n, true);
		if (ret)
			return ret;
	}
	return 0;
}

static const char *edu_domain_type(struct iommu_domain *domain)
{
	if (!domain)
		return "none";
	switch (domain->type) {
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA_FQ";
	case IOMMU_DOMAIN_IDENTITY:
		return "IDENTITY";
	default:
		return "other";
	}
}

/* The device must be behind a translating domain: the DMA API gives IOVAs. */
static void edu_test_domain(struct genpt_edu *edu, struct iommu_domain *domain)
{
	bool pass = domain && (domain->type & __IOMMU_DOMAIN_PAGING);

	edu_result(edu, "edu-domain", pass, "type=%s pgsize=%#lx",
		   edu_domain_type(domain), domain ? domain->pgsize_bitmap : 0);
}

/* Two coherent buffers: one page, memory to edu to memory. */
static void edu_test_coherent(struct genpt_edu *edu)
{
	struct device *dev = &edu->pdev->dev;
	dma_addr_t src_iova, dst_iova;
	void *src, *dst;
	int ret;

	src = dma_alloc_coherent(dev, PAGE_SIZE, &src_iova, GFP_KERNEL);
	dst = dma_alloc_coherent(dev, PAGE_SIZE, &dst_iova, GFP_KERNEL);
	if (!src || !dst) {
		edu_result(edu, "edu-coherent", false, "dma_alloc_coherent failed");
		goto out;
	}
	get_random_bytes(src, PAGE_SIZE);
	memset(dst, 0, PAGE_SIZE);

	ret = edu_copy(edu, src_iova, dst_iova, PAGE_SIZE);
	if (ret) {
		edu_result(edu, "edu-coherent", false, "DMA timed out (%d)", ret);
	} else if (memcmp(src, dst, PAGE_SIZE)) {
		edu_result(edu, "edu-coherent", false, "4KiB %pad -> edu -> %pad differs",
			   &src_iova, &dst_iova);
	} else {
		edu->verified += PAGE_SIZE;
		edu_result(edu, "edu-coherent", true, "4KiB %pad -> edu -> %pad",
			   &src_iova, &dst_iova);
	}
out:
	if (dst)
		dma_free_coherent(dev, PAGE_SIZE, dst, dst_iova);
	if (src)
		dma_free_coherent(dev, PAGE_SIZE, src, src_iova);
}

/*
 * The offsets of the streaming copies: the first page, a copy across a page
 * boundary, one across the 2 MiB boundary, the last page.
 */
static const size_t edu_stream_offsets[] = {
	0,
	SZ_4K + 100,
	SZ_2M - SZ_2K,
	EDU_STREAM_SIZE - SZ_4K,
};

static bool edu_check_iova_to_phys(struct iommu_domain *domain,
				   dma_addr_t iova, struct page *page,
				   size_t offset)
{
	return iommu_iova_to_phys(domain, iova + offset) ==
	       page_to_phys(page) + offset;
}

/*
 * Two 4 MiB buffers mapped with dma_map_single(): copies from one to the
 * other at the same offsets through edu. Every copied range must match, and
 * every other byte of the destination must still be zero. Also checks
 * iommu_iova_to_phys() at each offset of both mappings.
 */
static void edu_test_streaming(struct genpt_edu *edu,
			       struct iommu_domain *domain)
{
	struct device *dev = &edu->pdev->dev;
	struct page *src_page, *dst_page;
	dma_addr_t src_iova, dst_iova;
	unsigned int i, bad_phys = 0;
	size_t off, end, bad = 0;
	u8 *src, *dst;
	int ret = 0;

	src_page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, EDU_STREAM_ORDER);
	dst_page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO,
			       EDU_STREAM_ORDER);
	if (!src_page || !dst_page) {
		edu_result(edu, "edu-streaming", false,
			   "cannot allocate 2 x %lu bytes", EDU_STREAM_SIZE);
		goto out_free;
	}
	src = page_address(src_page);
	dst = page_address(dst_page);
	get_random_bytes(src, EDU_STREAM_SIZE);

	src_iova = dma_map_single(dev, src, EDU_STREAM_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, src_iova)) {
		edu_result(edu, "edu-streaming", false, "dma_map_single failed");
		goto out_free;
	}
	dst_iova = dma_map_single(dev, dst, EDU_STREAM_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, dst_iova)) {
		edu_result(edu, "edu-streaming", false, "dma_map_single failed");
		goto out_unmap_src;
	}

	for (i = 0; i < ARRAY_SIZE(edu_stream_offsets); i++) {
		off = edu_stream_offsets[i];
		if (!edu_check_iova_to_phys(domain, src_iova, src_page, off) ||
		    !edu_check_iova_to_phys(domain, dst_iova, dst_page, off))
			bad_phys++;
		ret = edu_copy(edu, src_iova + off, dst_iova + off, SZ_4K);
		if (ret)
			break;
	}
	edu_result(edu, "edu-iova-to-phys", !bad_phys,
		   "%u of %zu offsets wrong", bad_phys,
		   2 * ARRAY_SIZE(edu_stream_offsets));

	dma_unmap_single(dev, dst_iova, EDU_STREAM_SIZE, DMA_FROM_DEVICE);
	if (ret) {
		edu_result(edu, "edu-streaming", false, "DMA timed out (%d)", ret);
		goto out_unmap_src;
	}

	/* Walk the destination: the copied ranges, then zeroes up to the next. */
	off = 0;
	for (i = 0; i <= ARRAY_SIZE(edu_stream_offsets); i++) {
		end = i < ARRAY_SIZE(edu_stream_offsets) ?
		      edu_stream_offsets[i] : EDU_STREAM_SIZE;
		if (memchr_inv(dst + off, 0, end - off))
			bad++;
		if (end == EDU_STREAM_SIZE)
			break;
		if (memcmp(dst + end, src + end, SZ_4K))
			bad++;
		off = end + SZ_4K;
	}
	if (!bad)
		edu->verified += ARRAY_SIZE(edu_stream_offsets) * SZ_4K;
	edu_result(edu, "edu-streaming", !bad,
		   "4MiB %pad -> edu -> %pad, %zu copies, %zu bad ranges",
		   &src_iova, &dst_iova, ARRAY_SIZE(edu_stream_offsets), bad);

out_unmap_src:
	dma_unmap_single(dev, src_iova, EDU_STREAM_SIZE, DMA_TO_DEVICE);
out_free:
	if (dst_page)
		__free_pages(dst_page, EDU_STREAM_ORDER);
	if (src_page)
		__free_pages(src_page, EDU_STREAM_ORDER);
}

/*
 * Map a zeroed page, unmap it, then make edu write to its IOVA. The IOMMU
 * must block the write: the page stays zero, the IOVA no longer translates,
 * and the DMAR fault is in the log (the guest init checks that). In lazy
 * mode the IOTLB invalidation is deferred to the flush queue, so flush it
 * here: a stale IOTLB entry would let the write through.
 */
static void edu_test_fault(struct genpt_edu *edu, struct iommu_domain *domain)
{
	struct device *dev = &edu->pdev->dev;
	dma_addr_t iova, src_iova;
	phys_addr_t phys;
	void *src, *page;
	int ret;

	src = dma_alloc_coherent(dev, PAGE_SIZE, &src_iova, GFP_KERNEL);
	page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!src || !page) {
		edu_result(edu, "edu-fault", false, "allocation failed");
		goto out;
	}
	/* Something non-zero in edu's buffer to write. */
	memset(src, 0xa5, PAGE_SIZE);
	ret = edu_dma(edu, src_iova, EDU_XFER_MAX, false);
	if (ret) {
		edu_result(edu, "edu-fault", false, "DMA timed out (%d)", ret);
		goto out;
	}

	iova = dma_map_single(dev, page, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, iova)) {
		edu_result(edu, "edu-fault", false, "dma_map_single failed");
		goto out;
	}
	dma_unmap_single(dev, iova, PAGE_SIZE, DMA_FROM_DEVICE);
	if (domain->type == IOMMU_DOMAIN_DMA_FQ)
		iommu_flush_iotlb_all(domain);
	phys = iommu_iova_to_phys(domain, iova);

	if (!amd)
		pr_info("expect-fault write %s %pad\n", pci_name(edu->pdev), &iova);
	ret = edu_dma(edu, iova, smmu ? EDU_FAULT_LEN_SMMU : EDU_XFER_MAX, true);
	if (ret) {
		edu_result(edu, "edu-fault", false, "DMA timed out (%d)", ret);
		goto out;
	}
	edu_result(edu, "edu-fault", !phys && !memchr_inv(page, 0, PAGE_SIZE),
		   "write to unmapped %pad %s, iova_to_phys %pa",
		   &iova, memchr_inv(page, 0, PAGE_SIZE) ? "landed" : "blocked",
		   &phys);
out:
	if (page)
		free_page((unsigned long)page);
	if (src)
		dma_free_coherent(dev, PAGE_SIZE, src, src_iova);
}

/*
 * iommu_domain_alloc(bus) reaches the driver's domain_alloc_paging() with
 * no device (remoteproc still calls it). The driver must not dereference
 * it: it returns NULL, or a domain that maps, translates and unmaps a page
 * (the 6.12 driver's domain_alloc() gives one that attach sizes later), or
 * on SMMUv3 a domain without a table yet, which 6.12's
 * arm_smmu_domain_alloc_paging() finalises at the first attach: its
 * map_pages() returns -ENODEV until then.
 */
static void edu_test_domain_alloc_bus(struct genpt_edu *edu)
{
	struct iommu_domain *domain;
	const unsigned long iova = SZ_1M;
	phys_addr_t phys, got = 0;
	size_t unmapped = 0;
	struct page *page;
	int ret;

	domain = iommu_domain_alloc(&pci_bus_type);
	if (!domain) {
		edu_result(edu, "edu-domain-alloc-bus", true,
			   "iommu_domain_alloc(&pci_bus_type) returned NULL");
		return;
	}
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		edu_result(edu, "edu-domain-alloc-bus", false, "alloc_page failed");
		goto out;
	}
	phys = page_to_phys(page);
	ret = iommu_map(domain, iova, phys, SZ_4K, IOMMU_READ | IOMMU_WRITE,
			GFP_KERNEL);
	if (!ret) {
		got = iommu_iova_to_phys(domain, iova);
		unmapped = iommu_unmap(domain, iova, SZ_4K);
	}
	edu_result(edu, "edu-domain-alloc-bus",
		   (!ret && got == phys && unmapped == SZ_4K) ||
		   (smmu && ret == -ENODEV),
		   "a domain%s: map %d, iova_to_phys %pa (want %pa), unmapped %zu",
		   smmu && ret == -ENODEV ? " without a table until attach (SMMUv3)" : "",
		   ret, &got, &phys, unmapped);
	__free_page(page);
out:
	iommu_domain_free(domain);
}

/*
 * enforce_cache_coherency() cannot add SNP to the leaves a second stage
 * domain already has, so once map_pages() has written one it must refuse,
 * whether or not iotlb_sync_map() followed (iommu_map() calls it, other
 * users of the ops need not). A first stage domain has no snoop bit in its
 * leaves: PGSNP in the PASID entry of every device attached makes all of
 * them snoop, those mapped before too, so there it must accept (as 6.12
 * does). So must an AMD v1 domain, which has FC in every leaf, and an
 * SMMUv3 domain, whose coherency is the table's memory attributes (6.12's
 * SMMUv3 has no such op: then IOMMU_CAP_ENFORCE_CACHE_COHERENCY must be
 * false). An empty domain, attached to no IOMMU that lacks snoop control,
 * must accept (the control). Both domains stay unattached.
 */
static void edu_test_coherency_after_map(struct genpt_edu *edu)
{
	struct device *dev = &edu->pdev->dev;
	struct iommu_domain *empty, *mapped_domain;
	const unsigned long iova = SZ_1M;
	bool empty_ok = false, mapped_ok = true;
	size_t mapped = 0;
	struct page *page;
	int ret = -ENOMEM;

	page = alloc_page(GFP_KERNEL);
	empty = iommu_paging_domain_alloc(dev);
	mapped_domain = iommu_paging_domain_alloc(dev);
	if (!page || IS_ERR(empty) || IS_ERR(mapped_domain)) {
		edu_result(edu, "edu-coherency-after-map", false,
			   "allocation failed (%ld, %ld)", PTR_ERR_OR_ZERO(empty),
			   PTR_ERR_OR_ZERO(mapped_domain));
		goto out;
	}
	if (!empty->ops->enforce_cache_coherency ||
	    !mapped_domain->ops->enforce_cache_coherency) {
		bool cap = device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);

		/* 6.12's SMMUv3: none, and iommufd is told it cannot */
		edu_result(edu, "edu-coherency-after-map", smmu && !cap,
			   "no enforce_cache_coherency op (IOMMU_CAP_ENFORCE_CACHE_COHERENCY %d)",
			   cap);
		goto out;
	}
	empty_ok = empty->ops->enforce_cache_coherency(empty);

	ret = mapped_domain->ops->map_pages(mapped_domain, iova,
					    page_to_phys(page), SZ_4K, 1,
					    IOMMU_READ | IOMMU_WRITE, GFP_KERNEL,
					    &mapped);
	if (!ret)
		mapped_ok = mapped_domain->ops->enforce_cache_coherency(mapped_domain);
	edu_result(edu, "edu-coherency-after-map",
		   empty_ok && !ret && mapped == SZ_4K &&
		   mapped_ok == (first_stage || amd || smmu),
		   "%s: empty domain %s, map_pages %d (%zu bytes), then %s (snoop control %d)",
		   amd ? "AMD" : smmu ? "SMMUv3" :
		   first_stage ? "first stage" : "second stage",
		   empty_ok ? "accepted" : "refused", ret, mapped,
		   mapped_ok ? "accepted" : "refused",
		   device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY));
	if (!ret)
		iommu_unmap(mapped_domain, iova, SZ_4K);
out:
	if (!IS_ERR_OR_NULL(mapped_domain))
		iommu_domain_free(mapped_domain);
	if (!IS_ERR_OR_NULL(empty))
		iommu_domain_free(empty);
	if (page)
		__free_page(page);
}

static int genpt_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct iommu_domain *domain;
	struct genpt_edu *edu;
	int ret;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	pci_set_drvdata(pdev, edu);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	edu->regs = pcim_iomap_region(pdev, 0, KBUILD_MODNAME);
	if (IS_ERR(edu->regs))
		return PTR_ERR(edu->regs);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	pci_set_master(pdev);

	pr_info("%s: edu id %#x\n", pci_name(pdev),
		readl(edu->regs + EDU_REG_ID));
	domain = iommu_get_domain_for_dev(&pdev->dev);
	edu_test_domain(edu, domain);
	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING))
		goto done;
	edu_test_coherent(edu);
	edu_test_streaming(edu, domain);
	edu_test_fault(edu, domain);
	edu_test_coherency_after_map(edu);
	edu_test_domain_alloc_bus(edu);
done:
	pr_info("done %s: %u failed, %zu bytes verified\n", pci_name(pdev),
		edu->failed, edu->verified);
	return 0;
}

static const struct pci_device_id genpt_edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, genpt_edu_ids);

static struct pci_driver genpt_edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = genpt_edu_ids,
	.probe = genpt_edu_probe,
};

#define EDU_VFIO_DEVFN		PCI_DEVFN(6, 0)

#if IS_ENABLED(CONFIG_IOMMU_PT)
/*
 * Whether @domain keeps its mappings in a generic page table: its
 * iova_to_phys is a format's. A driver part way through its conversion
 * (a bisect of the series) may still have paging domains of its own.
 */
static bool edu_domain_is_genpt(struct iommu_domain *domain)
{
	phys_addr_t (*fn)(struct iommu_domain *domain, dma_addr_t iova);

	if (!domain->ops)
		return false;
	fn = domain->ops->iova_to_phys;
#if IS_ENABLED(CONFIG_IOMMU_PT_AMDV1)
	if (fn == pt_iommu_amdv1_iova_to_phys)
		return true;
#endif
#if IS_ENABLED(CONFIG_IOMMU_PT_X86_64)
	if (fn == pt_iommu_x86_64_iova_to_phys)
		return true;
#endif
#if IS_ENABLED(CONFIG_IOMMU_PT_VTDSS)
	if (fn == pt_iommu_vtdss_iova_to_phys)
		return true;
#endif
#if IS_ENABLED(CONFIG_IOMMU_PT_ARMV8)
	if (fn == pt_iommu_armv8_iova_to_phys)
		return true;
#endif
	return false;
}

/*
 * Show @show(m, domain) of the paging domain the VFIO edu is attached to:
 * -ENODEV without the device, -ENOENT unless it is in a paging domain,
 * -EOPNOTSUPP if that domain's table is not a generic page table.
 */
static int edu_vfio_domain_show(struct seq_file *m,
				void (*show)(struct seq_file *m,
					     struct iommu_domain *domain))
{
	struct iommu_domain *domain;
	struct pci_dev *pdev;
	int ret = 0;

	pdev = pci_get_domain_bus_and_slot(0, 0, EDU_VFIO_DEVFN);
	if (!pdev)
		return -ENODEV;
	domain = iommu_get_domain_for_dev(&pdev->dev);
	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING))
		ret = -ENOENT;
	else if (!edu_domain_is_genpt(domain))
		ret = -EOPNOTSUPP;
	else
		show(m, domain);
	pci_dev_put(pdev);
	return ret;
}

/*
 * genpt kernel: debugfs genpt_edu_leaves shows how the table of the VFIO
 * edu's domain maps what it maps, from the table's count_leaves(): a line
 * "pgsize 0x<domain pgsize_bitmap>", then "<log2 size> <count>" for every
 * leaf size the table holds. vfio_edu reads it around a mapping large and
 * aligned enough for blocks and contiguous runs. Every paging domain of a
 * driver on genpt is a struct pt_iommu (PT_IOMMU_CHECK_DOMAIN()).
 */
static void edu_leaves_domain(struct seq_file *m, struct iommu_domain *domain)
{
	struct pt_iommu *iommu_table =
		container_of(domain, struct pt_iommu, domain);
	u64 counts[PT_IOMMU_LEAF_SIZES] = {};
	unsigned int i;

	iommu_table->ops->count_leaves(iommu_table, counts);
	seq_printf(m, "pgsize 0x%lx\n", domain->pgsize_bitmap);
	for (i = 0; i != PT_IOMMU_LEAF_SIZES; i++)
		if (counts[i])
			seq_printf(m, "%u %llu\n", i, counts[i]);
}

static int edu_leaves_show(struct seq_file *m, void *unused)
{
	return edu_vfio_domain_show(m, edu_leaves_domain);
}
DEFINE_SHOW_ATTRIBUTE(edu_leaves);

static struct dentry *edu_leaves_file;
#endif

#if IS_ENABLED(CONFIG_IOMMU_PT_AMDV1)
/*
 * AMD, genpt kernel: debugfs genpt_edu_amd_mode shows the DTE Mode (the
 * number of levels) the v1 table of the VFIO edu's domain is programmed
 * with, from pt_iommu_amdv1_hw_info(): vfio_edu reads it before and after
 * the mapping that grows the table (6.12's debugfs shows no tables). The
 * domain is the driver's struct protection_domain, whose struct
 * iommu_domain is the pt_iommu_amdv1's (PT_IOMMU_CHECK_DOMAIN()).
 */

static void edu_amd_mode_domain(struct seq_file *m,
				struct iommu_domain *domain)
{
	struct pt_iommu_amdv1_hw_info info;

	pt_iommu_amdv1_hw_info(container_of(domain, struct pt_iommu_amdv1,
					    iommu.domain), &info);
	seq_printf(m, "%u\n", info.mode);
}

static int edu_amd_mode_show(struct seq_file *m, void *unused)
{
	return edu_vfio_domain_show(m, edu_amd_mode_domain);
}
DEFINE_SHOW_ATTRIBUTE(edu_amd_mode);

static struct dentry *edu_amd_mode_file;
#endif

static int __init genpt_edu_init(void)
{
#if IS_ENABLED(CONFIG_IOMMU_PT)
	edu_leaves_file = debugfs_create_file("genpt_edu_leaves", 0400, NULL,
					      NULL, &edu_leaves_fops);
#endif
#if IS_ENABLED(CONFIG_IOMMU_PT_AMDV1)
	if (amd)
		edu_amd_mode_file = debugfs_create_file("genpt_edu_amd_mode", 0400,
							NULL, NULL,
							&edu_amd_mode_fops);
#endif
	return pci_register_driver(&genpt_edu_driver);
}
module_init(genpt_edu_init);

static void __exit genpt_edu_exit(void)
{
	pci_unregister_driver(&genpt_edu_driver);
#if IS_ENABLED(CONFIG_IOMMU_PT)
	debugfs_remove(edu_leaves_file);
#endif
#if IS_ENABLED(CONFIG_IOMMU_PT_AMDV1)
	debugfs_remove(edu_amd_mode_file);
#endif
}
module_exit(genpt_edu_exit);

MODULE_DESCRIPTION("genpt end-to-end test: DMA API through QEMU's edu device");
MODULE_LICENSE("GPL");
#if IS_ENABLED(CONFIG_IOMMU_PT)
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);
#endif
