#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2317  # functions are invoked through check()
#
# Schema checks for the pkvm,protected-mmio binding, with Debian's dt-schema
# and dtc only (installs nothing).
#
#   - dt-doc-validate: the binding against the dt-schema meta-schemas;
#   - dt-mk-schema: processed schema = the binding + dt-schema's core schemas;
#   - dt-validate on the binding's own examples and on tests/schema/*.dts:
#     good-*.dts must draw no message about pkvm,protected-mmio, bad-*.dts
#     must draw one matching their "// expect: <ERE>" line. Each is checked
#     as a .dtb (what the kernel's dtbs_check feeds dt-validate) and as
#     dtc's YAML output (which keeps value types: strings, /bits/ 8, ...);
#   - self-tests: every bad case passes against the core schemas alone (so
#     the failure really comes from our binding) and the "must pass" check
#     does reject a bad case;
#   - a whole QEMU virt DT, tagged with fdtput (skipped without qemu);
#   - the vendor-prefix patch (skipped without a kernel source: $KSRC or
#     the pristine base tree the kernel build unpacks, build/src/linux.pristine).
#
# Output: one line per check, "ok - <name>" or "not ok - <name> (<why>)";
# exit status 0 iff every check passed.  V=1 prints dt-validate's output.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bindings=$top/kernel/Documentation/devicetree/bindings
binding=$bindings/arm/pkvm,protected-mmio.yaml
vpatch=$(ls "$top"/patches/dt/*-dt-bindings-vendor-prefixes-add-pkvm.patch)
prop=pkvm,protected-mmio

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
failed=0

ok()    { echo "ok - $1${2:+ # SKIP $2}"; }
notok() { echo "not ok - $1 ($2)"; failed=1; }
check() { local name=$1 why; shift; if why=$("$@"); then ok "$name"; else notok "$name" "${why:0:160}"; fi; }
show()  { [ "${V:-0}" = 1 ] && sed 's/^/# /' "$1" >&2; return 0; }

for t in dt-doc-validate dt-mk-schema dt-validate dt-extract-example dtc fdtput; do
	if ! command -v "$t" >/dev/null; then
		notok prerequisites "$t not found: apt-get install dt-schema device-tree-compiler"
		exit 1
	fi
done

# Messages about our property: errors from our schema name it (or name the
# schema file in "From schema:", hence -B1 for the message above it);
# unrelated nodes' complaints are ignored.
ours() { # schema file -> stdout: dt-validate lines about $prop
	dt-validate -s "$1" "$2" >"$w/out" 2>&1
	show "$w/out"
	grep -F -B1 "$prop" "$w/out" | grep -v '^--$'
}

must_pass() { # schema file
	local m
	[ -s "$2" ] || { echo "no input $2"; return 1; }
	m=$(ours "$1" "$2") || return 0
	echo "flagged: $(echo "$m" | head -n1 | sed 's/^[^:]*: //')"
	return 1
}

must_fail() { # schema file expect-ERE
	local m
	[ -s "$2" ] || { echo "no input $2"; return 1; }
	m=$(ours "$1" "$2") || { echo "not flagged"; return 1; }
	echo "$m" | grep -Eq -- "$3" && return 0
	echo "flagged, but not with /$3/: $(echo "$m" | grep -v 'From schema:' | head -n1 | sed 's/^[^:]*: //')"
	return 1
}

# --- the binding itself --------------------------------------------------
doc_validate() {
	dt-doc-validate -u "$bindings" "$binding" >"$w/doc" 2>&1
	local rc=$?
	show "$w/doc"
	[ "$rc" = 0 ] && [ ! -s "$w/doc" ] && return 0
	echo "rc=$rc: $(head -n1 "$w/doc")"
	return 1
}
check "dt-doc-validate $(basename "$binding")" doc_validate

# dt-mk-schema takes a lone file argument for an already processed schema:
# give it a directory holding only our binding (plus the core schemas).
mkschema() { # out dir...
	local out=$1; shift
	dt-mk-schema -j -o "$out" "$@" >"$w/mk" 2>&1 || { echo "dt-mk-schema: $(head -n1 "$w/mk")"; return 1; }
	[ -s "$out" ] || { echo "no output"; return 1; }
}
mkdir -p "$w/b/arm" "$w/none"
cp "$binding" "$w/b/arm/"
schema=$w/schema.json
core=$w/core.json
check "dt-mk-schema binding + core schemas" mkschema "$schema" "$w/b"
check "dt-mk-schema core schemas only" mkschema "$core"
grep -q "schemas/arm/$prop.yaml#" "$schema" ||
	notok "processed schema holds the binding" "\$id not found in $schema"

examples() {
	dt-extract-example "$binding" >"$w/examples.dts" &&
	dtc -q -I dts -O dtb -o "$w/examples.dtb" "$w/examples.dts" 2>"$w/dtc" ||
		{ echo "cannot build examples: $(head -n1 "$w/dtc")"; return 1; }
	must_pass "$schema" "$w/examples.dtb"
}
check "binding examples" examples

# --- test DTS: dtb and yaml forms ----------------------------------------
for f in "$here"/good-*.dts "$here"/bad-*.dts; do
	n=$(basename "$f" .dts)
	for fmt in dtb yaml; do
		if ! dtc -q -I dts -O $fmt -o "$w/$n.$fmt" "$f" 2>"$w/dtc"; then
			notok "$n ($fmt)" "dtc: $(head -n1 "$w/dtc")"
			continue
		fi
		case $n in
		good-*)	check "$n ($fmt) must pass" must_pass "$schema" "$w/$n.$fmt" ;;
		bad-*)	expect=$(sed -n 's|^// expect: ||p' "$f")
			if [ -z "$expect" ]; then
				notok "$n ($fmt)" "no '// expect:' line in $f"
				continue
			fi
			check "$n ($fmt) must be flagged" must_fail "$schema" "$w/$n.$fmt" "$expect"
			check "selftest: $n ($fmt) passes without our binding" \
				must_pass "$core" "$w/$n.$fmt" ;;
		esac
	done
done

# The "must pass" check can fail: it rejects a bad case.
selftest_pass_can_fail() {
	must_pass "$schema" "$w/bad-no-reg.dtb" >/dev/null && { echo "bad-no-reg.dtb accepted"; return 1; }
	return 0
}
check "selftest: must-pass check rejects bad-no-reg" selftest_pass_can_fail

# --- a whole QEMU virt DT: unrelated nodes' complaints are ignored -------
qemu_virt() { # mode: good|bad
	local d=$w/virt-$1.dtb
	if [ ! -s "$w/virt.dtb" ]; then
		qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb="$w/virt.dtb" \
			-cpu cortex-a72 -nic none -display none >"$w/qemu" 2>&1 ||
			{ echo "qemu dumpdtb: $(tail -n1 "$w/qemu")"; return 1; }
	fi
	cp "$w/virt.dtb" "$d"
	if [ "$1" = good ]; then
		fdtput "$d" /pl031@9010000 "$prop" &&
		fdtput -t u "$d" /pl061@9030000 "$prop" 0 || { echo "fdtput failed"; return 1; }
		must_pass "$schema" "$d"
	else
		fdtput "$d" /psci "$prop" || { echo "fdtput failed"; return 1; }
		must_fail "$schema" "$d" "psci: 'reg' is a dependency of '$prop'"
	fi
}
if command -v qemu-system-aarch64 >/dev/null; then
	check "qemu virt DT, pl031 and pl061 tagged, must pass" qemu_virt good
	check "qemu virt DT, /psci (no reg) tagged, must be flagged" qemu_virt bad
else
	ok "qemu virt DT" "no qemu-system-aarch64"
fi

# --- vendor prefix: without the patch "pkvm," is unknown -----------------
vp=Documentation/devicetree/bindings/vendor-prefixes.yaml
mkdir -p "$w/k/${vp%/*}"
if [ -n "${KSRC:-}" ] && [ -f "$KSRC/$vp" ]; then
	cp "$KSRC/$vp" "$w/k/$vp"
elif [ -f "$top/build/src/linux.pristine/$vp" ]; then
	cp "$top/build/src/linux.pristine/$vp" "$w/k/$vp"
fi
if [ -s "$w/k/$vp" ]; then
	mkdir -p "$w/vu" "$w/vp"
	cp "$w/k/$vp" "$w/vu/"
	if (cd "$w/k" && patch -s -p1 --dry-run <"$vpatch" >/dev/null && patch -s -p1 <"$vpatch"); then
		ok "$(basename "$vpatch") applies"
		cp "$w/k/$vp" "$w/vp/"
		cp "$binding" "$w/vu/"
		cp "$binding" "$w/vp/"
		mkschema "$w/vu.json" "$w/vu" >/dev/null && mkschema "$w/vp.json" "$w/vp" >/dev/null
		check "selftest: unpatched vendor-prefixes flags $prop" \
			must_fail "$w/vu.json" "$w/good-empty.dtb" "'$prop' does not match any of the regexes"
		check "patched vendor-prefixes accepts $prop" must_pass "$w/vp.json" "$w/good-empty.dtb"
	else
		notok "$(basename "$vpatch") applies" "patch -p1 failed on $vp"
	fi
else
	ok "vendor-prefix patch" "no kernel source (set KSRC)"
fi

exit $failed
