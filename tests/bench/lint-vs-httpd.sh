#!/usr/bin/env bash
# cors-lint against `apache2 -t` on the same generated tree (tests/bench/gen-tree), and
# linearity: the same with twice the tree. Each time is the best of 9 runs; the three
# commands take turns, so that a slow moment of the machine does not fall on one only.
set -euo pipefail
cd "$(dirname "$0")/../.."
lint=${LINT:-out/cors-lint}
work=$(mktemp -d /tmp/cors-lint-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
tests/bench/gen-tree "$work/t1" 2000
tests/bench/gen-tree "$work/t2" 4000
lines1=$(cat "$work/t1/httpd.conf" "$work"/t1/sites/*.conf | wc -l)
lines2=$(cat "$work/t2/httpd.conf" "$work"/t2/sites/*.conf | wc -l)

now() { date +%s%N; }
l1=9e9 l2=9e9 h1=9e9
min() { awk -v a="$1" -v b="$2" 'BEGIN {print (a < b) ? a : b}'; }
for _ in 1 2 3 4 5 6 7 8 9; do
    s=$(now); "$lint" "$work/t1" >/dev/null 2>&1 || true; e=$(now); l1=$(min "$l1" $((e - s)))
    s=$(now); /usr/sbin/apache2 -d "$work/t1" -f "$work/t1/httpd.conf" -t >/dev/null 2>&1 \
        || true; e=$(now); h1=$(min "$h1" $((e - s)))
    s=$(now); "$lint" "$work/t2" >/dev/null 2>&1 || true; e=$(now); l2=$(min "$l2" $((e - s)))
done
l1=$(awk -v t="$l1" 'BEGIN {print t / 1e9}')
l2=$(awk -v t="$l2" 'BEGIN {print t / 1e9}')
h1=$(awk -v t="$h1" 'BEGIN {print t / 1e9}')
div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf 'cors-lint vs apache2 -t on a generated tree (%d lines, 2,000 virtual hosts):\n' "$lines1"
printf '  cors-lint      %8.3f s\n  apache2 -t     %8.3f s   (cors-lint %s times faster)\n' \
    "$l1" "$h1" "$(div "$h1" "$l1")"
printf '  cors-lint on twice the tree (%d lines): %.3f s, %s times the time\n' \
    "$lines2" "$l2" "$(div "$l2" "$l1")"
