#!/bin/bash
# Install what the build, the demo and the tests need: Debian 12 packages
# from the machine's own archive, and the pinned kernel source
# (configs/base-kernel), fetched alone with a private apt configuration.
# Does nothing when everything is already there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(
	make gcc libc6-dev bc bison flex libssl-dev libelf-dev kmod cpio rsync
	xz-utils python3 ccache git perl
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm
	device-tree-compiler libfdt-dev dt-schema python3-docutils
	clang llvm libclang-rt-14-dev sparse
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages: ${missing[*]}; run as root or install them" >&2
		exit 1
	fi
	echo "install-deps: installing ${#missing[@]} Debian 12 packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "install-deps: done"
fi

# The kernel source is only needed when no tree is named with KSRC=.
[ -n "${KSRC:-}" ] || "$top/scripts/fetch-kernel-source.sh" >/dev/null
