#!/usr/bin/env python3
"""cors-lint suite: what needs code beyond the rule fixtures (tests/lint/rules/, run by
rules_test.py, hold each rule's findings at the exact line and column): the messages
and related places of findings, include trees, the reader's features, every output
format parsed back, flags and exit codes, the pre-commit hooks, a real Debian
/etc/apache2, hostile input, and valgrind.

    tests/lint/run_tests.py [--lint out/cors-lint] [-k substring] [--no-valgrind]

Ends with the line "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import textwrap
import traceback
import xml.etree.ElementTree as ET

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
LINT = None
TESTS = []


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def test(fn):
    TESTS.append(fn)
    return fn


class Tree:
    """A temporary directory of configuration files."""

    def __init__(self, files):
        self.dir = tempfile.mkdtemp(prefix="cors-lint-test-")
        for name, text in files.items():
            self.write(name, text)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path, mode) as f:
            f.write(text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n"))
        return path

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self, *args, cwd=None):
        return subprocess.run([LINT, *args], capture_output=True, text=True,
                              cwd=cwd or self.dir, timeout=120)

    def findings(self, *args):
        r = self.run("--format", "json", *args)
        check(r.returncode in (0, 1), "exit %d: %s" % (r.returncode, r.stderr))
        return json.loads(r.stdout)["findings"], r

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def lint_one(text, *args, name="t.conf"):
    t = Tree({name: text})
    try:
        found, _ = t.findings(name, *args)
        return found
    finally:
        t.cleanup()


def has(found, rule, line=None, col=None, file=None):
    for f in found:
        if f["rule"] == rule and (line is None or f["line"] == line) \
                and (col is None or f["column"] == col) \
                and (file is None or f["file"].endswith(file)):
            return f
    return None


def expect(found, rule, line, col=None, file=None):
    f = has(found, rule, line, col, file)
    check(f is not None, "no %s at line %s col %s; got:\n%s" % (
        rule, line, col, "\n".join("%s %s:%d:%d %s" % (x["rule"], x["file"], x["line"],
                                                      x["column"], x["message"])
                                   for x in found)))
    return f


def expect_none(found, rule):
    bad = [f for f in found if f["rule"] == rule]
    check(not bad, "unexpected %s: %s" % (rule, bad))


# ---- what a finding says and points to (where it is: tests/lint/rules/) ---------------

@test
def cl000_includes():
    t = Tree({"httpd.conf": """
        Include conf.d/missing.conf
        IncludeOptional conf.d/optional-*.conf
        Include conf.d/nothing-*.conf
        Include loop.conf
        """, "loop.conf": "Include loop.conf\n"})
    try:
        found, _ = t.findings(".")
        expect(found, "CL000", 1, 9, "httpd.conf")
        expect(found, "CL000", 3, 9, "httpd.conf")
        f = expect(found, "CL000", 1, 9, "loop.conf")
        check("cycle" in f["message"], f["message"])
        check(not has(found, "CL000", 2, None, "httpd.conf"), "IncludeOptional reported")
    finally:
        t.cleanup()


@test
def cl001_wildcard_with_credentials_across_scopes():
    found = lint_one("""
        Header always set Access-Control-Allow-Origin "*"
        <Directory /srv/api>
            Header always set Access-Control-Allow-Credentials "true"
        </Directory>
        """)
    f = expect(found, "CL001", 3, 5)
    check(f["related"] and f["related"][0]["line"] == 1, "related location: %s" % f)
    # mod_cors: merged at start-up, httpd refuses it (CL016, on the line httpd names);
    # merged only per request (<If>, .htaccess), mod_cors withholds credentials (CL001)
    found = lint_one("""
        CORSAllowCredentials On
        <Location /x>
            CORSAllowOrigin *
        </Location>
        """)
    f = expect(found, "CL016", 3, 21)
    check(f["related"][0]["line"] == 1, "related: %s" % f)
    expect_none(found, "CL001")
    found = lint_one("""
        CORSAllowCredentials On
        <If "%{QUERY_STRING} =~ /public/">
            CORSAllowOrigin *
        </If>
        """)
    f = expect(found, "CL001", 3, 21)
    check(f["related"][0]["line"] == 1, "related: %s" % f)
    expect_none(found, "CL016")


@test
def cl004_reflection():
    found = lint_one("""
        Header always set Access-Control-Allow-Origin "expr=%{req:Origin}"
        Header always set Access-Control-Allow-Credentials "true"
        """)
    f = expect(found, "CL004", 1, 47)
    check("credentials" in f["message"], f["message"])


@test
def cl005_bypassable_regexes():
    # every attacker origin is a valid origin under a real public suffix, and the hint
    # names the cause
    cases = [
        ('SetEnvIf Origin "https://app\\.example\\.com" OK=$0', 17,
         "https://app.example.com.evil.com", "end the regex"),
        ('SetEnvIf Origin "^https://app.example.com$" OK=$0', 17, "https://appxexample.com",
         "escape the dots"),
        ('SetEnvIfNoCase Origin "example\\.com$" OK=$0', 23, "https://evilexample.com",
         "whole labels"),
        ('SetEnvIf Origin "^https://[a-z]+\\.netlify\\.app$" OK=$0', 17,
         "https://evil.netlify.app", "public suffix 'netlify.app'"),
    ]
    for line, col, attack, hint in cases:
        found = lint_one(line + "\nHeader always set Access-Control-Allow-Origin "
                         '"%{OK}e" env=OK\nHeader always merge Vary Origin\n')
        f = expect(found, "CL005", 1, col)
        check("'%s'" % attack in f["message"] and hint in f["message"],
              "%s, %s: %s" % (attack, hint, f["message"]))
    # an http:// downgrade is not a bypass of the regex: CL007, with credentials only
    found = lint_one('SetEnvIf Origin "^https?://app\\.example\\.com$" OK=$0\n'
                     'Header always set Access-Control-Allow-Origin "%{OK}e" env=OK\n'
                     'Header always set Access-Control-Allow-Credentials "true" env=OK\n'
                     'Header always merge Vary Origin\n')
    expect_none(found, "CL005")
    f = expect(found, "CL007", 1, 17)
    check("'http://app.example.com'" in f["message"], f["message"])


@test
def cl009_duplicates():
    found = lint_one("""
        Header always set Access-Control-Allow-Origin "https://a.example"
        <Location /x>
            Header set Access-Control-Allow-Origin "https://a.example"
        </Location>
        """)
    f = expect(found, "CL009", 3)
    check(f["related"][0]["line"] == 1, "related: %s" % f)


@test
def cl011_star_with_credentials():
    # mod_cors: the merged conflict is CL011 with both places; in one section it is what
    # httpd refuses at start-up (CL016)
    found = lint_one("""
        CORSAllowOrigin https://a.example
        CORSExposeHeaders *
        <Location /api>
            CORSAllowCredentials On
        </Location>
        """)
    f = expect(found, "CL016", 4, 5)
    check(f["related"] and f["related"][0]["line"] == 2, f)
    expect_none(found, "CL011")
    found = lint_one("""
        CORSAllowOrigin https://a.example
        CORSExposeHeaders *
        <If "-n %{HTTP_COOKIE}">
            CORSAllowCredentials On
        </If>
        """)
    f = expect(found, "CL011", 4, 5)
    check(f["related"] and f["related"][0]["line"] == 2, f)
    expect_none(found, "CL016")
    # both conflicts of one section, each on its own line
    found = lint_one("""
        CORSAllowOrigin *
        CORSExposeHeaders *
        CORSAllowCredentials On
        """)
    f = expect(found, "CL016", 3)
    check("CORSAllowOrigin *" in f["message"], f["message"])
    f = expect(found, "CL016", 2)
    check("CORSExposeHeaders *" in f["message"] and f["related"][0]["line"] == 3, f)


@test
def cl015_htaccess_allowoverride():
    # mod_cors lines as httpd treats them (the cases without a message to check are
    # tests/lint/rules/CL015/ and CL016/): never read under None (not even a bad one is
    # refused), refused with a 500 for the whole directory under AuthConfig
    t = Tree({})
    try:
        docroot = t.path("www")
        t.write("root/apache2.conf", """
            DocumentRoot %s
            <Directory %s>
                AllowOverride None
            </Directory>
            <Directory %s/auth>
                AllowOverride AuthConfig
            </Directory>
            """ % (docroot, docroot, docroot))
        t.write("www/.htaccess", "CORSAllowOrigin https://bad.example.com/\n")
        t.write("www/auth/.htaccess", "CORSAllowOrigin https://ok.example.com\n")
        found, _ = t.findings("root")
        check(not has(found, "CL016", None, None, "www/.htaccess"), "None: %s" % found)
        expect(found, "CL015", 1, 1, "www/.htaccess")
        f = expect(found, "CL016", 1, 1, "auth/.htaccess")
        check("not allowed here" in f["message"] and "500" in f["message"], f["message"])
    finally:
        t.cleanup()


@test
def cl016_module_directives():
    found = lint_one("""
        CORSAllowOrigin https://app.example.com/ https://*.co.uk
        CORSAlowCredentials On
        CORSMaxAge 90000
        CORSAllowMethods PUT "DELETE, PU(T"
        CORSPreflightStatus 201
        CORSAllowOriginRegex https://(unclosed
        CORSAllowOrigin *
        CORSAllowCredentials On
        """)
    f = expect(found, "CL016", 1, 17)
    check("trailing slash" in f["message"] and "write 'https://app.example.com'"
          in f["message"], f["message"])
    f = expect(found, "CL016", 2, 1)
    check("did you mean CORSAllowCredentials" in f["message"], f["message"])
    # every finding of this configuration: tests/lint/rules/CL016/bad-module-directives.conf


# ---- issue 14, item 1: what the real-world corpus (tests/lint/corpus/) showed -------------

ACAO_OK = ('Header always set Access-Control-Allow-Origin "%{OK}e" env=OK\n'
           'Header always merge Vary Origin\n')
CREDS = 'Header always set Access-Control-Allow-Credentials "true"\n'


@test
def cl007_regex_http_origin_only_with_credentials():
    # with credentials, CL007 names the http:// origin a recipe's regex accepts
    f = expect(lint_one('SetEnvIf Origin "^http://app\\.example\\.com$" OK=$0\n' + ACAO_OK +
                        CREDS), "CL007", 1, 17)
    check("'http://app.example.com'" in f["message"], f["message"])


@test
def one_regex_several_defects():
    # a group glued to the name with no dot: 'www' + 'mywebsite.com'
    found = lint_one('SetEnvIf Origin "http(s)?://(www|foo\\.)?(mywebsite.com)$" OK=$0\n' +
                     ACAO_OK + CREDS)
    f = expect(found, "CL005", 1, 17)
    check("'https://wwwmywebsite.com'" in f["message"], f["message"])
    expect(found, "CL007", 1, 17)


@test
def header_lines_httpd_refuses():
    # %{...} with no format letter: "Unrecognized header format %"; not reflection
    found = lint_one("""
        Header always set Access-Control-Allow-Origin %{HTTP:Origin}
        Header always set Access-Control-Allow-Credentials "true"
        """)
    f = expect(found, "CL000", 1, 47)
    check("Unrecognized header format" in f["message"], f["message"])
    expect_none(found, "CL004")
    expect_none(found, "CL002")
    # an unquoted list: too many arguments, and the wrapped tail is no directive; the
    # line's table is still judged (it stays once the list is quoted)
    found = lint_one("""
        Header set Access-Control-Allow-Origin "*"
        Header set Access-Control-Allow-Headers: Origin, X-Requested-With, Content-Type,
        Token
        """)
    f = expect(found, "CL000", 2)
    check("too many arguments" in f["message"], f["message"])
    f = expect(found, "CL000", 3)
    check("Token" in f["message"], f["message"])
    expect(found, "CL008", 2)


@test
def idle_workers_format_is_not_the_origin():
    # mod_headers' %{X}i is the idle workers' percentage ("i=98"), not a request header
    found = lint_one("""
        Header always set Access-Control-Allow-Origin "%{Origin}i"
        Header always set Access-Control-Allow-Credentials "true"
        Header always merge Vary Origin
        """)
    f = expect(found, "CL012", 1, 47)
    check("idle" in f["message"], f["message"])
    expect_none(found, "CL004")


@test
def env_variable_nothing_sets():
    # httpd sends the literal "(null)": said on a whole server's configuration, where
    # nothing else could set it; not on a file linted on its own (a pre-commit hook's),
    # whose variable another file may set (found in a review)
    conf = """
        Header always set Access-Control-Allow-Origin "%{ORIGIN}e"
        Header always merge Vary Origin
        """
    t = Tree({"root/apache2.conf": conf})
    try:
        found, _ = t.findings("root")
        f = expect(found, "CL012", 1, 47)
        check("(null)" in f["message"], f["message"])
    finally:
        t.cleanup()
    expect_none(lint_one(conf), "CL012")
    # set by a SetEnv, a PassEnv (from httpd's environment), SetEnvIfExpr, BrowserMatch
    for setter in ("SetEnv ORIGIN https://a.example.com", "PassEnv ORIGIN",
                   "SetEnvIfExpr \"true\" ORIGIN=https://a.example.com",
                   "BrowserMatch . ORIGIN=https://a.example.com"):
        t = Tree({"root/apache2.conf": setter + "\n" + textwrap.dedent(conf)})
        try:
            found, _ = t.findings("root")
            expect_none(found, "CL012")
        finally:
            t.cleanup()


@test
def cl003_names_every_missing_method():
    found = lint_one("""
        <Location /dav>
            Dav On
            Header always set Access-Control-Allow-Origin "https://app.example.com"
            Header always set Access-Control-Allow-Methods "GET, POST, PUT"
        </Location>
        """)
    f = expect(found, "CL003", 4)
    for m in ("DELETE", "PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "PROPPATCH"):
        check(m in f["message"], "%s not named: %s" % (m, f["message"]))
    check("PUT" not in f["message"].split(" served")[0], f["message"])

@test
def redos_regexes():
    """A regex on the Origin that backtracks catastrophically: mod_cors refuses it (CL016,
    httpd's message, on httpd's line); httpd runs a mod_headers recipe's, and cors-lint
    warns about it under the rule that judges those regexes (CL005)."""
    regex = "^https://([a-z0-9-]+\\.?)+\\.example\\.com$"
    found = lint_one("CORSAllowOrigin https://app.example.com\nCORSAllowOriginRegex %s\n" % regex)
    f = expect(found, "CL016", 2, 22)
    check("'%s' can take exponential time on a hostile Origin: the repeated part "
          "'([a-z0-9-]+\\.?)+' can match the same text in two ways" % regex in f["message"]
          and "e.g. '([a-z0-9-]+\\.)*'" in f["message"], f["message"])
    expect_none(found, "CL005")
    f = expect(lint_one("CORSAllowOriginRegex https://.*-.*-.*\\.example\\.com\n"), "CL016", 1)
    check("polynomial time (n^3 steps" in f["message"] and "'.*', '.*' and '.*'" in f["message"],
          f["message"])
    # judged before any origin is tried: this one cost the judge some 10 s of backtracking
    f = expect(lint_one("CORSAllowOriginRegex (.*)*(.*)*x\n"), "CL016", 1, 22)
    check("the repeated part '(.*)*'" in f["message"], f["message"])
    for directive, col in (("SetEnvIf", 17), ("SetEnvIfNoCase", 23)):
        found = lint_one('%s Origin "%s" OK=$0\n'
                         'Header always set Access-Control-Allow-Origin "%%{OK}e" env=OK\n'
                         "Header always merge Vary Origin\n" % (directive, regex))
        f = expect(found, "CL005", 1, col)
        check(f["severity"] == "warning" and "is open to ReDoS: it can take exponential time"
              in f["message"], f)
    # the safe shapes next to them: a repeat that ends with a '\.' it cannot match itself
    recipe = ('SetEnvIf Origin "%s" OK=$0\n'
              'Header always set Access-Control-Allow-Origin "%%{OK}e" env=OK\n'
              "Header always merge Vary Origin\n")
    for regex in ("^https://([a-z0-9-]+\\.)*example\\.com$",
                  "^https?://(www\\.)?(foo|bar)\\.example\\.com(:[0-9]+)?$"):
        expect_none(lint_one("CORSAllowOriginRegex %s\n" % regex), "CL016")
        found = lint_one(recipe % regex)
        check(not [x for x in found if "ReDoS" in x["message"]], found)
    # two repeats in a row: harmless on the 1,024 bytes of an origin mod_cors passes on,
    # not on the raw header SetEnvIf reads (8 KB, each offset a start: some 14 s)
    expect_none(lint_one("CORSAllowOriginRegex https://.*-.*\\.example\\.com\n"), "CL016")
    f = expect(lint_one(recipe % "https://.*-.*\\.example\\.com"), "CL005", 1, 17)
    check("open to ReDoS: it can take polynomial time (n^3 steps" in f["message"]
          and "the search from every offset (no '^')" in f["message"], f["message"])


@test
def cl016_what_httpd_refuses_with_the_module():
    """The four ways cors-lint and mod_cors used to disagree, and the refusals added with
    the one configuration model: each is CL016 on the line httpd names."""
    # siblings merged by httpd: /x with credentials, /x/y with "*"
    found = lint_one("""
        <Location /x>
            CORSAllowCredentials On
        </Location>
        <Location /x/y>
            CORSAllowOrigin *
        </Location>
        """)
    f = expect(found, "CL016", 5, 21)
    check(f["related"][0]["line"] == 2, f)
    # an empty regex
    f = expect(lint_one('CORSAllowOriginRegex ""\n'), "CL016", 1)
    check("requires at least one argument" in f["message"], f["message"])
    # lower-case methods never match what browsers send
    f = expect(lint_one("""
        <Location /dav>
            Dav On
            CORSAllowOrigin https://app.example.com
            CORSAllowMethods put delete
        </Location>
        """), "CL016", 4, 22)
    check("write 'PUT'" in f["message"], f["message"])
    # with credentials, regexes an attacker's origin gets through: refused, with the origin
    for regex, attack in ((".*", "https://evil.com"), ("https://.*", "https://evil.com"),
                          ("https://app.example.com", "https://appxexample.com")):
        found = lint_one("CORSAllowCredentials On\nCORSAllowOriginRegex %s\n" % regex)
        f = expect(found, "CL016", 2, 22)
        check("'%s'" % attack in f["message"], f["message"])
        expect_none(found, "CL004")
        expect_none(found, "CL005")
    # the other refusals
    for text, line, part in (
            ("CORSAllowMethods CONNECT\n", 1, "Fetch forbids it"),
            ("CORSAllowHeaders X-A Cookie\n", 1, "'Cookie' is a header scripts"),
            ("CORSExposeHeaders Set-Cookie\n", 1, "never exposed"),
            ("CORSAllowOriginRegex https://App\\.example\\.com\n", 1, "upper-case"),
            ("CORSAllowCredentials On\nCORSAllowOrigin http://app.example.com\n", 2,
             "is an http:// origin"),
            ("CORSAllowCredentials On\nCORSAllowOrigin https://*.amazonaws.com\n", 2,
             "covers the public suffix"),
            ("<Location /a/b>\nCORSAllowCredentials On\n</Location>\n"
             "<Location /a>\nCORSAllowOrigin *\n</Location>\n", 5, "cannot be combined"),
            ("<Directory /srv/www>\nCORSAllowCredentials On\n</Directory>\n"
             "<Location />\nCORSAllowOrigin *\n</Location>\n", 5, "cannot be combined"),
            ("CORSAllowCredentials On\n<VirtualHost *:80>\n<Directory /srv/a/../b>\n"
             "CORSAllowOriginRegex .*\n</Directory>\n</VirtualHost>\n", 4, "evil.com")):
        f = expect(lint_one(text), "CL016", line)
        check(part in f["message"], "%r: %s" % (text, f["message"]))
    for text, line, col, part in (
            ("CORSAllowHeaders " + " ".join("X-%d" % i for i in range(64)) + "\n", 1, None,
             "more than 63 arguments"),
            ("CORSAllowOrigin https://app.example.com # the app\n", 1, 41,
             "'#' starts a comment")):
        f = expect(lint_one(text), "CL016", line, col)
        check(part in f["message"], f["message"])
    # sections named as httpd names them: <Files ./a.txt> is <Files a.txt>, a relative
    # <Directory> is taken from "/", and every request merges <Location />
    for text, line in (
            ("<Files ./a.txt>\nCORSAllowCredentials On\n</Files>\n"
             "<Files a.txt>\nCORSAllowOrigin *\n</Files>\n", 5),
            ("<Directory />\nCORSAllowCredentials On\n</Directory>\n"
             "<Directory srv/x>\nCORSAllowOrigin *\n</Directory>\n", 5),
            ("<Location />\nCORSAllowCredentials On\n</Location>\n"
             "<LocationMatch ^/api>\nCORSAllowOrigin *\n</LocationMatch>\n", 5)):
        expect(lint_one(text), "CL016", line)
    # of two lines of one section in two included files, the one read later is named
    t = Tree({"httpd.conf": "<Location /x>\nInclude a.conf\nInclude ./b.conf\n</Location>\n",
              "a.conf": "CORSAllowOrigin *\n", "b.conf": "CORSAllowCredentials On\n"})
    try:
        found, _ = t.findings(".")
        expect(found, "CL016", 1, 1, "b.conf")
        check(not has(found, "CL016", None, None, "a.conf"), found)
    finally:
        t.cleanup()
    # what httpd accepts: tests/lint/rules/CL016/ok-*.conf


@test
def read_as_httpd_reads():
    """What a second review found the linter read differently from httpd."""
    # authorization containers take no mod_cors directive; a <Macro> body is not read
    f = expect(lint_one("<Directory /a>\n<RequireAny>\nCORSAllowOrigin https://a.example.com\n"
                        "</RequireAny>\n</Directory>\n"), "CL016", 3)
    check("not allowed in <RequireAny> context" in f["message"], f["message"])
    # through an <IfModule>, httpd still names the <RequireAny> (found by review)
    f = expect(lint_one("<Directory /a>\n<RequireAny>\n<IfModule cors_module>\n"
                        "CORSAllowOrigin https://a.example.com\n</IfModule>\n"
                        "</RequireAny>\n</Directory>\n"), "CL016", 4)
    check("not allowed in <RequireAny> context" in f["message"], f["message"])
    expect_none(lint_one("<Macro CorsFor $origin>\nCORSAllowOrigin $origin\n</Macro>\n"), "CL016")
    # form feed and vertical tab separate words, as in ap_getword_conf
    expect_none(lint_one("CORSEnable On\fjunk\nCORSAllowOrigin https://a.example.com\v"
                         "https://b.example.com\n"), "CL016")
    expect(lint_one("CORSAllowOrigin\fhttps://app.example.com/\n"), "CL016", 1, 17)
    # an Include of a directory reads its dot-files too
    t = Tree({"srv/httpd.conf": "Include conf.d\n",
              "srv/conf.d/.legacy.conf": "CORSAllowOrigin *\nCORSAllowCredentials On\n"})
    try:
        found, _ = t.findings("srv")
        expect(found, "CL016", 2, None, ".legacy.conf")
    finally:
        t.cleanup()
    # Debian's <Directory /> does not hide the .htaccess files under DocumentRoot, and
    # under AuthConfig a mod_cors line in a section of one is refused too (a 500)
    t = Tree({})
    try:
        docroot = t.path("www")
        t.write("root/apache2.conf", """
            <Directory />
                AllowOverride None
                Require all denied
            </Directory>
            DocumentRoot %s
            <Directory %s>
                AllowOverride FileInfo
            </Directory>
            <Directory %s/auth>
                AllowOverride AuthConfig
            </Directory>
            <Directory %s/nf>
                AllowOverride AuthConfig Nonfatal=Override
            </Directory>
            """ % (docroot, docroot, docroot, docroot))
        t.write("www/x/.htaccess", "CORSAllowOrigin https://app.example.com/\n")
        t.write("www/auth/.htaccess", "<Files f.txt>\nCORSAllowOrigin https://a.example.com\n"
                "</Files>\n")
        t.write("www/nf/.htaccess", "CORSAllowOrigin https://a.example.com\n")
        found, _ = t.findings("root")
        expect(found, "CL016", 1, 17, "x/.htaccess")
        expect(found, "CL016", 2, 1, "auth/.htaccess")
        check(not has(found, "CL016", None, None, "nf/.htaccess"), "Nonfatal=Override: %s" % found)
        expect(found, "CL015", 1, 1, "nf/.htaccess")
    finally:
        t.cleanup()


# ---- the reader --------------------------------------------------------------------

@test
def includes_wildcards_and_directories():
    t = Tree({
        "srv/httpd.conf": """
            ServerRoot /etc/elsewhere
            Include conf.d/*.conf
            Include sites
            """,
        "srv/conf.d/a.conf": "CORSMaxAge 99999\n",
        "srv/conf.d/b.conf": "# one\n# two\nCORSAllowOrigin https://x.example/\n",
        "srv/conf.d/skip.txt": "CORSAllowOrigin bad\n",
        "srv/sites/one/site.conf": "CORSAllowOrigin also/bad\n",
    })
    try:
        found, _ = t.findings("srv")
        expect(found, "CL016", 1, 12, "conf.d/a.conf")
        expect(found, "CL016", 3, 17, "conf.d/b.conf")
        expect(found, "CL016", 1, 17, "sites/one/site.conf")
        check(not has(found, "CL016", None, None, "skip.txt"), "*.conf matched skip.txt")
        # --server-root resolves relative includes elsewhere
        found, _ = t.findings("--server-root", t.path("srv/sites"), "srv/httpd.conf")
        check(has(found, "CL000", 2), "conf.d not missing under another server root")
    finally:
        t.cleanup()


@test
def define_and_variables():
    found = lint_one("""
        Define API_ORIGIN https://api.example.com/
        CORSAllowOrigin ${API_ORIGIN}
        CORSAllowOrigin ${UNKNOWN}
        """)
    f = expect(found, "CL016", 2, 17)
    check("https://api.example.com/" in f["message"], f["message"])
    f = expect(found, "CL016", 3, 17)
    check("${UNKNOWN}" in f["message"], "unknown variable not left literal: " + f["message"])
    found = lint_one("CORSAllowOrigin ${ORIGIN}\n", "--define", "ORIGIN=bad")
    expect(found, "CL016", 1)
    # as httpd: ${VAR} from the environment when no Define names it (Debian's envvars),
    # resolved on the whole line, the directive's name included; a quoted name is a
    # name (found by review)
    os.environ["CORS_LINT_TEST_HOST"] = "app.example.com"
    found = lint_one("CORSAllowOrigin https://${CORS_LINT_TEST_HOST}\n"
                     "Define D CORSAllowOrigin\n${D} bad-origin\n"
                     "\"CORSAllowCredentials\" maybe\n'CORSMaxAge' ten\n")
    expect_none([f for f in found if f["line"] == 1], "CL016")
    expect(found, "CL016", 3)
    expect(found, "CL016", 4)
    expect(found, "CL016", 5)


@test
def ifdefine_and_ifmodule():
    text = """
        LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
        <IfDefine !PROD>
            CORSAllowOrigin bad-one
        </IfDefine>
        <IfModule !headers_module>
            CORSAllowOrigin bad-two
        </IfModule>
        <IfModule mod_headers.c>
            CORSAllowOrigin bad-three
        </IfModule>
        <IfModule mod_unknown.c>
            CORSAllowOrigin bad-four
        </IfModule>
        """
    found = lint_one(text)
    expect(found, "CL016", 3)
    expect_none([f for f in found if f["line"] == 6], "CL016")
    expect(found, "CL016", 9)
    expect(found, "CL016", 12)
    found = lint_one(text, "-D", "PROD")
    expect_none([f for f in found if f["line"] == 3], "CL016")
    # a name Define'd under a condition decided outside the tree may be undefined:
    # <IfDefine !NAME> is read; Define'd for sure, it is skipped (found by review)
    guarded = ("<IfModule mod_ssl.c>\nDefine HAVE_TLS\n</IfModule>\n"
               "<IfDefine !HAVE_TLS>\nCORSAllowOrigin bad\n</IfDefine>\n")
    expect(lint_one(guarded), "CL016", 5)
    expect_none(lint_one("LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n" +
                         guarded), "CL016")
    expect_none(lint_one("Define HAVE_TLS\n" + guarded[guarded.index("<IfDefine"):]), "CL016")
    # the modules compiled into Debian's apache2 are loaded, under both of their names
    found = lint_one("<IfModule !logio_module>\nCORSAllowOrigin bad\n</IfModule>\n"
                     "<IfModule !mod_watchdog.c>\nCORSAllowOrigin bad\n</IfModule>\n")
    expect_none(found, "CL016")
    # <IfVersion> judged for httpd 2.4.x: skipped only when false for every patch level
    found = lint_one("""
        <IfVersion < 2.4>
            CORSAllowOrigin bad-old
        </IfVersion>
        <IfVersion >= 2.4>
            CORSAllowOrigin bad-new
        </IfVersion>
        <IfVersion < 2.4.30>
            CORSAllowOrigin bad-maybe
        </IfVersion>
        <IfVersion = 2.2>
            CORSAllowOrigin bad-22
        </IfVersion>
        <IfVersion ~ ^2\.4>
            CORSAllowOrigin bad-regex
        </IfVersion>
        """)
    expect_none([f for f in found if f["line"] in (2, 11)], "CL016")
    expect(found, "CL016", 5)
    expect(found, "CL016", 8)
    expect(found, "CL016", 14)


@test
def continuation_lines_and_comments():
    found = lint_one("CORSAllowOrigin https://a.example \\\n    bad-origin\n"
                     "# a comment that ends in a backslash \\\n"
                     "CORSAllowOrigin swallowed-by-the-comment\n"
                     "CORSAllowOrigin \"quoted origin/\" 'single/'\n")
    # numbered as httpd numbers it: the last of its lines
    f = expect(found, "CL016", 2, 1)
    check("bad-origin" in f["message"], f["message"])
    check(not any("swallowed" in f["message"] for f in found), "comment continuation")
    f = expect(found, "CL016", 5, 17)
    check("'quoted origin/'" in f["message"], f["message"])
    expect(found, "CL016", 5, 34)
    # only a backslash right before the newline continues a line: after a space it is an
    # argument of its own, and the next line a directive of its own
    found = lint_one("# a comment \\ \nCORSAllowOrigin bogus\n"
                     "CORSAllowOrigin https://a.example.com \\ \n"
                     "CORSAllowOrigin https://b.example.com\r\n"
                     "CORSAllowOrigin https://c.example.com \\\r\n  https://d.example.com/\r\n")
    f = expect(found, "CL016", 2, 17)
    check("'bogus'" in f["message"], f["message"])
    f = expect(found, "CL016", 3, 39)
    check("'\\'" in f["message"], f["message"])
    f = expect(found, "CL016", 6)
    check("'https://d.example.com/'" in f["message"], f["message"])
    # a bare word loses one of two backslashes, as ap_getword_conf does: the regex
    # httpd compiles is ^https://a\.b\.com$, which is safe
    found = lint_one("SetEnvIf Origin ^https://a\\\\.b\\\\.com$ OK=$0\n"
                     "Header always set Access-Control-Allow-Origin \"%{OK}e\" env=OK\n"
                     "Header always merge Vary Origin\n")
    expect_none(found, "CL005")
    found = lint_one("SetEnvIf Origin ^https://a.b\\\\.com$ OK=$0\n"
                     "Header always set Access-Control-Allow-Origin \"%{OK}e\" env=OK\n"
                     "Header always merge Vary Origin\n")
    expect(found, "CL005", 1, 17)


@test
def suppression_comments():
    found = lint_one("""
        # cors-lint: disable-file=CL013
        # cors-lint: disable=CL006 sandboxed previews need it
        CORSAllowOrigin https://a.example null
        CORSAllowOrigin null
        CORSMaxAge 86400
        """)
    check(not has(found, "CL006", 3), "disable= not applied")
    expect(found, "CL006", 4)
    expect_none(found, "CL013")


@test
def settings_file_and_rule_selection():
    t = Tree({"t.conf": "CORSAllowOrigin https://a.example null\nCORSMaxAge 86400\n",
              ".cors-lint": "# settings\ndisable = CL006\nfail-on = error\n"})
    try:
        found, r = t.findings("t.conf")
        expect_none(found, "CL006")
        expect(found, "CL013", 2)
        check(r.returncode == 0, "fail-on from the settings file: %d" % r.returncode)
        found, r = t.findings("t.conf", "--fail-on", "info")
        check(r.returncode == 1, "command line wins: %d" % r.returncode)
        found, _ = t.findings("t.conf", "--enable", "CL006")
        check([f["rule"] for f in found] == ["CL006"], "enable: %s" % found)
        sub = os.path.join(t.dir, "deeper", "dir")
        os.makedirs(sub)
        r = t.run("--format", "json", "../../t.conf", cwd=sub)
        check("CL006" not in r.stdout, "settings not found upward")
    finally:
        t.cleanup()


# ---- formats ------------------------------------------------------------------------

BAD_FOR_FORMATS = ('Header always set Access-Control-Allow-Origin "*"\n'
                   '<Directory /srv>\n'
                   '  Header always set Access-Control-Allow-Credentials "true"\n'
                   '</Directory>\n'
                   '<Location /n>\n'
                   '  Header always set Access-Control-Allow-Origin "null"\n'
                   '  Header always set Access-Control-Max-Age "86400"\n'
                   '  Header always set Access-Control-Allow-Credentials "yes"\n'
                   '</Location>\n')


def xmllint(path, schema=None):
    args = ["xmllint", "--noout"] + (["--schema", schema] if schema else []) + [path]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, "xmllint %s: %s" % (path, r.stderr))


@test
def format_text():
    t = Tree({"t.conf": BAD_FOR_FORMATS})
    try:
        r = t.run("t.conf")
        lines = r.stdout.splitlines()
        check("t.conf:3:3: error: Access-Control-Allow-Credentials: true with "
              "Access-Control-Allow-Origin: *" in lines[0] and lines[0].endswith("[CL001]"),
              lines[0])
        check(lines[1] == "t.conf:1:1: note: related: Header here", lines[1])
        check(lines[-1] == "2 errors, 1 warning, 1 info in 1 file", lines[-1])
        check("\033[" not in r.stdout, "colour when not a terminal")
        r = t.run("--severity", "error", "t.conf")
        check("warning:" not in r.stdout and "info:" not in r.stdout, r.stdout)
    finally:
        t.cleanup()


@test
def format_json():
    t = Tree({"t.conf": BAD_FOR_FORMATS})
    try:
        r = t.run("--format", "json", "t.conf")
        doc = json.loads(r.stdout)
        f = doc["findings"][0]
        check(set(f) == {"rule", "severity", "message", "file", "line", "column", "related"},
              "fields: %s" % f)
        check((f["rule"], f["severity"], f["file"], f["line"], f["column"]) ==
              ("CL001", "error", "t.conf", 3, 3), "values: %s" % f)
        check(f["related"] == [{"file": "t.conf", "line": 1, "column": 1,
                                "message": "related: Header here"}], f["related"])
        check(doc["summary"] == {"errors": 2, "warnings": 1, "infos": 1, "files": 1},
              doc["summary"])
        # hostile bytes in a value stay valid JSON
        t.write("u.conf", b'CORSAllowOrigin "https://\xff\x01\x1b\\"q/"\n')
        doc = json.loads(t.run("--format", "json", "u.conf").stdout)
        check(doc["findings"][0]["rule"] == "CL016", doc)
        check("https://\ufffd\x01\x1b" in doc["findings"][0]["message"], doc)
        # UTF-8 stays the same characters (not one escape per byte)
        t.write("i.conf", "CORSAllowOrigin https://公司.example.com/\n".encode())
        doc = json.loads(t.run("--format", "json", "i.conf").stdout)
        check("https://公司.example.com/" in doc["findings"][0]["message"], doc)
    finally:
        t.cleanup()


@test
def format_sarif():
    t = Tree({"t.conf": BAD_FOR_FORMATS})
    try:
        out = t.path("report.sarif")
        r = t.run("--format", "sarif", "-o", out, os.path.join(t.dir, "t.conf"))
        check(r.returncode == 1 and r.stdout == "", "exit/stdout with -o: %d %r"
              % (r.returncode, r.stdout))
        doc = json.load(open(out))
        check(doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"], "header")
        driver = doc["runs"][0]["tool"]["driver"]
        check(driver["name"] == "cors-lint" and driver["version"], driver.get("name"))
        check([x["id"] for x in driver["rules"]] == ["CL%03d" % i for i in range(18)], "ids")
        for rule in driver["rules"]:
            for key in ("shortDescription", "fullDescription", "help"):
                check(rule[key]["text"], "%s lacks %s" % (rule["id"], key))
            # the full description is the page's first paragraph, not the title again
            check(rule["fullDescription"]["text"] != rule["shortDescription"]["text"]
                  and "\n" not in rule["fullDescription"]["text"], rule["fullDescription"])
            check(rule["defaultConfiguration"]["level"] in ("error", "warning", "note"), rule)
            float(rule["properties"]["security-severity"])
        res = doc["runs"][0]["results"]
        check(len(res) == 4, "results: %d" % len(res))
        first = res[0]
        check(first["ruleId"] == "CL001" and first["level"] == "error"
              and first["message"]["text"], first)
        loc = first["locations"][0]["physicalLocation"]
        check(loc["artifactLocation"]["uri"] == "t.conf", "uri relative to the cwd: %s" % loc)
        check(loc["region"] == {"startLine": 3, "startColumn": 3}, loc["region"])
        check(first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 1,
              "related")
        levels = {x["ruleId"]: x["level"] for x in res}
        check(levels["CL013"] == "note", levels)
    finally:
        t.cleanup()


@test
def format_junit_and_checkstyle():
    t = Tree({"t.conf": BAD_FOR_FORMATS, "ok.conf": "CORSAllowOrigin https://a.example\n"})
    try:
        junit = t.path("junit.xml")
        t.run("--format", "junit", "-o", junit, "t.conf")
        xmllint(junit, os.path.join(HERE, "junit.xsd"))
        root = ET.parse(junit).getroot()
        suite = root.find("testsuite")
        check(suite.get("tests") == "4" and suite.get("failures") == "4", suite.attrib)
        case = suite.find("testcase")
        check(case.get("name") == "t.conf:3:3 CL001", case.attrib)
        check(case.find("failure").get("type") == "CL001", "failure type")
        t.run("--format", "junit", "-o", junit, "ok.conf")
        xmllint(junit, os.path.join(HERE, "junit.xsd"))
        suite = ET.parse(junit).getroot().find("testsuite")
        check(suite.get("failures") == "0" and len(suite.findall("testcase")) == 1,
              "passing suite")

        cs = t.path("checkstyle.xml")
        t.write("h.conf", b'CORSAllowOrigin "https://<&>\xff/"\n')
        t.run("--format", "checkstyle", "-o", cs, "t.conf", "h.conf")
        xmllint(cs, os.path.join(HERE, "checkstyle.xsd"))
        root = ET.parse(cs).getroot()
        files = root.findall("file")
        check([f.get("name") for f in files] == ["h.conf", "t.conf"], "files")
        err = files[1].find("error")
        check((err.get("line"), err.get("column"), err.get("severity"), err.get("source"))
              == ("3", "3", "error", "cors-lint.CL001"), err.attrib)
        check("<&>" in files[0].find("error").get("message"), "escaping")
    finally:
        t.cleanup()


# ---- control ------------------------------------------------------------------------

@test
def exit_codes_and_flags():
    t = Tree({"ok.conf": "CORSAllowOrigin https://a.example\n",
              "warn.conf": "CORSAllowOrigin https://a.example null\n"})
    try:
        check(t.run("ok.conf").returncode == 0, "clean file")
        check(t.run("warn.conf").returncode == 1, "warning fails by default")
        check(t.run("--fail-on", "error", "warn.conf").returncode == 0, "--fail-on error")
        check(t.run("--disable", "CL006", "warn.conf").returncode == 0, "--disable")
        r = t.run("missing.conf")
        check(r.returncode == 2 and "missing.conf" in r.stderr, "missing input: %s" % r.stderr)
        check(t.run("--format", "yaml", "ok.conf").returncode == 2, "bad format")
        check(t.run("--bogus", "ok.conf").returncode == 2, "unknown option")
        check(t.run("--enable", "CL999", "ok.conf").returncode == 2, "unknown rule")
        check(t.run().returncode == 2, "no input")
        r = t.run("--list-rules")
        check(r.returncode == 0 and len(r.stdout.splitlines()) == 18, r.stdout)
        check(r.stdout.splitlines()[5].startswith("CL005  error    Bypassable origin test"),
              r.stdout.splitlines()[5])
        r = t.run("--explain", "CL005")
        check(r.returncode == 0 and r.stdout.startswith("# CL005: Bypassable origin test")
              and "## Bad" in r.stdout and "## Good" in r.stdout and "## Fix" in r.stdout,
              r.stdout[:200])
        check(t.run("--explain", "CL099").returncode == 2, "unknown --explain")
        check(t.run("--version").stdout.startswith("cors-lint "), "version")
        check(t.run("-V").stdout == t.run("--version").stdout, "-V")
    finally:
        t.cleanup()


@test
def pre_commit_hook_in_a_git_repository():
    t = Tree({})
    try:
        env = dict(os.environ, CORS_LINT=LINT, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
        repo = t.dir

        def git(*args):
            return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True,
                                  text=True)
        git("init", "-q")
        shutil.copy(os.path.join(TOP, "lint", "pre-commit"),
                    os.path.join(repo, ".git", "hooks", "pre-commit"))
        t.write("sites/good.conf", "CORSAllowOrigin https://a.example\n")
        git("add", "sites/good.conf")
        r = git("commit", "-qm", "good")
        check(r.returncode == 0, "good file refused: %s %s" % (r.stdout, r.stderr))
        t.write("sites/bad.conf", "CORSAllowOrigin https://a.example/\n")
        git("add", "sites/bad.conf")
        r = git("commit", "-qm", "bad")
        check(r.returncode != 0, "bad file accepted")
        check("sites/bad.conf:1:17: error" in r.stdout + r.stderr, r.stdout + r.stderr)
        # the staged content counts, not the work tree
        t.write("sites/bad.conf", "CORSAllowOrigin https://a.example\n")
        r = git("commit", "-qm", "still bad")
        check(r.returncode != 0, "work-tree fix accepted while the staged file is bad")
        git("add", "sites/bad.conf")
        r = git("commit", "-qm", "fixed")
        check(r.returncode == 0, "fixed file refused: %s" % r.stdout)
        hooks = open(os.path.join(TOP, ".pre-commit-hooks.yaml")).read()
        for part in ("id: cors-lint", "language: system", r"files: '(\.htaccess|\.conf)$'"):
            check(part in hooks, ".pre-commit-hooks.yaml lacks %s" % part)
    finally:
        t.cleanup()


@test
def debian_apache2_tree_has_no_error():
    if not os.path.exists("/etc/apache2/apache2.conf"):
        raise Failure("/etc/apache2 is missing (apache2 package)")
    t = Tree({})
    try:
        tree = t.path("apache2")
        shutil.copytree("/etc/apache2", tree, symlinks=True)
        with open(os.path.join(tree, "sites-enabled", "api.conf"), "w") as f:
            f.write(textwrap.dedent("""
                <VirtualHost *:80>
                    ServerName api.example.com
                    DocumentRoot /var/www/api
                    SetEnvIf Origin "^https://(app|admin)\\.example\\.com$" CORS_ORIGIN=$0
                    Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
                    Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
                    Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE" env=CORS_ORIGIN
                    Header always merge Vary Origin
                    <Location /v2>
                        Header always unset Access-Control-Allow-Origin
                        CORSAllowOrigin https://app.example.com https://*.example.com
                        CORSAllowMethods PUT DELETE
                        CORSAllowCredentials On
                        CORSMaxAge 600
                    </Location>
                </VirtualHost>
                """))
        found, r = t.findings(tree)
        errors = [f for f in found if f["severity"] == "error"]
        check(not errors, "errors on Debian's tree: %s" % errors)
        check(json.loads(r.stdout)["summary"]["files"] > 20, "includes not followed")
    finally:
        t.cleanup()



@test
def debian_tree_with_a_virtual_hosts_htaccess():
    """Issue 14: on a stock Debian tree (its <Directory /> and <Directory /usr/share>,
    AllowOverride None) a virtual host's .htaccess is found at once, without walking the
    file system, and judged in that virtual host: its <Directory> with AllowOverride
    FileInfo runs it (no false CL015), where the main server's <Directory /var/www/>
    says None for the same path written with a slash."""
    t = Tree({})
    try:
        tree = t.path("apache2")
        site = t.path("www/site")
        shutil.copytree("/etc/apache2", tree, symlinks=True)
        os.makedirs(site)
        with open(os.path.join(tree, "sites-enabled", "site.conf"), "w") as f:
            f.write(textwrap.dedent("""
                <Directory %s/>
                    AllowOverride None
                </Directory>
                <VirtualHost *:80>
                    ServerName site.example.com
                    DocumentRoot %s
                    <Directory %s>
                        AllowOverride FileInfo
                    </Directory>
                </VirtualHost>
                <VirtualHost *:80>
                    ServerName other.example.com
                    DocumentRoot /var/www/html
                </VirtualHost>
                """ % (site, site, site)))
        with open(os.path.join(site, ".htaccess"), "w") as f:
            f.write('Header always set Access-Control-Allow-Origin "*"\n'
                    'Header always set Access-Control-Allow-Credentials "true"\n')
        start = time.monotonic()
        found, r = t.findings(tree)
        seconds = time.monotonic() - start
        got = sorted((os.path.basename(f["file"]), f["rule"]) for f in found)
        check(got == [(".htaccess", "CL001")], "judged in its virtual host: %r" % got)
        check(seconds < 1, "linted in %.2f s" % seconds)
        trace = subprocess.run(["strace", "-f", "-c", "-e", "trace=newfstatat,lstat,stat",
                                LINT, tree], capture_output=True, text=True, cwd=t.dir)
        calls = re.findall(r"\s(\d+)\s+(?:\d+\s+)?(?:newfstatat|lstat|stat)$", trace.stderr, re.M)
        check(calls and sum(map(int, calls)) < 2000,
              "no walk of the file system: %s stat calls (strace said: %s)"
              % (calls, trace.stderr[-500:]))
    finally:
        t.cleanup()


@test
def hostile_input_never_crashes():
    t = Tree({})
    try:
        t.write("binary.conf", os.urandom(200000) + b"\0")
        with open(t.path("huge.conf"), "w") as f:
            f.write("Header always set Access-Control-Allow-Origin \"" + "a" * (10 << 20)
                    + "\"\n")
        t.write("deep.conf", "<Location /a>\n" * 20000 + "</Location>\n" * 20000)
        t.write("unbalanced.conf", "</Location>\n<Directory /x>\n<Files y>\n</Location>\n")
        t.write("utf8.conf", b"CORSAllowOrigin https://\xc3\x28.example\n\xff\xfe\n")
        t.write("long.conf", "CORSAllowOrigin " + "https://a.example " * 50000 + "\n")
        t.write("quotes.conf", 'Header always set "unterminated \\\n' * 1000)
        for name in ("binary.conf", "huge.conf", "deep.conf", "unbalanced.conf", "utf8.conf",
                     "long.conf", "quotes.conf"):
            r = t.run("--format", "json", name)
            check(r.returncode in (0, 1), "%s: exit %d %s" % (name, r.returncode, r.stderr))
            json.loads(r.stdout)
    finally:
        t.cleanup()


@test
def valgrind_no_leak_no_invalid_access():
    if ARGS.no_valgrind:
        return
    t = Tree({"t.conf": BAD_FOR_FORMATS + "SetEnvIf Origin \"example.com\" OK=$0\n"
              'Header always set Access-Control-Allow-Origin "%{OK}e" env=OK\n'
              "<Location /x>\n", "inc/httpd.conf": "Include a.conf\nInclude b/*.conf\n",
              "inc/a.conf": "Include httpd.conf\n", "inc/b/c.conf": "CORSAllowOrigin x\n"})
    try:
        for fmt in ("text", "json", "sarif", "junit", "checkstyle"):
            for target in ("t.conf", "inc"):
                r = subprocess.run(["valgrind", "--leak-check=full", "--error-exitcode=99",
                                    "--errors-for-leak-kinds=definite,indirect", "-q", LINT,
                                    "--format", fmt, target], cwd=t.dir,
                                   capture_output=True, text=True, timeout=300)
                check(r.returncode in (0, 1), "valgrind %s %s: exit %d\n%s" % (
                    fmt, target, r.returncode, r.stderr[-3000:]))
    finally:
        t.cleanup()


@test
def rough_edges_of_the_command_line():
    """Issue 14's rough edges: what is hidden does not fail the run; a suppression that
    names no rule says so; a directory given with a slash prints no doubled slash."""
    t = Tree({"sites/x.conf": 'Header set Access-Control-Allow-Origin "https://a.example.com"\n',
              "y.conf": "# cors-lint: disable=CL6 sandboxed previews\nCORSAllowOrigin null\n"})
    try:
        r = t.run("--severity", "error", "sites/x.conf")
        check(r.returncode == 0, "--severity error with only a warning: exit %d" % r.returncode)
        r = t.run("--severity", "error", "--fail-on", "warning", "sites/x.conf")
        check(r.returncode == 0, "a hidden warning does not fail the run: exit %d" % r.returncode)
        found, _ = t.findings("y.conf")
        rules = [(f["rule"], f["line"], f["column"]) for f in found]
        check(("CL000", 1, 22) in rules and ("CL006", 2, 17) in rules,
              "disable=CL6 is reported and suppresses nothing: %r" % rules)
        r = t.run("sites/")
        check(r.stdout.startswith("sites/x.conf:1:1:"), "no doubled slash: %r" % r.stdout[:40])
    finally:
        t.cleanup()


@test
def pre_commit_hook_ignores_settings_above_its_temporary_directory():
    """From a review: the hook lints a copy of the staged files in a temporary directory,
    and cors-lint looks for .cors-lint upward from there: a /tmp/.cors-lint (anyone can
    write /tmp) with 'disable = CL016' let a broken commit through."""
    t = Tree({})
    try:
        up = t.path("tmpdir")
        os.makedirs(up)
        with open(os.path.join(up, ".cors-lint"), "w") as f:
            f.write("disable = CL016\n")
        repo = t.path("repo")
        os.makedirs(repo)
        env = dict(os.environ, CORS_LINT=LINT, TMPDIR=up, GIT_AUTHOR_NAME="t",
                   GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")

        def git(*args):
            return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True,
                                  text=True)
        git("init", "-q")
        shutil.copy(os.path.join(TOP, "lint", "pre-commit"),
                    os.path.join(repo, ".git", "hooks", "pre-commit"))
        with open(os.path.join(repo, "bad.conf"), "w") as f:
            f.write("CORSAllowOrigin https://a.example/\n")
        git("add", "bad.conf")
        r = git("commit", "-qm", "bad")
        check(r.returncode != 0 and "CL016" in r.stdout + r.stderr,
              "a .cors-lint above the hook's temporary directory silenced it: %s %s"
              % (r.stdout, r.stderr))
    finally:
        t.cleanup()


@test
def cl008_says_why_once_per_block():
    """Issue 14's rough edge: CL008 repeated its whole explanation on every Header line of
    one block. Each line is still a finding (each is a line to fix: editors and SARIF
    place them there), but only the first says why."""
    found = lint_one("""
        <Location /api>
            Header set Access-Control-Allow-Origin "https://a.example.com"
            Header set Access-Control-Allow-Methods "GET, PUT"
        </Location>
        """)
    c8 = [f for f in found if f["rule"] == "CL008"]
    check([f["line"] for f in c8] == [2, 3], "one finding per line: %r" % c8)
    check("missing on error responses" in c8[0]["message"], c8[0]["message"])
    check(c8[1]["message"] == "Header set Access-Control-Allow-Methods without 'always', "
          "as line 2: write 'Header always set'", c8[1]["message"])


@test
def flags_and_suppressions_that_gated_silently():
    """From a second review: --enable CL001 hid an unclosed section (CL000) and passed;
    --enable "" ran no rule and passed; "disable=CL008, CL002" silenced only CL008 and
    said nothing; CL008 named a line whose finding was suppressed ("as line 3")."""
    t = Tree({"open.conf": "<Location /a>\nHeader always set Access-Control-Allow-Origin \"*\"\n",
              "s.conf": "# cors-lint: disable=CL008, CL002 legacy\n"
                        "Header set Access-Control-Allow-Origin \"https://a.example.com\"\n",
              "i.conf": "<Location /a>\n# cors-lint: disable=CL008 legacy\n"
                        "Header set Access-Control-Allow-Origin \"https://a.example.com\"\n"
                        "Header set Access-Control-Allow-Methods \"GET, PUT\"\n"
                        "Header always merge Vary Origin\n</Location>\n"})
    try:
        found, r = t.findings("--enable", "CL001", "open.conf")
        check(r.returncode == 1 and [f["rule"] for f in found] == ["CL000"],
              "--enable CL001 still reports CL000: %r" % found)
        r = t.run("--enable", "", "open.conf")
        check(r.returncode == 2 and "names no rule" in r.stderr, "--enable '': %r" % r.stderr)
        found, _ = t.findings("s.conf")
        check(any(f["rule"] == "CL000" and f["line"] == 1 and "space ends" in f["message"]
                  for f in found), "a space inside the list is said: %r" % found)
        found, _ = t.findings("i.conf")
        c8 = [f for f in found if f["rule"] == "CL008"]
        check([f["line"] for f in c8] == [4] and "as line" not in c8[0]["message"],
              "the suppressed line is not named: %r" % c8)
    finally:
        t.cleanup()


@test
def unreadable_files_in_a_directory_are_said():
    """From a second review: a directory linted as a user who cannot read one of its
    files or subdirectories gave "0 files" and exit 0."""
    t = Tree({"d/a.conf": "CORSAllowOrigin https://a.example\n", "d/sub/b.conf": "x\n"})
    try:
        os.chmod(t.dir, 0o755)
        lint = t.path("cors-lint")
        shutil.copy(LINT, lint)
        os.chmod(t.path("d/a.conf"), 0)
        os.chmod(t.path("d/sub"), 0)
        cmd = [lint, "--format", "json", t.path("d")]
        if os.geteuid() == 0:  # root reads everything: run it as a user who cannot
            cmd = ["runuser", "-u", "nobody", "--"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        found = json.loads(r.stdout)["findings"] if r.stdout else []
        said = sorted(os.path.basename(f["file"]) for f in found if f["rule"] == "CL000")
        check(r.returncode == 1 and said == ["a.conf", "sub"],
              "exit %d, CL000 for %r: %s" % (r.returncode, said, r.stderr))
    finally:
        os.chmod(t.path("d/sub"), 0o755)
        t.cleanup()


def main():
    global LINT, ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--lint", default=os.path.join(TOP, "out", "cors-lint"))
    ap.add_argument("-k", dest="filter", default="")
    ap.add_argument("--no-valgrind", action="store_true")
    ARGS = ap.parse_args()
    LINT = os.path.abspath(ARGS.lint)
    passed = failed = 0
    for t in TESTS:
        if ARGS.filter not in t.__name__:
            continue
        try:
            t()
            passed += 1
            print("ok   %s" % t.__name__)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e))
            if not isinstance(e, Failure):
                traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


ARGS = None
if __name__ == "__main__":
    sys.exit(main())
