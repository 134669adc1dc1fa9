// The three browser engines behind one small interface, for tests/browser/run.js:
//
//   const e = ENGINES.chromium;  await e.launch(opts);  const s = await e.session(url);
//   await s.evaluate(fn, arg);  await s.goto(url);  s.messages();  await s.close();
//   await e.quit();
//
// Blink: Debian's chromium, by playwright-core over the DevTools protocol; console
// messages are the page's 'console' events. Gecko: Debian's firefox-esr, by
// puppeteer-core over WebDriver BiDi; Firefox reports CORS failures as page errors
// ('pageerror'), not console messages. WebKit: Debian's MiniBrowser (WebKitGTK), which
// has no headless mode, under a private Xvfb. WebKitWebDriver would drive it, but in
// automation mode MiniBrowser ignores --enable-write-console-messages-to-stdout, and
// WebDriver has no console log, so WebKit's messages would be lost; instead MiniBrowser
// runs as a user starts it, and the test page drives itself: a script in the page
// (PAGE_HARNESS) long-polls a control server here for the next function to run or URL
// to load, and posts the result back. Its console lines come on MiniBrowser's stderr.
//
// Every browser gets a temporary profile (HOME too, for MiniBrowser) and its own process
// group, so that quit() and kill() stop it with all its children.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const MINIBROWSER = process.env.MINIBROWSER ||
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';
const CALL_MS = 15000;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Every process group started here and not yet seen to exit: killAll() is the last
// resort of an interrupted run.
const GROUPS = new Set();

function killAll() {
  for (const pid of GROUPS) {
    try { process.kill(-pid, 'SIGKILL'); } catch (e) { /* gone */ }
  }
  GROUPS.clear();
}

// A process in its own group; kill() reaches its children too (a browser's helpers).
function spawnGroup(cmd, args, opts) {
  const p = spawn(cmd, args, { ...opts, detached: true });
  GROUPS.add(p.pid);
  p.exited = new Promise((resolve) => p.on('exit', resolve));
  p.on('error', () => {});
  p.killGroup = async (ms = 3000) => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    try { process.kill(-p.pid, 'SIGTERM'); } catch (e) { return; }
    const t = setTimeout(() => {
      try { process.kill(-p.pid, 'SIGKILL'); } catch (e) { /* gone */ }
    }, ms);
    await p.exited;
    clearTimeout(t);
    // helpers that outlive the leader (WebKit's network and web processes)
    try { process.kill(-p.pid, 'SIGKILL'); } catch (e) { /* none left */ }
    GROUPS.delete(p.pid);
  };
  return p;
}

// A temporary HOME (and XDG directories) for a browser, so that nothing it writes,
// caches included, outlives the suite or leaks from one run into the next.
function tempHome(engine) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cors-${engine}-`));
  return {
    dir,
    env: { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_DATA_HOME: path.join(dir, 'data'), XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_RUNTIME_DIR: dir },
    remove() { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); },
  };
}

// ---- Blink ----------------------------------------------------------------------------

const chromium = {
  name: 'chromium',
  label: 'Chromium',
  async launch(opts) {
    const { chromium: pw } = require('playwright-core');
    const v = require('child_process').spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
    this.version = (v.stdout || '').split(' built')[0].trim();
    this.home = tempHome('chromium');
    // playwright adds --headless and a fresh --user-data-dir of its own (a temporary
    // directory, removed on close); signals are the suite's to handle.
    this.browser = await pw.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, ...this.home.env },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--ip-address-space-overrides=${opts.publicPorts.map((p) => `127.0.0.1:${p}=public`)
          .join(',')}`],
    });
  },
  // A fresh browser context per case: empty cookie jar and preflight cache.
  async session(url) {
    const context = await this.browser.newContext();
    context.setDefaultTimeout(CALL_MS);
    const msgs = [];
    const page = await context.newPage();
    page.on('console', (m) => msgs.push(m.text()));
    await page.goto(url);
    return {
      goto: (u) => page.goto(u),
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      messages: () => msgs.slice(),
      close: () => context.close().catch(() => {}),
    };
  },
  async quit() {
    const b = this.browser;
    this.browser = null;
    if (b) await withTimeout(b.close(), 10000, 'chromium close').catch(() => {});
    if (this.home) this.home.remove();
    this.home = null;
  },
  // "Access to fetch at '...' from origin '...' has been blocked by CORS policy: <cause>"
  reason(msgs) {
    for (const m of msgs) {
      const r = /blocked by CORS policy: (.*)/.exec(m);
      if (r) {
        return r[1].replace(/ If an opaque response.*$/, '')
          .replace(/ on the requested resource\.?$/, '').replace(/\.$/, '');
      }
    }
    return '';
  },
};

