#!/bin/bash
# Boot a kernel under QEMU virt with EL2, the way every test and the demo do.
#
#   qemu.sh [-k IMAGE] [-c CPU] [-d DTB] [-i INITRD] [-t SECONDS] [-m MEM]
#           [-f FIRMWARE] [--] [CMDLINE...]
#
# CPU: cortex-a72 gives nVHE, max gives hVHE (in protected mode) or VHE.
# -f boots the test EL3 firmware (tests/firmware) on a machine with the
# security extensions, instead of QEMU's built-in PSCI: it enters the kernel
# at EL2 as firmware would, and answers FF-A. It needs -d; the command line,
# initramfs and memory size then reach the kernel through a copy of that
# DTB. ACPI is off, or QEMU would put a GED where the PL061 at 0x9030000 is.
# The normal world then has the devices of a machine without firmware, but
# flash bank 0 (0x0-0x3ffffff) is secure-only: touching it aborts.
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
firmware=

while getopts k:c:d:i:t:m:f: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	c) cpu=$OPTARG ;;
	d) dtb=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	f) firmware=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

cmdline="console=ttyAMA0 panic=-1 $*"
args=(-cpu "$cpu" -smp 2 -m "$mem" -nographic -nic none -no-reboot)
# shellcheck disable=SC2206 # QEMU_EXTRA is a list of words
[ -n "${QEMU_EXTRA:-}" ] && args+=($QEMU_EXTRA)

if [ -z "$firmware" ]; then
	args+=(-M virt,virtualization=on,gic-version=3 -kernel "$kernel"
	       -append "$cmdline")
	[ -n "$dtb" ] && args+=(-dtb "$dtb")
	[ -n "$initrd" ] && args+=(-initrd "$initrd")
	exec timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null
fi

[ -n "$dtb" ] || { echo "qemu.sh: -f needs -d" >&2; exit 2; }
# Where the firmware expects the kernel and the DTB.
fwmake=$top/tests/firmware/Makefile
kaddr=$(sed -n 's/^KERNEL_ADDR := //p' "$fwmake")
dtbaddr=$(sed -n 's/^DTB_ADDR := //p' "$fwmake")
initrdaddr=0x48000000
tmp=
trap 'rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
cp "$dtb" "$tmp/boot.dtb"
fdtput -t s "$tmp/boot.dtb" /chosen bootargs "$cmdline"
# As QEMU does for -dtb, a single /memory node gets all of -m, written with
# the root's cells (1 where the root does not say, as Linux reads it); a DTB
# with several (RAM banks with holes, say) is left as it is.
if [ "$(fdtget -l "$tmp/boot.dtb" / | grep -c '^memory@')" = 1 ] &&
   fdtget "$tmp/boot.dtb" /memory@40000000 reg >/dev/null 2>&1; then
	ac=$(fdtget -t u "$tmp/boot.dtb" / '#address-cells' 2>/dev/null || echo 1)
	sc=$(fdtget -t u "$tmp/boot.dtb" / '#size-cells' 2>/dev/null || echo 1)
	cells=()
	[ "$ac" = 2 ] && cells+=(0)
	cells+=(40000000)
	[ "$sc" = 2 ] && cells+=("$(printf %x $((mem >> 12)))")
	cells+=("$(printf %x $(((mem & 0xfff) << 20)))")
	fdtput -t x "$tmp/boot.dtb" /memory@40000000 reg "${cells[@]}"
fi
args+=(-M virt,secure=on,virtualization=on,gic-version=3,acpi=off -bios "$firmware"
       -device loader,file="$kernel",addr="$kaddr",force-raw=on
       -device loader,file="$tmp/boot.dtb",addr="$dtbaddr",force-raw=on)
if [ -n "$initrd" ]; then
	fdtput -t x "$tmp/boot.dtb" /chosen linux,initrd-start "$initrdaddr"
	fdtput -t x "$tmp/boot.dtb" /chosen linux,initrd-end \
		"$(printf %x $((initrdaddr + $(stat -c %s "$initrd"))))"
	args+=(-device loader,file="$initrd",addr="$initrdaddr",force-raw=on)
fi
# Not exec: the trap removes the DTB copy once QEMU is done.
timeout --foreground -k 5 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null
