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
#  - compile with W=1, in a second output directory, the objects of the
#    series' kernel C files (all under arch/arm64/kvm/ today) that this
#    build recompiled (the patch changed them, a header they include, a
#    Kconfig symbol or a Makefile), then run sparse on them: neither may
#    say anything about the files the patch touches or about ours. W=1
#    also runs kernel-doc on those C files. The compiler and sparse see
#    the lines a patch adds to a header through them. What compiling all
#    of arch/arm64/kvm/ with W=1 would add, at the cost of doubling each
#    patch to a widely included header: findings that show only where an
#    upstream file the series does not touch uses a new macro or inline,
#    or in header lines only such a file compiles (under
#    __KVM_VHE_HYPERVISOR__, say). Today's series has neither kind.
# The test kernel's .config is made again from the fragments only when a
# Kconfig file or scripts/ changed since the last build.
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
# W=1 runs kernel-doc through $(PYTHON3) on each C file it compiles: give
# it the interpreter itself, not a shim (pyenv's costs 0.4 s a call).
py=$(python3 -c 'import sys; print(sys.executable)')
# The objects of the series' C files that the test kernel build just
# wrote (newer than $work/build.stamp), by the name kbuild gave them:
# the first line of each object's .cmd file. That name is not the path
# for a C file of arch/arm64/kvm/hyp/ that the nvhe or vhe Makefile
# builds (hyp/nvhe/../pgtable.nvhe.o), and no other Makefile knows the
# target. What would make the selection miss a file goes, with the
# reason, to $work/w1.stale: a kernel C file of this step that the build
# did not recompile, or has no object for by either name, or an object
# whose .cmd file names no target.
w1_targets() {
	local f o cmd name stepc known fresh
	: >"$work/w1.stale"
	stepc=$(git -C "$src" diff --name-only --diff-filter=d HEAD^ HEAD) ||
		{ echo "git diff of the step failed" >>"$work/w1.stale"; return; }
	while read -r f; do
		[[ $f == *.c ]] || continue
		known=0 fresh=0
		for o in "${f%.c}.o" "${f%.c}.nvhe.o"; do
			cmd=$out/$(dirname "$o")/.$(basename "$o").cmd
			[ -f "$cmd" ] || continue
			known=1
			[ "$out/$o" -nt "$work/build.stamp" ] || continue
			fresh=1
			name=$(sed -n '1s/^savedcmd_\([^ ]*\) := .*/\1/p' "$cmd")
			if [ -n "$name" ]; then
				echo "$name"
			else
				echo "$o: no target in its .cmd file" >>"$work/w1.stale"
			fi
		done
		[[ $f != tools/* ]] && grep -qxF "$f" <<<"$stepc" || continue
		if [ $known = 0 ]; then
			echo "$f: no object of the test kernel" >>"$work/w1.stale"
		elif [ $fresh = 0 ]; then
			echo "$f: not recompiled by the test kernel" >>"$work/w1.stale"
		fi
	done <"$work/series-files"
}
# W=1 (and sparse when $1 is 1) on those objects, in $wout, from the test
# kernel's .config. They are removed first, so that kbuild compiles them
# again (ccache replays the compiler's warnings on a hit) and the checker
# runs.
w1_check() { # w1_check C
	local targets
	: >"$work/w1.log"
	git -C "$src" diff --name-only pkvm-mmio-base HEAD >"$work/series-files" ||
		return 1
	mapfile -t targets < <(w1_targets)
	echo "${#targets[@]}" >"$work/w1.count"
	if [ -s "$work/w1.stale" ]; then
		sed 's/^/W=1 selection: /' "$work/w1.stale" >"$work/w1.log"
		return 1
	fi
	[ ${#targets[@]} -gt 0 ] || return 0
	mkdir -p "$wout" &&
		{ cmp -s "$out/.config" "$wout/.config" ||
			cp "$out/.config" "$wout/.config"; } &&
		(cd "$wout" && rm -f "${targets[@]}") &&
		kmake "$wout" -j"$(nproc)" W=1 PYTHON3="$py" C="$1" \
			CHECK="$check" "${targets[@]}" >"$work/w1.log" 2>&1 &&
		! grep -q 'specified, but .* is not available' "$work/w1.log"
}
# The test kernel of this step, as make kernel builds it.
test_kernel() {
	SRC_DIR=$src SERIES_STEP=1 NO_OLDDEFCONFIG=1 \
		"$top/scripts/build-kernel.sh" 4 "$out" "$top/configs/kunit.config"
}
# build_step NAME [C]: the test kernel, then W=1 (and sparse when C is 1)
# on what of the series' C files it recompiled; 1 iff the kernel failed.
build_step() {
	local t=$SECONDS n
	touch "$work/build.stamp"
	if test_kernel >"$work/build.log" 2>&1; then
		ok "test kernel builds: $1 ($((SECONDS - t)) s)"
	else
		notok "test kernel builds: $1"
		grep -E 'error|Error|^config: ' "$work/build.log" | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	[ -n "${2:-}" ] || return 0
	t=$SECONDS
	if ! w1_check "$2"; then
		notok "the series' objects build with W=1$([ "$2" = 1 ] && echo ' and sparse'): $1"
		# Not what sparse 0.6.4 cannot read (build-findings.py).
		grep -E 'error|Error|\*\*\*|specified, but|^W=1 selection' "$work/w1.log" |
			grep -vE 'error: (bad constant expression|too long token expansion)$' |
			head -n 20 | sed 's/^/#   /'
		return 0
	fi
	read -r n <"$work/w1.count"
	warn=$(strict_findings "$work/w1.log")
	if [ -z "$warn" ]; then
		ok "W=1$([ "$2" = 1 ] && echo ' C=1') says nothing about its files: $1 ($n object$([ "$n" = 1 ] || echo s), $((SECONDS - t)) s)"
	else
		notok "W=1$([ "$2" = 1 ] && echo ' C=1') says nothing about its files: $1"
		echo "$warn" | head -n 20 | sed 's/^/#   /'
	fi
}

# The base first: the test kernel alone (ccache answers it after make
# kernel), as the series has no file yet.
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
