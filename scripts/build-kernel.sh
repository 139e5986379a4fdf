#!/bin/bash
# Build the QEMU virt test kernel out of tree.
#
#   build-kernel.sh PAGE_SIZE_KB OUTDIR [EXTRA_FRAGMENT...]
#
# Leaves OUTDIR/arch/arm64/boot/Image.  Uses ccache when present.
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

kmake() {
	make -s -C "$src" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="$cc" KBUILD_BUILD_TIMESTAMP="2026-01-01 00:00:00 UTC" KBUILD_BUILD_USER=pkvm-mmio \
		KBUILD_BUILD_HOST=pkvm-mmio LOCALVERSION= "$@"
}

# Regenerate .config only when the fragments changed.
cfgsum=$(cat "$top/configs/qemu-virt.config" "$frag" "$@" | sha1sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.config-inputs" 2>/dev/null)" != "$cfgsum" ]; then
	kmake tinyconfig >/dev/null
	# Later assignments win in Kconfig, so appending is a merge.
	cat "$top/configs/qemu-virt.config" "$frag" "$@" >> "$out/.config"
	kmake olddefconfig >/dev/null 2>&1
	# Every option the fragments ask for must have survived olddefconfig.
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
	for f in "$top/configs/qemu-virt.config" "$frag" "$@"; do
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
	echo "$cfgsum" > "$out/.config-inputs"
elif [ "${NO_OLDDEFCONFIG:-}" != 1 ]; then
	# Kconfig may have gained symbols from the patches: settle them to
	# defaults. Each olddefconfig costs 7 s here (Kconfig probes the
	# compiler), so a caller that knows no Kconfig file changed since
	# the last build in OUTDIR (make series-check, which otherwise
	# removes .config-inputs) says so with NO_OLDDEFCONFIG=1.
	kmake olddefconfig >/dev/null
fi

# A cold build takes about 10 minutes on 2 cores (ccache makes rebuilds
# fast): say how it goes, once a minute.
echo "build-kernel: ${pgsz}K kernel in $out"
start=$SECONDS
kmake -j"$(nproc)" Image &
make_pid=$!
while kill -0 "$make_pid" 2>/dev/null; do
	for _ in $(seq 60); do
		sleep 1
		kill -0 "$make_pid" 2>/dev/null || break 2
	done
	echo "build-kernel: ${pgsz}K kernel: $(find "$out" -name '*.o' | wc -l) objects built, $(((SECONDS - start) / 60)) min so far"
done
wait "$make_pid" || { echo "build-kernel: ${pgsz}K kernel build failed" >&2; exit 1; }
echo "build-kernel: ${pgsz}K kernel done in $((SECONDS - start)) s: $out/arch/arm64/boot/Image"
