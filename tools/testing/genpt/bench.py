#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Turn the "genpt_bench:" lines of a benchmark kernel's console log
# (drivers/iommu/generic_pt/kunit/kunit_bench.h) into a table: per pair and row,
# ns per call of map and unmap for genpt and the legacy io-pgtable, and
# genpt/legacy; then the store limit of 256 leaves against the 256x4K map.

import argparse
import re
import sys

LINE = re.compile(r'genpt_bench: pair=(\S+) row=(\S+) op=(\S+) impl=(\S+) '
                  r'calls=(\d+) best_ns=(\d+)')
ROWS = ['4K', '2M', '1G', '256x4K', '256x2M']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', default='')
    ap.add_argument('log')
    a = ap.parse_args()

    res = {}
    pairs = []
    with open(a.log, errors='replace') as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            pair, row, op, impl, calls, ns = m.groups()
            if pair not in pairs:
                pairs.append(pair)
            res[(pair, row, op, impl)] = int(ns) / int(calls)
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
