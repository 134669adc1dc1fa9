#!/usr/bin/env node
// Real-browser tests: Debian's headless Chromium, driven over the DevTools protocol by
// playwright-core, runs fetch() calls from a page on one origin against an API on
// another, served by a real httpd: once with mod_cors, once with the classic
// SetEnvIf + Header set (without "always") + RewriteRule OPTIONS recipe. Every case
// asserts what the page's JavaScript can see, for both configurations (the recipe's
// outcomes are fixed too, so the table is reproducible), prints the side-by-side
// table, and ends with "N passed, N failed". No browser or httpd is left running.
'use strict';

const { chromium } = require('playwright-core');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const TOP = path.resolve(__dirname, '..', '..');
// MOD_CORS_SO: another build of the module (the suite's own check of the missing case).
const MODULE = process.env.MOD_CORS_SO || path.join(TOP, 'out', 'mod_cors.so');
const MODDIR = '/usr/lib/apache2/modules';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WATCHDOG_MS = 180000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function waitPort(port, deadline) {
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); resolve(); });
      c.on('error', () => {
        c.destroy();
        if (Date.now() > deadline) reject(new Error('port ' + port + ' never opened'));
        else setTimeout(tryOnce, 100);
      });
    };
    tryOnce();
  });
}

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>cors test page</title></head>
<body><p>mod_cors browser test page</p></body></html>
`;

const CGI_ECHO = `#!/bin/sh
# read the request body, as a CGI script must
[ -n "\${CONTENT_LENGTH:-}" ] && head -c "\$CONTENT_LENGTH" > /dev/null
printf 'Content-Type: application/json\\r\\nX-Exposed: visible\\r\\nX-Hidden: secret\\r\\n\\r\\n'
cookie=$(printf '%s' "\${HTTP_COOKIE:-}" | tr -cd 'A-Za-z0-9=; _-')
printf '{"method": "%s", "cookie": "%s"}\\n' "$REQUEST_METHOD" "$cookie"
`;

const CGI_FAIL = `#!/bin/sh
printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nbroken\\n'
`;

// The CORS part of each configuration. PAGE_ORIGIN is the allowed origin.
function corsConfig(kind, p, module) {
  const origin = `http://127.0.0.1:${p.page}`;
  if (kind === 'mod_cors') {
    return `
LoadModule cors_module ${module}
<Location /api>
    CORSAllowOrigin ${origin}
    CORSAllowMethods GET POST PUT
    CORSAllowHeaders Content-Type X-Request-Id
    CORSExposeHeaders X-Exposed
    CORSAllowCredentials On
    CORSMaxAge 600
</Location>
<Location /api-null>
    CORSAllowOrigin null
</Location>
<Location /proxied>
    CORSAllowOrigin ${origin}
    CORSAllowCredentials On
</Location>
`;
  }
  const host = `127\\.0\\.0\\.1:${p.page}`;
  const headers = (env) => `
    Header set Access-Control-Allow-Origin "%{${env}}e" env=${env}
    Header set Access-Control-Allow-Credentials "true" env=${env}
    Header set Access-Control-Allow-Methods "GET, POST, PUT" env=${env}
    Header set Access-Control-Allow-Headers "Content-Type, X-Request-Id" env=${env}
    Header set Access-Control-Expose-Headers "X-Exposed" env=${env}
    Header set Access-Control-Max-Age "600" env=${env}
    Header merge Vary Origin
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]`;
  return `
<Location /api>
    SetEnvIf Origin "^https?://(${host})$" ORIGIN_OK=$0${headers('ORIGIN_OK')}
</Location>
<Location /api-null>
    SetEnvIf Origin "^(null)$" ORIGIN_OK=$0${headers('ORIGIN_OK')}
</Location>
<Location /proxied>
    SetEnvIf Origin "^https?://(${host})$" ORIGIN_OK=$0${headers('ORIGIN_OK')}
</Location>
`;
}

