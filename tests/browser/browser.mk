# The browser suite on three engines, all from Debian (build/deps.sh): Chromium (driven
# by playwright-core over the DevTools protocol), Firefox ESR (puppeteer-core over
# WebDriver BiDi) and WebKitGTK's MiniBrowser (under a private Xvfb), against httpd
# with mod_cors and with the classic recipe. The two npm packages come from the
# registry, pinned by package-lock.json; npm ci runs no install scripts and the
# variables below forbid any browser download, so nothing but those packages is fetched.
.PHONY: browser-test
BROWSER_NPM_ENV := PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 \
                   PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1 \
                   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && $(BROWSER_NPM_ENV) npm ci --ignore-scripts --no-audit --no-fund \
	    --loglevel=error
	@touch $@

browser-test: $(OUT)/mod_cors.so tests/browser/node_modules/.installed
	$(BROWSER_NPM_ENV) node tests/browser/run.js

SUITES += browser-test
