#!/usr/bin/env python3
"""docs-test: no example in the docs can rot.

1. Every ```apache block of README.md, docs/*.md and the rule pages lint/rules/*.md goes
   to `apache2 -t` (Debian's httpd, with the built module) inside a minimal server
   configuration, and to cors-lint. A block that names mod_cors (a CORS* directive or
   the `cors:` log module) must also pass `apache2 -t` WITHOUT the module: it is wrapped
   in <IfModule cors_module>, so that a2dismod cors never breaks the server (not on
   the rule pages, whose examples are what cors-lint is shown, not what to paste).
   Words after `apache` on the fence line say what else is expected:
     refused      apache2 -t with the module must refuse it
     htaccess     an .htaccess file: cors-lint only, in a directory of its own
     tree         needs files around it (an .htaccess and its <Directory>): apache2 -t
                  only; the linter's fixtures cover the rule
     lint=IDS     cors-lint must report exactly these rules (comma-separated); without
                  it, nothing. On a rule page, a block under '## Bad' must report the
                  page's rule (plus any lint= ones) and one under '## Good' nothing.
   `PORT` in a block stands for a port (the browser report's examples).
2. The man pages (make man) pass `man --warnings` and whatis(1) can read their names.
3. The pre-commit examples of docs/cors-lint.md work with Debian's pre-commit: in a new
   git repository, a commit of a broken .conf is refused and a good one goes through;
   the pinned one with this repository (its path and HEAD) as repo and rev, so that it
   runs the hook of this repository's .pre-commit-hooks.yaml.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.path.join(TOP, 'out', 'mod_cors.so')
LINT = os.path.join(TOP, 'out', 'cors-lint')
MODDIR = '/usr/lib/apache2/modules'
# The modules the examples use, loaded as a Debian server would have them.
MODULES = ['mpm_event', 'authz_core', 'authz_host', 'authz_user', 'authn_core',
           'authn_file', 'auth_basic', 'alias', 'dir', 'mime', 'env', 'headers',
           'setenvif', 'rewrite', 'proxy', 'proxy_http', 'proxy_fcgi', 'cache',
           'cache_disk', 'dav', 'dav_fs', 'cgid', 'status']
NAMES_CORS = re.compile(r'\bCORS[A-Z]\w*|\bcors:')

failures = []


def check(ok, what):
    print(('ok   ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


def blocks(path):
    """(line, words, text, heading) of each ```apache block of a Markdown file."""
    lines = open(path, encoding='utf-8').read().split('\n')
    found, heading, i = [], '', 0
    while i < len(lines):
        if lines[i].startswith('## '):
            heading = lines[i][3:].strip()
        m = re.match(r'^```(\S*)(.*)$', lines[i])
        if m:
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            if m.group(1) == 'apache':
                found.append((i + 1, m.group(2).split(), '\n'.join(lines[i + 1:j]),
                              heading))
            i = j
        i += 1
    return found


def server_conf(work, block, with_module):
    loads = [f'LoadModule {m}_module {MODDIR}/mod_{m}.so' for m in MODULES]
    if with_module:
        loads.append(f'LoadModule cors_module {MODULE}')
    return '\n'.join(loads + [
        f'ServerRoot {work}', 'ServerName localhost', 'Listen 127.0.0.1:8080',
        f'PidFile {work}/httpd.pid', f'ErrorLog {work}/error.log',
        f'DocumentRoot {work}', f'Define APACHE_LOG_DIR {work}',
        f'DAVLockDB {work}/dav.lock', f'ScriptSock {work}/cgid.sock',
        f'CacheRoot {work}/cache',
        f'Include {work}/block.conf', ''])


def apache_t(work, block, with_module):
    with open(os.path.join(work, 'block.conf'), 'w') as f:
        f.write(block + '\n')
    conf = os.path.join(work, 'httpd.conf')
    with open(conf, 'w') as f:
        f.write(server_conf(work, block, with_module))
    r = subprocess.run(['apache2', '-t', '-f', conf], capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def lint_rules(work, block, htaccess):
    name = os.path.join(work, 'site', '.htaccess' if htaccess else 'site.conf')
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, 'w') as f:
        f.write(block + '\n')
    r = subprocess.run([LINT, '--format', 'json', name], capture_output=True, text=True)
    os.unlink(name)
    if r.returncode == 2:
        return None, r.stderr.strip()
    findings = json.loads(r.stdout)['findings']
    return {f['rule'] for f in findings}, '; '.join(
        f"{f['rule']} line {f['line']}: {f['message']}" for f in findings)


def expected_rules(path, words, heading):
    want = set()
    for w in words:
        if w.startswith('lint='):
            want |= set(w[5:].split(','))
    page = rule_page(path)
    if page and heading == 'Bad':
        want.add(page)
    return want


def rule_page(path):
    m = re.match(r'^(CL\d{3})\.md$', os.path.basename(path))
    return m.group(1) if m else None


