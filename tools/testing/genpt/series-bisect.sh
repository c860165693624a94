#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the e2e kernels at every patch of the driver conversions of the
# series ("make series-bisect"), so that a bisect through the series never
# lands on a tree that does not build. Not part of make test (about an
# hour on two cores).
#
#   series-bisect.sh
#
# series.sh --check applies the series in build/series-git. Every commit
# there that changes a driver (drivers/iommu/intel, amd, arm or iommufd),
# and the commit before the first of them (the subtree and the hooks
# alone), is checked out in turn into build/bisect/src, and two kernels
# are built from it out of tree, incrementally from one commit to the next:
# the x86_64 e2e kernel (build/bisect/x86_64, e2e.sh's std fragment: VT-d,
# AMD IOMMU, the iommufd selftest mock) and the arm64 one
# (build/bisect/arm64, e2e.sh's arm64 fragment: SMMUv3). The tree and
# the build directories sit side by side as build/src and the e2e build
# directories do, so that the compiler sees the same relative paths and
# ccache hits on what the e2e kernels compiled. allnoconfig with
# the final tree's fragment; the drivers must be in each .config. A
# compiler warning fails the commit as an error does.
#
# Output: one line per commit and kernel, and the summary line
# "N passed, N failed"; the logs in build/logs/bisect-*.log, the table in
# build/results/series-bisect.txt.

. "$(dirname "$0")/lib.sh"

WORK=$GENPT_BUILD/series-git
BISECT=$GENPT_BUILD/bisect
SRC=$BISECT/src
OUT=$GENPT_RESULTS/series-bisect.txt
mkdir -p "$GENPT_LOGS" "$GENPT_RESULTS"

genpt_msg "series-bisect: applying the series (series.sh --check)"
"$GENPT_TOOLS/series.sh" --check || genpt_die "series.sh --check failed"

# The fragments of the final tree, as e2e.sh writes them.
"$GENPT_TOOLS/e2e.sh" --config-only std >/dev/null 2>&1 ||
	genpt_die "e2e.sh --config-only std failed"
"$GENPT_TOOLS/e2e.sh" --config-only arm64 >/dev/null 2>&1 ||
	genpt_die "e2e.sh --config-only arm64 failed"
mkdir -p "$BISECT/x86_64" "$BISECT/arm64"
cp "$GENPT_BUILD/qemu-x86_64/e2e.config" "$BISECT/x86_64/fragment.config"
cp "$GENPT_BUILD/qemu-arm64/e2e.config" "$BISECT/arm64/fragment.config"

base=$(git -C "$WORK" rev-parse genpt-series-base) || genpt_die "no series in ${WORK#"$GENPT_ROOT"/}"
mapfile -t all < <(git -C "$WORK" rev-list --reverse "$base..HEAD")
commits=()
for c in "${all[@]}"; do
	if git -C "$WORK" diff-tree --no-commit-id --name-only -r "$c" |
	   grep -q -E '^drivers/iommu/(intel|amd|arm|iommufd)/'; then
		[ ${#commits[@]} = 0 ] && commits+=("$(git -C "$WORK" rev-parse "$c^")")
		commits+=("$c")
	fi
done
[ ${#commits[@]} -gt 1 ] || genpt_die "no driver patch in the series"

if [ ! -d "$SRC/.git" ]; then
	git clone -q --shared --no-checkout "$WORK" "$SRC" || genpt_die "git clone failed"
fi
git -C "$SRC" fetch -q "$WORK" HEAD || genpt_die "git fetch failed"

# build KERNEL: kernel of the current checkout; prints PASS or FAIL <why>.
build() {
	local k=$1 bdir=$BISECT/$1 log=$2 image=bzImage vars=() need opt

	if [ "$k" = arm64 ]; then
		mapfile -t vars < <(genpt_make_vars arm64)
		image=Image
		need="CONFIG_ARM_SMMU_V3=y"
	else
		mapfile -t vars < <(genpt_make_vars x86_64)
		need="CONFIG_INTEL_IOMMU=y CONFIG_AMD_IOMMU=y CONFIG_IOMMUFD_TEST=y"
	fi
	make -C "$SRC" O="$bdir" "${vars[@]}" KCONFIG_ALLCONFIG="$bdir/fragment.config" \
		allnoconfig >"$log" 2>&1 || { echo "FAIL allnoconfig"; return; }
	for opt in $need; do
		grep -qx "$opt" "$bdir/.config" || { echo "FAIL $opt not in .config"; return; }
	done
	make -C "$SRC" O="$bdir" "${vars[@]}" -j"$GENPT_JOBS" "$image" modules \
		>>"$log" 2>&1 || { echo "FAIL build error: $(grep -m 1 -E 'error:|Error [0-9]+' "$log")"; return; }
	if grep -q -E '^[^ ]*:[0-9]+:[0-9]+: warning:' "$log"; then
		echo "FAIL warning: $(grep -m 1 -E '^[^ ]*:[0-9]+:[0-9]+: warning:' "$log")"
		return
	fi
	echo PASS
}

t_all=$(genpt_now)
passed=0
failed=0
{
	echo "# series-bisect $(date -u '+%F %T UTC'), ${#commits[@]} commits of ${WORK#"$GENPT_ROOT"/}"
} >"$OUT"
for c in "${commits[@]}"; do
	git -C "$SRC" checkout -q -f --detach "$c" || genpt_die "checkout of $c failed"
	subject=$(git -C "$SRC" log -1 --format=%s "$c")
	n=$(git -C "$WORK" rev-list --count "$base..$c")
	for k in x86_64 arm64; do
		t0=$(genpt_now)
		log=$GENPT_LOGS/bisect-$(printf '%02d' "$n")-$k.log
		r=$(build "$k" "$log")
		line=$(printf '%02d %-6s %-4s %6ss  %s%s' "$n" "$k" "${r%% *}" "$(genpt_elapsed "$t0")" \
			"$subject" "$([ "$r" = PASS ] || echo " -- ${r#FAIL }; log ${log#"$GENPT_ROOT"/}")")
		echo "$line" | tee -a "$OUT"
		if [ "$r" = PASS ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
done
genpt_msg "series-bisect: ${#commits[@]} commits, two kernels each, in $(genpt_elapsed "$t_all")s; table in ${OUT#"$GENPT_ROOT"/}"
echo "$passed passed, $failed failed" | tee -a "$OUT"
[ "$failed" = 0 ]
