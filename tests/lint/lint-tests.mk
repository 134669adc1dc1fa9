# cors-lint against fixtures (expected findings at exact places), every format parsed
# back, the hooks, Debian's /etc/apache2, hostile input and valgrind; then the same
# suite with the ASan/UBSan build (valgrind left out there).
.PHONY: lint-test lint-asan-test
lint-test: $(OUT)/cors-lint
	python3 tests/lint/run_tests.py --lint $(OUT)/cors-lint

lint-asan-test: $(OUT)/asan/cors-lint
	ASAN_OPTIONS=detect_leaks=1 python3 tests/lint/run_tests.py --lint $(OUT)/asan/cors-lint \
	    --no-valgrind

SUITES += lint-test lint-asan-test
