// SPDX-License-Identifier: GPL-2.0
/*
 * genpt end-to-end test: the edu device through VFIO and iommufd, shared by
 * vfio_edu and vfio_edu_errors (see vfio_edu_common.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio_edu_common.h"

const char *bdf;
int failed;
int iommufd = -1, devfd = -1;
uint32_t ioas_id, dev_id, hwpt_id;
static volatile uint8_t *bar0;

void result(const char *name, bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("GENPT_E2E: %s %s ", name, pass ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!pass)
		failed++;
}

void expect_fault(const char *name, uint64_t iova)
{
	printf("GENPT_E2E_EXPECT_FAULT: %s write %s 0x%" PRIx64 "\n", name, bdf,
	       iova);
	fflush(stdout);
}

static uint64_t rd64(unsigned int reg)
{
	return *(volatile uint64_t *)(bar0 + reg);
}

static void wr64(unsigned int reg, uint64_t val)
{
	*(volatile uint64_t *)(bar0 + reg) = val;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

int edu_dma(uint64_t iova, size_t len, bool to_ram)
{
	uint64_t start = now_ms();

	if (len > EDU_XFER_MAX)
		return -EINVAL;
	wr64(EDU_REG_DMA_SRC, to_ram ? EDU_BUF_ADDR : iova);
	wr64(EDU_REG_DMA_DST, to_ram ? iova : EDU_BUF_ADDR);
	wr64(EDU_REG_DMA_COUNT, len);
	wr64(EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN | (to_ram ? EDU_DMA_CMD_TO_RAM : 0));
	while (rd64(EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN) {
		if (now_ms() - start > EDU_DMA_TIMEOUT_MS)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

bool copy_ok(uint64_t src_iova, const uint8_t *src, uint64_t dst_iova,
	     uint8_t *dst, size_t len, int *err)
{
	memset(dst, 0, len);
	*err = edu_dma(src_iova, len, false);
	if (!*err)
		*err = edu_dma(dst_iova, len, true);
	return !*err && !memcmp(src, dst, len);
}

void fill_random(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)random();
}

/* The VFIO cdev of @bdf: /dev/vfio/devices/vfioN from sysfs. */
static int open_vfio_cdev(void)
{
	char path[300];
	struct dirent *de;
	DIR *dir;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", de->d_name);
		fd = open(path, O_RDWR);
		break;
	}
	closedir(dir);
	return fd;
}

int ioas_map(void *va, uint64_t len, uint64_t iova, bool writeable)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 (writeable ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return ioctl(iommufd, IOMMU_IOAS_MAP, &map) ? -errno : 0;
}

int ioas_unmap(uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};

	if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap))
		return -errno;
	return unmap.length == len ? 0 : -EIO;
}

uint8_t *alloc_buf(size_t len)
{
	uint8_t *p;
	uintptr_t a;

	p = mmap(NULL, len + SZ_2M, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	madvise((void *)a, len, MADV_HUGEPAGE);
	memset((void *)a, 0, len);
	return (uint8_t *)a;
}

int vfio_setup(const char *name)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct vfio_region_info bar = { .argsz = sizeof(bar),
					.index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					.index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t cmd;
	void *p;

	devfd = open_vfio_cdev();
	if (devfd < 0) {
		result(name, false, "no VFIO cdev for %s: %s", bdf,
		       strerror(errno));
		return -1;
	}
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0) {
		result(name, false, "open /dev/iommu: %s", strerror(errno));
		return -1;
	}
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		result(name, false, "IOMMU_IOAS_ALLOC: %s", strerror(errno));
		return -1;
	}
	ioas_id = alloc.out_ioas_id;
	bind.iommufd = iommufd;
	if (ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		result(name, false, "VFIO_DEVICE_BIND_IOMMUFD: %s",
		       strerror(errno));
		return -1;
	}
	dev_id = bind.out_devid;
	attach.pt_id = ioas_id;
	if (ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		result(name, false, "VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s",
		       strerror(errno));
		return -1;
	}
	/* on return pt_id is the HWPT the IOAS got for the device */
	hwpt_id = attach.pt_id;
	if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &bar) ||
	    !(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < 0x100) {
		result(name, false, "BAR0 region info: %s, flags %#x size %#llx",
		       strerror(errno), bar.flags, (unsigned long long)bar.size);
		return -1;
	}
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, devfd,
		 bar.offset);
	if (p == MAP_FAILED) {
		result(name, false, "mmap BAR0: %s", strerror(errno));
		return -1;
	}
	bar0 = p;
	if (ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &cfg) ||
	    pread(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
		result(name, false, "config space: %s", strerror(errno));
		return -1;
	}
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(devfd, &cmd, 2, cfg.offset + PCI_COMMAND) != 2) {
		result(name, false, "bus master enable: %s", strerror(errno));
		return -1;
	}
	result(name, true, "%s dev_id=%u ioas=%u hwpt=%u edu id %#x", bdf, dev_id,
	       ioas_id, hwpt_id, *(volatile uint32_t *)(bar0 + EDU_REG_ID));
	return 0;
}
