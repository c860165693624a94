#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The product as one patch series against the pristine 6.12 tree, for
# distribution kernels and for the list ("make series").
#
#   series.sh          write build/series/: a cover letter and the numbered
#                      "git format-patch" series, in the order of
#                      series/order (the subtree in steps, then patches/)
#   series.sh --check  write it, then apply it with "git am" to a fresh
#                      repository of the pristine tree and require exactly
#                      build/src as the result, and no placeholder identity
#                      in any mail (checks.sh records the result)
#
# Author and Signed-off-by of every patch: GENPT_SIGNOFF ("Name <email>"),
# else git's user.name and user.email. With neither, the mails carry no
# author and no sign-off, and the cover letter says that they need one.
#
# The series is built in build/series-git, a repository whose first commit
# is the pristine tree (it shares build/src's objects). Run assemble.sh
# first.

. "$(dirname "$0")/lib.sh"

STEPS=$GENPT_TOOLS/series
OUT=$GENPT_BUILD/series
WORK=$GENPT_BUILD/series-git
PRISTINE_ID=$(genpt_pristine_id)
# Placeholders that must never reach a mail.
PLACEHOLDERS='genpt@localhost|genpt developers|series@invalid'

# Who the commits of build/series-git are by: the identity, or with none
# a local name that generate() keeps out of the mails.
WORK_IDENT="genpt-series <series@invalid>"

wgit() {
	local name=${WORK_IDENT% <*} email=${WORK_IDENT##*<}

	git -C "$WORK" -c user.name="$name" -c user.email="${email%>}" \
		-c core.abbrev=12 -c advice.detachedHead=false "$@"
}

# The repository of the pristine tree, made once per pristine version.
init_work() {
	local base

	base=$(srcgit rev-parse -q --verify 'genpt-pristine^{commit}') ||
		genpt_die "build/src has no genpt-pristine commit (run 'make tree')"
	if [ "$(cat "$WORK/.git/genpt-base" 2>/dev/null)" = "$base" ] &&
	   wgit cat-file -e "$base^{commit}" 2>/dev/null; then
		return 0
	fi
	genpt_msg "series: cloning the pristine tree into ${WORK#$GENPT_ROOT/}"
	rm -rf "$WORK"
	git clone -q --shared --no-checkout "$GENPT_SRC" "$WORK" ||
		genpt_die "git clone of build/src failed"
	# Only the pristine commit is wanted: no branch, tag or remote of
	# build/src leaks into the series repository.
	wgit remote remove origin
	wgit for-each-ref --format='%(refname)' refs/tags refs/heads |
		while read -r r; do wgit update-ref -d "$r"; done
	wgit checkout -q --detach "$base" || genpt_die "checkout of the pristine tree failed"
	wgit tag genpt-series-base "$base"
	echo "$base" >"$WORK/.git/genpt-base"
}

reset_work() {
	[ -d "$WORK/.git/rebase-apply" ] && wgit am --abort >/dev/null 2>&1
	wgit checkout -q --detach -f genpt-series-base && wgit clean -fdxq ||
		genpt_die "cannot reset ${WORK#$GENPT_ROOT/}"
}

# step_field FILE subject|patch|files|body
step_field() {
	python3 - "$1" "$2" <<'EOF'
import sys

path, want = sys.argv[1], sys.argv[2]
head, _, body = open(path).read().strip('\n').partition('\n\n')
fields = {'subject': '', 'patch': '', 'files': []}
key = None
for line in head.split('\n'):
    if line[:1] in (' ', '\t'):
        if key != 'files':
            sys.exit('%s: continuation line outside Files: %r' % (path, line))
        fields['files'].append(line.strip())
        continue
    k, sep, v = line.partition(':')
    k = k.strip().lower()
    if not sep or k not in fields:
        sys.exit('%s: unknown header line %r' % (path, line))
    key = k
    if k == 'files':
        fields['files'] += v.split()
    else:
        fields[k] = v.strip()
if want == 'body':
    print(body.strip('\n'))
elif want == 'files':
    print('\n'.join(fields['files']))
else:
    print(fields[want])
EOF
}

order() {
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$STEPS/order"
}

# Every owned file in one step, every patch of patches/series used once.
check_coverage() {
	local kind name bad=0 f

	{
		while read -r kind name; do
			[ "$kind" = step ] && step_field "$STEPS/$name.step" files
		done < <(order)
	} | LC_ALL=C sort >"$OUT.files"
	(cd "$GENPT_SRC" && {
		for d in $GENPT_OWNED_DIRS; do find "$d" -type f; done
		for f in $GENPT_OWNED_FILES; do [ -f "$f" ] && echo "$f"; done
	}) | LC_ALL=C sort >"$OUT.owned"
	if ! cmp -s "$OUT.files" "$OUT.owned"; then
		genpt_err "series/order's steps do not list the owned subtree exactly once:"
		diff "$OUT.owned" "$OUT.files" | sed -n 's/^< /    in no step: /p; s/^> /    listed but not owned (or twice): /p' >&2
		bad=1
	fi
	{
		while read -r kind name; do
			case $kind in
			patch) echo "$name" ;;
			step) f=$(step_field "$STEPS/$name.step" patch); [ -n "$f" ] && echo "$f" ;;
			*) genpt_err "series/order: unknown kind '$kind'"; bad=1 ;;
			esac
		done < <(order)
	} | LC_ALL=C sort >"$OUT.used"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$GENPT_ROOT/patches/series" |
		LC_ALL=C sort >"$OUT.series"
	if ! cmp -s "$OUT.used" "$OUT.series"; then
		genpt_err "series/order does not use every patch of patches/series exactly once:"
		diff "$OUT.series" "$OUT.used" | sed -n 's/^< /    unused: /p; s/^> /    not in patches\/series (or twice): /p' >&2
		bad=1
	fi
	rm -f "$OUT.files" "$OUT.owned" "$OUT.used" "$OUT.series"
	[ $bad = 0 ] || exit 1
}

