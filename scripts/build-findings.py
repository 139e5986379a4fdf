#!/usr/bin/env python3
"""Compiler and sparse findings a patch is answerable for.

    build-findings.py BUILD-LOG STEP-DIFF SRC OUT

Prints each line of BUILD-LOG that reports a warning or an error in one of
the series' own files (anywhere), or in another file at a line STEP-DIFF
(git diff -U0 of the step) adds: an upstream file a patch touches keeps
whatever upstream's own code draws, which is not the patch's to answer.
Paths in the log are absolute or relative to the build directory OUT.
"""
import os
import re
import sys

OURS = re.compile(r'pkvm_protected_mmio|pkvm_mmio_fdt|pkvm_pinned_test|'
                  r'kvm_pkvm_mmio|nvhe/protected_mmio')
# What Debian 12's sparse 0.6.4 cannot read in 7.2, and reports on
# upstream's own kvm_main.c (MODULE_*()) and nested.c (FIELD_GET()) too:
# the static asserts of MODULE_*() and kunit_test_suite(), and deeply
# nested macro expansions.
SPARSE_CANNOT = re.compile(
    r'error: (bad constant expression|too long token expansion)$')
LOCATED = re.compile(r'^(\S+?):(\d+):(?:\d+:)? ')


def added_lines(diff):
    added, cur = {}, None
    with open(diff, errors='replace') as f:
        for line in f:
            if line.startswith('+++ '):
                path = line[4:].strip()
                cur = path[2:] if path.startswith('b/') else None
                if cur:
                    added.setdefault(cur, set())
            elif line.startswith('@@') and cur:
                m = re.match(r'@@ -\S+ \+(\d+)(?:,(\d+))? @@', line)
                start = int(m.group(1))
                count = int(m.group(2)) if m.group(2) is not None else 1
                added[cur].update(range(start, start + count))
    return added


def main():
    log, diff, src, out = sys.argv[1:5]
    src = os.path.realpath(src)
    added = added_lines(diff)
    with open(log, errors='replace') as f:
        for line in f:
            text = line.rstrip('\n')
            if not re.search(r'warning|error', text, re.I):
                continue
            if SPARSE_CANNOT.search(text):
                continue
            m = LOCATED.match(text)
            if not m:
                if OURS.search(text) or any(p in text for p in added):
                    print(text)
                continue
            path = m.group(1)
            if not os.path.isabs(path):
                path = os.path.join(out, path)
            path = os.path.relpath(os.path.normpath(path), src)
            if OURS.search(path) or int(m.group(2)) in added.get(path, ()):
                print(text)


if __name__ == '__main__':
    main()
