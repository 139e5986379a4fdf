#!/bin/bash
# Boot a kernel under QEMU virt with EL2, the way every test and the demo do.
#
#   qemu.sh [-k IMAGE] [-c CPU] [-d DTB] [-i INITRD] [-t SECONDS] [-m MEM] [--] [CMDLINE...]
#
# CPU: cortex-a72 gives nVHE, max gives hVHE (in protected mode) or VHE.
# QEMU_EXTRA adds QEMU options (the benchmark uses "-icount shift=0").
# A boot that does not end by itself within the timeout is killed; the exit
# status is then 124.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$top/build/Image
cpu=cortex-a72
dtb=
initrd=
timeout=60
mem=1024

while getopts k:c:d:i:t:m: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	c) cpu=$OPTARG ;;
	d) dtb=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

args=(-M virt,virtualization=on,gic-version=3 -cpu "$cpu" -smp 2 -m "$mem"
      -nographic -nic none -no-reboot -kernel "$kernel")
[ -n "$dtb" ] && args+=(-dtb "$dtb")
[ -n "$initrd" ] && args+=(-initrd "$initrd")
# shellcheck disable=SC2206 # QEMU_EXTRA is a list of words
[ -n "${QEMU_EXTRA:-}" ] && args+=($QEMU_EXTRA)

exec timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" \
	-append "console=ttyAMA0 panic=-1 $*" </dev/null
