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
#    so that a file the series has left as make kernel compiled it
#    costs only a cache hit; the first build starts, when it can, from a
#    copy of make kernel's build, so that it compiles only what the
#    series changes;
#  - compile with W=1, in a worktree and an output directory of their own
#    and in the background (from the moment this build has compiled its
#    objects and links them, while the next step is applied and built), the
#    objects of the series' kernel C files (all under arch/arm64/kvm/
#    today) that this build recompiled (the patch changed them, a header
#    they include, a Kconfig symbol or a Makefile), then run sparse on
#    them: neither may say anything about the files the patch touches or
#    about ours. W=1 also runs kernel-doc on those C files. The compiler
#    and sparse see the lines a patch adds to a header through them. What
#    compiling all of arch/arm64/kvm/ with W=1 would add, at the cost of
#    doubling each patch to a widely included header: findings that show
#    only where an upstream file the series does not touch uses a new
#    macro or inline, or in header lines only such a file compiles (under
#    __KVM_VHE_HYPERVISOR__, say). -f looks for those, with defconfig.
# The fragments are merged again into the test kernel's .config only when
# a Kconfig file or scripts/ changed since the last build that succeeded;
# at the end, that .config must be the one tinyconfig and the fragments
# give, as make kernel makes it.
# At the end the tree must be byte-identical to build/src/linux, the one
# 'make kernel' builds (where the seed of the first build has compared the
# two trees in full, only the files the series changes again), and the
# last step's vmlinux make kernel's.
#
# -f (make series-check-full): instead, build arm64 defconfig (which has
# KVM) at the end of the core series and at the end of the whole series.
# The Image only: KVM is bool on arm64 and every file of the core series
# is built in with it, so defconfig's modules would cost an hour on 2
# cores and compile none of it (the test series' files need the test
# config's symbols, which the per-step check has). Then all of
# arch/arm64/kvm/ (and the virt/kvm/ files it builds) again with W=1 and
# sparse, upstream's files included: silent about our files and the
# lines the series adds to upstream's. That is part of what the per-step
# check gives up, at two points of the series rather than at every step;
# the rest of the kernel that includes the series' headers stays out.
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
# W=1 and sparse check each step in a worktree and an output directory of
# their own, in the background, while the next step is applied and
# built; see w1_start.
wsrc=$work/w1/src/linux
wout=$work/w1/kernel-4k
wjob=$work/w1/job
failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

