#!/usr/bin/env python3
"""mod_cors against a real httpd: Debian's apache2 with the freshly built module, on
loopback ports, with configurations written here, and raw HTTP requests whose exact
status and headers on the wire are checked.

    tests/httpd/run_tests.py [--module out/mod_cors.so] [--asan] [-k substring]

Ends with the line "N passed, N failed"; exits 1 on any failure. Every server started
here is stopped at the end, pass or fail.
"""
import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

APACHE = "/usr/sbin/apache2"
MODDIR = "/usr/lib/apache2/modules"
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

BASE_MODULES = [
    "mpm_event", "authz_core", "authn_core", "auth_basic", "authn_file", "authz_user",
    "authz_host", "mime", "dir", "alias", "cgid", "proxy", "proxy_http", "headers",
    "rewrite", "setenvif", "env", "proxy_fcgi", "dav", "dav_fs", "http2", "deflate",
    "expires",
]

APP = "https://app.example.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split()[1])
        self.headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip()))
        if (self.get("Transfer-Encoding") or "").lower() == "chunked":
            body = self.dechunk(body)
        self.body = body

    @staticmethod
    def dechunk(data):
        out = b""
        while data:
            size_line, _, data = data.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out += data[:size]
            data = data[size + 2:]
        return out

    def all(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def get(self, name):
        values = self.all(name)
        return values[0] if values else None

    def cors_headers(self):
        return [(n, v) for n, v in self.headers if n.lower().startswith("access-control-")]

    def vary_tokens(self):
        tokens = []
        for v in self.all("Vary"):
            tokens += [t.strip().lower() for t in v.split(",") if t.strip()]
        return tokens

    def __repr__(self):
        return self.status_line + "\n" + "\n".join("%s: %s" % h for h in self.headers)


def exchange(port, data):
    """Send raw bytes on one connection; everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def request(port, method, path, headers=(), body=b"", raw_headers=b""):
    """One HTTP/1.1 request on its own connection; headers may repeat."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port,
             "Connection: close"]
    for name, value in headers:
        lines.append("%s: %s" % (name, value))
    if body:
        lines.append("Content-Length: %d" % len(body))
    data = ("\r\n".join(lines) + "\r\n").encode("latin-1") + raw_headers + b"\r\n" + body
    return Response(exchange(port, data))


def preflight(port, path, origin=APP, method="PUT", req_headers=None, extra=()):
    headers = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if req_headers is not None:
        headers.append(("Access-Control-Request-Headers", req_headers))
    return request(port, "OPTIONS", path, headers + list(extra))


def get(port, path, origin=APP, extra=()):
    headers = [("Origin", origin)] if origin is not None else []
    return request(port, "GET", path, headers + list(extra))


class Httpd:
    """A real apache2 with mod_cors, in its own temporary ServerRoot."""

    def __init__(self, root, module, body, asan=False, name="main", ports=1, fcgi_port=0):
        self.fcgi_port = fcgi_port
        self.dir = os.path.join(root, name)
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.ports = [free_port() for _ in range(ports)]
        self.port = self.ports[0]
        self.conf = os.path.join(self.dir, "httpd.conf")
        self.module = module
        self.asan = asan
        self.proc = None
        with open(self.conf, "w") as f:
            f.write(self.base_conf() + body.replace("@DIR@", self.dir)
                    .replace("@PORT@", str(self.port))
                    .replace("@PORT2@", str(self.ports[min(1, ports - 1)]))
                    .replace("@PORT3@", str(self.ports[min(2, ports - 1)]))
                    .replace("@FCGIPORT@", str(getattr(self, "fcgi_port", 0))))

    def base_conf(self):
        mods = "".join("LoadModule %s_module %s/mod_%s.so\n" % (m, MODDIR, m)
                       for m in BASE_MODULES)
        listens = "".join("Listen 127.0.0.1:%d\n" % p for p in self.ports)
        return f"""ServerRoot "{self.dir}"
ServerName 127.0.0.1
{listens}PidFile "{self.dir}/httpd.pid"
ErrorLog "{self.dir}/logs/error.log"
LogLevel warn cors:debug
User www-data
Group www-data
{mods}LoadModule cors_module {self.module}
TypesConfig /etc/mime.types
ScriptSock "{self.dir}/cgid.sock"
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
LogFormat "%m %U %>s %{{cors}}n" cors
CustomLog "{self.dir}/logs/access.log" cors
"""

    def env(self):
        env = dict(os.environ)
        if self.asan:
            lib = subprocess.run(["gcc", "-print-file-name=libasan.so"],
                                 capture_output=True, text=True).stdout.strip()
            env["LD_PRELOAD"] = lib
            env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:log_path=" + \
                os.path.join(self.dir, "logs", "asan")
            env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:log_path=" + \
                os.path.join(self.dir, "logs", "ubsan")
        return env

    def configtest(self):
        return subprocess.run([APACHE, "-d", self.dir, "-f", self.conf, "-t"],
                              capture_output=True, text=True, env=self.env())

    def start(self):
        self.proc = subprocess.Popen([APACHE, "-d", self.dir, "-f", self.conf,
                                      "-DFOREGROUND"], env=self.env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                raise RuntimeError("apache2 exited: " + out + self.error_log())
            try:
                for p in self.ports:
                    socket.create_connection(("127.0.0.1", p), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("apache2 did not start listening: " + self.error_log())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "logs", "error.log")) as f:
                return f.read()
        except OSError:
            return ""

    def access_log(self):
        with open(os.path.join(self.dir, "logs", "access.log")) as f:
            return f.read()

    def sanitizer_reports(self):
        logs = os.path.join(self.dir, "logs")
        return [os.path.join(logs, n) for n in os.listdir(logs)
                if n.startswith("asan") or n.startswith("ubsan")]


# ---- the test registry --------------------------------------------------------------

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Failure(Exception):
    pass


CHECKS = [0]


def check(cond, msg, resp=None):
    CHECKS[0] += 1
    if not cond:
        raise Failure(msg + ("\n" + repr(resp) if resp is not None else ""))


def expect_grant(resp, origin, credentials=True, status=None):
    if status is not None:
        check(resp.status == status, "status %d, want %d" % (resp.status, status), resp)
    check(resp.all("Access-Control-Allow-Origin") == [origin],
          "Access-Control-Allow-Origin %r, want exactly [%r]"
          % (resp.all("Access-Control-Allow-Origin"), origin), resp)
    want = ["true"] if credentials else []
    check(resp.all("Access-Control-Allow-Credentials") == want,
          "Access-Control-Allow-Credentials %r, want %r"
          % (resp.all("Access-Control-Allow-Credentials"), want), resp)
    for name, _ in resp.cors_headers():
        check(len(resp.all(name)) == 1, "%s sent more than once" % name, resp)


def expect_no_grant(resp):
    check(resp.cors_headers() == [], "CORS headers on a denied response", resp)


def expect_vary(resp, *tokens):
    have = resp.vary_tokens()
    for t in tokens:
        check(have.count(t.lower()) == 1, "Vary lacks %s exactly once: %r" % (t, have), resp)



@contextlib.contextmanager
def scratch_server(s, conf, name, files, ports=1, writable=()):
    """A server of its own, started: files (path under its directory -> text), writable
    directories for www-data; stopped, and its sanitizer reports checked, at the end."""
    h = Httpd(s.root, s.module, conf, asan=s.asan, name=name, ports=ports)
    for path, text in files.items():
        write(os.path.join(h.dir, path), text)
    for d in writable:
        os.makedirs(os.path.join(h.dir, d), exist_ok=True)
    for root, dirs, _ in os.walk(h.dir):
        os.chmod(root, 0o755)
    for d in writable:
        os.chmod(os.path.join(h.dir, d), 0o777)
    try:
        yield h.start()
    finally:
        h.stop()
        if s.asan:
            reports = h.sanitizer_reports()
            check(not reports, "sanitizer reports: %s" % reports)


# ---- the main server ------------------------------------------------------------------

MAIN_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    AllowOverride None
</Directory>
<Directory "@DIR@/htdocs/ht-fileinfo">
    AllowOverride FileInfo
</Directory>
<Directory "@DIR@/htdocs/ht-none">
    AllowOverride None
</Directory>
<Directory "@DIR@/htdocs/ht-authconfig">
    AllowOverride AuthConfig
</Directory>
ScriptAlias /cgi/ "@DIR@/cgi/"
<Directory "@DIR@/cgi">
    Require all granted
    Options +ExecCGI
</Directory>
ErrorDocument 404 /errors/404.html

<Location /api>
    CORSAllowOrigin https://app.example.com https://*.example.org http://localhost:*
    CORSAllowOrigin null
    CORSAllowCredentials On
    CORSAllowMethods PUT DELETE PATCH
    CORSAllowHeaders X-Request-Id Content-Type Authorization
    CORSExposeHeaders X-Total-Count ETag
    CORSMaxAge 600
</Location>
<Location /api/secret>
    AuthType Basic
    AuthName "secret"
    AuthUserFile "@DIR@/htpasswd"
    Require valid-user
</Location>
<Location /api/off>
    CORSEnable Off
</Location>
<Location /api/status200>
    CORSPreflightStatus 200
</Location>
<Location /api/nopreflight>
    CORSPreflight Off
</Location>
<Location /api/pna>
    CORSAllowPrivateNetwork On
</Location>
<Location /api/starmethods>
    CORSAllowMethods *
    CORSAllowHeaders *
</Location>
<Location /api/report>
    CORSReportOnly On
</Location>
<Location /api/upstream-off>
    CORSOverrideUpstream Off
</Location>
<Location /api/vary>
    Header always set Vary "Accept-Encoding"
    Header always set Access-Control-Allow-Origin "*"
    Header set Access-Control-Allow-Credentials "false"
    Header always add Access-Control-Expose-Headers "X-Leak"
    Header always set X-Frame-Options "DENY"
</Location>
<Location /api/err500>
    RewriteEngine On
    RewriteRule ^ - [R=500]
</Location>
<Files "files-scope.json">
    CORSAllowOrigin https://files.example.com
    CORSExposeHeaders X-Files
</Files>
<Location /api/nocreds>
    CORSAllowCredentials Off
    CORSMaxAge 0
</Location>
<Location /api/other>
    CORSAllowOrigin https://other.example.com
</Location>
<Location /api/rewrite>
    RewriteEngine On
    RewriteRule ^ /api/data.json [R=302]
</Location>
Redirect 307 /api/moved /api/data.json
<Directory "@DIR@/htdocs/ht-star">
    AllowOverride FileInfo
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Directory>
<Directory "@DIR@/htdocs/ht-regex">
    AllowOverride FileInfo
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Directory>
<If "%{QUERY_STRING} == 'if-off'">
    CORSEnable Off
</If>

<Location /public>
    CORSAllowOrigin *
    CORSAllowHeaders *
    CORSExposeHeaders *
</Location>
<Location /regex>
    CORSAllowOriginRegex https://pr-[0-9]+\.preview\.example\.com
    CORSAllowCredentials On
