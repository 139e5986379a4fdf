#!/bin/bash
# Lay the project's sparse kernel tree and its small hunks on a Linux 6.12
# source tree.
#
#   prepare-tree.sh DEST        unpack Debian's linux-source-6.12 into DEST
#   KSRC=/path prepare-tree.sh DEST   copy the user's tree instead
#
# DEST is recreated only when the inputs change (stamp holds their hash), so
# repeated builds reuse the tree and ccache sees stable paths.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: prepare-tree.sh DEST}
tarball=/usr/src/linux-source-6.12.tar.xz

inputs_hash() {
	{
		if [ -n "${KSRC:-}" ]; then
			echo "KSRC=$KSRC"
			git -C "$KSRC" rev-parse HEAD 2>/dev/null || true
		else
			dpkg-query -W -f='${Version}\n' linux-source-6.12
		fi
		(cd "$top" && find kernel patches -type f -print0 | sort -z |
			xargs -0 sha1sum)
	} | sha1sum | cut -d' ' -f1
}

want=$(inputs_hash)
if [ -f "$dest/.pkvm-mmio-stamp" ] && [ "$(cat "$dest/.pkvm-mmio-stamp")" = "$want" ]; then
	exit 0
fi

pristine="$dest.pristine"
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || { echo "KSRC=$KSRC is not a kernel tree" >&2; exit 2; }
	rm -rf "$pristine"
	mkdir -p "$pristine"
	rsync -a --exclude .git "$KSRC/" "$pristine/"
	echo "user tree $KSRC" > "$pristine/.pkvm-mmio-source"
elif [ ! -f "$pristine/.pkvm-mmio-source" ]; then
	[ -f "$tarball" ] || { echo "$tarball missing: apt-get install linux-source-6.12" >&2; exit 2; }
	rm -rf "$pristine" "$pristine.tmp"
	mkdir -p "$pristine.tmp"
	tar -C "$pristine.tmp" -xf "$tarball"
	mv "$pristine.tmp/linux-source-6.12" "$pristine"
	rmdir "$pristine.tmp"
	echo "debian linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)" \
		> "$pristine/.pkvm-mmio-source"
fi

# Refresh DEST from the pristine copy; rsync keeps mtimes of unchanged files
# so an incremental kernel build only recompiles what the patches touch.
mkdir -p "$dest"
rsync -a --delete --exclude .pkvm-mmio-stamp "$pristine/" "$dest/"
rsync -a "$top/kernel/" "$dest/"
for p in $(cat "$top/patches/series"); do
	patch -d "$dest" -p1 --no-backup-if-mismatch -s -F0 < "$top/patches/$p" || {
		echo "patch $p does not apply on $(cat "$pristine/.pkvm-mmio-source")" >&2
		exit 1
	}
done
echo "$want" > "$dest/.pkvm-mmio-stamp"
echo "kernel tree: $(cat "$dest/.pkvm-mmio-source") + $(wc -l < "$top/patches/series") patches"
