#!/bin/bash
# Lay the project's kernel series (patches/series) on the base kernel.
#
#   prepare-tree.sh DEST        unpack the pinned Debian linux-source
#                               (configs/base-kernel) into DEST
#   KSRC=/path prepare-tree.sh DEST   copy the user's tree instead
#
# DEST is recreated only when the inputs change (stamp holds their hash), so
# repeated builds reuse the tree and ccache sees stable paths. The pristine
# base sits beside it in DEST.pristine, its origin in .pkvm-mmio-source.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: prepare-tree.sh DEST}
# shellcheck source=../configs/base-kernel
. "$top/configs/base-kernel"
pristine="$dest.pristine"

base_id() {
	if [ -n "${KSRC:-}" ]; then
		echo "KSRC=$KSRC"
		git -C "$KSRC" rev-parse HEAD 2>/dev/null || true
	else
		echo "$package $version"
	fi
}

inputs_hash() {
	{
		base_id
		(cd "$top" && find kernel patches -type f -print0 | sort -z |
			xargs -0 sha1sum)
	} | sha1sum | cut -d' ' -f1
}

want=$(inputs_hash)
if [ -f "$dest/.pkvm-mmio-stamp" ] && [ "$(cat "$dest/.pkvm-mmio-stamp")" = "$want" ]; then
	exit 0
fi

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || { echo "KSRC=$KSRC is not a kernel tree" >&2; exit 2; }
	echo "prepare-tree: copying $KSRC"
	rm -rf "$pristine"
	mkdir -p "$pristine"
	rsync -a --exclude .git "$KSRC/" "$pristine/"
	echo "user tree $KSRC" > "$pristine/.pkvm-mmio-source"
elif [ "$(cat "$pristine/.pkvm-mmio-source" 2>/dev/null)" != "debian $package $version" ]; then
	deb=$("$top/scripts/fetch-kernel-source.sh")
	got=$(dpkg-deb -f "$deb" Version)
	echo "prepare-tree: unpacking $package $got into $pristine"
	rm -rf "$pristine" "$pristine.tmp"
	mkdir -p "$pristine.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$package.tar.xz" | tar -C "$pristine.tmp" -xJ
	mv "$pristine.tmp/$package" "$pristine"
	rmdir "$pristine.tmp"
	echo "debian $package $got" > "$pristine/.pkvm-mmio-source"
fi

# Refresh DEST from the pristine copy; rsync keeps mtimes of unchanged files
# so an incremental kernel build only recompiles what the patches touch.
# A file it copies gets the pristine copy's old mtime, though: one that the
# last series patched and this one does not would be older than the object
# built from the patched file, and stay linked. Those are touched. By
# content (-c), or a file touched once would differ in time from the
# pristine one at every refresh after, and be copied and touched again.
echo "prepare-tree: $(cat "$pristine/.pkvm-mmio-source") + $(grep -c '^[a-z]' "$top/patches/series") patches (patches/series) -> $dest"
mkdir -p "$dest"
# After rsync has exited: it sets a file's time after it names the file.
rm -f "$dest.copied"
rsync -a -c --delete --exclude .pkvm-mmio-stamp --out-format='%i %n' \
	"$pristine/" "$dest/" >"$dest.copied"
sed -n 's/^>f[^ ]* //p' "$dest.copied" |
	(cd "$dest" && tr '\n' '\0' | xargs -0 -r touch -c --)
rm -f "$dest.copied"
"$top/scripts/series.py" apply "$dest"
echo "$want" > "$dest/.pkvm-mmio-stamp"
