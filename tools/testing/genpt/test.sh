#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make test": deps -> assemble -> KUnit on every configuration (the
# production builds x86_64, i386, i386-pae, arm64, then x86_64-debug with
# the sanitizers and a kmemleak scan) -> the end-to-end matrix (e2e.sh:
# Intel VT-d and AMD on x86_64, ARM SMMUv3 on arm64, under QEMU) -> static
# checks, with the wall-clock time of each
# stage and a summary. The last line is "N passed, N failed[, N skipped]",
# summed over every KUnit result of every configuration, the kmemleak and
# sanitizer results of the debug one, every result of every e2e boot, plus
# one per static check; the exit status is non-zero iff anything failed.
#
#   test.sh [-v] [--checks-only]
#     -v             show kunit.py's output while it runs
#     --checks-only  deps, assemble and the static checks ("make check")
#
# GENPT_ARCHS (space separated) restricts the configurations,
# GENPT_E2E_CASES (space separated) the e2e boots (default: all).
#
# From the first KUnit stage on, prebuild.sh builds the kernels of the
# later stages in the background at nice 19, so that the cores a TCG
# boot leaves idle compile the next kernel; each stage waits for the one
# it needs (genpt_prebuild_claim). A stage's time therefore includes only
# what was not built ahead; the summary says what was. GENPT_PREBUILD=0
# turns it off.

. "$(dirname "$0")/lib.sh"

verbose=0
checks_only=0
for a in "$@"; do
	case $a in
	-v) verbose=1 ;;
	--checks-only) checks_only=1 ;;
	*) genpt_die "usage: test.sh [-v] [--checks-only]" ;;
	esac
done

t_all=$(genpt_now)
stages=()

# stage NAME CMD...: run, time and remember one stage.
stage() {
	local name=$1 t0 rc secs

	shift
	printf '\n=== %s\n' "$name"
	t0=$(genpt_now)
	# One stream, so that a CI log keeps errors next to what caused them.
	"$@" 2>&1
	rc=$?
	secs=$(genpt_elapsed "$t0")
	printf '=== %s: %ss%s\n' "$name" "$secs" "$([ $rc = 0 ] || echo " (failed)")"
	stages+=("$(printf '%-38s %8ss%s' "$name" "$secs" "$([ $rc = 0 ] || echo '  failed')")")
	return $rc
}

# A stage without which nothing else can run failed: record it as one
# failure so that the summary and the exit status say so.
fatal_stage() {
	local name=$1 log=$2

	mkdir -p "$GENPT_RESULTS"
	printf 'stage\t%s\t0\t1\t0\t-\tFAIL\t%s\t%s\n' "$name" "$log" \
		"stage failed, nothing else ran" >"$GENPT_RESULTS/stage-$name.res"
}

# The e2e matrix as one result line, build/results/e2e.res, with the
# counts of e2e.sh's final "N passed, N failed, N skipped" line. If e2e.sh stops
# before it (a build failure), that is one failure.
# shellcheck disable=SC2317 # called through stage
run_e2e() {
	local log=$GENPT_LOGS/e2e.log t0 rc last p=0 f=1 s=0 status=FAIL note cases=()

	t0=$(genpt_now)
	read -r -a cases <<<"${GENPT_E2E_CASES:-}"
	if [ "$verbose" = 1 ]; then
		"$GENPT_TOOLS/e2e.sh" "${cases[@]}" 2>&1 | tee "$log"
	else
		"$GENPT_TOOLS/e2e.sh" "${cases[@]}" >"$log" 2>&1
	fi
	rc=${PIPESTATUS[0]}
	# progress and failures on the terminal, everything in the log
	grep -E '^genpt: |  FAIL ' "$log"
	last=$(tail -n 1 "$log")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		s=${BASH_REMATCH[3]}
		note="$p results of $(grep -c '^== ' "$log") boots"
		if [ "$f" != 0 ]; then
			note="failed: $(grep -h ' FAIL' "$GENPT_BUILD"/e2e/*/results.txt 2>/dev/null |
				cut -d' ' -f1 | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')"
		fi
		[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1 && note="exit status $rc"
	else
		note="e2e.sh stopped before its summary: $(grep -m 1 'error:' "$log" || echo "exit status $rc")"
	fi
	[ "$rc" = 0 ] && [ "$f" = 0 ] && status=PASS
	printf 'e2e\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n' intel-vtd-qemu "$p" "$f" "$s" \
		"$(genpt_elapsed "$t0")" "$status" "${log#"$GENPT_ROOT"/}" "$note" \
		>"$GENPT_RESULTS/e2e.res"
	[ "$status" = PASS ]
}

# The kernel each configuration builds, as prebuild.sh names it.
prebuild_name() {
	case $1 in
	x86_64) echo std ;;
	x86_64-debug) echo san ;;
	*) echo "$1" ;;
	esac
}

