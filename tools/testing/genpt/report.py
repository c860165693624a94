#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Result handling for the genpt test scripts.

  report.py kunit-result --arch A --log L --json J --rc N --seconds S
      Turn one kunit.py run into a result line (see kunit.sh).
  report.py summary RESFILE...
      Print the per-arch / per-check table and the final count line; exit 1
      if anything failed.
  report.py run-report --config C --json J --log L
      The human report of "make run".

Result lines are tab separated:
  kind name passed failed skipped seconds PASS|FAIL log note
"""

import argparse
import json
import os
import re
import sys

ANSI = re.compile(r'\x1b\[[0-9;]*m')
# kunit_parser.TestCounts.__str__: "Ran N tests: passed: P, failed: F, ...",
# zero counts omitted; printed after "Testing complete. ".
SUMMARY = re.compile(r'Testing complete\. Ran (\d+) tests?(?::\s*(.*))?$')


def parse_summary(log_path):
    """Counts from the last "Testing complete." line of kunit.py's output."""
    counts = None
    try:
        with open(log_path, errors='replace') as f:
            for line in f:
                m = SUMMARY.search(ANSI.sub('', line.rstrip('\n')))
                if not m:
                    continue
                counts = {'total': int(m.group(1)), 'passed': 0, 'failed': 0,
                          'crashed': 0, 'skipped': 0, 'errors': 0}
                for field in (m.group(2) or '').split(','):
                    key, _, val = field.strip().partition(':')
                    if key.strip() in counts and val.strip().isdigit():
                        counts[key.strip()] = int(val)
    except OSError:
        pass
    return counts


def leaves(group):
    """Leaf test results of a kunit.py JSON group, as (path, status)."""
    for case in group.get('test_cases', []):
        # kunit.py leaves the name empty for a case that never reported.
        yield case['name'] or '<no result>', case['status']
    for sub in group.get('sub_groups', []):
        for name, status in leaves(sub):
            yield sub['name'] + '.' + name, status


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def rel(path):
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    path = os.path.abspath(path)
    return os.path.relpath(path, root) if path.startswith(root + '/') else path


def kunit_result(args):
    counts = parse_summary(args.log)
    notes = []
    if counts is None:
        # kunit.py only prints the summary once it has parsed a run; without
        # it the configuration, the build or the boot failed.
        tree = load_json(args.json)
        if tree is not None:
            st = [s for _, s in leaves(tree)]
            counts = {'total': len(st), 'passed': st.count('PASS'),
                      'skipped': st.count('SKIP'),
                      'failed': len(st) - st.count('PASS') - st.count('SKIP'),
                      'crashed': 0, 'errors': 0}
    if counts is None:
        passed, failed, skipped = 0, 1, 0
        notes.append('no test results (config, build or boot failure)')
    else:
        passed = counts['passed']
        skipped = counts['skipped']
        failed = counts['failed'] + counts['crashed']
        if counts['crashed']:
            notes.append('%d crashed' % counts['crashed'])
        if counts['errors'] and not failed:
            failed = 1
            notes.append('%d KTAP parse error(s)' % counts['errors'])
        if passed + failed + skipped == 0:
            failed = 1
            notes.append('no tests ran')
    if args.rc != 0 and not failed:
        failed = 1
        notes.append('kunit.py exited with status %d' % args.rc)
    tree = load_json(args.json)
    if tree is not None and failed:
        bad = [n for n, st in leaves(tree) if st not in ('PASS', 'SKIP')]
        if bad:
            notes.append('failed: ' + ', '.join(bad[:5]) +
                         (', ...' if len(bad) > 5 else ''))
    if args.config_error:
        failed += 1
        notes.append(args.config_error)
    status = 'FAIL' if failed else 'PASS'
    print('\t'.join(['kunit', args.arch, str(passed), str(failed),
                     str(skipped), args.seconds, status, rel(args.log),
                     '; '.join(notes) or '-']))


def read_results(paths):
    rows = []
    # In the order they were written, which is the order they ran in.
    paths = sorted((p for p in paths if os.path.exists(p)),
                   key=lambda p: os.stat(p).st_mtime_ns)
    for path in paths:
        try:
            with open(path) as f:
                for line in f:
                    parts = line.rstrip('\n').split('\t')
                    if len(parts) < 9:
                        continue
                    kind, name, p, f_, s, secs, status, log, note = parts[:9]
                    rows.append({'kind': kind, 'name': name, 'passed': int(p),
                                 'failed': int(f_), 'skipped': int(s),
                                 'seconds': secs, 'status': status,
                                 'log': log, 'note': note})
        except (OSError, ValueError):
            continue
    return rows


