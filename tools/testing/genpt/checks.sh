#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the owned subtree and of patches/, run on the assembled
# tree (run assemble.sh first). Each check counts as one passed or one
# failed test; checkpatch of patches/ is one check per patch file.
#
#   checks.sh [CHECK...]
#     checkpatch-files    checkpatch --strict -f on our .c/.h/Kconfig/Makefile
#     series              series.sh --check: build/series applies with git am
#                         to the pristine tree and gives build/src exactly
#     checkpatch-patches  checkpatch --strict on every patch of build/series
#                         (the subtree's steps and every patch of patches/,
#                         as they are exported); runs series first if needed
#     maintainers         MAINTAINERS section of the repo is in build/src
#     sparse              make C=2 of drivers/iommu/generic_pt/ (x86_64)
#     w1                  make W=1 of drivers/iommu/generic_pt/ (x86_64)
#     kernel-doc          kernel-doc -none -Wall on our headers
#     docs                generic_pt.rst built by Sphinx (docs.sh), no warning
#
# checkpatch ignores only the message types listed, each with its reason,
# in tools/testing/genpt/checkpatch-ignore. Logs: build/logs/check-*.log;
# results: build/results/check-*.res (format as in kunit.sh).

. "$(dirname "$0")/lib.sh"

ALL_CHECKS="checkpatch-files series checkpatch-patches maintainers sparse w1 kernel-doc docs"
IGNORE_FILE=$GENPT_TOOLS/checkpatch-ignore
OUR_PATHS='(drivers/iommu/generic_pt/|include/linux/generic_pt/)'
X86_BDIR=$(genpt_build_dir x86_64)

[ -f "$GENPT_SRC/Makefile" ] || genpt_die "build/src is not assembled (run 'make tree')"
mkdir -p "$GENPT_LOGS" "$GENPT_RESULTS"
cd "$GENPT_SRC" || exit 1

failures=0

# record NAME LOG PASSED(0|1) SECONDS NOTE
record() {
	local name=$1 log=$2 ok=$3 secs=$4 note=${5:--} status=PASS p=1 f=0

	if [ "$ok" != 1 ]; then
		status=FAIL p=0 f=1
		failures=$((failures + 1))
	fi
	printf 'check\t%s\t%d\t%d\t0\t%s\t%s\t%s\t%s\n' "$name" $p $f "$secs" \
		"$status" "${log#$GENPT_ROOT/}" "$note" >"$GENPT_RESULTS/check-$name.res"
	if [ "$ok" = 1 ]; then
		genpt_msg "check $name: ok (${secs}s)"
	else
		genpt_err "check $name FAILED (${secs}s): $note"
		genpt_err "log: ${log#$GENPT_ROOT/}; first lines:"
		sed -n '1,40p' "$log.failed" 2>/dev/null | sed 's/^/    /' >&2
	fi
	rm -f "$log.failed"
}

# Message types from the allowlist, comma separated, into IGNORE_TYPES.
# A line without a reason is an error (ignore_error), and fails the
# checkpatch checks.
load_ignore_types() {
	local type reason

	IGNORE_TYPES=""
	ignore_error=""
	[ -f "$IGNORE_FILE" ] || return 0
	while read -r type reason; do
		case $type in
		"" | "#"*) continue ;;
		esac
		if ! [[ $type =~ ^[A-Z0-9_]+$ ]] || [ -z "$reason" ]; then
			ignore_error="bad line in checkpatch-ignore (want: TYPE reason): $type $reason"
			continue
		fi
		IGNORE_TYPES=${IGNORE_TYPES:+$IGNORE_TYPES,}$type
	done <"$IGNORE_FILE"
}
load_ignore_types

owned_files() {
	local d

	for d in $GENPT_OWNED_DIRS; do
		[ -d "$d" ] && find "$d" -type f "$@"
	done | LC_ALL=C sort
}

checkpatch_args() {
	echo "--strict"
	echo "--show-types"
	echo "--color=never"
	[ -n "$IGNORE_TYPES" ] && echo "--ignore=$IGNORE_TYPES"
}

