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
On stderr, one line per file where sparse stopped at an error it reports
on code it cannot read: it says nothing more about that file.

With --errors, prints instead what made a build fail: the log's error
lines, make's own "***" lines and kbuild's word that the checker is
missing, but not the errors sparse 0.6.4 reports on code it cannot read.
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
FAILURE = re.compile(r'error|\*\*\*|specified, but .* is not available', re.I)
# gcc and sparse: "FILE:LINE:COL: ..."; kernel-doc: "Warning: FILE:LINE ...".
LOCATED = re.compile(r'^(?:(?:Warning|Error): )?(\S+?):(\d+)(?::\d+)?:? ')
FINDING = re.compile(r'warning|error', re.I)
# gcc's source lines under a finding ("  12 |   foo();", "     |   ^~~"),
# and the include chain before a note in a header.
SKIPPED = re.compile(r'^(\s+(\d+\s+)?\||In file included from |\s+from )')


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
    """Each finding: its line, then the note: and located lines after it."""
    group = None
    with open(log, errors='replace') as f:
        for line in f:
            text = line.rstrip('\n')
            if group is not None:
                if SKIPPED.match(text):
                    continue
                if LOCATED.match(text) and not FINDING.search(text) or \
                        re.search(r':\d+: note: ', text):
                    group.append(text)
                    continue
                yield group
                group = None
            if FINDING.search(text):
                group = [text]
    if group is not None:
        yield group


def failures(log):
    with open(log, errors='replace') as f:
        for line in f:
            text = line.rstrip('\n')
            if FAILURE.search(text) and not SPARSE_CANNOT.search(text):
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
    added = added_lines(diff)

    def answerable(text):
        m = LOCATED.match(text)
        if not m:
            return bool(OURS.search(text)) or any(p in text for p in added)
        path = m.group(1)
        if not os.path.isabs(path):
            path = os.path.join(out, path)
        path = os.path.relpath(os.path.normpath(path), src)
        return bool(OURS.search(path)) or int(m.group(2)) in added.get(path, ())

    stopped = []
    for group in findings(log):
        if SPARSE_CANNOT.search(group[0]):
            m = LOCATED.match(group[0])
            name = m.group(1) if m else group[0]
            if name not in stopped:
                stopped.append(name)
            continue
        if any(answerable(text) for text in group):
            print('\n'.join(group))
    for name in stopped:
        print(f'sparse stopped at an error on code it cannot read, and '
              f'says nothing more about {name}', file=sys.stderr)


if __name__ == '__main__':
    main()
