# The core: everything mod_cors and cors-lint must agree on (origins, the allow-list,
# the decision, the directive model, the regex judge). A static library for the linter
# and the tests, once more with AddressSanitizer + UndefinedBehaviorSanitizer; the
# module compiles the same sources itself, position-independent, through apxs.
CORE_SRC := core/cors_policy.c core/cors_psl.c core/cors_judge.c core/cors_redos.c \
            core/cors_config.c core/cors_sections.c core/cors_fetch.c core/cors_enforce.c
CORE_HDR := core/cors_policy.h core/cors_judge.h core/cors_config.h core/cors_fetch.h \
            core/cors_enforce.h
CORE_OBJ      := $(patsubst core/%.c,$(OUT)/core/%.o,$(CORE_SRC))
CORE_ASAN_OBJ := $(patsubst core/%.c,$(OUT)/asan/core/%.o,$(CORE_SRC))

$(OUT)/core/%.o: core/%.c $(CORE_HDR)
	@mkdir -p $(OUT)/core
	$(CC) $(CFLAGS_ALL) $(OPTFLAGS) -fPIC -c $< -o $@

$(OUT)/asan/core/%.o: core/%.c $(CORE_HDR)
	@mkdir -p $(OUT)/asan/core
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) -c $< -o $@

$(OUT)/libcors_core.a: $(CORE_OBJ)
	ar rcs $@ $^

$(OUT)/asan/libcors_core.a: $(CORE_ASAN_OBJ)
	ar rcs $@ $^

ALL += $(OUT)/libcors_core.a
