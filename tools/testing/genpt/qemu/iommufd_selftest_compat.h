/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included (gcc -include) before each iommufd selftest of the 6.12 tree
 * (tools/testing/selftests/iommu), so that they build as they are.
 *
 * 6.12.y took later versions of these tests from the stable series without
 * the kernel side they test: the PASID capable mock device and the input
 * type of IOMMU_GET_HW_INFO. They name what 6.12's uapi and iommufd_test.h
 * do not have. Defined here as the kernels that have them define them;
 * 6.12 refuses both (an unknown mock device flag, an unknown hw_info flag),
 * so the tests that use them fail on 6.12 whatever its mock keeps its
 * mappings in, and are listed in iommufd-selftest-6.12-failures.
 */
#ifndef __GENPT_IOMMUFD_SELFTEST_COMPAT_H
#define __GENPT_IOMMUFD_SELFTEST_COMPAT_H

/* struct iommu_hw_info: in_data_type is a union with out_data_type */
#define in_data_type out_data_type
#define IOMMU_HW_INFO_TYPE_DEFAULT 0
#define IOMMU_HW_INFO_FLAG_INPUT_TYPE (1 << 0)

/* iommufd_test.h */
#define MOCK_FLAGS_DEVICE_PASID (1 << 2)
#define MOCK_PASID_WIDTH 20

#endif
