#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a large board .dts for bench.sh: NODES nodes in total, most of them
devices under translating simple-bus nodes (nested two deep, with ranges),
one device in 64 tagged. Tagged devices sit on consecutive pages of each
bus so that they coalesce into a handful of regions, as on a real board."""
import sys

nodes = int(sys.argv[1])
per_bus = 1000
out = sys.stdout
w = out.write
w("/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n")
w("\tchosen {\n\t\tstdout-path = \"/uart@9000000\";\n\t};\n\n")
w("\tmemory@40000000 {\n\t\tdevice_type = \"memory\";\n"
  "\t\treg = <0x0 0x40000000 0x0 0x80000000>;\n\t};\n\n")
w("\tintc@8000000 {\n\t\tinterrupt-controller;\n"
  "\t\treg = <0x0 0x8000000 0x0 0x10000>;\n\t};\n\n")
w("\tuart@9000000 {\n\t\treg = <0x0 0x9000000 0x0 0x1000>;\n\t};\n\n")
made = 4
bus = 0
while made < nodes:
    # Each outer bus maps a 64 MiB window above 4 GiB; the inner bus moves
    # its children once more, so every reg goes through two ranges.
    base = 0x100000000 + bus * 0x4000000
    w("\tsoc@%x {\n\t\tcompatible = \"simple-bus\";\n"
      "\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
      "\t\tranges = <0x0 0x%x 0x%x 0x4000000>;\n\n"
      % (base, base >> 32, base & 0xffffffff))
    w("\t\tbus@1000000 {\n\t\t\tcompatible = \"simple-bus\";\n"
      "\t\t\t#address-cells = <1>;\n\t\t\t#size-cells = <1>;\n"
      "\t\t\tranges = <0x0 0x1000000 0x2000000>;\n\n")
    made += 2
    n = min(per_bus, nodes - made)
    tagged = 0
    for i in range(n):
        if i % 64 == 0:
            # tagged: consecutive pages at the start of the window
            addr = tagged * 0x1000
            tagged += 1
            w("\t\t\tdev@%x {\n\t\t\t\tcompatible = \"vendor,dev\";\n"
              "\t\t\t\treg = <0x%x 0x1000>;\n"
              "\t\t\t\tpkvm,protected-mmio;\n\t\t\t};\n" % (addr, addr))
        else:
            addr = 0x100000 + i * 0x2000
            w("\t\t\tdev@%x {\n\t\t\t\tcompatible = \"vendor,dev\";\n"
              "\t\t\t\treg = <0x%x 0x1000>;\n"
              "\t\t\t\tinterrupts = <0 %d 4>;\n\t\t\t};\n"
              % (addr, addr, i % 900))
    made += n
    w("\t\t};\n\t};\n")
    bus += 1
w("};\n")
print("%d nodes, %d buses" % (made, bus), file=sys.stderr)