// ---- Gecko ----------------------------------------------------------------------------

const firefox = {
  name: 'firefox',
  label: 'Firefox ESR',
  async launch(opts) {
    const puppeteer = require('puppeteer-core');
    const v = require('child_process').spawnSync(FIREFOX, ['--version'], { encoding: 'utf8' });
    this.version = (v.stdout || '').trim();
    this.home = tempHome('firefox');
    // puppeteer makes a temporary profile and removes it on close
    this.browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      env: { ...process.env, ...this.home.env },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      extraPrefsFirefox: {
        'network.lna.address_space.public.override':
          opts.publicPorts.map((p) => `127.0.0.1:${p}`).join(','),
      },
    });
  },
  async session(url) {
    const context = await this.browser.createBrowserContext();
    const page = await context.newPage();
    page.setDefaultTimeout(CALL_MS);
    const msgs = [];
    page.on('console', (m) => msgs.push(m.text()));
    page.on('pageerror', (e) => msgs.push(e.message || String(e)));
    await page.goto(url);
    return {
      goto: (u) => page.goto(u),
      evaluate: (fn, arg) => withTimeout(page.evaluate(fn, arg), CALL_MS, 'firefox evaluate'),
      messages: () => msgs.slice(),
      close: () => withTimeout(context.close(), 5000, 'firefox context').catch(() => {}),
    };
  },
  async quit() {
    const b = this.browser;
    this.browser = null;
    if (b) {
      const proc = b.process();
      await withTimeout(b.close(), 10000, 'firefox close').catch(() => {});
      if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    }
    if (this.home) this.home.remove();
    this.home = null;
  },
  // "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote
  // resource at URL. (Reason: <cause>). Status code: N."
  // Every failure also logs "CORS request did not succeed", sometimes first: the cause
  // is the other line. `specific`: only the cause will do.
  reason(msgs, specific) {
    let generic = '';
    for (const m of msgs) {
      const r = /\(Reason: (.*?)\)\.?(?: Status code: (.+?)\.)?$/.exec(m);
      if (!r) continue;
      const text = r[1].replace(/[‘’]/g, "'") +
        (r[2] && r[2] !== '(null)' ? ` (status ${r[2]})` : '');
      if (/^CORS request did not succeed/.test(text)) generic = generic || text;
      else return text;
    }
    return specific ? '' : generic;
  },
};

// ---- WebKit ---------------------------------------------------------------------------

// The script every test page carries. Inert unless the URL's fragment names a control
// server (#ctl=URL): then it fetches commands from it, one at a time.
const PAGE_HARNESS = `<script>
(function () {
  var m = /[#&]ctl=([^&]+)/.exec(location.hash);
  if (!m) return;
  var ctl = decodeURIComponent(m[1]);
  var first = 1;
  async function loop() {
    for (;;) {
      var cmd;
      try {
        cmd = await (await fetch(ctl + '/next?first=' + first)).json();
      } catch (e) {
        await new Promise(function (r) { setTimeout(r, 100); });
        continue;
      }
      first = 0;
      if (cmd.wait) continue;
      if (cmd.goto) { location.href = cmd.goto; return; }
      var result;
      try {
        var fn = (0, eval)('(' + cmd.src + ')');
        result = { value: await fn(cmd.arg) };
      } catch (e) {
        result = { error: String(e && e.stack || e) };
      }
      await fetch(ctl + '/result?id=' + cmd.id, { method: 'POST', body: JSON.stringify(result) });
    }
  }
  loop();
})();
</script>`;

