# libFuzzer target of the policy core (clang). `make test` runs it for a fixed number of
# inputs from a fixed seed, so the run is reproducible; `make fuzz` runs it longer.
FUZZ_CC := clang
$(OUT)/fuzz_decide: tests/fuzz/fuzz_decide.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(OUT)
	$(FUZZ_CC) $(WARNFLAGS) $(APR_CFLAGS) -Icore -g -O1 \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    tests/fuzz/fuzz_decide.c $(CORE_SRC) $(APR_LIBS) $(PSL_LIBS) -o $@

.PHONY: fuzz-test fuzz
fuzz-test: $(OUT)/fuzz_decide
	@rm -rf $(OUT)/fuzz-corpus && mkdir -p $(OUT)/fuzz-corpus
	$(OUT)/fuzz_decide -seed=1 -runs=2000000 -max_len=4096 -print_final_stats=0 \
	    $(OUT)/fuzz-corpus tests/fuzz/corpus 2>$(OUT)/fuzz.log \
	    || { tail -40 $(OUT)/fuzz.log; exit 1; }
	@tail -1 $(OUT)/fuzz.log

# ten minutes each: the core's request path, then cors-lint
fuzz: $(OUT)/fuzz_decide $(OUT)/fuzz_lint
	@mkdir -p $(OUT)/fuzz-corpus
	$(OUT)/fuzz_decide -max_total_time=600 -max_len=4096 $(OUT)/fuzz-corpus tests/fuzz/corpus
	@$(MAKE) --no-print-directory fuzz-lint

ALL    += $(OUT)/fuzz_decide
SUITES += fuzz-test

# cors-lint's reader, rules and report (tests/fuzz/fuzz_lint.c), seeded with the linter's
# real-world corpus; make test runs it briefly from a fixed seed (about 15 s), make fuzz
# and make fuzz-lint for ten minutes.
LINT_LIB_SRC := $(filter-out lint/cors_lint.c,$(LINT_SRC))
$(OUT)/fuzz_lint: tests/fuzz/fuzz_lint.c $(LINT_LIB_SRC) $(LINT_HDR) $(OUT)/lint_rules_doc.c \
                  $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(OUT)
	$(FUZZ_CC) $(LINT_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all tests/fuzz/fuzz_lint.c $(LINT_LIB_SRC) \
	    $(OUT)/lint_rules_doc.c $(CORE_SRC) $(LINT_LIBS) -o $@

.PHONY: fuzz-lint-test fuzz-lint
fuzz-lint-test: $(OUT)/fuzz_lint
	@rm -rf $(OUT)/fuzz-lint-corpus && mkdir -p $(OUT)/fuzz-lint-corpus
	$(OUT)/fuzz_lint -seed=1 -runs=8000 -max_len=8192 -timeout=10 -print_final_stats=0 \
	    $(OUT)/fuzz-lint-corpus tests/lint/corpus 2>$(OUT)/fuzz-lint.log \
	    || { tail -40 $(OUT)/fuzz-lint.log; exit 1; }
	@tail -1 $(OUT)/fuzz-lint.log

fuzz-lint: $(OUT)/fuzz_lint
	@mkdir -p $(OUT)/fuzz-lint-corpus
	$(OUT)/fuzz_lint -max_total_time=600 -max_len=8192 -timeout=10 $(OUT)/fuzz-lint-corpus \
	    tests/lint/corpus

ALL    += $(OUT)/fuzz_lint
SUITES += fuzz-lint-test