def check_block(path, line, words, text, heading):
    where = f'{os.path.relpath(path, TOP)}:{line}'
    block = text.replace('PORT', '8080')
    htaccess = 'htaccess' in words
    with tempfile.TemporaryDirectory() as work:
        if not htaccess:
            ok, out = apache_t(work, block, True)
            if 'refused' in words:
                check(not ok, f'{where}: apache2 -t refuses it')
            else:
                check(ok, f'{where}: apache2 -t accepts it' + ('' if ok else f': {out}'))
            if (NAMES_CORS.search(block) and not rule_page(path) and
                    'cors_module' not in block.replace('<IfModule cors_module>', '')):
                ok, out = apache_t(work, block, False)
                check(ok, f'{where}: apache2 -t accepts it without mod_cors' +
                      ('' if ok else f' (wrap it in <IfModule cors_module>): {out}'))
        if 'tree' in words:
            return
        got, out = lint_rules(work, block, htaccess)
        want = expected_rules(path, words, heading)
        check(got == want, f'{where}: cors-lint reports {sorted(want) or "nothing"}' +
              ('' if got == want else f', not {sorted(got or [])}: {out}'))


def check_man_pages():
    for page in sorted(glob.glob(os.path.join(TOP, 'out', 'man', '*.[18]'))):
        env = dict(os.environ, MANWIDTH='80', LC_ALL='C.UTF-8')
        r = subprocess.run(['man', '--warnings', '-l', page], capture_output=True,
                           text=True, env=env)
        check(r.returncode == 0 and not r.stderr.strip(),
              f'{os.path.basename(page)}: man --warnings is silent {r.stderr.strip()}')
        r = subprocess.run(['lexgrog', page], capture_output=True, text=True)
        check(r.returncode == 0, f'{os.path.basename(page)}: whatis can read its name')


def pre_commit_examples():
    text = open(os.path.join(TOP, 'docs', 'cors-lint.md'), encoding='utf-8').read()
    configs = re.findall(r'```yaml\n(# \.pre-commit-config\.yaml.*?)```', text, re.S)
    check(len(configs) == 2, 'docs/cors-lint.md has two .pre-commit-config.yaml examples')
    check(shutil.which('pre-commit') is not None, 'pre-commit is installed (build/deps.sh)')
    head = subprocess.run(['git', '-C', TOP, 'rev-parse', 'HEAD'], capture_output=True,
                          text=True).stdout.strip()
    for config in configs:
        if 'rev:' in config:
            check(bool(head), 'this repository is a git clone (for the pinned example)')
            config = re.sub(r'repo: \S+', 'repo: ' + TOP, config)
            config = re.sub(r'rev: \S+', 'rev: ' + head, config)
        pre_commit_example(config)


def pre_commit_example(config):
    name = config.split('\n', 1)[0]
    with tempfile.TemporaryDirectory() as work:
        repo = os.path.join(work, 'repo')
        env = dict(os.environ, HOME=work, PRE_COMMIT_HOME=os.path.join(work, 'cache'),
                   PATH=os.path.dirname(LINT) + os.pathsep + os.environ['PATH'],
                   GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@example.com',
                   GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@example.com')

        def run(*cmd):
            return subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
        os.makedirs(repo)
        run('git', 'init', '-q')
        with open(os.path.join(repo, '.pre-commit-config.yaml'), 'w') as f:
            f.write(config)
        run('git', 'add', '.pre-commit-config.yaml')
        r = run('pre-commit', 'install')
        check(r.returncode == 0, f'{name}: pre-commit install {r.stderr.strip()}')
        with open(os.path.join(repo, 'api.conf'), 'w') as f:
            f.write('<Location /api>\n    CORSAllowOrigin https://app.example.com/\n'
                    '</Location>\n')
        run('git', 'add', 'api.conf')
        r = run('git', 'commit', '-q', '-m', 'broken')
        check(r.returncode != 0 and 'CL016' in r.stdout + r.stderr,
              f'{name}: pre-commit refuses a commit of a broken .conf, naming CL016' +
              ('' if 'CL016' in r.stdout + r.stderr else f': {r.stdout} {r.stderr}'))
        with open(os.path.join(repo, 'api.conf'), 'w') as f:
            f.write('<Location /api>\n    CORSAllowOrigin https://app.example.com\n'
                    '</Location>\n')
        run('git', 'add', 'api.conf')
        r = run('git', 'commit', '-q', '-m', 'fixed')
        check(r.returncode == 0, f'{name}: pre-commit lets the fixed .conf through' +
              ('' if r.returncode == 0 else f': {r.stdout} {r.stderr}'))


def main():
    for f in (MODULE, LINT):
        if not os.path.exists(f):
            sys.exit(f'docs-test: {f} is missing (run make)')
    pages = ([os.path.join(TOP, 'README.md')] + sorted(glob.glob(os.path.join(TOP, 'docs', '*.md')))
             + sorted(glob.glob(os.path.join(TOP, 'lint', 'rules', '*.md'))))
    count = 0
    for page in pages:
        for line, words, text, heading in blocks(page):
            check_block(page, line, words, text, heading)
            count += 1
    check(count >= 40, f'{count} configuration blocks checked')
    check_man_pages()
    pre_commit_examples()
    if failures:
        print(f'docs-test: {len(failures)} failed')
        sys.exit(1)
    print('docs-test: all passed')


if __name__ == '__main__':
    main()
