#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the pkvm-mmio tool: golden output of list and check, tag/untag
# round trips, agreement with the shared fixtures, and bad input under
# ASan/UBSan. One line per check, "ok - NAME" or "not ok - NAME (why)";
# exits 0 iff all pass.
#
#   tests/tool/run.sh              run everything
#   UPDATE_GOLDEN=1 tests/tool/run.sh   rewrite tests/tool/golden/*
#   KVM_DIR=/path tests/tool/run.sh     build against another parser copy
#
# Needs only Debian packages: gcc (or CC=clang-14), make, libfdt-dev,
# device-tree-compiler.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SRC=$ROOT/kernel/tools/pkvm-mmio
BUILD=$ROOT/build/tool
GOLDEN=$HERE/golden
FIXTURES=$ROOT/tests/fixtures
CC=${CC:-cc}
export CC

# The parser of the applied series (make src), as make tool builds it:
# kernel/ has it as the patch that adds it had it.
KVM_DIR=${KVM_DIR:-$ROOT/build/src/linux/arch/arm64/kvm}
[ -f "$KVM_DIR/pkvm_mmio_fdt.c" ] || KVM_DIR=$ROOT/kernel/arch/arm64/kvm
make_args=("KVM_DIR=$KVM_DIR")

failed=0
passed=0

ok() {
	echo "ok - $1"
	passed=$((passed + 1))
}