</Location>
<Location /cgi>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Location>
<Location /cgi/upstream-off.cgi>
    CORSOverrideUpstream Off
</Location>

ProxyPass /fcgi/ fcgi://127.0.0.1:@FCGIPORT@/
<Location /fcgi>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Location>
# beside the modules people load with it (issue 13): HTTP/2 without TLS, compression,
# expiry headers, a proxy by mod_rewrite
Protocols h2c http/1.1
<Location /api/deflate>
    SetOutputFilter DEFLATE
</Location>
<Location /api/expires>
    ExpiresActive On
    ExpiresDefault "access plus 1 hour"
</Location>
RewriteEngine On
RewriteRule ^/rewritten/(.*)$ http://127.0.0.1:@PORT2@/$1 [P]
<Location /rewritten>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Location>
ProxyPass /proxied/ http://127.0.0.1:@PORT2@/
<Location /proxied>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Location>
<VirtualHost 127.0.0.1:@PORT2@>
    DocumentRoot "@DIR@/backend"
    <Directory "@DIR@/backend">
        Require all granted
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
    Header always set Access-Control-Allow-Methods "GET"
    Header always set Vary "Accept-Encoding"
</VirtualHost>
"""

CGI_CORS = """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: *\\r\\n'
printf 'Access-Control-Allow-Credentials: false\\r\\n'
printf 'Access-Control-Expose-Headers: X-Secret\\r\\n'
printf 'Vary: origin, Accept\\r\\n'
printf '\\r\\n'
echo from cgi
"""

CGI_500 = """#!/bin/sh
printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\n'
echo broken
"""


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def populate(d):
    for sub in ["api", "api/secret", "api/off", "api/status200", "api/nopreflight",
                "api/pna", "api/starmethods", "api/report", "api/upstream-off", "api/vary",
                "public", "regex", "errors", "ht-fileinfo", "ht-none", "ht-star", "ht-regex",
                "ht-authconfig", "api/other", "api/nocreds", "api/dir", "api/deflate",
                "api/expires"]:
        write(os.path.join(d, "htdocs", sub, "data.json"), '{"ok": true}\n')
    write(os.path.join(d, "htdocs", "errors", "404.html"), "not here\n")
    # mod_deflate leaves very small responses alone
    write(os.path.join(d, "htdocs", "api", "deflate", "data.json"),
          '{"items": [%s]}\n' % ", ".join(['"item"'] * 400))
    write(os.path.join(d, "htdocs", "files-scope.json"), "{}\n")
    write(os.path.join(d, "backend", "data.json"), '{"backend": true}\n')
    write(os.path.join(d, "cgi", "cors.cgi"), CGI_CORS, 0o755)
    write(os.path.join(d, "cgi", "upstream-off.cgi"), CGI_CORS, 0o755)
    write(os.path.join(d, "cgi", "fail.cgi"), CGI_500, 0o755)
    htaccess = ("CORSAllowOrigin https://htaccess.example.com\n"
                "CORSAllowCredentials On\n")
    write(os.path.join(d, "htdocs", "ht-fileinfo", ".htaccess"),
          htaccess + 'Header always set X-Htaccess "yes"\n')
    write(os.path.join(d, "htdocs", "ht-none", ".htaccess"), htaccess)
    write(os.path.join(d, "htdocs", "ht-authconfig", ".htaccess"), htaccess)
    write(os.path.join(d, "htdocs", "ht-star", ".htaccess"), "CORSAllowOrigin *\n")
    write(os.path.join(d, "htdocs", "ht-regex", ".htaccess"), "CORSAllowOriginRegex .*\n")
    write(os.path.join(d, "htdocs", "api", "dir", "index.html"), "index\n")
    # user "alice", password "secret" (apr1 hash made by openssl-free python: crypt
    # is not portable, so use the {SHA} scheme httpd supports)
    import base64
    import hashlib
    sha = base64.b64encode(hashlib.sha1(b"secret").digest()).decode()
    write(os.path.join(d, "htpasswd"), "alice:{SHA}%s\n" % sha)
    for root, dirs, files in os.walk(d):
        os.chmod(root, 0o755)


# ---- rules 1, 2: origins ------------------------------------------------------------

@test
def allowed_exact_origin_actual_request(s):
    r = get(s.port, "/api/data.json")
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Expose-Headers") == "X-Total-Count, ETag", "expose", r)
    expect_vary(r, "Origin")
    check(r.get("Access-Control-Allow-Methods") is None, "methods on an actual response", r)
    check(r.get("Access-Control-Max-Age") is None, "max-age on an actual response", r)


@test
def allowed_wildcard_and_port_wildcard(s):
    expect_grant(get(s.port, "/api/data.json", "https://a.b.example.org"),
                 "https://a.b.example.org", status=200)
    expect_grant(get(s.port, "/api/data.json", "http://localhost:5173"),
                 "http://localhost:5173", status=200)
    expect_grant(get(s.port, "/api/data.json", "null"), "null", status=200)


ATTACKS = [
    "https://evil.example", "https://app.example.com.evil.example",
    "https://evilapp.example.com", "https://appxexample.com",
    "https://app.example.com_.evil.example", "https://app.example.com%60.evil.example",
    "https://app.example.com`.evil.example", "https://app.example.com!.evil.example",
    "https://app.example.com$.evil.example", "https://app.example.com&.evil.example",
    "https://app.example.com'.evil.example", "https://app.example.com(.evil.example",
    "https://app.example.com).evil.example", "https://app.example.com*.evil.example",
    "https://app.example.com+.evil.example", "https://app.example.com,.evil.example",
    "https://app.example.com;.evil.example", "https://app.example.com=.evil.example",
    "https://app.example.com~.evil.example", "https://app.example.com{.evil.example",
    "https://app.example.com|.evil.example", "http://app.example.com",
    "https://app.example.com:8443", "https://user@app.example.com",
    "https://app.example.com/", "https://app.example.com/path",
    "https://example.org", "https://example.org.evil.example", "http://a.example.org",
    "https://localhost:3000", "https://app.example.com\tx",
]


@test
def attack_origins_denied_end_to_end(s):
    for origin in ATTACKS:
        r = get(s.port, "/api/data.json", origin)
        check(r.status == 200, "actual request blocked for %r" % origin, r)
        expect_no_grant(r)
        expect_vary(r, "Origin")
        r = preflight(s.port, "/api/data.json", origin)
        check(r.status == 403, "preflight from %r not 403" % origin, r)
        expect_no_grant(r)


@test
def several_origins_in_one_header_are_invalid(s):
    # two Origin lines: httpd joins them with ", " (rule 1: several origins are invalid)
    r = request(s.port, "GET", "/api/data.json",
                [("Origin", APP), ("Origin", "https://evil.example")])
    expect_no_grant(r)
    r = request(s.port, "OPTIONS", "/api/data.json",
                [("Origin", APP), ("Origin", APP), ("Access-Control-Request-Method", "PUT")])
    check(r.status == 403, "joined origins granted", r)
    expect_no_grant(r)


@test
def oversized_and_control_character_origins(s):
    r = get(s.port, "/api/data.json", APP + "a" * 2000)
    expect_no_grant(r)
    r = request(s.port, "GET", "/api/data.json", raw_headers=b"Origin: " +
                APP.encode() + b"\x01\r\n")
    expect_no_grant(r)
    r = request(s.port, "GET", "/api/data.json", raw_headers=b"Origin: " +
                APP.encode() + b"\xff\r\n")
    expect_no_grant(r)


@test
def regex_origins(s):
    expect_grant(get(s.port, "/regex/", "https://pr-42.preview.example.com"),
                 "https://pr-42.preview.example.com")
    for bad in ["https://pr-42.preview.example.com.evil.example",
                "https://xpr-42.preview.example.com", "https://pr-x.preview.example.com",
                "http://pr-42.preview.example.com", "null"]:
        expect_no_grant(get(s.port, "/regex/", bad))
    # "null" is allowed only where listed
    r = preflight(s.port, "/proxied/data.json", "null")
    check(r.status == 403, "null preflight where not listed", r)
    expect_no_grant(r)



# ---- one request, one answer: the rules as a table -------------------------------------

EVIL = "https://evil.example"
PR = "https://pr-1.preview.example.com"
ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"
ACAH = "Access-Control-Allow-Headers"
ACAM = "Access-Control-Allow-Methods"

# (what, method, path, request headers, status, granted origin or None, other response
# headers: a value, None for absent; "Vary" lists tokens that must each be there once,
# "Vary!" tokens that must not be there)
RULE_CASES = [
    ("no Origin: no grant, still Vary (rule 8)", "GET", "/api/data.json", {}, 200, None,
     {"Vary": ["Origin"]}),
    ("preflight asking no headers: no Allow-Headers", "OPTIONS", "/api/data.json",
     {"Origin": APP, ACRM: "DELETE"}, 204, APP, {ACAH: None}),
    ("a method not allowed: 2xx, no Allow-Methods (rule 4)", "OPTIONS", "/api/data.json",
     {"Origin": APP, ACRM: "PURGE"}, 204, APP, {ACAM: None}),
    ("methods are case-sensitive", "OPTIONS", "/api/data.json",
     {"Origin": APP, ACRM: "put"}, 204, APP, {ACAM: None}),
    # a header not allowed: the listed subset is still granted, so that every browser
    # names the one missing (rule 4; Firefox names the first requested name that
    # Allow-Headers lacks: with no Allow-Headers at all, a listed one, issue 15)
    ("a header not allowed: the listed ones granted, the method granted (rule 4)",
     "OPTIONS", "/api/data.json", {"Origin": APP, ACRM: "PUT", ACRH: "x-request-id,x-evil"},
     204, APP, {ACAH: "x-request-id", ACAM: "GET, HEAD, POST, PUT, DELETE, PATCH"}),
    ("content-type listed, x-other not: Allow-Headers names content-type only (issue 15)",
     "OPTIONS", "/api/data.json", {"Origin": APP, ACRM: "PUT", ACRH: "content-type,x-other"},
     204, APP, {ACAH: "content-type"}),
    ("none of the requested headers listed: no Allow-Headers", "OPTIONS", "/api/data.json",
     {"Origin": APP, ACRM: "PUT", ACRH: "x-evil,x-other"}, 204, APP, {ACAH: None}),
    # a browser asks for Content-Type only when it is not safelisted (application/json):
    # granted only where listed (issue 13)
    ("content-type where no CORSAllowHeaders lists it", "OPTIONS", "/regex/data.json",
     {"Origin": PR, ACRM: "POST", ACRH: "content-type"}, 204, PR, {ACAH: None}),
    ("content-type where CORSAllowHeaders lists it", "OPTIONS", "/api/data.json",
     {"Origin": APP, ACRM: "POST", ACRH: "content-type"}, 204, APP, {ACAH: "content-type"}),
    # "*" never covers Authorization (Fetch; issue 13)
    ("CORSAllowHeaders *: any name", "OPTIONS", "/api/starmethods/data.json",
     {"Origin": APP, ACRM: "PROPFIND", ACRH: "content-type,x-anything"}, 204, APP,
     {ACAH: "content-type, x-anything", ACAM: "PROPFIND"}),
    ("CORSAllowHeaders *: not Authorization", "OPTIONS", "/api/starmethods/data.json",
     {"Origin": APP, ACRM: "PROPFIND", ACRH: "authorization,x-anything"}, 204, APP,
     {ACAH: "x-anything"}),
    ("CORSAllowOrigin *, no credentials: not Authorization either", "OPTIONS",
     "/public/data.json", {"Origin": EVIL, ACRM: "GET", ACRH: "authorization"}, 204, "*",
     {ACAH: None, "Vary": [ACRM, ACRH], "Vary!": ["Origin"]}),
    # a "*" list answers every response alike, so that a cache never keeps one without
    # it (rule 8; issue 13); nothing is reflected
    ("CORSAllowOrigin *: no Origin", "GET", "/public/data.json", {}, 200, "*",
     {"Access-Control-Expose-Headers": "*", "Vary!": ["Origin"]}),
    ("CORSAllowOrigin *: two origins", "GET", "/public/data.json",
     {"Origin": APP + ", " + EVIL}, 200, "*",
     {"Access-Control-Expose-Headers": "*", "Vary!": ["Origin"]}),
    ("CORSAllowOrigin *: an origin with a path", "GET", "/public/data.json",
     {"Origin": "https://x.example/p"}, 200, "*", {}),
    ("CORSAllowOrigin *: a 404 without Origin", "GET", "/public/missing.json", {}, 404, "*",
     {}),
    # refused while httpd decodes the URL, before any section is walked: the browser must
    # see the status, not a CORS error (rule 6; issue 13)
    ("an encoded slash (404)", "GET", "/api/a%2fb", {"Origin": APP}, 404, APP,
     {"Vary": ["Origin"]}),
    ("a bad % escape (400)", "GET", "/api/x%zz", {"Origin": APP}, 400, APP,
     {"Vary": ["Origin"]}),
    ("an encoded slash, origin not allowed", "GET", "/api/a%2fb", {"Origin": EVIL}, 404, None,
     {}),
    ("a bad % escape, origin not allowed", "GET", "/api/x%zz", {"Origin": EVIL}, 400, None, {}),
    ("an encoded slash outside any CORS scope", "GET", "/plain%2fx", {"Origin": APP}, 404,
     None, {}),
    # refused once read, before any configuration applies (review): no grant
    ("an ftp:// request target (400)", "GET", "ftp://127.0.0.1/api/data.json",
     {"Origin": APP}, 400, None, {}),
]


@test
def rule_table(s):
    for what, method, path, headers, status, origin, want in RULE_CASES:
        r = request(s.port, method, path, list(headers.items()))
        check(r.status == status, "%s: status %d, want %d" % (what, r.status, status), r)
        check(r.all("Access-Control-Allow-Origin") == ([origin] if origin else []),
              "%s: Access-Control-Allow-Origin %r" % (what, r.all("Access-Control-Allow-Origin")),
              r)
        for name, _ in r.cors_headers():
            check(len(r.all(name)) == 1, "%s: %s sent more than once" % (what, name), r)
        for name, value in want.items():
            if name.startswith("Vary"):
                for token in value:
                    n = r.vary_tokens().count(token.lower())
                    check(n == (0 if name == "Vary!" else 1),
                          "%s: Vary has %s %d times" % (what, token, n), r)
            else:
                check(r.get(name) == value, "%s: %s %r, want %r" % (what, name, r.get(name),
                                                                     value), r)


# ---- rules 3, 4, 5: preflights ---------------------------------------------------------

@test
def preflight_granted_before_authentication(s):
    r = preflight(s.port, "/api/secret/data.json", req_headers="content-type,x-request-id")
    expect_grant(r, APP, status=204)
    check(r.get("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, DELETE, PATCH",
          "methods", r)
    check(r.get("Access-Control-Allow-Headers") == "content-type, x-request-id", "headers", r)
    check(r.get("Access-Control-Max-Age") == "600", "max-age", r)
    check(r.get("Access-Control-Expose-Headers") is None, "expose on a preflight", r)
    check(r.get("WWW-Authenticate") is None, "auth challenge on a preflight", r)
    check(r.body == b"", "preflight body %r" % r.body, r)
    expect_vary(r, "Origin", "Access-Control-Request-Method",
                "Access-Control-Request-Headers")


@test
def preflight_answer_keeps_the_connection_usable(s):
    # a preflight with a body, then an actual request, on one keep-alive connection
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        c.request("OPTIONS", "/api/secret/data.json", body=b"x" * 100,
                  headers={"Origin": APP, "Access-Control-Request-Method": "PUT"})
        r1 = c.getresponse()
        body1 = r1.read()
        check(r1.status == 204 and body1 == b"", "preflight on keep-alive")
        check(r1.getheader("Access-Control-Allow-Origin") == APP, "preflight grant")
        c.request("GET", "/api/data.json", headers={"Origin": APP})
        r2 = c.getresponse()
        check(r2.status == 200 and b"ok" in r2.read(), "second request on the connection")
        check(r2.getheader("Access-Control-Allow-Origin") == APP, "second grant")
    finally:
        c.close()


@test
def preflight_field_names_in_any_case(s):
    # field names are case-insensitive; a lower-case chunked body is still read and
    # dropped, so the next request on the connection is parsed where it starts
    first = (b"OPTIONS /api/data.json HTTP/1.1\r\nHost: x\r\noRIGIN: " + APP.encode() +
             b"\r\nACCESS-CONTROL-REQUEST-METHOD: PUT\r\n"
             b"access-control-request-headers: X-Request-Id\r\n"
             b"transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    second = (b"GET /api/data.json HTTP/1.1\r\nHost: x\r\nOrigin: " + APP.encode() +
              b"\r\nConnection: close\r\n\r\n")
    data = exchange(s.port, first + second)
    head1, _, rest = data.partition(b"\r\n\r\n")
    r1 = Response(head1 + b"\r\n\r\n")
    expect_grant(r1, APP, status=204)
    check(r1.get("Access-Control-Allow-Headers") == "x-request-id", "headers, any case", r1)
    r2 = Response(rest)
    check(r2.status == 200 and b"ok" in r2.body, "request after the chunked body",
          r2)
    expect_grant(r2, APP)
    # a malformed chunked body is refused, not answered
    r = Response(exchange(s.port, b"OPTIONS /api/data.json HTTP/1.1\r\nHost: x\r\n"
                          b"Origin: " + APP.encode() + b"\r\n"
                          b"Access-Control-Request-Method: PUT\r\n"
                          b"transfer-encoding: chunked\r\nConnection: close\r\n\r\n"
                          b"zz\r\n\r\n"))
    check(r.status == 400, "malformed chunked preflight answered", r)
    # names that only look alike are other fields: no preflight is answered
    for name in ("Access-Control-Request-Methods", "Access-Control-Request_Method",
                 "Access-Control-Request-Metho", "AccessXControl-Request-Method"):
        r = request(s.port, "OPTIONS", "/api/data.json", [("Origin", APP), (name, "PUT")])
        check(r.get("Access-Control-Allow-Methods") is None, "%s read as the method" % name,
              r)






@test
def preflight_request_headers_split_over_lines(s):
    r = request(s.port, "OPTIONS", "/api/data.json",
                [("Origin", APP), ("Access-Control-Request-Method", "PUT"),
                 ("Access-Control-Request-Headers", "X-Request-Id"),
                 ("Access-Control-Request-Headers", "authorization")])
    check(r.get("Access-Control-Allow-Headers") == "x-request-id, authorization", "joined", r)


@test
def preflight_adversarial_request_headers(s):
    t = time.time()
    r = preflight(s.port, "/api/data.json", req_headers="," * 7000)
    check(r.status == 204 and r.get("Access-Control-Allow-Headers") is None,
          "7,000 commas", r)
    r = preflight(s.port, "/api/data.json", req_headers=",".join(["x-request-id"] * 100))
    check(r.get("Access-Control-Allow-Headers") is None, "100 names accepted", r)
    r = preflight(s.port, "/api/data.json", req_headers="x-request-id, bad header\x7f")
    check(r.get("Access-Control-Allow-Headers") is None, "invalid name accepted", r)
    # split over lines: 6 KB once joined (over mod_cors's 4 KB bound, under httpd's 8 KB)
    lines = [("Origin", APP), ("Access-Control-Request-Method", "PUT")]
    r = request(s.port, "OPTIONS", "/api/data.json",
                lines + [("Access-Control-Request-Headers", "," * 3000)] * 2)
    check(r.status == 204 and r.get("Access-Control-Allow-Headers") is None,
          "6 KB of commas over two lines", r)
    expect_grant(r, APP)
    # about 700 KB over 90 lines: httpd refuses it (400) while reading the request, and
    # mod_cors grants nothing on a request it has not seen whole
    r = request(s.port, "OPTIONS", "/api/data.json",
                lines + [("Access-Control-Request-Headers", "," * 8000)] * 90)
    check(r.status == 400, "httpd's own limit", r)
    expect_no_grant(r)
    check(time.time() - t < 10, "adversarial headers took too long")


@test
def options_without_request_method_is_not_a_preflight(s):
    r = request(s.port, "OPTIONS", "/api/data.json", [("Origin", APP)])
    check(r.status == 200, "plain OPTIONS answered as a preflight", r)
    check(r.get("Allow") is not None, "httpd's own OPTIONS answer", r)
    expect_grant(r, APP)
    check(r.get("Access-Control-Allow-Methods") is None, "methods on a non-preflight", r)


@test
def preflight_status_200(s):
    r = preflight(s.port, "/api/status200/data.json")
    expect_grant(r, APP, status=200)
    check(r.get("Content-Length") == "0", "content-length", r)


@test
def preflight_off_passes_to_httpd(s):
    r = preflight(s.port, "/api/nopreflight/data.json")
    check(r.status == 200 and r.get("Allow") is not None, "httpd answered", r)
    expect_grant(r, APP)
    check(r.get("Access-Control-Allow-Methods") is not None, "methods added", r)


@test
def private_network_access(s):
    extra = [("Access-Control-Request-Private-Network", "true")]
    r = preflight(s.port, "/api/pna/data.json", extra=extra)
    check(r.all("Access-Control-Allow-Private-Network") == ["true"], "PNA granted", r)
    r = preflight(s.port, "/api/data.json", extra=extra)
    check(r.get("Access-Control-Allow-Private-Network") is None, "PNA without opt-in", r)


@test
def star_origin_without_credentials(s):
    r = get(s.port, "/public/data.json", "https://anyone.example")
    expect_grant(r, "*", credentials=False, status=200)
    check(r.get("Access-Control-Expose-Headers") == "*", "expose *", r)
    check("origin" not in r.vary_tokens(), "Vary: Origin on a * list", r)
    # without Origin, with an invalid one, a preflight: RULE_CASES


# ---- rule 6: every status, errors and proxies -------------------------------------------

@test
def unauthorized_carries_cors_headers(s):
    r = get(s.port, "/api/secret/data.json")
    expect_grant(r, APP, status=401)
    check(r.get("WWW-Authenticate") is not None, "challenge", r)
    expect_vary(r, "Origin")
    import base64
    auth = "Basic " + base64.b64encode(b"alice:secret").decode()
    r = get(s.port, "/api/secret/data.json", extra=[("Authorization", auth)])
    expect_grant(r, APP, status=200)


@test
def not_found_with_error_document(s):
    r = get(s.port, "/api/missing.json")
    expect_grant(r, APP, status=404)
    check(r.body == b"not here\n", "ErrorDocument body %r" % r.body, r)
    expect_vary(r, "Origin")



def h2(port, method, path, headers=()):
    """One request over HTTP/2 without TLS (h2c, prior knowledge), by curl (libcurl)."""
    cmd = ["curl", "-sS", "-i", "--http2-prior-knowledge", "--max-time", "10", "-X", method]
    for name, value in headers:
        cmd += ["-H", "%s: %s" % (name, value)]
    cmd.append("http://127.0.0.1:%d%s" % (port, path))
    r = Response(subprocess.run(cmd, capture_output=True, timeout=30).stdout)
    check(r.status_line.startswith("HTTP/2 "), "not HTTP/2: " + r.status_line, r)
    return r


@test
def http2_cleartext(s):
    # the same answers over HTTP/2 as over HTTP/1.1 (issue 13)
    r = h2(s.port, "OPTIONS", "/api/data.json", [("Origin", APP),
                                                 ("Access-Control-Request-Method", "PUT"),
                                                 ("Access-Control-Request-Headers", "x-request-id")])
    expect_grant(r, APP, status=204)
    check(r.get("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, DELETE, PATCH",
          "methods over h2", r)
    check(r.get("Access-Control-Allow-Headers") == "x-request-id", "headers over h2", r)
    expect_vary(r, "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
    r = h2(s.port, "GET", "/api/data.json", [("Origin", APP)])
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Expose-Headers") == "X-Total-Count, ETag", "expose", r)
    expect_vary(r, "Origin")
    expect_grant(h2(s.port, "GET", "/api/missing.json", [("Origin", APP)]), APP, status=404)
    expect_grant(h2(s.port, "GET", "/api/secret/data.json", [("Origin", APP)]), APP, status=401)
    r = h2(s.port, "GET", "/proxied/data.json", [("Origin", APP)])
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Allow-Methods") is None, "backend's methods over h2", r)
    expect_no_grant(h2(s.port, "GET", "/api/data.json", [("Origin", "https://evil.example")]))
    r = h2(s.port, "OPTIONS", "/api/data.json", [("Origin", "https://evil.example"),
                                                 ("Access-Control-Request-Method", "PUT")])
    check(r.status == 403, "denied preflight over h2", r)
    expect_no_grant(r)


@test
def deflate_keeps_one_set_and_merges_vary(s):
    r = get(s.port, "/api/deflate/data.json", extra=[("Accept-Encoding", "gzip")])
    expect_grant(r, APP, status=200)
    check(r.get("Content-Encoding") == "gzip", "not compressed", r)
    expect_vary(r, "Origin", "Accept-Encoding")
    r = get(s.port, "/api/deflate/data.json")
    expect_grant(r, APP, status=200)
    expect_vary(r, "Origin", "Accept-Encoding")


@test
def expires_keeps_the_grant(s):
    r = get(s.port, "/api/expires/data.json")
    expect_grant(r, APP, status=200)
    check("max-age=3600" in (r.get("Cache-Control") or ""), "mod_expires", r)
    expect_vary(r, "Origin")


@test
def rewrite_proxy_backend_replaced(s):
    # RewriteRule [P] to a backend that sends its own Access-Control-* headers
    r = get(s.port, "/rewritten/data.json")
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Allow-Methods") is None, "backend's methods kept", r)
    check(r.body == b'{"backend": true}\n', "proxied body %r" % r.body, r)
    expect_vary(r, "Origin", "Accept-Encoding")
    expect_no_grant(get(s.port, "/rewritten/data.json", "https://evil.example"))


@test
def server_error_and_cgi_failure(s):
    expect_grant(get(s.port, "/api/err500/"), APP, status=500)
    expect_grant(get(s.port, "/cgi/fail.cgi"), APP, status=500)


@test
def cgi_headers_replaced(s):
    r = get(s.port, "/cgi/cors.cgi")
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Expose-Headers") is None, "CGI's expose header kept", r)
    expect_vary(r, "Origin", "Accept")  # the CGI's "Vary: origin" is not doubled
    check(r.body == b"from cgi\n", "body", r)


@test
def cgi_headers_kept_with_override_off(s):
    r = get(s.port, "/cgi/upstream-off.cgi")
    check(r.all("Access-Control-Allow-Origin") == ["*"], "CGI's own ACAO", r)
    check(r.all("Access-Control-Expose-Headers") == ["X-Secret"], "CGI's expose", r)
    expect_vary(r, "Origin")


@test
def proxied_backend_star_replaced(s):
    r = get(s.port, "/proxied/data.json")
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Allow-Methods") is None, "backend's methods kept", r)
    check(b"backend" in r.body, "proxied body", r)
    expect_vary(r, "Origin", "Accept-Encoding")
    r = get(s.port, "/proxied/nothing.json")
    expect_grant(r, APP, status=404)


@test
def fastcgi_backend_headers_replaced(s):
    r = get(s.port, "/fcgi/app.php")
    expect_grant(r, APP, status=200)
    check(r.get("Access-Control-Allow-Headers") is None, "backend's allow-headers kept", r)
    check(b"fastcgi" in r.body, "FastCGI body", r)
    expect_vary(r, "Origin", "Accept")
    r = get(s.port, "/fcgi/app.php", "https://evil.example")
    expect_no_grant(r)


@test
def vary_is_merged_not_replaced(s):
    r = get(s.port, "/api/vary/data.json")
    expect_vary(r, "Origin", "Accept-Encoding")
    # mod_headers lines in the same scope do not double the CORS headers either
    expect_grant(r, APP, status=200)
    check(r.all("Access-Control-Expose-Headers") == ["X-Total-Count, ETag"], "expose", r)
    # a preflight answered by mod_cors still gets the scope's other headers, and one set
    r = preflight(s.port, "/api/vary/data.json", req_headers="x-request-id")
    expect_grant(r, APP, status=204)
    check(r.get("X-Frame-Options") == "DENY", "the scope's Header always lines", r)
    check(r.get("Access-Control-Allow-Headers") == "x-request-id", "allow-headers", r)
    check(r.get("Access-Control-Expose-Headers") is None, "expose on a preflight", r)
    expect_vary(r, "Origin", "Access-Control-Request-Method",
                "Access-Control-Request-Headers", "Accept-Encoding")
    # the 404 page is an ErrorDocument outside /api/vary: the original decision still holds
    r = get(s.port, "/api/vary/missing.json")
    expect_grant(r, APP, status=404)
    expect_vary(r, "Origin")


@test
def redirects_carry_cors_headers(s):
    # mod_dir's trailing-slash redirect (fixups), a per-directory RewriteRule [R], and a
    # server-context Redirect (translate_name, before the <Location> merge)
    for path, status in [("/api/dir", 301), ("/api/rewrite/x", 302), ("/api/moved", 307)]:
        r = get(s.port, path)
        expect_grant(r, APP, status=status)
        check(r.get("Location") is not None, "Location header", r)
        expect_vary(r, "Origin")
        expect_no_grant(get(s.port, path, "https://evil.example"))
    # DirectoryIndex: subrequests and an internal redirect, still one set of headers
    r = get(s.port, "/api/dir/")
    expect_grant(r, APP, status=200)
    check(r.body == b"index\n", "index body", r)
    expect_vary(r, "Origin")


@test
def not_modified_and_head_carry_cors_headers(s):
    etag = get(s.port, "/api/data.json").get("ETag")
    r = get(s.port, "/api/data.json", extra=[("If-None-Match", etag)])
    expect_grant(r, APP, status=304)
    expect_vary(r, "Origin")
    r = request(s.port, "HEAD", "/api/data.json", [("Origin", APP)])
    expect_grant(r, APP, status=200)


# ---- scopes -------------------------------------------------------------------------

@test
def enable_off_in_sub_scope(s):
    r = get(s.port, "/api/off/data.json")
    expect_no_grant(r)
    check("origin" not in r.vary_tokens(), "Vary in a disabled scope", r)
    r = preflight(s.port, "/api/off/data.json")
    check(r.status == 200, "preflight answered in a disabled scope", r)
    expect_no_grant(r)
    expect_no_grant(get(s.port, "/api/data.json?if-off"))


@test
def htaccess_with_fileinfo(s):
    o = "https://htaccess.example.com"
    expect_grant(get(s.port, "/ht-fileinfo/data.json", o), o, status=200)
    r = preflight(s.port, "/ht-fileinfo/data.json", o, method="POST")
    expect_grant(r, o, status=204)
    # the .htaccess's other headers are on the preflight answer too (issue 13)
    check(r.get("X-Htaccess") == "yes", "the .htaccess Header on a preflight", r)
    expect_no_grant(get(s.port, "/ht-fileinfo/data.json", APP))


@test
def child_scope_replaces_origin_list_only(s):
    o = "https://other.example.com"
    r = get(s.port, "/api/other/data.json", o)
    expect_grant(r, o, status=200)  # credentials inherited from /api
    check(r.get("Access-Control-Expose-Headers") == "X-Total-Count, ETag", "inherited", r)
    expect_no_grant(get(s.port, "/api/other/data.json", APP))
    r = preflight(s.port, "/api/other/data.json", o, method="PATCH")
    check(r.get("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, DELETE, PATCH",
          "inherited methods", r)


@test
def files_section_scope(s):
    o = "https://files.example.com"
    r = get(s.port, "/files-scope.json", o)
    expect_grant(r, o, credentials=False, status=200)
    check(r.get("Access-Control-Expose-Headers") == "X-Files", "expose from <Files>", r)
    expect_grant(preflight(s.port, "/files-scope.json", o, method="POST"), o,
                 credentials=False, status=204)
    expect_no_grant(get(s.port, "/errors/404.html", o))


@test
def credentials_off_and_max_age_zero_in_sub_scope(s):
    r = get(s.port, "/api/nocreds/data.json")
    expect_grant(r, APP, credentials=False, status=200)
    expect_vary(r, "Origin")
    r = preflight(s.port, "/api/nocreds/data.json")
    expect_grant(r, APP, credentials=False, status=204)
    check(r.all("Access-Control-Max-Age") == ["0"], "max-age 0", r)


@test
def merge_conflict_in_htaccess_logged_once(s):
    # <Directory> says credentials On, its .htaccess says "*": no credentials granted,
    # one error line however many requests
    for _ in range(3):
        r = get(s.port, "/ht-star/data.json", "https://anyone.example")
        expect_grant(r, "*", credentials=False, status=200)
    time.sleep(0.3)
    lines = [l for l in s.error_log().splitlines()
             if "[cors:error]" in l and "credentials are not granted here" in l]
    check(len(lines) == 1, "want one error line, got %r" % lines)


@test
def htaccess_regex_under_credentials_withholds_them(s):
    # an .htaccess adds a regex any site gets through, under a <Directory> with
    # credentials: no start-up check can see it, so no credentials are granted there
    for origin in ("https://evil.example.net", APP):
        r = get(s.port, "/ht-regex/data.json", origin)
        expect_grant(r, origin, credentials=False, status=200)


@test
def htaccess_without_fileinfo_is_ignored(s):
    r = get(s.port, "/ht-none/data.json", "https://htaccess.example.com")
    check(r.status == 200, "status", r)
    expect_no_grant(r)
    # .htaccess read, but FileInfo not allowed: httpd refuses the directive (500)
    r = get(s.port, "/ht-authconfig/data.json", "https://htaccess.example.com")
    check(r.status == 500, "CORS directive accepted without AllowOverride FileInfo", r)
    check("CORSAllowOrigin not allowed here" in s.error_log(), "httpd's message")


# ---- rules 7, 11: report-only and observability ------------------------------------------

@test
def report_only_changes_nothing(s):
    r = get(s.port, "/api/report/data.json")
    check(r.status == 200, "status", r)
    expect_no_grant(r)
    check("origin" not in r.vary_tokens(), "Vary in report-only", r)
    r = preflight(s.port, "/api/report/data.json")
    check(r.status == 200 and r.get("Allow") is not None, "preflight answered", r)
    expect_no_grant(r)


@test
def request_note_in_access_log(s):
    uniq = "/api/note-%d" % os.getpid()
    get(s.port, uniq + "-allowed")
    get(s.port, uniq + "-denied", "https://evil.example")
    get(s.port, uniq + "-invalid", "https://a.example, https://b.example")
    get(s.port, uniq + "-none", None)
    preflight(s.port, uniq + "-pf")
    preflight(s.port, uniq + "-method", method="PURGE")
    preflight(s.port, uniq + "-header", req_headers="x-evil")
    get(s.port, "/api/report/data.json?" + uniq, "https://evil.example")
    want = {"-allowed": "GET 404 allowed", "-denied": "GET 404 denied-origin",
            "-invalid": "GET 404 invalid-origin", "-none": "GET 404 none",
            "-pf": "OPTIONS 204 preflight", "-method": "OPTIONS 204 denied-method",
            "-header": "OPTIONS 204 denied-header"}
    time.sleep(0.3)
    log = s.access_log()
    for suffix, line in want.items():
        method, status, note = line.split()
        pat = r"^%s %s%s %s %s$" % (method, re.escape(uniq), suffix, status, note)
        check(re.search(pat, log, re.M), "access log lacks %r:\n%s" % (pat, log[-2000:]))
    check(re.search(r"^GET /api/report/data.json 200 report-only:denied-origin$", log, re.M),
          "report-only note missing")


@test
def denials_logged_at_info_safely(s):
    preflight(s.port, "/api/data.json", method="PURGE")
    preflight(s.port, "/api/data.json", req_headers="x-logged-header")
    get(s.port, "/api/data.json", "https://logged.example")
    get(s.port, "/api/%1b[31mescaped", "https://logged.example")
    request(s.port, "GET", "/api/data.json",
            raw_headers=b"Origin: https://x.example\x1b[31m\r\n")
    time.sleep(0.3)
    log = s.error_log()
    check("[cors:info]" in log and "method PURGE not allowed" in log, "method denial log")
    check("header x-logged-header not allowed" in log, "header denial log")
    check("origin https://logged.example not allowed" in log, "origin denial log")
    check("\x1b" not in log, "raw escape character in the error log")
    check("escaped: origin https://logged.example not allowed" in log, "escaped uri log")
    check("[cors:debug]" in log and "CORS preflight" in log, "debug decision log")


# ---- a server where no directory can change CORS: preflights skip the directory walk --

FAST_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    AllowOverride None
</Directory>
<Directory "@DIR@/htdocs/private">
    Require all denied
</Directory>
<Location /api>
    CORSAllowOrigin https://app.example.com
    CORSAllowMethods PUT
    Header always set X-Location-Config "api"
</Location>
<Location /api/report>
    CORSReportOnly On
</Location>
<If "%{QUERY_STRING} == 'off'">
    CORSEnable Off
</If>
"""