mapfile -t patches < <(find "$series" -name '[0-9][0-9][0-9][0-9]-*.patch' \
	! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || { notok "no series in $series (make series)"; exit 1; }

gitdir=$top/build/series-git
git -C "$gitdir" rev-parse -q --verify pkvm-mmio-base >/dev/null ||
	{ notok "no base commit in $gitdir (make series)"; exit 1; }
# Whether DIR is a worktree of $gitdir (not a directory of another
# repository, this project's own, that git -C would act on).
is_worktree() { # is_worktree DIR
	[ "$(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" = "$gitdir/.git" ]
}
# reset_worktree DIR: DIR a worktree of $gitdir at the base, and nothing
# else.
reset_worktree() {
	if ! is_worktree "$1"; then
		rm -rf "$1" &&
			git -C "$gitdir" worktree prune &&
			git -C "$gitdir" worktree add -q --detach "$1" pkvm-mmio-base
	else
		git -C "$1" am --abort >/dev/null 2>&1
		git -C "$1" checkout -q -f --detach pkvm-mmio-base &&
			git -C "$1" clean -q -f -d -x
	fi
}
reset_worktree "$src" || { notok "a worktree of the base in $src"; exit 1; }
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
# one. C=1, not C=2: C=2 checks through cmd_force_checksrc, which the nvhe
# Makefile's own %.nvhe.o rule never runs. Without sparse, kbuild says
# "C=1 specified, but ... is not available", and that fails the check.
check="sparse -D__typeof_unqual__=__typeof__"
w1_args=(W=1 C=1 CHECK="$check")
# W=1, sparse and kernel-doc findings of BUILD-LOG (of a build of SRC in
# OUTDIR) in our files, or at lines DIFF adds; the files sparse gave up on
# as comments.
strict_findings() { # strict_findings SRC BUILD-LOG DIFF OUTDIR WHAT [DETAIL]
	local warn err=$2.err
	if ! warn=$("$top/scripts/build-findings.py" "$2" "$3" "$1" "$4" 2>"$err"); then
		notok "build-findings.py reads the log of $5"
		sed 's/^/#   /' "$err"
		return
	fi
	sed 's/^/# /' "$err"
	if [ -z "$warn" ]; then
		ok "$5${6:+ ($6)}"
	else
		notok "$5"
		echo "$warn" | head -n 20 | sed 's/^/#   /'
	fi
}
# The lines from git diff -U0, whatever the user's diff settings.
diff_u0() { # diff_u0 FROM TO
	git -C "$src" diff --no-ext-diff --no-color --src-prefix=a/ \
		--dst-prefix=b/ -U0 "$1" "$2"
}

# W=1 and sparse on TARGETS of SRC in OUTDIR, the output to LOG; fails
# too when kbuild says the checker is missing.
w1_make() { # w1_make SRC OUTDIR LOG TARGETS...
	local log=$3
	kmake "$1" "$2" -j"$(nproc)" PYTHON3="$py" "${w1_args[@]}" "${@:4}" >"$log" 2>&1 &&
		! grep -q 'specified, but .* is not available' "$log"
}

# All of arch/arm64/kvm/ in the defconfig build $d again, with W=1 and
# sparse. Its objects (and the virt/kvm/ ones it builds) are removed
# first, so that kbuild compiles every one of them again (the next Image
# build takes them back from ccache); one it did not write fails the
# check.
kvm_w1_all() { # kvm_w1_all DIR NAME
	local d=$1 t=$SECONDS objs missing
	: >"$d/w1.log"
	mapfile -t objs < <(cd "$d" && find arch/arm64/kvm virt/kvm -name '*.o')
	touch "$d/w1.stamp"
	if ! { [ ${#objs[@]} -gt 0 ] && (cd "$d" && rm -f "${objs[@]}") &&
		diff_u0 pkvm-mmio-base HEAD >"$d/series.diff" &&
		w1_make "$src" "$d" "$d/w1.log" arch/arm64/kvm/; }; then
		notok "arch/arm64/kvm/ builds with W=1 C=1 at $2"
		"$top/scripts/build-findings.py" --errors "$d/w1.log" |
			head -n 20 | sed 's/^/#   /'
		return
	fi
	missing=$(cd "$d" && for o in "${objs[@]}"; do
		[ "$o" -nt w1.stamp ] || echo "$o"
	done)
	if [ -n "$missing" ]; then
		notok "W=1 C=1 compiled every object of arch/arm64/kvm/ at $2"
		echo "$missing" | head -n 20 | sed 's/^/#   /'
		return
	fi
	strict_findings "$src" "$d/w1.log" "$d/series.diff" "$d" \
		"W=1 C=1 on all of arch/arm64/kvm/ says nothing about the series' files and lines at $2" \
		"$((SECONDS - t)) s"
}

defconfig_build() { # defconfig_build NAME
	local d=$work/defconfig start=$SECONDS
	mkdir -p "$d"
	echo "# defconfig build at $1, started $(date -u +%H:%M)"
	# Not what an earlier run left of a file since renamed or dropped:
	# kvm_w1_all wants every object here written again.
	rm -rf "$d/arch/arm64/kvm" "$d/virt/kvm"
	if kmake "$src" "$d" defconfig >"$d/build.log" 2>&1 &&
		kmake "$src" "$d" -j"$(nproc)" Image >>"$d/build.log" 2>&1 &&
		grep -q '^CONFIG_KVM=y' "$d/.config"; then
		ok "arm64 defconfig (KVM=y) builds the Image at $1 ($((SECONDS - start)) s)"
	else
		notok "arm64 defconfig builds at $1"
		grep -E 'error|Error' "$d/build.log" | head -n 20 | sed 's/^/#   /'
		return
	fi
	kvm_w1_all "$d" "$1"
}

export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
export CCACHE_DIR=${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}
last_core=$(printf '%s\n' "${patches[@]}" | grep '/[0-9]*-core/' | tail -n 1)
step=0
start=$SECONDS
# kmake SRC OUTDIR ARGS...: the cross compiler and ccache as
# scripts/build-kernel.sh uses them, for the W=1 and defconfig builds,
# which share no object with make kernel's (not its KBUILD_BUILD_* and
# LOCALVERSION settings, then).
kmake() {
	make -s -C "$1" O="$2" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" "${@:3}"
}
# W=1 runs kernel-doc through $(PYTHON3) on each C file it compiles: give
# it the interpreter itself, not a shim (pyenv's costs 0.4 s a call).
py=$(python3 -c 'import sys; print(sys.executable)')
# The objects kbuild may make of a source file: FILE.o, or FILE.nvhe.o
# where the nvhe Makefile builds it; and an object's .cmd file.
objects_of() { echo "${1%.*}.o"; echo "${1%.*}.nvhe.o"; }
cmd_of() { echo "$(dirname "$1")/.$(basename "$1").cmd"; }
# The target a .cmd file was written for: its first line names it.
target_of() { sed -n '1s/^savedcmd_\([^ ]*\) := .*/\1/p' "$1"; }
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
	local f o cmd name known fresh
	while read -r f; do
		[[ $f == *.c ]] || continue
		known=0 fresh=0
		while read -r o; do
			cmd=$out/$(cmd_of "$o")
			[ -f "$cmd" ] || continue
			known=1
			[ "$out/$o" -nt "$work/build.stamp" ] || continue
			fresh=1
			name=$(target_of "$cmd")
			if [ -n "$name" ]; then
				echo "$name"
			else
				echo "$o: no target in its .cmd file" >>"$work/w1.stale"
			fi
		done < <(objects_of "$f")
		[[ $f != tools/* ]] && [ -f "$src/$f" ] &&
			grep -qxF "$f" "$work/step.files" || continue
		if [ $known = 0 ]; then
			echo "$f: no object of the test kernel" >>"$work/w1.stale"
		elif [ $fresh = 0 ]; then
			echo "$f: not recompiled by the test kernel" >>"$work/w1.stale"
		fi
	done <"$work/series-files"
}
# Those objects, in $work/w1.targets; false, with the reasons in
# $work/w1.stale, where the selection would miss a file.
w1_select() {
	git -C "$src" diff --name-only pkvm-mmio-base HEAD >"$work/series-files" &&
		w1_targets >"$work/w1.targets" && [ ! -s "$work/w1.stale" ]
}
# Two background jobs at most, each in a process group of its own that
# the EXIT trap ends: the test kernel's build (build_step), and one W=1
# job (the W=1 check of a step, or making its worktree). Both start
# through start_job. Each writes its status to a file as it ends
# ($wjob/rc, $work/build.end), and that file, not wait, gives it:
# bash reaps a background job when it ends, and once its PID is reused by
# a later child of this shell, wait and kill -0 on it answer for that
# child.
# For a job that died without writing it (killed), ours_running PID says
# whether PID is still a live process group this shell started, so that
# neither the wait for the job nor the trap's signal goes to whatever
# took the PID over. Builtins alone: the polls run it five times a second.
ours_running() {
	proc_stat "$1" && [ "${stat_fields[0]-}" != Z ] && ours_leader "$1"
}
# ours_group PGID: a group this shell started, whose leader may have
# ended while its processes (make, say) have not: Linux gives no process
# a PID still in use as a process group's.
# shellcheck disable=SC2317 # run by the EXIT trap
ours_group() {
	if proc_stat "$1"; then
		ours_leader "$1"
	else
		kill -0 -- -"$1"
	fi
}
# proc_stat PID: /proc/PID/stat after the command name, in stat_fields.
proc_stat() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	read -r -a stat_fields <<<"${stat##*) }"
}
# ours_leader PID: as the set -m jobs are, a child of this shell that
# leads its own process group; a PID taken over by anything else is not.
ours_leader() {
	[ "${stat_fields[1]-}" = "$$" ] && [ "${stat_fields[2]-}" = "$1" ]
}
# start_job STATUS LOG COMMAND...: COMMAND in the background, its output
# to LOG, its exit status to STATUS as it ends; its PID in job_pid.
# In a process group of its own (set -m), ^C on a terminal reaches the
# script alone, whose EXIT trap ends the job; and a read of the terminal
# would stop the job, and the wait for it: not the terminal's input,
# then.
start_job() {
	local status=$1 log=$2
	shift 2
	rm -f "$status"
	set -m
	{
		"$@"
		echo $? >"$status.new" && mv "$status.new" "$status"
	} </dev/null >"$log" 2>&1 &
	job_pid=$!
	set +m
}
# job_running STATUS PID: the job has not written STATUS, and may yet.
job_running() {
	[ ! -e "$1" ] && ours_running "$2"
}
# job_status STATUS: what the job wrote there, or none.
job_status() {
	cat "$1" 2>/dev/null || echo none
}
w1_pid=
build_pid=
# end_job STATUS PID: a job whose leader was killed before it wrote
# STATUS may leave make running in its group; the group ends here, after
# each wait for a job and at exit, not beside the next step.
end_job() {
	[ -z "$2" ] || [ -e "$1" ] || ! ours_group "$2" || kill -TERM -- -"$2"
} 2>/dev/null
# shellcheck disable=SC2317 # run by the EXIT trap
end_jobs() {
	end_job "$work/build.end" "$build_pid"
	end_job "$wjob/rc" "$w1_pid"
	wait
} 2>/dev/null
trap end_jobs EXIT
# w1_wait: the background job to its end, and what it printed; a job that
# ended otherwise than by returning (killed, say) fails too.
w1_wait() {
	local rc
	[ -n "$w1_pid" ] || return 0
	while job_running "$wjob/rc" "$w1_pid"; do
		sleep 0.2
	done
	end_job "$wjob/rc" "$w1_pid"
	rc=$(job_status "$wjob/rc")
	w1_pid=
	cat "$wjob/out" 2>/dev/null
	[ "$rc" = 0 ] || grep -qs '^not ok' "$wjob/out" ||
		notok "the background job ended with status $rc"
	[ "$rc" = 0 ] || failed=1
}
# w1_bg FUNCTION ARGS...: FUNCTION in the background, after the job
# before it, its output to $wjob/out; it returns 0 iff all it checked
# passed.
w1_bg() {
	w1_wait
	mkdir -p "$wjob" || { notok "a directory $wjob"; return; }
	start_job "$wjob/rc" "$wjob/out" "$@"
	w1_pid=$job_pid
}
# shellcheck disable=SC2317 # run through w1_bg
w1_tree() {
	failed=0
	reset_worktree "$wsrc" || notok "a worktree of the base in $wsrc"
	return "$failed"
}
# w1_start NAME COMMIT: W=1 and sparse on the objects w1_select chose, in
# $wout, from this step's tree and .config: the tree checked out in $wsrc,
# the .config copied, the objects removed so that kbuild compiles them again
# (ccache replays the compiler's warnings on a hit) and the checker
# runs. Then, in the background, while this step's build links and the
# next step is applied and built: each leaves idle a core the other takes
# (a build's link; W=1's prepare stage and sparse, on few objects).
w1_start() {
	local commit=$2
	w1_wait
	if ! { [ -n "$commit" ] && is_worktree "$wsrc" &&
		rm -rf "$wjob" && mkdir -p "$wjob" "$wout" &&
		mv "$work/w1.targets" "$work/step.diff" "$wjob/" &&
		git -C "$wsrc" checkout -q -f --detach "$commit" &&
		{ cmp -s "$out/.config" "$wout/.config" ||
			cp "$out/.config" "$wout/.config"; } &&
		(cd "$wout" && xargs -r -d '\n' rm -f -- <"$wjob/w1.targets"); }; then
		notok "the series' objects build with W=1 and sparse: $1 (setting up $wsrc and $wout)"
		return
	fi
	w1_bg w1_job "$1"
}
# shellcheck disable=SC2317 # run through w1_bg
w1_job() {
	local t=$SECONDS targets
	failed=0
	mapfile -t targets <"$wjob/w1.targets"
	if ! w1_make "$wsrc" "$wout" "$wjob/w1.log" "${targets[@]}"; then
		notok "the series' objects build with W=1 and sparse: $1"
		"$top/scripts/build-findings.py" --errors "$wjob/w1.log" |
			head -n 20 | sed 's/^/#   /'
	else
		strict_findings "$wsrc" "$wjob/w1.log" "$wjob/step.diff" "$wout" \
			"W=1 C=1 says nothing about its files: $1" \
			"${#targets[@]} object$([ ${#targets[@]} = 1 ] || echo s), $((SECONDS - t)) s"
	fi
	return "$failed"
}
# The test kernel of this step, as make kernel builds it; NO_CONFIG_MERGE
# (1 or 0) says whether to leave its .config as it is.
# shellcheck disable=SC2317 # run through start_job
test_kernel() {
	SRC_DIR=$src SERIES_STEP=1 NO_CONFIG_MERGE=$no_config_merge \
		"$top/scripts/build-kernel.sh" 4 "$out" "$top/configs/kunit.config"
}
# w1_step NAME: W=1 and sparse on what of the series' C files this build
# recompiled, started in the background (w1_start: its lines come at the
# next step's, or at the end).
w1_step() {
	local commit
	: >"$work/w1.stale"
	commit=$(git -C "$src" rev-parse HEAD)
	if ! diff_u0 "$good_at" "$commit" >"$work/step.diff" || ! w1_select; then
		notok "the series' objects build with W=1 and sparse: $1"
		sed 's/^/W=1 selection: /' "$work/w1.stale" | head -n 20 | sed 's/^/#   /'
	elif [ -s "$work/w1.targets" ]; then
		w1_start "$1" "$commit"
	else
		ok "W=1 C=1 says nothing about its files: $1 (no object of theirs recompiled)"
	fi
}
# build_step NAME: the test kernel, and w1_step. The build runs in the
# background, so that w1_step can start as soon as vmlinux.a is newer than
# this build's start: kbuild archives it once every object is compiled,
# and what is left (the link of vmlinux.o, modpost, the kallsyms links of
# vmlinux, the Image's objcopy) keeps one core busy and leaves the other
# to W=1. Its start, not build.stamp: a build that failed at the link left
# a vmlinux.a newer than that. After a failed build, the stamp and good_at
# (the last commit that built) stay where they were, so that the next
# step's W=1 takes what the failed one compiled too (again, where the
# link failed after w1_step: its lines come twice), and the lines it
# added, and the next build merges the fragments again if the failed step
# changed a Kconfig file. The lines of the previous step's W=1 may come
# before this build's.
build_step() {
	local t rc w1_started=0
	[ "$build_failed" = 1 ] || touch "$work/build.stamp"
	build_failed=1
	touch "$work/build.start"
	t=$(date +%s)
	# build.end, the build's status, is written as it ends: its time is
	# the build's, not counting the wait for the previous step's W=1
	# (w1_start) that may hold this loop past that end.
	start_job "$work/build.end" "$work/build.log" test_kernel
	build_pid=$job_pid
	while job_running "$work/build.end" "$build_pid"; do
		if [ $w1_started = 0 ] && [ "$out/vmlinux.a" -nt "$work/build.start" ]; then
			w1_started=1
			w1_step "$1"
		fi
		sleep 0.2
	done
	end_job "$work/build.end" "$build_pid"
	rc=$(job_status "$work/build.end")
	build_pid=
	if [ "$rc" = 0 ]; then
		ok "test kernel builds: $1 ($(($(stat -c %Y "$work/build.end") - t)) s)"
		build_failed=0
		built=1
	else
		notok "test kernel builds: $1"
		[ "$good_at" != "$(git -C "$src" rev-parse pkvm-mmio-base)" ] ||
			echo "#   (the first build: the base is not built alone)"
		grep -E 'error|Error|^config: ' "$work/build.log" | head -n 20 | sed 's/^/#   /'
		return
	fi
	[ $w1_started = 1 ] || w1_step "$1"
	good_at=$(git -C "$src" rev-parse HEAD)
}

# The files the patches change and the ones they add, as git apply reads
# them (without applying anything); "unsafe": a patch deletes, renames or
# copies a file, or names one git quotes, which the seed below does not
# follow.
series_paths() { # series_paths changed|added|unsafe
	case $1 in
	changed)
		git -C "$src" apply -z --numstat "${patches[@]}" |
			tr '\0' '\n' | cut -f3 ;;
	added)
		git -C "$src" apply --summary "${patches[@]}" |
			sed -n 's/^ create mode [0-7]* //p' ;;
	unsafe)
		git -C "$src" apply --summary "${patches[@]}" |
			grep -E '^ (delete mode|rename|copy) |"' ;;
	esac | sort -u
}
mk_out=$top/build/kernel-4k
mk_src=$top/build/src/linux
# Whether make kernel's build is of its tree as it is now.
make_kernel_current() {
	[ -f "$mk_out/vmlinux" ] && [ -f "$mk_out/.config" ] && [ -d "$mk_src" ] &&
		[ ! "$mk_out/.config" -nt "$mk_out/vmlinux" ] &&
		[ -z "$(find "$mk_src" -newer "$mk_out/vmlinux" -print -quit)" ]
}
# The first path where build/src/linux differs from the base in a file
# the patches neither change nor add (make series not run since patches/
# changed, say), or a line of diff's it cannot read. Not contents: the
# end of the check compares those. -N: a file on one side only is a
# "Files ... differ" line of its own, even in a directory on one side only.
tree_outside_series() {
	touch "$work/seed.stamp"
	LC_ALL=C diff -rqN -x .git -x '.pkvm-mmio-*' "$src" "$mk_src" >"$work/seed.diff"
	[ $? -le 1 ] || { echo "diff -rq failed"; return; }
	awk -v a="Files $src/" -v b=" and $mk_src/" -v paths="$(cat "$work/changed-files")" '
		BEGIN { n = split(paths, p, "\n"); for (i = 1; i <= n; i++) ours[p[i]] = 1 }
		{
			# "Files " a P b P " differ", P whatever it holds.
			len = (length($0) - length(a) - length(b) - length(" differ")) / 2
			f = substr($0, length(a) + 1, len)
			if (index($0, a) != 1 || len != int(len) || len < 1 ||
			    $0 != a f b f " differ")
				f = ""
			if (!found && (f == "" || !(f in ours))) {
				print (f == "" ? $0 : f)
				found = 1
			}
		}' "$work/seed.diff" || echo "awk failed"
}
# The paths where the applied tree differs from build/src/linux, one per
# line, when the full diff of the seed found build/src/linux to be the base
# outside the files the series changes, and no file there has changed
# since: the worktree must then be HEAD's tree and nothing else, and HEAD
# the base outside those files, so that only they need reading. Nothing
# in build/src/linux, nor make kernel's vmlinux, may be newer than the
# diff (make kernel rewrites .pkvm-mmio-stamp there whenever it lays the
# tree again). A diff -rq of the two trees reads 1.8 GB, 40 s where the
# page cache has lost them.
tree_against_make_kernel() {
	local st names f
	if ! st=$(git -C "$src" status --porcelain --ignored --untracked-files=all) ||
		! names=$(git -C "$src" diff --no-renames --name-only pkvm-mmio-base HEAD); then
		echo "git status or git diff failed in $src"
		return
	fi
	[ -z "$st" ] || echo "$st" | sed 's/^/not HEAD'\''s: /'
	[ -z "$names" ] || echo "$names" | grep -vxF -f "$work/changed-files" |
		sed 's/^/changed by no patch: /'
	while IFS= read -r f; do
		[ -e "$src/$f" ] || [ -L "$src/$f" ] || [ -e "$mk_src/$f" ] ||
			[ -L "$mk_src/$f" ] || continue
		cmp -s "$src/$f" "$mk_src/$f" || echo "differs: $f"
	done <"$work/changed-files"
}
# Every file of the copy at one time t0, later than every file of the
# worktree (git wrote them before the second's sleep); then every file
# the patches change, in the worktree, later than t0. The worktree's
# other files keep their times, which the defconfig build of -f, from
# this tree too, goes by.
seed_times() {
	local t0
	sleep 1
	t0=$(date +%s)
	find "$out.seed" -print0 | xargs -0 touch -h -d "@$t0" || return 1
	while [ "$(date +%s)" -le "$t0" ]; do
		sleep 0.1
	done
	(cd "$src" && tr '\n' '\0' <"$work/changed-files" | xargs -0 -r touch -c --)
}
# The first build starts, when it can, from a copy of make kernel's: the
# series' last step is make kernel's tree, so kbuild compiles at the
# first step only what the series changes (about 110 objects, nearly all
# of arch/arm64/kvm/), not the 800 of the whole kernel. As for a
# developer who checks out an older commit in a tree they have built, the
# mtimes say what changed: every file of the base older than the copy's
# files, every one a patch changes newer (git am makes the ones of each
# step newer again); seed_check sees that it worked. Else the first
# build starts from the last run's, or from nothing.
seed_from_make_kernel() {
	local why from to other
	if [ "$mk_current" = 0 ]; then
		why="make kernel's build is missing or older than build/src/linux or its .config"
	elif [ -n "$(series_paths unsafe)" ]; then
		why="the series deletes, renames or copies a file, or names one git quotes"
	elif ! [ "$(dirname "$mk_out")/src/linux" -ef "$mk_src" ] ||
		! [ "$(dirname "$out")/src/linux" -ef "$src" ]; then
		# The saved dependencies are relative to the output directory
		# (../src/linux/...): the copy must find the worktree there.
		why="the output directories do not sit beside their trees alike"
	elif other=$(tree_outside_series); [ -n "$other" ]; then
		why="build/src/linux is not the base and this series ($other; make series?)"
	fi
	if [ -n "${why:-}" ]; then
		echo "# the first build cannot start from make kernel's: $why"
		return 1
	fi
	outside_series_is_base=1
	# kbuild names the trees by their real paths, in its saved commands
	# (-I, -fmacro-prefix-map): this tree's, or it runs them all again.
	from=$(cd "$mk_src" && pwd -P)/
	to=$(cd "$src" && pwd -P)/
	# The copy is put in place last: stopped half way, the next run finds no
	# build here, and starts from nothing.
	if rm -rf "$out" "$out.seed" && cp -a "$mk_out" "$out.seed" &&
		grep -rlIZF "$from" "$out.seed" | FROM=$from TO=$to \
			xargs -0 -r perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' &&
		seed_times && mv "$out.seed" "$out"; then
		return 0
	fi
	rm -rf "$out.seed"
	echo "# the first build cannot start from make kernel's: its copy failed"
	return 1
}
# After the first build that started from make kernel's: every target
# there whose saved dependencies name a file the series changes was
# made again. One that was not would stand, at every step before that
# file's patch, for the file as the series leaves it.
seed_check() {
	local c t n=0 stale=()
	while IFS= read -r -d '' c; do
		t=$(target_of "$out/$c")
		[ -n "$t" ] && [ -e "$out/$t" ] || continue
		n=$((n + 1))
		[ "$out/$t" -nt "$work/build.stamp" ] || stale+=("$t")
	done < <(sed 's|^|src/linux/|' "$work/changed-files" |
		(cd "$out" && grep -rlZF --include='.*.cmd' -f - .))
	if [ $n -gt 0 ] && [ ${#stale[@]} = 0 ]; then
		ok "the first build made again all $n targets of make kernel's that depend on a file the series changes"
	else
		notok "the first build made again all targets of make kernel's that depend on a file the series changes"
		[ $n -gt 0 ] || echo "#   (not one names such a file)"
		[ ${#stale[@]} = 0 ] ||
			printf '%s\n' "${stale[@]}" | head -n 20 | sed 's/^/#   not made again: /'
	fi
}
# An object of a file the series adds, left by make kernel's build or
# this check's last run, would stand for the file at a step before it
# exists (a Makefile that names it too early): remove them, so that such a
# step fails as a build from nothing would.
forget_added_objects() {
	local f o
	while read -r f; do
		[[ $f == *.[cS] ]] || continue
		while read -r o; do
			rm -f "$out/$o" "$out/$(cmd_of "$o")"
		done < <(objects_of "$f")
	done < <(series_paths added)
}
# Not the base itself: on a machine whose ccache has seen only make
# kernel's tree, the base misses for every object that includes a header
# the series changes (327 s on 2 cores), to be compiled again at the
# first step that builds.
seeded=0
mk_current=0
outside_series_is_base=0
if [ $full = 0 ]; then
	# What an older version of this script left.
	rm -rf "$work/kvm-w1" "$work/w1.log" "$work/findings.err"
	w1_bg w1_tree
	series_paths changed >"$work/changed-files"
	# No make kernel can run during the check: one look serves the seed
	# and the end.
	make_kernel_current && mk_current=1
	if seed_from_make_kernel; then
		seeded=1
		echo "# the first build starts from make kernel's (build/kernel-4k)"
	elif [ -f "$out/vmlinux" ]; then
		echo "# the first build starts from the last run's"
	fi
	forget_added_objects
	# The first build makes its .config from tinyconfig, as make kernel
	# does, whatever the copy or an earlier run left: the later steps merge
	# into it.
	rm -f "$out/.config-inputs"
fi
build_failed=0
built=0
good_at=$(git -C "$src" rev-parse HEAD)

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
	git -C "$src" diff --name-only HEAD^ HEAD >"$work/step.files" ||
		{ notok "git diff of $name"; continue; }
	# Documentation/ and tools/ are not part of the kernel build: the
	# previous step's build (none yet, before the first that builds) stands
	# for a patch that touches only them.
	if ! grep -qvE '^(Documentation|tools)/' "$work/step.files"; then
		ok "test kernel unchanged: $name touches only Documentation/ and tools/"
		continue
	fi
	# Kconfig symbols may have changed since the last build that
	# succeeded (a skipped Documentation/ patch counts: Kconfig sources
	# Documentation/Kconfig), or the scripts Kconfig runs: merge the
	# fragments again, so that a new symbol takes their value, not its
	# default. Into the .config of that build, not tinyconfig's: that is
	# two Kconfig runs fewer, and the end of the series checks it comes to
	# the same.
	no_config_merge=1
	grep -qE 'Kconfig|^scripts/' < <(git -C "$src" diff --name-only "$good_at" HEAD) &&
		no_config_merge=0
	[ -f "$out/vmlinux" ] ||
		echo "# $name: building the whole test kernel, started $(date -u +%H:%M)"
	build_step "$name"
	if [ $seeded = 1 ] && [ "$build_failed" = 0 ]; then
		seed_check
		seeded=0
	fi
done

if [ $full = 1 ]; then
	defconfig_build "the end of the whole series"
else
	# ctime, which no tool sets back (cp -p, tar and rsync -a set mtimes);
	# -H for a build/src/linux that is a link; and find must have read
	# it all.
	if [ "$outside_series_is_base" = 1 ] &&
		newer=$(find -H "$mk_src" "$mk_out/vmlinux" -cnewer "$work/seed.stamp" -print -quit) &&
		[ -z "$newer" ]; then
		tree_against_make_kernel >"$work/diff.log" 2>&1
		how="the $(wc -l <"$work/changed-files") files the series changes compared, the rest the base's"
	else
		diff -rq -x .git -x '.pkvm-mmio-*' "$src" "$mk_src" >"$work/diff.log" 2>&1 ||
			[ -s "$work/diff.log" ] || echo "diff -rq failed" >"$work/diff.log"
		how="diff -rq"
	fi
	if [ ! -s "$work/diff.log" ]; then
		ok "the applied series is byte-identical to build/src/linux (make kernel; $how)"
	else
		notok "the applied series differs from build/src/linux (make kernel)"
		head -n 20 "$work/diff.log" | sed 's/^/#   /'
	fi
	# The .config of the last build against the one make kernel would
	# make for this tree from nothing, which the first build made too:
	# the end state only. SERIES_STEP=1 for a series that did not apply
	# to the end.
	rm -rf "$work/config"
	if [ "$built" = 0 ] || [ "$build_failed" = 1 ]; then
		echo "# .config not compared: the last build failed, or none ran"
	elif ! CONFIG_ONLY=1 SRC_DIR=$src SERIES_STEP=1 "$top/scripts/build-kernel.sh" 4 \
			"$work/config" "$top/configs/kunit.config" >"$work/config.log" 2>&1; then
		notok "make kernel's .config for the applied series"
		tail -n 20 "$work/config.log" | sed 's/^/#   /'
	elif diff -u "$work/config/.config" "$out/.config" >"$work/config.diff"; then
		ok "the .config merged at each Kconfig change is the one make kernel makes"
	else
		notok "the .config merged at each Kconfig change is the one make kernel makes"
		echo "#   (a new symbol with a prompt and a default other than n wants a value in configs/)"
		head -n 20 "$work/config.diff" | sed 's/^/#   /'
	fi
	# The last step builds make kernel's tree with its .config and flags
	# (build-kernel.sh fixes the build's time, number, user and host), so
	# its vmlinux is make kernel's: an object that an earlier step made and
	# the last did not make again shows here. Not one that no step made:
	# where the first build started from make kernel's, seed_check looks
	# for those.
	if [ "$built" = 0 ] || [ "$build_failed" = 1 ] || [ -s "$work/diff.log" ] ||
		! cmp -s "$mk_out/.config" "$out/.config"; then
		echo "# vmlinux not compared: the last build failed, or its tree or .config is not make kernel's"
	elif [ "$mk_current" = 0 ]; then
		echo "# vmlinux not compared: make kernel's build is older than build/src/linux or its .config"
	elif cmp -s "$mk_out/vmlinux" "$out/vmlinux"; then
		ok "the last step's vmlinux is make kernel's, byte for byte"
	else
		notok "the last step's vmlinux is make kernel's, byte for byte"
		cmp "$mk_out/vmlinux" "$out/vmlinux" 2>&1 | sed 's/^/#   /'
	fi
	w1_wait
	echo "# series-check: $step patches in $((SECONDS - start)) s"
fi
exit $failed
