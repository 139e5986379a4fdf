#!/bin/bash
# Kernel style of our code: checkpatch --strict on the new kernel files and
# on every patch, and a W=1 + sparse (C=1) build of the objects we add or
# touch, which must print no warning about our files.
#
# Accepted checkpatch findings, each for a reason:
#  - "Missing Signed-off-by": a DCO sign-off is given by the person who
#    submits the series upstream, not by this repository;
#  - "Prefer kernel type 'u32'/'u64' over 'uint32_t'/'uint64_t'" in
#    pkvm_mmio_fdt.h: those lines are the userspace branch that defines u32
#    and u64 for the tool and the tests;
#  - "extern prototypes should be avoided" / "function definition argument"
#    on kvm_nvhe_sym() declarations: the macro hides the array name from
#    checkpatch, as in upstream's kvm_pkvm.h.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
src=${SRC_DIR:-$top/build/src/linux}
obj=${OBJ_DIR:-$top/build/kernel-4k}
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

[ -x "$src/scripts/checkpatch.pl" ] || { notok "no prepared kernel tree at $src (make kernel)"; exit 1; }

accepted='Missing Signed-off-by|pkvm_mmio_fdt.h:2[0-9]: CHECK: Prefer kernel type|kvm_pkvm_mmio.h:[0-9]+: (CHECK: extern prototypes|WARNING: function definition argument .pkvm_protected_[a-z_]+.)'

checkpatch() { # checkpatch NAME ARGS...
	local name=$1 out
	shift
	# Run outside any git work tree: inside one, checkpatch misreads the
	# context lines of a patch file as added lines.
	out=$(cd /tmp && "$src/scripts/checkpatch.pl" --strict --no-tree --terse \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG "$@" 2>&1 |
		grep -E ': (ERROR|WARNING|CHECK):' | grep -Ev "$accepted")
	if [ -z "$out" ]; then
		ok "checkpatch --strict: $name"
	else
		notok "checkpatch --strict: $name"
		echo "$out" | sed 's/^/#   /'
	fi
}

while IFS= read -r f; do
	checkpatch "${f#"$top"/}" -f "$f"
done < <(find "$top/kernel/arch" -name '*.[ch]' | sort)

while IFS= read -r p; do
	checkpatch "patches/$p" "$top/patches/$p"
done < "$top/patches/series"

# W=1 and sparse on our objects and the upstream files our hunks touch.
objs=(arch/arm64/kvm/pkvm_protected_mmio.o arch/arm64/kvm/pkvm_mmio_fdt.o
      arch/arm64/kvm/pkvm_protected_mmio_selftest.o
      arch/arm64/kvm/pkvm_mmio_fdt_test.o arch/arm64/kvm/pkvm_pinned_test.o
      arch/arm64/kvm/pkvm.o arch/arm64/kvm/arm.o
      arch/arm64/kvm/hyp/pgtable.o)
hyp=(protected_mmio setup mem_protect hyp-main)
ours='pkvm_protected_mmio|pkvm_mmio_fdt|pkvm_pinned_test|kvm_pkvm_mmio|nvhe/protected_mmio'

if command -v sparse >/dev/null; then c=1; else c=0; fi
for o in "${objs[@]}"; do rm -f "$obj/$o"; done
for h in "${hyp[@]}"; do rm -f "$obj/arch/arm64/kvm/hyp/nvhe/$h.nvhe.o"; done
log=$(make -s -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	W=1 C=$c "${objs[@]}" arch/arm64/kvm/hyp/nvhe/ 2>&1)
rc=$?
warn=$(echo "$log" | grep -E "$ours" | grep -Ei 'warning|error')
if [ $rc -eq 0 ] && [ -z "$warn" ]; then
	ok "W=1$([ $c = 1 ] && echo ' C=1 (sparse)') build: no warning in our files"
else
	notok "W=1 build (status $rc)"
	echo "$warn" | sed 's/^/#   /'
fi

exit $failed