# Headers that <Directory> and <Files> sections give every response of a URL, and no
# .htaccess: a preflight answer carries them too (issue 13, item 5).
DIR_HEADERS_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    AllowOverride None
</Directory>
<Directory "@DIR@/htdocs/hsts">
    Header always set Strict-Transport-Security "max-age=63072000"
</Directory>
<Files "csp.json">
    Header always set Content-Security-Policy "default-src 'none'"
</Files>
<Location /api>
    Header always set X-Location-Config "api"
</Location>
CORSAllowOrigin https://app.example.com
CORSAllowMethods PUT
"""


@test
def preflight_answers_carry_the_urls_other_headers(s):
    hsts, csp = "Strict-Transport-Security", "Content-Security-Policy"
    files = {"htdocs/%s/%s" % (sub, f): "{}\n"
             for sub in ("hsts", "api", "plain") for f in ("data.json", "csp.json")}
    with scratch_server(s, DIR_HEADERS_CONF, "dirheaders", files) as h:
        for path, want in (("/hsts/data.json", {hsts}), ("/hsts/csp.json", {hsts, csp}),
                           ("/api/csp.json", {csp}), ("/plain/data.json", set())):
            for r in (preflight(h.port, path), get(h.port, path)):
                expect_grant(r, APP, credentials=False, status=r.status)
                for name in (hsts, csp):
                    check((r.get(name) is not None) == (name in want),
                          "%s %s on %s %s" % (name, "missing" if name in want else "sent",
                                              "preflight" if r.status == 204 else "GET", path), r)
            check(r.status == 200, "GET %s" % path, r)
        check(preflight(h.port, "/api/data.json").get("X-Location-Config") == "api",
              "the location's header on a preflight")


# The same, with one directory whose .htaccess may set CORSAllowOrigin through
# AllowOverrideList: the shortcut must be off, and the .htaccess honoured.
LIST_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    AllowOverride None
</Directory>
<Directory "@DIR@/htdocs/listed">
    AllowOverrideList CORSAllowOrigin
</Directory>
CORSAllowOrigin https://app.example.com
"""

