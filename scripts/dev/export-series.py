#!/usr/bin/env python3
"""Developer helper: write kernel/ and patches/ back from a git series.

    export-series.py GITDIR SERIES=COUNT...

GITDIR is a kernel repository whose branch holds the series on top of the
base commit that 'scripts/series.py assemble' made (tag pkvm-mmio-base),
typically after 'git rebase -i' there. SERIES=COUNT names the series in
order and how many commits each has, for example

    export-series.py build/series-git dt=2 core=9 tool=1 test=2

Each file a commit adds is written to kernel/ as that commit has it; the
changes a commit makes to files that already exist become its patch,
patches/SERIES/NNNN-subject.patch, and patches/series lists the patches
in order with the files each adds. 'series.py assemble' does the reverse.
"""
import os
import re
import shutil
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def git(gitdir, *args):
    return subprocess.run(('git', '-C', gitdir) + args, check=True,
                          capture_output=True, text=True).stdout


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    gitdir = sys.argv[1]
    plan = []
    for arg in sys.argv[2:]:
        name, _, count = arg.partition('=')
        if not re.fullmatch(r'[a-z]+', name) or not count.isdigit():
            sys.exit('bad series spec %r: want NAME=COUNT' % arg)
        plan += [name] * int(count)

    revs = git(gitdir, 'rev-list', '--reverse', 'pkvm-mmio-base..HEAD').split()
    if len(revs) != len(plan):
        sys.exit('%d commits after pkvm-mmio-base, the spec names %d' %
                 (len(revs), len(plan)))

    for d in set(plan):
        shutil.rmtree(os.path.join(top, 'patches', d), ignore_errors=True)
    manifest = ['# The kernel series, in order: SERIES/PATCH [NEW-FILE...].',
                '# NEW-FILEs are in kernel/ as the patch that adds them has them;',
                '# a patch holds the changes to files that exist before it.',
                '# Written by scripts/dev/export-series.py.']
    added_so_far = set()
    number = {}
    for rev, name in zip(revs, plan):
        number[name] = number.get(name, 0) + 1
        status = git(gitdir, 'diff-tree', '--no-commit-id', '-r', '--name-status',
                     '--no-renames', rev).splitlines()
        added, changed = [], []
        for line in status:
            st, path = line.split('\t', 1)
            if st == 'A':
                added.append(path)
            elif st == 'M':
                changed.append(path)
            else:
                sys.exit('%s: %s %s: only additions and changes are supported'
                         % (rev[:12], st, path))
        for path in added:
            if path in added_so_far:
                sys.exit('%s adds %s twice' % (rev[:12], path))
            added_so_far.add(path)
            dest = os.path.join(top, 'kernel', path)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, 'wb') as f:
                f.write(subprocess.run(('git', '-C', gitdir, 'show',
                                        '%s:%s' % (rev, path)),
                                       check=True, capture_output=True).stdout)

        mail = git(gitdir, 'format-patch', '-1', '--stdout', '--no-signature',
                   '--zero-commit', '--start-number', str(number[name]), rev)
        header = mail.split('\n---\n', 1)[0]
        text = header + '\n---\n'
        if changed:
            text += git(gitdir, 'diff', '--stat=72', rev + '^', rev, '--', *changed)
            text += '\n' + git(gitdir, 'diff', rev + '^', rev, '--', *changed)
        subject = git(gitdir, 'log', '-1', '--format=%s', rev)
        slug = re.sub(r'[^A-Za-z0-9_.]+', '-', subject).strip('-.')[:52].rstrip('-.')
        rel = '%s/%04d-%s.patch' % (name, number[name], slug)
        path = os.path.join(top, 'patches', rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
        manifest.append(' '.join([rel] + added))

    # Files under kernel/ that no commit adds would be stale copies.
    for root, _, files in os.walk(os.path.join(top, 'kernel')):
        for fn in files:
            rel = os.path.relpath(os.path.join(root, fn), os.path.join(top, 'kernel'))
            if rel not in added_so_far:
                print('warning: kernel/%s is added by no commit' % rel)
    with open(os.path.join(top, 'patches', 'series'), 'w') as f:
        f.write('\n'.join(manifest) + '\n')
    print('\n'.join(manifest[4:]))


if __name__ == '__main__':
    main()
