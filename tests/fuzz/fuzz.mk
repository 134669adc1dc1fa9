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

fuzz: $(OUT)/fuzz_decide
	@mkdir -p $(OUT)/fuzz-corpus
	$(OUT)/fuzz_decide -max_total_time=600 -max_len=4096 $(OUT)/fuzz-corpus tests/fuzz/corpus

ALL    += $(OUT)/fuzz_decide
SUITES += fuzz-test
