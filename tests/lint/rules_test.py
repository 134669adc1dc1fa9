#!/usr/bin/env python3
"""cors-lint's rule fixtures (tests/lint/rules/CLnnn/), and that every rule has them.

Each rule of the table (lint.h's LINT_RULES, as `cors-lint --list-rules` prints it) has
a page, lint/rules/CLnnn.md (with its Severity, Bad, Good and Fix parts), and a
directory tests/lint/rules/CLnnn/ holding at least one positive fixture (bad-*) and one
negative (ok-*). A fixture is

    bad-NAME.conf, ok-NAME.conf          linted on its own
    bad-NAME.htaccess, ok-NAME.htaccess  linted as a .htaccess on its own (copied to an
                                         empty directory under that name)
    bad-NAME/, ok-NAME/                  a small tree, linted as one argument (a server
                                         root when it holds apache2.conf or httpd.conf),
                                         with --define FIXTURE=<its absolute path> so that
                                         its paths can be written ${FIXTURE}/www

and its header (the leading comment lines of the file, or of the tree's apache2.conf,
httpd.conf or first *.conf) lists every finding expected, of any rule:

    # EXPECT: CL003 5          rule and line (any column)
    # EXPECT: CL003 2:48       rule, line and column
    # EXPECT: CL015 www/.htaccess 1:1   in a tree: the file, relative to the tree

The findings must be exactly those: none missing, none more. A bad-* fixture expects at
least one finding of its directory's rule, an ok-* fixture none (other rules may fire
there, each listed). The suite fails when a rule lacks its page or its fixtures, when a
page or a fixture directory names no rule, and when a fixture is not one of the above;
it checks itself on a copy of the fixtures and pages with one fixture or page removed.

    tests/lint/rules_test.py [--lint out/cors-lint] [-k substring]

Ends with the line "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RULES_DIR = os.path.join(TOP, "tests", "lint", "rules")
PAGES_DIR = os.path.join(TOP, "lint", "rules")
EXPECT_RE = re.compile(r"^# EXPECT: (CL\d{3})(?: (\S+))? ([1-9]\d*)(?::([1-9]\d*))?\s*$")
NAME_RE = re.compile(r"^(bad|ok)-[a-z0-9][a-z0-9-]*(\.conf|\.htaccess)?$")
RULE_RE = re.compile(r"^(CL\d{3})\s")
MAIN_CONFS = ("apache2.conf", "httpd.conf")
PAGE_PARTS = ("Severity:", "## Bad", "## Good", "## Fix")


def table_rules(lint):
    """The rules of the table, as the binary built from it lists them."""
    out = subprocess.run([lint, "--list-rules"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return [m.group(1) for m in map(RULE_RE.match, out.splitlines()) if m]


def completeness(rules, rules_dir=RULES_DIR, pages_dir=PAGES_DIR):
    """What is missing or left over: a list of problems, empty when every rule has its
    page, a positive and a negative fixture, and nothing names an unknown rule."""
    problems = []
    pages = {f[:-3] for f in os.listdir(pages_dir) if re.match(r"^CL\d{3}\.md$", f)}
    dirs = {d for d in os.listdir(rules_dir) if os.path.isdir(os.path.join(rules_dir, d))}
    for rule in rules:
        if rule not in pages:
            problems.append("%s: no page lint/rules/%s.md" % (rule, rule))
        else:
            with open(os.path.join(pages_dir, rule + ".md"), encoding="utf-8") as f:
                text = f.read()
            problems += ["%s: the page lacks '%s'" % (rule, part)
                         for part in PAGE_PARTS if part not in text]
        names = os.listdir(os.path.join(rules_dir, rule)) if rule in dirs else []
        for kind in ("bad", "ok"):
            if not any(n.startswith(kind + "-") for n in names):
                problems.append("%s: no %s-* fixture in tests/lint/rules/%s/"
                                % (rule, kind, rule))
    for extra in sorted((pages | dirs) - set(rules)):
        problems.append("%s: a page or fixture directory for a rule not in LINT_RULES" % extra)
    return problems


def header_of(path):
    """The EXPECT lines of a file's leading comment lines: [(rule, file, line, col)]."""
    expected, problems = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f, 1):
            if not line.startswith("#"):
                break
            if line.startswith("# EXPECT"):
                m = EXPECT_RE.match(line)
                if not m:
                    problems.append("%s:%d: EXPECT line does not parse: %r" % (path, i, line))
                    continue
                col = int(m.group(4)) if m.group(4) else None
                expected.append((m.group(1), m.group(2), int(m.group(3)), col))
    return expected, problems


def tree_header(tree):
    """The file of a tree fixture that holds its EXPECT lines."""
    for name in MAIN_CONFS:
        if os.path.isfile(os.path.join(tree, name)):
            return os.path.join(tree, name)
    confs = sorted(f for f in os.listdir(tree) if f.endswith(".conf"))
    return os.path.join(tree, confs[0]) if confs else None


def lint(binary, args, cwd):
    r = subprocess.run([binary, "--format", "json", "--severity", "info", *args],
                       capture_output=True, text=True, timeout=120, cwd=cwd)
    if r.returncode not in (0, 1):
        raise RuntimeError("cors-lint exited %d: %s" % (r.returncode, r.stderr.strip()))
    return json.loads(r.stdout)["findings"]


