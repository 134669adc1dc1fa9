# The policy core, as a static library for the linter and the unit tests, and once more
# built with AddressSanitizer + UndefinedBehaviorSanitizer. (mod_cors.so compiles
# cors_policy.c itself, position-independent, through apxs.)
CORE_SRC := mod_cors/cors_policy.c
CORE_HDR := mod_cors/cors_policy.h

$(OUT)/libcors_policy.a: $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS_ALL) $(OPTFLAGS) -fPIC -c $(CORE_SRC) -o $(OUT)/cors_policy.o
	ar rcs $@ $(OUT)/cors_policy.o

$(OUT)/asan/libcors_policy.a: $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(OUT)/asan
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) -c $(CORE_SRC) -o $(OUT)/asan/cors_policy.o
	ar rcs $@ $(OUT)/asan/cors_policy.o

ALL += $(OUT)/libcors_policy.a