# am_patch FILE: apply a patch of patches/, authored by WORK_IDENT.
am_patch() {
	"$GENPT_TOOLS/patchutil.sh" identity "$WORK_IDENT" <"$1" |
		wgit am -q --no-3way --whitespace=nowarn >"$OUT.am.log" 2>&1 || {
		sed 's/^/    /' "$OUT.am.log" >&2
		wgit am --abort >/dev/null 2>&1
		genpt_die "git am of ${1#$GENPT_ROOT/} failed"
	}
	rm -f "$OUT.am.log"
}

commit_step() {
	local step=$STEPS/$1.step patch files f msg

	patch=$(step_field "$step" patch) || exit 1
	mapfile -t files < <(step_field "$step" files)
	[ -n "$patch" ] && am_patch "$GENPT_ROOT/patches/$patch"
	for f in "${files[@]}"; do
		mkdir -p "$WORK/$(dirname "$f")"
		cp "$GENPT_SRC/$f" "$WORK/$f" || genpt_die "step $1: cannot copy $f"
	done
	wgit add -f -- "${files[@]}" || genpt_die "step $1: git add failed"
	if [ -n "$patch" ]; then
		wgit commit -q --amend --no-edit || genpt_die "step $1: commit failed"
	else
		msg=$(step_field "$step" subject) || exit 1
		[ -n "$msg" ] || genpt_die "step $1 has no Subject:"
		wgit commit -q -F - <<EOF || genpt_die "step $1: commit failed"
$msg

$(step_field "$step" body)
EOF
	fi
}

# The cover letter: series/cover-letter is its subject line, a blank line
# and the text.
write_cover() {
	local cover=$1 ident=$2

	python3 - "$cover" "$STEPS/cover-letter" "$ident" <<'EOF'
import re
import sys

path, src, ident = sys.argv[1:]
subject, _, blurb = open(src).read().partition('\n\n')
placeholder = re.compile(r'^genpt-series \(\d+\):\n', re.M)
blurb = blurb.strip('\n')
if not ident:
    blurb += ('\n\nThese patches carry no author and no Signed-off-by: they '
              'need one before they\ncan be applied or sent. Regenerate them '
              "with GENPT_SIGNOFF='Name <email>'\n(or git's user.name and "
              'user.email set): make series.')
s = open(path).read()
if '*** SUBJECT HERE ***' not in s or '*** BLURB HERE ***' not in s:
    sys.exit('format-patch cover letter without its placeholders')
s = s.replace('*** SUBJECT HERE ***', subject.strip())
s = s.replace('*** BLURB HERE ***', blurb)
# With no identity the shortlog's author is the local placeholder.
s = placeholder.sub('', s)
open(path, 'w').write(s)
EOF
}