function httpdConfig(kind, dir, p, module) {
  const mods = ['mpm_event', 'authz_core', 'authn_core', 'auth_basic', 'authn_file',
    'authz_user', 'mime', 'dir', 'alias', 'cgid', 'proxy', 'proxy_http', 'headers',
    'rewrite', 'setenvif'].map((m) => `LoadModule ${m}_module ${MODDIR}/mod_${m}.so`).join('\n');
  return `ServerRoot "${dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${p.page}
Listen 127.0.0.1:${p.denied}
Listen 127.0.0.1:${p.api}
Listen 127.0.0.1:${p.backend}
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/logs/error.log"
LogLevel warn
User www-data
Group www-data
${mods}
TypesConfig /etc/mime.types
ScriptSock "${dir}/cgid.sock"
DirectoryIndex index.html
LogFormat "%m %U%q %>s" short
CustomLog "${dir}/logs/access.log" short
<VirtualHost 127.0.0.1:${p.page}>
    DocumentRoot "${dir}/page"
    <Directory "${dir}/page">
        Require all granted
    </Directory>
</VirtualHost>
<VirtualHost 127.0.0.1:${p.denied}>
    DocumentRoot "${dir}/page"
</VirtualHost>
<Directory "${dir}/page">
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:${p.backend}>
    DocumentRoot "${dir}/backend"
    <Directory "${dir}/backend">
        Require all granted
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
</VirtualHost>
<VirtualHost 127.0.0.1:${p.api}>
    DocumentRoot "${dir}/api"
    <Directory "${dir}/api">
        Require all granted
    </Directory>
    ScriptAlias /api/echo "${dir}/cgi/echo.cgi"
    ScriptAlias /api/fail "${dir}/cgi/fail.cgi"
    ScriptAlias /api-null/echo "${dir}/cgi/echo.cgi"
    <Directory "${dir}/cgi">
        Require all granted
        Options +ExecCGI
    </Directory>
    ProxyPass /proxied/ http://127.0.0.1:${p.backend}/
    <Location /api/secret>
        AuthType Basic
        AuthName "secret"
        AuthUserFile /dev/null
        Require valid-user
    </Location>
${corsConfig(kind, p, module)}
</VirtualHost>
`;
}

class Httpd {
  constructor(kind, root, ports) {
    this.kind = kind;
    this.dir = path.join(root, kind);
    this.ports = ports;
  }

  async start() {
    const d = this.dir;
    for (const sub of ['logs', 'page', 'api/api/secret', 'cgi', 'backend']) {
      fs.mkdirSync(path.join(d, sub), { recursive: true });
    }
    fs.writeFileSync(path.join(d, 'page', 'index.html'), PAGE);
    fs.writeFileSync(path.join(d, 'api', 'api', 'data.json'), '{"data": true}\n');
    fs.writeFileSync(path.join(d, 'api', 'api', 'secret', 'data.json'), '{"secret": true}\n');
    fs.writeFileSync(path.join(d, 'backend', 'data.json'), '{"backend": true}\n');
    fs.writeFileSync(path.join(d, 'cgi', 'echo.cgi'), CGI_ECHO, { mode: 0o755 });
    fs.writeFileSync(path.join(d, 'cgi', 'fail.cgi'), CGI_FAIL, { mode: 0o755 });
    // httpd loads a snapshot of out/mod_cors.so: the build rewrites that file in place
    // (cp), which would pull the code from under a running httpd if someone rebuilds.
    const module = path.join(d, 'mod_cors.so');
    if (this.kind === 'mod_cors') fs.copyFileSync(MODULE, module);
    fs.writeFileSync(path.join(d, 'httpd.conf'), httpdConfig(this.kind, d, this.ports, module));
    spawnSync('chmod', ['-R', 'a+rX', path.dirname(d)]);
    const t = spawnSync('/usr/sbin/apache2', ['-d', d, '-f', path.join(d, 'httpd.conf'), '-t'],
      { encoding: 'utf8' });
    if (t.status !== 0) throw new Error('apache2 -t: ' + t.stderr);
    // Its own process group, so that a last-resort SIGKILL reaches the children too.
    this.proc = spawn('/usr/sbin/apache2', ['-d', d, '-f', path.join(d, 'httpd.conf'),
      '-DFOREGROUND'], { stdio: 'ignore', detached: true });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exit = signal ? 'signal ' + signal : 'status ' + code;
        resolve();
      });
    });
    const deadline = Date.now() + 15000;
    for (const port of Object.values(this.ports)) await waitPort(port, deadline);
  }

  errorLogTail(n) {
    try {
      return fs.readFileSync(path.join(this.dir, 'logs', 'error.log'), 'utf8')
        .trimEnd().split('\n').slice(-n).join('\n');
    } catch (e) {
      return '';
    }
  }

  // Whether httpd went away by itself (a crash) before stop() asked it to.
  died() {
    return this.exit !== undefined && !this.stopping ? this.exit : null;
  }

  async stop() {
    if (!this.proc) return;
    if (this.exit === undefined) {
      this.stopping = true;
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        try { process.kill(-this.proc.pid, 'SIGKILL'); } catch (e) { /* gone */ }
      }, 10000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  accessLog() {
    return fs.readFileSync(path.join(this.dir, 'logs', 'access.log'), 'utf8');
  }
}

