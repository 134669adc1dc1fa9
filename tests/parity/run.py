#!/usr/bin/env python3
"""The parity test: mod_cors (in a real httpd) and cors-lint must never disagree.

    tests/parity/run.py [--seed N] [--count N] [--htaccess N] [--keep DIR]

Writes --count random server configurations (tests/parity/gen.py) and gives each to
`apache2 -t` with the freshly built module and to cors-lint: every configuration httpd
refuses must get a CL016 on the line httpd names, and every one it accepts no CL016.
Then --htaccess random .htaccess files, under directories that allow FileInfo (some
below a section with credentials), that allow none, and that allow AuthConfig only,
served by one real httpd: every .htaccess that makes httpd answer 500 must get a CL016,
and every other one none.

Ends with "N passed, N failed" (one per configuration); exits 1 on any disagreement,
printing each one with its configuration.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import gen  # noqa: E402

APACHE = "/usr/sbin/apache2"
MODDIR = "/usr/lib/apache2/modules"
SYNTAX = re.compile(r"Syntax error on line (\d+) of ([^:]+):")


def base_conf(root, module, port):
    mods = "".join("LoadModule %s_module %s/mod_%s.so\n" % (m, MODDIR, m)
                   for m in ("mpm_event", "authz_core"))
    return (f'ServerRoot "{root}"\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n'
            f'PidFile "{root}/httpd.pid"\nErrorLog "{root}/error.log"\n'
            f"{mods}LoadModule cors_module {module}\n")


def lint(lint_bin, paths):
    """cors-lint's findings per file, for every path given at once."""
    r = subprocess.run([lint_bin, "--format", "json", "--severity", "info", *paths],
                       capture_output=True, text=True, timeout=600)
    if r.returncode not in (0, 1):
        raise RuntimeError("cors-lint exited %d: %s" % (r.returncode, r.stderr[-2000:]))
    by_file = {}
    for f in json.loads(r.stdout)["findings"]:
        by_file.setdefault(os.path.realpath(f["file"]), []).append(f)
    return by_file


def verdict(refused, line, findings):
    """None when httpd and cors-lint agree, else what is wrong."""
    cl016 = [f for f in findings if f["rule"] == "CL016"]
    if refused:
        if not cl016:
            return "httpd refuses it (line %s), cors-lint has no CL016" % line
        if line is not None and not any(f["line"] == line for f in cl016):
            return "httpd refuses line %d, cors-lint's CL016 are on lines %s" % (
                line, sorted({f["line"] for f in cl016}))
        return None
    if cl016:
        return "httpd accepts it, cors-lint says CL016: %s" % "; ".join(
            "line %d: %s" % (f["line"], f["message"]) for f in cl016[:3])
    return None


def configtest(path, root):
    # from "/", as a service manager starts httpd: a relative <Directory> path is taken
    # from the working directory
    r = subprocess.run([APACHE, "-d", root, "-f", path, "-t"], capture_output=True,
                       text=True, timeout=60, cwd="/")
    out = r.stdout + r.stderr
    m = SYNTAX.search(out)
    return r.returncode != 0, int(m.group(1)) if m else None, out.strip()


def server_configs(args, work, g):
    confs = []
    for i in range(args.count):
        d = os.path.join(work, "c%05d" % i)
        os.makedirs(d)
        body = g.config()
        path = os.path.join(d, "httpd.conf")
        with open(path, "w") as f:
            f.write(base_conf(d, args.module, 1) + body)
        confs.append((path, d, body))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
        tested = list(ex.map(lambda c: configtest(c[0], c[1]), confs))
    found = lint(args.lint, [c[0] for c in confs])
    results = []
    for (path, _, body), (refused, line, out) in zip(confs, tested):
        why = verdict(refused, line, found.get(os.path.realpath(path), []))
        results.append((refused, why, path, body, out))
    return results


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HTACCESS_CONF = """DocumentRoot "{root}/htdocs"
User www-data
Group www-data
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{root}/htdocs">
    AllowOverride FileInfo
    Require all granted
</Directory>
<Directory "{root}/htdocs/creds">
    CORSAllowOrigin https://app.example.com
    CORSAllowCredentials On
</Directory>
<Directory "{root}/htdocs/none">
    AllowOverride None
</Directory>
<Directory "{root}/htdocs/auth">
    AllowOverride AuthConfig
</Directory>
<Directory "{root}/htdocs/nfo">
    AllowOverride AuthConfig Nonfatal=Override
</Directory>
<Directory "{root}/htdocs/nfu">
    AllowOverride FileInfo Nonfatal=Unknown
</Directory>
<Directory "{root}/htdocs/reset">
    AllowOverride FileInfo None
</Directory>
"""

