#!/usr/bin/env bash
# The benchmark's statistics (tests/bench/stats.sh) on inputs whose answers are known.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/bench/stats.sh
. tests/bench/stats.sh
fails=0
check() { # what expected actual
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: expected '$2', got '$3'"
        fails=$((fails + 1))
    fi
}

check "median, odd count, unsorted" 3 "$(printf '%s\n' 5 1 3 | median)"
check "median, even count" 2.5 "$(printf '%s\n' 4 1 3 2 | median)"
# 8 values: j = int(4 - 2.77) = 1, k = ceil(5 + 2.77) = 8: the whole range
check "8 values: interval is the range" "1.025 0.800-1.300 0.80-1.30" \
    "$(printf '%s\n' 1.1 1.2 0.9 1.0 1.05 0.95 1.3 0.8 | median_summary)"
# 100 values 1..100: j = int(50 - 9.8) = 40, k = ceil(51 + 9.8) = 61
check "100 values: 40th and 61st" "50.500 40.000-61.000 1.00-100.00" \
    "$(seq 100 | sort -R | median_summary)"
# 60 values: j = int(30 - 7.59) = 22, k = ceil(31 + 7.59) = 39
check "60 values: 22nd and 39th" "30.500 22.000-39.000 1.00-60.00" "$(seq 60 | median_summary)"
# a median on a rounding edge is rounded as its interval is: never outside it
check "rounding edge" "1.075 1.075-1.075 1.08-1.08" "$(echo 1.0755 | median_summary)"
check "no input: nothing" "" "$(median_summary < /dev/null)"
# few values: j = int(2 - 1.96) = 0 and k = ceil(3 + 1.96) = 5 are clamped to 1 and 4
check "clamped to n" "2.500 1.000-4.000 1.00-4.00" "$(seq 4 | median_summary)"

if [ "$fails" -ne 0 ]; then
    echo "stats: $fails failed"
    exit 1
fi
echo "stats: all passed"
