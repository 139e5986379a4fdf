#!/bin/bash
# Documentation checks for the pKVM protected MMIO admin guide:
#  - it parses with docutils without a warning (report level 2, halt on
#    warning);
#  - every rule message of rule_text[] in pkvm_mmio_fdt.c appears in it
#    verbatim, so the guide cannot fall behind the parser;
#  - it names the debugfs file and the iomem claim as the code creates them;
#  - kernel Documentation form: SPDX line first, no line over 80 columns.
#
#   [DOCUTILS=CMD] run.sh [-d GUIDE.rst] [-s pkvm_mmio_fdt.c] [-p pkvm_protected_mmio.c]
#
# Prints one TAP-style line per check ("ok - ..." / "not ok - ...") and
# exits 0 iff every check passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
doc=$top/kernel/Documentation/virt/kvm/arm/pkvm-protected-mmio.rst
fdt_c=$top/kernel/arch/arm64/kvm/pkvm_mmio_fdt.c
host_c=$top/kernel/arch/arm64/kvm/pkvm_protected_mmio.c

while getopts d:s:p: opt; do
	case $opt in
	d) doc=$OPTARG ;;
	s) fdt_c=$OPTARG ;;
	p) host_c=$OPTARG ;;
	*) exit 2 ;;
	esac
done

failed=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }
name=${doc#"$top"/}

if [ ! -f "$doc" ]; then
	notok "$name exists"
	exit 1
fi

# --- docutils ----------------------------------------------------------------

# DOCUTILS, when set, is the command to use (e.g. "rst2html"); otherwise
# the first of python3 -m docutils, Debian's /usr/bin/python3 -m docutils
# and rst2html that works.
docutils_works() { "$@" --version >/dev/null 2>&1; }
docutils=()
if [ -n "${DOCUTILS-}" ]; then
	read -r -a cmd <<< "$DOCUTILS"
	docutils_works "${cmd[@]}" && docutils=("${cmd[@]}")
else
	for cmd in "python3 -m docutils" "/usr/bin/python3 -m docutils" rst2html; do
		read -r -a c <<< "$cmd"
		if docutils_works "${c[@]}"; then
			docutils=("${c[@]}")
			break
		fi
	done
fi

if [ ${#docutils[@]} -eq 0 ]; then
	notok "docutils missing (apt-get install python3-docutils)"
else
	msgs=$("${docutils[@]}" --halt=warning --report=2 --no-generator \
		--no-datestamp "$doc" /dev/null 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$msgs" ]; then
		ok "$name parses with docutils without warnings"
	else
		notok "$name parses with docutils without warnings (status $rc)"
		printf '%s\n' "$msgs" | head -n 8 | sed 's/^/#   /'
	fi
fi

# --- rule messages -----------------------------------------------------------

# The string of every initialiser between "rule_text[...] = {" and "};".
rules=$(sed -n '/^static const char \*const rule_text\[/,/^};/p' "$fdt_c" |
	sed -n 's/^[[:space:]]*\[PKVM_MMIO_[A-Z_]*\][[:space:]]*=[[:space:]]*"\(.*\)",[[:space:]]*$/\1/p')
nr_enum=$(sed -n '/^static const char \*const rule_text\[/,/^};/p' "$fdt_c" |
	grep -c '^[[:space:]]*\[PKVM_MMIO_')

if [ -z "$rules" ]; then
	notok "rule messages extracted from ${fdt_c#"$top"/}"
elif [ "$(printf '%s\n' "$rules" | wc -l)" -ne "$nr_enum" ]; then
	notok "every rule_text[] entry parsed ($(printf '%s\n' "$rules" | wc -l) of $nr_enum)"
else
	ok "$nr_enum rule messages extracted from ${fdt_c#"$top"/}"
	missing=0
	while IFS= read -r msg; do
		if ! grep -qF -- "$msg" "$doc"; then
			notok "rule message in the guide: \"$msg\""
			missing=$((missing + 1))
		fi
	done <<< "$rules"
	[ $missing -eq 0 ] && ok "every rule message appears verbatim in $name"
fi

# --- names the code creates --------------------------------------------------

# The debugfs file is created in the "kvm" directory of debugfs.
if grep -q '"protected_mmio", 0400' "$host_c"; then
	ok "debugfs file name found in ${host_c#"$top"/}"
else
	notok "debugfs file name found in ${host_c#"$top"/}"
fi
if grep -qF '/sys/kernel/debug/kvm/protected_mmio' "$doc"; then
	ok "guide names /sys/kernel/debug/kvm/protected_mmio"
else
	notok "guide names /sys/kernel/debug/kvm/protected_mmio"
fi

iomem=$(sed -n 's/^[[:space:]]*res->name = "\(.*\)";.*/\1/p' "$host_c")
if [ "$iomem" != "pKVM protected MMIO" ]; then
	notok "iomem name in ${host_c#"$top"/} is \"pKVM protected MMIO\" (found \"$iomem\")"
fi
if grep -qF 'pKVM protected MMIO' "$doc"; then
	ok "guide names the iomem claim \"pKVM protected MMIO\""
else
	notok "guide names the iomem claim \"pKVM protected MMIO\""
fi

# --- form ----------------------------------------------------------------------

if [ "$(head -n1 "$doc")" = ".. SPDX-License-Identifier: GPL-2.0" ]; then
	ok "$name starts with its SPDX line"
else
	notok "$name starts with its SPDX line"
fi

long=$(expand -t 8 "$doc" | awk 'length > 80 { print FNR ": " length " columns" }')
if [ -z "$long" ]; then
	ok "$name has no line over 80 columns"
else
	notok "$name has no line over 80 columns"
	printf '%s\n' "$long" | sed 's/^/#   line /'
fi

exit $failed
