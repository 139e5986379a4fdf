#!/bin/bash
# Boot tests: the patched kernel under QEMU virt, with DTBs dumped from that
# same QEMU and then tagged, and a static init that probes pages through
# /dev/mem. Every scenario runs in nVHE (-cpu cortex-a72) and hVHE (-cpu max).
#
#   run.sh [-k IMAGE] [-p PAGE_KB] [-c CPU]... [-s SCENARIO]... [-o OUTDIR]
#
# With -p 16 or -p 64 the default scenarios are the page-size ones. A CPU
# may carry extra kernel arguments after a colon, e.g. -c cortex-a76:id_aa64mmfr1.vh=0.
#
# Prints one TAP-style line per check ("ok - ..." / "not ok - ...") and
# exits non-zero if any failed. Console logs are kept in OUTDIR.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$top/build/Image
initrd=$top/build/initramfs.cpio
firmware=$top/build/firmware/el3-ffa-stub.bin
pgkb=4
out=$top/build/boot-tests
only=()
cpus=()

while getopts k:p:s:o:i:c: opt; do
	case $opt in
	c) cpus+=("$OPTARG") ;;
	k) kernel=$OPTARG ;;
	p) pgkb=$OPTARG ;;
	s) only+=("$OPTARG") ;;
	o) out=$OPTARG ;;
	i) initrd=$OPTARG ;;
	*) exit 2 ;;
	esac
done

mkdir -p "$out"
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}

# --- device trees -----------------------------------------------------------

# Overlays applied on QEMU's own tree with dtc's &{/path} syntax.
overlay_pl031='&{/pl031@9010000} { pkvm,protected-mmio; };'
overlay_flash1='&{/flash@0} { pkvm,protected-mmio = <1>; };'
overlay_ecam='&{/pcie@10000000} { pkvm,protected-mmio = <0>; };'
# A bus whose ranges move its child: reg 0x10000 is 0x9010000 on the CPU bus,
# where the RTC is (its own node goes, or the host would drive it too).
overlay_bus='/ {
	/delete-node/ pl031@9010000;
	test-bus@9000000 {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges = <0x0 0x0 0x9000000 0x100000>;
		device@10000 {
			compatible = "pkvm-test,device";
			reg = <0x10000 0x1000>;
			pkvm,protected-mmio;
		};
	};
};'
# 4 KiB head, 1 GiB, 2 MiB, 4 KiB tail: see scenario_headtail.
overlay_headtail='/ { oddwin@807ffff000 { reg = <0x80 0x7ffff000 0x0 0x40202000>; pkvm,protected-mmio; }; };'
# fw-cfg's reg is 0x18 bytes: not page aligned, so the whole set is refused.
overlay_unaligned='&{/pl031@9010000} { pkvm,protected-mmio; };
&{/fw-cfg@9020000} { pkvm,protected-mmio; };'

make_dtb() { # make_dtb CPU NAME OVERLAY
	local base=$out/virt-$1.dts
	[ -f "$base" ] || "$top/scripts/dump-dtb.sh" "$1" "$base" || return 1
	{ cat "$base"; printf '%s\n' "$3"; } |
		dtc -q -I dts -O dtb -o "$out/$1-$2.dtb" - || return 1
	echo "$out/$1-$2.dtb"
}

# QEMU's tree with the root's #size-cells deleted: Linux then takes 1, so
# every reg of the root's children is rewritten with one size cell. QEMU
# insists on both root cells for -dtb, so this boots through the firmware.
cellless_dtb() { # cellless_dtb DTB
	local node reg cells i out=() ok=0
	for node in $(fdtget -l "$1" /); do
		reg=$(fdtget -t u "$1" "/$node" reg 2>/dev/null) || continue
		read -r -a cells <<< "$reg"
		out=()
		for ((i = 0; i + 3 < ${#cells[@]}; i += 4)); do
			[ "${cells[i + 2]}" = 0 ] || return 1
			out+=("${cells[i]}" "${cells[i + 1]}" "${cells[i + 3]}")
		done
		fdtput -t u "$1" "/$node" reg "${out[@]}" || return 1
		ok=1
	done
	fdtput -d "$1" / '#size-cells' && [ $ok = 1 ]
}

# 40 nested empty nodes under the root: Linux unflattens them all.
deep_chain() {
	local i open='' close=''
	for i in $(seq 0 39); do open+="d$i { "; close+="}; "; done
	echo "/ { $open$close };"
}

# --- running a scenario -----------------------------------------------------

log=
boot() { # boot CPU[:ARGS] NAME OVERLAY PROTECTED PLAN [FIRMWARE [DTB-FILTER]]
	local cpu=${1%%:*} extra= name=$2 dtb mode= fw=${6:-}
	# Extra kernel arguments follow the CPU after ':', separated by '+'.
	[ "$1" != "$cpu" ] && extra=${1#*:} && extra=${extra//+/ }
	[ -z "$fw" ] || [ -f "$fw" ] || { notok "$1/$name: test firmware $fw missing"; return 1; }
	dtb=$(make_dtb "$cpu" "$name" "$3") || { notok "$1/$name: build DTB"; return 1; }
	[ -z "${7:-}" ] || "$7" "$dtb" || { notok "$1/$name: $7 on the DTB"; return 1; }
	[ "$4" = protected ] && mode=kvm-arm.mode=protected
	log=$out/${1//[:=.+]/_}-$name.log
	"$top/scripts/qemu.sh" -k "$kernel" -c "$cpu" -d "$dtb" -i "$initrd" -t 60 \
		${fw:+-f "$fw"} -- \
		rdinit=/init $mode $extra "pkvmtest=$5" > "$log" 2>&1
	local rc=$?
	tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
	check "$1/$name: boot ended by itself (qemu status $rc)" test "$rc" -ne 124
	check "$1/$name: no kernel panic" not_in_log 'Kernel panic|HYP panic|nVHE hyp BUG'
	check "$1/$name: host reached the end of init" in_log '^PKVMTEST end'
	[ "$4" = protected ] && tool_agrees "$1" "$name" "$dtb"
	# Every probe the init ran is a check of its own.
	local line
	while IFS= read -r line; do
		case $line in
		"PKVMTEST ok - "*) ok "$1/$name: ${line#PKVMTEST ok - }" ;;
		"PKVMTEST not ok - "*) notok "$1/$name: ${line#PKVMTEST not ok - }" ;;
		esac
	done < "$log"
}

# pkvm-mmio must accept exactly the trees the kernel accepts, and list
# exactly the regions the kernel protected.
# The test kernels have the EL2 test handler: so must the tool (make tool-selftest).
tool=$top/build/tool-selftest/pkvm-mmio
tool_agrees() { # tool_agrees CPU NAME DTB
	[ -x "$tool" ] || { notok "$1/$2: $tool missing (make tool-selftest)"; return 1; }
	local pa=48 want got
	case $1 in cortex-a72*) pa=44 ;; esac
	want=$(sed -n 's/.*kvm \[0\]: protected MMIO: \[\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p' "$log")
	# "claimed" is the host's own state at init, which no tool can see.
	grep -q 'protected mode not enabled' "$log" &&
		! grep -q '\[rule claimed\]' "$log" && want=refused
	got=$("$tool" list --page-size $((pgkb * 1024)) --pa-bits $pa "$3" 2>/dev/null |
		sed -n 's/^0x0*\([0-9a-f]*\)-0x0*\([0-9a-f]*\) .*/0x\1 0x\2/p')
	"$tool" check --page-size $((pgkb * 1024)) --pa-bits $pa "$3" >/dev/null 2>&1 ||
		got=refused
	local what=${want:-no regions}
	check "$1/$2: pkvm-mmio agrees with the kernel (${what//$'\n'/, })" \
		test "$want" = "$got"
}

in_log() { grep -Eq -- "$1" "$log"; }
# Oopses, by their number: a console line printed while the other CPU
# prints can come out twice, the first time cut short.
nr_oopses() { grep -Eo 'Internal error: Oops: [0-9a-f]+ \[#[0-9]+\]' "$log" | sort -u | wc -l; }
not_in_log() { ! grep -Eq -- "$1" "$log"; }

# -cpu max has VHE, so protected mode runs hVHE unless VHE is hidden.
pkvm_up() {
	case $1 in
	*vh=0*) in_log 'Protected nVHE mode initialized successfully' ;;
	max*) in_log 'Protected hVHE mode initialized successfully' ;;
	*) in_log 'Protected nVHE mode initialized successfully' ;;
	esac
}


