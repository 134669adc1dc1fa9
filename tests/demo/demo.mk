# make run's demo, started from a copy of the project in a private directory: served,
# and stopped by its signal handler.
.PHONY: demo-test
demo-test: $(OUT)/mod_cors.so
	tests/demo/test_demo.sh

SUITES += demo-test
