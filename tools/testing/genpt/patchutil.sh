#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by save-patch.sh, refresh-patches.sh and series.sh.
#
#   patchutil.sh export <commit>   the commit as a format-patch mail on
#                                  stdout, authored and signed off by
#                                  genpt_identity (which must be set)
#   patchutil.sh identity IDENT [cover]
#                                  rewrite the mail on stdin: author IDENT
#                                  and one Signed-off-by: IDENT; with an
#                                  empty IDENT, no From: header and no
#                                  sign-off; a cover letter gets only the
#                                  author
#   patchutil.sh slug <subject>    file name slug for a subject line

. "$(dirname "$0")/lib.sh"

# set_identity IDENT [cover]: filter a format-patch mail.
set_identity() {
	python3 -c '
import email.utils
import re
import sys

ident = sys.argv[1]
cover = sys.argv[2] == "cover"
lines = sys.stdin.read().split("\n")
out = []
i = 0
# Header block: up to the first empty line.
while i < len(lines) and lines[i] != "":
    line = lines[i]
    i += 1
    if line.startswith("From: "):
        while i < len(lines) and lines[i][:1] in (" ", "\t"):
            i += 1
        if ident:
            name, addr = email.utils.parseaddr(ident)
            out.append("From: " + email.utils.formataddr((name, addr), "utf-8"))
        continue
    out.append(line)
if cover:
    sys.stdout.write("\n".join(out + lines[i:]))
    sys.exit(0)
# Message: up to the "---" line before the diffstat.
msg = []
while i < len(lines) and lines[i] != "---":
    if not lines[i].startswith("Signed-off-by:"):
        msg.append(lines[i])
    i += 1
if i == len(lines):
    sys.exit("no \"---\" line: not a format-patch mail")
while msg and msg[-1] == "":
    msg.pop()
if ident:
    trailer = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: \S")
    j = len(msg)
    while j > 0 and trailer.match(msg[j - 1]):
        j -= 1
    if j == len(msg) or (j > 0 and msg[j - 1] != ""):
        msg.append("")
    msg.append("Signed-off-by: " + ident)
sys.stdout.write("\n".join(out + msg + lines[i:]))
' "$1" "${2:-}"
}

case ${1:-} in
export)
	ident=$(genpt_identity) || genpt_die "GENPT_SIGNOFF must be 'Name <email>': '$GENPT_SIGNOFF'"
	[ -n "$ident" ] ||
		genpt_die "no identity to author the patch: set GENPT_SIGNOFF='Name <email>' or git's user.name and user.email"
	# --zero-commit and no signature: the file depends only on the change,
	# not on the hash the commit happens to have in this build/src.
	srcgit -c core.abbrev=12 format-patch --stdout --zero-commit --no-signature --no-numbered \
		--no-renames --subject-prefix=PATCH -1 "$2" | set_identity "$ident"
	;;
identity)
	set_identity "${2:-}" "${3:-}"
	;;
slug)
	printf '%s' "$2" | tr '[:upper:]' '[:lower:]' |
		sed -e 's/[^a-z0-9]\{1,\}/-/g' -e 's/^-//' | cut -c1-52 | sed 's/-*$//'
	echo
	;;
*)
	genpt_die "usage: patchutil.sh export <commit> | identity [IDENT] | slug <subject>"
	;;
esac
