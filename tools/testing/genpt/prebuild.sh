#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kernels ahead of the stage that needs them, in the background of
# "make test" (test.sh starts it at nice 19, so that it runs on what the
# stages leave idle: a KUnit or e2e boot under TCG keeps about one of the
# two cores busy).
#
#   GENPT_PREBUILD=DIR prebuild.sh NAME...
#
# NAME is a kernel as the scripts that build it name it: i386 or i386-pae
# (kunit.sh --build-only), std, san, arm64 or arm64-64k (e2e.sh
# --kernel-only). They are built in the order given, in their own build
# directories, as the later stage would build them, so that its build
# finds nothing left to do. A stage about to build NAME calls
# genpt_prebuild_claim (lib.sh): if this script has not started NAME yet
# it skips it, if it is building NAME the stage waits for it. A failed
# build here is only logged: the stage builds again and reports it.
# Writes DIR/NAME.done ("<seconds> <exit status>") for each kernel built
# and keeps each e2e kernel's build log as build/logs/prebuild-NAME.log
# (the stage's own build, which finds nothing to do, rewrites its log).

. "$(dirname "$0")/lib.sh"

dir=${GENPT_PREBUILD:-}
{ [ -n "$dir" ] && [ -d "$dir" ]; } || genpt_die "GENPT_PREBUILD must name a directory"
[ $# -gt 0 ] || genpt_die "usage: GENPT_PREBUILD=DIR prebuild.sh NAME..."

for name in "$@"; do
	case $name in
	i386 | i386-pae) cmd=("$GENPT_TOOLS/kunit.sh" --build-only "$name") ;;
	std | san | arm64 | arm64-64k) cmd=("$GENPT_TOOLS/e2e.sh" --kernel-only "$name") ;;
	*) genpt_die "unknown kernel '$name'" ;;
	esac
	exec {fd}>"$dir/$name.lock"
	# A stage holds the lock only while it claims the kernel.
	if ! flock -n "$fd" || [ -e "$dir/$name.claimed" ]; then
		exec {fd}>&-
		genpt_msg "prebuild: $name: its stage has begun, not built here"
		continue
	fi
	genpt_msg "prebuild: $(date -u '+%T') building $name: ${cmd[*]#"$GENPT_ROOT"/}"
	t0=$(genpt_now)
	# not claimed by itself: without GENPT_PREBUILD the scripts do not wait
	env -u GENPT_PREBUILD "${cmd[@]}" </dev/null 2>&1
	rc=$?
	secs=$(genpt_elapsed "$t0")
	case $name in
	std) klog=e2e-kernel.log ;;
	san) klog=e2e-san-kernel.log ;;
	arm64) klog=e2e-arm64-kernel.log ;;
	arm64-64k) klog=e2e-arm64-64k-kernel.log ;;
	*) klog="" ;;
	esac
	[ -n "$klog" ] && cp "$GENPT_LOGS/$klog" "$GENPT_LOGS/prebuild-$name.log" 2>/dev/null
	echo "$secs $rc" >"$dir/$name.done"
	genpt_msg "prebuild: $(date -u '+%T') $name: exit status $rc after ${secs}s"
	exec {fd}>&-
done
