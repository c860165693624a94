#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Turn the "genpt_bench:" lines of a benchmark kernel's console log
# (drivers/iommu/generic_pt/kunit/kunit_bench.h) into a table: per pair and row,
# ns per call of map and unmap for genpt and the legacy io-pgtable, and
# genpt/legacy; then the store limit of 256 leaves against the 256x4K map.
#
#   bench.py [--arch ARCH] LOG               the table of one run
#   bench.py targets [--quick] RUN=LOG...    the performance targets
#
# "targets" judges the figures of the runs given (RUN: um or x86_64, the
# architecture of bench.sh) against the targets of the performance issue:
# one line per pair and row with genpt, 6.12, their ratio (or genpt's map
# against the store limit), the target and whether it is met. armv8 and
# vtdss are judged on UML, the AMD pairs on x86_64 (QEMU). It is a
# benchmark: a missed target is printed, not an error; only a run whose
# log lacks a row that the targets need fails (exit status 1). --quick
# (one round, as make test runs it) prints the figures without judging.

import argparse
import os
import re
import sys
import time

LINE = re.compile(r'genpt_bench: pair=(\S+) row=(\S+) op=(\S+) impl=(\S+) '
                  r'calls=(\d+) best_ns=(\d+)')
ROWS = ['4K', '2M', '1G', '256x4K', '256x2M']


ARM = 'armv8/io-pgtable-arm'
AMD = ['amdv1/AMD_IOMMU_V1', 'x86_64/AMD_IOMMU_V2']
# (run, pairs, rows, ops, kind, bound), lower is better: kind 'ratio' is
# genpt / 6.12, 'limit' genpt's 256x4K map / the cost of storing its 256
# leaves. UML is the reference for the core (TCG bends ratios), the AMD
# pairs run only in the x86_64 kernel.
TARGETS = [
    ('um', [ARM], ['4K'], ['map'], 'ratio', 0.80),
    ('x86_64', AMD, ['4K'], ['map'], 'ratio', 0.80),
    ('um', [ARM], ['4K'], ['unmap'], 'ratio', 0.85),
    ('x86_64', AMD, ['4K'], ['unmap'], 'ratio', 0.85),
    ('um', [ARM], ['2M', '1G'], ['map', 'unmap'], 'ratio', 0.85),
    ('x86_64', AMD, ['2M', '1G'], ['map', 'unmap'], 'ratio', 0.85),
    ('um', [ARM], ['256x4K', '256x2M'], ['map'], 'ratio', 0.60),
    ('um', [ARM], ['256x4K', '256x2M'], ['unmap'], 'ratio', 0.50),
    ('x86_64', AMD, ['256x4K', '256x2M'], ['map', 'unmap'], 'ratio', 0.18),
    ('um', [ARM, 'vtdss/none'], ['256x4K'], ['map'], 'limit', 2.5),
    ('x86_64', AMD, ['256x4K'], ['map'], 'limit', 2.5),
]


def parse(path):
    res = {}
    pairs = []
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            pair, row, op, impl, calls, ns = m.groups()
            if pair not in pairs:
                pairs.append(pair)
            res[(pair, row, op, impl)] = int(ns) / int(calls)
    return res, pairs


def targets(argv):
    ap = argparse.ArgumentParser(prog='bench.py targets')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('runs', nargs='+', metavar='RUN=LOG')
    a = ap.parse_args(argv)

    runs = {}
    for r in a.runs:
        name, sep, path = r.partition('=')
        if not sep:
            ap.error(f'{r}: RUN=LOG expected')
        runs[name] = parse(path)[0]

    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next((ln.split(':', 1)[1].strip() for ln in f
                        if ln.startswith('model name')), '')
    except OSError:
        pass
    print(f'# {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, '
          f'{os.cpu_count()} CPUs, {cpu or "unknown CPU"}; '
          f'runs: {", ".join(runs)}')
    print('genpt performance targets: ns per call, best of the rounds; '
          'lower is better' +
          ('; quick: one round, not judged' if a.quick else ''))
    hdr = (f'{"run":<7} {"format / 6.12":<22} {"row":<7} {"op":<6} '
           f'{"genpt":>9} {"6.12|store":>10} {"value":>7} {"target":>9}')
    if not a.quick:
        hdr += f' {"met":>5}'
    print(hdr)
    print('-' * len(hdr))
    met = total = missing = 0
    for run, pairs, rows, ops, kind, bound in TARGETS:
        if run not in runs:
            continue
        res = runs[run]
        for pair in pairs:
            for row in rows:
                for op in ops:
                    g = res.get((pair, row, op, 'genpt'))
                    if kind == 'ratio':
                        ref = res.get((pair, row, op, 'legacy'))
                        tgt = f'<= {bound:.2f}'
                    else:
                        ref = res.get((pair, row, 'store', 'limit'))
                        tgt = f'<= {bound:.1f}x'
                    line = f'{run:<7} {pair:<22} {row:<7} {op:<6} '
                    if g is None or not ref:
                        missing += 1
                        print(line + f'{"-":>9} {"-":>10} {"-":>7} {tgt:>9}'
                              + ('' if a.quick else f' {"none":>5}'))
                        continue
                    v = g / ref
                    val = f'{v:.2f}' if kind == 'ratio' else f'{v:.1f}x'
                    line += f"{g:>9.0f} {ref:>10.0f} {val:>7} {tgt:>9}"
                    if not a.quick:
                        total += 1
                        ok = v <= bound
                        met += ok
                        line += f' {"yes" if ok else "NO":>5}'
                    print(line)
    print()
    if not a.quick:
        print(f'targets met: {met} of {total}')
    if missing:
        print(f'error: {missing} row(s) missing from the logs',
              file=sys.stderr)
        return 1
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'targets':
        return targets(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', default='')
    ap.add_argument('log')
    a = ap.parse_args()

    res, pairs = parse(a.log)
    if not res:
        return 1

    print(f'genpt benchmark ({a.arch}): ns per call, best of the rounds; '
          'ratio = genpt / legacy')
    hdr = f'{"format / legacy":<24} {"row":<8} {"op":<6} ' \
          f'{"genpt":>10} {"legacy":>10} {"ratio":>7}'
    for pair in pairs:
        print()
        print(hdr)
        print('-' * len(hdr))
        for row in ROWS:
            for op in ('map', 'unmap'):
                g = res.get((pair, row, op, 'genpt'))
                lg = res.get((pair, row, op, 'legacy'))
                if g is None:
                    continue
                # a format without a 6.12 io-pgtable: genpt alone
                if lg is None:
                    print(f'{pair:<24} {row:<8} {op:<6} {g:>10.0f} '
                          f'{"-":>10} {"-":>7}')
                    continue
                print(f'{pair:<24} {row:<8} {op:<6} {g:>10.0f} {lg:>10.0f} '
                      f'{g / lg:>7.2f}')
        lim = res.get((pair, '256x4K', 'store', 'limit'))
        if lim is not None:
            print(f'{pair:<24} {"limit":<8} {"store":<6} {lim:>10.0f} '
                  f'{"-":>10} {"-":>7}')
            for impl in ('genpt', 'legacy'):
                m = res.get((pair, '256x4K', 'map', impl))
                if m is not None:
                    print(f'  256x4K map, {impl}: {m / lim:.1f} x the cost '
                          'of storing its 256 leaves')
    return 0


if __name__ == '__main__':
    sys.exit(main())
