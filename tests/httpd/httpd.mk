# The module against a real httpd (Debian's apache2) on loopback, plainly and with the
# module built with ASan + UBSan (apache2 started with libasan preloaded).
.PHONY: httpd-test httpd-asan-test
httpd-test: $(OUT)/mod_cors.so
	python3 tests/httpd/run_tests.py --module $(OUT)/mod_cors.so

httpd-asan-test: $(OUT)/asan/mod_cors.so
	python3 tests/httpd/run_tests.py --module $(OUT)/asan/mod_cors.so --asan

ALL    += $(OUT)/asan/mod_cors.so
SUITES += httpd-test httpd-asan-test