# --- scenarios (issue 2 acceptance) ----------------------------------------

scenario_untagged() {
	boot "$1" untagged "" protected \
		"read:0x9010000,read:0x9010ffc,read:0x9030000" || return
	check "$1/untagged: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/untagged: RTC driver bound pl031" in_log 'rtc-pl031 .*registered as rtc'
}

scenario_pl031() {
	boot "$1" pl031 "$overlay_pl031" protected \
		"ramsum,deny:0x9010000,deny:0x9010800,deny:0x9010ffc,denyw:0x9010000,denyw:0x9010ffc,read:0x9030000,storm:0x9010000:2000,read:0x9030000,cat:/sys/kernel/debug/kvm/protected_mmio,cat:/proc/iomem" || return
	check "$1/pl031: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/pl031: boot log names the protected region" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /pl031@9010000 reg\[0\]'
	check "$1/pl031: no RTC driver bound the protected pl031" not_in_log 'rtc-pl031 .*registered'
	check "$1/pl031: boot log says why the node has no driver" \
		in_log 'protected MMIO: /pl031@9010000 is now status "reserved"'
	check "$1/pl031: /proc/iomem shows the claim" \
		in_log '^PKVMTEST \| 09010000-09010fff : pKVM protected MMIO$'
	check "$1/pl031: debugfs counts the 2005 denied accesses at EL2" \
		in_log '^PKVMTEST \| 0x0000000009010000-0x0000000009010fff +4 KiB /pl031@9010000 reg\[0\] denied 2005$'
	check "$1/pl031: debugfs totals" \
		in_log '^PKVMTEST \| total: 1 regions, 1 pages, 2005 denied host accesses, page tables: [0-9]+ hyp stage-1 \+ [0-9]+ host stage-2 pages$'
}

scenario_bus() {
	boot "$1" bus "$overlay_bus" protected \
		"deny:0x9010000,denyw:0x9010ffc,read:0x10000,read:0x9030000" || return
	check "$1/bus: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/bus: region translated through ranges" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /test-bus@9000000/device@10000 reg\[0\]'
}

scenario_ecam() {
	boot "$1" ecam "$overlay_ecam" protected \
		"deny:0x4010000000,deny:0x4018000000,denyw:0x401ffffffc,read:0x9030000" || return
	check "$1/ecam: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/ecam: 256 MiB above 4 GiB protected" \
		in_log 'protected MMIO: \[0x4010000000-0x401fffffff\] 262144 KiB from /pcie@10000000 reg\[0\]'
}

