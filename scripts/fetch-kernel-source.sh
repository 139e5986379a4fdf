#!/bin/bash
# Fetch the pinned Debian linux-source package (configs/base-kernel) without
# touching the machine's apt sources or installed packages: apt runs with a
# private configuration, state and cache under $CACHE, and only downloads.
#
#   fetch-kernel-source.sh      prints the path of the .deb it fetched
#
# The .deb is verified by apt against the suites' signed indexes. It stays in
# $CACHE (default ~/.cache/pkvm-mmio) so fresh clones do not fetch it again.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../configs/base-kernel
. "$top/configs/base-kernel"
cache=${PKVM_MMIO_CACHE:-${HOME:-/root}/.cache/pkvm-mmio}
deb=$cache/${package}_${version}_all.deb

say() { echo "fetch-kernel-source: $*" >&2; }

if [ -f "$deb" ]; then
	echo "$deb"
	exit 0
fi

apt_dir=$cache/apt
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" \
	"$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial"
: > "$apt_dir/etc/sources.list"
for s in $suites; do
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" \
		>> "$apt_dir/etc/sources.list"
done
apt_opts=(
	-o Dir::Etc::sourcelist="$apt_dir/etc/sources.list"
	-o Dir::Etc::sourceparts="$apt_dir/etc/sources.list.d"
	-o Dir::Etc::preferencesparts="$apt_dir/etc/preferences.d"
	-o Dir::State="$apt_dir/state"
	-o Dir::State::status=/dev/null
	-o Dir::Cache="$apt_dir/cache"
	-o APT::Architectures::=all
	-o Acquire::Languages=none
	-o APT::Sandbox::User=root
	-q
)

say "reading the package lists of $suites (private apt configuration in $apt_dir)"
# A suite whose mirror is mid-sync fails alone; the others still count.
if ! apt-get "${apt_opts[@]}" update > "$apt_dir/update.log" 2>&1; then
	say "some suites could not be read, going on with the others: $(grep -E '^(E|Err)' "$apt_dir/update.log" | head -1)"
fi

available=$(apt-cache "${apt_opts[@]}" madison "$package" 2>/dev/null |
	awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -uV)
[ -n "$available" ] || { say "no suite offers $package"; exit 2; }
want=$version
if ! grep -qxF "$version" <<< "$available"; then
	want=$(tail -1 <<< "$available")
	say "pinned $package $version is gone from $suites; taking the newest, $want (move the pin in configs/base-kernel)"
	deb=$cache/${package}_${want}_all.deb
fi

say "downloading $package $want (about 160 MB)"
(cd "$cache" && apt-get "${apt_opts[@]}" download "$package=$want" >&2)
[ -f "$deb" ] || { say "download of $package $want failed"; exit 2; }
echo "$deb"
