# Debian packages, the Debian way (debhelper, dh_apache2): libapache2-mod-cors and
# cors-lint in out/deb/. The packaging is build/debian/; it is copied, with the sources,
# into a staging tree (dpkg-buildpackage wants debian/ at the top) with a changelog
# written from LINT_VERSION, the one version number of the project.
#
#   make deb        build both packages and run lintian on them (errors fail the build)
#   make deb-test   make deb, then install, enable, reinstall, purge them on this machine
#                   (root; changes the system's httpd configuration while it runs)

DEB_VERSION    := $(shell sed -n 's/^\#define LINT_VERSION "\([^"]*\)".*/\1/p' lint/lint.h)
DEB_MAINTAINER := $(shell sed -n 's/^Maintainer: //p' build/debian/control)
DEB_SRC        := $(OUT)/deb/src
DEB_STAGE      := $(DEB_SRC)/mod-cors-$(DEB_VERSION)
# The changelog and the staged sources are dated by the last commit, so that two builds
# of a commit give the same packages, wherever and whenever it was checked out.
DEB_EPOCH      := $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
DEB_DATE       := $(shell date -R -u -d @$(DEB_EPOCH))
DEB_COMMIT     := $(shell git describe --always --dirty 2>/dev/null)

.PHONY: deb deb-test
deb:
	@sh build/deps.sh deb
	@[ -n "$(DEB_VERSION)" ] || { echo "make deb: no LINT_VERSION in lint/lint.h" >&2; exit 1; }
	@$(MAKE) --no-print-directory -n man >/dev/null 2>&1 || \
	    { echo "make deb: the man pages need a 'make man' target (docs/docs.mk)" >&2; exit 1; }
	rm -rf $(OUT)/deb
	mkdir -p $(DEB_STAGE)
	tar -cf - --exclude=./$(OUT) --exclude=./.git --exclude=node_modules \
	    --mtime=@$(DEB_EPOCH) . | \
	    tar -xf - -C $(DEB_STAGE)
	cp -R build/debian $(DEB_STAGE)/debian
	{ echo "mod-cors ($(DEB_VERSION)) unstable; urgency=medium"; echo; \
	  echo "  * Built by make deb from the mod_cors source tree$(if $(DEB_COMMIT), (commit $(DEB_COMMIT)))."; \
	  echo; echo " -- $(DEB_MAINTAINER)  $(DEB_DATE)"; } > $(DEB_STAGE)/debian/changelog
	@echo "dpkg-buildpackage (log: $(DEB_SRC)/build.log)"
	@cd $(DEB_STAGE) && dpkg-buildpackage -b -us -uc -Jauto >../build.log 2>&1 || \
	    { cat ../build.log; exit 1; }
	mv $(DEB_SRC)/*.deb $(DEB_SRC)/*.changes $(DEB_SRC)/*.buildinfo $(OUT)/deb/
	lintian --fail-on error $(OUT)/deb/*.changes
	@ls $(OUT)/deb/*.deb

deb-test: deb
	sh tests/deb/test_deb.sh