# An <If> inside a <Directory>: merged only by the directory walk, so it too turns the
# preflight shortcut off.
IF_DIR_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
</Directory>
<Directory "@DIR@/htdocs/iffed">
    <If "-n %{HTTP:Origin}">
        CORSEnable Off
    </If>
</Directory>
CORSAllowOrigin https://app.example.com
"""


@test
def preflight_shortcut_where_directories_cannot_change_cors(s):
    files = {"htdocs/%s/data.json" % sub: "{}\n"
             for sub in ("api", "api/report", "private", "private/api")}
    with scratch_server(s, FAST_CONF, "fast", files) as h:
        r = preflight(h.port, "/api/data.json")
        expect_grant(r, APP, credentials=False, status=204)
        check(r.get("Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT", "methods", r)
        check(r.get("X-Location-Config") == "api", "the scope's headers on a preflight", r)
        r = preflight(h.port, "/api/data.json", "https://evil.example")
        check(r.status == 403, "denied preflight", r)
        expect_no_grant(r)
        # not answered by mod_cors: httpd walks the directories as usual
        r = preflight(h.port, "/api/data.json?off")
        check(r.status == 200 and r.get("Allow") is not None, "<If> Off: httpd answers", r)
        expect_no_grant(r)
        r = preflight(h.port, "/api/report/data.json")
        check(r.status == 200 and r.get("Allow") is not None, "report-only: httpd answers", r)
        r = preflight(h.port, "/private/data.json")
        check(r.status == 403, "a <Directory> Require applies when mod_cors does not answer", r)
        r = get(h.port, "/api/data.json")
        expect_grant(r, APP, credentials=False, status=200)
        check(r.get("X-Location-Config") == "api", "location config", r)
        check(get(h.port, "/private/data.json").status == 403, "directory config for GET")


# mod_cache in front of CORS scopes (issue 13, spec "Caches"): the disk and the socache
# providers, with the quick handler (the main server) and without (the second port); a
# proxied backend that answers "*" and "public, max-age=600", and a static file.
CACHE_CONF = r"""
LoadModule cache_module /usr/lib/apache2/modules/mod_cache.so
LoadModule cache_disk_module /usr/lib/apache2/modules/mod_cache_disk.so
LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so
LoadModule cache_socache_module /usr/lib/apache2/modules/mod_cache_socache.so
CacheRoot "@DIR@/cache"
CacheSocache shmcb
CacheHeader On
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    Header set Cache-Control "public, max-age=600"
</Directory>
<Location /disk>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
    CORSExposeHeaders ETag