not_ok() {
	echo "not ok - $1 ($2)"
	failed=$((failed + 1))
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- build ---------------------------------------------------------------

if make -s -C "$SRC" O="$BUILD" "${make_args[@]}" >"$TMP/build.log" 2>&1; then
	ok "build"
else
	not_ok "build" "$(tail -3 "$TMP/build.log" | tr '\n' ' ')"
	exit 1
fi
if make -s -C "$SRC" O="$BUILD/asan" SANITIZE=1 "${make_args[@]}" \
	>"$TMP/build-asan.log" 2>&1; then
	ok "build SANITIZE=1"
else
	not_ok "build SANITIZE=1" "$(tail -3 "$TMP/build-asan.log" | tr '\n' ' ')"
	exit 1
fi
if make -s -C "$SRC" OUTPUT="$TMP/outdir/" "${make_args[@]}" >/dev/null 2>&1 &&
   [ -x "$TMP/outdir/pkvm-mmio" ]; then
	ok "build OUTPUT=dir/"
else
	not_ok "build OUTPUT=dir/" "no binary"
fi
if make -s -C "$SRC" O="$BUILD" PREFIX="$TMP/inst" "${make_args[@]}" \
	install >/dev/null 2>&1 &&
   [ -x "$TMP/inst/bin/pkvm-mmio" ] &&
   [ -f "$TMP/inst/share/man/man1/pkvm-mmio.1" ]; then
	ok "make install PREFIX="
else
	not_ok "make install PREFIX=" "bin or man page missing"
fi
if ${CC} -O2 -Wall -Wextra -Werror -o "$BUILD/blobgen" "$HERE/blobgen.c" \
	2>"$TMP/blobgen.log"; then
	ok "build blobgen"
else
	not_ok "build blobgen" "$(head -3 "$TMP/blobgen.log" | tr '\n' ' ')"
	exit 1
fi

# Every test runs the sanitized binary: a sanitizer report fails it.
TOOL=$BUILD/asan/pkvm-mmio
export ASAN_OPTIONS=detect_leaks=1:exitcode=98
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=97

# run NAME ARGS...: stdout to $TMP/out, stderr to $TMP/err, status to $rc.
run() {
	"$TOOL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

sanitizer_clean() {
	! grep -q -e 'Sanitizer' -e 'runtime error' "$TMP/err"
}

DTB=$TMP/dtb
mkdir -p "$DTB"
for dts in "$HERE"/dts/*.dts; do
	name=$(basename "$dts" .dts)
	dtc -q -I dts -O dtb -o "$DTB/$name.dtb" "$dts" ||
		not_ok "dtc $name" "does not compile"
done

# A tool built as the test kernels are, with their EL2 test handler, from
# the parser of the applied series (the test series adds the handler).
SELFTEST_KVM_DIR=${SELFTEST_KVM_DIR:-$ROOT/build/src/linux/arch/arm64/kvm}
SELFTEST_TOOL=
if [ ! -f "$SELFTEST_KVM_DIR/pkvm_mmio_fdt.c" ]; then
	not_ok "build with the test handler" "no $SELFTEST_KVM_DIR: run make src"
elif make -s -C "$SRC" O="$BUILD/selftest" SANITIZE=1 \
	KVM_DIR="$SELFTEST_KVM_DIR" CPPFLAGS=-DCONFIG_PKVM_PROTECTED_MMIO_SELFTEST \
	>"$TMP/build-selftest.log" 2>&1; then
	ok "build with the test handler"
	SELFTEST_TOOL=$BUILD/selftest/pkvm-mmio
else
	not_ok "build with the test handler" "$(tail -3 "$TMP/build-selftest.log" | tr '\n' ' ')"
fi
for dts in "$HERE"/dts-selftest/*.dts; do
	name=$(basename "$dts" .dts)
	dtc -q -I dts -O dtb -o "$DTB/$name.dtb" "$dts" ||
		not_ok "dtc $name" "does not compile"
done

# --- golden output ---------------------------------------------------------

# golden NAME DTB ARGS...: stdout and the exit status against golden/NAME.
golden() {
	local name=$1 dtb=$2
	shift 2
	run "$@" "$DTB/$dtb.dtb"
	{ cat "$TMP/out"; echo "exit $rc"; } >"$TMP/golden"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$GOLDEN"
		cp "$TMP/golden" "$GOLDEN/$name"
	fi
	if ! sanitizer_clean; then
		not_ok "golden $name" "sanitizer: $(grep -m1 -e Sanitizer -e 'runtime error' "$TMP/err")"
	elif [ ! -f "$GOLDEN/$name" ]; then
		not_ok "golden $name" "no golden/$name, run with UPDATE_GOLDEN=1"
	elif diff -u "$GOLDEN/$name" "$TMP/golden" >"$TMP/diff"; then
		ok "golden $name"
	else
		not_ok "golden $name" "$(sed -n 4,6p "$TMP/diff" | tr '\n' ' ')"
	fi
}

# Mediation: which regions a handler mediates, and what that exempts.
if [ -n "$SELFTEST_TOOL" ]; then
	PRODUCT_TOOL=$TOOL
	TOOL=$SELFTEST_TOOL
	golden mediated.list			mediated list
	golden mediated.list.json		mediated list --format json
	golden mediated.check			mediated check
	golden handlers.check			handlers check
	golden handlers.check.json		handlers check --format json
	TOOL=$PRODUCT_TOOL
fi
golden mediated.check.nohandler		mediated check
# The ITS has a handler in every build.
golden its.list				its list
golden its.list.json			its list --format json
golden its.check			its check

golden clean.list			clean list
golden clean.list.json			clean list --format json
golden clean.check			clean check
golden clean.check.json			clean check --format json
golden clean.check.16k			clean --page-size 16K check
golden clean.check.max1			clean --max-regions 1 check
golden clean.list.max1			clean --max-regions 1 list
golden warnings.list			warnings list
golden warnings.check			warnings check
golden warnings.check.json		warnings check --format json
golden warnings.check.werror		warnings check --werror
golden console.check			console check
golden device.check			device check
golden console.check.json		console check -f json
golden console.list.json		console list -f json
golden refused-ram.list			refused-ram list
golden refused-ram.list.json		refused-ram list --format json
golden refused-ram.check		refused-ram check
golden refused-ram.check.json		refused-ram check --format json
golden refused-unaligned.list		refused-unaligned list
golden refused-unaligned.check.64k	refused-unaligned --page-size 65536 check
golden refused-unaligned.check.64k.json	refused-unaligned -p 64K -f json check
golden refused-unaligned.check.pa32	refused-unaligned --pa-bits 32 check

# stdin gives the same answer as a file.
"$TOOL" check --format json - <"$DTB/warnings.dtb" >"$TMP/stdin.out" 2>&1
if diff -q "$TMP/stdin.out" <(sed '$d' "$GOLDEN/warnings.check.json") \
	>/dev/null 2>&1; then
	ok "check - reads stdin"
else
	not_ok "check - reads stdin" "differs from the file's output"
fi

# --- options and usage ---------------------------------------------------------

# usage NAME STATUS ARGS...
usage() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if ! sanitizer_clean; then
		not_ok "$name" "sanitizer report"
	elif [ "$rc" != "$want" ]; then
		not_ok "$name" "exit $rc, want $want"
	elif [ "$want" = 2 ] && [ ! -s "$TMP/err" ]; then
		not_ok "$name" "exit 2 without a message"
	else
		ok "$name"
	fi
}

usage "--help"				0 --help
usage "--version"			0 --version
usage "no command"			2
usage "unknown command"			2 frobnicate x
usage "unknown option"			2 --frobnicate list "$DTB/clean.dtb"
usage "list without file"		2 list
usage "list with two files"		2 list "$DTB/clean.dtb" "$DTB/clean.dtb"
usage "--page-size 8K refused"		2 --page-size 8K check "$DTB/clean.dtb"
usage "--page-size junk refused"	2 --page-size 4Q check "$DTB/clean.dtb"
usage "--pa-bits 60 refused"		2 --pa-bits 60 check "$DTB/clean.dtb"
usage "--max-regions -1 refused"	2 --max-regions -1 check "$DTB/clean.dtb"
usage "--format xml refused"		2 --format xml check "$DTB/clean.dtb"
usage "--format on tag refused"		2 -f json tag "$DTB/clean.dtb" "$TMP/x" /soc
usage "missing file"			2 check "$TMP/does-not-exist"
usage "directory"			2 check "$TMP"
usage "empty file"			2 check /dev/null
: >"$TMP/big"
truncate -s 65M "$TMP/big"
usage "input over 64 MiB"		2 check "$TMP/big"
usage "tag unknown node"		2 tag "$DTB/clean.dtb" "$TMP/x" /nope
usage "tag bad index"			2 tag "$DTB/clean.dtb" "$TMP/x" /soc/gpio@40000 x1
usage "untag untagged node"		2 untag "$DTB/clean.dtb" "$TMP/x" /soc/gpio@40000
usage "untag with an index"		2 untag "$DTB/clean.dtb" "$TMP/x" /soc/rng@10000 0

# --- tag and untag ---------------------------------------------------------------

t=tag-untag-byte-identical
if "$TOOL" tag "$DTB/clean.dtb" "$TMP/t1.dtb" /soc/gpio@40000 2>"$TMP/err" &&
   "$TOOL" list "$TMP/t1.dtb" >"$TMP/out" 2>>"$TMP/err" &&
   grep -q '/soc/gpio@40000 reg\[0\]' "$TMP/out" &&
   "$TOOL" untag "$TMP/t1.dtb" "$TMP/t2.dtb" /soc/gpio@40000 2>>"$TMP/err" &&
   cmp -s "$DTB/clean.dtb" "$TMP/t2.dtb" && sanitizer_clean; then
	ok "$t"
else
	not_ok "$t" "$(head -1 "$TMP/err")"
fi

t="tag by index through stdin and stdout"
if "$TOOL" tag - - /soc/wdt@20000 0 1 <"$DTB/clean.dtb" 2>"$TMP/err" |
	"$TOOL" list - >"$TMP/out" 2>>"$TMP/err" &&
   grep -q '/soc/wdt@20000 reg\[0\]' "$TMP/out" &&
   grep -q '/soc/wdt@20000 reg\[1\]' "$TMP/out" && sanitizer_clean; then
	ok "$t"
else
	not_ok "$t" "$(head -1 "$TMP/err")"
fi

t="tag by alias, untag restores the dts"
dtc -q -I dts -O dtb -p 4096 -o "$TMP/padded.dtb" "$HERE/dts/clean.dts"
if "$TOOL" tag "$TMP/padded.dtb" "$TMP/a1.dtb" rtc0 2>"$TMP/err" &&
   "$TOOL" list "$TMP/a1.dtb" 2>>"$TMP/err" | grep -q '/pl031@9010000 reg\[0\]' &&
   "$TOOL" untag "$TMP/a1.dtb" "$TMP/a2.dtb" rtc0 2>>"$TMP/err" &&
   dtc -q -I dtb -O dts "$TMP/padded.dtb" >"$TMP/a0.dts" &&
   dtc -q -I dtb -O dts "$TMP/a2.dtb" >"$TMP/a2.dts" &&
   cmp -s "$TMP/a0.dts" "$TMP/a2.dts" && sanitizer_clean; then
	ok "$t"
else
	not_ok "$t" "$(head -1 "$TMP/err")"
fi

t="tag of the console (by its alias) is refused like the kernel does"
rm -f "$TMP/c.dtb"
run tag "$DTB/clean.dtb" "$TMP/c.dtb" serial0
if [ "$rc" = 1 ] && grep -q '^error: /pl011@9000000 reg\[0\] .*overlaps the console' "$TMP/err" &&
   [ ! -e "$TMP/c.dtb" ]; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="tag --werror refuses a warning"
rm -f "$TMP/w.dtb"
run --werror tag "$DTB/clean.dtb" "$TMP/w.dtb" /intc@8000000
if [ "$rc" = 1 ] && [ ! -e "$TMP/w.dtb" ]; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="tag refuses a tree the kernel would refuse"
rm -f "$TMP/r.dtb"
run tag "$DTB/clean.dtb" "$TMP/r.dtb" /memory@40000000
if [ "$rc" = 1 ] && [ ! -e "$TMP/r.dtb" ] &&
   grep -q '^error: /memory@40000000 reg\[0\] .*overlaps RAM' "$TMP/err"; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="tag --force writes it anyway"
run --force tag "$DTB/clean.dtb" "$TMP/r.dtb" /memory@40000000
if [ "$rc" = 1 ] && [ -s "$TMP/r.dtb" ] &&
   "$TOOL" check "$TMP/r.dtb" 2>/dev/null | grep -q '^error: .*RAM'; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="untag fixes a refused tree"
run untag "$DTB/refused-ram.dtb" "$TMP/u.dtb" /bad@47fff000
if [ "$rc" = 0 ] && "$TOOL" list "$TMP/u.dtb" 2>/dev/null |
	grep -q '^1 region,'; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="tag replaces an existing tag"
run tag "$DTB/clean.dtb" "$TMP/re.dtb" /soc/wdt@20000 0
if [ "$rc" = 0 ] && "$TOOL" list "$TMP/re.dtb" 2>/dev/null |
	grep -q '/soc/wdt@20000 reg\[0\]' &&
   ! "$TOOL" list "$TMP/re.dtb" 2>/dev/null | grep -q 'wdt@20000 reg\[1\]'; then
	ok "$t"
else
	not_ok "$t" "exit $rc"
fi

t="tag in place (OUT = IN)"
cp "$DTB/clean.dtb" "$TMP/inplace.dtb"
if "$TOOL" tag "$TMP/inplace.dtb" "$TMP/inplace.dtb" /soc/gpio@40000 2>/dev/null &&
   "$TOOL" untag "$TMP/inplace.dtb" "$TMP/inplace.dtb" /soc/gpio@40000 2>/dev/null &&
   cmp -s "$DTB/clean.dtb" "$TMP/inplace.dtb"; then
	ok "$t"
else
	not_ok "$t" "blob changed"
fi

# --- the tool and the kernel's pipeline agree on every shared fixture ------

# Normalise "list" output to "BASE SIZE merged=N |PATH reg[i]|...".
norm_list() {
	awk '
	function hex(s) { sub(/^0x0*/, "0x", s); return s == "0x" ? "0x0" : s }
	function flush() { if (line != "") print line " merged=" n " " src }
	/^0x/ { flush(); split($1, r, "-"); line = hex(r[1]) " " hex($2);
		n = 1; src = "|" $4 " " $5 "|"; next }
	/^ +\// { n++; src = src $1 " " $2 "|"; next }
	END { flush() }'
}

