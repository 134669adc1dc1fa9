# mod_cors and cors-lint. `make test` and `make run` install what is missing first
# (build/deps.sh); the other targets expect the Debian packages to be there.
#
#   make            build the module, the linter and the unit tests
#   make test       install missing packages, build, run every suite
#   make run        install missing packages, build, start a demo httpd on loopback
#   make install    install mod_cors.so, cors.load, cors.conf, cors-lint, man pages, docs
#                   (DESTDIR, PREFIX=/usr/local; see build/install.sh)
#   make uninstall  remove what make install put there
#   make deb        Debian packages libapache2-mod-cors and cors-lint in out/deb
#   make deb-test   build, install, reinstall and purge them on this machine (CI)
#   make man        the man pages (out/man), made of docs/mod_cors.md and docs/cors-lint.md
#   make format     rewrite the C sources in the style of .clang-format
#   make clean

OUT      := out
PREFIX   ?= /usr/local
CC       ?= cc
APXS     ?= apxs

PKGS       := apr-1 apr-util-1
APR_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
APR_LIBS   := $(shell pkg-config --libs apr-1 2>/dev/null)
PSL_LIBS   := -lpsl

WARNFLAGS := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
OPTFLAGS  ?= -O2 -g
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
CFLAGS_ALL = $(WARNFLAGS) $(APR_CFLAGS) -Icore

.PHONY: all test check run install uninstall clean deps bench format format-check
all:

# Each part adds its build products to ALL and its suites to SUITES (run in order by
# `make check`).
ALL     :=
SUITES  := format-check

include core/core.mk
-include mod_cors/module.mk
-include lint/lint.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
-include tests/httpd/httpd.mk
-include tests/lint/lint-tests.mk
-include tests/lint/corpus.mk
-include tests/parity/parity.mk
-include tests/probe/probe.mk
-include tests/browser/browser.mk
-include tests/demo/demo.mk
-include tests/install/install.mk
-include docs/docs.mk
-include tests/bench/bench.mk
-include build/deb.mk

all: $(ALL)

deps:
	@sh build/deps.sh

# The user's test command: dependencies first, then a fresh make that sees them.
test: deps
	@$(MAKE) --no-print-directory check

check: all
	@set -e; for s in $(SUITES); do \
	    echo "==> $$s"; $(MAKE) --no-print-directory $$s; \
	done; echo "==> all suites passed"

INSTALL_ENV = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" APXS="$(APXS)" \
              $(if $(MODULEDIR),MODULEDIR="$(MODULEDIR)") \
              $(if $(APACHE_CONFDIR),APACHE_CONFDIR="$(APACHE_CONFDIR)")

install: $(OUT)/mod_cors.so $(OUT)/cors-lint $(MAN_PAGES)
	@$(INSTALL_ENV) sh build/install.sh install

uninstall:
	@$(INSTALL_ENV) sh build/install.sh uninstall

# The C sources in the style of .clang-format: checked (never rewritten) by make test.
# Not the npm packages of the browser suite (tests/browser/node_modules), which bring C
# files of their own.
FORMAT_SRC = $(shell find core mod_cors lint tests -name node_modules -prune -o -name '*.[ch]' \
                 -print | sort)

format-check:
	@clang-format --style=file --dry-run --Werror $(FORMAT_SRC) && \
	    echo "format-check: $(words $(FORMAT_SRC)) files in the style of .clang-format"

format:
	clang-format --style=file -i $(FORMAT_SRC)

clean:
	rm -rf $(OUT)
