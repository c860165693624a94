#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash
#
# /init of the debug KUnit boot (kunit.sh, configuration x86_64-debug). The
# built-in KUnit suites run before the kernel starts init, so by now every
# suite has finished; what is left is to ask kmemleak what they leaked.
# kunit.sh (report.py debug-result) reads the report between the
# GENPT_KMEMLEAK_BEGIN and GENPT_KMEMLEAK_END lines of the console, and
# the whole console for sanitizer reports.

PATH=/bin
export PATH

KMEMLEAK=/sys/kernel/debug/kmemleak

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
echo "GENPT_DEBUG_INIT: $(cut -d' ' -f1 /proc/uptime)s after boot"

# scan N: one kmemleak scan; a failed write is an error of its own (with
# kmemleak off, the report would just be empty).
scan() {
	echo scan >"$KMEMLEAK" || echo "GENPT_KMEMLEAK_ERROR: scan $1 failed"
}

if [ -e "$KMEMLEAK" ]; then
	# kmemleak lists only objects older than its minimum age (5 s): let
	# what the last suite allocated age first. Then two scans: an object
	# that the first finds unreferenced may still have been in flight (in
	# a register, on a list being rebuilt); the report lists only what the
	# second scan still finds unreferenced.
	sleep 6
	scan 1
	sleep 6
	scan 2
	echo "GENPT_DEBUG: kmemleak scans done $(cut -d' ' -f1 /proc/uptime)s after boot"
	echo GENPT_KMEMLEAK_BEGIN
	cat "$KMEMLEAK" || echo "GENPT_KMEMLEAK_ERROR: cannot read $KMEMLEAK"
	echo GENPT_KMEMLEAK_END
else
	echo "GENPT_KMEMLEAK_MISSING: no $KMEMLEAK"
fi

echo GENPT_DEBUG_DONE
# QEMU runs with -no-reboot: a reboot ends it, as kunit.py's
# kunit_shutdown=reboot does.
reboot -f