</Location>
<Location /sock>
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
    CORSExposeHeaders ETag
</Location>
# found by review: a path with an escape other than an unreserved character; an
# ErrorDocument served from the cache; a backend that answers CORS itself
<Location "/disk/a b">
    CORSEnable Off
</Location>
<Location /disk/missing>
    ErrorDocument 404 /disk/proxied/reflect/err.json
</Location>
<Location /disk/up>
    CORSOverrideUpstream Off
</Location>
ProxyPass /disk/up/ http://127.0.0.1:@PORT2@/reflect/
CacheEnable disk /disk/
CacheEnable socache /sock/
ProxyPass /disk/proxied/ http://127.0.0.1:@PORT2@/
ProxyPass /sock/proxied/ http://127.0.0.1:@PORT2@/
<VirtualHost 127.0.0.1:@PORT2@>
    DocumentRoot "@DIR@/backend"
    <Directory "@DIR@/backend">
        Require all granted
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
    Header always set Access-Control-Expose-Headers "X-Secret"
    Header always set Cache-Control "public, max-age=600"
    <Location /reflect>
        # reflects any Origin, with credentials, and no Vary
        SetEnvIf Origin "^(.+)$" ORIG=$1
        Header always set Access-Control-Allow-Origin "%{ORIG}e" env=ORIG
        Header always set Access-Control-Allow-Credentials "true" env=ORIG
    </Location>
</VirtualHost>
<VirtualHost 127.0.0.1:@PORT3@>
    CacheQuickHandler Off
    DocumentRoot "@DIR@/htdocs"
    CacheEnable disk /disk/
    CacheEnable socache /sock/
    ProxyPass /disk/proxied/ http://127.0.0.1:@PORT2@/
    ProxyPass /sock/proxied/ http://127.0.0.1:@PORT2@/
