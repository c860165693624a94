#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side analysis of the genpt end-to-end boots (e2e.sh).

  e2e_report.py faults CASE_DIR
      Sorts every DMAR fault of one boot into expected (announced by the
      guest with GENPT_E2E_EXPECT_FAULT) and unexpected: the faults QEMU
      traced (vtd_dmar_fault, trace-faults.log) and the fault records of the
      guest's kernel log (console.log). Writes CASE_DIR/faults.txt and
      prints one result line "faults PASS|FAIL <detail>": FAIL if a fault
      was not announced, or an announced one is not in QEMU's trace.
"""

import argparse
import os
import re
import sys

EXPECT = re.compile(r'^GENPT_E2E_EXPECT_FAULT: (\S+) (read|write) '
                    r'(?:[0-9a-f]{4}:)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) '
                    r'(0x[0-9a-f]+)')
# intel-iommu's fault record (dmar_fault_do_one()).
GUEST_FAULT = re.compile(r'DMAR: \[(DMA \w+|INTR-REMAP)[^]]*\] Request device '
                         r'\[([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])\] '
                         r'(?:fault addr|fault index) (0x[0-9a-f]+)')
# QEMU 7.2 hw/i386/trace-events: vtd_dmar_fault "sid 0x%x fault %d addr
# 0x%lx write %d", after the log backend's "<pid>@<time>:" prefix.
TRACE_FAULT = re.compile(r'(?:^|:)vtd_dmar_fault sid (0x[0-9a-f]+) fault (\d+) '
                         r'addr (0x[0-9a-f]+) write (\d)')


def sid(bus, dev, fn):
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn)


def page(addr):
    return int(addr, 16) & ~0xfff


def read_lines(path):
    try:
        with open(path, errors='replace') as f:
            return [line.rstrip('\r\n').replace('\r', '') for line in f]
    except OSError:
        return []


def guest_kernel_log(console):
    """The kernel log the guest dumped at the end, else the whole console."""
    try:
        begin = console.index('GENPT_E2E_DMESG_BEGIN')
        end = console.index('GENPT_E2E_DMESG_END', begin)
        return console[begin + 1:end]
    except ValueError:
        return console


def faults(args):
    console = read_lines(os.path.join(args.case_dir, 'console.log'))
    trace = read_lines(os.path.join(args.case_dir, 'trace-faults.log'))
    expected = {}
    for line in console:
        m = EXPECT.match(line)
        if m:
            expected[(sid(*m.group(3, 4, 5)), page(m.group(6)))] = m.group(1)
    report = []
    traced = set()
    trace_exp = trace_unexp = 0
    for line in trace:
        m = TRACE_FAULT.search(line)
        if not m:
            continue
        key = (int(m.group(1), 16), page(m.group(3)))
        if key in expected:
            trace_exp += 1
            traced.add(key)
        else:
            trace_unexp += 1
            report.append('unexpected trace: ' + line)
    log_exp = log_unexp = 0
    for line in guest_kernel_log(console):
        m = GUEST_FAULT.search(line)
        if not m:
            if 'DMAR: [' in line and 'fault' in line:
                log_unexp += 1
                report.append('unexpected log (unparsed): ' + line)
            continue
        key = (sid(*m.group(2, 3, 4)), page(m.group(5)))
        if m.group(1).startswith('DMA') and key in expected:
            log_exp += 1
        else:
            log_unexp += 1
            report.append('unexpected log: ' + line)
    missing = 0
    for key, name in sorted(expected.items()):
        seen = key in traced
        missing += not seen
        report.append('expected %s: sid %#06x page %#x %s' %
                      (name, key[0], key[1], 'traced' if seen else 'NOT TRACED'))
    summary = ('expected=%d (trace %d, log %d) unexpected: trace %d, log %d'
               % (len(expected), trace_exp, log_exp, trace_unexp, log_unexp))
    with open(os.path.join(args.case_dir, 'faults.txt'), 'w') as f:
        f.write('\n'.join(report + [summary]) + '\n')
    ok = not trace_unexp and not log_unexp and not missing
    if missing:
        summary += ', %d expected not traced' % missing
    print('faults %s %s' % ('PASS' if ok else 'FAIL', summary))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    f = sub.add_parser('faults')
    f.add_argument('case_dir')
    args = ap.parse_args()
    if args.cmd == 'faults':
        return faults(args)
    return 2


if __name__ == '__main__':
    sys.exit(main())