scenario_flash() {
	boot "$1" flash "$overlay_flash1" protected \
		"deny:0x4000000,deny:0x6000000,deny:0x7fff000,denyw:0x7fffffc,read:0x0,read:0x3fff000" || return
	check "$1/flash: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/flash: only bank 1 (reg[1]) protected" \
		in_log 'protected MMIO: \[0x4000000-0x7ffffff\] 65536 KiB from /flash@0 reg\[1\]'
	# What the hyp reservation grows by: the page-table budget of the
	# region, an upper bound for the worst VA placement above the largest
	# block it uses (the per-page design would need 78 pages).
	local b
	b=$(budgeted)
	if [ -n "$b" ] && [ $((${b% *} + ${b#* })) -le 12 ]; then
		ok "$1/flash: 64 MiB costs $((${b% *} + ${b#* })) more hyp pages (${b% *} hyp stage-1 + ${b#* } host stage-2)"
	else
		notok "$1/flash: page-table budget '${b:-?}' above 12 pages"
	fi
}

scenario_notprotected() {
	boot "$1" notprotected "$overlay_pl031" none "read:0x9010000,read:0x9010ffc,read:0x9030000" || return
	check "$1/notprotected: one line says the tags are ignored" \
		test "$(grep -c 'tagged regions ignored' "$log")" -eq 1
	check "$1/notprotected: pl031 keeps its driver" in_log 'rtc-pl031 .*registered as rtc'
	check "$1/notprotected: pKVM not in protected mode" not_in_log 'Protected [nh]VHE mode initialized'
}

scenario_unaligned() {
	boot "$1" unaligned "$overlay_unaligned" protected "read:0x9010000,read:0x9030000" || return
	check "$1/unaligned: one error line names node, index, range and rule" \
		in_log 'protected MMIO: /fw-cfg@9020000 reg\[0\] \[0x9020000-0x9020017\]: region is not aligned to the page size'
	check "$1/unaligned: pKVM did not come up in protected mode" \
		not_in_log 'Protected [nh]VHE mode initialized'
	check "$1/unaligned: nothing reported protected" not_in_log 'protected MMIO: \['
}

tables_added() { # "HYP HOST" from the debugfs totals line
	sed -n 's/^PKVMTEST | total: .*page tables: \([0-9]*\) hyp stage-1 + \([0-9]*\) host stage-2 pages$/\1 \2/p' "$log"
}

budgeted() { # "HYP HOST" from the boot log's budget line
	sed -n 's/.*kvm \[0\]: protected MMIO: .* page tables: \([0-9]*\) hyp stage-1 + \([0-9]*\) host stage-2 pages$/\1 \2/p' "$log"
}

# The host computes the budget before the hypervisor exists: the host
# stage-2 part must be exact, the hyp stage-1 part at most 2 pages over.
budget_exact() { # budget_exact LABEL
	local b u
	b=$(budgeted)
	u=$(tables_added)
	check "$1: page-table budget (${b:-?}) matches what was used (${u:-?})" \
		test -n "$b" -a -n "$u" -a "${b#* }" -eq "${u#* }" -a \
		"${b% *}" -ge "${u% *}" -a $((${b% *} - ${u% *})) -le 2
}

# 1 GiB in the high PCIe MMIO window, 1 GiB aligned: one block entry in
# each page table, so at most the level-1 table of that 512 GiB window is
# new in each.
scenario_gib() {
	boot "$1" gib '/ { bigwin@8000000000 { reg = <0x80 0x0 0x0 0x40000000>; pkvm,protected-mmio; }; };' protected \
		"deny:0x8000000000,deny:0x8020000000,denyw:0x803ffffffc,read:0x8040000000,cat:/sys/kernel/debug/kvm/protected_mmio" || return
	check "$1/gib: pKVM protected mode initialized" pkvm_up "$1"
	local t
	t=$(tables_added)
	check "$1/gib: 1 GiB costs at most one table page per page table (added: ${t:-?})" \
		test -n "$t" -a "${t% *}" -le 1 -a "${t#* }" -le 1
	budget_exact "$1/gib"
}

# The donation hypercalls (__pkvm_init_vm(), __pkvm_init_vcpu())
# name pages by the host's linear-map address, and kern_hyp_va() keeps only
# the low bits needed to tell RAM's addresses apart: an address far from
# RAM wraps onto RAM at EL2. What they can reach as itself is a region
# between the first and the last byte of RAM, i.e. in a hole between RAM
# banks, which is where MMIO sits on many SoCs. So: RAM in two banks with a
# 256 MiB hole between them, the first 128 MiB of it protected, and
# __pkvm_init_vm() given VM state or a guest PGD, and __pkvm_init_vcpu()
# given vCPU state, at its first, a middle and its last page must fail,
# with the kernel's own pages handed back (the selftest writes them
# afterwards). As with FF-A, pKVM donates memory only: the untagged half of
# the hole is refused too (the control), so this shows the refusal holds
# with protection on, not that the protection causes it. QEMU gives -dtb's
# /memory all of -m, so this boots through the test firmware, which passes
# the DTB on as it is; QEMU backs the hole with RAM, which only the host
# kernel's DTB does not know about.
scenario_hole() {
	boot "$1" hole '/ { /delete-node/ memory@40000000;
    memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x20000000>; };
    memory@70000000 { device_type = "memory"; reg = <0x0 0x70000000 0x0 0x10000000>; };
    hole@60000000 { reg = <0x0 0x60000000 0x0 0x8000000>; pkvm,protected-mmio; }; };' protected \
		"ramsum,donate:vm:0x60000000,donate:vm:0x64000000,donate:vm:0x67fff000,donate:pgd:0x60000000,donate:pgd:0x67fff000,donate:vcpu:0x60000000,donate:vcpu:0x64000000,donate:vcpu:0x67fff000,donate:vm:0x68000000,donate:vcpu:0x68000000,deny:0x60000000,deny:0x64000000,denyw:0x67fffffc,read:0x68000000,read:0x9030000" \
		"$firmware" || return
	check "$1/hole: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/hole: 128 MiB between the RAM banks protected" \
		in_log 'protected MMIO: \[0x60000000-0x67ffffff\] 131072 KiB from /hole@60000000 reg\[0\]'
}

# [0x807ffff000, 0x80c0201000): a 4 KiB head below a 1 GiB boundary, one
# 1 GiB block, one 2 MiB block, a 4 KiB tail. The minimum in the host
# stage-2 (an idmap): the level-1 table of the 512 GiB window, a level-2
# and a level-3 table for the head, a level-2 and a level-3 table for the
# tail: 5 pages. The hyp stage-1 maps it at a VA congruent modulo 1 GiB,
# so it needs the same 4 below level 1, plus at most 2 level-1 tables.
scenario_headtail() {
	boot "$1" headtail "$overlay_headtail" protected \
		"deny:0x807ffff000,deny:0x8080000000,deny:0x80a0000000,deny:0x80bffff000,deny:0x80c0000000,deny:0x80c01ff000,denyw:0x80c0200ffc,read:0x807fffe000,read:0x80c0201000,cat:/sys/kernel/debug/kvm/protected_mmio" || return
	check "$1/headtail: pKVM protected mode initialized" pkvm_up "$1"
	local t
	t=$(tables_added)
	check "$1/headtail: host stage-2 at the minimum of 5 table pages, hyp stage-1 at most 6 (added: ${t:-?})" \
		test -n "$t" -a "${t#* }" -eq 5 -a "${t% *}" -le 6
	budget_exact "$1/headtail"
}

# The hypervisor never uses more page-table pages than the host budgeted:
# with the budget cut short (test kernels' kvm-arm.protected_mmio_budget_cut)
# by 3 hyp stage-1 pages (more than the 2 it may overcount) or by 1 host
# stage-2 page (exact), pKVM must refuse to start, and the host must keep
# running: the init powers off from the boot CPU, whose EL2 the failed init
# leaves behind (on 6.12, before a fix of ours, that hung one boot in three;
# 7.2 keeps the boot CPU's hyp stack, and the protection runs after the
# switch to the hypervisor's own page tables, which are never freed).
scenario_budget() {
	local cut
	for cut in 3,0 0,1; do
		boot "$1:kvm-arm.protected_mmio_budget_cut=$cut" "budget-$cut" \
			"$overlay_headtail
$overlay_pl031" protected "read:0x9030000,cat:/proc/iomem,cat:/proc/device-tree/pl031@9010000/status" || continue
		check "$1/budget-$cut: the hypervisor refused to start" \
			in_log 'kvm \[1\]: Failed to init hyp memory protection'
		check "$1/budget-$cut: pKVM did not come up in protected mode" \
			not_in_log 'Protected [nh]VHE mode initialized'
		check "$1/budget-$cut: nothing claimed in /proc/iomem" \
			not_in_log 'pKVM protected MMIO$'
		check "$1/budget-$cut: the tagged RTC stays \"reserved\", no driver bound it" \
			eval "in_log '^PKVMTEST \\| reserved\$' && not_in_log 'rtc-pl031 .*registered'"
	done
}

# Both CPUs at once on protected and unprotected pages, hypercalls on
# protected PFNs, and kernel accesses, in one boot: later steps must still
# pass after the kernel oopsed a task.
scenario_enforce() {
	boot "$1" enforce "$overlay_pl031
$overlay_flash1" protected \
		"ramsum,hammer:0x9010000:0x9030000:1500,hvc:share:0x9010,hvc:share:0x4000,hvc:share:0x6000,hvc:share:0x7fff,hvc:unshare:0x9010,hvc:unshare:0x7fff,deny:0x9010000,deny:0x4000000,deny:0x6000000,deny:0x7fff000,kreadok:0x9030000,kread:0x9010000,kread:0x7fff000,deny:0x9010000,read:0x9030000,hammer:0x4000000:0x0:500,cat:/sys/kernel/debug/kvm/protected_mmio" || return
	check "$1/enforce: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/enforce: the kernel accesses hit upstream's host-abort path" \
		in_log 'Unable to handle kernel access to hypervisor-protected memory at virtual address'
	check "$1/enforce: each kernel access oopsed its task" test "$(nr_oopses)" -eq 2
	budget_exact "$1/enforce"
	check "$1/enforce: debugfs counts every denied access" \
		in_log '^PKVMTEST \| total: 2 regions, 16385 pages, 4007 denied host accesses'
}

# A compromised host kernel, through the test kernels' selftest hooks, and
# what a buggy one does to user memory. The kernel copying from or to a
# user buffer over a protected page gets -EFAULT through its exception
# table: no oops, no taint (each copy touches the page twice: the copy
# routine retries one byte after a fault). The host hands protected pages
# to a guest with __pkvm_host_share_guest (a normal VM) and
# __pkvm_host_donate_guest (a protected VM), first, middle and last pages:
# EL2 refuses, and the guest, reading where the page would be, faults to
# its VMM instead. It clears HCR_EL2.VM in its copy of the vCPU: the guest
# reading the protected PA as an IPA still faults to the VMM, stage-2 on.
# A memslot over /dev/mem gets the guest nothing either. Controls: 7.2's
# hypervisor hands guests memory only, so the unprotected PL061 is refused
# the same way: these prove the refusals hold with protection on, while
# what the protection adds is the host stage-2 annotation (the deny steps,
# counted at EL2). Upstream 7.2 WARNs when the hypervisor refuses a memslot
# page (pkvm_pgtable_stage2_map()). The hypervisor itself reads the RTC's
# PeriphID through the mapping it recorded.
scenario_hostile() {
	boot "$1" hostile "$overlay_pl031
$overlay_flash1" protected \
		"uaccess:0x9010000,uaccess:0x7fff000,uaccessok:0x9030000,attack:share:0x9010000,attack:share:0x4000000,attack:share:0x6000000,attack:share:0x7fff000,attack:share:0x9030000,attack:donate:0x9010000,attack:donate:0x4000000,attack:donate:0x7fff000,attack:hcr:0x9010000,attack:hcr:0x4000000,attack:hcr:0x7fff000,guest:0x9010000,guest:0x7fff000,guest:0x9030000,el2read:0x9010fe0:0x31,el2read:0x9010fe4:0x10,deny:0x9010000,deny:0x4000000,denyw:0x7fffffc,read:0x9030000,cat:/sys/kernel/debug/kvm/protected_mmio" || return
	check "$1/hostile: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/hostile: no kernel oops" not_in_log 'Internal error|Unable to handle kernel'
	check "$1/hostile: debugfs counts the 8 uaccess faults and 3 user accesses denied at EL2" \
		in_log '^PKVMTEST \| total: 2 regions, 16385 pages, 11 denied host accesses'
}

# Mediation (issue 12): the RTC recompatibled for the test kernels' EL2
# handler, which lets the host do a 32-bit read of PeriphID0 (0xfe0) and
# nothing else. The allowed read returns the device's value, the one the
# hypervisor reads itself; a read of another register, a write of the
# allowed one, a byte read of it and an LDP of it (no syndrome, ISV = 0)
# each abort the task. The node is left to the host (not "reserved", not
# claimed in iomem) and EL2 counts 2 performed, 5 denied.
overlay_mediated='&{/pl031@9010000} { compatible = "pkvm,protected-mmio-selftest"; pkvm,protected-mmio; };'
scenario_mediated() {
	boot "$1" mediated "$overlay_mediated" protected \
		"readval:0x9010fe0:0x31,deny:0x9010fe4,denyw:0x9010fe0,denyb:0x9010fe0,denyldp:0x9010fe0,deny:0x9010000,readval:0x9010fe0:0x31,el2read:0x9010fe0:0x31,read:0x9030000,cat:/sys/kernel/debug/kvm/protected_mmio,cat:/proc/iomem" || return
	check "$1/mediated: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/mediated: boot log names the region and its handler" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /pl031@9010000 reg\[0\], mediated by the EL2 handler selftest$'
	check "$1/mediated: the node is not made \"reserved\"" not_in_log 'is now status "reserved"'
	check "$1/mediated: the region is not claimed in /proc/iomem" \
		not_in_log '09010000-09010fff : pKVM protected MMIO'
	check "$1/mediated: no kernel oops" not_in_log 'Internal error|Unable to handle kernel'
	check "$1/mediated: debugfs counts 2 accesses performed and 5 denied at EL2" \
		in_log '^PKVMTEST \| 0x0000000009010000-0x0000000009010fff +4 KiB /pl031@9010000 reg\[0\] mediated by selftest, performed 2 denied 5$'
}

# The host's own driver through EL2: the RTC with the test kernels'
# pass-through handler first in its compatible (every aligned 32-bit
# access performed). rtc-pl031 binds as on an untagged tree, although it
# claimed the region before pKVM init (mediated regions are not held to
# the claimed rule); the RTC's time read through sysfs after pKVM is up is
# a driver access done at EL2, and so is a /dev/mem read; a byte read is
# still denied.
scenario_driver() {
	boot "$1" driver '&{/pl031@9010000} { compatible = "pkvm,protected-mmio-selftest-passthrough", "arm,pl031", "arm,primecell"; pkvm,protected-mmio; };' protected \
		"cat:/sys/class/rtc/rtc0/since_epoch,read:0x9010000,denyb:0x9010000,cat:/sys/class/rtc/rtc0/since_epoch,cat:/sys/kernel/debug/kvm/protected_mmio" || return
	check "$1/driver: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/driver: boot log names the region and its handler" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /pl031@9010000 reg\[0\], mediated by the EL2 handler selftest-passthrough$'
	check "$1/driver: rtc-pl031 bound the mediated device" in_log 'rtc-pl031 .*registered as rtc0'
	check "$1/driver: the RTC's time reads through sysfs" \
		test "$(grep -Ec '^PKVMTEST \| [0-9]{9,}$' "$log")" -eq 2
	check "$1/driver: no kernel oops" not_in_log 'Internal error|Unable to handle kernel'
	check "$1/driver: debugfs counts the driver's and the read's accesses performed at EL2, the byte read denied" \
		in_log '^PKVMTEST \| 0x0000000009010000-0x0000000009010fff +4 KiB /pl031@9010000 reg\[0\] mediated by selftest-passthrough, performed ([3-9]|[1-9][0-9]+) denied 1$'
}

# The GICv3 ITS (issue 12). virtio-rng-pci takes MSI-X through the ITS,
# whose node the DTB tags: the host's ITS driver keeps it, through the
# EL2 handler. First the control, untagged: the device must move data and
# its MSIs count in /proc/interrupts, or the tagged run proves nothing.
its_plan="devread:/dev/hwrng:4096,cat:/proc/interrupts"
overlay_its='&{/intc@8000000/its@8080000} { pkvm,protected-mmio; };'
msi_counts() { # virtio-rng's request vector, each time /proc/interrupts was read
	sed -n 's/^PKVMTEST | *[0-9]*: *\([0-9]*\) *\([0-9]*\) *ITS-PCI-MSIX-.*virtio0-input$/\1 \2/p' "$log" |
		while read -r a b; do echo $((a + b)); done
}
its_msis() { [ "$(msi_counts | head -1)" -gt 0 ] 2>/dev/null; }
scenario_msi() {
	QEMU_EXTRA="-device virtio-rng-pci" boot "$1" msi '' protected "$its_plan" || return
	check "$1/msi: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/msi: virtio-rng's requests take MSIs through the ITS" its_msis
}
# Tagged: the same, and what a compromised host would do, written through
# /dev/mem:
# - a MAPD whose ITT is the hypervisor's memory, and a MAPTI, which would
#   write it: the MAPD is refused (the ITS runs a SYNC in its place) and
#   counted. The same with the ITT in a page of the task's own goes
#   through, and the ITS writes that page: the control;
# - a MAPD rewritten in the host's queue, to name the hypervisor's memory,
#   once CWRITER is past it (the ITS off meanwhile, so that it has not run
#   it yet): the ITS runs it as the hypervisor checked it;
# - a 64-bit write of GITS_CBASER or GITS_BASER0 while the ITS runs is
#   refused, and so is either aimed at the hypervisor's memory once the
#   task has turned the ITS off; turned on again, it still delivers
#   virtio-rng's MSIs;
# - a write to the ITS's real queue (its first and last 8 bytes) and to
#   its tables, in the hypervisor's .bss: the host stage-2 denies each, as
#   any hypervisor page, and EL2 counts each with the ITS's refusals. A
#   write to the hypervisor's .rodata is denied too, and not counted: it
#   is not the ITS's memory.
# Around each attempt the ITS or the host would write, the hypervisor's
# checksum of the page aimed at must not change.
its_counts() { # the ITS's "performed denied", each time debugfs was read
	sed -n 's/^PKVMTEST | .* \/intc@8000000\/its@8080000 reg\[0\] mediated by gic-v3-its, performed \([0-9]*\) denied \([0-9]*\)$/\1 \2/p' "$log"
}
its_performed() { its_counts | cut -d' ' -f1; }
its_denied() { its_counts | cut -d' ' -f2; }
# The denied counts of the last 5 reads of debugfs: before the writes to
# the hypervisor's memory, after the one to the queue, after the queue's
# end and the tables, after .rodata, and after the last read of hwrng.
its_hyp_writes_counted() {
	local counts
	counts=$(its_denied | tail -n 5 | tr '\n' ' ')
	echo "# ITS denied counts around the writes to hypervisor memory: $counts"
	[ "$counts" = "5 6 8 8 8 " ]
}
# LPIs come from the device to the ITS, never through the host stage-2: a
# second read of 4096 random bytes takes more MSIs, and EL2 performs no
# ITS access for them.
its_no_lpi_trap() {
	local msis performed
	msis=$(msi_counts | sed -n 1,2p | tr '\n' ' ')
	performed=$(its_performed | sed -n 1,2p | tr '\n' ' ')
	echo "# MSIs $msis; ITS accesses performed at EL2 $performed"
	read -r m1 m2 <<< "$msis"
	read -r p1 p2 <<< "$performed"
	[ -n "${m2:-}" ] && [ -n "${p2:-}" ] && [ "$m2" -gt "$m1" ] && [ "$p2" -eq "$p1" ]
}
# The host's driver through EL2 after the take-over: moving the vector to
# CPU 0 makes the driver queue a MOVI; EL2 performs the accesses, and the
# MSIs then land on CPU 0.
its_driver_moves() {
	local cpu0 performed
	cpu0=$(sed -n 's/^PKVMTEST | *[0-9]*: *\([0-9]*\) *[0-9]* *ITS-PCI-MSIX-.*virtio0-input$/\1/p' "$log" | sed -n 3p)
	performed=$(its_performed | sed -n 2,3p | tr '\n' ' ')
	echo "# MSIs on CPU 0 after the move: $cpu0; ITS accesses performed at EL2 $performed"
	read -r p2 p3 <<< "$performed"
	[ "${cpu0:-0}" -gt 0 ] && [ -n "${p3:-}" ] && [ "$p3" -gt "$p2" ]
}
# A symbol's offset from _text, as the host kernel's own symbols give it.
image_offset() {
	local map=${kernel%/arch/arm64/boot/Image}/System.map text sym
	text=$(awk '$3 == "_text" { print $1 }' "$map" 2>/dev/null)
	sym=$(awk -v s="$1" '$3 == s { print $1 }' "$map" 2>/dev/null)
	[ -n "$text" ] && [ -n "$sym" ] && printf '0x%x\n' $((0x$sym - 0x$text))
}
# The attacks aim at the hypervisor's .rodata, which EL2 never writes (its
# checksum cannot change on its own), and at its real ITS queue. The
# hwrng core's fill thread stops first (rng_current "none", which
# kthread_stop()s it; the quality knob does not in 7.2): an MSI that
# comes while the ITS is off is lost, and virtio-rng would wait for it
# forever. virtio_rng.0 is current again for the last read.
scenario_its() {
	local debugfs=cat:/sys/kernel/debug/kvm/protected_mmio queue tables rodata
	queue=$(image_offset __kvm_nvhe_its_queue) &&
		tables=$(image_offset __kvm_nvhe_its_tables) &&
		rodata=$(image_offset __hyp_rodata_start) ||
		{ notok "$1/its: no __kvm_nvhe_its_queue, __kvm_nvhe_its_tables or __hyp_rodata_start in System.map"; return; }
	QEMU_EXTRA="-device virtio-rng-pci" boot "$1" its "$overlay_its" protected \
		"$its_plan,$debugfs,devread:/dev/hwrng:4096,$debugfs,cat:/proc/interrupts,write:/proc/irq/17/smp_affinity_list:0,devread:/dev/hwrng:4096,cat:/proc/interrupts,$debugfs,write:/sys/class/misc/hw_random/rng_current:none,itsmapd:0x8080000:$rodata,itsmapd:0x8080000:own,itsrewrite:0x8080000:$rodata,denyq:0x8080080,denyq:0x8080100,itscbaser:0x8080000,itsbaser:0x8080000,$debugfs,denyimage:$queue,$debugfs,denyimage:$((queue + 0xfff8)),denyimage:$tables,$debugfs,denyimage:$rodata,$debugfs,write:/sys/class/misc/hw_random/rng_current:virtio_rng.0,devread:/dev/hwrng:4096,$debugfs" || return
	check "$1/its: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/its: boot log names the ITS and its handler" \
		in_log 'protected MMIO: \[0x8080000-0x809ffff\] 128 KiB from /intc@8000000/its@8080000 reg\[0\], mediated by the EL2 handler gic-v3-its$'
	check "$1/its: virtio-rng's requests take MSIs through the mediated ITS" its_msis
	check "$1/its: more MSIs, and not one more ITS access at EL2" its_no_lpi_trap
	check "$1/its: the driver moves the vector to CPU 0 through EL2" its_driver_moves
	check "$1/its: no kernel oops" not_in_log 'Internal error|Unable to handle kernel'
	check "$1/its: no ITS command timed out" not_in_log 'ITS queue timeout|ITS cmd .* failed'
	check "$1/its: each write to the ITS's queue or tables counts once, one to .rodata not" \
		its_hyp_writes_counted
	check "$1/its: debugfs counts the driver's accesses performed and 8 refusals" \
		in_log '^PKVMTEST \| 0x0000000008080000-0x000000000809ffff +128 KiB /intc@8000000/its@8080000 reg\[0\] mediated by gic-v3-its, performed [1-9][0-9]* denied 8$'
}

# A mediated region may not overlap a denied one: no access can be both.
scenario_handlers() {
	refused "$1" handlers "$overlay_mediated
/ { fake@9010000 { reg = <0x0 0x9010000 0x0 0x2000>; pkvm,protected-mmio; }; };" \
		'/fake@9010000 reg\[0\] \[0x9010000-0x9011fff\]: region overlaps a region of another node or handler \(at /pl031@9010000\)'
}

# FF-A: booted through the test EL3 firmware (tests/firmware), which answers
# SMCCC 1.2 and FF-A, so pKVM's FF-A proxy comes up as it would on a board
# with an SPMC. MEM_SHARE and MEM_LEND of the first, a middle and the last
# page of a region must be denied at EL2 and never reach EL3, also when the
# page comes second after a RAM page (pKVM must roll the RAM page back);
# the pages stay denied to the host afterwards (the EL2 count proves it is
# still the hypervisor that stops them), and a RAM page on its own still
# goes through, twice, so the path is live.
# pKVM's proxy shares memory only: an unprotected MMIO page (the PL061)
# is denied too. The test proves the refusal holds with protection on, not
# that the protection is what refuses.
scenario_ffa() {
	boot "$1" ffa "$overlay_pl031
$overlay_flash1" protected \
		"ffaram,ffa:share:0x9010000,ffa:lend:0x9010000,ffa:share:0x4000000,ffa:share:0x6000000,ffa:share:0x7fff000,ffa:lend:0x4000000,ffa:lend:0x7fff000,ffapair:0x9010000,ffapair:0x6000000,ffa:share:0x9030000,hvc:share:0x9010,hvc:share:0x7fff,deny:0x9010000,deny:0x4000000,deny:0x6000000,denyw:0x7fffffc,read:0x9030000,ffaram,cat:/sys/kernel/debug/kvm/protected_mmio" \
		"$firmware" || return
	check "$1/ffa: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/ffa: booted by the test EL3 firmware" in_log '^el3-ffa-stub: test firmware'
	check "$1/ffa: firmware offers SMCCC 1.2, as pKVM's FF-A proxy needs" \
		in_log 'psci: SMC Calling Convention v1.2'
	check "$1/ffa: no warning from the FF-A proxy's roll-back" not_in_log 'WARNING:'
	check "$1/ffa: debugfs counts the 4 denied accesses" \
		in_log '^PKVMTEST \| total: 2 regions, 16385 pages, 4 denied host accesses'
}

# A refused tree: pKVM stays down, the one error line names the node and the
# rule, the host reaches userspace, and nothing is reported protected.
refused() { # refused CPU NAME OVERLAY ERROR-REGEX
	boot "$1" "$2" "$3" protected "read:0x9010000,read:0x9030000,cat:/proc/iomem" || return
	check "$1/$2: one error line names the node and the rule" \
		test "$(grep -Ec "kvm \[0\]: protected MMIO: $4 \[rule " "$log")" -eq 1
	check "$1/$2: pKVM did not come up in protected mode" \
		not_in_log 'Protected [nh]VHE mode initialized'
	check "$1/$2: nothing reported protected" \
		not_in_log 'protected MMIO: \[|pKVM protected MMIO|status "reserved"'
}

scenario_badindex() {
	refused "$1" badindex '&{/pl031@9010000} { pkvm,protected-mmio = <0 1>; };' \
		'/pl031@9010000: pkvm,protected-mmio index is beyond the reg entries \(index 1, 1 entries\)'
}

scenario_duplicate() {
	refused "$1" duplicate '&{/flash@0} { pkvm,protected-mmio = <1 1>; };' \
		'/flash@0 reg\[1\]: pkvm,protected-mmio lists an index twice'
}

scenario_ram() {
	refused "$1" ram '&{/pl031@9010000} { pkvm,protected-mmio; };
/ { scratch@40000000 { reg = <0x0 0x40000000 0x0 0x10000>; pkvm,protected-mmio; }; };' \
		'/scratch@40000000 reg\[0\] \[0x40000000-0x4000ffff\]: region overlaps RAM'
}

scenario_notmmio() {
	refused "$1" notmmio '/ { i2c@9040000 { #address-cells = <1>; #size-cells = <1>;
	sensor@10 { reg = <0x10 0x1000>; pkvm,protected-mmio; }; }; };' \
		'/i2c@9040000/sensor@10 reg\[0\]: ancestor has no ranges: not on a memory-mapped bus \(at /i2c@9040000\)'
}

scenario_console() {
	refused "$1" console '&{/pl011@9000000} { pkvm,protected-mmio; };' \
		'/pl011@9000000 reg\[0\] \[0x9000000-0x9000fff\]: region overlaps the console \(/chosen stdout-path\)'
}

scenario_toomany() {
	local i nodes=
	for i in $(seq 0 16); do
		nodes+=$(printf 'dummy@%x { reg = <0x0 0x%x 0x0 0x1000>; pkvm,protected-mmio; }; ' \
			$((0xc000000 + i * 0x2000)) $((0xc000000 + i * 0x2000)))
	done
	refused "$1" toomany "/ { $nodes };" \
		'device tree: too many regions after coalescing \(17 found, limit 16\)'
}

# --- discovery that agrees with Linux, and leaves untagged trees alone -----

# A tree with no tag is only read for the tag: 40 nested empty nodes keep
# pKVM up and draw no line of ours; with the RTC tagged, it is protected.
scenario_deep() {
	boot "$1" deep "$(deep_chain)" protected "read:0x9010000,read:0x9030000" || return
	check "$1/deep: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/deep: no line of ours" not_in_log 'protected MMIO'
	boot "$1" deep-tagged "$(deep_chain)
$overlay_pl031" protected "deny:0x9010000,read:0x9030000" || return
	check "$1/deep-tagged: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/deep-tagged: the RTC protected" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /pl031@9010000 reg\[0\]'
}

# A root without #size-cells: Linux takes 1. Untagged, pKVM comes up and
# nothing of ours speaks; tagged, the RTC is protected and /memory is read
# with 2 + 1 cells. (A /memory whose reg ends in a part entry is left to the
# unit tests: Linux 7.2 itself oopses on it in early boot.)
scenario_cellless() {
	boot "$1" cellless "" protected "read:0x9010000,read:0x9030000" "$firmware" cellless_dtb || return
	check "$1/cellless: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/cellless: no line of ours" not_in_log 'protected MMIO'
	boot "$1" cellless-tagged "$overlay_pl031" protected "deny:0x9010000,read:0x9030000" \
		"$firmware" cellless_dtb || return
	check "$1/cellless-tagged: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/cellless-tagged: the RTC protected" \
		in_log 'protected MMIO: \[0x9010000-0x9010fff\] 4 KiB from /pl031@9010000 reg\[0\]'
}

# Linux puts dev@0 of this bus at 0x1500000, in the first ranges entry that
# holds its base (its platform device is 1500000.dev). 8 KiB runs past that
# 4 KiB window: refused, never protected in the second window; 4 KiB fits:
# protected at 0x1500000, and 0x1600000 stays the host's.
overlay_firstwin() { # SIZE [TAG]
	echo "/ { /delete-node/ flash@0; bus@1500000 { compatible = \"simple-bus\";
	#address-cells = <1>; #size-cells = <1>;
	ranges = <0x0 0x0 0x1500000 0x1000>, <0x0 0x0 0x1600000 0x10000>;
	dev@0 { compatible = \"pkvm-test,dev\"; reg = <0x0 $1>; ${2:-} }; }; };"
}

scenario_firstwin() {
	boot "$1" firstwin-untagged "$(overlay_firstwin 0x1000)" protected \
		"ls:/sys/bus/platform/devices" || return
	check "$1/firstwin-untagged: Linux names the device after 0x1500000" \
		in_log '^PKVMTEST \| 1500000\.dev$'
	refused "$1" firstwin-8k "$(overlay_firstwin 0x2000 'pkvm,protected-mmio;')" \
		'/bus@1500000/dev@0 reg\[0\] \[0x0-0x1fff\]: region runs past the ranges entry that holds its base \(at /bus@1500000\)'
	boot "$1" firstwin-4k "$(overlay_firstwin 0x1000 'pkvm,protected-mmio;')" protected \
		"deny:0x1500000,denyw:0x1500ffc,read:0x1501000,read:0x1600000,read:0x1600ffc" || return
	check "$1/firstwin-4k: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/firstwin-4k: protected at 0x1500000, where Linux puts it" \
		in_log 'protected MMIO: \[0x1500000-0x1500fff\] 4 KiB from /bus@1500000/dev@0 reg\[0\]'
}

# The interrupt controller every host interrupt goes through: refused with
# one line, and the host reaches userspace.
scenario_intc() {
	refused "$1" intc '&{/intc@8000000} { pkvm,protected-mmio = <0>; };' \
		'/intc@8000000: tagged node is an interrupt controller the host uses'
}

# A node over the GIC's redistributors, an untagged device the host drives:
# refused at discovery, naming the device.
scenario_device() {
	refused "$1" device '/ { fake@80a0000 { compatible = "pkvm-test,dev"; reg = <0x0 0x80a0000 0x0 0x20000>; pkvm,protected-mmio; }; };' \
		'/fake@80a0000 reg\[0\] \[0x80a0000-0x80bffff\]: region overlaps a device the host may drive \(at /intc@8000000\)'
}

# A region the host has claimed by the time the hypervisor would take it
# (here by the test kernels' kvm-arm.protected_mmio_selftest_claim, in a
# core initcall, as early drivers do): refused at pKVM init with one line
# naming the claimant. The host keeps running, and the tagged node stays
# "reserved", the stated policy when pKVM fails after discovery (no driver
# may bind a node meant for the hypervisor).
scenario_claimed() {
	boot "$1:kvm-arm.protected_mmio_selftest_claim=0xc000000" claimed \
		'/ { fake@c000000 { compatible = "pkvm-test,dev"; reg = <0x0 0xc000000 0x0 0x1000>; pkvm,protected-mmio; }; };' \
		protected "read:0x9030000,cat:/proc/device-tree/fake@c000000/status,cat:/proc/iomem" || return
	check "$1/claimed: one line names the region, its claimant and the rule" \
		test "$(grep -Ec 'protected MMIO: /fake@c000000 reg\[0\] \[0xc000000-0xc000fff\]: region is already claimed by the host \(pkvm-mmio selftest claim\) \[rule claimed\]; protected mode not enabled' "$log")" -eq 1
	check "$1/claimed: pKVM did not come up in protected mode" \
		not_in_log 'Protected [nh]VHE mode initialized'
	check "$1/claimed: the tagged node stays \"reserved\"" in_log '^PKVMTEST \| reserved$'
	check "$1/claimed: nothing claimed for the hypervisor" not_in_log 'pKVM protected MMIO$'
}

# Linux's own translator against ours, on random nested simple-bus trees
# (tests/boot/gen-buses.py). Untagged, Linux names each device after its
# reg[0] as it translates it ("<pa>.dev"); with every device tagged, the
# kernel must protect each device's reg[0] at exactly those addresses, each
# entry's first and last pages must fault and the page after it (untagged)
# still read. At boot the kernel also checks every entry against
# of_address_to_resource() (rule of-differs): protected mode coming up
# means Linux agrees on all of them. DIFF_SEEDS="..." runs other seeds.
scenario_differential() {
	local seed linux ours plan p i first last gap
	for seed in ${DIFF_SEEDS:-1 2 3}; do
		python3 "$top/tests/boot/gen-buses.py" "$seed" > "$out/diff-$seed.dts" 2>/dev/null
		python3 "$top/tests/boot/gen-buses.py" "$seed" --tagged \
			> "$out/diff-$seed-tagged.dts" 2> "$out/diff-$seed.entries"
		boot "$1" "diff-$seed" "$(cat "$out/diff-$seed.dts")" protected \
			"ls:/sys/bus/platform/devices" || continue
		linux=$(sed -n 's/^PKVMTEST | \([0-9a-f]*\)\.dev$/0x\1/p' "$log" | sort)
		plan=
		while read -r p i first last gap; do
			plan+="deny:$first,deny:$last,read:$gap,"
		done < "$out/diff-$seed.entries"
		boot "$1" "diff-$seed-tagged" "$(cat "$out/diff-$seed-tagged.dts")" protected \
			"${plan%,}" || continue
		check "$1/diff-$seed-tagged: pKVM protected mode initialized: of_address_to_resource() agrees on every entry" \
			pkvm_up "$1"
		ours=$(sed -n 's/.*kvm \[0\]: protected MMIO: \[\(0x[0-9a-f]*\)-0x[0-9a-f]*\] .* from .* reg\[0\]$/\1/p' "$log" | sort)
		check "$1/diff-$seed: reg[0] of each of $(wc -w <<< "$linux") devices protected where Linux put it" \
			test -n "$linux" -a "$linux" = "$ours"
		check "$1/diff-$seed: one region per entry ($(wc -l < "$out/diff-$seed.entries"))" \
			test "$(grep -c 'kvm \[0\]: protected MMIO: \[' "$log")" -eq "$(wc -l < "$out/diff-$seed.entries")"
	done
}

# --- scenarios for 16K and 64K pages ---------------------------------------

scenario_page_refused() {
	refused "$1" page-refused "$overlay_pl031" \
		'/pl031@9010000 reg\[0\] \[0x9010000-0x9010fff\]: region is not aligned to the page size \(page size 0x'"$(printf %x $((pgkb * 1024)))"'\)'
}

scenario_page_protected() {
	boot "$1" page-protected '/ { /delete-node/ flash@0; window@4000000 { reg = <0x0 0x4000000 0x0 0x10000>; pkvm,protected-mmio; }; };' protected \
		"deny:0x4000000,denyw:0x400fffc,read:0x4010000,read:0x9030000" || return
	check "$1/page-protected: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/page-protected: 64 KiB region protected with ${pgkb}K pages" \
		in_log 'protected MMIO: \[0x4000000-0x400ffff\] 64 KiB from /window@4000000 reg\[0\]'
}

# The FF-A proxy at this page size: its mailboxes are one page, several FF-A
# (4 KiB) pages each; the first and last pages of the region must be
# denied, also after a RAM page in the same share, and RAM still shared.
scenario_page_ffa() {
	local last
	last=$(printf '0x%x' $((0x4010000 - pgkb * 1024)))
	boot "$1" page-ffa '/ { /delete-node/ flash@0; window@4000000 { reg = <0x0 0x4000000 0x0 0x10000>; pkvm,protected-mmio; }; };' protected \
		"ffaram,ffa:share:0x4000000,ffa:lend:$last,ffapair:0x4000000,ffapair:$last,deny:0x4000000,denyw:0x400fffc,ffaram" \
		"$firmware" || return
	check "$1/page-ffa: pKVM protected mode initialized" pkvm_up "$1"
	check "$1/page-ffa: no warning from the FF-A proxy's roll-back" not_in_log 'WARNING:'
}

if [ "$pgkb" = 4 ]; then
	scenarios=(untagged pl031 bus ecam flash gib hole headtail budget enforce hostile mediated driver handlers ffa notprotected unaligned badindex duplicate ram notmmio console toomany deep cellless firstwin intc device claimed differential)
	[ ${#cpus[@]} -gt 0 ] || cpus=(cortex-a72 max)
else
	scenarios=(page_refused page_protected page_ffa)
	[ ${#cpus[@]} -gt 0 ] || cpus=(max)
fi
[ ${#only[@]} -gt 0 ] && scenarios=("${only[@]}")

[ -f "$kernel" ] || { notok "kernel $kernel missing"; exit 1; }
[ -f "$initrd" ] || { notok "initramfs $initrd missing"; exit 1; }

for cpu in "${cpus[@]}"; do
	for s in "${scenarios[@]}"; do
		"scenario_$s" "$cpu"
	done
done

exit $failed
