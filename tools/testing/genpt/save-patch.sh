#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn edits of upstream files in build/src into a new patch of the series.
#
#   save-patch.sh NAME
#
# Uncommitted changes outside the owned subtree are committed with the
# message from, in order of preference:
#   MSG=<file>             complete commit message (subject, blank line, body)
#   SUBJECT=<line> [BODY=<text>]
#   the editor, when stdin is a terminal
# Then every commit after tag genpt-series (the ones you made yourself, and
# the one just created) is exported with "git format-patch" into
# patches/NNNN-<slug>.patch and appended to patches/series. With a single
# commit the slug is NAME; with several, each is named after its subject.
# The patch files are authored and signed off by genpt_identity (lib.sh):
# GENPT_SIGNOFF, else git's user.name/user.email.

. "$(dirname "$0")/lib.sh"

NAME=${1:-}
[ -n "$NAME" ] || genpt_die "usage: make save-patch NAME=<slug> [SUBJECT=... [BODY=...] | MSG=<file>]"
[[ $NAME =~ ^[a-z0-9][a-z0-9._-]*$ ]] ||
	genpt_die "NAME must be a slug (lowercase letters, digits, '-'): '$NAME'"
[ -d "$GENPT_SRC/.git" ] && srcgit rev-parse -q --verify genpt-series >/dev/null ||
	genpt_die "build/src is not assembled (run 'make tree')"
[ "$("$GENPT_TOOLS/assemble.sh" --stamp)" = "$(cat "$GENPT_SRC/.git/genpt-stamp" 2>/dev/null)" ] ||
	genpt_die "patches/ changed since build/src was assembled; reconcile by hand first"

if [ -n "$(srcgit status --porcelain)" ]; then
	srcgit add -A . || genpt_die "git add failed"
	srcgit status --short
	if [ -n "${MSG:-}" ]; then
		[ -f "$MSG" ] || genpt_die "MSG=$MSG: no such file"
		srcgit commit -q -s -F "$(realpath "$MSG")"
	elif [ -n "${SUBJECT:-}" ]; then
		if [ -n "${BODY:-}" ]; then
			srcgit commit -q -s -m "$SUBJECT" -m "$BODY"
		else
			srcgit commit -q -s -m "$SUBJECT"
		fi
	elif [ -t 0 ]; then
		srcgit commit -q -s -e -m "subsystem: one-line summary ($NAME)" \
			-m "Explain the problem, the approach, and what was measured."
	else
		srcgit reset -q
		genpt_die "no commit message: pass SUBJECT='...' [BODY='...'] or MSG=<file>"
	fi || { srcgit reset -q; genpt_die "git commit failed"; }
fi

mapfile -t commits < <(srcgit rev-list --reverse genpt-series..HEAD)
[ ${#commits[@]} -gt 0 ] || genpt_die "nothing to save: build/src has no changes outside the owned subtree"

mkdir -p "$GENPT_ROOT/patches"
last=$(sed -n 's/^\([0-9]\{4\}\)-.*/\1/p' "$GENPT_ROOT/patches/series" 2>/dev/null | sort -n | tail -n1)
n=$((10#${last:-0}))
for c in "${commits[@]}"; do
	n=$((n + 1))
	if [ ${#commits[@]} -eq 1 ]; then
		slug=$NAME
	else
		slug=$("$GENPT_TOOLS/patchutil.sh" slug "$(srcgit log -1 --format=%s "$c")")
	fi
	file=$(printf '%04d-%s.patch' "$n" "$slug")
	[ -e "$GENPT_ROOT/patches/$file" ] && genpt_die "patches/$file exists already"
	"$GENPT_TOOLS/patchutil.sh" export "$c" >"$GENPT_ROOT/patches/$file" ||
		genpt_die "git format-patch failed"
	echo "$file" >>"$GENPT_ROOT/patches/series"
	genpt_msg "saved patches/$file: $(srcgit log -1 --format=%s "$c")"
	(cd "$GENPT_SRC" && scripts/checkpatch.pl --strict --show-types -q \
		"$GENPT_ROOT/patches/$file") || genpt_msg "warning: checkpatch complains about patches/$file"
done

srcgit tag -f genpt-series >/dev/null
"$GENPT_TOOLS/assemble.sh" --write-stamp
