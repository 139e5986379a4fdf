#!/bin/bash
# make series-check: the series in build/series, as a maintainer would take it.
#
#   series-check.sh [-f]
#
# In a git worktree of build/series-git at the pristine base (make series
# imports it), 'git am' each patch in order and, after each one:
#  - run checkpatch.pl --strict on the patch;
#  - build the test kernel (configs/qemu-virt.config + kunit.config, 4K
#    pages) incrementally, with ccache and the flags 'make kernel' uses,
#    so that the base itself costs only cache hits;
#  - build arch/arm64/kvm/, where every source file of the series lives,
#    in a second output directory with W=1 (on what the patch makes
#    recompile), then run sparse on the C files of the series that this
#    build recompiled (the patch changed them, a header they include, or
#    a Kconfig symbol): neither may say anything about the files the patch
#    touches or about ours. Sparse sees the lines a patch adds to a header
#    through those C files. It no longer runs on upstream's files that
#    merely include such a header (that cost most of the check), so a
#    finding that shows only where an upstream file uses a new macro or
#    inline goes unseen. kernel-doc, which W=1 runs on each C file it
#    compiles, reads only the files the series touches.
# The two builds run side by side, from one .config, made again from the
# fragments only when a Kconfig file changed since the last build.
# At the end the tree must be byte-identical to build/src/linux, the one
# 'make kernel' builds.
#
# -f (make series-check-full): instead, build arm64 defconfig (which has
# KVM) at the end of the core series and at the end of the whole series.
# The Image only: KVM is bool on arm64 and every file of the series is
# built in, so defconfig's modules would cost an hour on 2 cores and
# compile none of it.
#
# One TAP-style line per check; exit 0 iff every check passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
full=0
[ "${1:-}" = -f ] && full=1
series=$top/build/series
# The same layout as build/src/linux and build/kernel-4k, so that ccache
# (CCACHE_BASEDIR) sees the same relative paths and hits for every file the
# series does not touch.
work=$top/build/series-check
src=$work/src/linux
out=$work/kernel-4k
failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

