#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Result handling for the genpt test scripts.

  report.py kunit-result --arch A --type T --log L --json J --rc N --seconds S
                         [--error NOTE]...
      Turn one kunit.py run into a result line (see kunit.sh); each --error
      is one more failure.
  report.py debug-result --arch A --console C --details D
      The kmemleak and sanitizer results of a debug boot (see kunit.sh):
      two result lines; the reports themselves go to D.
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
    # A configuration, boot or machine error (kunit.sh says which) is one
    # failure of its own; the exit status then says nothing more.
    for err in args.error or []:
        failed += 1
        notes.append(err)
    if args.rc != 0 and not failed:
        failed = 1
        notes.append('kunit.py exited with status %d' % args.rc)
    tree = load_json(args.json)
    if tree is not None and failed:
        bad = [n for n, st in leaves(tree) if st not in ('PASS', 'SKIP')]
        if bad:
            notes.append('failed: ' + ', '.join(bad[:5]) +
                         (', ...' if len(bad) > 5 else ''))
    status = 'FAIL' if failed else 'PASS'
    print('\t'.join(['kunit', '%s (%s)' % (args.arch, args.type),
                     str(passed), str(failed), str(skipped), args.seconds,
                     status, rel(args.log), '; '.join(notes) or '-']))


# Console lines of a debug boot (kunit.sh) and what they mean. The first
# pattern that matches a line names its report; "WARNING:" and "BUG:" come
# last, so that a lockdep or sleep-in-atomic report is named as such.
SANITIZER_REPORTS = [
    ('KASAN', re.compile(r'BUG: KASAN: ')),
    ('UBSAN', re.compile(r'UBSAN: ')),
    ('lockdep', re.compile(
        r'WARNING: (possible (circular|recursive) locking|inconsistent lock'
        r' state|possible irq lock inversion|suspicious RCU usage|bad unlock'
        r' balance|held lock freed|.*lock held)|INFO: trying to register'
        r' non-static key|BUG: (MAX_LOCK|MAX_STACK_TRACE|looking up invalid'
        r' subclass)|turning off the locking correctness validator')),
    ('sleep in atomic', re.compile(
        r'BUG: (sleeping function called from invalid context|scheduling'
        r' while atomic)')),
    ('WARNING', re.compile(r'\bWARNING: ')),
    ('BUG', re.compile(r'\bBUG: |kernel BUG at ')),
    ('Oops', re.compile(r'\bOops\b|general protection fault|Kernel panic')),
]
# Not sanitizer reports, but worth a note: under TCG on a loaded machine a
# vCPU can be descheduled long enough for these.
STALL = re.compile(r'rcu: INFO: .*detected stall|INFO: task .* blocked for more than')
# kmemleak could not track every object: its report would be incomplete.
KMEMLEAK_OFF = re.compile(r'kmemleak: (Kernel memory leak detector disabled|'
                          r'Cannot allocate|Memory pool empty|'
                          r'Automatic memory scanning thread ended)')
PRINTK_PREFIX = re.compile(r'^\[\s*\d+\.\d+\]\s?')
FRAME = re.compile(r'^\s*(?:\[<[0-9a-f]+>\]\s*)?([A-Za-z0-9_.$]+)\+0x')

# Leaks that are 6.12's and not ours, each ignored by its exact backtrace
# (the functions, innermost first, after kmemleak's own allocation hooks),
# with the reason. Empty: the debug boot reports none.
KNOWN_LEAKS = []


def console_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('utf-8', 'replace')
    except OSError:
        return None
    return [PRINTK_PREFIX.sub('', l.rstrip('\r')) for l in data.split('\n')]


def kmemleak_blocks(lines):
    """The kmemleak report between the init's markers, as a list of
    objects (lists of lines), or None without a complete report."""
    try:
        begin = lines.index('GENPT_KMEMLEAK_BEGIN')
        end = lines.index('GENPT_KMEMLEAK_END', begin)
    except ValueError:
        return None, (0, 0)
    blocks = []
    for line in lines[begin + 1:end]:
        if line.startswith('unreferenced object '):
            blocks.append([line])
        elif blocks and line.startswith(' '):
            blocks[-1].append(line)
    return blocks, (begin, end)


def block_frames(block):
    frames = []
    in_bt = False
    for line in block:
        if line.strip().startswith('backtrace'):
            in_bt = True
        elif in_bt:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))
    return frames


def known_leak(frames):
    for reason, known in KNOWN_LEAKS:
        if frames[:len(known)] == known:
            return reason
    return None