</VirtualHost>
"""


@test
def cache_never_replays_one_origins_grant(s):
    files = {
        "htdocs/disk/static.json": '{"static": true}\n',
        "htdocs/sock/static.json": '{"static": true}\n',
        "htdocs/disk/a b/data.json": "{}\n",
        "backend/data.json": '{"backend": true}\n',
        "backend/reflect/err.json": '{"error": true}\n',
        "backend/reflect/data.json": '{"reflect": true}\n'}
    with scratch_server(s, CACHE_CONF, "cache", files, ports=3, writable=["cache"]) as h:
        for port, quick in ((h.ports[0], "quick handler"), (h.ports[2], "no quick handler")):
            for path in ("/disk/proxied/data.json", "/sock/proxied/data.json",
                         "/disk/static.json", "/sock/static.json"):
                what = "%s, %s" % (path, quick)
                r = get(port, path)
                expect_grant(r, APP, status=200)
                check(r.get("Access-Control-Expose-Headers") == "ETag", "expose: " + what, r)
                # from the cache: another origin's request gets no grant, and nothing of
                # the backend's "*"
                r = get(port, path, "https://evil.example")
                check((r.get("X-Cache") or "").startswith("HIT"), "not a hit: " + what, r)
                expect_no_grant(r)
                check(r.get("Access-Control-Expose-Headers") is None, "expose: " + what, r)
                expect_vary(r, "Origin")
                r = get(port, path, None)
                check((r.get("X-Cache") or "").startswith("HIT"), "not a hit: " + what, r)
                expect_no_grant(r)
                expect_vary(r, "Origin")
                # and the allowed origin its own grant, once
                r = get(port, path)
                check((r.get("X-Cache") or "").startswith("HIT"), "not a hit: " + what, r)
                expect_grant(r, APP, status=200)
                check(r.get("Access-Control-Expose-Headers") == "ETag", "expose: " + what, r)
                expect_vary(r, "Origin")
            # preflights are answered as without a cache, with one set of headers
            r = preflight(port, "/disk/static.json", method="GET")
            expect_grant(r, APP, status=204)
            expect_vary(r, "Origin", "Access-Control-Request-Method")
            check(preflight(port, "/sock/static.json", "https://evil.example").status == 403,
                  "denied preflight behind the cache")
        port = h.ports[0]
        # a space in the path: decided on the <Location> httpd finds, hit or not
        for _ in range(2):
            r = get(port, "/disk/a%20b/data.json")
            expect_no_grant(r)
        check((r.get("X-Cache") or "").startswith("HIT"), "not a hit: a%20b", r)
        # an ErrorDocument that is a cached, reflecting backend's answer: the stored copy
        # has no grant, and a hit gets the original request's decision
        expect_no_grant(get(port, "/disk/missing/1", EVIL))
        r = get(port, "/disk/missing/2")
        # (mod_cache answers such a hit with the stored status)
        check((r.get("X-Cache") or "").startswith("HIT"), "ErrorDocument not a hit", r)
        expect_grant(r, APP)
        expect_vary(r, "Origin")
        expect_no_grant(get(port, "/disk/missing/3", EVIL))
        # CORSOverrideUpstream Off: the backend's grant is stored per origin (Vary)
        r = get(port, "/disk/up/data.json")
        expect_grant(r, APP, status=200)
        r = get(port, "/disk/up/data.json", EVIL)
        check(r.get("Access-Control-Allow-Origin") != APP, "app's grant replayed to evil", r)
        expect_vary(r, "Origin")
        # what mod_cache_disk stored: no grant, no upstream Access-Control-* header
        for root, dirs, files in os.walk(os.path.join(h.dir, "cache")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read().lower()
                if b"/disk/up/" in data:
                    continue  # CORSOverrideUpstream Off: the backend's own answer, kept
                # (mod_cache_disk keeps the request's headers too: its Origin is no grant)
                for line in data.split(b"\r\n"):
                    check(b"access-control-" not in line and
                          (b"app.example.com" not in line or line.startswith(b"origin:")),
                          "stored in %s: %r" % (name, line))


# A <Directory> that changes CORS, behind mod_cache: its quick handler serves hits
# before that section is read (found by review).
CACHE_DIR_CONF = r"""
LoadModule cache_module /usr/lib/apache2/modules/mod_cache.so
LoadModule cache_disk_module /usr/lib/apache2/modules/mod_cache_disk.so
CacheRoot "@DIR@/cache"
CacheHeader On
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
    Header set Cache-Control "public, max-age=600"
</Directory>
<Directory "@DIR@/htdocs/disk">
    CORSAllowOrigin https://app.example.com
</Directory>
<Directory "@DIR@/htdocs/disk/private">
    CORSAllowOrigin https://admin.example.com
</Directory>
CacheEnable disk /disk/
<VirtualHost 127.0.0.1:@PORT2@>
    CacheQuickHandler Off
    DocumentRoot "@DIR@/htdocs"
    CacheEnable disk /disk/
