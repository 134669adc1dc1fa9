# Benchmarks (not part of `make test`; CI does not run them, only the statistics test
# below). `make bench` installs wrk when missing, builds, and prints the table;
# `make bench-soak` runs the soak.
.PHONY: bench bench-quick bench-soak
bench:
	@sh build/deps.sh bench
	@$(MAKE) --no-print-directory all
	tests/bench/run.sh

bench-quick:
	@sh build/deps.sh bench
	@$(MAKE) --no-print-directory all
	tests/bench/run.sh --quick

bench-soak:
	@sh build/deps.sh bench
	@$(MAKE) --no-print-directory all
	tests/bench/run.sh --soak

# The harness's statistics (median, confidence interval) on known inputs: fast, so it
# is part of `make test`, where the benchmarks themselves are not.
.PHONY: bench-stats-test
bench-stats-test:
	tests/bench/test_stats.sh

SUITES += bench-stats-test