// ---- the cases ------------------------------------------------------------------

// Each case runs in a fresh page of a fresh browser context (empty preflight cache and
// cookies) and returns {outcome: short text, ok: whether the browser let the page read
// the response as the case intends}.
async function pageFetch(page, url, init) {
  return page.evaluate(async ([u, i]) => {
    try {
      const r = await fetch(u, i);
      const text = await r.text();
      const headers = {};
      for (const h of ['x-exposed', 'x-hidden']) headers[h] = r.headers.get(h);
      return { readable: true, status: r.status, text, headers };
    } catch (e) {
      return { readable: false, error: String(e) };
    }
  }, [url, init || {}]);
}

const CASES = [
  {
    name: 'simple GET, allowed origin',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/data.json');
      return { readable: r.readable, detail: r.readable ? 'readable' : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: 'simple GET, denied origin',
    async run(ctx) {
      const p = await ctx.newPage(ctx.deniedPage);
      const r = await pageFetch(p, ctx.api + '/api/data.json');
      return { readable: r.readable, detail: r.readable ? 'readable' : 'blocked' };
    },
    want: { readable: false },
  },
  {
    name: 'preflighted PUT, JSON + listed header',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/echo', {
        method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Request-Id': '7' },
        body: '{}',
      });
      const ok = r.readable && r.status === 200 && r.text.includes('"method": "PUT"');
      return { readable: ok, detail: r.readable ? 'readable, status ' + r.status : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: 'preflight, header not listed (console names it)',
    async run(ctx) {
      ctx.console.length = 0;
      const r = await pageFetch(ctx.page, ctx.api + '/api/echo', {
        method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-Not-Listed': '1' },
        body: '{}',
      });
      await ctx.page.waitForTimeout(200);
      const named = ctx.console.some((m) => /x-not-listed/i.test(m)
        && /Access-Control-Allow-Headers/.test(m));
      return {
        readable: r.readable, named,
        detail: r.readable ? 'readable'
          : 'blocked: ' + (corsReason(ctx.console) || 'no console message'),
      };
    },
    want: { readable: false, named: true },
  },
  {
    name: "credentials: 'include' with a cookie",
    async run(ctx) {
      await ctx.page.evaluate(() => { document.cookie = 'session=abc123; SameSite=Lax'; });
      const r = await pageFetch(ctx.page, ctx.api + '/api/echo', { credentials: 'include' });
      const saw = r.readable && r.text.includes('session=abc123');
      return { readable: r.readable && saw,
        detail: r.readable ? (saw ? 'readable, server saw the cookie' : 'no cookie') : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: '401 from Require valid-user: status readable',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/secret/data.json');
      return { readable: r.readable && r.status === 401,
        detail: r.readable ? 'status ' + r.status : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: '500 from a CGI script: status readable',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/fail');
      return { readable: r.readable && r.status === 500,
        detail: r.readable ? 'status ' + r.status : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: '404 from httpd (error path): status readable',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/missing.json');
      return { readable: r.readable && r.status === 404,
        detail: r.readable ? 'status ' + r.status : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: 'Expose-Headers: exposed readable, other not',
    async run(ctx) {
      const r = await pageFetch(ctx.page, ctx.api + '/api/echo');
      const ok = r.readable && r.headers['x-exposed'] === 'visible'
        && r.headers['x-hidden'] === null;
      return { readable: ok, detail: r.readable ? `X-Exposed=${r.headers['x-exposed']}, ` +
        `X-Hidden=${r.headers['x-hidden']}` : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: 'Max-Age: no second preflight',
    async run(ctx) {
      const url = ctx.api + '/api/echo?maxage=' + ctx.kind;
      const init = { method: 'PUT', headers: { 'X-Request-Id': '1' } };
      const a = await pageFetch(ctx.page, url, init);
      const b = await pageFetch(ctx.page, url, init);
      await ctx.page.waitForTimeout(300);
      const n = ctx.server.accessLog().split('\n')
        .filter((l) => l.startsWith('OPTIONS /api/echo?maxage=')).length;
      return { readable: a.readable && b.readable && n === 1,
        detail: `${a.readable && b.readable ? 'readable' : 'blocked'}, ${n} preflight(s)` };
    },
    want: { readable: true },
  },
  {
    name: 'null origin (sandboxed iframe), not listed',
    async run(ctx) {
      const r = await sandboxedFetch(ctx.page, ctx.api + '/api/echo');
      return { readable: r.readable, detail: r.readable ? 'readable' : 'blocked' };
    },
    want: { readable: false },
  },
  {
    name: 'null origin (sandboxed iframe), listed',
    async run(ctx) {
      const r = await sandboxedFetch(ctx.page, ctx.api + '/api-null/echo');
      return { readable: r.readable, detail: r.readable ? 'readable' : 'blocked' };
    },
    want: { readable: true },
  },
  {
    name: "proxied backend sends its own ACAO '*', credentialed",
    async run(ctx) {
      // The page cannot see Access-Control-* headers; the DevTools protocol can, as they
      // came off the wire (repeated headers kept apart).
      const acao = [];
      ctx.page.on('response', async (resp) => {
        if (!resp.url().includes('/proxied/data.json')) return;
        const hs = await resp.headersArray().catch(() => []);
        for (const h of hs) {
          if (h.name.toLowerCase() === 'access-control-allow-origin') acao.push(h.value);
        }
      });
      const r = await pageFetch(ctx.page, ctx.api + '/proxied/data.json',
        { credentials: 'include' });
      await ctx.page.waitForTimeout(200);
      const ours = acao.length === 1 && acao[0] === ctx.pageOrigin;
      return { readable: r.readable && r.text.includes('backend') && ours,
        detail: (r.readable ? 'readable' : 'blocked') + ', Access-Control-Allow-Origin: ' +
          (ours ? 'one, the page origin'
            : acao.length ? acao.map((v) => JSON.stringify(v)).join(' + ') : 'none') };
    },
    want: { readable: true },
  },
];

// What the classic recipe (Header set without "always", RewriteRule OPTIONS [R=204])
// does in each case, as observed in Chromium; asserted so that the table stays true.
const RECIPE_WANT = {
  'simple GET, allowed origin': { readable: true },
  'simple GET, denied origin': { readable: false },
  'preflighted PUT, JSON + listed header': { readable: false },
  'preflight, header not listed (console names it)': { readable: false, named: false },
  "credentials: 'include' with a cookie": { readable: true },
  '401 from Require valid-user: status readable': { readable: false },
  '500 from a CGI script: status readable': { readable: true },
  '404 from httpd (error path): status readable': { readable: false },
  'Expose-Headers: exposed readable, other not': { readable: true },
  'Max-Age: no second preflight': { readable: false },
  'null origin (sandboxed iframe), not listed': { readable: false },
  'null origin (sandboxed iframe), listed': { readable: true },
  "proxied backend sends its own ACAO '*', credentialed": { readable: true },
};

async function sandboxedFetch(page, url) {
  return page.evaluate((u) => new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.srcdoc = `<script>fetch(${JSON.stringify(u)}).then(r => r.text())
      .then(t => parent.postMessage({readable: true}, '*'),
            e => parent.postMessage({readable: false, error: String(e)}, '*'));<\/script>`;
    window.addEventListener('message', (e) => resolve(e.data), { once: true });
    setTimeout(() => resolve({ readable: null, error: 'no answer from the iframe' }), 10000);
    document.body.appendChild(f);
  }), url);
}

// The cause Chromium gives in the console for the last blocked request, shortened:
// "Access to fetch at ... has been blocked by CORS policy: <cause>".
function corsReason(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = /blocked by CORS policy: (.*)/.exec(messages[i]);
    if (m) {
      return m[1].replace(/ If an opaque response.*$/, '')
        .replace(/ on the requested resource\.?$/, '').replace(/\.$/, '');
    }
  }
  return '';
}

function matches(got, want) {
  return Object.keys(want).every((k) => got[k] === want[k]);
}

// What is running, so that every way out (normal end, exception, signal, watchdog)
// closes the browser and stops every httpd.
const live = { browser: null, servers: [], root: null };

async function cleanup() {
  const b = live.browser;
  live.browser = null;
  if (b) await b.close().catch(() => {});
  for (const s of live.servers) await s.stop();
  try {
    if (live.root) fs.rmSync(live.root, { recursive: true, force: true, maxRetries: 5 });
  } catch (e) {
    console.log(`note: could not remove ${live.root}: ${e.message}`);
  }
  live.root = null;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.log(`FAIL interrupted by ${sig}`);
    cleanup().finally(() => process.exit(1));
  });
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-browser-'));
  live.root = root;
  fs.chmodSync(root, 0o755);
  const results = {};
  let passed = 0;
  let failed = 0;
  const servers = live.servers;
  // A hung browser or server must not hang make: give up after WATCHDOG_MS.
  const watchdog = setTimeout(() => {
    console.log('FAIL watchdog: the suite took longer than ' + WATCHDOG_MS / 1000 + ' s');
    console.log(`${passed} passed, ${failed + 1} failed`);
    cleanup().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  try {
    const kinds = ['mod_cors', 'recipe'];
    if (!fs.existsSync(MODULE)) {
      // Without the module, its half of the table fails case by case: never a silent pass.
      console.log(`FAIL ${MODULE} is missing (run make): the mod_cors cases cannot run`);
      kinds.shift();
      results.mod_cors = {};
      for (const c of CASES) {
        results.mod_cors[c.name] = { detail: 'not run: module missing' };
        failed++;
      }
    }
    // playwright adds --headless and a fresh --user-data-dir of its own (a temporary
    // directory, removed on close); the remaining flags are passed as given.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    live.browser = browser;
    for (const kind of kinds) {
      const ports = { page: await freePort(), denied: await freePort(),
        api: await freePort(), backend: await freePort() };
      const server = new Httpd(kind, root, ports);
      servers.push(server);
      await server.start();
      results[kind] = {};
      for (const c of CASES) {
        const context = await browser.newContext();
        context.setDefaultTimeout(15000);
        const consoleMsgs = [];
        const newPage = async (url) => {
          const p = await context.newPage();
          p.on('console', (m) => consoleMsgs.push(m.text()));
          await p.goto(url);
          return p;
        };
        const ctx = {
          kind, server, console: consoleMsgs, newPage,
          api: `http://127.0.0.1:${ports.api}`,
          pageOrigin: `http://127.0.0.1:${ports.page}`,
          deniedPage: `http://127.0.0.1:${ports.denied}/`,
        };
        let got;
        try {
          ctx.page = await newPage(`http://127.0.0.1:${ports.page}/`);
          got = await c.run(ctx);
          if (got.detail === 'blocked') {
            await ctx.page.waitForTimeout(150);
            const why = corsReason(consoleMsgs);
            if (why) got.detail += ': ' + why;
          }
        } catch (e) {
          got = { readable: undefined, detail: 'error: ' + e.message };
        }
        await context.close();
        const want = kind === 'mod_cors' ? c.want : RECIPE_WANT[c.name];
        const ok = matches(got, want);
        results[kind][c.name] = got;
        if (ok) passed++;
        else failed++;
        console.log(`${ok ? 'ok  ' : 'FAIL'} [${kind}] ${c.name}: ${got.detail}` +
          (ok ? '' : ` (want ${JSON.stringify(want)})`));
      }
      const died = server.died();
      if (died) {
        console.log(`FAIL [${kind}] httpd exited by itself during the cases (${died})`);
        failed++;
      }
      const kindFailed = died || CASES.some((c) => !matches(results[kind][c.name],
        kind === 'mod_cors' ? c.want : RECIPE_WANT[c.name]));
      if (kindFailed) {
        const tail = server.errorLogTail(15);
        if (tail) console.log(`[${kind}] error.log (last lines):\n${tail}`);
      }
      await server.stop();
    }
  } catch (e) {
    failed++;
    console.log('FAIL ' + (e.stack || e));
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }

  const cell = (kind, name) => {
    const g = results[kind] && results[kind][name];
    if (!g) return 'n/a';
    const c = CASES.find((x) => x.name === name);
    return (matches(g, c.want) ? 'works' : 'fails') + ' (' + g.detail + ')';
  };
  console.log('\n| case | mod_cors | classic recipe |\n|---|---|---|');
  for (const c of CASES) {
    console.log(`| ${c.name} | ${cell('mod_cors', c.name)} | ${cell('recipe', c.name)} |`);
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

// Fail unless main() reaches its summary: an unexpected rejection, or an event loop
// that empties early, must never look like a pass.
process.exitCode = 1;
main().catch((e) => {
  console.log('FAIL ' + (e.stack || e));
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
