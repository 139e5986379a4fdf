#!/bin/bash
# The shared parser and pkvm-mmio against every arm64 DTB of the base kernel.
#
#   run.sh [-o OUTDIR]
#
# Builds the DTBs with `make dtbs` (arm64 defconfig) on the pristine base
# tree (build/src/linux.pristine, made by `make kernel`), once per base, then:
#  - tests/dtbs/corpus.c, under ASan/UBSan: every DTB untagged protects and
#    refuses nothing; a deterministic sample of nodes with reg (1 in 256,
#    and one more per DTB, so every vendor is in), each tagged alone, gets
#    an acceptance or a named rule; prints the counts by rule;
#  - pkvm-mmio (SANITIZE=1) check on every DTB untagged: "no tags", exit 0;
#  - pkvm-mmio check on every 10th tagged tree of the sample: the same
#    verdict as the parser's.
# Prints TAP-style lines; logs and trees are kept in OUTDIR.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/dtbs-check
while getopts o: opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done

src=$top/build/src/linux.pristine
dtbs=$top/build/dtbs
kvm=$top/kernel/arch/arm64/kvm
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

[ -f "$src/.pkvm-mmio-source" ] || { notok "no pristine base tree at $src (make kernel)"; exit 1; }

base=$(cat "$src/.pkvm-mmio-source")
if [ "$(cat "$dtbs/.pkvm-mmio-source" 2>/dev/null)" != "$base" ]; then
	echo "# building the arm64 DTBs of $base (arm64 defconfig, make dtbs; about 2 minutes on 2 cores)"
	rm -rf "$dtbs"
	mkdir -p "$dtbs"
	if make -s -C "$src" O="$dtbs" ARCH=arm64 defconfig >"$out.build.log" 2>&1 &&
	   make -s -C "$src" O="$dtbs" ARCH=arm64 -j"$(nproc)" dtbs >>"$out.build.log" 2>&1; then
		echo "$base" > "$dtbs/.pkvm-mmio-source"
	else
		notok "make dtbs: $(tail -1 "$out.build.log")"
		exit 1
	fi
fi

rm -rf "$out"
mkdir -p "$out/seeds" "$out/tagged"
find "$dtbs/arch/arm64/boot/dts" -name '*.dtb' | LC_ALL=C sort > "$out/list"
nr=$(wc -l < "$out/list")
vendors=$(sed 's#.*/boot/dts/##; s#/.*##' "$out/list" | sort -u | wc -l)
if [ "$nr" -gt 1000 ]; then
	ok "make dtbs built $nr arm64 DTBs of $vendors vendors ($base)"
else
	notok "make dtbs built only $nr DTBs"
fi

if gcc -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -I"$kvm" -o "$out/corpus" \
	"$top/tests/dtbs/corpus.c" "$kvm/pkvm_mmio_fdt.c" -lfdt 2>"$out/corpus.build.log"; then
	ok "build the corpus driver with ASan/UBSan"
else
	notok "build the corpus driver: $(head -1 "$out/corpus.build.log")"
	exit 1
fi
"$out/corpus" -m 256 -w 10 -o "$out" "$out/list" > "$out/corpus.log" 2>&1
rc=$?
grep -E '^(ok|not ok|#) ' "$out/corpus.log"
[ $rc -eq 0 ] || grep -q '^not ok' "$out/corpus.log" ||
	notok "corpus driver exited $rc: $(tail -1 "$out/corpus.log")"
got=$(sed -n 's/.*tagged nodes (.*, \([0-9]*\) vendors).*/\1/p' "$out/corpus.log")
if [ "${got:-0}" -eq "$vendors" ]; then
	ok "the tagged sample covers all $vendors vendors"
else
	notok "the tagged sample covers ${got:-0} of $vendors vendors"
fi

tool=$out/tool/pkvm-mmio
if make -s -C "$top/kernel/tools/pkvm-mmio" O="$out/tool" SANITIZE=1 >"$out/tool.build.log" 2>&1; then
	ok "build pkvm-mmio with ASan/UBSan"
else
	notok "build pkvm-mmio SANITIZE=1: $(tail -1 "$out/tool.build.log")"
	exit $failed
fi

bad=0
while IFS= read -r dtb; do
	res=$("$tool" check "$dtb" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || [ "$res" != "summary: 0 regions, 0 errors, 0 warnings: the kernel would accept this tree" ]; then
		bad=$((bad + 1))
		[ $bad -le 10 ] && echo "# $dtb: exit $rc: $res"
	fi
done < "$out/list"
if [ $bad -eq 0 ]; then
	ok "pkvm-mmio check: all $nr DTBs untagged have no tags and pass (exit 0), no sanitizer report"
else
	notok "pkvm-mmio check: $bad of $nr untagged DTBs did not pass cleanly"
fi

bad=0
n=0
while read -r file verdict dtb path; do
	n=$((n + 1))
	json=$("$tool" check --format json "$out/tagged/$file" 2>"$out/tagged/$file.err")
	rc=$?
	if [ "$verdict" = accept ]; then
		[ $rc -eq 0 ] && continue
	elif [ $rc -eq 1 ] && grep -q "\"severity\": \"error\", \"rule\": \"$verdict\"" <<< "$json"; then
		continue
	fi
	bad=$((bad + 1))
	[ $bad -le 10 ] && echo "# $dtb $path: parser says $verdict, pkvm-mmio exit $rc: $(grep -m1 '"rule"' <<< "$json")"
done < "$out/verdicts"
if [ $bad -eq 0 ] && [ $n -gt 0 ]; then
	ok "pkvm-mmio check reaches the parser's verdict on $n tagged trees of the sample"
else
	notok "pkvm-mmio check disagrees on $bad of $n tagged trees"
fi

exit $failed
