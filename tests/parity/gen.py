"""Random mod_cors configurations for the parity test (tests/parity/run.py).

A configuration is a server-level body (directives, nested and sibling <Location>,
<Directory>, <Files>, <If> sections, a <VirtualHost>) or an .htaccess file. Every
directive of mod_cors appears, with valid and invalid arguments, the mix chosen so that
httpd accepts about half. Section nesting is always legal for httpd, so that a refusal
is always about mod_cors. The same seed gives the same configurations.
"""
import random

# Arguments each directive is given: (valid, refused). Valid ones include what is only
# refused together with credentials ("*", http://, bypassable regexes).
VALUES = {
    "CORSAllowOrigin": ([
        "https://app.example.com", "https://app.example.com https://admin.example.com",
        "https://*.example.com", "http://localhost:*", "https://*.example.com:*", "*",
        "null", "http://127.0.0.1:8080", "HTTPS://APP.EXAMPLE.COM:443", "capacitor://localhost",
        "http://[::1]:3000", "https://*.localhost", "http://app.example.com",
        "http://*.example.com", "https://*.amazonaws.com",
        "https://ok.example.com \"\" https://ignored.example.com/",
    ], [
        "https://*.com", "https://*.github.io", "https://app.example.com/",
        "https://app.example.com/api", "app.example.com",
        "https://a.example.com,https://b.example.com", "https://user@app.example.com",
        "https://app.*.example.com", "https://x.example.com:99999", "NULL", '""',
    ]),
    "CORSAllowOriginRegex": ([
        r"https://pr-[0-9]+\.preview\.example\.com", r"https://(app|admin)\.example\.com",
        r"https://[a-z0-9-]+\.example\.com", r"http://localhost:[0-9]+",
        r"https://(www\.)?example\.com", r".*", r"https://.*", r"https://app.example.com",
        r"https://.*example\.com", r"https?://app\.example\.com", r"https://[a-z]+\.netlify\.app",
        r"http://intranet\.example\.com", r"null|https://app\.example\.com",
        # the safe shapes next to the ones that backtrack catastrophically, below
        r"https://([a-z0-9-]+\.)*example\.com", r"https://.*-.*\.example\.com",
    ], [r"https://App\.example\.com", r"https://(unclosed", '""', r"https://[A-Z]+\.example\.com",
        # exponential or cubic backtracking on a hostile Origin
        r"https://([a-z0-9-]+\.?)+\.example\.com", r"(.*)*(.*)*x",
        r"https://(\w|\d)+\.example\.com", r"https://.*-.*-.*\.example\.com"]),
    "CORSEnable": (["On", "Off", "on", "OFF"], ["maybe", ""]),
    "CORSAllowMethods": (["PUT DELETE", "PUT, DELETE, PATCH", "*", "PATCH", "patch", "GET POST",
                          "PURGE"], ["put", "Delete", "CONNECT", "TRACE", "PU(T", '""']),
    "CORSAllowHeaders": (["Content-Type X-Request-Id", "Authorization", "*", "X-A, X-B",
                          "X-Requested-With"], ["Cookie", "Sec-Foo", "Proxy-Authorization",
                                                "X:Bad", "Host"]),
    "CORSExposeHeaders": (["ETag", "X-Total-Count ETag", "*", "Content-Length"],
                          ["Set-Cookie", "X@Bad", "set-cookie2"]),
    "CORSAllowCredentials": (["On", "On", "Off"], ["yes"]),
    "CORSMaxAge": (["600", "0", "86400"], ["86401", "ten", "-1", "1 2", ""]),
    "CORSAllowPrivateNetwork": (["On", "Off"], ["maybe"]),
    "CORSPreflight": (["On", "Off"], ["no"]),
    "CORSPreflightStatus": (["200", "204"], ["201", "OK"]),
    "CORSOverrideUpstream": (["On", "Off"], ["1"]),
    "CORSReportOnly": (["On", "Off"], ["true"]),
    "CORSAllowInsecureOrigins": (["On", "Off"], ["maybe"]),
    "CORSEnforce": (["On", "Off"], ["enforce"]),
    "CORSAllowOrigins": ([], ["https://app.example.com"]),  # not a directive: a typo
}
# How often each is chosen: the origin and credentials directives make the conflicts.
WEIGHTS = {"CORSAllowOrigin": 6, "CORSAllowOriginRegex": 3, "CORSAllowCredentials": 5,
           "CORSAllowInsecureOrigins": 2, "CORSAllowOrigins": 0.1}
REFUSED = 0.04  # the chance that a directive gets an argument httpd refuses
# Set in the environment of httpd and cors-lint by run.py: httpd takes ${NAME} from the
# environment when no Define names it (ap_resolve_env), on the whole line.
ENVIRONMENT = {"PARITY_ORIGIN": "https://env.example.com", "PARITY_HTTP": "http://env.example.com",
               "PARITY_DIRECTIVE": "CORSAllowOrigin"}

LOCATIONS = ["/", "/a", "/a/b", "/a/b/c", "/ab", "/a/", "/x", "/x/y"]
DIRECTORIES = ["/srv/p", "/srv/p/a", "/srv/p/a/b", "/srv/p/ab", "/srv/q", "/srv/p/a/../a",
               "srv/p/a", "/srv//p/./a/"]
