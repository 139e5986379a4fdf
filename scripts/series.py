#!/usr/bin/env python3
"""The kernel patch series, as maintainers will read it.

    series.py apply DEST             lay kernel/ and patches/ on the tree DEST
    series.py assemble GITDIR        a git repository: the pinned base as one
                                     commit (tag pkvm-mmio-base), then one
                                     commit per patch of patches/series
    series.py format GITDIR OUTDIR   git format-patch each series, with its
                                     cover letter, into OUTDIR/N-SERIES/

patches/series lists the patches in order, each with the new files it adds
(kept in kernel/ as that patch has them). 'apply' is what prepare-tree.sh
uses to build the kernel; 'assemble' and 'format' are 'make series'.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLACEHOLDER = 'Placeholder Submitter <placeholder-submitter@example.invalid>'
# What each series is, in order; a cover letter per series in patches/cover/.
SERIES = [
    ('dt', 'PATCH'),
    ('core', 'PATCH'),
    ('tool', 'PATCH'),
    ('test', 'PATCH NOT-FOR-MERGE'),
]
FIXED_DATE = '2026-11-29T00:00:00Z'


def manifest():
    """[(series, patch path relative to patches/, [new files])] in order."""
    out = []
    with open(os.path.join(top, 'patches', 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            if not line:
                continue
            series = line[0].split('/', 1)[0]
            if series not in dict(SERIES):
                sys.exit('patches/series: %s: unknown series %r' % (line[0], series))
            out.append((series, line[0], line[1:]))
    return out


def has_hunks(path):
    with open(path) as f:
        return any(line.startswith('diff --git ') for line in f)


def copy_new(dest, files):
    for rel in files:
        src = os.path.join(top, 'kernel', rel)
        dst = os.path.join(dest, rel)
        if os.path.exists(dst):
            sys.exit('%s: already in the tree' % rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # Not copy2: kernel/'s old mtime would leave the file older than an
        # object built from another version of it (prepare-tree.sh).
        shutil.copy(src, dst)


def cmd_apply(dest):
    for _, rel, files in manifest():
        copy_new(dest, files)
        path = os.path.join(top, 'patches', rel)
        if not has_hunks(path):
            continue
        with open(path) as f:
            r = subprocess.run(['patch', '-d', dest, '-p1', '-s', '-F0',
                                '--no-backup-if-mismatch'], stdin=f)
        if r.returncode:
            sys.exit('patch %s does not apply' % rel)


def git(gitdir, *args, **kw):
    name, email = PLACEHOLDER[:-1].split(' <')
    env = dict(os.environ, GIT_AUTHOR_DATE=FIXED_DATE,
               GIT_COMMITTER_DATE=FIXED_DATE, GIT_COMMITTER_NAME=name,
               GIT_COMMITTER_EMAIL=email)
    env.update(kw.pop('env', {}))
    return subprocess.run(('git', '-C', gitdir) + args, check=True, text=True,
                          capture_output=True, env=env, **kw).stdout


def base_origin():
    pristine = os.path.join(top, 'build', 'src', 'linux.pristine')
    with open(os.path.join(pristine, '.pkvm-mmio-source')) as f:
        return pristine, f.read().strip()


def mail_parts(path):
    """Subject, author and message body of a patch mail, as git am sees them."""
    with tempfile.NamedTemporaryFile('r') as msg, open(path) as mail:
        info = subprocess.run(['git', 'mailinfo', msg.name, '/dev/null'],
                              stdin=mail, capture_output=True, text=True,
                              check=True).stdout
        body = msg.read()
    meta = dict(line.split(': ', 1) for line in info.splitlines() if ': ' in line)
    return meta['Subject'], '%s <%s>' % (meta['Author'], meta['Email']), body


def cmd_assemble(gitdir):
    pristine, origin = base_origin()
    stamp = os.path.join(gitdir, '.git', 'pkvm-mmio-base-origin')
    have = open(stamp).read().strip() if os.path.exists(stamp) else None
    if have != origin:
        print('series: importing %s as the base commit' % origin, flush=True)
        shutil.rmtree(gitdir, ignore_errors=True)
        shutil.copytree(pristine, gitdir, symlinks=True,
                        ignore=shutil.ignore_patterns('.pkvm-mmio-*'))
        git(gitdir, 'init', '-q')
        git(gitdir, 'config', 'core.autocrlf', 'false')
        git(gitdir, 'config', 'gc.auto', '0')
        git(gitdir, 'add', '-A', '-f')
        git(gitdir, 'commit', '-q', '-m', 'Base: ' + origin,
            '--author', 'pkvm-mmio <pkvm-mmio@example.invalid>')
        git(gitdir, 'tag', 'pkvm-mmio-base')
        with open(stamp, 'w') as f:
            f.write(origin + '\n')
    git(gitdir, 'checkout', '-q', '-f', '-B', 'series', 'pkvm-mmio-base')
    git(gitdir, 'clean', '-q', '-f', '-d', '-x')
    for series, rel, files in manifest():
        path = os.path.join(top, 'patches', rel)
        copy_new(gitdir, files)
        if has_hunks(path):
            git(gitdir, 'apply', '--whitespace=error-all', path)
        git(gitdir, 'add', '-A', '-f')
        subject, author, body = mail_parts(path)
        git(gitdir, 'commit', '-q', '--allow-empty', '--author', author,
            '-F', '-', input=subject + '\n\n' + body.strip('\n') + '\n',
            env={'GIT_AUTHOR_DATE': FIXED_DATE})
    print('series: %d patches on %s in %s' % (len(manifest()), origin, gitdir))


def cmd_format(gitdir, outdir):
    _, origin = base_origin()
    revs = git(gitdir, 'rev-list', '--reverse', 'pkvm-mmio-base..series').split()
    entries = manifest()
    if len(revs) != len(entries):
        sys.exit('%s: %d commits, patches/series has %d: run assemble first'
                 % (gitdir, len(revs), len(entries)))
    shutil.rmtree(outdir, ignore_errors=True)
    placeholders = 0
    for n, (name, prefix) in enumerate(SERIES):
        mine = [rev for rev, e in zip(revs, entries) if e[0] == name]
        if not mine:
            continue
        sub = os.path.join(outdir, '%d-%s' % (n + 1, name))
        git(gitdir, 'format-patch', '-q', '--cover-letter', '--base=pkvm-mmio-base',
            '--subject-prefix=' + prefix, '--no-signature', '-o',
            os.path.abspath(sub), mine[0] + '^..' + mine[-1])
        patches = sorted(os.path.join(os.path.abspath(sub), p)
                         for p in os.listdir(sub) if not p.startswith('0000-'))
        for p in patches:
            placeholders += open(p).read().count('Signed-off-by: ' + PLACEHOLDER)
        maint = subprocess.run(['perl', 'scripts/get_maintainer.pl', '--no-git',
                                '--no-git-fallback', '--no-tree'] + patches,
                               cwd=gitdir, capture_output=True, text=True).stdout
        with open(os.path.join(top, 'patches', 'cover', name + '.txt')) as f:
            subject, _, blurb = f.read().partition('\n')
        blurb = blurb.strip('\n').replace('@BASE@', origin)
        blurb += ('\n\nscripts/get_maintainer.pl --no-git on this series:\n\n' +
                  maint.rstrip('\n'))
        cover = os.path.join(sub, [p for p in os.listdir(sub)
                                   if p.startswith('0000-')][0])
        text = open(cover).read()
        text = text.replace('*** SUBJECT HERE ***', subject.strip())
        text = text.replace('*** BLURB HERE ***', blurb)
        with open(cover, 'w') as f:
            f.write(text)
        print('series: %s: %d patch%s, cover letter and get_maintainer.pl '
              'list in %s' % (name, len(patches),
                              '' if len(patches) == 1 else 'es', sub))
    print('series: NOTE: %d Signed-off-by lines and every From: are the '
          'placeholder "%s":\nseries: the person who submits the series must '
          'replace them with their own (git commit --amend --reset-author -s '
          'on each commit of %s).' % (placeholders, PLACEHOLDER, gitdir))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'apply' and len(args) == 1:
        cmd_apply(args[0])
    elif cmd == 'assemble' and len(args) == 1:
        cmd_assemble(args[0])
    elif cmd == 'format' and len(args) == 2:
        cmd_format(*args)
    else:
        sys.exit(__doc__.strip())


if __name__ == '__main__':
    main()
