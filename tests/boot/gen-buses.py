#!/usr/bin/env python3
"""Random nested simple-bus trees for the differential boot test.

    gen-buses.py SEED [--tagged]

Prints a dtc overlay for QEMU virt's tree: the flash node is deleted and,
in the 64 MiB its second bank occupies (0x4000000-0x7ffffff, readable MMIO
that no driver then claims), a tree of simple-bus nodes two or three levels
deep, each with 1 or 2 address and size cells and either an identity
ranges or several windows (sometimes a decoy window after the real one
that holds the same child addresses: the first entry that holds the base
decides), and devices with up to three reg entries. Every entry is page
aligned, and no two entries touch, so each is one protected region.

With --tagged every device carries pkvm,protected-mmio. On stderr, one
line per reg entry: "PATH INDEX FIRST LAST GAP", the CPU addresses of its
first and last page and of an untagged page right after it, as this
script lays them out (for the boot test to probe, not to judge: what
Linux and the kernel make of the tree is compared with each other).
"""
import random
import sys

PAGE = 0x1000
CPU_BASE, CPU_END = 0x4000000, 0x8000000


class Alloc:
    """Page allocator over a CPU range, leaving a free page after each block."""

    def __init__(self, lo, hi):
        self.cur, self.hi = lo, hi

    def take(self, size):
        if self.cur + size + PAGE > self.hi:
            return None
        lo = self.cur
        self.cur += size + PAGE
        return lo


def cells(value, n):
    assert value < 1 << (32 * n), (value, n)
    return ' '.join('0x%x' % ((value >> (32 * (n - 1 - i))) & 0xffffffff) for i in range(n))


class Gen:
    def __init__(self, seed, tagged):
        self.r = random.Random(seed)
        self.tagged = tagged
        self.entries = []
        self.devices = 0

    def bus(self, name, path, lo, hi, cpu_to_parent, pac, depth):
        """A bus covering CPU [lo, hi); returns its DTS lines."""
        r = self.r
        ac, sc = r.choice((1, 2)), r.choice((1, 2))
        out = ['%s {' % name, 'compatible = "simple-bus";',
               '#address-cells = <%d>;' % ac, '#size-cells = <%d>;' % sc]
        windows = []		# (cpu_lo, cpu_hi, child_base)
        if r.random() < 0.25 and ac >= pac:
            out.append('ranges;')
            windows.append((lo, hi, cpu_to_parent(lo)))
        else:
            n = r.randint(1, 3)
            span = (hi - lo) // n // PAGE * PAGE
            ranges = []
            for i in range(n):
                w_lo, w_hi = lo + i * span, lo + (i + 1) * span
                child = r.randrange(0, (1 << (32 * ac)) - span, 0x10000)
                windows.append((w_lo, w_hi, child))
                ranges.append('%s %s %s' % (cells(child, ac),
                                            cells(cpu_to_parent(w_lo), pac),
                                            cells(w_hi - w_lo, sc)))
                if r.random() < 0.3:
                    # A decoy after the real window: same child addresses,
                    # elsewhere in the parent. Linux takes the first.
                    decoy = cpu_to_parent(CPU_END - 0x100000)
                    ranges.append('%s %s %s' % (cells(child, ac), cells(decoy, pac),
                                                cells(0x1000, sc)))
            out.append('ranges = %s;' % ', '.join('<%s>' % x for x in ranges))

        allocs = [Alloc(w_lo, w_hi) for w_lo, w_hi, _ in windows]
        to_child = [(lambda c, w=w: c - w[0] + w[2]) for w in windows]
        nchildren = r.randint(2, 4)
        for k in range(nchildren):
            wi = r.randrange(len(windows))
            if depth < 3 and r.random() < 0.35:
                size = (windows[wi][1] - windows[wi][0]) // 3 // PAGE * PAGE
                lo2 = allocs[wi].take(size)
                if lo2 is None:
                    continue
                sub = 'bus@%x' % to_child[wi](lo2)
                out += self.bus(sub, path + '/' + sub, lo2, lo2 + size, to_child[wi],
                                ac, depth + 1)
                continue
            regs, lines = [], []
            for i in range(r.randint(1, 3)):
                wj = r.randrange(len(windows)) if i else wi
                size = r.randint(1, 4) * PAGE
                cpu = allocs[wj].take(size)
                if cpu is None or self.devices >= 12 or len(self.entries) >= 14:
                    break
                regs.append('%s %s' % (cells(to_child[wj](cpu), ac), cells(size, sc)))
                lines.append((cpu, size))
            if not regs:
                continue
            self.devices += 1
            name = 'dev@%x' % int(regs[0].split()[ac - 1], 16) if ac == 1 else \
                'dev@%x' % ((int(regs[0].split()[0], 16) << 32) | int(regs[0].split()[1], 16))
            dpath = path + '/' + name
            out += ['%s {' % name, 'compatible = "pkvm-test,dev";',
                    'reg = %s;' % ', '.join('<%s>' % x for x in regs)]
            if self.tagged:
                out.append('pkvm,protected-mmio;')
            out.append('};')
            for i, (cpu, size) in enumerate(lines):
                self.entries.append((dpath, i, cpu, cpu + size - PAGE, cpu + size))
        out.append('};')
        return out


def main():
    seed = int(sys.argv[1])
    g = Gen(seed, '--tagged' in sys.argv[2:])
    top = 'dbus@%x' % CPU_BASE
    lines = g.bus(top, '/' + top, CPU_BASE, CPU_END - 0x200000, lambda c: c, 2, 1)
    print('/ { /delete-node/ flash@0; };')
    print('/ {')
    print('\n'.join(lines))
    print('};')
    for e in g.entries:
        print('%s %d 0x%x 0x%x 0x%x' % e, file=sys.stderr)


if __name__ == '__main__':
    main()
