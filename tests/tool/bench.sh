#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Not a test: how long "pkvm-mmio check" takes on a large tree, next to
# "dtc -I dtb -O dts" reading the same blob. Best of 3 runs each, for trees
# of 100,000 and 200,000 nodes (bench-gen.py). Uses hyperfine if installed.
#
#   tests/tool/bench.sh [TOOL]

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TOOL=${1:-$ROOT/build/tool/pkvm-mmio}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ $# = 0 ]; then
	make -s -C "$ROOT/kernel/tools/pkvm-mmio" O="$ROOT/build/tool" \
		${KVM_DIR:+KVM_DIR=$KVM_DIR}
fi

# best3 CMD...: the fastest of three runs, in milliseconds.
best3() {
	local best= i t0 t1 ms
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || [ $? = 1 ]
		t1=$(date +%s%N)
		ms=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
			best=$ms
		fi
	done
	printf '%d.%03d' $((best / 1000)) $((best % 1000))
}

printf '%-8s %-9s %-9s %-14s %-14s %s\n' nodes "dtb KiB" regions \
	"check ms" "dtc ms" "check/dtc"
for n in 100000 200000; do
	python3 "$HERE/bench-gen.py" "$n" >"$TMP/b.dts" 2>/dev/null
	dtc -q -I dts -O dtb -o "$TMP/b.dtb" "$TMP/b.dts"
	regions=$("$TOOL" --max-regions 4096 list "$TMP/b.dtb" |
		  sed -n 's/^\([0-9]*\) regions.*/\1/p')
	check=$(best3 "$TOOL" --max-regions 4096 check "$TMP/b.dtb")
	dtc=$(best3 dtc -q -I dtb -O dts -o /dev/null "$TMP/b.dtb")
	ratio=$(awk -v a="$check" -v b="$dtc" 'BEGIN { printf "%.2f", a / b }')
	printf '%-8s %-9s %-9s %-14s %-14s %s\n' "$n" \
		$(( $(stat -c %s "$TMP/b.dtb") / 1024 )) "$regions" \
		"$check" "$dtc" "$ratio"
	if command -v hyperfine >/dev/null; then
		hyperfine -N -w 1 -r 3 \
			"$TOOL --max-regions 4096 check $TMP/b.dtb" \
			"dtc -q -I dtb -O dts -o /dev/null $TMP/b.dtb"
	fi
done