if [ -d "$FIXTURES" ] && ls "$FIXTURES"/*.expected >/dev/null 2>&1; then
	for exp in "$FIXTURES"/*.expected; do
		name=$(basename "$exp" .expected)
		dts=$FIXTURES/$name.dts
		t="fixture $name: tool agrees"
		args=()
		[ -f "$FIXTURES/$name.args" ] &&
			read -r -a args <"$FIXTURES/$name.args"
		if [ ! -f "$dts" ] ||
		   ! dtc -q -I dts -O dtb -o "$TMP/f.dtb" "$dts" 2>/dev/null; then
			not_ok "$t" "cannot compile $name.dts"
			continue
		fi
		run "${args[@]}" list "$TMP/f.dtb"
		if ! sanitizer_clean; then
			not_ok "$t" "sanitizer: $(grep -m1 -e Sanitizer -e 'runtime error' "$TMP/err")"
			continue
		fi
		first=$(head -1 "$exp")
		case "$first" in
		"error "*)
			rule=$(echo "$first" | cut -d' ' -f2)
			want=$(echo "$first" | cut -d' ' -f3-)
			got=$(sed -n 's/^error: //p' "$TMP/out")
			"$TOOL" "${args[@]}" check --format json "$TMP/f.dtb" \
				2>/dev/null >"$TMP/json"
			if [ "$rc" != 1 ]; then
				not_ok "$t" "exit $rc, want 1 ($rule)"
			elif ! grep -q "\"severity\": \"error\", \"rule\": \"$rule\"" "$TMP/json"; then
				not_ok "$t" "rule is not $rule: $got"
			elif [ "$got" != "$want" ]; then
				not_ok "$t" "line '$got', want '$want'"
			else
				ok "$t"
			fi
			;;
		*)
			norm_list <"$TMP/out" >"$TMP/got"
			bad=$(awk '
			NR == FNR { got[FNR] = $0; nr = FNR; next }
			/^region / {
				i++
				split(got[i], g, " ")
				if (g[1] != $2 || g[2] != $3 || g[3] != $6)
					{ print "region " i ": " got[i]; exit }
				if (index(got[i], "|" $4 " " $5 "|") == 0)
					{ print "region " i " lacks " $4 " " $5; exit }
			}
			/^ok / { if ($2 != i || nr != i) print nr " regions, want " $2 }
			' "$TMP/got" "$exp")
			if [ "$rc" != 0 ]; then
				not_ok "$t" "exit $rc: $(head -1 "$TMP/out")"
			elif [ -n "$bad" ]; then
				not_ok "$t" "$bad"
			else
				ok "$t"
			fi
			;;
		esac
	done
else
	echo "# no tests/fixtures/*.expected: tool/kernel agreement not checked"
fi

# --- bad input under ASan/UBSan ------------------------------------------------

# robust KIND WANT: every blob of KIND exits with a status in WANT, with a
# message when it is 2, and without a sanitizer report.
robust() {
	local kind=$1 want=$2 n=0 bad="" f
	for f in "$TMP/blobs/$kind"-*.dtb; do
		n=$((n + 1))
		"$TOOL" check "$f" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if ! sanitizer_clean; then
			bad="$(basename "$f"): $(grep -m1 -e Sanitizer -e 'runtime error' "$TMP/err")"
		elif ! [[ " $want " == *" $rc "* ]]; then
			bad="$(basename "$f"): exit $rc"
		elif [ "$rc" = 2 ] && [ ! -s "$TMP/err" ]; then
			bad="$(basename "$f"): exit 2 without a message"
		elif [ "$rc" != 2 ]; then
			# A tree good enough to parse must also list and tag.
			"$TOOL" list --format json "$f" >/dev/null 2>"$TMP/err"
			"$TOOL" --force tag "$f" "$TMP/m.dtb" / >/dev/null 2>>"$TMP/err"
			sanitizer_clean ||
				bad="$(basename "$f"): $(grep -m1 -e Sanitizer -e 'runtime error' "$TMP/err")"
		fi
		[ -n "$bad" ] && break
	done
	if [ -n "$bad" ]; then
		not_ok "$kind blobs ($n)" "$bad"
	else
		ok "$kind blobs ($n): exit in {$want}, no sanitizer report"
	fi
}

mkdir -p "$TMP/blobs"
"$BUILD/blobgen" random 0x5eed 200 "$TMP/blobs" &&
"$BUILD/blobgen" truncate "$DTB/warnings.dtb" "$TMP/blobs" &&
"$BUILD/blobgen" mutate 0xfeed 300 "$DTB/warnings.dtb" "$TMP/blobs" ||
	not_ok "blobgen" "failed"
robust random "2"
robust trunc "2"
robust mutate "0 1 2"

echo "# $passed passed, $failed failed"
[ "$failed" = 0 ]