FILES = ["a.json", "b.json", "a.json", "*.json", "./a.json"]
CONDITIONS = ['"%{QUERY_STRING} =~ /x/"', '"-n %{HTTP_COOKIE}"', '"true"']


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.defines = 0  # names Define'd so far, each used once

    def directive(self):
        names = list(VALUES)
        name = self.r.choices(names, [WEIGHTS.get(n, 1) for n in names])[0]
        good, bad = VALUES[name]
        value = self.r.choice(bad if not good or self.r.random() < REFUSED else good)
        line = (name + " " + value).rstrip()
        # httpd's line syntax: a backslash right before the newline continues the line
        # (and a comment line so continued swallows the next one); after a space it
        # does not
        roll = self.r.random()
        # httpd reads a quoted name as the name, and ${VAR} anywhere in the line
        if roll < 0.01:
            return '"%s" %s' % (name, value)
        if roll < 0.015 and name == "CORSAllowOrigin":
            return "${PARITY_DIRECTIVE} " + value
        if roll < 0.02 and name == "CORSAllowOrigin":
            return name + " " + self.r.choice(["${PARITY_ORIGIN}", "${PARITY_HTTP}",
                                               "${PARITY_UNSET}"])
        if roll < 0.03 and value:
            return name + " \\\n    " + value
        if roll < 0.05:
            return "# a comment \\\n" + line
        if roll < 0.06:
            return "# not continued \\ \n" + line
        return line

    def directives(self, lo, hi):
        return [self.directive() for _ in range(self.r.randint(lo, hi))]

    def section(self, kind, depth, htaccess=False):
        """A section of the given kind, with legal children for httpd (in an .htaccess,
        no <Limit> inside <Files>)."""
        r = self.r
        if kind == "Location":
            head = ("<LocationMatch \"^/a\">" if r.random() < 0.1
                    else "<Location %s>" % r.choice(LOCATIONS))
            end = "</LocationMatch>" if head.startswith("<LocationM") else "</Location>"
            inner = ["If", "Limit"]
        elif kind == "Directory":
            if r.random() < 0.1:
                head, end = '<DirectoryMatch "^/srv/p/r">', "</DirectoryMatch>"
            elif r.random() < 0.1:
                head, end = '<Directory "/srv/p/*">', "</Directory>"
            else:
                head, end = "<Directory %s>" % r.choice(DIRECTORIES), "</Directory>"
            inner = ["Files", "If", "Limit"]
        elif kind == "Files":
            if r.random() < 0.15:
                head, end = '<FilesMatch "\\.json$">', "</FilesMatch>"
            else:
                head, end = '<Files "%s">' % r.choice(FILES), "</Files>"
            inner = ["If"] if htaccess else ["If", "Limit"]
        elif kind == "If":
            head, end = "<If %s>" % r.choice(CONDITIONS), "</If>"
            inner = ["If"]
        else:  # Limit: directives only
            return ["<Limit GET POST>"] + self.directives(1, 2) + ["</Limit>"]
        body = self.directives(0, 2)
        if depth < 2:
            for _ in range(r.randint(0, 2)):
                body += self.section(r.choice(inner), depth + 1, htaccess)
        lines = [head] + body + [end]
        if kind == "If" and r.random() < 0.2:
            lines += ["<Else>"] + self.directives(0, 2) + ["</Else>"]
        return lines

    def server_body(self, vhost):
        r = self.r
        lines = self.directives(0, 2)
        kinds = ["Location", "Location", "Directory", "Directory", "Files", "If"]
        for _ in range(r.randint(0, 3)):
            lines += self.section(r.choice(kinds), 0)
        if r.random() < 0.1:
            lines += ["<IfModule cors_module>"] + self.directives(1, 2) + ["</IfModule>"]
        if r.random() < 0.1:
            lines += ["<IfModule !cors_module>"] + self.directives(1, 2) + ["</IfModule>"]
        if r.random() < 0.1:
            lines += self.conditional_define()
        if vhost and r.random() < 0.3:
            lines += ["<VirtualHost 127.0.0.1:8080>"] + self.server_body(False) + \
                     ["</VirtualHost>"]
        return lines

    def conditional_define(self):
        """A name Define'd under a condition, then tested: under a module that is not
        loaded (httpd does not define it; cors-lint cannot know the module is not loaded
        elsewhere) or one that is."""
        r = self.r
        self.defines += 1
        name = "PARITY_D%d" % self.defines
        module = r.choice(["mod_nope.c", "cors_module", "!cors_module"])
        # <IfDefine NAME> of a name that is not surely defined is left out: httpd skips
        # it, and cors-lint reads it by design (-D NAME, or the module loaded outside
        # what it reads)
        test = (r.choice(["!", ""]) if module == "cors_module" else "!") + name
        return (["<IfModule %s>" % module, "Define " + name, "</IfModule>",
                 "<IfDefine %s>" % test] + self.directives(1, 2) + ["</IfDefine>"])

    def config(self):
        return "\n".join(self.server_body(True)) + "\n"

    def htaccess(self):
        """An .htaccess body: directives, <Files> and <If> (what FileInfo allows)."""
        r = self.r
        lines = self.directives(1, 4)
        if r.random() < 0.3:
            lines += self.section(r.choice(["Files", "If"]), 1, True)
        return "\n".join(lines) + "\n"
