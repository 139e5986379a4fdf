#!/usr/bin/env python3
"""The cost of protection, block design against the per-page design.

Boots build/Image under QEMU with -icount shift=0, so that one instruction
is one nanosecond of virtual time and the generic counter the hypervisor
reads advances with instructions only: the figures are deterministic
instruction counts, not wall-clock time. Each case boots twice on the same
kernel: the block design (the product) and the per-page design (one
ownership change and one hyp mapping per 4 KiB page, enabled only in
kernels built with CONFIG_PKVM_PROTECTED_MMIO_BENCH, by
kvm-arm.protected_mmio_per_page on the command line).

Writes build/bench/results.json and prints a table.
"""
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, 'build', 'bench')
KERNEL = os.environ.get('KERNEL', os.path.join(TOP, 'build', 'Image'))
INITRD = os.path.join(TOP, 'build', 'initramfs.cpio')
CPU = os.environ.get('CPU', 'cortex-a72')
PAGE = 4096
GIB = 1 << 30
MIB = 1 << 20


def node(name, base, size):
    return ('%s@%x { reg = <0x%x 0x%x 0x%x 0x%x>; pkvm,protected-mmio; };' %
            (name, base, base >> 32, base & 0xffffffff, size >> 32, size & 0xffffffff))


# case -> list of (base, size); the nodes are added under the root.
# QEMU virt's platform-bus window (0xc000000) and flash bank 1 (whose node
# the benchmark trees delete) hold no device the host drives.
CASES = {
    '1x4KiB': [(0xc000000, PAGE)],
    '16x4KiB': [(0xc000000 + i * 0x2000, PAGE) for i in range(16)],
    '64MiB': [(0x4000000, 64 * MIB)],
    '1GiB': [(0x8000000000, GIB)],
}


def dtb_for(case, regions):
    base = os.path.join(OUT, 'virt-%s.dts' % CPU)
    if not os.path.exists(base):
        subprocess.run([os.path.join(TOP, 'scripts', 'dump-dtb.sh'), CPU, base],
                       check=True)
    nodes = ' '.join(node('bench%d' % i, b, s) for i, (b, s) in enumerate(regions))
    src = open(base).read() + '\n/ { /delete-node/ flash@0; %s };\n' % nodes
    out = os.path.join(OUT, '%s.dtb' % case)
    subprocess.run(['dtc', '-q', '-I', 'dts', '-O', 'dtb', '-o', out, '-'],
                   input=src.encode(), check=True)
    return out


