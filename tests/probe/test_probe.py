#!/usr/bin/env python3
"""cors-lint probe against a real httpd (Debian's apache2, with mod_cors and with the
classic mod_headers recipe) and against a hostile server written here (never answers,
10 MB of headers, a redirect loop, control bytes in a header): the verdict, the exit
status, the message a browser would print, and that every step is shown.

    tests/probe/test_probe.py [--lint out/cors-lint] [-k substring]

Every server started here is stopped at the end, pass or fail.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "httpd"))
import run_tests as httpd  # noqa: E402  the httpd suite's Httpd and free_port

PAGE = "http://127.0.0.1:8080"
CONF = r"""
DocumentRoot "@DIR@/htdocs"
<Directory "@DIR@/htdocs">
    Require all granted
</Directory>
<Location /api>
    CORSAllowOrigin http://127.0.0.1:8080
    CORSAllowMethods GET POST PUT
    CORSAllowHeaders Content-Type X-Request-Id
    CORSAllowCredentials On
</Location>
<Location /api/secret>
    AuthType Basic
    AuthName api
    AuthUserFile /dev/null
    Require valid-user
</Location>
Redirect 307 /api/moved http://127.0.0.1:@PORT2@/api/data.json
Redirect 307 /api/loop /api/loop
<Location /recipe>
    Header set Access-Control-Allow-Origin "*"
    Header set Access-Control-Allow-Methods "GET, PUT"
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</Location>
<Location /recipe/secret>
    AuthType Basic
    AuthName recipe
    AuthUserFile /dev/null
    Require valid-user
</Location>
<Location /twice>
    Header always set Access-Control-Allow-Origin "http://127.0.0.1:8080"
    Header onsuccess set Access-Control-Allow-Origin "*"