# Start prebuild.sh on every kernel of the run but the first, which the
# first stage builds at once: the KUnit configurations' in stage order,
# then those only e2e boots (the arm64 64K one).
prebuild_pid=""
start_prebuild() {
	local want=() k cases=()

	[ "${GENPT_PREBUILD:-}" = 0 ] && { unset GENPT_PREBUILD; return 0; }
	for k in $GENPT_ARCHS; do
		want+=("$(prebuild_name "$k")")
	done
	if [ $checks_only = 0 ]; then
		read -r -a cases <<<"${GENPT_E2E_CASES:-}"
		for k in $("$GENPT_TOOLS/e2e.sh" --kernels "${cases[@]}" </dev/null); do
			[[ " ${want[*]} " == *" $k "* ]] || want+=("$k")
		done
	fi
	[ ${#want[@]} -gt 1 ] || return 0
	export GENPT_PREBUILD=$GENPT_BUILD/prebuild
	rm -rf "$GENPT_PREBUILD"
	mkdir -p "$GENPT_PREBUILD"
	# Same session as this script, so that nice orders it below the
	# stages (an own session would be an own autogroup, with an equal
	# share of the CPUs).
	nice -n 19 ionice -c 3 "$GENPT_TOOLS/prebuild.sh" "${want[@]:1}" \
		</dev/null >"$GENPT_LOGS/prebuild.log" 2>&1 &
	prebuild_pid=$!
	printf '\n=== prebuild (background, log %s): %s\n' \
		"${GENPT_LOGS#"$GENPT_ROOT"/}/prebuild.log" "${want[*]:1}"
}

# kill_tree PID: PID and all its descendants.
kill_tree() {
	local c

	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill "$1" 2>/dev/null
}

stop_prebuild() {
	local f n secs rc

	[ -n "$prebuild_pid" ] || return 0
	kill -0 "$prebuild_pid" 2>/dev/null && kill_tree "$prebuild_pid"
	wait "$prebuild_pid" 2>/dev/null
	prebuild_pid=""
	n=""
	for f in "$GENPT_PREBUILD"/*.done; do
		[ -e "$f" ] || continue
		read -r secs rc <"$f"
		n="$n, $(basename "$f" .done) ${secs}s$([ "$rc" = 0 ] || echo " (exit status $rc)")"
	done
	[ -n "$n" ] || n=", nothing"
	stages+=("prebuild in the background: built ${n#, }")
}

ccache_counts() {
	genpt_have_ccache || return 0
	ccache --print-stats 2>/dev/null |
		awk '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { h += $2 }
		     $1 == "cache_miss" { m += $2 } END { print h + 0, m + 0 }'
}

finish() {
	local rc ch cm

	stop_prebuild
	if [ -n "${cc_before:-}" ]; then
		read -r ch cm <<<"$(ccache_counts)"
		read -r bh bm <<<"$cc_before"
		stages+=("$(printf 'ccache: %d hits, %d misses in this run (%s)' \
			$((ch - bh)) $((cm - bm)) "${CCACHE_DIR#"$GENPT_ROOT"/}")")
	fi
	printf '\nStage timings\n'
	printf '  %s\n' "${stages[@]}"
	printf '  %-38s %8ss\n' total "$(genpt_elapsed "$t_all")"
	# Timings mean little without the machine's load.
	printf '  %s CPUs; load average at start %s, at end %s\n' "$(nproc)" \
		"$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
	python3 "$GENPT_TOOLS/report.py" summary "${expect[@]}" "$GENPT_RESULTS"/*.res
	rc=$?
	exit $rc
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$GENPT_RESULTS"
mkdir -p "$GENPT_RESULTS" "$GENPT_LOGS"
expect=()

stage deps "$GENPT_TOOLS/deps.sh" || { fatal_stage deps -; finish; }
genpt_have_ccache && mkdir -p "$CCACHE_DIR" && cc_before=$(ccache_counts)

stage assemble "$GENPT_TOOLS/assemble.sh" || { fatal_stage assemble -; finish; }

q=(-q)
[ $verbose = 1 ] && q=()
[ $checks_only = 1 ] && GENPT_ARCHS=""
start_prebuild
for arch in $GENPT_ARCHS; do
	type=$(genpt_build_type "$arch")
	expect+=(--expect "kunit $arch ($type)")
	# A debug configuration also reports kmemleak and the sanitizers.
	case $arch in
	*-debug) expect+=(--expect "kunit $arch kmemleak" --expect "kunit $arch sanitizers") ;;
	esac
	stage "kunit $arch ($type)" "$GENPT_TOOLS/kunit.sh" "${q[@]}" "$arch"
done

if [ $checks_only = 0 ]; then
	expect+=(--expect "e2e intel-vtd-qemu")
	stage e2e run_e2e
fi

stage checks "$GENPT_TOOLS/checks.sh"
for c in checkpatch-files series maintainers sparse w1 kernel-doc docs; do
	expect+=(--expect "check $c")
done

finish
