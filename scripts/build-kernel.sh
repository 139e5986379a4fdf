#!/bin/bash
# Build the QEMU virt test kernel out of tree.
#
#   build-kernel.sh PAGE_SIZE_KB OUTDIR [EXTRA_FRAGMENT...]
#
# Leaves OUTDIR/arch/arm64/boot/Image.  Uses ccache when present.
# For make series-check, from the environment: SRC_DIR=TREE builds TREE;
# SERIES_STEP=1 lets our Kconfig symbols be missing; NO_CONFIG_MERGE=1
# leaves an existing .config as it is; CONFIG_ONLY=1 stops at .config.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pgsz=${1:?page size in KiB (4, 16 or 64)}
out=$(mkdir -p "${2:?output directory}" && cd "$2" && pwd)
shift 2
# SRC_DIR: a tree the caller prepared (make series-check builds each step
# of the series in its own git tree); otherwise ours, laid out afresh.
if [ -n "${SRC_DIR:-}" ]; then
	src=$SRC_DIR
else
	src=$top/build/src/linux
	"$top/scripts/prepare-tree.sh" "$src"
fi

cc=aarch64-linux-gnu-gcc
if command -v ccache >/dev/null; then
	cc="ccache $cc"
	export CCACHE_BASEDIR="$top"
	export CCACHE_NOHASHDIR=1
	# Kbuild maps the absolute source path out of __FILE__ with this
	# option, so the objects do not depend on it: leave it out of the hash
	# and a tree elsewhere (a fresh clone, the series check) hits too.
	export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
	# CI may run without HOME; keep using the same cache all the same.
	export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}
fi

mkdir -p "$out"
frag="$out/pagesize.config"
case "$pgsz" in
4)  echo CONFIG_ARM64_4K_PAGES=y > "$frag" ;;
# 16K kernels are built for 48-bit VA: with 52 and no LPA2 the kernel falls
# back to 47 bits, below the hypervisor's 48 (6.12 then laid the hyp private
# VA range over the hyp linear map).
16) printf 'CONFIG_ARM64_16K_PAGES=y\nCONFIG_ARM64_VA_BITS_48=y\n' > "$frag" ;;
64) echo CONFIG_ARM64_64K_PAGES=y > "$frag" ;;
*)  echo "page size must be 4, 16 or 64" >&2; exit 2 ;;
esac
frags=("$top/configs/qemu-virt.config" "$frag" "$@")

# The build's time, user, host and number fixed: the same tree gives the
# same vmlinux in any output directory, however often it was linked there
# (make series-check compares its last step's with make kernel's).
kmake() {
	make -s -C "$src" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="$cc" KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00:00 UTC" KBUILD_BUILD_USER=pkvm-mmio \
		KBUILD_BUILD_HOST=pkvm-mmio KBUILD_BUILD_VERSION=1 LOCALVERSION= "$@"
}

# The fragments (frags), merged into OUTDIR/.config: later assignments win in
# Kconfig, so appending is a merge. Every option they ask for must then
# have survived olddefconfig.
merge_fragments() {
	local rc=0
	cat "${frags[@]}" >> "$out/.config"
	kmake olddefconfig >"$out/kconfig.log" 2>&1 || rc=$?
	# Not Kconfig's notes on the values the fragments set again.
	grep -v 'override: reassigning' "$out/kconfig.log" >&2 || true
	[ "$rc" = 0 ] || exit "$rc"
	missing=0
	# At a step of the series (SERIES_STEP=1) our own symbols may not
	# exist yet.
	unstuck() {
		case "${SERIES_STEP:-}:$*" in
		1:CONFIG_PKVM_PROTECTED_MMIO_*) return 0 ;;
		esac
		missing=1
		echo "config: $*" >&2
	}
	for f in "${frags[@]}"; do
		while read -r line; do
			case "$line" in
			CONFIG_*=*)
				grep -qxF "$line" "$out/.config" || unstuck "$line did not stick" ;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }; opt=${opt%% *}
				! grep -q "^$opt=" "$out/.config" || unstuck "$opt should be off" ;;
			esac
		done < "$f"
	done
	[ "$missing" = 0 ] || exit 1
}

# .config from tinyconfig and the fragments when they changed. Otherwise
# the fragments are merged again into the .config there, for the symbols
# Kconfig may have gained (from the series' patches, say): one they set
# takes their value, not its default. Each Kconfig run costs about 7 s
# here (Kconfig probes the compiler; from tinyconfig, it takes three),
# so a caller that knows no Kconfig file changed since the last
# build in OUTDIR (make series-check) skips it with NO_CONFIG_MERGE=1.
cfgsum=$(cat "${frags[@]}" | sha1sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.config-inputs" 2>/dev/null)" != "$cfgsum" ]; then
	kmake tinyconfig >/dev/null
	merge_fragments
	echo "$cfgsum" > "$out/.config-inputs"
elif [ "${NO_CONFIG_MERGE:-}" != 1 ]; then
	# The append made .config newer than what kbuild made of it: if the
	# merge changed nothing, its old time, or kbuild runs Kconfig again.
	cp -p "$out/.config" "$out/.config.premerge"
	merge_fragments
	! cmp -s "$out/.config" "$out/.config.premerge" ||
		touch -r "$out/.config.premerge" "$out/.config"
	rm -f "$out/.config.premerge"
fi
# CONFIG_ONLY=1: the .config alone (make series-check compares the one it
# merged step by step with it).
[ "${CONFIG_ONLY:-}" != 1 ] || exit 0

# A cold build takes about 10 minutes on 2 cores (ccache makes rebuilds
# fast): say how it goes, once a minute.
echo "build-kernel: ${pgsz}K kernel in $out"
start=$SECONDS
# A ticker beside make, not a poll of it: the series check's builds take
# 10 to 30 s, and a poll each second cost them half a second on average.
# It goes when we exit, however we exit, its sleep with it, or within a
# minute if we are killed outright.
ticker() {
	local nap=
	trap 'kill $nap 2>/dev/null; exit 0' TERM INT HUP
	while :; do
		sleep 60 >/dev/null 2>&1 &
		nap=$!
		wait "$nap"
		nap=
		kill -0 "$$" 2>/dev/null || exit 0
		echo "build-kernel: ${pgsz}K kernel: $(find "$out" -name '*.o' | wc -l) objects built, $(((SECONDS - start) / 60)) min so far"
	done
}
ticker &
ticker_pid=$!
trap 'kill "$ticker_pid" 2>/dev/null || true' EXIT
rc=0
kmake -j"$(nproc)" Image || rc=$?
[ "$rc" = 0 ] || { echo "build-kernel: ${pgsz}K kernel build failed" >&2; exit 1; }
echo "build-kernel: ${pgsz}K kernel done in $((SECONDS - start)) s: $out/arch/arm64/boot/Image"