def boot(name, dtb, per_page):
    args = ['rdinit=/init', 'kvm-arm.mode=protected',
            'pkvmtest=cat:/sys/kernel/debug/kvm/protected_mmio']
    if per_page:
        args.append('kvm-arm.protected_mmio_per_page')
    env = dict(os.environ, QEMU_EXTRA='-icount shift=0')
    res = subprocess.run([os.path.join(TOP, 'scripts', 'qemu.sh'), '-k', KERNEL,
                          '-c', CPU, '-d', dtb, '-i', INITRD, '-t', '300', '--'] + args,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = res.stdout.decode(errors='replace').replace('\r', '')
    open(os.path.join(OUT, name + '.log'), 'w').write(log)
    fig = {}
    # What the hyp reservation grows by: the budget discovery logs.
    m = re.search(r'protected MMIO: \d+ regions, \d+ pages, page tables: (\d+) hyp stage-1 \+ (\d+) host stage-2 pages', log)
    fig['reserved_pages'] = int(m.group(1)) + int(m.group(2)) if m else 0
    m = re.search(r'page tables: (\d+) hyp stage-1 \+ (\d+) host stage-2 pages', log.split('PKVMTEST start')[-1])
    fig['tables'] = (int(m.group(1)), int(m.group(2))) if m else None
    m = re.search(r'bench: (\S+) design, protection step (\d+) ticks, pKVM init (\d+) ticks, counter (\d+) Hz', log)
    if m:
        hz = int(m.group(4))
        fig['design'] = m.group(1)
        # icount shift=0: one instruction per nanosecond of virtual time.
        fig['insns'] = int(m.group(2)) * 10**9 // hz
        fig['init_insns'] = int(m.group(3)) * 10**9 // hz
    fig['ok'] = 'Protected nVHE mode initialized' in log or 'Protected hVHE mode initialized' in log
    return fig


def decomposition_tables(regions):
    """Table pages the aligned-block decomposition needs, at the least.

    4 KiB granule: level 1 maps 1 GiB blocks, level 2 2 MiB blocks, level 3
    pages. A level-2 table is needed for every 1 GiB window the regions
    touch without covering it whole, a level-3 table for every 2 MiB window
    they touch without covering it whole; windows are counted once for the
    whole set, in each of the two page tables (the hyp stage-1 maps each
    region at a VA congruent to its PA modulo the largest block it can
    use, so it needs the same ones). Level-1 tables cover 512 GiB windows:
    the one for the low window exists in both page tables before
    protection (RAM, the hyp's private mappings), any other is needed in
    the host stage-2. Tables the hyp stage-1 already has for its other
    private mappings can make the measured count lower than this.
    """
    def partial_windows(size):
        wins = set()
        for base, length in regions:
            end = base + length
            w = base - base % size
            while w < end:
                if not (base <= w and w + size <= end):
                    wins.add(w)
                w += size
        return wins

    l1_host = {b // (512 * GIB) for b, _ in regions} - {0}
    return len(l1_host) + 2 * (len(partial_windows(GIB)) + len(partial_windows(2 * MIB)))


def main():
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(KERNEL) or not os.path.exists(INITRD):
        sys.exit('bench: build/Image and build/initramfs.cpio are needed (make kernel initramfs)')
    rows = []
    for case, regions in CASES.items():
        dtb = dtb_for(case, regions)
        mintab = decomposition_tables(regions)
        for design in ('block', 'per-page'):
            fig = boot('%s-%s' % (case, design), dtb, design == 'per-page')
            if not fig['ok'] or fig.get('insns') is None or fig['tables'] is None:
                sys.exit('bench: %s/%s did not boot into protected mode, see %s' %
                         (case, design, os.path.join(OUT, '%s-%s.log' % (case, design))))
            rows.append({
                'case': case,
                'design': design,
                'insns': fig['insns'],
                'pgtable_pages': sum(fig['tables']),
                'hyp_s1_pages': fig['tables'][0],
                'host_s2_pages': fig['tables'][1],
                'min_pgtable_pages': mintab,
                'reserved_bytes': fig['reserved_pages'] * PAGE,
                'init_insns': fig['init_insns'],
            })
    json.dump(rows, open(os.path.join(OUT, 'results.json'), 'w'), indent=1)

    print('pKVM protected MMIO: cost of the protection step at init (%s, -icount shift=0)' % CPU)
    print('%-8s %-9s %14s %12s %9s %9s %14s %9s' % (
        'case', 'design', 'insns', '% of init', 'pgtables', 'minimum', 'reserved +', 'speedup'))
    for r in rows:
        other = [o for o in rows if o['case'] == r['case'] and o['design'] == 'per-page'][0]
        speed = '%.0fx' % (other['insns'] / r['insns']) if r['design'] == 'block' else ''
        print('%-8s %-9s %14d %11.3f%% %4d (%d+%d) %6d %11d KiB %9s' % (
            r['case'], r['design'], r['insns'], 100.0 * r['insns'] / r['init_insns'],
            r['pgtable_pages'], r['hyp_s1_pages'], r['host_s2_pages'],
            r['min_pgtable_pages'], r['reserved_bytes'] // 1024, speed))
    print('insns: hypervisor instructions in the protection step (hyp stage-1 mapping + host')
    print('stage-2 ownership); pgtables: table pages it added (hyp stage-1 + host stage-2);')
    print('minimum: tables the aligned-block decomposition needs (scripts/bench.py:')
    print('decomposition_tables() says how they are counted);')
    print('reserved +: growth of the hyp reservation: the page-table budget of the regions.')
    print('results: %s' % os.path.join(OUT, 'results.json'))


if __name__ == '__main__':
    main()
