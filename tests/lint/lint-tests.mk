# cors-lint against the rule fixtures (tests/lint/rules/CLnnn/: every finding at its
# exact place, and a page, a positive and a negative fixture for each rule of the
# table), then run_tests.py, what needs code: the include trees, every format parsed
# back, flags and exit codes, the hooks, Debian's /etc/apache2, hostile input and
# valgrind; then both with the ASan/UBSan build (valgrind left out there); and Check
# unit tests of the linter's internals (regex judge, reader, scope merge), linked
# without cors_lint.c.
.PHONY: lint-test lint-asan-test lint-unit-test
LINT_LIB_SRC := $(filter-out lint/cors_lint.c,$(LINT_SRC))

$(OUT)/test_lint_units: tests/lint/test_lint_units.c tests/unit/check_run.h $(LINT_LIB_SRC) $(LINT_HDR) \
                        $(OUT)/lint_rules_doc.c $(OUT)/libcors_core.a
	$(CC) $(LINT_CFLAGS) $(OPTFLAGS) tests/lint/test_lint_units.c $(LINT_LIB_SRC) \
	    $(OUT)/lint_rules_doc.c $(OUT)/libcors_core.a $(LINT_LIBS) \
	    $(shell pkg-config --libs check 2>/dev/null) -o $@

lint-unit-test: $(OUT)/test_lint_units
	$(OUT)/test_lint_units

lint-test: $(OUT)/cors-lint
	python3 tests/lint/rules_test.py --lint $(OUT)/cors-lint
	python3 tests/lint/run_tests.py --lint $(OUT)/cors-lint

lint-asan-test: $(OUT)/asan/cors-lint
	ASAN_OPTIONS=detect_leaks=1 python3 tests/lint/rules_test.py --lint $(OUT)/asan/cors-lint
	ASAN_OPTIONS=detect_leaks=1 python3 tests/lint/run_tests.py --lint $(OUT)/asan/cors-lint \
	    --no-valgrind

ALL    += $(OUT)/test_lint_units
SUITES += lint-unit-test lint-test lint-asan-test