// The control server the page polls: one page at a time, commands in order.
class Control {
  constructor() {
    this.queue = [];
    this.waiting = null; // the page's pending /next
    this.results = new Map();
    this.readyWaiters = [];
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.url = `http://127.0.0.1:${this.server.address().port}`;
      resolve();
    }));
  }

  handle(req, res) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-store');
    const u = new URL(req.url, this.url);
    if (u.pathname === '/next') {
      if (u.searchParams.get('first') === '1') {
        const w = this.readyWaiters;
        this.readyWaiters = [];
        w.forEach((f) => f());
      }
      if (this.waiting) this.reply(this.waiting, { wait: true });
      this.waiting = res;
      res.on('close', () => { if (this.waiting === res) this.waiting = null; });
      res.holdTimer = setTimeout(() => {
        if (this.waiting === res) { this.waiting = null; this.reply(res, { wait: true }); }
      }, 20000);
      res.holdTimer.unref();
      this.pump();
    } else if (u.pathname === '/result') {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const f = this.results.get(u.searchParams.get('id'));
        res.end('ok');
        if (f) f(body);
      });
    } else {
      res.statusCode = 404;
      res.end();
    }
  }

  reply(res, obj) {
    clearTimeout(res.holdTimer);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(obj));
  }

  pump() {
    if (this.waiting && this.queue.length) {
      const res = this.waiting;
      this.waiting = null;
      this.reply(res, this.queue.shift());
    }
  }

  // Resolves when a freshly loaded page polls for the first time.
  ready() {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  send(cmd) {
    this.queue.push(cmd);
    this.pump();
  }

  close() {
    if (this.waiting) { clearTimeout(this.waiting.holdTimer); this.waiting.destroy(); }
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const webkit = {
  name: 'webkit',
  label: 'WebKitGTK',
  async launch(opts) {
    this.home = tempHome('webkit');
    const v = require('child_process').spawnSync('dpkg-query',
      ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' });
    this.version = 'WebKitGTK ' + (v.stdout || '?').trim();
    // Xvfb picks a free display itself and writes its number on fd 3.
    this.xvfb = spawnGroup(XVFB, ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten',
      'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const display = await withTimeout(new Promise((resolve, reject) => {
      let out = '';
      this.xvfb.stdio[3].on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      this.xvfb.on('exit', (c) => reject(new Error('Xvfb exited with status ' + c)));
    }), 10000, 'Xvfb');
    this.env = {
      PATH: process.env.PATH, DISPLAY: ':' + display, ...this.home.env,
      NO_AT_BRIDGE: '1', GDK_BACKEND: 'x11', LIBGL_ALWAYS_SOFTWARE: '1',
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    };
    this.control = new Control();
    await this.control.listen();
    this.lines = [];
    this.loads = 0;
  },
  // MiniBrowser starts on the first session's page; later sessions load theirs.
  async session(url) {
    const ctl = '#ctl=' + encodeURIComponent(this.control.url);
    const start = this.lines.length;
    // a new query every time: a URL that differs only in its fragment would not load
    const fresh = (u) => `${u}${u.includes('?') ? '&' : '?'}load=${++this.loads}${ctl}`;
    if (!this.mb) {
      const ready = this.control.ready();
      this.mb = spawnGroup(MINIBROWSER, ['--enable-write-console-messages-to-stdout=true',
        fresh(url)], { stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
      let partial = '';
      const onData = (d) => {
        const parts = (partial + d).split('\n');
        partial = parts.pop();
        for (const l of parts) if (/CONSOLE/.test(l)) this.lines.push(l);
      };
      this.mb.stdout.on('data', onData);
      this.mb.stderr.on('data', onData);
      await withTimeout(ready, CALL_MS, 'MiniBrowser start');
    } else {
      await this.goto(fresh(url));
    }
    const from = Math.max(start, this.lines.length);
    const self = this;
    return {
      goto: (u) => self.goto(fresh(u)),
      evaluate: (fn, arg) => self.evaluate(fn, arg),
      // the lines printed since the session began, except the harness's own
      messages: () => self.lines.slice(from).filter((l) => !l.includes(self.control.url)),
      close: async () => {},
    };
  },
  async goto(url) {
    const ready = this.control.ready();
    this.control.send({ goto: url });
    await withTimeout(ready, CALL_MS, 'MiniBrowser load ' + url);
  },
  async evaluate(fn, arg) {
    const id = String((this.nextId = (this.nextId || 0) + 1));
    const done = new Promise((resolve) => this.control.results.set(id, resolve));
    this.control.send({ id, src: fn.toString(), arg: arg === undefined ? null : arg });
    try {
      const r = JSON.parse(await withTimeout(done, CALL_MS, 'MiniBrowser evaluate'));
      if (r.error) throw new Error(r.error);
      return r.value;
    } finally {
      this.control.results.delete(id);
    }
  },
  async quit() {
    if (this.mb) await this.mb.killGroup();
    this.mb = null;
    if (this.xvfb) await this.xvfb.killGroup();
    this.xvfb = null;
    if (this.control) await this.control.close();
    this.control = null;
    if (this.home) this.home.remove();
    this.home = null;
  },
  // "CONSOLE SECURITY ERROR <cause>", then "CONSOLE JS ERROR Fetch API cannot load URL
  // due to access control checks."
  reason(msgs) {
    const sec = msgs.find((m) => /CONSOLE SECURITY ERROR/.test(m));
    const any = sec || msgs.find((m) => /CONSOLE (JS|NETWORK) ERROR/.test(m));
    return any ? any.replace(/^.*CONSOLE \w+ ERROR /, '').replace(/\.$/, '') : '';
  },
};

module.exports = { ENGINES: { chromium, firefox, webkit }, PAGE_HARNESS, sleep, withTimeout,
  killAll };
