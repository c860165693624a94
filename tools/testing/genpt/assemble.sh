#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble build/src: pristine 6.12 tree + patches/ (one git commit each) +
# the subtree this repository owns.
#
#  1. The tarball is unpacked once into build/pristine/<version>/ and never
#     written to again.
#  2. build/src is a git repository whose first commit (tag genpt-base) is the
#     pristine tree; every patch of patches/series is applied with "git am"
#     (tag genpt-series marks the result). This is redone only when the
#     pristine version or the content of patches/ changes, and then by
#     resetting to genpt-base, so that only files whose content changes get
#     a new mtime and the kernel builds stay incremental.
#  3. The owned directories are synced with checksums (rsync -rc --delete):
#     unchanged files keep their mtime.
#
# GENPT_FORCE=1 discards uncommitted edits in build/src when the series
# must be re-applied.

. "$(dirname "$0")/lib.sh"

# Bumped when the assembly procedure changes, to force a re-assembly.
ASSEMBLY_FORMAT=1

STAMP=$GENPT_SRC/.git/genpt-stamp
PRISTINE_ID=$(genpt_pristine_id)
PRISTINE_DIR=$GENPT_BUILD/pristine/$PRISTINE_ID/linux-source-6.12

unpack_pristine() {
	local tmp top

	[ -f "$PRISTINE_DIR/Makefile" ] && return 0
	genpt_msg "unpacking $GENPT_TARBALL into ${PRISTINE_DIR#$GENPT_ROOT/}"
	mkdir -p "$GENPT_BUILD/pristine"
	# Only one pristine tree is kept: the one of the installed package.
	find "$GENPT_BUILD/pristine" -mindepth 1 -maxdepth 1 \
		! -name "$PRISTINE_ID" -exec rm -rf {} +
	tmp=$(mktemp -d "$GENPT_BUILD/pristine/.unpack.XXXXXX")
	xz -T0 -dc "$GENPT_TARBALL" | tar -x --no-same-owner -C "$tmp" ||
		genpt_die "cannot unpack $GENPT_TARBALL"
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -f "$top/Makefile" ] || genpt_die "$GENPT_TARBALL holds no kernel tree"
	mkdir -p "$(dirname "$PRISTINE_DIR")"
	mv "$top" "$PRISTINE_DIR"
	rmdir "$tmp"
}

kernel_version() {
	awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 }
	     /^SUBLEVEL =/ { s = $3 } END { printf "%s.%s.%s", v, p, s }' \
		"$PRISTINE_DIR/Makefile"
}

