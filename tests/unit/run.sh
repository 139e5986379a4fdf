#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build and run the host tests of the shared protected-MMIO parser: unit
# tests, every fixture under tests/fixtures/, a replay of the fuzz corpus
# and a short fuzz run. Everything is built in build/unit/. One line per
# check, "ok - NAME" or "not ok - NAME (why)"; exit 0 iff all passed.
#
#   tests/unit/run.sh                  the suite
#   tests/unit/run.sh --known-bugs     only the tests of reported, unfixed
#                                      parser bugs (pass once fixed)
#   tests/unit/run.sh --refresh-corpus copy the fixture DTBs to
#                                      tests/fuzz/corpus/, then the suite
#
# PKVM_MMIO_FDT_DIR=dir runs everything against another copy of
# pkvm_mmio_fdt.[ch], e.g. to try a parser fix before applying it.
#
# Needs gcc, dtc and libfdt-dev; the fuzz checks need clang with libFuzzer
# (Debian: clang, libclang-rt-14-dev).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/unit
# The parser of the applied series when there is one (make src); kernel/
# has it as the patch that adds it had it.
kvm=${PKVM_MMIO_FDT_DIR:-$top/build/src/linux/arch/arm64/kvm}
[ -f "$kvm/pkvm_mmio_fdt.c" ] || kvm=$top/kernel/arch/arm64/kvm
fixtures=$top/tests/fixtures
corpus=$top/tests/fuzz/corpus
kernel_libfdt=$top/build/src/linux/scripts/dtc/libfdt

mode=suite
case "${1:-}" in
--known-bugs) mode=known-bugs ;;
--refresh-corpus) mode=refresh ;;
"") ;;
*) echo "usage: $0 [--known-bugs|--refresh-corpus]" >&2; exit 2 ;;
esac

passed=0
failed=0

pass() {
	echo "ok - $1"
	passed=$((passed + 1))
}

fail() {
	echo "not ok - $1 ($2)"
	failed=$((failed + 1))
}

# The first line of a file, for a one-line reason.
first() {
	head -n 1 "$1" 2>/dev/null | cut -c 1-200
}

cflags=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer)
san=("-fsanitize=address,undefined" -fno-sanitize-recover=all)

# build NAME COMMAND...: run a compiler command, one check line.
build() {
	local name=$1

	shift
	if "$@" 2>"$out/$name.log"; then
		pass "build $name"
		return 0
	fi
	fail "build $name" "$(grep -m 1 -e error -e undefined \
			      "$out/$name.log" || first "$out/$name.log")"
	return 1
}

# run_tests ARGS...: run test_parser, passing its lines through.
run_tests() {
	local rc

	"$out/test_parser" "$@" >"$out/test_parser.out" \
		2>"$out/test_parser.err"
	rc=$?
	cat "$out/test_parser.out"
	passed=$((passed + $(grep -c '^ok - ' "$out/test_parser.out")))
	failed=$((failed + $(grep -c '^not ok - ' "$out/test_parser.out")))
	# Tests only print to stdout: anything on stderr is a sanitizer
	# report or a failed tree build, whatever the exit code says.
	if [ $rc -ne 0 ] && [ -s "$out/test_parser.err" ]; then
		fail "test_parser${*:+ $*}" "exit $rc: $(grep -m 1 \
			-e 'runtime error' -e 'ERROR:' "$out/test_parser.err" ||
			first "$out/test_parser.err")"
	fi
}

