# mod_cors.so, built with apxs (Debian's apache2-dev) in out/module/ so that libtool's
# droppings stay out of the source tree. The core is compiled into the module.
# (the browser's side of CORS, core/cors_fetch.c, is cors-lint probe's, not the module's)
MOD_SRC  := mod_cors/mod_cors.c mod_cors/cors_counters.c $(filter-out core/cors_fetch.c,$(CORE_SRC))
MOD_HDR  := mod_cors/cors_counters.h $(CORE_HDR)
MOD_DIR  := $(OUT)/module
APXS_WFLAGS := $(foreach f,$(WARNFLAGS),-Wc,$(f))

$(OUT)/mod_cors.so: $(MOD_SRC) $(MOD_HDR)
	@mkdir -p $(MOD_DIR)
	cp $(MOD_SRC) $(MOD_HDR) $(MOD_DIR)/
	cd $(MOD_DIR) && $(APXS) -c $(APXS_WFLAGS) $(MOD_APXS_EXTRA) -lpsl \
	    $(notdir $(MOD_SRC)) >build.log 2>&1 || { cat build.log; exit 1; }
	@# a new file renamed into place: a running httpd keeps the module it mapped
	cp $(MOD_DIR)/.libs/mod_cors.so $@.tmp && mv -f $@.tmp $@

# The same module with AddressSanitizer + UndefinedBehaviorSanitizer, for the httpd
# suite's sanitizer run (apache2 is started with libasan preloaded).
$(OUT)/asan/mod_cors.so: $(MOD_SRC) $(MOD_HDR)
	@mkdir -p $(OUT)/asan/module
	cp $(MOD_SRC) $(MOD_HDR) $(OUT)/asan/module/
	cd $(OUT)/asan/module && $(APXS) -c $(APXS_WFLAGS) \
	    -Wc,-fsanitize=address,undefined -Wc,-fno-omit-frame-pointer \
	    -Wc,-fno-sanitize-recover=all -Wl,-fsanitize=address,undefined -lpsl \
	    $(notdir $(MOD_SRC)) >build.log 2>&1 || { cat build.log; exit 1; }
	cp $(OUT)/asan/module/.libs/mod_cors.so $@.tmp && mv -f $@.tmp $@

ALL     += $(OUT)/mod_cors.so

# make run: dependencies, build, then a demo httpd in the foreground (Ctrl-C stops it).
.PHONY: run
run:
	@sh build/deps.sh
	@$(MAKE) --no-print-directory $(OUT)/mod_cors.so
	@build/demo/run.sh
