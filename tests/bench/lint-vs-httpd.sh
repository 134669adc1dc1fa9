#!/usr/bin/env bash
# cors-lint against `apache2 -t` on the same generated tree (tests/bench/gen-tree), and
# linearity: the same with twice the tree. Times are the best of 3 runs, taken in one
# run of this script, so the ratios compare like with like.
set -euo pipefail
cd "$(dirname "$0")/../.."
lint=${LINT:-out/cors-lint}
work=$(mktemp -d /tmp/cors-lint-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
tests/bench/gen-tree "$work/t1" 2000
tests/bench/gen-tree "$work/t2" 4000
lines1=$(cat "$work/t1/httpd.conf" "$work"/t1/sites/*.conf | wc -l)
lines2=$(cat "$work/t2/httpd.conf" "$work"/t2/sites/*.conf | wc -l)

best() { # command... -> best wall time of 3, in seconds
    local b=9999 s e
    for _ in 1 2 3; do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        b=$(awk -v b="$b" -v t="$(( (e - s) ))" 'BEGIN {t /= 1e9; print (t < b) ? t : b}')
    done
    echo "$b"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
l1=$(best "$lint" "$work/t1")
l2=$(best "$lint" "$work/t2")
h1=$(best /usr/sbin/apache2 -d "$work/t1" -f "$work/t1/httpd.conf" -t)
printf 'cors-lint vs apache2 -t on a generated tree (%d lines, 2,000 virtual hosts):\n' "$lines1"
printf '  cors-lint      %8.3f s\n  apache2 -t     %8.3f s   (cors-lint %s times faster)\n' \
    "$l1" "$h1" "$(div "$h1" "$l1")"
printf '  cors-lint on twice the tree (%d lines): %.3f s, %s times the time\n' \
    "$lines2" "$l2" "$(div "$l2" "$l1")"
