# The man pages, made of the manual's Markdown pages (one source), and the docs' tests.
.PHONY: man docs-test
MAN_VERSION := $(shell sed -n 's/^\#define LINT_VERSION "\(.*\)"/\1/p' lint/lint.h)
MAN_PAGES   := $(OUT)/man/cors-lint.1 $(OUT)/man/cors-lint-pre-commit.1 $(OUT)/man/mod_cors.8

MD2MAN = @mkdir -p $(dir $@) && python3 docs/md2man.py $< $(MAN_VERSION) > $@.tmp && mv $@.tmp $@
$(OUT)/man/%.1: docs/%.md docs/md2man.py lint/lint.h
	$(MD2MAN)
$(OUT)/man/%.8: docs/%.md docs/md2man.py lint/lint.h
	$(MD2MAN)

man: $(MAN_PAGES)
ALL += $(MAN_PAGES)

# Every configuration block of the README and docs/ through apache2 -t (with and
# without the module) and cors-lint; the man pages through man --warnings; the
# pre-commit example through Debian's pre-commit.
docs-test: $(OUT)/mod_cors.so $(OUT)/cors-lint $(MAN_PAGES)
	@python3 tests/docs/test_docs.py

SUITES += docs-test