series() {
	[ -f "$GENPT_ROOT/patches/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$GENPT_ROOT/patches/series"
}

# Everything the assembled tree (minus the owned subtree) depends on.
wanted_stamp() {
	{
		echo "format $ASSEMBLY_FORMAT"
		echo "pristine $PRISTINE_ID"
		if [ -d "$GENPT_ROOT/patches" ]; then
			(cd "$GENPT_ROOT/patches" && find . -type f | LC_ALL=C sort |
				xargs -r -d '\n' sha256sum)
		fi
	} | sha256sum | cut -d' ' -f1
}

base_commit() {
	local subject=$1 m=() p

	shift
	for p in "$@"; do m+=(-m "$p"); done
	GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
		srcgit commit -q --no-verify --allow-empty -m "$subject" "${m[@]}" ||
		genpt_die "git commit '$subject' failed"
}

init_src() {
	local t0

	t0=$(genpt_now)
	genpt_msg "creating build/src from the pristine tree (once per version)"
	rm -rf "$GENPT_SRC"
	# Objects built against a different tree cannot be trusted: the mtimes
	# of the fresh copy say nothing about what they were built from.
	for a in $GENPT_ALL_ARCHS; do
		rm -rf "$(genpt_build_dir "$a")"
	done
	rm -rf "$GENPT_SRC.tmp"
	cp -a "$PRISTINE_DIR" "$GENPT_SRC.tmp" && mv "$GENPT_SRC.tmp" "$GENPT_SRC" ||
		genpt_die "cannot copy the pristine tree"
	git init -q -b master "$GENPT_SRC" || genpt_die "git init failed"
	srcgit config user.name "genpt developers"
	srcgit config user.email "genpt@localhost"
	srcgit config core.looseCompression 1
	srcgit config core.untrackedCache true
	srcgit config gc.auto 0
	srcgit config advice.detachedHead false
	{
		echo "# Owned by the genpt repository, synced by assemble.sh"
		for d in $GENPT_OWNED_DIRS; do echo "/$d/"; done
		for f in $GENPT_OWNED_FILES; do echo "/$f"; done
	} >"$GENPT_SRC/.git/info/exclude"
	# -f: Debian's top-level .gitignore ignores every top-level entry.
	srcgit add -f -A . || genpt_die "git add of the pristine tree failed"
	base_commit "Linux $(kernel_version) ($GENPT_SRCPKG $PRISTINE_ID)" \
		"Pristine tree unpacked from $GENPT_TARBALL."
	srcgit tag -f genpt-pristine >/dev/null
	# Without this, git would not see files that a developer adds to the
	# tree, and save-patch would miss them. The series applies on top of
	# this commit; it is never exported.
	sed -i -e '\|^/\*$|d' -e '\|^!/debian/$|d' "$GENPT_SRC/.gitignore"
	srcgit add .gitignore
	base_commit "genpt: track the whole assembled tree" \
		"Drop Debian's packaging rule that ignores every top-level entry." \
		"Local to build/src, never part of patches/."
	srcgit tag -f genpt-base >/dev/null
	echo "$PRISTINE_ID" >"$GENPT_SRC/.git/genpt-pristine"
	genpt_msg "build/src created in $(genpt_elapsed "$t0")s"
}

# Uncommitted or unexported work in build/src would be lost by a reset.
check_no_local_work() {
	local dirty ahead=0

	dirty=$(srcgit status --porcelain 2>/dev/null | head -n 20)
	if srcgit rev-parse -q --verify genpt-series >/dev/null; then
		ahead=$(srcgit rev-list --count genpt-series..HEAD)
	fi
	if [ -n "$dirty" ] || [ "$ahead" != 0 ]; then
		if [ "${GENPT_FORCE:-}" = 1 ]; then
			genpt_msg "GENPT_FORCE=1: discarding local work in build/src"
			return 0
		fi
		genpt_err "patches/ changed, but build/src has work not in patches/:"
		[ -n "$dirty" ] && printf '%s\n' "$dirty" >&2
		[ "$ahead" != 0 ] && genpt_err "$ahead commit(s) after genpt-series"
		genpt_err "save it with 'make save-patch NAME=<slug>' (or 'make refresh-patches'),"
		genpt_die "or rerun with GENPT_FORCE=1 to discard it"
	fi
}

apply_series() {
	local n=0 total p out kver

	kver=$(kernel_version)
	if [ -d "$GENPT_SRC/.git/rebase-apply" ]; then
		srcgit am --abort >/dev/null 2>&1
	fi
	srcgit reset -q --hard genpt-base || genpt_die "git reset failed"
	srcgit clean -fdq
	total=$(series | wc -l)
	while read -r p; do
		n=$((n + 1))
		[ -f "$GENPT_ROOT/patches/$p" ] ||
			genpt_die "patches/series lists $p, which does not exist"
		if ! out=$(srcgit am -q --no-3way --whitespace=nowarn \
				"$GENPT_ROOT/patches/$p" 2>&1); then
			srcgit am --abort >/dev/null 2>&1
			srcgit tag -d genpt-series >/dev/null 2>&1
			genpt_err "patch $n/$total patches/$p no longer applies to" \
				"Linux $kver ($GENPT_SRCPKG $PRISTINE_ID):"
			# git am's advice on --continue/--skip does not apply: the
			# attempt was aborted.
			printf '%s\n' "$out" | grep -v -E '^(hint:|When you have|If you prefer|To restore)' |
				sed 's/^/    /' >&2
			genpt_err "build/src holds the series up to the patch before it. To port it:"
			genpt_err "  cd build/src && git am -3 ../../patches/$p  (resolve, git am --continue,"
			genpt_err "  then git am the later patches), then: make refresh-patches"
			exit 1
		fi
	done < <(series)
	srcgit tag -f genpt-series >/dev/null
	genpt_msg "applied $total patch(es) on Linux $kver"
}

sync_subtree() {
	local d f

	for d in $GENPT_OWNED_DIRS; do
		if [ -d "$GENPT_SUBTREE_SRC/$d" ]; then
			mkdir -p "$GENPT_SRC/$d"
			rsync -rc --delete "$GENPT_SUBTREE_SRC/$d/" "$GENPT_SRC/$d/" ||
				genpt_die "rsync of $d failed"
		else
			rm -rf "${GENPT_SRC:?}/$d"
		fi
	done
	for f in $GENPT_OWNED_FILES; do
		if [ -f "$GENPT_SUBTREE_SRC/$f" ]; then
			rsync -c "$GENPT_SUBTREE_SRC/$f" "$GENPT_SRC/$f" ||
				genpt_die "rsync of $f failed"
		else
			rm -f "${GENPT_SRC:?}/$f"
		fi
	done
}

main() {
	local want

	unpack_pristine
	want=$(wanted_stamp)
	if [ ! -d "$GENPT_SRC/.git" ] ||
	   [ "$(cat "$GENPT_SRC/.git/genpt-pristine" 2>/dev/null)" != "$PRISTINE_ID" ] ||
	   ! srcgit rev-parse -q --verify genpt-base >/dev/null; then
		init_src
		apply_series
		echo "$want" >"$STAMP"
	elif [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
		genpt_msg "patches/ changed: re-applying the series"
		check_no_local_work
		rm -f "$STAMP"
		apply_series
		echo "$want" >"$STAMP"
	fi
	sync_subtree
	[ "$GENPT_SUBTREE_SRC" = "$GENPT_ROOT" ] ||
		genpt_msg "owned subtree synced from $GENPT_SUBTREE_SRC (GENPT_SUBTREE_SRC)"
}

case ${1:-} in
--stamp) wanted_stamp; echo ;;
--write-stamp) wanted_stamp >"$STAMP"; echo >>"$STAMP" ;;
*) main ;;
esac
