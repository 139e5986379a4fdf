#!/bin/bash
# Dump the device tree QEMU virt builds for a CPU model, as DTS.
#
#   dump-dtb.sh CPU OUT.dts
#
# The raw dump is a 1 MiB blob that Linux 6.12 does not boot from when
# passed back with -dtb under QEMU 7.2, so it always goes through dtc.
set -euo pipefail

cpu=${1:?cpu model}
out=${2:?output dts}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb="$tmp/virt.dtb" \
	-cpu "$cpu" -smp 2 -m 1024 -nographic -nic none >/dev/null 2>&1 </dev/null
dtc -q -I dtb -O dts -o "$out" "$tmp/virt.dtb"
