#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side analysis of the genpt end-to-end boots (e2e.sh).

  e2e_report.py faults CASE_DIR
      Sorts every DMAR (VT-d), IO_PAGE_FAULT (AMD) or SMMUv3 event fault of
      one boot into expected (announced by the guest with
      GENPT_E2E_EXPECT_FAULT) and unexpected: the faults QEMU traced
      (vtd_dmar_fault, amdvi_page_fault, the SMMUv3's failed translations
      and smmuv3_record_event; trace-faults.log) and the fault records of
      the guest's kernel log (console.log). Writes CASE_DIR/faults.txt and
      prints one result line "faults PASS|FAIL <detail>": FAIL if a fault
      was not announced, or an announced one is not in QEMU's trace.
  e2e_report.py run-report CASE_DIR --spec 'NAME|IOMMU-OPTS|KARGS|EXPECT'
      The report of "make run" from one boot: per device the IOMMU, the
      domain, the I/O page table (format, levels, VA width: from the
      driver's "page table: <format> levels=<n> va_bits=<n> ..." debugfs
      line when it has one, else from the debugfs walk or cap SAGAW/MGAW),
      features, bytes moved by DMA and verified, IOTLB invalidations (QEMU
      trace, by type and domain ID), faults, dma_map_benchmark figures;
      then every check of the boot. Exit status 1 if a check failed. An
      AMD spec (expectations iommu=amd) gets the AMD report: the IOMMU's
      capability header, EFR and NpCache, the VFIO domain's amdv1 table
      with its levels before and after the high map.
  e2e_report.py summary CASE_DIR...
      One line per boot of "make run": the IOMMU, checks passed and
      failed, bytes verified, the VFIO table's levels.