</Location>
"""
FILES = {"htdocs/api/data.json": "{}\n", "htdocs/recipe/x.json": "{}\n",
         "htdocs/twice/x.json": "{}\n"}

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def probe(lint, *args, timeout=30):
    t = time.monotonic()
    try:
        r = subprocess.run([lint, "probe", *args], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "", "hung for %d s" % timeout, time.monotonic() - t
    return r.returncode, r.stdout.decode("latin-1"), r.stderr.decode("latin-1"), \
        time.monotonic() - t


# ---- a hostile server --------------------------------------------------------------

def hostile_answer(path):
    if path.startswith("/hang"):
        return None
    if path.startswith("/huge"):
        return (b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 8000)
                                                  for i in range(1300)) + b"\r\n")
    if path.startswith("/escape"):
        # a control byte in a value, and a quote in a header's name
        return (b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: \x1b[31mred\x1b[0m\r\n"
                b'Access-Control-X"y: 1\r\nContent-Length: 0\r\n\r\n')
    if path.startswith("/trail"):
        # white space around values, and an obsolete line folding: browsers read through
        return (b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://127.0.0.1:8080 \r\n"
                b"Access-Control-Allow-Credentials: true \t\r\nContent-Length: 0\r\n\r\n")
    if path.startswith("/fold"):
        return (b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin:\r\n http://127.0.0.1:8080\r\n"
                b"Content-Length: 0\r\n\r\n")
    if path.startswith("/loop"):
        return (b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nAccess-Control-Allow-Origin: *\r\n"
                b"Content-Length: 0\r\n\r\n")
    return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve_hostile(sock, stop):
    sock.settimeout(0.2)
    held = []
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            continue
        conn.settimeout(2)
        try:
            request = conn.recv(65536).decode("latin-1")
            path = request.split(" ")[1] if " " in request else "/"
            answer = hostile_answer(path)
            if answer is None:
                held.append(conn)  # never answered, closed at the end
                continue
            conn.sendall(answer)
        except OSError:
            pass
        conn.close()
    for conn in held:
        conn.close()


# ---- the cases ---------------------------------------------------------------------

def cases(api, api2, bad):
    """(name, probe arguments, exit status, text the output must contain)."""
    o = ["--origin", PAGE]
    dead = "http://127.0.0.1:%d" % httpd.free_port()
    return [
        ("mod_cors: simple GET allowed", [api + "/api/data.json", *o], 0,
         "allowed: a browser lets the page read the response (status 200)"),
        ("mod_cors: another origin is blocked", [api + "/api/data.json",
                                                 "--origin", "https://evil.example"], 1,
         "No 'Access-Control-Allow-Origin' header is present on the requested resource."),
        ("mod_cors: preflighted PUT with JSON and a listed header",
         [api + "/api/data.json", *o, "--method", "put", "--header",
          "Content-Type: application/json", "--header", "X-Request-Id: 7", "--credentials"], 0,
         "> Access-Control-Request-Headers: content-type,x-request-id"),
        ("mod_cors: a header not listed is named",
         [api + "/api/data.json", *o, "--header", "X-Not-Listed: 1"], 1,
         "Request header field x-not-listed is not allowed by Access-Control-Allow-Headers"),
        ("mod_cors: a method not listed is named",
         [api + "/api/data.json", *o, "--method", "DELETE"], 1,
         "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."),
        ("mod_cors: a 401 is readable", [api + "/api/secret/x", *o], 0, "(status 401)"),
        ("mod_cors: a preflight is answered before authentication",
         [api + "/api/secret/x", *o, "--method", "PUT"], 0, "preflight: OPTIONS"),
        ("mod_cors: a 404 is readable", [api + "/api/missing", *o], 0, "(status 404)"),
        ("redirect across origins: the origin becomes null",
         [api + "/api/moved", *o], 1,
         "from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin'"),
        ("redirect loop: exit 2", [api + "/api/loop", *o], 2, "more than 20 redirects"),
        ("recipe: '*' with credentials", [api + "/recipe/x.json", *o, "--credentials"], 1,
         "must not be the wildcard '*' when the request's credentials mode is 'include'"),
        ("recipe: a 404 without 'always' has no CORS headers",
         [api + "/recipe/missing", *o], 1, "hint: this error response carries no CORS headers"),
        ("recipe: the preflight reaches authentication",
         [api + "/recipe/secret/x", *o, "--method", "PUT"], 1,
         "hint: the preflight reached authentication"),
        ("two layers grant: multiple values", [api + "/twice/x.json", *o], 1,
         "contains multiple values 'http://127.0.0.1:8080, *', but only one is allowed."),
        ("same origin: no CORS check", [api + "/api/data.json", "--origin", api], 0,
         "a browser runs no CORS check"),
        ("a server that never answers: the timeout", [bad + "/hang", *o, "--timeout", "1"], 2,
         "timed out"),
        ("10 MB of response headers", [bad + "/huge", *o], 2, "error: "),
        ("a redirect loop elsewhere", [bad + "/loop", *o], 2, "more than 20 redirects"),
        ("white space around a grant's values is read through",
         [bad + "/trail", *o, "--credentials"], 0, "allowed"),
        ("an obsolete line folding is read through", [bad + "/fold", *o], 0, "allowed"),
        ("a timeout too small for a millisecond still times out",
         [bad + "/hang", *o, "--timeout", "0.0004"], 2, "timed out"),
        ("same origin: the request is still sent (and can fail)",
         [dead + "/", "--origin", dead], 2, "Couldn't connect"),
        ("same origin, redirected to another: CORS from there", [api + "/api/moved", "--origin",
                                                                  api], 1,
         "from origin '%s' has been blocked" % api),
        ("a refused connection", ["http://127.0.0.1:%d/" % httpd.free_port(), *o], 2,
         "Couldn't connect"),
    ]


def usage_cases():
    o = ["--origin", PAGE]
    return [
        ("an invalid URL", ["ftp://example.com/", *o], "is not an http:// or https:// URL"),
        ("not a URL at all", ["http://[::1", *o], "is not a URL (Bad IPv6 address)"),
        ("an international host name", ["http://b\u00fccher.localhost/", *o], "xn-- form"),
        ("a URL with credentials", ["http://u:p@127.0.0.1/", *o], "credentials in it"),
        ("an invalid origin", ["http://127.0.0.1/", "--origin", "http://a.example/"],
         "is not an origin"),
        ("a forbidden header", ["http://127.0.0.1/", *o, "--header", "Cookie: a=1"],
         "browsers never let a script set Cookie"),
        ("a forbidden method", ["http://127.0.0.1/", *o, "--method", "TRACE"],
         "fetch() cannot send the method"),
        ("a header with a line break", ["http://127.0.0.1/", *o, "--header", "X-A: 1\r\nX-B: 2"],
         "line break"),
        ("no origin", ["http://127.0.0.1/"], "--origin are required"),
        ("a bad timeout", ["http://127.0.0.1/", *o, "--timeout", "-1"], "--timeout"),
    ]


def run_cases(lint, api, api2, bad, only):
    for name, args, want_rc, want_text in cases(api, api2, bad):
        if only and only not in name:
            continue
        rc, out, err, secs = probe(lint, *args)
        check(rc == want_rc and want_text in out + err,
              f"{name}: exit {want_rc}, says {want_text!r}" +
              ("" if rc == want_rc and want_text in out + err else
               f"; got exit {rc}:\n{out}{err}"))
        if "timeout" in name:
            check(secs < 5, f"{name}: gives up after the timeout ({secs:.1f} s)")
    for name, args, want in usage_cases():
        if only and only not in name:
            continue
        rc, out, err, _ = probe(lint, *args)
        check(rc == 2 and want in err and not out,
              f"usage error, {name}: exit 2, says {want!r}" +
              ("" if rc == 2 and want in err else f"; got exit {rc}: {out}{err}"))


def run_json_and_escaping(lint, api, bad):
    rc, out, _, _ = probe(lint, api + "/api/data.json", "--origin", PAGE, "--method", "PUT",
                          "--format", "json")
    try:
        doc = json.loads(out)
        ok = (doc["verdict"] == "allowed" and [s["kind"] for s in doc["steps"]] ==
              ["preflight", "request"] and doc["steps"][0]["status"] == 204)
    except (ValueError, KeyError) as e:
        ok, doc = False, e
    check(rc == 0 and ok, f"--format json: both steps and the verdict ({doc})")
    rc, out, _, _ = probe(lint, bad + "/escape", "--origin", PAGE)
    check(rc == 1 and "\x1b" not in out and "\\x1b[31mred" in out,
          "a control byte from the server is printed escaped, never raw")
    rc, out, _, _ = probe(lint, bad + "/escape", "--origin", PAGE, "--format", "json")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = {}
    check("\x1b" not in out and doc.get("verdict") == "blocked" and
          'access-control-x"y' in doc["steps"][0]["received"],
          "--format json escapes it too, header names included: %r" % out[:300])


def run_valgrind(lint, api):
    args = [lint, "probe", api + "/api/data.json", "--origin", PAGE, "--method", "PUT",
            "--header", "Content-Type: application/json"]
    r = subprocess.run(["valgrind", "--quiet", "--leak-check=full", "--errors-for-leak-kinds=definite",
                        "--error-exitcode=99", *args], capture_output=True, text=True)
    check(r.returncode == 0, "valgrind: no leak, no invalid access" +
          ("" if r.returncode == 0 else ": " + r.stderr[-3000:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lint", default=os.path.join(TOP, "out", "cors-lint"))
    ap.add_argument("--module", default=os.path.join(TOP, "out", "mod_cors.so"))
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="cors-probe.")
    os.chmod(root, 0o755)
    server = httpd.Httpd(root, a.module, CONF, ports=2)
    for path, text in FILES.items():
        httpd.write(os.path.join(server.dir, path), text)
    stop = threading.Event()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    thread = threading.Thread(target=serve_hostile, args=(sock, stop), daemon=True)
    thread.start()
    try:
        server.start()
        api = "http://127.0.0.1:%d" % server.port
        api2 = "http://127.0.0.1:%d" % server.ports[1]
        bad = "http://127.0.0.1:%d" % sock.getsockname()[1]
        run_cases(a.lint, api, api2, bad, a.k)
        if not a.k:
            run_json_and_escaping(a.lint, api, bad)
            if "asan" not in a.lint:
                run_valgrind(a.lint, api)
    finally:
        server.stop()
        stop.set()
        thread.join()
        sock.close()
        subprocess.run(["rm", "-rf", root])
    print(f"probe-test: {'all passed' if not failures else '%d failed' % len(failures)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