def summary(args):
    rows = read_results(args.results)
    for row in args.missing or []:
        # An expected result that never got written counts as a failure.
        if not any('%s %s' % (r['kind'], r['name']) == row for r in rows):
            kind, _, name = row.partition(' ')
            rows.append({'kind': kind, 'name': name, 'passed': 0, 'failed': 1,
                         'skipped': 0, 'seconds': '-', 'status': 'FAIL',
                         'log': '-', 'note': 'no result recorded'})
    fmt = '  %-6s %-44s %7s %7s %7s %8s  %s'
    print()
    print('Summary')
    print(fmt % ('kind', 'name', 'passed', 'failed', 'skipped', 'seconds',
                 'result'))
    for r in rows:
        result = r['status']
        if r['status'] != 'PASS':
            note = r['note']
            if len(note) > 110:
                note = note[:107] + '...'
            result += ' (%s) see %s' % (note, r['log'])
        print(fmt % (r['kind'], r['name'], r['passed'], r['failed'],
                     r['skipped'], r['seconds'], result))
    passed = sum(r['passed'] for r in rows)
    failed = sum(r['failed'] for r in rows)
    skipped = sum(r['skipped'] for r in rows)
    print()
    if skipped:
        print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    else:
        print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not rows else 0


def suite_table(tree):
    """Per top-level suite: cases, leaf results, pass/fail/skip."""
    suites = []
    for suite in tree.get('sub_groups', []):
        st = [s for _, s in leaves(suite)]
        cases = len(suite.get('test_cases', [])) + len(suite.get('sub_groups', []))
        params = [(g['name'], [c['name'] for c in g.get('test_cases', [])])
                  for g in suite.get('sub_groups', [])]
        suites.append({'name': suite['name'], 'cases': cases,
                       'results': len(st), 'passed': st.count('PASS'),
                       'skipped': st.count('SKIP'),
                       'failed': len(st) - st.count('PASS') - st.count('SKIP'),
                       'parameterized': params})
    return suites


def run_report(args):
    formats, options = [], []
    try:
        with open(args.config) as f:
            for line in f:
                m = re.match(r'CONFIG_IOMMU_PT_(\w+)=[ym]$', line.strip())
                if not m:
                    continue
                # A format is an option with a format header fmt/<name>.h.
                name = m.group(1).lower()
                if os.path.exists(os.path.join(args.fmt_dir, name + '.h')):
                    formats.append(name)
                else:
                    options.append('CONFIG_IOMMU_PT_' + m.group(1))
    except OSError:
        pass
    tree = load_json(args.json)
    print()
    print('genpt on %s (kernel config %s)' % (args.arch, rel(args.config)))
    print('  formats built: %s' % (', '.join(formats) or 'none'))
    if options:
        print('  also enabled: %s' % ', '.join(options))
    if tree is None:
        print('  no parsed KUnit results: see %s' % rel(args.log))
        return 1
    suites = suite_table(tree)
    print('  suites run: %d' % len(suites))
    fmt = '    %-36s %6s %8s %7s %7s %8s  %s'
    print(fmt % ('suite', 'cases', 'results', 'passed', 'failed', 'skipped',
                 'result'))
    for s in suites:
        res = 'FAIL' if s['failed'] else ('SKIP' if not s['passed'] else 'ok')
        print(fmt % (s['name'], s['cases'], s['results'], s['passed'],
                     s['failed'], s['skipped'], res))
    # Parameterized cases run once per configuration: list those once per
    # distinct set of parameters rather than once per case.
    param_sets = {}
    for s in suites:
        for case, names in s['parameterized']:
            param_sets.setdefault(tuple(names), []).append(s['name'] + '.' + case)
    for names, cases in param_sets.items():
        print('  configurations (%d) of %d parameterized case(s):'
              % (len(names), len(cases)))
        for n in names[:20]:
            print('    ' + n)
        if len(names) > 20:
            print('    ... %d more' % (len(names) - 20))
    failed_cases = [n for s in suites for n, st in
                    leaves({'sub_groups': [g for g in tree['sub_groups']
                                           if g['name'] == s['name']]})
                    if st not in ('PASS', 'SKIP')]
    passed = sum(s['passed'] for s in suites)
    failed = sum(s['failed'] for s in suites)
    skipped = sum(s['skipped'] for s in suites)
    if failed_cases:
        print('  failed:')
        for n in failed_cases[:30]:
            print('    ' + n)
    print('  total: %d passed, %d failed, %d skipped (results per parameter)'
          % (passed, failed, skipped))
    print('  full output: %s' % rel(args.log))
    return 1 if failed or not suites else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    k = sub.add_parser('kunit-result')
    k.add_argument('--arch', required=True)
    k.add_argument('--log', required=True)
    k.add_argument('--json', required=True)
    k.add_argument('--rc', type=int, required=True)
    k.add_argument('--seconds', required=True)
    k.add_argument('--config-error', default='')
    s = sub.add_parser('summary')
    s.add_argument('--expect', dest='missing', action='append',
                   help='"kind name" that must have a result')
    s.add_argument('results', nargs='*')
    r = sub.add_parser('run-report')
    r.add_argument('--arch', default='x86_64')
    r.add_argument('--config', required=True)
    r.add_argument('--json', required=True)
    r.add_argument('--log', required=True)
    r.add_argument('--fmt-dir', required=True,
                   help='drivers/iommu/generic_pt/fmt of the assembled tree')
    args = ap.parse_args()
    if args.cmd == 'kunit-result':
        kunit_result(args)
        return 0
    if args.cmd == 'summary':
        return summary(args)
    return run_report(args)


if __name__ == '__main__':
    sys.exit(main())