</VirtualHost>
"""


@test
def cache_quick_handler_before_directory_cors(s):
    admin, path = "https://admin.example.com", "/disk/private/data.json"
    with scratch_server(s, CACHE_DIR_CONF, "cachedir", {"htdocs" + path: "{}\n"}, ports=2,
                        writable=["cache"]) as h:
        check("CacheQuickHandler Off" in h.error_log(), "no start-up warning")
        # the quick handler: no grant on a hit, for anyone, and Vary: Origin
        expect_grant(get(h.ports[0], path, admin), admin, credentials=False, status=200)
        for origin in (APP, admin):
            r = get(h.ports[0], path, origin)
            check((r.get("X-Cache") or "").startswith("HIT"), "not a hit", r)
            expect_no_grant(r)
            expect_vary(r, "Origin")
        # without it, hits are decided with the <Directory>
        expect_grant(get(h.ports[1], path, admin), admin, credentials=False, status=200)
        r = get(h.ports[1], path, APP)
        check((r.get("X-Cache") or "").startswith("HIT"), "not a hit", r)
        expect_no_grant(r)
        r = get(h.ports[1], path, admin)
        expect_grant(r, admin, credentials=False, status=200)


@test
def allow_override_list_disables_the_shortcut(s):
    files = {"htdocs/listed/data.json": "{}\n",
             "htdocs/listed/.htaccess": "CORSAllowOrigin https://listed.example.com\n"}
    with scratch_server(s, LIST_CONF, "list", files) as h:
        o = "https://listed.example.com"
        expect_grant(preflight(h.port, "/listed/data.json", o), o, credentials=False,
                     status=204)
        r = preflight(h.port, "/listed/data.json")
        check(r.status == 403, "the .htaccess list replaces the <Location> one", r)


@test
def if_inside_directory_disables_the_shortcut(s):
    files = {"htdocs/iffed/data.json": "{}\n", "htdocs/plain/data.json": "{}\n"}
    with scratch_server(s, IF_DIR_CONF, "ifdir", files) as h:
        r = preflight(h.port, "/iffed/data.json")
        check(r.status == 200 and r.get("Allow") is not None, "<If> Off ignored", r)
        expect_no_grant(r)
        expect_grant(preflight(h.port, "/plain/data.json"), APP, credentials=False,
                     status=204)


# ---- server-wide configurations, started per test -------------------------------------

def config_error(root, module, asan, body, message):
    h = Httpd(root, module, body, asan=asan, name="cfg%d" % len(os.listdir(root)))
    res = h.configtest()
    out = res.stdout + res.stderr
    check(res.returncode != 0, "apache2 -t accepted:\n" + body)
    check(message in out, "apache2 -t said %r, want %r" % (out.strip(), message))


CONFIG_ERRORS = [
    ("CORSAllowOrigin https://app.example.com/", "has a trailing slash"),
    ("CORSAllowOrigin https://app.example.com/api", "has a path"),
    ("CORSAllowOrigin https://app.example.com?x", "has a query"),
    ("CORSAllowOrigin https://app.example.com#x", "has a fragment"),
    ("CORSAllowOrigin https://user@app.example.com", "has userinfo"),
    ("CORSAllowOrigin app.example.com", "has no scheme"),
    ("CORSAllowOrigin https://a.example,https://b.example", "holds several origins"),
    ("CORSAllowOrigin https://a.example:99999", "has an invalid port"),
    ("CORSAllowOrigin https://app.*.example.com", "misplaced wildcard"),
    ("CORSAllowOrigin https://*.co.uk", "public suffix 'co.uk'"),
    ("CORSAllowOrigin https://*.com", "public suffix 'com'"),
    ("CORSAllowOrigin *\nCORSAllowCredentials On", "CORSAllowOrigin * cannot be combined"),
    ("CORSAllowCredentials On\nCORSAllowOrigin *", "CORSAllowOrigin * cannot be combined"),
    ("CORSAllowOrigin https://a.example\nCORSAllowCredentials On\nCORSExposeHeaders *",
     "CORSExposeHeaders * cannot be combined"),
    ("CORSMaxAge 86401", "not a number of seconds from 0 to 86400"),
    ("CORSMaxAge ten", "not a number of seconds"),
    ("CORSAllowOriginRegex https://(unclosed", "not a valid regular expression"),
    ("CORSAllowMethods PU(T", "not a valid method"),
    ("CORSAllowHeaders X:Bad", "not a valid header name"),
    ("CORSExposeHeaders X@Bad", "not a valid header name"),
    ("CORSPreflightStatus 201", "must be 200 or 204"),
    ("CORSEnable maybe", "CORSEnable"),
    # methods as browsers send them, and what Fetch forbids
    ("<Location /dav>\nDav On\nCORSAllowOrigin https://app.example.com\n"
     "CORSAllowMethods put delete\n</Location>",
     "'put' never matches: browsers send the standard methods in upper case"),
    ("CORSAllowMethods PUT Delete", "write 'DELETE'"),
    ("CORSAllowMethods CONNECT", "Fetch forbids it"),
    ("CORSAllowMethods TRACE", "Fetch forbids it"),
    ("CORSAllowMethods track", "Fetch forbids it"),
    ("CORSAllowHeaders Content-Type Cookie", "'Cookie' is a header scripts can never set"),
    ("CORSAllowHeaders Sec-Fetch-Dest", "Fetch forbids it"),
    ("CORSAllowHeaders Proxy-Authorization", "Fetch forbids it"),
    ("CORSExposeHeaders ETag Set-Cookie", "'Set-Cookie' is never exposed"),
    ("CORSAllowOriginRegex \"\"", "CORSAllowOriginRegex requires at least one argument"),
    ("CORSAllowOriginRegex https://App\\.example\\.com", "upper-case letter 'A'"),
    # with credentials: what an attacker can register, public suffixes, http://
    ("CORSAllowCredentials On\nCORSAllowOriginRegex .*",
     "accepts 'https://evil.com', an origin anyone can register"),
    ("CORSAllowOriginRegex https://.*\nCORSAllowCredentials On",
     "accepts 'https://evil.com', an origin anyone can register"),
    ("CORSAllowCredentials On\nCORSAllowOriginRegex https://app.example.com",
     "accepts 'https://appxexample.com'"),
    ("CORSAllowCredentials On\nCORSAllowOriginRegex https://.*example\\.com",
     "accepts 'https://evilexample.com'"),
    ("CORSAllowCredentials On\nCORSAllowOriginRegex https://[a-z]+\\.netlify\\.app",
     "accepts 'https://evil.netlify.app'"),
    ("CORSAllowCredentials On\nCORSAllowOrigin https://*.amazonaws.com",
     "covers the public suffix"),
    ("CORSAllowCredentials On\nCORSAllowOrigin http://app.example.com",
     "'http://app.example.com' is an http:// origin"),
    ("CORSAllowCredentials On\nCORSAllowOrigin http://*.example.com",
     "is an http:// origin"),
    ("CORSAllowCredentials On\nCORSAllowOriginRegex https?://app\\.example\\.com",
     "accepts the http:// origin 'http://app.example.com'"),
    # the same split across sections
    ("CORSAllowCredentials On\n<Location /pr>\nCORSAllowOriginRegex .*\n</Location>",
     "accepts 'https://evil.com'"),
    ("<Location /a/b>\nCORSAllowCredentials On\n</Location>\n"
     "<Location /a>\nCORSAllowOrigin *\n</Location>",
     "CORSAllowOrigin * cannot be combined"),
    ("<Directory /srv/www>\nCORSAllowCredentials On\n</Directory>\n"
     "<Location />\nCORSAllowOrigin *\n</Location>",
     "CORSAllowOrigin * cannot be combined"),
    ("<Directory /srv/www>\nCORSAllowCredentials On\n</Directory>\n"
     "<Directory /srv/www/pub>\nCORSAllowOrigin http://app.example.com\n</Directory>",
     "is an http:// origin"),
    ("CORSAllowMethods " + " ".join("M%d" % i for i in range(64)),
     "has more than 63 arguments, and httpd drops those after the 64th"),
    ("CORSAllowOrigin https://app.example.com # the app", "'#' starts a comment"),
    # conflicts that only appear once scopes are merged
    ("<Location /x>\nCORSAllowCredentials On\n</Location>\n"
     "<Location /x/y>\nCORSAllowOrigin *\n</Location>",
     "CORSAllowOrigin * cannot be combined"),
    ("<VirtualHost 127.0.0.1:@PORT@>\nCORSAllowCredentials On\n"
     "<Location /x>\nCORSAllowOrigin *\n</Location>\n</VirtualHost>",
     "CORSAllowOrigin * cannot be combined"),
    ("CORSAllowCredentials On\n<Location /x>\nCORSAllowOrigin *\n</Location>",
     "CORSAllowOrigin * cannot be combined"),
]


@test
def configuration_errors_fail_configtest(s):
    root = tempfile.mkdtemp(dir=s.root)
    os.chmod(root, 0o755)
    for body, message in CONFIG_ERRORS:
        config_error(root, s.module, s.asan, body + "\n", message)
    ok = Httpd(root, s.module, "CORSAllowOrigin https://app.example.com\n"
               "CORSAllowCredentials On\n", asan=s.asan, name="ok").configtest()
    check(ok.returncode == 0, "a valid configuration refused: " + ok.stderr)
    # sibling paths do not merge: /x does not contain /xy
    ok = Httpd(root, s.module, "<Location /x>\nCORSAllowCredentials On\n</Location>\n"
               "<Location /xy>\nCORSAllowOrigin *\n</Location>\n", asan=s.asan,
               name="ok2").configtest()
    check(ok.returncode == 0, "sibling locations merged: " + ok.stderr)
    # what is refused only with credentials is accepted without them, or where the
    # admin says so (a legacy intranet), and loopback http:// always
    for i, body in enumerate([
            "CORSAllowOriginRegex .*\nCORSAllowOrigin * http://app.example.com\n",
            "CORSAllowCredentials On\nCORSAllowInsecureOrigins On\n"
            "CORSAllowOrigin http://intranet.example.com\n"
            "CORSAllowOriginRegex http://[a-z]+\\.corp\\.example\\.com\n",
            # the README's example: a later line resolves what an earlier one started
            "<Location /legacy>\nCORSAllowOrigin http://intranet.example.com\n"
            "CORSAllowCredentials On\nCORSAllowInsecureOrigins On\n</Location>\n",
            "CORSAllowCredentials On\nCORSAllowOrigin http://localhost:* http://127.0.0.1:8080 "
            "http://[::1]:3000\nCORSAllowOriginRegex https://pr-[0-9]+\\.preview\\.example\\.com\n"
            "CORSAllowMethods PUT DELETE patch\n",
    ]):
        ok = Httpd(root, s.module, body, asan=s.asan, name="ok-%d" % i).configtest()
        check(ok.returncode == 0, "refused:\n%s%s" % (body, ok.stderr))
    # a wildcard over a domain with public suffixes below: a warning without credentials
    ok = Httpd(root, s.module, "CORSAllowOrigin https://*.amazonaws.com\n", asan=s.asan,
               name="warn").configtest()
    check(ok.returncode == 0 and "covers the public suffix" in ok.stderr, ok.stderr)
    # a merged conflict names both lines
    h = Httpd(root, s.module, "<Location /x>\nCORSAllowCredentials On\n</Location>\n"
              "<Location /x/y>\nCORSAllowOrigin *\n</Location>\n", asan=s.asan, name="both")
    out = h.configtest().stderr
    base = len(h.base_conf().splitlines())
    check("Syntax error on line %d of %s:" % (base + 5, h.conf) in out
          and "(in <Location /x/y>, merged with <Location /x>; with line %d of %s)"
          % (base + 2, h.conf) in out, out)
    # a real start refuses a merged conflict too (post_config), and says why
    h = Httpd(root, s.module, "CORSAllowCredentials On\n<Location /x>\nCORSAllowOrigin *\n"
              "</Location>\n", asan=s.asan, name="start")
    try:
        h.start()
        check(False, "apache2 started with a merged conflict")
    except RuntimeError as e:
        check("CORSAllowOrigin * cannot be combined" in str(e), "start-up message: %s" % e)
    finally:
        h.stop()
    # the error names the file and line
    h = Httpd(root, s.module, "\n\nCORSAllowOrigin https://x.example/\n", asan=s.asan,
              name="line")
    out = h.configtest().stderr
    check(re.search(r"Syntax error on line \d+ of .*httpd.conf", out), "no line: " + out)


# Regexes that backtrack catastrophically on a hostile Origin (a long run of label
# characters that fails at its end costs PCRE2's whole match limit, some 0.1 s a request),
# refused at start-up like any bad value; and the safe shapes next to them, accepted.
REDOS_REFUSED = [
    ("^https://([a-z0-9-]+\\.?)+\\.example\\.com$",
     "'^https://([a-z0-9-]+\\.?)+\\.example\\.com$' can take exponential time on a hostile "
     "Origin: the repeated part '([a-z0-9-]+\\.?)+' can match the same text in two ways; "
     "write it so that it cannot, e.g. '([a-z0-9-]+\\.)*'"),
    # before the structural check, the judge's sampling took some 10 s on this one
    ("(.*)*(.*)*x", "can take exponential time on a hostile Origin"),
    ("https://(\\w|\\d)+\\.example\\.com", "the repeated part '(\\w|\\d)+'"),
    ("https://.*-.*-.*\\.example\\.com",
     "can take polynomial time (n^3 steps for an Origin of n characters)"),
]
REDOS_ACCEPTED = [
    "^https://([a-z0-9-]+\\.)*example\\.com$",
    "^https?://(www\\.)?(foo|bar)\\.example\\.com(:[0-9]+)?$",
    "https://[a-z0-9]+(-[a-z0-9]+)*\\.example\\.com",
    "https://.*-.*\\.example\\.com",
]


@test
def redos_regexes_refused(s):
    root = tempfile.mkdtemp(dir=s.root)
    os.chmod(root, 0o755)
    for i, (regex, message) in enumerate(REDOS_REFUSED):
        h = Httpd(root, s.module, "CORSAllowOriginRegex %s\n" % regex, asan=s.asan,
                  name="redos%d" % i)
        res = h.configtest()
        out = res.stdout + res.stderr
        line = len(h.base_conf().splitlines()) + 1
        check(res.returncode != 0, "apache2 -t accepted " + regex)
        check("Syntax error on line %d of %s:" % (line, h.conf) in out, out)
        # httpd's log escapes a backslash as two
        message = message.replace("\\", "\\\\")
        check(message in out, "apache2 -t said %r, want %r" % (out.strip(), message))
    for i, regex in enumerate(REDOS_ACCEPTED):
        ok = Httpd(root, s.module, "CORSAllowOriginRegex %s\n" % regex, asan=s.asan,
                   name="redos-ok%d" % i).configtest()
        check(ok.returncode == 0, "refused %s: %s" % (regex, ok.stderr))


# ---- runner -----------------------------------------------------------------------------

# ---- CORSEnforce: the allow-list refuses unsafe cross-origin requests ----------------

ENFORCE_CONF = r"""
DocumentRoot "@DIR@/htdocs"
ScriptAlias /api/ "@DIR@/cgi/"
ScriptAlias /shadow/ "@DIR@/cgi/"
<Directory "@DIR@/cgi">
    Require all granted
    Options +ExecCGI
</Directory>
<Location /api>
    CORSAllowOrigin https://app.example.com
    CORSEnforce On
</Location>
<Location /api/secret.cgi>
    AuthType Basic
    AuthName enforce
    AuthUserFile /dev/null
    Require valid-user
</Location>
<Location /shadow>
    CORSAllowOrigin https://app.example.com
    CORSEnforce On
    CORSReportOnly On