def run_fixture(binary, path, work):
    """(expected, found, problems): findings as (rule, file, line, col), file None for the
    fixture itself, else relative to the tree."""
    name = os.path.basename(path)
    if os.path.isdir(path):
        header = tree_header(path)
        if header is None:
            return [], [], ["%s: a tree needs a .conf file to hold its EXPECT lines" % path]
        expected, problems = header_of(header)
        rel = os.path.relpath(header, path)
        expected = [(r, f if f else rel, l, c) for r, f, l, c in expected]
        found = lint(binary, ["--define", "FIXTURE=" + path, path], work)
        found = [(f["rule"], os.path.relpath(os.path.join(work, f["file"]), path),
                  f["line"], f["column"]) for f in found]
        return expected, found, problems
    expected, problems = header_of(path)
    problems += ["%s: a file name after the EXPECT rule is for trees only" % path
                 for r, f, l, c in expected if f]
    target = path
    if name.endswith(".htaccess"):
        target = os.path.join(work, ".htaccess")
        shutil.copyfile(path, target)
    found = lint(binary, [target], work)
    found = [(f["rule"], None, f["line"], f["column"]) for f in found]
    return expected, found, problems


def compare(expected, found):
    """Unmatched expectations and unexpected findings; an expectation without a column
    matches a finding at any column of its line."""
    left = collections.Counter(found)
    missing = []
    for e in sorted(expected, key=lambda e: e[3] is None):  # exact columns first
        hit = next((f for f in left if left[f] and f[0] == e[0] and f[1] == e[1] and
                    f[2] == e[2] and (e[3] is None or f[3] == e[3])), None)
        if hit is None:
            missing.append(e)
        else:
            left[hit] -= 1
    return missing, sorted(left.elements(), key=lambda f: (f[1] or "", f[2], f[3], f[0]))


def show(f):
    rule, file, line, col = f
    return "%s %s%d%s" % (rule, file + " " if file else "", line,
                          "" if col is None else ":%d" % col)


def check_fixture(binary, rule, path):
    """Problems of one fixture: a list, empty when it passes."""
    name = os.path.basename(path)
    if not NAME_RE.match(name) or (os.path.isdir(path) != ("." not in name)):
        return ["name is not bad-NAME.conf, bad-NAME.htaccess or a bad-NAME/ tree (ok- alike)"]
    work = tempfile.mkdtemp(prefix="cors-lint-rules-")
    try:
        expected, found, problems = run_fixture(binary, path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    own = [e for e in expected if e[0] == rule]
    if name.startswith("bad-") and not own:
        problems.append("a bad-* fixture expects no %s" % rule)
    if name.startswith("ok-") and own:
        problems.append("an ok-* fixture expects %s" % rule)
    missing, extra = compare(expected, found)
    problems += ["expected, not found: " + show(e) for e in missing]
    problems += ["found, not expected: " + show(f) for f in extra]
    return problems


def self_test(rules):
    """The completeness check finds a fixture or a page removed from a copy of the
    fixtures and pages (the last complete rule's, so that a new rule is covered at once)."""
    tmp = tempfile.mkdtemp(prefix="cors-lint-rules-self-")
    try:
        fixtures, pages = os.path.join(tmp, "fixtures"), os.path.join(tmp, "pages")
        shutil.copytree(RULES_DIR, fixtures)
        shutil.copytree(PAGES_DIR, pages)
        problems = []
        before = set(completeness(rules, fixtures, pages))
        complete = [r for r in rules if not any(p.startswith(r + ":") for p in before)]
        if not complete:
            return ["no rule is complete"]
        rule = complete[-1]
        for kind in ("ok-", "bad-"):
            d = os.path.join(fixtures, rule)
            saved = os.path.join(tmp, "saved")
            os.makedirs(saved, exist_ok=True)
            for n in [n for n in os.listdir(d) if n.startswith(kind)]:
                shutil.move(os.path.join(d, n), os.path.join(saved, n))
            if not any("no %s* fixture" % kind in p
                       for p in set(completeness(rules, fixtures, pages)) - before):
                problems.append("%s without its %s* fixtures is not reported" % (rule, kind))
            for n in os.listdir(saved):
                shutil.move(os.path.join(saved, n), os.path.join(d, n))
        os.remove(os.path.join(pages, rule + ".md"))
        if not any("no page" in p for p in set(completeness(rules, fixtures, pages)) - before):
            problems.append("%s without its page is not reported" % rule)
        return problems
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lint", default=os.path.join(TOP, "out", "cors-lint"))
    ap.add_argument("-k", default="", help="only the fixtures whose path contains this")
    args = ap.parse_args()
    binary = os.path.abspath(args.lint)
    rules = table_rules(binary)
    passed = failed = 0

    def report(ok, what, problems=()):
        nonlocal passed, failed
        print("%s %s" % ("ok  " if ok else "FAIL", what))
        for p in problems:
            print("     " + p)
        passed, failed = passed + ok, failed + (not ok)

    if not args.k:
        problems = completeness(rules)
        report(not problems, "every rule of the table has a page, a bad-* and an ok-* fixture",
               problems)
        problems = self_test(rules)
        report(not problems, "a removed fixture or page is reported", problems)
    for rule in rules:
        d = os.path.join(RULES_DIR, rule)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            rel = os.path.join(rule, name)
            if args.k in rel:
                problems = check_fixture(binary, rule, os.path.join(d, name))
                report(not problems, rel, problems)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
