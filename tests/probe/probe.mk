# cors-lint probe against httpd with mod_cors and the recipe, and a hostile server
# (tests/probe/test_probe.py); once more with the ASan/UBSan build of cors-lint, and
# one probe under valgrind.
.PHONY: probe-test
probe-test: $(OUT)/cors-lint $(OUT)/asan/cors-lint $(OUT)/mod_cors.so
	@python3 tests/probe/test_probe.py
	@ASAN_OPTIONS=detect_leaks=1 python3 tests/probe/test_probe.py --lint $(OUT)/asan/cors-lint

SUITES += probe-test
