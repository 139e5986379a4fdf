#!/bin/bash
# scripts/build-findings.py, the filter of make series-check's W=1 and
# sparse checks, on what gcc, sparse and kernel-doc really print:
#  - a finding at an upstream line the step did not add, whose note points
#    at a declaration the step added, is the step's; with no line added,
#    it is upstream's;
#  - a finding anywhere in one of the series' own files is the step's;
#  - sparse's "expected"/"got" lines come with its finding;
#  - kernel-doc's "Warning: FILE:LINE" counts at that line only;
#  - --errors keeps make's failure lines and drops the errors sparse 0.6.4
#    reports on code it cannot read; the default mode names such a file.
#
#   run.sh [-k KERNEL-SOURCE]    (kernel-doc from build/src/linux)
#
# Prints one TAP-style line per check; exits 0 iff every check passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
ksrc=$top/build/src/linux
while getopts k: opt; do
	case $opt in
	k) ksrc=$OPTARG ;;
	*) exit 2 ;;
	esac
done

failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }
findings=$top/scripts/build-findings.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
out=$tmp/out
mkdir -p "$src/arch/arm64/kvm" "$src/arch/arm64/include/asm" "$out"

# An upstream header that gains a declaration, an upstream caller that
# does not change, and one of the series' files.
cat >"$src/arch/arm64/include/asm/kvm_host.h" <<'EOF'
int kvm_upstream(void);
void kvm_take_count(int *count);
EOF
cat >"$src/arch/arm64/kvm/arm.c" <<'EOF'
#include "../include/asm/kvm_host.h"

void kvm_caller(long *n)
{
	kvm_take_count(n);
}

int kvm_upstream(void)
{
	int unused;

	return 0;
}
EOF
cat >"$src/arch/arm64/kvm/pkvm_protected_mmio.c" <<'EOF'
static int pkvm_left_over;
EOF

# As kbuild runs it for O=: from the output directory, sources by a
# relative path.
(cd "$out" && for f in arm pkvm_protected_mmio; do
	gcc -Wall -Wextra -Wno-missing-prototypes -c \
		"../src/arch/arm64/kvm/$f.c" -o "$f.o"
done) >"$tmp/gcc.log" 2>&1

# The step added line 2 of the header only.
cat >"$tmp/header.diff" <<'EOF'
diff --git a/arch/arm64/include/asm/kvm_host.h b/arch/arm64/include/asm/kvm_host.h
--- a/arch/arm64/include/asm/kvm_host.h
+++ b/arch/arm64/include/asm/kvm_host.h
@@ -1,0 +2 @@
+void kvm_take_count(int *count);
EOF
: >"$tmp/empty.diff"

if grep -q 'kvm_host.h:2:.*note:' "$tmp/gcc.log" &&
	grep -q 'arm.c:5:.*warning:' "$tmp/gcc.log"; then
	ok "gcc puts the warning at the caller and its note at the declaration"
else
	notok "gcc puts the warning at the caller and its note at the declaration"
	sed 's/^/#   /' "$tmp/gcc.log"
fi

got=$("$findings" "$tmp/gcc.log" "$tmp/header.diff" "$src" "$out")
if grep -q 'arm.c:5:.*incompatible' <<<"$got" &&
	grep -q 'kvm_host.h:2:.*note:' <<<"$got"; then
	ok "a warning whose note points at an added line is the step's, with its note"
else
	notok "a warning whose note points at an added line is the step's, with its note"
	sed 's/^/#   /' <<<"$got"
fi
if grep -q "unused variable 'unused'" <<<"$got"; then
	notok "upstream's own warning in a touched file is not the step's"
else
	ok "upstream's own warning in a touched file is not the step's"
fi
if grep -q "pkvm_protected_mmio.c:1:.*pkvm_left_over" <<<"$got"; then
	ok "a warning in the series' own file is the step's"
else
	notok "a warning in the series' own file is the step's"
fi

got=$("$findings" "$tmp/gcc.log" "$tmp/empty.diff" "$src" "$out")
if grep -q 'arm.c' <<<"$got"; then
	notok "with no line added, the caller's warning is upstream's"
	sed 's/^/#   /' <<<"$got"