# where each .htaccess goes, in turn: FileInfo allowed, the same under credentials, never
# read (None, and FileInfo reset by a later None), read but FileInfo refused (AuthConfig:
# a 500 for every request there), refused lines skipped (Nonfatal=Override), misspelt
# directives skipped (Nonfatal=Unknown). The server's <Directory /> is Debian's.
HTACCESS_DIRS = ["h%05d", "creds/h%05d", "none/h%05d", "auth/h%05d", "nfo/h%05d",
                 "nfu/h%05d", "reset/h%05d"]


def htaccess_configs(args, work, g):
    root = os.path.join(work, "ht")
    port = free_port()
    dirs = []
    for i in range(args.htaccess):
        rel = HTACCESS_DIRS[i % len(HTACCESS_DIRS)] % i
        d = os.path.join(root, "htdocs", rel)
        os.makedirs(d)
        body = g.htaccess()
        with open(os.path.join(d, ".htaccess"), "w") as f:
            f.write(body)
        with open(os.path.join(d, "f.txt"), "w") as f:
            f.write("x\n")
        dirs.append((rel, d, body))
    for dirpath, dirnames, filenames in os.walk(work):
        os.chmod(dirpath, 0o755)
        for n in filenames:
            os.chmod(os.path.join(dirpath, n), 0o644)
    conf = os.path.join(root, "httpd.conf")
    with open(conf, "w") as f:
        f.write(base_conf(root, args.module, port) + HTACCESS_CONF.format(root=root))
    proc = subprocess.Popen([APACHE, "-d", root, "-f", conf, "-DFOREGROUND"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("apache2 did not start: %s" % proc.stdout.read())
                time.sleep(0.1)
        statuses = []
        for rel, _, _ in dirs:
            req = urllib.request.Request("http://127.0.0.1:%d/%s/f.txt" % (port, rel),
                                         headers={"Origin": "https://app.example.com"})
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    statuses.append(resp.status)
            except urllib.error.HTTPError as e:
                statuses.append(e.code)
    finally:
        proc.terminate()
        proc.wait()
    found = lint(args.lint, [root])
    results = []
    for (rel, d, body), status in zip(dirs, statuses):
        findings = found.get(os.path.realpath(os.path.join(d, ".htaccess")), [])
        why = verdict(status == 500, None, findings)
        if status not in (200, 500):
            why = "httpd answered %d" % status
        results.append((status == 500, why, os.path.join(d, ".htaccess"), body,
                        "GET /%s/f.txt: %d" % (rel, status)))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000, help="server configurations")
    ap.add_argument("--htaccess", type=int, default=400, help=".htaccess files")
    ap.add_argument("--module", default=os.path.join(TOP, "out", "mod_cors.so"))
    ap.add_argument("--lint", default=os.path.join(TOP, "out", "cors-lint"))
    ap.add_argument("--keep", help="write the configurations here and keep them")
    args = ap.parse_args()
    args.module = os.path.abspath(args.module)
    args.lint = os.path.abspath(args.lint)

    def unwind(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, unwind)

    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="cors-parity-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    g = gen.Gen(args.seed)
    os.environ.update(gen.ENVIRONMENT)  # httpd, the httpd it starts and cors-lint
    try:
        results = server_configs(args, work, g)
        if args.htaccess:
            results += htaccess_configs(args, work, g)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in results if r[1]]
    refused = sum(1 for r in results if r[0])
    for _, why, path, body, out in bad[:20]:
        print("FAIL %s: %s\n--- configuration:\n%s--- httpd:\n%s\n" % (
            os.path.relpath(path, work), why, body, out[-600:]))
    print("parity: seed %d, %d server configurations and %d .htaccess files; httpd refused "
          "%d, accepted %d; %d disagreements" % (args.seed, args.count, args.htaccess,
                                                 refused, len(results) - refused, len(bad)))
    print("%d passed, %d failed" % (len(results) - len(bad), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
