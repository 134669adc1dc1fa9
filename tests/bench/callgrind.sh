#!/bin/sh
# Instructions per decision of the policy core, counted by callgrind (stable across
# runs, unlike time). Usage: tests/bench/callgrind.sh [out/bench_decide]
set -eu
bin=${1:-out/bench_decide}
iters=2000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-40s %14s\n' "case" "instr/decision"
run() { # label exact wild mode
    valgrind --tool=callgrind --toggle-collect=cors_policy_decide \
        --callgrind-out-file="$tmp/cg.out" "$bin" "$2" "$3" "$iters" "$4" \
        >/dev/null 2>"$tmp/log"
    ir=$(sed -n 's/^summary: //p' "$tmp/cg.out")
    printf '%-40s %14d\n' "$1" $((ir / iters))
}
run "preflight, 1 exact origin"                    1     0    preflight
run "preflight, 10000 exact + 1000 wildcards"      10000 1000 preflight
run "simple GET, 1 exact origin"                   1     0    simple
run "simple GET, 10000 exact + 1000 wildcards"     10000 1000 simple
run "preflight via wildcard, 10000 + 1000"         10000 1000 wildcard
