# The parity test: random configurations to `apache2 -t` (with the built module) and to
# cors-lint, which must agree on every one; .htaccess files to a running httpd likewise.
# `make parity PARITY_SEED=7 PARITY_COUNT=20000` runs a longer one.
PARITY_SEED     ?= 1
PARITY_COUNT    ?= 2000
PARITY_HTACCESS ?= 400

.PHONY: parity-test parity
parity-test: $(OUT)/mod_cors.so $(OUT)/cors-lint
	python3 tests/parity/run.py --seed 1 --count 2000 --htaccess 400

parity: $(OUT)/mod_cors.so $(OUT)/cors-lint
	python3 tests/parity/run.py --seed $(PARITY_SEED) --count $(PARITY_COUNT) \
	    --htaccess $(PARITY_HTACCESS)

SUITES += parity-test
