#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Documentation/driver-api/generic_pt.rst of the assembled tree with
# Sphinx, on its own (checks.sh: the "docs" check; "make docs").
#
#   docs.sh [LOG]
#
# A scratch Sphinx source directory holds a copy of the page and a conf.py
# that loads the kernel's own extensions from build/src/Documentation/sphinx
# as "make htmldocs" does: kerneldoc (the ".. kernel-doc::" directive, which
# runs build/src/scripts/kernel-doc on the headers the page names),
# automarkup (function and struct names become links) and Sphinx's
# autosectionlabel, with the C domain settings of the kernel's
# Documentation/conf.py. Nothing else of the kernel's documentation is read,
# so the build takes seconds.
#
# Any warning fails the build: Sphinx's own (-W; --keep-going reports all
# of them) and kernel-doc's (KDOC_WERROR=1: kernel-doc then exits non-zero
# on a warning, which kerneldoc.py reports as a Sphinx warning). The whole
# output goes to LOG (default build/logs/check-docs.log), the page to
# build/docs/html/generic_pt.html. On failure the warnings are printed, with
# the scratch copy's path replaced by the page's, and the last line says
# how many there were.

. "$(dirname "$0")/lib.sh"

LOG=${1:-$GENPT_LOGS/check-docs.log}
PAGE=Documentation/driver-api/generic_pt.rst
OUT=$GENPT_BUILD/docs/html

mkdir -p "$(dirname "$LOG")"

# Also in the log, which the docs check points to
docs_die() {
	echo "$*" >"$LOG"
	genpt_die "$*"
}

[ -f "$GENPT_SRC/$PAGE" ] || docs_die "build/src is not assembled (run 'make tree')"
command -v sphinx-build >/dev/null ||
	docs_die "sphinx-build is missing (Debian package python3-sphinx; deps.sh installs it)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/genpt-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
cp "$GENPT_SRC/$PAGE" "$tmp/src/generic_pt.rst"

cat >"$tmp/conf.py" <<'EOF'
# Sphinx configuration of docs.sh: the page alone, with the kernel's
# extensions and C domain settings.
import ast
import os
import sys

srctree = os.environ['GENPT_DOCS_SRCTREE']
sys.path.insert(0, os.path.join(srctree, 'Documentation', 'sphinx'))

project = 'genpt'
root_doc = 'generic_pt'
extensions = ['kerneldoc', 'automarkup', 'sphinx.ext.autosectionlabel']
autosectionlabel_prefix_document = True
autosectionlabel_maxdepth = 2
primary_domain = 'c'
highlight_language = 'none'
kerneldoc_bin = os.path.join(srctree, 'scripts', 'kernel-doc')
kerneldoc_srctree = srctree


def kernel_conf(name):
    """A list the kernel's Documentation/conf.py assigns to name"""
    path = os.path.join(srctree, 'Documentation', 'conf.py')
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name
                for t in node.targets):
            return ast.literal_eval(node.value)
    return []


# Attributes the C domain must skip in prototypes (__always_inline, ...)
c_id_attributes = kernel_conf('c_id_attributes')
EOF

t0=$(genpt_now)
rm -rf "$OUT"
rc=0
GENPT_DOCS_SRCTREE=$GENPT_SRC KDOC_WERROR=1 \
	sphinx-build -b html -E -W --keep-going -c "$tmp" \
	-d "$tmp/doctrees" -w "$tmp/warnings" "$tmp/src" "$OUT" >"$LOG" 2>&1 || rc=$?
secs=$(genpt_elapsed "$t0")

# Warnings name the scratch copy: name the page instead.
sed -i "s|$tmp/src/generic_pt.rst|$PAGE|g; s|$tmp/src/generic_pt:|$PAGE:|g
	s|$GENPT_SRC/||g" "$LOG" "$tmp/warnings"
n=$(sed -n 's/^build finished with problems, \([0-9]*\) warning.*/\1/p' "$LOG")
n=${n:-0}
[ "$n" = 0 ] && [ -s "$tmp/warnings" ] && n=1
{
	echo
	echo "sphinx-build exit status $rc, $n warning(s), ${secs}s"
} >>"$LOG"

if [ "$rc" != 0 ] || [ "$n" != 0 ]; then
	# kernel-doc's own messages, then Sphinx's warnings (kerneldoc.py's
	# for a kernel-doc that warned among them)
	grep -E '^[^ ]+:[0-9]+: (warning|error): ' "$LOG" | sort -u
	cat "$tmp/warnings"
	echo "docs: $PAGE: sphinx-build exit status $rc, $n warning(s) (log: ${LOG#"$GENPT_ROOT"/})"
	exit 1
fi
genpt_msg "docs: $PAGE built without warnings in ${secs}s: ${OUT#"$GENPT_ROOT"/}/generic_pt.html"
