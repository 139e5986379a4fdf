#!/usr/bin/env python3
"""kernel-doc for make series-check's W=1 build: the series' files only.

    make W=1 KERNELDOC=scripts/series-kernel-doc.py ...

with SERIES_KDOC_SRC (the source tree) and SERIES_KDOC_FILES (a file that
lists, one per line and relative to that tree, the files the series has
touched so far) in the environment.

A W=1 build runs kernel-doc on every C file it compiles. A patch that
changes a header of arch/arm64/kvm/ recompiles nearly all of it, and there
kernel-doc costs more than the compiler (whose objects ccache has): about
a second per file on 2 cores. On a file the series does not touch it can
only report upstream's own comments, which build-findings.py would drop
anyway. So this runs the tree's kernel-doc, with the same arguments, on the
files the series touches, and passes every other file.
"""
import os
import sys


def main():
    src = os.path.realpath(os.environ['SERIES_KDOC_SRC'])
    with open(os.environ['SERIES_KDOC_FILES']) as f:
        touched = set(f.read().split())
    # kbuild passes the C file last.
    if os.path.relpath(os.path.realpath(sys.argv[-1]), src) not in touched:
        return 0
    kernel_doc = os.path.join(src, 'tools', 'docs', 'kernel-doc')
    os.execv(sys.executable, [sys.executable, kernel_doc] + sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
