#!/bin/bash
# The cost of reading the device tree, in instructions (callgrind), over the
# arm64 DTBs of the base kernel (built by tests/dtbs/run.sh):
#  - the kernel's discovery, pkvm_mmio_fdt_discover() as kvm_hyp_reserve()
#    calls it, against a bare libfdt walk asking every node for one
#    property (tests/bench/fdt_cost.c), on every DTB;
#  - pkvm-mmio check against dtc -I dtb -O dts, whole processes, on every
#    EVERYth DTB (default 20) and on three named large ones.
# Prints the median and the worst ratio of each, and the named DTBs, and
# exits non-zero if a target is missed: discovery within 1.5x of the bare
# walk, pkvm-mmio check cheaper than dtc, on every DTB measured.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
every=${EVERY:-20}
out=$top/build/bench/fdt
dts=$top/build/dtbs/arch/arm64/boot/dts
kvm=$top/kernel/arch/arm64/kvm
named=(qcom/sm8550-mtp rockchip/rk3588-evb1-v10 arm/juno-r2)

[ -d "$dts" ] || { echo "bench-fdt: no DTBs in $dts: run tests/dtbs/run.sh (make test) first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench-fdt: valgrind is needed" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/cg"
find "$dts" -name '*.dtb' | LC_ALL=C sort > "$out/list"

echo "bench-fdt: discovery against a bare walk on $(wc -l < "$out/list") DTBs (callgrind)"
gcc -O2 -g -I"$kvm" -o "$out/fdt_cost" "$top/tests/bench/fdt_cost.c" \
	"$kvm/pkvm_mmio_fdt.c" -lfdt || exit 2
(cd "$out/cg" && xargs -a "$out/list" valgrind --tool=callgrind \
	--collect-atstart=no "$out/fdt_cost" > "$out/fdt_cost.log" 2>&1) || {
	echo "bench-fdt: fdt_cost failed, see $out/fdt_cost.log" >&2; exit 2; }
for f in "$out"/cg/callgrind.out.*; do
	printf '%s %s\n' "$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")" \
		"$(sed -n 's/^summary: //p' "$f")"
done > "$out/discover.txt"

echo "bench-fdt: pkvm-mmio check against dtc -I dtb -O dts on every ${every}th DTB"
make -s -C "$top/kernel/tools/pkvm-mmio" O="$out/tool" >/dev/null || exit 2
{
	awk -v n="$every" 'NR % n == 1' "$out/list"
	for d in "${named[@]}"; do echo "$dts/$d.dtb"; done
} | sort -u > "$out/sample"
insns() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
	sed -n 's/.*Collected : //p'; }
while IFS= read -r dtb; do
	echo "$dtb $(insns "$out/tool/pkvm-mmio" check "$dtb") $(insns dtc -q -I dtb -O dts -o /dev/null "$dtb")"
done < "$out/sample" > "$out/tool.txt"

python3 - "$out" "${named[@]}" <<'PY'
import json, statistics, sys
out, named = sys.argv[1], sys.argv[2:]
disc = {}
for line in open(out + '/discover.txt'):
    f = line.split()
    if len(f) == 3:		# the profile dumped at exit has no name
        disc.setdefault(f[1], {})[f[0]] = int(f[2])
tool = {}
for line in open(out + '/tool.txt'):
    dtb, t, d = line.split()
    tool[dtb] = (int(t), int(d))
ratios = sorted((v['discover'] / v['bare'], k) for k, v in disc.items())
tratios = sorted((t / d, k) for k, (t, d) in tool.items())
short = lambda p: p.split('/boot/dts/')[-1]
print('discovery / bare walk: median %.3f, worst %.3f (%s), over %d DTBs' % (
    statistics.median(r for r, _ in ratios), ratios[-1][0], short(ratios[-1][1]), len(ratios)))
print('pkvm-mmio check / dtc: median %.3f, worst %.3f (%s), over %d DTBs' % (
    statistics.median(r for r, _ in tratios), tratios[-1][0], short(tratios[-1][1]), len(tratios)))
print('%-28s %12s %12s %14s %12s' % ('DTB', 'bare walk', 'discovery', 'pkvm-mmio', 'dtc'))
for n in named:
    k = [d for d in disc if d.endswith('/' + n + '.dtb')][0]
    t, d = tool[k]
    print('%-28s %12d %12d %14d %12d' % (n, disc[k]['bare'], disc[k]['discover'], t, d))
json.dump({'discover': disc, 'tool': tool}, open(out + '/results.json', 'w'))
ok = ratios[-1][0] <= 1.5 and tratios[-1][0] < 1.0
print('targets (discovery within 1.5x of the bare walk, pkvm-mmio below dtc, on every DTB): %s' %
      ('met' if ok else 'MISSED'))
sys.exit(0 if ok else 1)
PY
