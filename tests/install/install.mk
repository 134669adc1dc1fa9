# make install / make uninstall into a staging root (tests/install/test_install.sh).
.PHONY: install-test
install-test: $(OUT)/mod_cors.so $(OUT)/cors-lint
	@sh tests/install/test_install.sh

SUITES += install-test
