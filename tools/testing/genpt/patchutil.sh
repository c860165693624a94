#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by save-patch.sh and refresh-patches.sh.
#
#   patchutil.sh export <commit>   the commit as a format-patch mail on stdout
#   patchutil.sh slug <subject>    file name slug for a subject line

. "$(dirname "$0")/lib.sh"

case ${1:-} in
export)
	# --zero-commit and no signature: the file depends only on the change,
	# not on the hash the commit happens to have in this build/src.
	srcgit -c core.abbrev=12 format-patch --stdout --zero-commit --no-signature --no-numbered \
		--no-renames --subject-prefix=PATCH -1 "$2"
	;;
slug)
	printf '%s' "$2" | tr '[:upper:]' '[:lower:]' |
		sed -e 's/[^a-z0-9]\{1,\}/-/g' -e 's/^-//' | cut -c1-52 | sed 's/-*$//'
	echo
	;;
*)
	genpt_die "usage: patchutil.sh export <commit> | slug <subject>"
	;;
esac
