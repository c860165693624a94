# SPDX-License-Identifier: GPL-2.0
#
# genpt project driver. The logic lives in tools/testing/genpt/; see
# README.md. Everything is built under build/ (git-ignored).
#
#   make [run] [IOMMU=intel|amd|smmuv3] [MODE=scalable|legacy] [STRICT=1|0]
#        [SIZE=<MiB>] [AW=48|39] [SNOOP=0|1] [STAGE=second|first]
#        [BENCH=<s>] [SMMU_STAGE=1|2]  build the e2e kernels, boot once on
#                                   QEMU's intel-iommu (default: scalable,
#                                   48-bit, strict, second stage;
#                                   STAGE=first: x-flts=on), once on its
#                                   amd-iommu and the arm64 kernel once
#                                   on virt's arm-smmuv3 (SMMU_STAGE,
#                                   default 1; IOMMU= picks one), DMA
#                                   through NVMe, virtio-blk, edu (DMA API
#                                   and VFIO), dma_map_benchmark; print a
#                                   report per IOMMU and a summary
#   make run-kunit                  build + run the x86_64 KUnit suites, report
#   make test                       all configurations + e2e matrix + checks
#   make check                      static checks only
#   make docs                       Documentation/driver-api/generic_pt.rst
#                                   built with Sphinx on its own (in
#                                   build/docs/html); fails on any warning
#   make kunit ARCH=<cfg> [SUITE=<glob>]   one configuration:
#                                   x86_64 | i386 | i386-pae | arm64
#                                   (production) | x86_64-debug (debug
#                                   checks, sanitizers, kmemleak scan)
#   make bench-formats [ARCH=um|x86_64]    map/unmap timings, genpt against
#                                   the 6.12 io-pgtable (not a test); by
#                                   default both: armv8 under UML, amdv1
#                                   and x86_64 under QEMU
#   make e2e [QUICK=1] [CASES="<case> ..."] [BASELINE=1]   VT-d, AMD and
#                                   (arm64) SMMUv3 end to end under QEMU:
#                                   boot matrix with NVMe, virtio-blk and
#                                   edu DMA (also part of make test);
#                                   BASELINE=1: on 6.12 as is
#   make bench-dma                  dma_map_benchmark, genpt VT-d against
#                                   the 6.12 driver in the same run (not a
#                                   test)
#   make series                     build/series/: cover letter + the whole
#                                   product as a git am series against the
#                                   pristine 6.12 tree (author/sign-off:
#                                   GENPT_SIGNOFF or git's user.name/email)
#   make series-bisect              the x86_64 and arm64 e2e kernels built at
#                                   every driver patch of the series (about
#                                   an hour; not part of make test)
#   make tree                       assemble build/src only
#   make save-patch NAME=<slug> [SUBJECT=.. [BODY=..] | MSG=<file>]
#   make refresh-patches            patches/ from build/src's git history
#   make clean | distclean
#
# V=1 shows kunit.py's output while it runs.

.DEFAULT_GOAL := run
.NOTPARALLEL:
.PHONY: run run-kunit test check docs kunit bench-formats bench-dma e2e series series-bisect tree save-patch refresh-patches clean distclean help

T := tools/testing/genpt

# The scripts run make on the kernel themselves: keep this make's
# command-line variables (ARCH, V, ...) and job server out of it.
RUN := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES
VERBOSE := $(if $(filter 1,$(V)),-v)

run:
	@$(RUN) $(T)/run.sh

run-kunit:
	@$(RUN) $(T)/kunit-run.sh $(VERBOSE)

test:
	@$(RUN) $(T)/test.sh $(VERBOSE)

check:
	@$(RUN) $(T)/test.sh --checks-only

docs:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@$(RUN) $(T)/docs.sh

# Command-line variables reach the recipes' environment: use them from
# there ($$ARCH), so that no value needs make-level quoting.
kunit:
	@test -n "$$ARCH" || { echo "usage: make kunit ARCH=<x86_64|i386|i386-pae|arm64|x86_64-debug> [SUITE=<glob>]" >&2; exit 2; }
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@$(RUN) $(T)/kunit.sh "$$ARCH" "$${SUITE:-}"

bench-formats:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@for a in $${ARCH:-um x86_64}; do $(RUN) $(T)/bench.sh "$$a" || exit 1; done
	@logs=""; for a in $${ARCH:-um x86_64}; do logs="$$logs $$a=build/bench-$$a/test.log"; done; \
	python3 $(T)/bench.py targets $$logs >build/results/bench-targets.txt; rc=$$?; \
	echo; cat build/results/bench-targets.txt; exit $$rc

e2e:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@$(RUN) $(T)/e2e.sh $(if $(filter 1,$(QUICK)),--quick) $(if $(filter 1,$(BASELINE)),--baseline) $${CASES:-}

bench-dma:
	@$(RUN) $(T)/bench-dma.sh

series:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@$(RUN) $(T)/series.sh

series-bisect:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh
	@$(RUN) $(T)/series-bisect.sh

tree:
	@$(RUN) $(T)/deps.sh
	@$(RUN) $(T)/assemble.sh

save-patch:
	@$(RUN) $(T)/save-patch.sh "$${NAME:-}"

refresh-patches:
	@$(RUN) $(T)/refresh-patches.sh

# Keeps the pristine unpack (and build/ccache, if GENPT's CCACHE_DIR was
# pointed there; by default the cache is outside the checkout).
clean:
	@if [ -d build ]; then \
		find build -mindepth 1 -maxdepth 1 ! -name pristine ! -name ccache \
			-exec rm -rf {} +; \
	fi

distclean:
	rm -rf build

help:
	@sed -n '3,52p' Makefile | sed 's/^# \{0,1\}//'
