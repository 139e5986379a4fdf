#!/bin/bash
# KUnit in the kernel build: boot a kernel that has the pkvm_protected_mmio
# suite built in (configs/kunit.config) under QEMU with kunit.enable=1, in
# nVHE (-cpu cortex-a72) and hVHE-capable (-cpu max) CPUs, and turn the KTAP
# that the kernel prints on the console into one line per test case.
#
#   run.sh [-k IMAGE] [-c CPU]... [-n MIN_CASES] [-s SUITE] [-o OUTDIR] [-t SECONDS] [-R]
#
# Prints "ok - kunit/<cpu>/<case>" or "not ok - kunit/<cpu>/<case>" per
# case (a skipped case is "ok ... # SKIP why"), plus per CPU checks that the
# boot ended, that the suite's summary line is there and agrees with the
# cases, and that at least MIN_CASES cases ran. Exits 0 iff all passed.
# Console logs are kept in OUTDIR as CPU.log; -R re-reads those logs
# instead of booting (to check the parsing, or to look again).
#
# No initramfs is needed: the kernel runs KUnit before it looks for init,
# then panics for want of one, and panic=-1 with -no-reboot ends QEMU.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$top/build/Image
cpus=()
min_cases=20
suite=pkvm_protected_mmio
out=$top/build/kunit-tests
timeout=120
reread=0

while getopts k:c:n:s:o:t:R opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	c) cpus+=("$OPTARG") ;;
	n) min_cases=$OPTARG ;;
	s) suite=$OPTARG ;;
	o) out=$OPTARG ;;
	t) timeout=$OPTARG ;;
	R) reread=1 ;;
	*) exit 2 ;;
	esac
done
[ ${#cpus[@]} -gt 0 ] || cpus=(cortex-a72 max)

mkdir -p "$out"
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

if [ "$reread" = 0 ] && [ ! -f "$kernel" ]; then
	notok "kunit: kernel image $kernel exists"
	exit 1
fi

# The suite's KTAP from a console log: "\r" and printk timestamps dropped,
# from "# Subtest: SUITE" to the suite's own result line, one level of
# indentation (four spaces) removed.
extract_ktap() { # extract_ktap LOG
	tr -d '\r' < "$1" |
		sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' |
		awk -v suite="$suite" '
			$0 ~ "^    # Subtest: " suite "$" { on = 1 }
			on && /^(not )?ok [0-9]+ / { print; exit }
			on { sub(/^    /, ""); print }
		'
}

run_cpu() { # run_cpu CPU
	local cpu=$1 log ktap rc start end secs
	local pass=0 fail=0 skip=0 n=0 plan=
	log=$out/$cpu.log
	ktap=$out/$cpu.ktap

	if [ "$reread" = 1 ]; then
		[ -f "$log" ] || { notok "kunit/$cpu: log $log exists"; return; }
		rc=0 secs=-
	else
		start=$(date +%s.%N)
		"$top/scripts/qemu.sh" -k "$kernel" -c "$cpu" -t "$timeout" -- \
			kunit.enable=1 >"$log" 2>&1
		rc=$?
		end=$(date +%s.%N)
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	fi
	if [ "$rc" -eq 0 ]; then
		ok "kunit/$cpu: boot ended by itself (${secs}s)"
	else
		notok "kunit/$cpu: boot ended by itself (qemu exit $rc after ${secs}s, log $log)"
	fi

	extract_ktap "$log" > "$ktap"
	if ! tr -d '\r' < "$log" | grep -q 'KTAP version 1'; then
		notok "kunit/$cpu: KTAP on the console (did the kernel get kunit.enable=1 and CONFIG_KUNIT?)"
		return
	fi
	if [ ! -s "$ktap" ]; then
		notok "kunit/$cpu: suite $suite in the KTAP (CONFIG_PKVM_PROTECTED_MMIO_KUNIT_TEST?)"
		return
	fi

	local line name why
	while IFS= read -r line; do
		case "$line" in
		1..*)
			plan=${line#1..} ;;
		"ok "[0-9]*" "*"# SKIP"*)
			name=${line#ok * }; why=${name#*# SKIP}; name=${name%% # SKIP*}
			ok "kunit/$cpu/$name # SKIP${why}"
			skip=$((skip + 1)); n=$((n + 1)) ;;
		"ok "[0-9]*)
			name=${line#ok * }
			ok "kunit/$cpu/$name"
			pass=$((pass + 1)); n=$((n + 1)) ;;
		"not ok "[0-9]*)
			name=${line#not ok * }; name=${name%% # *}
			notok "kunit/$cpu/$name"
			# Why: what KUnit printed since the previous case's result.
			awk -v want="$line" '
				/^(not )?ok [0-9]+ / {
					if ($0 == want) { printf "%s", why; exit }
					why = ""; next
				}
				{ why = why "#   " $0 "\n" }
			' "$ktap" | head -40
			fail=$((fail + 1)); n=$((n + 1)) ;;
		esac
	done < <(grep -E '^(1\.\.[0-9]+|(not )?ok [0-9]+ )' "$ktap" | grep -v " $suite\$")

	# The suite's own summary, and its result line.
	local summary result
	summary=$(grep -E "^# $suite: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+" "$ktap" | tail -1)
	if [ -z "$summary" ]; then
		notok "kunit/$cpu: suite summary line \"# $suite: pass:N fail:N skip:N total:N\""
	elif [ "$summary" = "# $suite: pass:$pass fail:$fail skip:$skip total:$n" ] &&
	     [ "$plan" = "$n" ]; then
		ok "kunit/$cpu: suite summary \"${summary#\# }\" matches the $n case lines and the plan"
	else
		notok "kunit/$cpu: suite summary \"${summary#\# }\" vs $n case lines (pass:$pass fail:$fail skip:$skip), plan 1..${plan:-?}"
	fi
	result=$(tail -1 "$ktap")
	if [ "$fail" -eq 0 ] && [[ "$result" =~ ^ok\ [0-9]+\ $suite$ ]]; then
		ok "kunit/$cpu: suite result \"$result\""
	elif [ "$fail" -ne 0 ] && [[ "$result" =~ ^not\ ok\ [0-9]+\ $suite$ ]]; then
		ok "kunit/$cpu: suite result \"$result\" agrees with the failed cases"
	else
		notok "kunit/$cpu: suite result line for $suite (got \"$result\")"
	fi

	if [ "$pass" -ge "$min_cases" ]; then
		ok "kunit/$cpu: at least $min_cases cases passed ($pass passed, $skip skipped)"
	else
		notok "kunit/$cpu: at least $min_cases cases passed ($pass passed, $skip skipped)"
	fi
}

for cpu in "${cpus[@]}"; do
	run_cpu "$cpu"
done

exit "$failed"
