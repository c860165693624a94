#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate patches/ from the history of build/src: one patch per commit in
# genpt-base..HEAD, in order. Use it after rewriting commits in build/src
# (git commit --amend, git rebase -i genpt-base, ...). A patch keeps its file
# name when its subject is unchanged at the same position; otherwise it is
# named after its subject. Patch files listed in the old series but no
# longer produced are removed, and the series is rewritten.

. "$(dirname "$0")/lib.sh"

PATCHES=$GENPT_ROOT/patches

[ -d "$GENPT_SRC/.git" ] && srcgit rev-parse -q --verify genpt-base >/dev/null ||
	genpt_die "build/src is not assembled (run 'make tree')"
[ -z "$(srcgit status --porcelain)" ] ||
	genpt_die "build/src has uncommitted changes: commit them (or make save-patch) first"
[ -d "$GENPT_SRC/.git/rebase-apply" ] || [ -d "$GENPT_SRC/.git/rebase-merge" ] &&
	genpt_die "build/src is in the middle of a git am/rebase"

subject_of_file() {
	# The Subject: header may be folded over several lines.
	awk '/^Subject: / { s = $0; sub(/^Subject: (\[[^]]*\] )?/, "", s); getline
	       while ($0 ~ /^[ \t]/) { sub(/^[ \t]+/, " "); s = s $0; getline }
	       print s; exit }' "$1"
}

mapfile -t old < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series" 2>/dev/null)
mapfile -t commits < <(srcgit rev-list --reverse genpt-base..HEAD)

mkdir -p "$PATCHES"
new=()
for i in "${!commits[@]}"; do
	c=${commits[$i]}
	subject=$(srcgit log -1 --format=%s "$c")
	slug=""
	if [ "$i" -lt ${#old[@]} ] && [ -f "$PATCHES/${old[$i]}" ] &&
	   [ "$(subject_of_file "$PATCHES/${old[$i]}")" = "$subject" ]; then
		slug=$(sed -n 's/^[0-9]\{4\}-\(.*\)\.patch$/\1/p' <<<"${old[$i]}")
	fi
	[ -n "$slug" ] || slug=$("$GENPT_TOOLS/patchutil.sh" slug "$subject")
	file=$(printf '%04d-%s.patch' $((i + 1)) "$slug")
	"$GENPT_TOOLS/patchutil.sh" export "$c" >"$PATCHES/$file.tmp" ||
		genpt_die "git format-patch failed for $c"
	if cmp -s "$PATCHES/$file.tmp" "$PATCHES/$file"; then
		rm -f "$PATCHES/$file.tmp"
	else
		mv "$PATCHES/$file.tmp" "$PATCHES/$file"
		genpt_msg "wrote patches/$file"
	fi
	new+=("$file")
done

for f in "${old[@]}"; do
	if ! printf '%s\n' "${new[@]}" | grep -qxF "$f"; then
		rm -f "$PATCHES/$f"
		genpt_msg "removed patches/$f"
	fi
done

{
	grep '^#' "$PATCHES/series" 2>/dev/null
	[ ${#new[@]} -gt 0 ] && printf '%s\n' "${new[@]}"
} >"$PATCHES/series.tmp"
mv "$PATCHES/series.tmp" "$PATCHES/series"

srcgit tag -f genpt-series >/dev/null
"$GENPT_TOOLS/assemble.sh" --write-stamp
genpt_msg "patches/ holds ${#new[@]} patch(es) from build/src"
