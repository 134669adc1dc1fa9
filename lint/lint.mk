# cors-lint: links the policy core, libxml2 (XML reports), PCRE2 (origin regexes),
# libpsl, and libcurl (cors-lint probe). The rule pages lint/rules/CLnnn.md are compiled
# in (--explain, SARIF help), so the installed binary needs nothing from the source tree.
LINT_SRC  := lint/cors_lint.c lint/lint_reader.c lint/lint_scope.c lint/lint_rules.c \
             lint/lint_judge.c lint/lint_regex.c lint/lint_report.c lint/lint_cors.c \
             lint/lint_pcre2.c lint/lint_probe.c lint/lint_probe_http.c
LINT_HDR  := lint/lint.h lint/lint_scope.h lint/lint_pcre2.h lint/lint_probe.h
LINT_DOCS := $(sort $(wildcard lint/rules/CL*.md))
LINT_CFLAGS = $(CFLAGS_ALL) -Ilint \
              $(shell pkg-config --cflags libxml-2.0 libpcre2-8 libcurl 2>/dev/null)
LINT_LIBS   = $(shell pkg-config --libs libxml-2.0 libpcre2-8 libcurl 2>/dev/null) $(APR_LIBS) \
              $(PSL_LIBS)

# Each page becomes one C string, LINT_PAGE_CLnnn; the registry takes the page of each
# line of lint.h's LINT_RULES, so a rule without its page does not compile (lint/rules is
# a prerequisite for a page removed).
$(OUT)/lint_rules_doc.c: $(LINT_DOCS) lint/rules lint/lint.mk
	@mkdir -p $(OUT)
	@{ echo '/* generated from the pages in lint/rules by lint/lint.mk */'; \
	  for f in $(LINT_DOCS); do \
	    echo "#define LINT_PAGE_$$(basename "$$f" .md) \\"; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n" \\/' "$$f"; \
	    echo '    ""'; \
	  done; \
	  echo '#include "lint.h"'; \
	  echo '#define LINT_RULE_PAGE(id, severity, security, judge, title) [id] = LINT_PAGE_##id,'; \
	  echo 'static const char *const docs[LINT_NRULES] = {LINT_RULES(LINT_RULE_PAGE)};'; \
	  echo 'const char *lint_rule_doc(int rule)'; \
	  echo '{'; \
	  echo '    return rule >= 0 && rule < LINT_NRULES && docs[rule] ? docs[rule] : "";'; \
	  echo '}'; } > $@

$(OUT)/cors-lint: $(LINT_SRC) $(LINT_HDR) $(CORE_HDR) $(OUT)/lint_rules_doc.c $(OUT)/libcors_core.a
	$(CC) $(LINT_CFLAGS) $(OPTFLAGS) $(LINT_SRC) $(OUT)/lint_rules_doc.c \
	    $(OUT)/libcors_core.a $(LINT_LIBS) -o $@

$(OUT)/asan/cors-lint: $(LINT_SRC) $(LINT_HDR) $(OUT)/lint_rules_doc.c \
                       $(OUT)/asan/libcors_core.a
	@mkdir -p $(OUT)/asan
	$(CC) $(LINT_CFLAGS) $(SANFLAGS) $(LINT_SRC) $(OUT)/lint_rules_doc.c \
	    $(OUT)/asan/libcors_core.a $(LINT_LIBS) -o $@

ALL     += $(OUT)/cors-lint $(OUT)/asan/cors-lint