else
	ok "with no line added, the caller's warning is upstream's"
fi

# sparse: an address-space mismatch, at a line the step adds.
if command -v sparse >/dev/null; then
	cat >"$src/arch/arm64/kvm/mmu.c" <<'EOF'
#define __iomem __attribute__((noderef, address_space(__iomem)))
void kvm_write(void __iomem *addr);

void kvm_caller_io(void *p)
{
	kvm_write(p);
}
EOF
	printf '%s\n' '+++ b/arch/arm64/kvm/mmu.c' '@@ -5,0 +6 @@' \
		>"$tmp/mmu.diff"
	(cd "$out" && sparse ../src/arch/arm64/kvm/mmu.c) >"$tmp/sparse.log" 2>&1
	got=$("$findings" "$tmp/sparse.log" "$tmp/mmu.diff" "$src" "$out")
	if grep -q 'mmu.c:6:.*warning: incorrect type' <<<"$got" &&
		grep -q 'expected' <<<"$got" && grep -q 'got' <<<"$got"; then
		ok "sparse's finding at an added line, with its expected and got lines"
	else
		notok "sparse's finding at an added line, with its expected and got lines"
		sed 's/^/#   /' "$tmp/sparse.log"
	fi
else
	notok "sparse is installed"
fi

# kernel-doc, as W=1 runs it: "Warning: FILE:LINE ...".
if [ -x "$ksrc/scripts/kernel-doc" ]; then
	cat >"$src/arch/arm64/kvm/pgtable.c" <<'EOF'
/**
 * kvm_doc_old() - upstream's, with a parameter left out.
 */
int kvm_doc_old(int a)
{
	return a;
}

/**
 * kvm_doc_new() - the step's, with a parameter left out.
 */
int kvm_doc_new(int b)
{
	return b;
}
EOF
	printf '%s\n' '+++ b/arch/arm64/kvm/pgtable.c' '@@ -8,0 +9,8 @@' \
		>"$tmp/doc.diff"
	(cd "$out" && PYTHONDONTWRITEBYTECODE=1 python3 "$ksrc/scripts/kernel-doc" \
		-none -Wall ../src/arch/arm64/kvm/pgtable.c) >"$tmp/doc.log" 2>&1
	got=$("$findings" "$tmp/doc.log" "$tmp/doc.diff" "$src" "$out")
	if grep -q "'b'.*kvm_doc_new" <<<"$got" && ! grep -q "kvm_doc_old" <<<"$got"; then
		ok "kernel-doc's warning counts at its own line only"
	else
		notok "kernel-doc's warning counts at its own line only"
		sed 's/^/#   log: /' "$tmp/doc.log"
		sed 's/^/#   got: /' <<<"$got"
	fi
else
	notok "kernel-doc at $ksrc/scripts/kernel-doc (make kernel)"
fi

# What sparse 0.6.4 cannot read, and a real failure, in one log.
cat >"$tmp/fail.log" <<'EOF'
../arch/arm64/kvm/pkvm_mmio_fdt_test.c:600:1: error: bad constant expression
../arch/arm64/kvm/arm.c:7:2: error: 'x' undeclared (first use in this function)
make[4]: *** [../scripts/Makefile.build:287: arch/arm64/kvm/arm.o] Error 1
EOF
got=$("$findings" --errors "$tmp/fail.log")
if [ "$(wc -l <<<"$got")" = 2 ] && grep -q "'x' undeclared" <<<"$got" &&
	grep -q '\*\*\*' <<<"$got"; then
	ok "--errors keeps the compiler's error and make's, not sparse's 'cannot read'"
else
	notok "--errors keeps the compiler's error and make's, not sparse's 'cannot read'"
	sed 's/^/#   /' <<<"$got"
fi
"$findings" "$tmp/fail.log" "$tmp/empty.diff" "$src" "$out" \
	>/dev/null 2>"$tmp/stopped"
if grep -q 'says nothing more about .*pkvm_mmio_fdt_test.c' "$tmp/stopped"; then
	ok "a file where sparse stopped reading is named"
else
	notok "a file where sparse stopped reading is named"
fi

exit $failed
