#!/usr/bin/env python3
"""Developer helper: rewrite patches/00NN-*.patch from an edit tree.

    regen-patches.py EDIT_DIR [PATCH...]

EDIT_DIR/a holds the pristine upstream files, EDIT_DIR/b the edited ones.
Each patch keeps its subject and description; its diff is made anew for
the files it already touches.
"""
import os
import re
import subprocess
import sys
import tempfile

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
edit = sys.argv[1]
names = sys.argv[2:] or [n for n in sorted(os.listdir(os.path.join(top, 'patches')))
                         if n.endswith('.patch')]
for name in names:
    text = open(os.path.join(top, 'patches', name)).read()
    subject = re.search(r'^Subject: \[PATCH\] (.*)$', text, re.M).group(1)
    desc = text.split('\n\n', 1)[1].split('\n---\n', 1)[0] + '\n'
    files = re.findall(r'^diff --git a/(\S+) b/', text, re.M)
    with tempfile.NamedTemporaryFile('w', delete=False) as f:
        f.write(desc)
    subprocess.run([os.path.join(top, 'scripts/dev/mkpatch.sh'), edit, name,
                    subject, f.name] + files, check=True, stdout=subprocess.DEVNULL)
    os.unlink(f.name)
