# cors-lint against the real-world corpus (tests/lint/corpus/, see its README): precision
# and recall of the (rule, line) pairs found against the expected ones, failing below
# 0.98 (issue 14, item 1).
.PHONY: lint-corpus
lint-corpus: $(OUT)/cors-lint
	python3 tests/lint/corpus_test.py --lint $(OUT)/cors-lint --report

SUITES += lint-corpus