</Location>
"""

# The handler leaves a trace of each request it ran, so that a test can tell that a
# refused request never reached it.
CGI_TRACE = """#!/bin/sh
head -c "${CONTENT_LENGTH:-0}" > /dev/null
echo "$REQUEST_METHOD $HTTP_X_CASE" >> "@DIR@/runs/trace"
printf 'Content-Type: text/plain\r\n\r\nran\n'
"""


@test
def enforce_refuses_cross_site_writes_before_auth_and_handler(s):
    files = {"cgi/x.cgi": CGI_TRACE, "cgi/secret.cgi": CGI_TRACE, "htdocs/index.html": ""}
    with scratch_server(s, ENFORCE_CONF, "enforce", files, ports=2, writable=("runs",)) as h:
        for name in ("x.cgi", "secret.cgi"):
            path = os.path.join(h.dir, "cgi", name)
            write(path, CGI_TRACE.replace("@DIR@", h.dir), 0o755)
        own = "http://127.0.0.1:%d" % h.port
        other = "http://127.0.0.1:%d" % h.ports[1]
        # (case, method, path, headers, status, note)
        cases = [
            ("get", "GET", "/api/x.cgi", [("Origin", "https://evil.example"),
                                          ("Sec-Fetch-Site", "cross-site")], 200, "denied-origin"),
            ("listed", "POST", "/api/x.cgi", [("Origin", APP), ("Sec-Fetch-Site", "cross-site")],
             200, "allowed"),
            ("cross", "POST", "/api/x.cgi", [("Origin", "https://evil.example"),
                                             ("Sec-Fetch-Site", "cross-site")],
             403, "enforced:cross-site"),
            ("samesite", "PUT", "/api/x.cgi", [("Origin", "https://www.example.com"),
                                               ("Sec-Fetch-Site", "same-site")],
             403, "enforced:same-site"),
            ("sameorigin", "POST", "/api/x.cgi", [("Origin", own),
                                                  ("Sec-Fetch-Site", "same-origin")],
             200, "same-origin"),
            ("emptysfs", "POST", "/api/x.cgi", [("Sec-Fetch-Site", "")], 200, "none"),
            ("repeatedsfs", "POST", "/api/x.cgi", [("Origin", own),
                                                   ("Sec-Fetch-Site", "same-origin"),
                                                   ("Sec-Fetch-Site", "cross-site")],
             200, "same-origin"),
            ("typed", "POST", "/api/x.cgi", [("Sec-Fetch-Site", "none")], 200, "none"),
            ("curl", "POST", "/api/x.cgi", [], 200, "none"),
            ("ownport", "DELETE", "/api/x.cgi", [("Origin", own)], 200, "same-origin"),
            ("otherport", "POST", "/api/x.cgi", [("Origin", other)], 403, "enforced:origin"),
            ("null", "POST", "/api/x.cgi", [("Origin", "null")], 403, "enforced:origin"),
            ("invalid", "POST", "/api/x.cgi", [("Origin", "https://a b")], 403,
             "enforced:origin"),
            ("auth", "POST", "/api/secret.cgi", [("Origin", "https://evil.example"),
                                                 ("Sec-Fetch-Site", "cross-site")],
             403, "enforced:cross-site"),
            ("shadow", "POST", "/shadow/x.cgi", [("Origin", "https://evil.example"),
                                                 ("Sec-Fetch-Site", "cross-site")],
             200, "report-only:enforced:cross-site"),
        ]
        for case, method, path, headers, status, _ in cases:
            try:
                r = request(h.port, method, path + "?" + case, headers + [("X-Case", case)],
                            body=b"a=1" if method != "GET" else b"")
            except IndexError:
                raise Failure("%s: no answer; error log:\n%s" % (case, h.error_log()[-3000:]))
            check(r.status == status, "%s: status %d, want %d" % (case, r.status, status), r)
        r = preflight(h.port, "/api/x.cgi", extra=[("Sec-Fetch-Site", "cross-site")])
        check(r.status == 204, "a preflight is answered as before", r)
        time.sleep(0.3)
        log, trace = h.access_log(), open(os.path.join(h.dir, "runs", "trace")).read()
        for case, method, path, _, status, note in cases:
            line = "%s %s %d %s" % (method, path, status, note)
            check(line in log, "%s: access log lacks %r:\n%s" % (case, line, log))
            ran = ("%s %s" % (method, case)) in trace
            check(ran == (status == 200), "%s: the handler %s" % (case, "ran" if ran else "did not run"))
        err = h.error_log()
        check("CORS enforced:cross-site POST /api/x.cgi: a cross-site request from "
              "https://evil.example, not on the allow-list" in err, "the info log line:\n" + err)
        check("CORS enforced:origin POST /api/x.cgi: a cross-origin request from an invalid origin"
              in err and "a b" not in err, "an invalid origin is described, never copied")
        check("report-only:enforced:cross-site" in err, "report-only is logged")


# ---- counters on mod_status's page ---------------------------------------------------

COUNTERS_CONF = r"""
LoadModule status_module /usr/lib/apache2/modules/mod_status.so
StartServers 3
ServerLimit 4
ThreadsPerChild 2
MaxRequestWorkers 8
MinSpareThreads 2
MaxSpareThreads 8
LogFormat "%P %m %U %>s %{cors}n" pids
CustomLog "@DIR@/logs/pids.log" pids
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
</Directory>
<Location /server-status>
    SetHandler server-status
</Location>
<Location /api>
    CORSAllowOrigin https://app.example.com
    CORSAllowMethods PUT
    CORSAllowHeaders X-A
    CORSEnforce On
</Location>
<Location /shadow>
    CORSAllowOrigin https://app.example.com
    CORSReportOnly On
</Location>
<VirtualHost 127.0.0.1:@PORT2@>
    ServerName second.example
    DocumentRoot "@DIR@/htdocs"
    <Location /api>
        CORSAllowOrigin https://app.example.com
    </Location>
</VirtualHost>
"""

COUNTER_NAMES = ["CORSPreflights", "CORSGranted", "CORSDeniedOrigin", "CORSInvalidOrigin",
                 "CORSDeniedMethod", "CORSDeniedHeader", "CORSEnforced", "CORSReportOnlyDenials"]


def status_auto(port):
    r = get(port, "/server-status?auto", None)
    found = dict(line.split(": ", 1) for line in r.body.decode().splitlines() if ": " in line)
    return {k: int(found.get(k, -1)) for k in COUNTER_NAMES}


def counted_traffic(h):
    """Known traffic, several requests at once so that several children serve it."""
    evil = "https://evil.example"
    jobs = ([lambda: get(h.port, "/api/x.json")] * 5 +
            [lambda: preflight(h.port, "/api/x.json", req_headers="x-a")] * 4 +
            [lambda: get(h.port, "/api/x.json", evil)] * 3 +
            [lambda: get(h.port, "/api/x.json", "https://a, https://b")] * 2 +
            [lambda: preflight(h.port, "/api/x.json", method="DELETE")] * 2 +
            [lambda: preflight(h.port, "/api/x.json", req_headers="x-b")] * 1 +
            [lambda: request(h.port, "POST", "/api/x.json",
                             [("Origin", evil), ("Sec-Fetch-Site", "cross-site")], b"a")] * 3 +
            [lambda: get(h.port, "/shadow/x.json", evil)] * 2 +
            [lambda: get(h.ports[1], "/api/x.json")] * 6)
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: job(), jobs))
    # the 3 refused POSTs count as CORSEnforced only (their note is enforced:...), not
    # also as denied origins
    return {"CORSGranted": 11, "CORSPreflights": 4, "CORSDeniedOrigin": 3,
            "CORSInvalidOrigin": 2, "CORSDeniedMethod": 2, "CORSDeniedHeader": 1,
            "CORSEnforced": 3, "CORSReportOnlyDenials": 2}


@test
def counters_on_the_status_page_across_children_and_a_graceful_restart(s):
    files = {"htdocs/api/x.json": "{}\n", "htdocs/shadow/x.json": "{}\n"}
    with scratch_server(s, COUNTERS_CONF, "counters", files, ports=2) as h:
        check(status_auto(h.port) == {k: 0 for k in COUNTER_NAMES}, "all zero at start")
        want = counted_traffic(h)
        got = status_auto(h.port)
        check(got == want, "after the traffic: %r, want %r" % (got, want))
        time.sleep(0.3)
        pids = {line.split()[0] for line in open(os.path.join(h.dir, "logs", "pids.log"))}
        check(len(pids) >= 2, "several children served the traffic: %r" % pids)
        page = get(h.port, "/server-status", None).body.decode()
        check("<h2>mod_cors</h2>" in page and "second.example:%d" % h.ports[1] in page,
              "the status page has a table per virtual host")
        check("<td>127.0.0.1:%d</td>" % h.port in page,
              "the main server is named by its first Listen port, not ':0'")
        row = re.search(r"<tr><td>second\.example:\d+</td>((?:<td>\d+</td>)+)", page)
        check(row and re.findall(r"\d+", row.group(1))[:2] == ["0", "6"],
              "the second virtual host's own counts: %r" % (row and row.group(1)))
        # a graceful restart keeps them
        h.proc.send_signal(signal.SIGUSR1)
        deadline = time.time() + 10
        while h.error_log().count("resuming normal operations") < 2 and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        check(status_auto(h.port) == want, "kept across a graceful restart")
        counted_traffic(h)
        got = status_auto(h.port)
        check(got == {k: 2 * v for k, v in want.items()}, "and counting on: %r" % got)


# ---- preflights are answered before httpd's redirects --------------------------------

REDIRECT_CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
</Directory>
RewriteEngine On
RewriteRule ^/api/old$ /api/new [R=301,L]
<Location /api>
    CORSAllowOrigin https://app.example.com
    CORSAllowMethods PUT
</Location>
<Location /api/moved>
    Redirect 307 http://127.0.0.1:@PORT@/api/new
</Location>
"""


@test
def preflight_answered_before_redirects(s):
    """Found by the browser suite: httpd applies a Redirect in a <Location>, and a
    server-level RewriteRule [R], at translate_name, before header_parser answered the
    preflight, so every engine refused the request (a preflight is never redirected)."""
    with scratch_server(s, REDIRECT_CONF, "redirects", {"htdocs/api/new": "new\n"}) as h:
        for path in ("/api/moved", "/api/old"):
            r = preflight(h.port, path)
            check(r.status == 204, "%s: preflight status %d, want 204" % (path, r.status), r)
            expect_grant(r, APP, credentials=False)
            r = get(h.port, path)
            check(r.status in (301, 307), "%s: the request itself is still redirected" % path, r)
            expect_grant(r, APP, credentials=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", default=os.path.join(TOP, "out", "mod_cors.so"))
    ap.add_argument("--asan", action="store_true")
    ap.add_argument("-k", dest="filter", default="")
    args = ap.parse_args()
    module = os.path.abspath(args.module)
    if not os.path.exists(module):
        print("httpd suite: %s is missing; run make" % module)
        print("0 passed, 1 failed")
        return 1

    # a SIGTERM or SIGHUP (make killed, CI timeout) unwinds like Ctrl-C, through the
    # finally clauses that stop every apache2 started here
    def unwind(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, unwind)
    signal.signal(signal.SIGHUP, unwind)

    root = tempfile.mkdtemp(prefix="cors-httpd-")
    os.chmod(root, 0o755)
    fcgi_port = free_port()
    server = Httpd(root, module, MAIN_CONF, asan=args.asan, ports=2, fcgi_port=fcgi_port)
    server.root = root
    server.module = module
    server.asan = args.asan
    populate(server.dir)
    passed = failed = 0
    # the FastCGI application behind mod_proxy_fcgi; stopped in the finally below
    fcgi = subprocess.Popen([sys.executable, os.path.join(TOP, "tests", "httpd",
                                                          "fcgi_backend.py"), str(fcgi_port)])
    try:
        server.start()
        for t in TESTS:
            if args.filter not in t.__name__:
                continue
            try:
                t(server)
                passed += 1
                print("ok   %s" % t.__name__)
            except Exception as e:  # noqa: BLE001 - report and go on
                failed += 1
                print("FAIL %s: %s" % (t.__name__, e))
                if not isinstance(e, Failure):
                    traceback.print_exc()
        if args.asan:
            server.stop()
            reports = server.sanitizer_reports()
            if reports:
                failed += 1
                for rep in reports:
                    print("FAIL sanitizer report %s:\n%s" % (rep, open(rep).read()))
            else:
                passed += 1
                print("ok   no sanitizer report")
    except Exception as e:  # noqa: BLE001
        failed += 1
        print("FAIL server start: %s" % e)
    finally:
        server.stop()
        fcgi.terminate()
        fcgi.wait()
        if failed:
            print("error log tail:\n" + server.error_log()[-3000:])
        shutil.rmtree(root, ignore_errors=True)
    print("%d assertions on the wire and in the logs" % CHECKS[0])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
