#!/usr/bin/env python3
"""Compiler, sparse and kernel-doc findings a patch is answerable for.

    build-findings.py BUILD-LOG STEP-DIFF SRC OUT
    build-findings.py --errors BUILD-LOG

Prints each finding of BUILD-LOG (a warning or an error, with the notes
and sparse's located lines that follow it) that points, anywhere in it,
into one of the series' own files or at a line STEP-DIFF (git diff -U0)
adds: an upstream file a patch touches keeps whatever upstream's own code
draws, which is not the patch's to answer, but a note that points from
upstream's line to a declaration the patch adds makes it the patch's.
Paths in the log are absolute or relative to the build directory OUT.
On stderr, one line per file where sparse reported an error on code it
cannot read: sparse 0.6.4 then withholds every warning about that file,
those of the lines before it too.

With --errors, prints instead what made a build fail: the log's error
lines, make's own "***" lines and kbuild's word that the checker is
missing (those first), but not the errors sparse 0.6.4 reports on code
it cannot read.
"""
import os
import re
import signal
import sys

OURS = re.compile(r'pkvm_protected_mmio|pkvm_mmio_fdt|pkvm_pinned_test|'
                  r'kvm_pkvm_mmio|nvhe/protected_mmio')
# What Debian 12's sparse 0.6.4 cannot read in 7.2, and reports on
# upstream's own kvm_main.c (MODULE_*()) and nested.c (FIELD_GET()) too:
# the static asserts of MODULE_*() and kunit_test_suite(), and deeply
# nested macro expansions.
SPARSE_CANNOT = re.compile(
    r'error: (bad constant expression|too long token expansion)$')
MAKE_FAILURE = re.compile(r'\*\*\*|specified, but .* is not available')
FAILURE = re.compile(r'error|' + MAKE_FAILURE.pattern, re.I)
# gcc and sparse: "FILE:LINE:COL: ..."; kernel-doc: "Warning: FILE:LINE ...".
LOCATED = re.compile(r'^(?:(?:Warning|Error): )?(\S+?):(\d+)(?::\d+)?:? ')
FINDING = re.compile(r'warning|error', re.I)
# gcc's source lines under a finding ("  12 |   foo();", "     |   ^~~"),
# the include chain before a note in a header, and "FILE: In function
# 'f':" between a finding and its notes.
SKIPPED = re.compile(r'^(\s+(\d+\s+)?\||In file included from |\s+from |'
                     r'\S+: In function .*:$)')
# Before a finding in an inline function, where it was inlined:
# "In function 'f'," and "    inlined from 'g' at FILE:LINE:COL:" (or ",").
INLINED = re.compile(r'^\s+inlined from .* at (\S+?):(\d+)(?::\d+)?[,:]$')
CONTEXT = re.compile(r'^In function .*,$')


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


def findings(log):
    """Each finding: where it was inlined from, its line, then the note:
    and located lines after it."""
    group, context = None, []
    with open(log, errors='replace') as f:
        for line in f:
            text = line.rstrip('\n')
            if SKIPPED.match(text):
                continue
            if group is not None:
                if (LOCATED.match(text) and not FINDING.search(text)) or \
                        re.search(r':\d+: note: ', text):
                    group.append(text)
                    continue
                yield group
                group = None
            if CONTEXT.match(text) or INLINED.match(text):
                context.append(text)
            elif FINDING.search(text):
                group, context = context + [text], []
            else:
                context = []
    if group is not None:
        yield group


def failures(log):
    """make's own lines first: in a W=1 C=1 log, sparse's errors on
    upstream's files can outnumber the line a reader has to see."""
    with open(log, errors='replace') as f:
        lines = [line.rstrip('\n') for line in f]
    failed = [t for t in lines
              if FAILURE.search(t) and not SPARSE_CANNOT.search(t)]
    make = [t for t in failed if MAKE_FAILURE.search(t)]
    for text in make + [t for t in failed if t not in make]:
        print(text)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(sys.argv) == 3 and sys.argv[1] == '--errors':
        failures(sys.argv[2])
        return
    if len(sys.argv) != 5:
        sys.exit(__doc__.split('\n\n')[1])
    log, diff, src, out = sys.argv[1:5]
    src = os.path.realpath(src)
    out = os.path.realpath(out)
    added = added_lines(diff)

    def answerable(text):
        m = LOCATED.match(text) or INLINED.match(text)
        if CONTEXT.match(text):
            return False
        if not m:
            return bool(OURS.search(text)) or any(p in text for p in added)
        path = m.group(1)
        if not os.path.isabs(path):
            path = os.path.join(out, path)
        path = os.path.relpath(os.path.normpath(path), src)
        return bool(OURS.search(path)) or int(m.group(2)) in added.get(path, ())

    stopped = []
    for group in findings(log):
        head = [t for t in group
                if not CONTEXT.match(t) and not INLINED.match(t)][0]
        if SPARSE_CANNOT.search(head):
            m = LOCATED.match(head)
            name = m.group(1) if m else head
            if name not in stopped:
                stopped.append(name)
            continue
        if any(answerable(text) for text in group):
            print('\n'.join(group))
    for name in stopped:
        print(f'sparse met code it cannot read in {name}, and so '
              f'reports no warning about it', file=sys.stderr)


if __name__ == '__main__':
    main()
