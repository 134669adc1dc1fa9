# Unit tests of the policy core (Check), run plainly and under ASan + UBSan.
UNIT_SRC   := tests/unit/test_cors_policy.c
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
UNIT_LIBS  := $(APR_LIBS) $(PSL_LIBS) $(CHECK_LIBS)

$(OUT)/test_cors_policy: $(UNIT_SRC) $(OUT)/libcors_policy.a
	$(CC) $(CFLAGS_ALL) $(OPTFLAGS) $(UNIT_SRC) $(OUT)/libcors_policy.a $(UNIT_LIBS) -o $@

$(OUT)/asan/test_cors_policy: $(UNIT_SRC) $(OUT)/asan/libcors_policy.a
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) $(UNIT_SRC) $(OUT)/asan/libcors_policy.a \
	    $(UNIT_LIBS) -o $@

# The callgrind driver (tests/bench) shares the core; it is built, not run, by `make`.
$(OUT)/bench_decide: tests/bench/bench_decide.c $(OUT)/libcors_policy.a
	$(CC) $(CFLAGS_ALL) $(OPTFLAGS) $< $(OUT)/libcors_policy.a $(APR_LIBS) $(PSL_LIBS) -o $@

.PHONY: unit-test unit-asan-test
unit-test: $(OUT)/test_cors_policy
	$(OUT)/test_cors_policy

# Check forks each test by default; no fork keeps ASan's leak report in one process.
unit-asan-test: $(OUT)/asan/test_cors_policy
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(OUT)/asan/test_cors_policy

ALL    += $(OUT)/test_cors_policy $(OUT)/asan/test_cors_policy $(OUT)/bench_decide
SUITES += unit-test unit-asan-test