# run_fixtures DIR OUT: compile each DIR/NAME.dts into OUT, run it, compare
# with NAME.expected.
run_fixtures() {
	local dts name dtb args want rc fx=$2

	mkdir -p "$fx"
	for dts in "$1"/*.dts; do
		[ -e "$dts" ] || continue	# no fixture at all
		name=$(basename "$dts" .dts)
		dtb=$fx/$name.dtb
		if ! dtc -q -I dts -O dtb -o "$dtb" "$dts" \
		     2>"$fx/$name.dtc"; then
			fail "fixture $name" "dtc: $(first "$fx/$name.dtc")"
			continue
		fi
		args=$(cat "${dts%.dts}.args" 2>/dev/null)
		# shellcheck disable=SC2086 # args are words on purpose
		"$out/fixture-check" $args "$dtb" >"$fx/$name.out" \
			2>"$fx/$name.err"
		rc=$?
		want=1
		grep -q '^ok ' "${dts%.dts}.expected" && want=0
		if ! cmp -s "$fx/$name.out" "${dts%.dts}.expected"; then
			fail "fixture $name" "got: $(first "$fx/$name.out")$(
			      grep -m 1 -e 'runtime error' -e 'ERROR:' \
			      "$fx/$name.err" | sed 's/^/ stderr: /')"
		elif [ $rc -ne $want ]; then
			fail "fixture $name" "exit $rc, want $want"
		else
			pass "fixture $name"
		fi
	done
}

# run_driver_io: the driver's own contract on inputs dtc cannot write.
run_driver_io() {
	local dtb=$out/fixtures/no-tags.dtb cut=$out/truncated.dtb got
	local want="error bad-fdt device tree: not a valid flattened device"

	want+=" tree"

	# One byte short of its totalsize: refused, never read past the end.
	head -c $(($(stat -c %s "$dtb") - 1)) "$dtb" >"$cut"
	got=$("$out/fixture-check" "$cut" 2>&1)
	if [ $? -eq 1 ] && [ "$got" = "$want" ]; then
		pass "driver truncated dtb"
	else
		fail "driver truncated dtb" "got: $got"
	fi

	"$out/fixture-check" "$out/does-not-exist.dtb" >/dev/null 2>&1
	got=$?
	if [ $got -eq 2 ]; then
		pass "driver unreadable input"
	else
		fail "driver unreadable input" "exit $got, want 2"
	fi
}

# run_fuzz: build the harness, replay the corpus, fuzz briefly.
run_fuzz() {
	local src=(-DPKVM_MMIO_PIPELINE_NO_MAIN
		   "$top/tests/fuzz/fuzz_parser.c"
		   "$top/tests/unit/pkvm_mmio_driver.c" "$kvm/pkvm_mmio_fdt.c")
	local fdt=(-lfdt) work=$out/fuzz-work log=$out/fuzz.log cov execs f
	local seeds

	# libFuzzer present at all? Then any later failure is ours.
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n)
	      { (void)d; (void)n; return 0; }' >"$out/probe.c"
	if ! clang -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" \
	     2>/dev/null; then
		fail fuzz "clang libFuzzer missing"
		return
	fi

	# Prefer the kernel's libfdt, compiled with the sanitizers, to
	# Debian's uninstrumented one. Not for alignment: libfdt trusts the
	# header's off_dt_struct to be 4-byte aligned and loads tags
	# directly, which arm64 does not mind and which is not ours to fix.
	if [ -f "$kernel_libfdt/fdt_ro.c" ]; then
		fdt=(-I"$kernel_libfdt")
		for f in fdt fdt_ro; do
			clang -g -O1 \
				-fsanitize=fuzzer-no-link,address,undefined \
				-fno-sanitize=alignment \
				-fno-sanitize-recover=all -I"$kernel_libfdt" \
				-c "$kernel_libfdt/$f.c" -o "$out/libfdt-$f.o" \
				2>"$out/libfdt.log" || { fdt=(-lfdt); break; }
			fdt+=("$out/libfdt-$f.o")
		done
	fi
	build fuzz_parser clang "${cflags[@]}" \
		-fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I"$kvm" -I"$top/tests/unit" \
		"${src[@]}" "${fdt[@]}" -o "$out/fuzz_parser" || return

	seeds=("$corpus"/*)
	if "$out/fuzz_parser" "${seeds[@]}" >"$log" 2>&1; then
		pass "fuzz corpus replay (${#seeds[@]} inputs)"
	else
		fail "fuzz corpus replay" "$(grep -m 1 -e ERROR: \
		      -e 'runtime error' "$log" || tail -n 1 "$log")"
	fi

	# New inputs go to a scratch directory, never into the tree.
	rm -rf "$work"
	mkdir -p "$work"
	if "$out/fuzz_parser" -runs=20000 -max_total_time=20 \
	   -dict="$top/tests/fuzz/fuzz_parser.dict" \
	   -artifact_prefix="$out/fuzz-" "$work" "$corpus" >"$log" 2>&1; then
		execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*')
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
		pass "fuzz (${execs:-?} runs, ${cov:-cov: ?})"
	else
		fail fuzz "$(grep -m 1 -e ERROR: -e 'runtime error' "$log" ||
			     tail -n 1 "$log"); input: $(grep -o \
			     "$out/fuzz-[a-z]*-[0-9a-f]*" "$log" | head -n 1)"
	fi
}

mkdir -p "$out"
# A failed build must not leave an old binary to be tested.
rm -f "$out/fixture-check" "$out/test_parser" "$out/fuzz_parser"

build fixture-check gcc "${cflags[@]}" "${san[@]}" -I"$kvm" \
	"$top/tests/unit/pkvm_mmio_driver.c" "$kvm/pkvm_mmio_fdt.c" -lfdt \
	-o "$out/fixture-check"
build test_parser gcc "${cflags[@]}" "${san[@]}" -I"$kvm" \
	"$top/tests/unit/test_parser.c" "$kvm/pkvm_mmio_fdt.c" -lfdt \
	-o "$out/test_parser"

if [ $mode = known-bugs ]; then
	[ -x "$out/test_parser" ] && run_tests --known-bugs
	[ -x "$out/fixture-check" ] &&
		run_fixtures "$fixtures/known-bugs" "$out/known-bugs"
else
	[ -x "$out/test_parser" ] && run_tests
	if [ -x "$out/fixture-check" ]; then
		run_fixtures "$fixtures" "$out/fixtures"
		run_driver_io
	fi
	if [ $mode = refresh ]; then
		mkdir -p "$corpus"
		cp "$out"/fixtures/*.dtb "$corpus"/
	fi
	run_fuzz
fi

echo "# $passed passed, $failed failed"
[ $failed -eq 0 ]