def debug_result(args):
    lines = console_lines(args.console)
    details = []
    log = rel(args.console)

    def row(name, ok, note):
        # the time is the configuration's, on its own line
        print('\t'.join(['kunit', '%s %s' % (args.arch, name), str(int(ok)),
                         str(int(not ok)), '0', '-',
                         'PASS' if ok else 'FAIL', log, note or '-']))

    if lines is None:
        row('kmemleak', False, 'no console log')
        row('sanitizers', False, 'no console log')
        return

    # kmemleak
    blocks, (begin, end) = kmemleak_blocks(lines)
    off = [l for l in lines if KMEMLEAK_OFF.search(l)]
    ignored = []
    if blocks is None:
        ok, note = False, 'no kmemleak report: ' + (
            'kmemleak not in debugfs' if 'GENPT_KMEMLEAK_MISSING' in
            ' '.join(lines) else 'init did not get to the scan')
    elif any(l.startswith('GENPT_KMEMLEAK_ERROR') for l in lines):
        ok, note = False, [l for l in lines
                           if l.startswith('GENPT_KMEMLEAK_ERROR')][0]
    elif off:
        ok, note = False, 'kmemleak stopped tracking: ' + off[0].strip()
    else:
        leaks = []
        for b in blocks:
            frames = [f for f in block_frames(b)
                      if not f.startswith(('kmemleak_', '__kmemleak'))]
            reason = known_leak(frames)
            if reason:
                ignored.append((reason, b))
            else:
                leaks.append((frames, b))
        ok = not leaks
        if ok:
            note = '0 unreferenced objects after 2 scans'
        else:
            frames, b = leaks[0]
            note = '%d unreferenced object(s); first %s from %s' % (
                len(leaks), b[0].split('(')[-1].rstrip('):'),
                ' < '.join(frames[:6]) or 'no backtrace')
            details.append('kmemleak: %d unreferenced object(s)' % len(leaks))
            for _, b in leaks:
                details.extend(b)
        if ignored:
            note += '; %d known 6.12 leak(s) ignored (%s)' % (
                len(ignored), ', '.join(sorted({r for r, _ in ignored})))
    row('kmemleak', ok, note)

    # sanitizers, outside the kmemleak report
    found = []
    stalls = 0
    for i, line in enumerate(lines):
        # kmemleak's report is judged above; our init's lines are ours
        if blocks is not None and begin <= i <= end or line.startswith('GENPT_'):
            continue
        if STALL.search(line):
            stalls += 1
            continue
        for kind, pattern in SANITIZER_REPORTS:
            if pattern.search(line):
                found.append((kind, i))
                break
    if found:
        counts = {}
        for kind, _ in found:
            counts[kind] = counts.get(kind, 0) + 1
        note = ', '.join('%s x%d' % kv for kv in counts.items()) + \
            ': ' + lines[found[0][1]].strip()
        details.append('')
        details.append('console reports: %s' % ', '.join(
            '%s x%d' % kv for kv in counts.items()))
        for kind, i in found[:10]:
            details.append('--- %s, console line %d' % (kind, i + 1))
            # the report up to its end marker, our next line or 30 lines
            for line in lines[i:i + 30]:
                if line.startswith('GENPT_'):
                    break
                details.append(line)
                if line.startswith('---[ end trace') or line.startswith('====='):
                    if line is not lines[i]:
                        break
    else:
        note = 'no KASAN, UBSAN, lockdep, sleep in atomic, WARNING, BUG, Oops'
    if stalls:
        note += '; %d stall warning(s), not counted' % stalls
    row('sanitizers', not found, note)

    with open(args.details, 'w') as f:
        f.write('\n'.join(details) + '\n' if details else
                'no kmemleak or sanitizer report\n')
        for reason, b in ignored:
            f.write('\nignored (%s):\n' % reason)
            f.write('\n'.join(b) + '\n')


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
    k.add_argument('--type', required=True,
                   help='build type: production, debug+sanitizers')
    k.add_argument('--error', action='append',
                   help='a configuration or boot error: one more failure')
    d = sub.add_parser('debug-result')
    d.add_argument('--arch', required=True)
    d.add_argument('--console', required=True)
    d.add_argument('--details', required=True)
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
    if args.cmd == 'debug-result':
        debug_result(args)
        return 0
    if args.cmd == 'summary':
        return summary(args)
    return run_report(args)


if __name__ == '__main__':
    sys.exit(main())
