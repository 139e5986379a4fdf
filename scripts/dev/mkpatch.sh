#!/bin/bash
# Developer helper: write one of patches/ from an edited copy of upstream files.
#
#   mkpatch.sh EDIT_DIR PATCH_NAME "Subject" DESCRIPTION_FILE FILE...
#
# EDIT_DIR/a holds the files as the previous patches leave them, EDIT_DIR/b
# the edited ones. The result is a 'git format-patch' mail, so checkpatch
# and 'git am' both take it.
set -euo pipefail

edit=${1:?}; name=${2:?}; subject=${3:?}; desc=${4:?}
shift 4
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export GIT_AUTHOR_NAME="pKVM protected MMIO developers"
export GIT_AUTHOR_EMAIL="kvmarm@lists.linux.dev"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"

git -C "$tmp" init -q
for f in "$@"; do
	mkdir -p "$tmp/$(dirname "$f")"
	cp "$edit/a/$f" "$tmp/$f"
done
git -C "$tmp" add -A
git -C "$tmp" commit -qm base
for f in "$@"; do
	cp "$edit/b/$f" "$tmp/$f"
done
{ echo "$subject"; echo; cat "$desc"; } | git -C "$tmp" commit -qa -F -
git -C "$tmp" format-patch -q --stdout -1 --no-signature > "$top/patches/$name"
echo "$top/patches/$name"