check_checkpatch_files() {
	local t0 log=$GENPT_LOGS/check-checkpatch-files.log files args ok=1 note=-

	t0=$(genpt_now)
	mapfile -t files < <(owned_files \( -name '*.c' -o -name '*.h' -o \
		-name 'Kconfig*' -o -name 'Makefile*' -o -name 'Kbuild*' \))
	mapfile -t args < <(checkpatch_args)
	if [ ${#files[@]} -eq 0 ]; then
		echo "no files" >"$log"
		ok=0 note="no .c/.h/Kconfig/Makefile files in the owned subtree"
	else
		scripts/checkpatch.pl "${args[@]}" --no-tree -f "${files[@]}" >"$log" 2>&1 || {
			ok=0
			note="$(grep -c '^\(ERROR\|WARNING\|CHECK\):' "$log") message(s)"
			grep -A3 '^\(ERROR\|WARNING\|CHECK\):' "$log" >"$log.failed"
		}
	fi
	[ -n "$ignore_error" ] && { ok=0 note=$ignore_error; }
	record checkpatch-files "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

# new_files_maintained PATCH: whether every file PATCH adds is matched by
# an F: pattern of build/src's MAINTAINERS. Then checkpatch's
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?"), which it raises
# for any added file of a patch that leaves MAINTAINERS alone, has its
# answer, and is not reported for that patch.
new_files_maintained() {
	python3 - "$1" MAINTAINERS <<'EOF'
import fnmatch
import re
import sys

patch = open(sys.argv[1], errors='replace').read()
added = re.findall(r'^diff --git a/\S+ b/(\S+)\nnew file mode', patch, re.M)
pats = [l[2:].strip() for l in open(sys.argv[2], errors='replace')
        if l.startswith('F:')]


def covered(f):
    for p in pats:
        if p.endswith('/') and f.startswith(p):
            return True
        if fnmatch.fnmatchcase(f, p):
            return True
    return False


sys.exit(0 if added and all(covered(f) for f in added) else 1)
EOF
}

check_series() {
	local t0 log=$GENPT_LOGS/check-series.log ok=1 note=-

	t0=$(genpt_now)
	if ! "$GENPT_TOOLS/series.sh" --check >"$log" 2>&1; then
		ok=0 note=$(grep -m1 'error:' "$log" || tail -n1 "$log")
		cp "$log" "$log.failed"
	fi
	series_checked=1
	record series "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

check_checkpatch_patches() {
	local t0 log p name args pargs ok note ident

	[ "${series_checked:-0}" = 1 ] || check_series
	mapfile -t args < <(checkpatch_args)
	ident=$(genpt_identity 2>/dev/null)
	for p in "$GENPT_BUILD"/series/[0-9]*.patch; do
		name=${p##*/}
		name=${name%.patch}
		[ "$name" = 0000-cover-letter ] && continue
		t0=$(genpt_now)
		log=$GENPT_LOGS/check-checkpatch-series-$name.log
		ok=1 note=-
		pargs=("${args[@]}")
		new_files_maintained "$p" && pargs+=(--ignore=FILE_PATH_CHANGES)
		# Without an identity the series has no sign-off by design
		# (series.sh); every other message still counts.
		[ -z "$ident" ] && pargs+=(--ignore=MISSING_SIGN_OFF) note="no identity: sign-off not checked"
		if [ ! -f "$p" ]; then
			echo "missing" >"$log"
			ok=0 note="no series (see the series check)"
		elif ! scripts/checkpatch.pl "${pargs[@]}" "$p" >"$log" 2>&1; then
			ok=0
			note="$(grep -c '^\(ERROR\|WARNING\|CHECK\):' "$log") message(s)"
			grep -A3 '^\(ERROR\|WARNING\|CHECK\):' "$log" >"$log.failed"
		fi
		[ -n "$ignore_error" ] && { ok=0 note=$ignore_error; }
		record "checkpatch:${name:0:40}" "$log" $ok "$(genpt_elapsed "$t0")" "$note"
	done
}

check_maintainers() {
	local t0 log=$GENPT_LOGS/check-maintainers.log ok=1 note=-

	t0=$(genpt_now)
	if python3 - "$GENPT_ROOT/MAINTAINERS" MAINTAINERS >"$log" 2>&1 <<'EOF'
import sys
ours = open(sys.argv[1]).read().strip('\n')
tree = open(sys.argv[2]).read()
if not ours:
    sys.exit('MAINTAINERS of the repository is empty')
for section in ours.split('\n\n'):
    if '\n' + section.strip('\n') + '\n\n' not in tree:
        sys.exit('section "%s" of MAINTAINERS is not in build/src/MAINTAINERS '
                 '(update the patch that adds it)' % section.split('\n')[0])
print('all sections of MAINTAINERS found in build/src/MAINTAINERS')
EOF
	then :; else
		ok=0 note=$(tail -n1 "$log")
		cp "$log" "$log.failed"
	fi
	record maintainers "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

# The x86_64 KUnit build directory (e2e.sh's std kernel), configured if
# needed.
x86_64_configured() {
	[ -f "$X86_BDIR/.config" ] && return 0
	genpt_msg "configuring ${X86_BDIR#"$GENPT_ROOT"/} for the compile checks"
	"$GENPT_TOOLS/kunit.sh" --config-only x86_64
}

our_make() {
	local vars

	mapfile -t vars < <(genpt_make_vars x86_64)
	make -C "$GENPT_SRC" O="$X86_BDIR" "${vars[@]}" -j"$GENPT_JOBS" "$@" \
		drivers/iommu/generic_pt/
}

# Warnings and errors located in our files, from a make log.
our_diagnostics() {
	grep -E "$OUR_PATHS[^:]*:[0-9]+(:[0-9]+)?: (warning|error):" "$1"
}

check_sparse() {
	local t0 log=$GENPT_LOGS/check-sparse.log ok=1 note=- n

	t0=$(genpt_now)
	if ! x86_64_configured >"$log" 2>&1; then
		ok=0 note="cannot configure ${X86_BDIR#"$GENPT_ROOT"/}"
		cp "$log" "$log.failed"
	elif ! command -v sparse >/dev/null; then
		ok=0 note="sparse is not installed"
		echo "$note" >"$log.failed"
	elif ! our_make C=2 CHECK=sparse >"$log" 2>&1; then
		ok=0 note="make C=2 failed"
		{ our_diagnostics "$log" || grep -E '(error|Error)' "$log"; } | head -n 40 >"$log.failed"
	elif n=$(our_diagnostics "$log" | wc -l) && [ "$n" -gt 0 ]; then
		ok=0 note="$n sparse warning(s) in our files"
		our_diagnostics "$log" >"$log.failed"
	fi
	record sparse "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

# W=1 must recompile our objects, but the KUnit build must stay incremental:
# the objects and their .cmd files are moved aside and put back afterwards
# with their mtimes, so the next KUnit build sees nothing changed.
check_w1() {
	local t0 log=$GENPT_LOGS/check-w1.log ok=1 note=- n dir save rc

	t0=$(genpt_now)
	dir=$X86_BDIR/drivers/iommu/generic_pt
	if ! x86_64_configured >"$log" 2>&1; then
		ok=0 note="cannot configure ${X86_BDIR#"$GENPT_ROOT"/}"
		cp "$log" "$log.failed"
	else
		save=""
		if [ -d "$dir" ]; then
			save=$(mktemp -d "$GENPT_BUILD/.w1-save.XXXXXX")
			cp -a "$dir/." "$save/"
			find "$dir" -name '*.o' -delete
		fi
		our_make W=1 C=0 >"$log" 2>&1
		rc=$?
		if [ -n "$save" ]; then
			rm -rf "$dir"
			mkdir -p "$dir"
			cp -a "$save/." "$dir/"
			rm -rf "$save"
		fi
		if [ $rc != 0 ]; then
			ok=0 note="make W=1 failed"
			{ our_diagnostics "$log" || grep -E '(error|Error)' "$log"; } | head -n 40 >"$log.failed"
		elif n=$(our_diagnostics "$log" | wc -l) && [ "$n" -gt 0 ]; then
			ok=0 note="$n W=1 warning(s) in our files"
			our_diagnostics "$log" >"$log.failed"
		fi
	fi
	record w1 "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

check_kernel_doc() {
	local t0 log=$GENPT_LOGS/check-kernel-doc.log ok=1 note=- files

	t0=$(genpt_now)
	mapfile -t files < <(owned_files -name '*.h')
	if [ ${#files[@]} -eq 0 ]; then
		echo "no headers" >"$log"
		note="no headers to check"
	else
		scripts/kernel-doc -none -Wall "${files[@]}" >"$log" 2>&1
		if [ -s "$log" ]; then
			ok=0 note="$(wc -l <"$log") line(s) of kernel-doc output"
			cp "$log" "$log.failed"
		fi
	fi
	record kernel-doc "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

# docs.sh writes the log; its output, the warnings on failure, is what
# record shows.
check_docs() {
	local t0 log=$GENPT_LOGS/check-docs.log ok=1 note=-

	t0=$(genpt_now)
	if ! "$GENPT_TOOLS/docs.sh" "$log" >"$log.failed" 2>&1; then
		ok=0 note=$(tail -n 1 "$log.failed")
	fi
	record docs "$log" $ok "$(genpt_elapsed "$t0")" "$note"
}

checks=("$@")
[ ${#checks[@]} -gt 0 ] || read -r -a checks <<<"$ALL_CHECKS"
for c in "${checks[@]}"; do
	case $c in
	checkpatch-files) check_checkpatch_files ;;
	series) check_series ;;
	checkpatch-patches) check_checkpatch_patches ;;
	maintainers) check_maintainers ;;
	sparse) check_sparse ;;
	w1) check_w1 ;;
	kernel-doc) check_kernel_doc ;;
	docs) check_docs ;;
	*) genpt_die "unknown check '$c' (one of: $ALL_CHECKS)" ;;
	esac
done
[ $failures = 0 ]