"""

import argparse
import fnmatch
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
# The AMD driver's IO_PAGE_FAULT line (amd_iommu_report_page_fault(), for a
# device it knows), and QEMU 10.0's amdvi_page_fault trace, which has the
# address only.
GUEST_FAULT_AMD = re.compile(r' [0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]): '
                             r'Event logged \[IO_PAGE_FAULT domain=0x[0-9a-f]+ '
                             r'address=(0x[0-9a-f]+)')
TRACE_FAULT_AMD = re.compile(r'(?:^|:)amdvi_page_fault error: page fault accessing '
                             r'guest physical address (0x[0-9a-f]+)')
# QEMU 10.0's SMMUv3: a failed translation as a guest error (-d
# guest_errors), on the memory region of the device, named
# "smmuv3-iommu-memory-region-<devfn>-<n>" (decimal; n counts the regions
# made: smmu_find_add_as(); every device is on bus 0 here); and the event
# it recorded (smmuv3_record_event), with the StreamID only.
TRACE_FAULT_SMMU = re.compile(r'smmuv3-iommu-memory-region-(\d+)-\d+ translation '
                              r'failed for iova=(0x[0-9a-f]+) \((SMMU_EVT_\w+)\)')
TRACE_EVENT_SMMU = re.compile(r'(?:^|:)smmuv3_record_event (SMMU_EVT_\w+) '
                              r'sid=(0x[0-9a-f]+)')
# The 6.12 SMMUv3 driver's log of an event it does not handle
# (arm_smmu_evtq_thread()): "event 0x<id> received:", then its four double
# words, one per line: dw0 bits 63:32 the StreamID, dw2 the input address.
GUEST_EVENT_SMMU = re.compile(r'arm-smmu-v3 \S+: event (0x[0-9a-f]+) received:')
GUEST_EVENT_WORD = re.compile(r'arm-smmu-v3 \S+: \s*(0x[0-9a-f]{16})$')


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
    events = 0
    for line in trace:
        m = TRACE_FAULT.search(line)
        if m:
            key = (int(m.group(1), 16), page(m.group(3)))
        elif TRACE_FAULT_SMMU.search(line):
            m = TRACE_FAULT_SMMU.search(line)
            key = (int(m.group(1)), page(m.group(2)))
        elif TRACE_EVENT_SMMU.search(line):
            # no address: an event of a device with an announced fault
            m = TRACE_EVENT_SMMU.search(line)
            if any(k[0] == int(m.group(2), 16) for k in expected):
                events += 1
            else:
                trace_unexp += 1
                report.append('unexpected trace: ' + line)
            continue
        else:
            m = TRACE_FAULT_AMD.search(line)
            if not m:
                continue
            # no device in the trace: the announced fault at that page
            key = next((k for k in sorted(expected)
                        if k[1] == page(m.group(1))), None)
        if key in expected:
            trace_exp += 1
            traced.add(key)
        else:
            trace_unexp += 1
            report.append('unexpected trace: ' + line)
    log_exp = log_unexp = 0
    smmu_evt = None
    for line in guest_kernel_log(console):
        m = GUEST_EVENT_SMMU.search(line)
        if m:
            smmu_evt = [m.group(1)]
            continue
        m = GUEST_EVENT_WORD.search(line)
        if smmu_evt is not None and m:
            smmu_evt.append(int(m.group(1), 16))
            if len(smmu_evt) < 5:
                continue
            key = (smmu_evt[1] >> 32, smmu_evt[3] & ~0xfff)
            if key in expected:
                log_exp += 1
            else:
                log_unexp += 1
                report.append('unexpected log: event %s sid %#x addr %#x' %
                              (smmu_evt[0], key[0], smmu_evt[3]))
            smmu_evt = None
            continue
        if 'arm-smmu-v3' in line and ' event ' in line:
            log_unexp += 1
            report.append('unexpected log (unparsed): ' + line)
            continue
        m = GUEST_FAULT_AMD.search(line)
        if m:
            key = (sid(*m.group(1, 2, 3)), page(m.group(4)))
            if key in expected:
                log_exp += 1
            else:
                log_unexp += 1
                report.append('unexpected log: ' + line)
            continue
        if 'Event logged [' in line:
            log_unexp += 1
            report.append('unexpected log (unparsed): ' + line)
            continue
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
    if events:
        summary += ' (SMMU events recorded %d)' % events
    with open(os.path.join(args.case_dir, 'faults.txt'), 'w') as f:
        f.write('\n'.join(report + [summary]) + '\n')
    ok = not trace_unexp and not log_unexp and not missing
    if missing:
        summary += ', %d expected not traced' % missing
    print('faults %s %s' % ('PASS' if ok else 'FAIL', summary))
    return 0


RESULT = re.compile(r'^(\S+) (PASS|FAIL|SKIP) ?(.*)$')
# The header the genpt-converted driver puts in domain_translation_struct.
PT_HEADER = re.compile(r'page table: (\S+) levels=(\d+) va_bits=(\d+) ?(.*)')
CTX = re.compile(r'^GENPT_E2E_CTX: ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\s+'
                 r'0x([0-9a-f]+):0x([0-9a-f]+)\s+0x([0-9a-f]+):0x([0-9a-f]+)'
                 r'\s+(-?\d+)\s+0x([0-9a-f]+):0x([0-9a-f]+):0x([0-9a-f]+)')

DEVICES = [
    ('0000:00:03.0', 'NVMe', 'nvme'),
    ('0000:00:05.0', 'virtio-blk', 'virtio'),
    ('0000:00:04.0', 'edu, DMA API (genpt_edu.ko)', 'edu'),
    ('0000:00:06.0', 'edu, VFIO/iommufd (vfio_edu)', 'vfio'),
    ('0000:00:07.0', 'edu, dma_map_benchmark', 'bench'),
]

DOMAIN_TYPES = {
    'DMA': 'DMA (translated, strict: IOTLB invalidated at unmap)',
    'DMA-FQ': 'DMA-FQ (translated, lazy: flush queue)',
    'identity': 'identity (no translation)',
}

SIZES = {12: '4K', 21: '2M', 30: '1G', 39: '512G'}


def pgsizes(bitmap):
    return ' '.join(SIZES.get(b, '2^%d' % b) for b in range(64)
                    if bitmap >> b & 1) or 'none'


def walk_line(line):
    """(top level, leaf level, leaf entry) of one debugfs walk line
    "0x<iova_pfn> |<PML5E> <PML4E> <PDPE> [<PDE> [<PTE>]]", else None."""
    if not line.startswith('0x') or '|' not in line:
        return None
    try:
        f = [int(x, 16) for x in line.split('|', 1)[1].split()]
    except ValueError:
        return None
    z = 0
    while z < len(f) and not f[z]:
        z += 1
    k = 0
    while z + k < len(f) and f[z + k]:
        k += 1
    if not k:
        return None
    top = 5 - z
    return top, top - k + 1, f[z + k - 1]


def kv(text):
    return dict(m.group(1, 2) for m in re.finditer(r'(\w+)=(\S+)', text))


def print_checks(results, d):
    """The closing "checks" lines of a report; 1 if a check failed."""
    failed = [(n, det_) for n, st, det_ in results if st != 'PASS']
    print()
    print('checks: %d passed, %d failed' % (len(results) - len(failed),
                                           len(failed)))
    for n, text in failed:
        print('  FAIL %s: %s' % (n, text))
    print('  all results: %s' % os.path.relpath(os.path.join(d, 'results.txt')))
    return 1 if failed or not results else 0


def print_dmabench(det):
    """The dma_map_benchmark lines of a report; det(name) gives a result's
    (status, detail)."""
    for r in ('dmabench-g1', 'dmabench-g512', 'dmabench-g1-t2'):
        st, text = det(r)
        m = re.search(r'map_us=(\S+) map_sd=(\S+) unmap_us=(\S+) '
                      r'unmap_sd=(\S+) args=\[(.*)\]', text)
        if st == 'PASS' and m:
            print('  %-20s map %6s us (sd %6s), unmap %6s us (sd %6s)'
                  % ('[' + m.group(5) + ']', *m.group(1, 2, 3, 4)))
        else:
            print('  %-14s FAILED: %s' % (r, text))


def load_case(d):
    """(results, {name: (status, detail)}, {info key: text}, trace counts,
    console) of one boot."""
    console = read_lines(os.path.join(d, 'console.log'))
    results = []
    for line in read_lines(os.path.join(d, 'results.txt')):
        m = RESULT.match(line)
        if m:
            results.append(m.groups())
    info = {}
    for line in console:
        if line.startswith('GENPT_E2E_INFO: '):
            w = line.split(None, 2)
            if len(w) == 3:
                info[w[1]] = w[2]
            if len(w) == 3 and w[1] == 'group':
                g = w[2].split()
                info['group ' + g[0]] = g[1] if len(g) > 1 else '?'
    counts = {}
    for line in read_lines(os.path.join(d, 'trace-counts.txt')):
        w = line.split()
        if len(w) == 2 and w[1].isdigit():
            counts[w[0]] = int(w[1])
    return results, {n: (st, det) for n, st, det in results}, info, counts, console


def print_devices(det, info, pgsize_text, vfio_table):
    """Per device of DEVICES: its domain, page sizes (@pgsize_text), the DMA
    verified; for the VFIO edu the lines of @vfio_table about its table."""
    for bdf, title, key in DEVICES:
        print()
        print('%s %s' % (bdf[5:], title))
        if key == 'vfio':
            print('  domain         unmanaged (iommufd IOAS): %s' % (
                'attached' if det('vfio-setup')[0] == 'PASS' else
                'not attached (vfio-setup failed)'))
            for line in vfio_table:
                print(line)
            print('  DMA verified   %s bytes through edu (vfio-dma %s, '
                  'read-only %s, unmap %s, detached %s)' % (
                      info.get('vfio-bytes', '0'), det('vfio-dma')[0],
                      det('vfio-readonly')[0], det('vfio-unmap')[0],
                      det('vfio-detached')[0]))
            print('  error paths    bad requests: map %s, unmap %s, copy %s, '
                  'hwpt %s, then intact %s; fail-nth %s, then intact %s' % (
                      det('vfio-bad-map')[0], det('vfio-bad-unmap')[0],
                      det('vfio-bad-copy')[0], det('vfio-bad-hwpt')[0],
                      det('vfio-bad-intact')[0], det('vfio-failnth')[0],
                      det('vfio-failnth-intact')[0]))
            continue
        group = info.get('group ' + bdf, '?')
        print('  domain         %s' % DOMAIN_TYPES.get(group, group))
        if key in ('edu', 'nvme', 'virtio'):
            print('  page sizes     %s' % pgsize_text)
        if key in ('nvme', 'virtio'):
            print('  DMA verified   %s (guest %s, host image %s)' % (
                det(key + '-direct')[1], det(key + '-direct')[0],
                det(key + '-image')[0]))
        elif key == 'edu':
            print('  DMA verified   %s bytes through edu (coherent %s, '
                  'streaming %s, write to the unmapped IOVA blocked %s)' % (
                      info.get('edu-bytes', '0'), det('edu-coherent')[0],
                      det('edu-streaming')[0], det('edu-fault')[0]))
        elif key == 'bench':
            print_dmabench(det)


AMD_LEVELS = re.compile(r'(-?\d+) before, (-?\d+) after the map at (0x[0-9a-f]+)')


def run_report_amd(args):
    d = args.case_dir
    name, opts, kargs, expect = args.spec.split('|')
    results, res, info, counts, console = load_case(d)

    def det(r):
        return res.get(r, ('FAIL', 'missing'))

    iommu = kv(det('iommu')[1])
    cap = int(iommu.get('cap', '0'), 16)
    efr = int(iommu.get('features', '0').split(':')[0], 16)
    qemu = ''
    try:
        qemu = open(os.path.join(d, 'qemu-version')).read().strip()
    except OSError:
        pass
    print()
    print('genpt make run: AMD IOMMU end to end under %s' % (qemu or 'QEMU'))
    print('  machine    q35, TCG, 2 CPUs, 1 GiB; -device amd-iommu,%s' % opts)
    print('  kernel     %s' % kargs)
    print('  IOMMU      ivhd0, capability header %#x: NpCache %s (the driver '
          'then invalidates without gaps and stays strict)'
          % (cap, 'yes' if cap >> 26 & 1 else 'no'))
    print('             EFR %#x: HATS %d (%d-level host tables), GT %d, '
          'GIOSup %d (v2 tables: %s)' % (
              efr, efr >> 10 & 3, 4 + (efr >> 10 & 3), efr >> 4 & 1,
              efr >> 48 & 1, 'usable' if efr >> 4 & efr >> 48 & 1
              else 'not usable, pgtbl_v2 falls back to v1'))
    edu_dom = kv(det('edu-domain')[1])
    pgsize = int(edu_dom.get('pgsize', '0'), 16)
    m = AMD_LEVELS.search(info.get('vfio-table-levels', ''))
    if m:
        table = ['  page table     amdv1 (v1), %s levels after the map at '
                 '0x40000000, %s after the one at %s: the top grew '
                 '(change_top(), every DTE rewritten)' % m.group(1, 2, 3)]
    else:
        table = ['  page table     levels not shown (no genpt_edu debugfs)']
    print_devices(det, info, '%s (DMA domain pgsize_bitmap %#x)'
                  % (pgsizes(pgsize), pgsize), table)
    print()
    print('invalidations (QEMU trace): %s' % ', '.join(
        '%s %d' % (ev, counts.get('amdvi_' + ev, 0))
        for ev in ('pages_inval', 'all_inval', 'devtab_inval', 'iotlb_inval')))
    print('faults: %s (QEMU 10.0 logs no IO_PAGE_FAULT for Linux tables; '
          'isolation is checked by content)' % det('faults')[1])
    return print_checks(results, d)


LEAVES = re.compile(r'(0x[0-9a-f]+): (\d+) \(want (\d+)\)')
SMMU_LEVEL_BITS = {'4K': 9, '16K': 11, '64K': 13}
SMMU_GRANULE_LG2 = {'4K': 12, '16K': 14, '64K': 16}
OAS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}


def size_text(lg2):
    for unit, shift in (('T', 40), ('G', 30), ('M', 20), ('K', 10)):
        if lg2 >= shift:
            return '%d%s' % (1 << (lg2 - shift), unit)
    return '%d' % (1 << lg2)


def run_report_smmu(args):
    d = args.case_dir
    name, opts, kargs, expect = args.spec.split('|')
    results, res, info, counts, console = load_case(d)

    def det(r):
        return res.get(r, ('FAIL', 'missing'))

    regs = kv(info.get('smmu-idr', det('iommu')[1]))
    idr0 = int(regs.get('idr0', '0'), 16)
    idr1 = int(regs.get('idr1', '0'), 16)
    idr3 = int(regs.get('idr3', '0'), 16)
    idr5 = int(regs.get('idr5', '0'), 16)
    grans = [g for g, bit in (('4K', 4), ('16K', 5), ('64K', 6))
             if idr5 >> bit & 1]
    oas = OAS.get(idr5 & 7, 0)
    ste = kv(info.get('smmu-ste', ''))
    granule = ste.get('granule', '?')
    tsz = int(ste.get('tsz', '0'))
    ias = 64 - tsz if tsz else 0
    levels = '?'
    if granule in SMMU_LEVEL_BITS and ias:
        g, b = SMMU_GRANULE_LG2[granule], SMMU_LEVEL_BITS[granule]
        levels = str(-(-(ias - g) // b))
    qemu = ''
    try:
        qemu = open(os.path.join(d, 'qemu-version')).read().strip()
    except OSError:
        pass
    print()
    print('genpt make run: ARM SMMUv3 end to end under %s' % (qemu or 'QEMU'))
    print('  machine    virt, iommu=smmuv3, TCG, -cpu max, 2 CPUs, 1 GiB; '
          'arm-smmuv3 %s' % (opts or '(defaults)'))
    print('  kernel     %s' % kargs)
    print('  SMMU       IDR0 %#x: S1P %d, S2P %d, COHACC %d (%s), ST_LEVEL %d, '
          'TTF %d; IDR1 %#x; IDR3 %#x: RIL %d; IDR5 %#x: granules %s, OAS %d bits'
          % (idr0, idr0 >> 1 & 1, idr0 & 1, idr0 >> 4 & 1,
             'coherent walks, no PT_FEAT_DMA_INCOHERENT' if idr0 >> 4 & 1
             else 'incoherent walks: PT_FEAT_DMA_INCOHERENT',
             idr0 >> 27 & 3, idr0 >> 2 & 3, idr1, idr3, idr3 >> 14 & 1, idr5,
             ','.join(grans) or 'none', oas))
    print('  HTTU       IDR0.HTTU %d: %s' % (
        idr0 >> 6 & 3, 'dirty tracking offered' if idr0 >> 6 & 3 == 2 else
        'no hardware dirty state: dirty tracking is refused (EOPNOTSUPP), '
        'covered by KUnit'))
    stage = ste.get('cfg', '?')
    print('  table      %s: %s granule, %d-bit input (T0SZ %d), %s levels, '
          'armv8 format' % ({'s1': 'stage 1 (CD)', 's2': 'stage 2 (STE)'}
                            .get(stage, stage), granule, ias, tsz, levels))
    edu_dom = kv(det('edu-domain')[1])
    pgsize = int(edu_dom.get('pgsize', '0'), 16)
    st, text = det('vfio-leaves')
    leaves = ['%s x %d' % (size_text(int(m.group(1), 16).bit_length() - 1),
                           int(m.group(2)))
              for m in LEAVES.finditer(text)]
    table = ['  leaves         %s: %s' % (st, ', '.join(leaves) or text) +
             ' (blocks and contiguous runs of the large aligned map, '
             'counted in the table)']
    print_devices(det, info, '%s (DMA domain pgsize_bitmap %#x)' % (
        ' '.join(size_text(b) for b in range(64) if pgsize >> b & 1) or
        'none', pgsize), table)
    print()
    cmds = sorted((k[4:], v) for k, v in counts.items() if k.startswith('cmd:'))
    print('invalidations (QEMU trace): %s; range invalidations %d' % (
        ', '.join('%s %d' % (k.replace('SMMU_CMD_', ''), v) for k, v in cmds),
        counts.get('smmuv3_range_inval', 0)))
    print('faults: %s' % det('faults')[1])
    return print_checks(results, d)


def summary(args):
    """One line per "make run" boot."""
    print()
    print('%-6s %-10s %7s %7s %14s  %s' % ('IOMMU', 'case', 'passed', 'failed',
                                          'bytes (edu)', 'VFIO table'))
    bad = 0
    for d in args.case_dirs:
        results, res, info, counts, console = load_case(d)
        failed = sum(st != 'PASS' for _, st, _ in results)
        bad += failed or not results
        iommu = det_text(res, 'iommu')
        iommu = ('AMD' if iommu.startswith('amd ') else
                 'SMMUv3' if iommu.startswith('smmuv3') else 'VT-d')
        m = AMD_LEVELS.search(info.get('vfio-table-levels', ''))
        table = 'amdv1, %s -> %s levels' % m.group(1, 2) if m else '-'
        for line in console:
            h = PT_HEADER.search(line)
            if line.startswith('GENPT_E2E_PT: ') and '00:06.0' in line and h:
                table = '%s, %s levels' % h.group(1, 2)
                break

        print('%-6s %-10s %7d %7d %14s  %s' % (
            iommu, os.path.basename(d.rstrip('/')), len(results) - failed,
            failed, info.get('edu-bytes', '0'), table))
    return 1 if bad else 0


def det_text(res, name):
    return res.get(name, ('FAIL', ''))[1]


def run_report(args):
    d = args.case_dir
    name, vtd_opts, kargs, expect = args.spec.split('|')
    if ' iommu=amd ' in ' %s ' % expect:
        return run_report_amd(args)
    if ' iommu=smmuv3 ' in ' %s ' % expect:
        return run_report_smmu(args)
    console = read_lines(os.path.join(d, 'console.log'))
    results = []
    for line in read_lines(os.path.join(d, 'results.txt')):
        m = RESULT.match(line)
        if m:
            results.append(m.groups())
    res = {n: (st, det) for n, st, det in results}
    info, pt, ctx = {}, {}, {}
    for line in console:
        if line.startswith('GENPT_E2E_INFO: '):
            w = line.split(None, 2)
            if len(w) == 3:
                info[w[1]] = w[2]
            if w[1] == 'group' and len(w) == 3:
                g = w[2].split()
                info['group ' + g[0]] = g[1] if len(g) > 1 else '?'
        elif line.startswith('GENPT_E2E_PT: '):
            w = line.split(None, 2)
            if len(w) == 3:
                pt.setdefault(w[1], []).append(w[2])
        else:
            m = CTX.match(line)
            if m:
                ctx[m.group(1)] = m.groups()
    counts = {}
    for line in read_lines(os.path.join(d, 'trace-counts.txt')):
        w = line.split()
        if len(w) == 2 and w[1].isdigit():
            counts[w[0]] = int(w[1])

    iommu = kv(res.get('iommu', ('', ''))[1])
    cap = int(iommu.get('cap', '0'), 16)
    ecap = int(iommu.get('ecap', '0'), 16)
    rtaddr = int(iommu.get('rtaddr', '0'), 16)
    scalable = bool(rtaddr >> 10 & 1)
    mgaw = (cap >> 16 & 0x3f) + 1
    sagaw = cap >> 8 & 0x1f
    coherent = (ecap >> 48 & 1) if scalable else (ecap & 1)
    sc = ecap >> 7 & 1
    edu_dom = kv(res.get('edu-domain', ('', ''))[1])
    pgsize = int(edu_dom.get('pgsize', '0'), 16)
    mb = None
    m = re.match(r'(\d+)MiB', res.get('nvme-direct', ('', ''))[1])
    if m:
        mb = int(m.group(1))

    qemu = ''
    try:
        qemu = open(os.path.join(d, 'qemu-version')).read().strip()
    except OSError:
        pass
    print()
    print('genpt make run: Intel VT-d end to end under %s' % (qemu or 'QEMU'))
    print('  machine    q35, TCG, 2 CPUs, 1 GiB; -device intel-iommu,intremap=on,%s'
          % vtd_opts)
    print('  kernel     %s' % kargs)
    print('  IOMMU      dmar0, %s mode, MGAW %d, SAGAW %#x, caching mode %s, '
          'snoop control %s' % ('scalable' if scalable else 'legacy', mgaw,
                                sagaw, 'on' if cap >> 7 & 1 else 'off',
                                'yes' if sc else 'no'))
    print('             cap %#x ecap %#x' % (cap, ecap))
    if scalable:
        print('             stages: first %s (FS1GP %d), second %s' % (
            'yes' if ecap >> 47 & 1 else 'no', cap >> 56 & 1,
            'yes' if ecap >> 46 & 1 else 'no'))
    print('             table walker %s (ecap.%s=%d)%s' % (
        'coherent' if coherent else 'not coherent',
        'SMPWC' if scalable else 'C', coherent,
        '' if coherent else ': the driver flushes CPU caches after table writes'))

    def did_of(bdf):
        c = ctx.get(bdf[5:])
        if not c:
            return None
        ctx_hi, pasid, v1 = int(c[3], 16), int(c[5]), int(c[7], 16)
        if scalable:
            return v1 & 0xffff if pasid == 0 else None
        return ctx_hi >> 8 & 0xffff

    def table(bdf):
        lines = pt.get(bdf, [])
        for line in lines:
            m = PT_HEADER.search(line)
            if m:
                return ('%s, %s levels, %s-bit VA%s (driver: "%s")' %
                        (m.group(1), m.group(2), m.group(3),
                         ', ' + m.group(4) if m.group(4) else '',
                         m.group(0).strip()), lines)
        tops = [w[0] for w in map(walk_line, lines) if w]
        if tops:
            top = max(tops)
            return ('6.12 dma_pte, %d levels, %d-bit VA (from the debugfs walk)'
                    % (top, 12 + 9 * top), lines)
        if not lines:
            return None, lines
        # An empty table: the width the 6.12 driver picks, the largest
        # SAGAW not above MGAW.
        agaw = max([a for a in range(5) if sagaw >> a & 1 and 30 + 9 * a <= mgaw]
                   or [-1])
        if agaw < 0:
            return None, lines
        return ('6.12 dma_pte, %d levels, %d-bit VA (empty table; from cap '
                'SAGAW/MGAW)' % (agaw + 2, 30 + 9 * agaw), lines)

    def leaves(lines):
        """Leaf sizes; the SNP count only for the second stage (x86_64
        leaves have no snoop bit: the PASID entry's PGSNP says it)."""
        first = any(PT_HEADER.search(l) and PT_HEADER.search(l).group(1) == 'x86_64'
                    for l in lines)
        hist, snp = {}, 0
        for w in map(walk_line, lines):
            if not w:
                continue
            size = SIZES.get(12 + 9 * (w[1] - 1), '?')
            hist[size] = hist.get(size, 0) + 1
            snp += bool(w[2] >> 11 & 1)
        n = sum(hist.values())
        if not n:
            return 'none' if lines else 'not shown by the driver'
        return '%s%s%s' % (
            ', '.join('%s x %d' % (k, v) for k, v in sorted(
                hist.items(), key=lambda kv_: kv_[0][-1] + kv_[0])),
            ' (first 64 lines)' if len(lines) >= 66 else '',
            '' if first else ', SNP in %d of %d' % (snp, n))

    def invalidations(did):
        if did is None:
            return 'domain ID unknown'
        parts = []
        for ev in ('pages', 'pasid_pages', 'domain', 'pasid'):
            n = counts.get('vtd_inv_desc_iotlb_%s@%#x' % (ev, did), 0)
            if n:
                parts.append('%s %d' % (ev, n))
        # PASID-based (first stage), from QEMU's vtd_inv_desc (e2e.sh)
        for ev in ('pages', 'pasid'):
            n = counts.get('p-iotlb-%s@%#x' % (ev, did), 0)
            if n:
                parts.append('p-iotlb %s %d' % (ev, n))
        return 'domain ID %#x: %s' % (did, ', '.join(parts) or 'none')

    def det(r):
        st, text = res.get(r, ('FAIL', 'missing'))
        return st, text

    for bdf, title, key in DEVICES:
        print()
        print('%s %s' % (bdf[5:], title))
        group = info.get('group ' + bdf, '?')
        if key == 'vfio':
            st, _ = det('vfio-setup')
            dom = ('unmanaged (iommufd IOAS, group default %s)' % group
                   if st == 'PASS' else 'not attached (vfio-setup failed)')
        else:
            dom = DOMAIN_TYPES.get(group, group)
        print('  domain         %s' % dom)
        desc, lines = table(bdf)
        print('  page table     %s' % (desc or 'not shown by the driver'))
        print('  leaves         %s' % leaves(lines))
        if key == 'vfio':
            print('  snoop          %s' % det('vfio-snoop')[1])
        elif key in ('edu', 'nvme', 'virtio'):
            print('  page sizes     %s (DMA domain pgsize_bitmap %#x, from '
                  'genpt_edu)' % (pgsizes(pgsize), pgsize))
        if key in ('nvme', 'virtio'):
            st, _ = det(key + '-direct')
            ist, _ = det(key + '-image')
            print('  DMA verified   %s' % (
                '%d MiB written and read back with O_DIRECT, sha256 equal '
                '(guest %s, host image %s)' % (mb, st, ist) if mb and st == 'PASS'
                else 'FAILED: ' + det(key + '-direct')[1]))
        elif key == 'edu':
            print('  DMA verified   %s bytes through edu (coherent %s, '
                  'streaming %s)' % (info.get('edu-bytes', '0'),
                                     det('edu-coherent')[0],
                                     det('edu-streaming')[0]))
        elif key == 'vfio':
            print('  DMA verified   %s bytes through edu (vfio-dma %s, '
                  'read-only %s, unmap %s)' % (
                      info.get('vfio-bytes', '0'), det('vfio-dma')[0],
                      det('vfio-readonly')[0], det('vfio-unmap')[0]))
            m = re.search(r'without injection at n=(\d+)', det('vfio-failnth')[1])
            print('  error paths    bad requests: map %s, unmap %s, copy %s, hwpt %s, '
                  'then intact %s; fail-nth: %s, then intact %s' % (
                      det('vfio-bad-map')[0], det('vfio-bad-unmap')[0],
                      det('vfio-bad-copy')[0], det('vfio-bad-hwpt')[0],
                      det('vfio-bad-intact')[0],
                      '%s (map succeeded at n=%s)' % (det('vfio-failnth')[0],
                                                      m.group(1))
                      if m else det('vfio-failnth')[0],
                      det('vfio-failnth-intact')[0]))
            hw = [l.split(': ', 1)[1] for l in console
                  if l.startswith('GENPT_E2E_INFO: hwpt-alloc ')]
            if hw:
                print('  HWPT flags     %s' % '; '.join(
                    h.replace('hwpt-alloc ', '') for h in hw))
        elif key == 'bench':
            print_dmabench(det)
        print('  IOTLB inv      %s' % invalidations(did_of(bdf)))

    print()
    inv = ['%s %d' % (ev, counts.get('vtd_inv_desc_iotlb_' + ev, 0))
           for ev in ('global', 'domain', 'pages', 'pasid', 'pasid_pages')]
    cc = ['%s %d' % (ev, counts.get('vtd_inv_desc_cc_' + ev, 0))
          for ev in ('global', 'domain', 'device', 'devices')]
    inv += ['p-iotlb %s %d' % (ev, counts.get('p-iotlb-' + ev, 0))
            for ev in ('pasid', 'pages')]
    print('IOTLB invalidations (QEMU trace): %s' % ', '.join(inv))
    print('context cache invalidations:      %s' % ', '.join(cc))
    print('DMAR faults: %s' % det('faults')[1])
    for line in console:
        m = EXPECT.match(line)
        if m:
            st, text = det(m.group(1))
            print('  %-28s %s %s' % (m.group(1), st, text))
    return print_checks(results, d)


def load_known(path):
    """The iommufd-selftest-6.12-failures list: [(pattern, reason)]."""
    known = []
    for line in read_lines(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        pat, _, reason = line.partition(' ')
        if not reason.strip():
            raise SystemExit('%s: "%s" has no reason' % (path, pat))
        known.append((pat, reason.strip()))
    return known


KSFT_BINS = ('iommufd', 'iommufd_fail_nth')
KSFT_TAP = re.compile(r'^(ok|not ok) (\d+) (\S+)(?:\s+#\s*(SKIP|XFAIL)\b\s*(.*))?')


def ksft(args):
    """One result per test of the iommufd selftests (init.sh check_ksft).

    Every TAP line "ok N name" / "not ok N name" / "ok N name # SKIP why"
    of each binary becomes "<binary>/<name> PASS|FAIL|SKIP". A test of the
    list of those that fail on 6.12 as well (with their reason) is a SKIP
    that says so when it fails, on either kernel; on 6.12 (--baseline) a
    listed test that passes is a FAIL, so that the list stays true. A
    binary that printed fewer results than its plan, or none, is a FAIL.
    """
    known = load_known(args.known)
    used = set()
    lines = read_lines(args.console)
    for b in KSFT_BINS:
        prefix = 'GENPT_E2E_KSFT: %s ' % b
        out = [ln[ln.index(prefix) + len(prefix):] for ln in lines
               if prefix in ln]
        plan = None
        seen = 0
        exit_status = None
        why = ''
        for ln in out:
            # the harness's first complaint in a test, "# file:line:test:..."
            if ln.startswith('#  RUN '):
                why = ''
            elif (ln.startswith('# ') and not why and
                  re.match(r'^# \S+:\d+:', ln)):
                why = re.sub(r'^# \S*/', '', ln)[:160]
            m = re.match(r'^1\.\.(\d+)$', ln)
            if m:
                plan = int(m.group(1))
                continue
            m = re.match(r'^GENPT_KSFT_EXIT (\d+)$', ln)
            if m:
                exit_status = int(m.group(1))
                continue
            m = KSFT_TAP.match(ln)
            if not m:
                continue
            seen += 1
            name = '%s/%s' % (b, m.group(3))
            status = 'PASS' if m.group(1) == 'ok' else 'FAIL'
            detail = why if status == 'FAIL' else ''
            if m.group(4) == 'SKIP':
                status, detail = 'SKIP', m.group(5) or 'skipped'
            elif m.group(4) == 'XFAIL':
                detail = 'xfail: ' + (m.group(5) or '')
            for pat, reason in known:
                if fnmatch.fnmatchcase(name, pat):
                    used.add(pat)
                    if status == 'FAIL':
                        status = 'SKIP'
                        detail = 'fails on 6.12 as well: ' + reason
                    elif status == 'PASS' and args.kernel == '6.12':
                        status = 'FAIL'
                        detail = ('passes on 6.12 but is listed as failing '
                                  'there (%s)' % pat)
                    break
            print('%s %s %s' % (name, status, detail or 'ok'))
        if plan is None or seen < plan:
            print('%s FAIL %d of %s results printed%s' %
                  (b, seen, plan if plan is not None else 'no plan,',
                   '' if exit_status is None else
                   ', exit status %d' % exit_status))
    if args.kernel == '6.12':
        for pat, _ in known:
            if pat not in used:
                print('ksft-known FAIL %s matches no test' % pat)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    f = sub.add_parser('faults')
    f.add_argument('case_dir')
    r = sub.add_parser('run-report')
    r.add_argument('case_dir')
    r.add_argument('--spec', required=True)
    s = sub.add_parser('summary')
    s.add_argument('case_dirs', nargs='+')
    k = sub.add_parser('ksft')
    k.add_argument('console')
    k.add_argument('known')
    k.add_argument('kernel', choices=('genpt', '6.12'))
    args = ap.parse_args()
    if args.cmd == 'ksft':
        return ksft(args)
    if args.cmd == 'faults':
        return faults(args)
    if args.cmd == 'summary':
        return summary(args)
    return run_report(args)


if __name__ == '__main__':
    sys.exit(main())
