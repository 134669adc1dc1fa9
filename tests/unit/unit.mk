# Unit tests of the core (Check), run plainly and under ASan + UBSan: the policy
# (origins, lists, decisions), the configuration model (directives, merge, conflicts,
# sections), the regex judge, the browser's checks (cors-lint probe) and CORSEnforce.
# PCRE2 is the tests' regex engine, cors-lint's (tests/unit/test_engine.h,
# lint/lint_pcre2.c).
UNIT_TESTS := test_cors_policy test_cors_config test_cors_judge test_cors_fetch
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
UNIT_LIBS  := $(APR_LIBS) $(PSL_LIBS) $(CHECK_LIBS) \
              $(shell pkg-config --libs libpcre2-8 2>/dev/null)

UNIT_ENGINE := tests/unit/test_engine.h lint/lint_pcre2.c lint/lint_pcre2.h
UNIT_CFLAGS  = $(CFLAGS_ALL) -Ilint $(shell pkg-config --cflags libpcre2-8 2>/dev/null)

$(OUT)/test_cors_%: tests/unit/test_cors_%.c tests/unit/check_run.h $(UNIT_ENGINE) $(OUT)/libcors_core.a
	$(CC) $(UNIT_CFLAGS) $(OPTFLAGS) $< lint/lint_pcre2.c $(OUT)/libcors_core.a $(UNIT_LIBS) -o $@

$(OUT)/asan/test_cors_%: tests/unit/test_cors_%.c tests/unit/check_run.h $(UNIT_ENGINE) $(OUT)/asan/libcors_core.a
	@mkdir -p $(OUT)/asan
	$(CC) $(UNIT_CFLAGS) $(SANFLAGS) $< lint/lint_pcre2.c $(OUT)/asan/libcors_core.a \
	    $(UNIT_LIBS) -o $@

# The callgrind driver (tests/bench) shares the core; it is built, not run, by `make`.
$(OUT)/bench_decide: tests/bench/bench_decide.c $(OUT)/libcors_core.a
	$(CC) $(CFLAGS_ALL) $(OPTFLAGS) $< $(OUT)/libcors_core.a $(APR_LIBS) $(PSL_LIBS) -o $@

.PHONY: unit-test unit-asan-test
unit-test: $(addprefix $(OUT)/,$(UNIT_TESTS))
	@set -e; for t in $(UNIT_TESTS); do $(OUT)/$$t; done

# Check forks each test by default; no fork keeps ASan's leak report in one process.
unit-asan-test: $(addprefix $(OUT)/asan/,$(UNIT_TESTS))
	@set -e; for t in $(UNIT_TESTS); do \
	    CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(OUT)/asan/$$t; done

ALL    += $(addprefix $(OUT)/,$(UNIT_TESTS)) $(addprefix $(OUT)/asan/,$(UNIT_TESTS)) \
          $(OUT)/bench_decide
SUITES += unit-test unit-asan-test