generate() {
	local ident kind name p n

	ident=$(genpt_identity) || genpt_die "GENPT_SIGNOFF must be 'Name <email>': '$GENPT_SIGNOFF'"
	[ -n "$ident" ] && WORK_IDENT=$ident
	[ -d "$GENPT_SRC/.git" ] || genpt_die "build/src is not assembled (run 'make tree')"
	mkdir -p "$GENPT_BUILD"
	rm -rf "$OUT"
	check_coverage
	init_work
	reset_work
	while read -r kind name; do
		case $kind in
		step) commit_step "$name" ;;
		patch) am_patch "$GENPT_ROOT/patches/$name" ;;
		esac
	done < <(order)
	mkdir -p "$OUT"
	wgit format-patch -q --cover-letter --zero-commit --no-signature --no-renames \
		--subject-prefix=PATCH -o "$OUT" genpt-series-base..HEAD ||
		genpt_die "git format-patch failed"
	for p in "$OUT"/*.patch; do
		"$GENPT_TOOLS/patchutil.sh" identity "$ident" \
			"$([ "${p##*/}" = 0000-cover-letter.patch ] && echo cover)" <"$p" >"$p.tmp" &&
			mv "$p.tmp" "$p" || genpt_die "cannot set the identity of ${p#$GENPT_ROOT/}"
	done
	write_cover "$OUT/0000-cover-letter.patch" "$ident" ||
		genpt_die "cannot write the cover letter"
	n=$(find "$OUT" -name '[0-9]*.patch' ! -name '0000-*' | wc -l)
	if [ -n "$ident" ]; then
		genpt_msg "series: ${OUT#$GENPT_ROOT/}/ holds $n patches and a cover letter, from $ident"
	else
		genpt_msg "series: ${OUT#$GENPT_ROOT/}/ holds $n patches and a cover letter, with NO author or Signed-off-by (set GENPT_SIGNOFF or git's user.name/user.email)"
	fi
}

# Apply build/series to the pristine tree, as a user of the series would.
check() {
	local p tmp bad=0 out

	reset_work
	tmp=$(mktemp -d)
	for p in "$OUT"/[0-9]*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		if grep -qE "$PLACEHOLDERS" "$p"; then
			genpt_err "${p#$GENPT_ROOT/} carries a placeholder identity"
			bad=1
		fi
		if grep -q '^From: ' "$p"; then
			cp "$p" "$tmp/${p##*/}"
		else
			# No identity to author the mails: git am needs one, so
			# this check (and only it) supplies one.
			sed '1a From: genpt-series <series@invalid>' "$p" >"$tmp/${p##*/}"
		fi
		if ! out=$(wgit am -q --no-3way "$tmp/${p##*/}" 2>&1); then
			printf '%s\n' "$out" | sed 's/^/    /' >&2
			wgit am --abort >/dev/null 2>&1
			rm -rf "$tmp"
			genpt_die "git am of ${p#$GENPT_ROOT/} on the pristine tree failed"
		fi
	done
	rm -rf "$tmp"
	grep -qE "$PLACEHOLDERS" "$OUT/0000-cover-letter.patch" && {
		genpt_err "the cover letter carries a placeholder identity"
		bad=1
	}
	# build/src's only change to the pristine tree outside patches/ and
	# the subtree is its local .gitignore (assemble.sh, genpt-base).
	out=$(diff -rq --no-dereference -x .git "$WORK" "$GENPT_SRC" |
		grep -vxF "Files $WORK/.gitignore and $GENPT_SRC/.gitignore differ")
	if [ -n "$out" ]; then
		genpt_err "the series applied to the pristine tree differs from build/src:"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/    /' >&2
		bad=1
	fi
	if ! srcgit diff --quiet genpt-pristine genpt-base -- . ':!.gitignore'; then
		genpt_err "build/src's genpt-base changes more than .gitignore"
		bad=1
	fi
	[ $bad = 0 ] || exit 1
	genpt_msg "series: git am on the pristine tree gives build/src exactly"
}

case ${1:-} in
"") generate ;;
--check) generate; check ;;
*) genpt_die "usage: series.sh [--check]" ;;
esac