mapfile -t patches < <(find "$series" -name '[0-9][0-9][0-9][0-9]-*.patch' \
	! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || { notok "no series in $series (make series)"; exit 1; }

gitdir=$top/build/series-git
git -C "$gitdir" rev-parse -q --verify pkvm-mmio-base >/dev/null ||
	{ notok "no base commit in $gitdir (make series)"; exit 1; }
if [ "$(git -C "$src" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" != "$gitdir/.git" ]; then
	rm -rf "$src"
	git -C "$gitdir" worktree prune
	git -C "$gitdir" worktree add -q --detach "$src" pkvm-mmio-base ||
		{ notok "worktree of the base in $src"; exit 1; }
else
	git -C "$src" am --abort >/dev/null 2>&1
	git -C "$src" checkout -q -f --detach pkvm-mmio-base &&
		git -C "$src" clean -q -f -d -x ||
		{ notok "reset $src to the base"; exit 1; }
fi
export GIT_COMMITTER_NAME=series-check GIT_COMMITTER_EMAIL=series-check@example.invalid

# Accepted checkpatch findings, by message and the source line it quotes:
#  - the userspace branch of pkvm_mmio_fdt.h defines u8, s8, u32, s64 and
#    u64 from <stdint.h> for the tool and the tests;
#  - "extern prototypes" on kvm_nvhe_sym() arrays: checkpatch takes the
#    macro for a function, as in upstream's kvm_pkvm.h;
#  - CamelCase on PRIx64 and PRIu64: the tool is userspace, and these are
#    <inttypes.h>'s names.
# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") fires on every new
# file: the existing KVM/arm64, DOCUMENTATION and DT bindings entries cover
# all of them but tools/pkvm-mmio/, which the tool's cover letter says.
checkpatch() { # checkpatch NAME PATCH
	local out
	out=$(cd /tmp && "$src/scripts/checkpatch.pl" --strict --no-tree \
		--ignore FILE_PATH_CHANGES "$2" 2>&1 |
		awk -v RS= '
			/^(ERROR|WARNING|CHECK):/ {
				if (/Prefer kernel type .[su](8|32|64). over .u?int(8|32|64)_t./ &&
				    /typedef u?int(8|32|64)_t [su](8|32|64);/) next
				if (/(extern prototypes should be avoided|function definition argument)/ &&
				    /kvm_nvhe_sym\(/) next
				if (/Avoid CamelCase: <PRI[ux]64>/ &&
				    /FILE: tools\/pkvm-mmio\//) next
				print; print ""
			}')
	if [ -z "$out" ]; then
		ok "checkpatch --strict: $1"
	else
		notok "checkpatch --strict: $1"
		echo "$out" | sed 's/^/#   /'
	fi
}

# Debian 12's sparse (0.6.4) does not know __typeof_unqual__, which 7.2's
# compiler_types.h uses under __CHECKER__, and without it kbuild turns C=1
# off with one warning. Read it as __typeof__: sparse then may see a
# qualifier the compiler drops, which can only add findings, never hide
# one.
# W=1 and sparse findings in our files, or at lines the step adds.
check="sparse -D__typeof_unqual__=__typeof__"
if command -v sparse >/dev/null; then c=1; else c=0; fi
strict_findings() { # strict_findings BUILD-LOG
	git -C "$src" diff -U0 HEAD^ HEAD >"$work/step.diff"
	"$top/scripts/build-findings.py" "$1" "$work/step.diff" "$src" "$wout"
}

defconfig_build() { # defconfig_build NAME
	local d=$work/defconfig start=$SECONDS
	mkdir -p "$d"
	make -s -C "$src" O="$d" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		defconfig >/dev/null
	echo "# defconfig build at $1, started $(date -u +%H:%M)"
	if make -s -C "$src" O="$d" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)" Image \
		>"$d/build.log" 2>&1 && grep -q '^CONFIG_KVM=y' "$d/.config"; then
		ok "arm64 defconfig (KVM=y) builds the Image at $1 ($((SECONDS - start)) s)"
	else
		notok "arm64 defconfig builds at $1"
		grep -E 'error|Error' "$d/build.log" | head -n 20 | sed 's/^/#   /'
	fi
}

export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}
last_core=$(printf '%s\n' "${patches[@]}" | grep '/[0-9]*-core/' | tail -n 1)
step=0
start=$SECONDS
rm -f "$out/.config-inputs"
wout=$work/kvm-w1
kmake() { # kmake OUTDIR ARGS...: as scripts/build-kernel.sh does
	local o=$1
	shift
	make -s -C "$src" O="$o" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" "$@"
}
# Sparse (C=1 when $1 is 1) on the series' C files whose objects the W=1
# build just wrote (newer than $work/w1.stamp): those objects go, so that
# kbuild compiles them again (ccache hits) and runs the checker. The
# series' files are those w1_check listed for kernel-doc.
sparse_ours() {
	local series_c f o
	[ "$1" = 1 ] || return 0
	series_c=$(grep -E '^arch/arm64/kvm/.*\.c$' "$work/series-files")
	for f in $series_c; do
		for o in "$wout/${f%.c}.o" "$wout/${f%.c}.nvhe.o"; do
			if [ "$o" -nt "$work/w1.stamp" ]; then
				rm -f "$o"
			fi
		done
	done
	w1make C=1 CHECK="$check" arch/arm64/kvm/ >>"$work/w1.log" 2>&1
}
# W=1 runs kernel-doc through $(PYTHON3) on each C file it compiles: give
# it the interpreter itself, not a shim (pyenv's costs 0.4 s a call), and
# let it read the series' files only (scripts/series-kernel-doc.py says
# why).
py=$(python3 -c 'import sys; print(sys.executable)')
export SERIES_KDOC_SRC=$src SERIES_KDOC_FILES=$work/series-files
w1make() {
	kmake "$wout" -j"$(nproc)" W=1 PYTHON3="$py" \
		KERNELDOC="$top/scripts/series-kernel-doc.py" "$@"
}
# W=1 (and sparse when $1 is 1) on arch/arm64/kvm/ in $wout, whose
# .config build_step copied from the test kernel's. No olddefconfig: that
# .config is settled on this tree, and kbuild syncs its own copy when it
# is new.
w1_check() { # w1_check C
	git -C "$src" diff --name-only pkvm-mmio-base HEAD >"$work/series-files" &&
		touch "$work/w1.stamp" &&
		w1make arch/arm64/kvm/ >"$work/w1.log" 2>&1 &&
		sparse_ours "$1" &&
		! grep -q 'specified, but .* is not available' "$work/w1.log"
}
# The test kernel of this step, as make kernel builds it.
test_kernel() {
	SRC_DIR=$src SERIES_STEP=1 NO_OLDDEFCONFIG=1 \
		"$top/scripts/build-kernel.sh" 4 "$out" "$top/configs/kunit.config"
}
# build_step NAME [C]: both builds; 1 iff the kernel failed. The test
# kernel's .config is settled first: made again from the fragments when
# the loop removed .config-inputs, as is. The W=1 build starts from it and
# runs beside the test kernel's, filling the cores while the other links.
build_step() {
	local t=$SECONDS w1='' w1_rc=1 w1_time='?' built=0
	rm -f "$work/w1.time"
	if SETTLE_ONLY=1 test_kernel >"$work/build.log" 2>&1; then
		if mkdir -p "$wout" && { cmp -s "$out/.config" "$wout/.config" ||
			cp "$out/.config" "$wout/.config"; }; then
			(
				s=$SECONDS
				w1_check "${2:-0}"
				rc=$?
				echo $((SECONDS - s)) >"$work/w1.time"
				exit $rc
			) &
			w1=$!
		fi
		test_kernel >>"$work/build.log" 2>&1 && built=1
	fi
	if [ -n "$w1" ]; then
		wait "$w1"
		w1_rc=$?
		read -r w1_time <"$work/w1.time"
	fi
	if [ $built = 1 ]; then
		ok "test kernel builds: $1 ($((SECONDS - t)) s)"
	else
		notok "test kernel builds: $1"
		grep -E 'error|Error|^config: ' "$work/build.log" | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	if [ "$w1_rc" != 0 ]; then
		notok "arch/arm64/kvm/ builds with W=1 (and sparse runs): $1"
		grep -E 'error|Error|specified, but' "$work/w1.log" |
			head -n 20 | sed 's/^/#   /'
		return 0
	fi
	[ -n "${2:-}" ] || return 0
	warn=$(strict_findings "$work/w1.log")
	if [ -z "$warn" ]; then
		ok "W=1$([ "$2" = 1 ] && echo ' C=1') says nothing about its files: $1 ($w1_time s)"
	else
		notok "W=1$([ "$2" = 1 ] && echo ' C=1') says nothing about its files: $1"
		echo "$warn" | head -n 20 | sed 's/^/#   /'
	fi
}

# The base first, without sparse: it runs on what each patch makes
# recompile, not on all of upstream.
[ $full = 1 ] || build_step "the base"
built_at=$(git -C "$src" rev-parse HEAD)

for p in "${patches[@]}"; do
	step=$((step + 1))
	name=${p#"$series"/}
	if git -C "$src" am -q --keep-cr "$p" >"$work/am.log" 2>&1; then
		ok "git am $name"
	else
		notok "git am $name"
		sed 's/^/#   /' "$work/am.log"
		git -C "$src" am --abort 2>/dev/null
		break
	fi
	checkpatch "$name" "$p"
	if [ $full = 1 ]; then
		[ "$p" = "$last_core" ] && defconfig_build "the end of the core series"
		continue
	fi
	# Documentation/ and tools/ are not part of the kernel build: the
	# previous step's build stands for a patch that touches only them.
	if ! git -C "$src" diff --name-only HEAD^ HEAD |
		grep -qvE '^(Documentation|tools)/'; then
		ok "test kernel unchanged: $name touches only Documentation/ and tools/"
		continue
	fi
	# Kconfig symbols may have changed since the last build (a skipped
	# Documentation/ patch counts: Kconfig sources Documentation/Kconfig),
	# or the scripts Kconfig runs: merge the fragments again, so that a new
	# symbol takes their value, not its default.
	git -C "$src" diff --name-only "$built_at" HEAD |
		grep -qE 'Kconfig|^scripts/' && rm -f "$out/.config-inputs"
	build_step "$name" "$c"
	built_at=$(git -C "$src" rev-parse HEAD)
done

if [ $full = 1 ]; then
	defconfig_build "the end of the whole series"
else
	if diff -rq -x .git -x '.pkvm-mmio-*' "$src" "$top/build/src/linux" >"$work/diff.log" 2>&1; then
		ok "the applied series is byte-identical to build/src/linux (make kernel)"
	else
		notok "the applied series differs from build/src/linux (make kernel)"
		head -n 20 "$work/diff.log" | sed 's/^/#   /'
	fi
	echo "# series-check: $step patches in $((SECONDS - start)) s"
fi
exit $failed
