#!/bin/bash
# scripts/build-findings.py, the filter of make series-check's W=1 and
# sparse checks, on what gcc, sparse and kernel-doc really print:
#  - a finding at an upstream line the step did not add, whose note points
#    at a declaration the step added, is the step's; with no line added,
#    it is upstream's;
#  - a finding anywhere in one of the series' own files is the step's,
#    and so is one in an upstream inline that gcc says was inlined there;
#  - sparse's "expected"/"got" lines come with its finding;
#  - kernel-doc's "Warning: FILE:LINE" counts at that line only;
#  - --errors keeps make's failure lines, first, and drops the errors
#    sparse 0.6.4 reports on code it cannot read; the default mode names
#    such a file, and holds nothing in it against the step.
#
#   run.sh [-k KERNEL-SOURCE]    (kernel-doc of build/src/linux, the tree
#                                 make kernel builds)
#
# Prints one TAP-style line per check; exits 0 iff every check passed.
set -uo pipefail
# gcc quotes with ASCII apostrophes then, as the greps below expect.
export LC_ALL=C

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

static inline void kvm_set_slot(int *slots, int i)
{
	slots[i] = 1;
}
extern int kvm_slots[4];
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
# The array is upstream's too, so that gcc's notes about it point at
# upstream's header: only the inlining site makes the warning ours.
cat >"$src/arch/arm64/kvm/pkvm_mmio_fdt.c" <<'EOF'
#include "../include/asm/kvm_host.h"

void pkvm_fill(void)
{
	kvm_set_slot(kvm_slots, 5);
}
EOF

# As kbuild runs it for O=: from the output directory, sources by a
# relative path (sparse, below, by an absolute one).
(cd "$out" && for f in arm pkvm_protected_mmio pkvm_mmio_fdt; do
	gcc -O2 -Wall -Wextra -Wno-missing-prototypes \
		-Wno-error=incompatible-pointer-types -c \
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
if grep -q "inlined from 'pkvm_fill' at .*pkvm_mmio_fdt.c:5" "$tmp/gcc.log" &&
	grep -q 'kvm_host.h:6:.*warning: array subscript' <<<"$got"; then
	ok "a warning in an upstream inline, inlined into our file, is the step's"
else
	notok "a warning in an upstream inline, inlined into our file, is the step's"
	sed 's/^/#   /' "$tmp/gcc.log"
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
	(cd "$out" && sparse "$src/arch/arm64/kvm/mmu.c") >"$tmp/sparse.log" 2>&1
	got=$("$findings" "$tmp/sparse.log" "$tmp/mmu.diff" "$src" "$out")
	if grep -q 'mmu.c:6:.*warning: incorrect type' <<<"$got" &&
		grep -q 'expected' <<<"$got" && grep -q 'got' <<<"$got"; then
		ok "sparse's finding at an added line, with its expected and got lines"
	else
		notok "sparse's finding at an added line, with its expected and got lines"
		sed 's/^/#   /' "$tmp/sparse.log"
	fi

	# What sparse 0.6.4 cannot read (a static assert on a call, as
	# kunit_test_suite() has) in one of our files, then a real compiler
	# error and make's word on it, in one log.
	cat >"$src/arch/arm64/kvm/pkvm_pinned_test.c" <<'EOF'
static int pkvm_one(void) { return 1; }
_Static_assert(pkvm_one() == 1, "one");
EOF
	cat >"$src/arch/arm64/kvm/guest.c" <<'EOF'
int kvm_guest(void) { return undeclared_here; }
EOF
	printf 'guest.o: %s\n\tgcc -c $< -o $@\n' "$src/arch/arm64/kvm/guest.c" \
		>"$tmp/Makefile"
	{
		(cd "$out" && sparse ../src/arch/arm64/kvm/pkvm_pinned_test.c)
		make -C "$out" -f "$tmp/Makefile" guest.o
	} >"$tmp/fail.log" 2>&1
	got=$("$findings" --errors "$tmp/fail.log")
	if grep -q 'pkvm_pinned_test.c:2:.*bad constant expression' "$tmp/fail.log" &&
		head -n 1 <<<"$got" | grep -q '\*\*\*' &&
		grep -q "'undeclared_here' undeclared" <<<"$got" &&
		! grep -q 'bad constant' <<<"$got"; then
		ok "--errors puts make's line first, keeps gcc's error, not sparse's 'cannot read'"
	else
		notok "--errors puts make's line first, keeps gcc's error, not sparse's 'cannot read'"
		sed 's/^/#   log: /' "$tmp/fail.log"
		sed 's/^/#   got: /' <<<"$got"
	fi
	got=$("$findings" "$tmp/fail.log" "$tmp/empty.diff" "$src" "$out" \
		2>"$tmp/stopped")
	if [ -z "$got" ] &&
		grep -q 'cannot read in .*pkvm_pinned_test.c, and so reports no warning' \
			"$tmp/stopped"; then
		ok "a file where sparse met code it cannot read is named, not held against the step"
	else
		notok "a file where sparse met code it cannot read is named, not held against the step"
		sed 's/^/#   /' "$tmp/stopped"
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
		-none ../src/arch/arm64/kvm/pgtable.c) >"$tmp/doc.log" 2>&1
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

exit $failed
