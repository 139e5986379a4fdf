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


def virt_dtb(name, extra):
    """QEMU virt's own tree for CPU (dumped once), with @extra, as OUT/name.dtb."""
    base = os.path.join(OUT, 'virt-%s.dts' % CPU)
    if not os.path.exists(base):
        subprocess.run([os.path.join(TOP, 'scripts', 'dump-dtb.sh'), CPU, base],
                       check=True)
    out = os.path.join(OUT, '%s.dtb' % name)
    subprocess.run(['dtc', '-q', '-I', 'dts', '-O', 'dtb', '-o', out, '-'],
                   input=(open(base).read() + extra).encode(), check=True)
    return out


def boot_icount(name, kernel, dtb, args, qemu_extra=''):
    """Boot in protected mode under -icount shift=0; the log, kept in OUT/name.log."""
    env = dict(os.environ, QEMU_EXTRA=('-icount shift=0 ' + qemu_extra).strip())
    res = subprocess.run([os.path.join(TOP, 'scripts', 'qemu.sh'), '-k', kernel,
                          '-c', CPU, '-d', dtb, '-i', INITRD, '-t', '300', '--',
                          'rdinit=/init', 'kvm-arm.mode=protected'] + args,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = res.stdout.decode(errors='replace').replace('\r', '')
    open(os.path.join(OUT, name + '.log'), 'w').write(log)
    return log


def dtb_for(case, regions):
    nodes = ' '.join(node('bench%d' % i, b, s) for i, (b, s) in enumerate(regions))
    return virt_dtb(case, '\n/ { /delete-node/ flash@0; %s };\n' % nodes)


def boot(name, dtb, per_page):
    args = ['pkvmtest=cat:/sys/kernel/debug/kvm/protected_mmio']
    if per_page:
        args.append('kvm-arm.protected_mmio_per_page')
    log = boot_icount(name, KERNEL, dtb, args)
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


NREADS = 20000


def mediation():
    """Instructions per 32-bit read: native MMIO against a mediated register.

    One boot with the RTC recompatibled for the test kernels' EL2 handler
    (CONFIG_PKVM_PROTECTED_MMIO_SELFTEST), which lets the host read its
    PeriphID0 at 0xfe0. The init times NREADS reads of the untagged PL061's
    PeriphID0 (the host stage-2 maps it on the first access, after which no
    read traps) and NREADS reads of the mediated one (each a host stage-2
    fault, the syndrome decoded, the read done at EL2, the instruction
    skipped), both with the generic counter, which under -icount shift=0
    follows instructions.
    """
    dtb = virt_dtb('mediated', '\n&{/pl031@9010000} { compatible = '
                   '"pkvm,protected-mmio-selftest"; pkvm,protected-mmio; };\n')
    log = boot_icount('mediated', KERNEL, dtb,
                      ['pkvmtest=timeread:0x9030fe0:%d,timeread:0x9010fe0:%d,'
                       'cat:/sys/kernel/debug/kvm/protected_mmio' % (NREADS, NREADS)])
    reads = dict((int(a, 16), (int(n), int(t), v)) for a, n, t, v in re.findall(
        r'PKVMTEST timeread 0x([0-9a-f]+): (\d+) reads, (\d+) ticks, value (0x[0-9a-f]+)', log))
    hz = re.search(r'counter (\d+) Hz', log)
    performed = re.search(r'mediated by selftest, performed (\d+)', log)
    if len(reads) != 2 or not hz or not performed:
        sys.exit('bench: the mediation boot did not report, see %s' %
                 os.path.join(OUT, 'mediated.log'))
    hz = int(hz.group(1))
    per = {a: t * 10**9 / hz / n for a, (n, t, v) in reads.items()}
    row = {
        'native_insns_per_read': round(per[0x9030fe0]),
        'mediated_insns_per_read': round(per[0x9010fe0]),
        'added_insns_per_read': round(per[0x9010fe0] - per[0x9030fe0]),
        'reads': NREADS,
        'el2_performed': int(performed.group(1)),
        'values': {'native': reads[0x9030fe0][2], 'mediated': reads[0x9010fe0][2]},
    }
    json.dump(row, open(os.path.join(OUT, 'mediation.json'), 'w'), indent=1)
    print('pKVM protected MMIO: cost of a mediated register read (%s, -icount shift=0)' % CPU)
    print('  native 32-bit MMIO read (untagged PL061 PeriphID0): %6d instructions' %
          row['native_insns_per_read'])
    print('  mediated read (test handler, RTC PeriphID0):        %6d instructions' %
          row['mediated_insns_per_read'])
    print('  added by the trip to EL2:                           %6d instructions' %
          row['added_insns_per_read'])
    print('  (%d reads each; EL2 counted %d performed accesses, %d expected)' % (
        NREADS, row['el2_performed'], NREADS + 1))
    print('results: %s' % os.path.join(OUT, 'mediation.json'))


ITS_KERNEL = os.environ.get('ITS_KERNEL', os.path.join(TOP, 'build', 'kernel-its', 'arch',
                                                       'arm64', 'boot', 'Image'))
ITS_BASE = 0x8080000


def its_boot(name, tagged):
    """One boot of the ITS kernel with virtio-rng-pci, the ITS tagged or not."""
    dtb = virt_dtb(name, '\n&{/intc@8000000/its@8080000} { pkvm,protected-mmio; };\n'
                   if tagged else '')
    debugfs = 'cat:/sys/kernel/debug/kvm/protected_mmio'
    log = boot_icount(name, ITS_KERNEL, dtb,
                      ['pkvmtest=itstime:0x%x,cat:/proc/interrupts,%s,devread:/dev/hwrng:4096,'
                       'cat:/proc/interrupts,%s' % (ITS_BASE, debugfs, debugfs)],
                      '-device virtio-rng-pci')
    lap = re.search(r'PKVMTEST itstime 0x[0-9a-f]+: (\d+) commands, (\d+) ticks, (\d+) polls', log)
    hz = re.search(r'counter (\d+) Hz', log)
    msis = [int(a) + int(b) for a, b in re.findall(
        r'PKVMTEST \| *\d+: *(\d+) *(\d+) *ITS-PCI-MSIX-\S+ +\d+ Edge +virtio0-input', log)]
    performed = [int(n) for n in re.findall(
        r'its@8080000 reg\[0\] mediated by gic-v3-its, performed (\d+)', log)]
    if not lap or not hz or len(msis) != 2 or (tagged and len(performed) != 2):
        sys.exit('bench: the ITS boot %s did not report, see %s' %
                 (name, os.path.join(OUT, '%s.log' % name)))
    return {
        'commands': int(lap.group(1)),
        'insns_per_command': round(int(lap.group(2)) * 10**9 / int(hz.group(1)) /
                                   int(lap.group(1))),
        'polls': int(lap.group(3)),
        'msis_during_read': msis[1] - msis[0],
        'el2_performed_during_read': performed[1] - performed[0] if tagged else None,
    }


def its_commands():
    """Instructions per ITS command, native against mediated, and LPI traps.

    Two boots of the ITS kernel (make kernel-its), the ITS untagged and
    tagged. The init posts a lap of 2048 SYNCs one at a time, as Linux's
    driver posts commands (the command, GITS_CWRITER, then GITS_CREADR
    until the ITS has run it), timed with the generic counter, which under
    -icount shift=0 follows instructions; QEMU runs an ITS command inside
    the CWRITER write, so one CREADR read each is expected. Then it reads
    4096 bytes from virtio-rng-pci, whose MSIs go through the ITS, and
    EL2's count of performed ITS accesses must not move.
    """
    if not os.path.exists(ITS_KERNEL):
        sys.exit('bench: %s is needed (make kernel-its)' % ITS_KERNEL)
    native = its_boot('its-native', False)
    mediated = its_boot('its-mediated', True)
    row = {'native': native, 'mediated': mediated,
           'added_insns_per_command': mediated['insns_per_command'] -
           native['insns_per_command']}
    json.dump(row, open(os.path.join(OUT, 'its.json'), 'w'), indent=1)
    print('pKVM protected MMIO: cost of a mediated GICv3 ITS (%s, -icount shift=0)' % CPU)
    print('  command posted to the native ITS (SYNC, CWRITER, CREADR): %6d instructions' %
          native['insns_per_command'])
    print('  command posted to the mediated ITS (copied, checked):     %6d instructions' %
          mediated['insns_per_command'])
    print('  added by the trips to EL2:                                %6d instructions' %
          row['added_insns_per_command'])
    print('  (%d commands each; %d and %d CREADR reads)' % (
        native['commands'], native['polls'], mediated['polls']))
    print('  LPIs: %d MSIs during a 4096-byte virtio-rng read, %d ITS accesses at EL2' % (
        mediated['msis_during_read'], mediated['el2_performed_during_read']))
    print('results: %s' % os.path.join(OUT, 'its.json'))


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
    print()
    mediation()
    print()
    its_commands()


if __name__ == '__main__':
    main()
