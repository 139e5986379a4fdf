#!/bin/bash
# Install what the build, the demo and the tests need, from Debian 12's
# archive. Does nothing when everything is already there.
set -euo pipefail

pkgs=(
	make gcc libc6-dev bc bison flex libssl-dev libelf-dev kmod cpio rsync
	xz-utils python3 ccache
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm
	device-tree-compiler libfdt-dev dt-schema python3-docutils
	clang llvm libclang-rt-14-dev sparse
	linux-source-6.12
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
