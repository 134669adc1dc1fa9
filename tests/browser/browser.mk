# Headless Chromium (Debian's) against httpd with mod_cors and with the classic recipe.
# playwright-core drives the browser over the DevTools protocol; it is installed from
# the npm registry (npm ci, from package-lock.json) and never downloads a browser.
.PHONY: browser-test
tests/browser/node_modules/playwright-core/package.json: tests/browser/package-lock.json
	cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
	    --loglevel=error
	@touch $@

browser-test: $(OUT)/mod_cors.so tests/browser/node_modules/playwright-core/package.json
	node tests/browser/run.js

SUITES += browser-test
