#!/usr/bin/env python3
"""cors-lint against a corpus of real Apache CORS snippets (tests/lint/corpus/).

Each corpus file starts with a header of comment lines:

    # SOURCE: owner/repo path/to/file   (or the URL of the page it comes from)
    # EXPECT: CL004 7                   (one per expected finding: rule, line in this file)
    # WHY: the expert reasoning behind each expectation, and behind the absence of others

No EXPECT line means that no finding is expected. The expectations were decided by
reading each snippet against the rule definitions (lint/rules/CLnnn.md), never by running
cors-lint: the corpus measures cors-lint.

The test lints each file on its own (`cors-lint --format json FILE`), compares the
(rule, line) pairs found with the EXPECT lines and prints, per file, the false positives
and false negatives, then precision = TP/(TP+FP) and recall = TP/(TP+FN) over the whole
corpus. It also checks the corpus itself: a SOURCE line in every file, EXPECT lines that
parse, rule IDs that exist, line numbers inside the file.

    tests/lint/corpus_test.py [--lint out/cors-lint] [--corpus DIR] [--min 0.98]
                              [--report] [-k substring] [-q]

Ends with the line "N passed, N failed" over three checks (the corpus is valid, precision
and recall each at least --min); exits 1 when one fails, 2 when cors-lint cannot be run.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NAME_RE = re.compile(r"^\d{3}-[a-z0-9][a-z0-9.-]*\.(conf|htaccess)$")
EXPECT_RE = re.compile(r"^# EXPECT: (CL\d{3}) ([1-9]\d*)\s*$")
RULE_RE = re.compile(r"^(CL\d{3})\s")


def known_rules(lint):
    """The catalogue as cors-lint prints it; lint/rules/*.md when it cannot be run."""
    try:
        out = subprocess.run([lint, "--list-rules"], capture_output=True, text=True,
                             timeout=60).stdout
        rules = {m.group(1) for m in map(RULE_RE.match, out.splitlines()) if m}
        if rules:
            return rules
    except OSError:
        pass
    rules_dir = os.path.join(TOP, "lint", "rules")
    return {f[:-3] for f in os.listdir(rules_dir) if re.match(r"^CL\d{3}\.md$", f)}


def parse_corpus_file(path, rules):
    """Returns (expected pairs, problems). The header is the leading run of comment
    lines; SOURCE and EXPECT lines count only there."""
    problems = []
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    expected = collections.Counter()
    sources = 0
    for i, line in enumerate(lines, 1):
        if not line.startswith("#"):
            break
        if line.startswith("# SOURCE:"):
            sources += line[len("# SOURCE:"):].strip() != ""
        elif line.startswith("# EXPECT"):
            m = EXPECT_RE.match(line)
            if not m:
                problems.append("line %d: EXPECT line does not parse: %r" % (i, line))
                continue
            rule, at = m.group(1), int(m.group(2))
            if rule not in rules:
                problems.append("line %d: unknown rule %s" % (i, rule))
            if at > len(lines):
                problems.append("line %d: %s expected on line %d, but the file has %d lines"
                                % (i, rule, at, len(lines)))
            elif at <= i:
                problems.append("line %d: %s expected on line %d, inside the header"
                                % (i, rule, at))
            if expected[(rule, at)]:
                problems.append("line %d: %s %d expected twice" % (i, rule, at))
            expected[(rule, at)] += 1
    if sources == 0:
        problems.append("no '# SOURCE:' line in the header")
    if not NAME_RE.match(os.path.basename(path)):
        problems.append("name is not NNN-short-name.conf or NNN-short-name.htaccess")
    return set(expected), problems


def lint_file(lint, path, cwd):
    """The (rule, line) pairs cors-lint reports for path, linted on its own. Run from an
    empty directory so that no .cors-lint settings file changes what is reported."""
    r = subprocess.run([lint, "--format", "json", "--severity", "info", path],
                       capture_output=True, text=True, timeout=120, cwd=cwd)
    if r.returncode not in (0, 1):
        raise RuntimeError("%s: cors-lint exited %d: %s" % (path, r.returncode,
                                                           r.stderr.strip()))
    doc = json.loads(r.stdout)
    found = set()
    for f in doc["findings"]:
        if os.path.realpath(os.path.join(cwd, f["file"])) == os.path.realpath(path):
            found.add((f["rule"], int(f["line"])))
    return found


def ratio(num, den):
    return num / den if den else 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lint", default=os.path.join(TOP, "out", "cors-lint"))
    ap.add_argument("--corpus", default=os.path.join(TOP, "tests", "lint", "corpus"))
    ap.add_argument("--min", type=float, default=0.98,
                    help="fail when precision or recall is below this (default 0.98)")
    ap.add_argument("--report", action="store_true", help="print a table per rule")
    ap.add_argument("-k", default="", help="only the files whose name contains this")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="do not list the false positives and negatives per file")
    args = ap.parse_args()

    lint = os.path.abspath(args.lint)
    corpus = os.path.abspath(args.corpus)
    if not os.access(lint, os.X_OK):
        print("corpus: %s is not an executable (make out/cors-lint)" % lint, file=sys.stderr)
        return 2
    rules = known_rules(lint)
    names = sorted(n for n in os.listdir(corpus)
                   if not n.startswith("README") and args.k in n)

    invalid = 0
    tp = fp = fn = 0
    expected_total = clean = 0
    per_rule = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    wrong_files = []
    with tempfile.TemporaryDirectory(prefix="cors-lint-corpus-") as cwd:
        for name in names:
            path = os.path.join(corpus, name)
            expected, problems = parse_corpus_file(path, rules)
            for p in problems:
                print("INVALID %s: %s" % (name, p))
            invalid += bool(problems)
            try:
                found = lint_file(lint, path, cwd)
            except (RuntimeError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
                print("corpus: %s" % e, file=sys.stderr)
                return 2
            expected_total += len(expected)
            clean += not expected
            hits, extra, missed = expected & found, found - expected, expected - found
            tp, fp, fn = tp + len(hits), fp + len(extra), fn + len(missed)
            for rule, _ in hits:
                per_rule[rule][0] += 1
            for rule, _ in extra:
                per_rule[rule][1] += 1
            for rule, _ in missed:
                per_rule[rule][2] += 1
            if extra or missed:
                wrong_files.append(name)
                if not args.quiet:
                    print("%s:" % name)
                    for rule, line in sorted(extra, key=lambda x: (x[1], x[0])):
                        print("    false positive: %s line %d" % (rule, line))
                    for rule, line in sorted(missed, key=lambda x: (x[1], x[0])):
                        print("    false negative: %s line %d" % (rule, line))

    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    if args.report:
        print()
        print("%-6s %8s %6s %4s %4s %4s %9s %7s" % ("rule", "expected", "found", "TP", "FP",
                                                    "FN", "precision", "recall"))
        for rule in sorted(per_rule):
            t, p, n = per_rule[rule]
            print("%-6s %8d %6d %4d %4d %4d %9.3f %7.3f" % (rule, t + n, t + p, t, p, n,
                                                             ratio(t, t + p), ratio(t, t + n)))
        print("%-6s %8d %6d %4d %4d %4d %9.3f %7.3f" % ("all", tp + fn, tp + fp, tp, fp, fn,
                                                         precision, recall))
    print()
    print("%d files (%d clean, %d with mismatches), %d expected findings" %
          (len(names), clean, len(wrong_files), expected_total))
    print("TP %d, FP %d, FN %d: precision %.3f, recall %.3f (minimum %.2f)" %
          (tp, fp, fn, precision, recall, args.min))
    checks = [("corpus valid", invalid == 0), ("precision", precision >= args.min),
              ("recall", recall >= args.min)]
    for what, ok in checks:
        if not ok:
            print("FAILED: %s" % what)
    passed = sum(ok for _, ok in checks)
    print("%d passed, %d failed" % (passed, len(checks) - passed))
    return 0 if passed == len(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
