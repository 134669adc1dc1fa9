#!/usr/bin/env bash
# Benchmarks: httpd with no CORS, with the usual mod_headers recipe, and with mod_cors,
# side by side in one run on loopback, measured with wrk. Prints figures; never fails
# on timing. Usage:
#
#   tests/bench/run.sh            the full table (about 6 minutes on 2 cores)
#   tests/bench/run.sh --quick    one short round (a smoke test of the harness)
#   tests/bench/run.sh --soak     a million requests against mod_cors, RSS before/after
#                                 (and as many against httpd with no CORS, the baseline)
#
# All servers run at once, each a single event-MPM child, and the measurements are
# interleaved round by round, in a new random order each round, so drift on a noisy
# machine hits every configuration alike; each figure is the median of the rounds, and
# each ratio the median of the ratios of the same round. BENCH_ROUNDS and BENCH_SECONDS
# change the number and length of the rounds, BENCH_PAIRS the head-to-head rounds;
# BENCH_H2H="none:cors-1:get recipe-1:cors-1:preflight" runs only these head-to-head
# pairs, and BENCH_ROUNDS=0 skips the rates measured apart: many rounds of one pair pin
# its ratio down (the table gives the median's 95 % confidence interval).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

mode=full
case "${1:-}" in
    --quick) mode=quick ;;
    --soak) mode=soak ;;
    --instructions) mode=instructions ;;
    "") ;;
    *) echo "usage: $0 [--quick|--soak|--instructions]" >&2; exit 2 ;;
esac

rounds=8; pairs=8; secs=2; conns=16
[ "$mode" = quick ] && { rounds=1; pairs=1; secs=2; }
[ -n "${BENCH_ROUNDS:-}" ] && rounds=$BENCH_ROUNDS
[ -n "${BENCH_PAIRS:-}" ] && pairs=$BENCH_PAIRS
[ -n "${BENCH_SECONDS:-}" ] && secs=$BENCH_SECONDS

for f in out/mod_cors.so out/bench_decide; do
    [ -e "$f" ] || { echo "bench: $f is missing; run make first" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench: wrk is missing; run sh build/deps.sh bench" >&2; exit 2; }

pin_httpd='' pin_wrk=''
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_httpd="taskset -c 1" pin_wrk="taskset -c 0"
fi
work=$(mktemp -d /tmp/cors-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
    for conf in "$work"/*/httpd.conf; do
        [ -e "$conf" ] && /usr/sbin/apache2 -d "$(dirname "$conf")" -f "$conf" -k stop \
            >/dev/null 2>&1 || true
    done
    sleep 1
    for conf in "$work"/*/httpd.conf; do
        pidf=$(dirname "$conf")/httpd.pid
        [ -e "$pidf" ] && kill -9 "$(cat "$pidf")" 2>/dev/null || true
    done
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/htdocs"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/htdocs/file.txt"
chmod -R a+rX "$work/htdocs"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

origins() { # N: the request's origin last, so a regex alternation tries every entry
    local n=$1 i
    for ((i = 0; i < n - 1; i++)); do echo "https://app$i.example.com"; done
    echo "https://app.example.com"
}

# name kind n: writes $work/name/httpd.conf, starts it, records its port
start_server() {
    local name=$1 kind=$2 n=$3 dir=$work/$1 port
    port=$(free_port)
    mkdir -p "$dir/logs"
    chmod 755 "$dir"
    cat > "$dir/httpd.conf" <<EOF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/logs/error.log"
LogLevel warn
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
TypesConfig /etc/mime.types
ServerLimit 1
StartServers 1
ThreadsPerChild 64
ThreadLimit 64
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 64
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
DocumentRoot "$work/htdocs"
<Directory "$work/htdocs">
    Require all granted
    AllowOverride None
</Directory>
EOF
    case $kind in
    none) ;;
    recipe)
        {
            echo "LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so"
            echo "LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so"
            echo "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so"
            # httpd's regex library cannot compile one alternation of 10,000 origins
            # (PCRE's pattern size limit), so it is split into lines of 200, as an admin
            # would have to.
            origins "$n" | sed 's/\./\\./g' | paste -d '|' $(printf -- '- %.0s' $(seq 200)) \
                | sed 's/|*$//; s/^/SetEnvIf Origin "^(/; s/$/)$" CORS_ORIGIN=$1/'
            cat <<'EOF'
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
Header always set Access-Control-Allow-Methods "GET, HEAD, POST, PUT, DELETE" env=CORS_ORIGIN
Header always set Access-Control-Allow-Headers "Content-Type, X-Request-Id" env=CORS_ORIGIN
Header always set Access-Control-Max-Age "600" env=CORS_ORIGIN
Header always merge Vary Origin
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteCond %{ENV:CORS_ORIGIN} .
RewriteRule ^ - [R=204,L]
EOF
        } >> "$dir/httpd.conf"
        ;;
    cors)
        {
            echo "LoadModule cors_module $top/out/mod_cors.so"
            origins "$n" | paste -d ' ' - - - - - - - - - - | sed 's/^/CORSAllowOrigin /;s/ *$//'
            cat <<'EOF'
CORSAllowCredentials On
CORSAllowMethods GET HEAD POST PUT DELETE
CORSAllowHeaders Content-Type X-Request-Id
CORSMaxAge 600
EOF
        } >> "$dir/httpd.conf"
        ;;
    esac
    if [ -n "${CALLGRIND_KIND:-}" ]; then
        # httpd writes the profile after switching to www-data
        touch "$dir/callgrind.out"
        chmod 666 "$dir/callgrind.out"
        # one process, one request at a time, under callgrind: instructions, not seconds
        valgrind --tool=callgrind --toggle-collect=ap_run_process_connection \
            --callgrind-out-file="$dir/callgrind.out" \
            /usr/sbin/apache2 -X -d "$dir" -f "$dir/httpd.conf" >/dev/null 2>&1 &
        echo $! > "$dir/valgrind.pid"
    else
        # httpd on the second core, wrk on the first: less noise from the scheduler
        $pin_httpd /usr/sbin/apache2 -d "$dir" -f "$dir/httpd.conf" -k start
    fi
    for _ in $(seq 300); do
        curl -s -o /dev/null "http://127.0.0.1:$port/file.txt" && break
        sleep 0.1
    done
    echo "$port" > "$dir/port"
}

port_of() { cat "$work/$1/port"; }

# Peak (VmHWM) or current (VmRSS) resident memory of a server's processes, in KiB.
server_rss() {
    local dir=$work/$1 field=${2:-VmHWM} parent total=0 p kb
    parent=$(cat "$dir/httpd.pid")
    for p in $parent $(pgrep -P "$parent"); do
        kb=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

cat > "$work/preflight.lua" <<'EOF'
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "https://app.example.com"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type,x-request-id"
EOF

# wrk's arguments for a kind of request
wrk_args() { # kind
    if [ "$1" = preflight ]; then
        echo "-s $work/preflight.lua"
    else
        echo "-H Origin:https://app.example.com"
    fi
}

# median, median_summary
# shellcheck source=tests/bench/stats.sh
. tests/bench/stats.sh

# Check once that every server answers as its configuration says, so a broken
# configuration cannot produce flattering numbers.
verify() { # name kind
    local port h
    port=$(port_of "$1")
    h=$(curl -s -D - -o /dev/null -X OPTIONS -H "Origin: https://app.example.com" \
        -H "Access-Control-Request-Method: PUT" \
        -H "Access-Control-Request-Headers: content-type,x-request-id" \
        "http://127.0.0.1:$port/file.txt" | tr -d '\r')
    if [ "$2" != none ]; then
        echo "$h" | grep -q '^HTTP/1.1 204' \
            && echo "$h" | grep -qi '^access-control-allow-origin: https://app.example.com$' \
            || { echo "bench: $1 does not answer the preflight as expected:" >&2; echo "$h" >&2; }
        # the GET exactly as wrk sends it (wrk_args)
        h=$(curl -s -D - -o /dev/null -H "Origin:https://app.example.com" \
            "http://127.0.0.1:$port/file.txt" | tr -d '\r')
        echo "$h" | grep -q '^HTTP/1.1 200' \
            && echo "$h" | grep -qi '^access-control-allow-origin: https://app.example.com$' \
            || { echo "bench: $1 does not grant the GET as expected:" >&2; echo "$h" >&2; }
    fi
}

# Instructions per request, counted by callgrind in a single httpd process: stable
# where requests per second are not. Each configuration serves the same N requests of
# one kind over keep-alive connections; the count covers ap_run_process_connection
# (reading, parsing, processing, writing and logging a request).
instructions_per_request() { # name kind n requestkind
    local name=$1 kind=$2 n=$3 rk=$4 dir=$work/$1-$4 count=400
    CALLGRIND_KIND=1 start_server "$name-$rk" "$kind" "$n"
    python3 - "$(port_of "$name-$rk")" "$rk" "$count" <<'PY'
import http.client, sys
port, kind, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for i in range(count):
    if kind == "preflight":
        c.request("OPTIONS", "/file.txt", headers={"Origin": "https://app.example.com",
                  "Access-Control-Request-Method": "PUT",
                  "Access-Control-Request-Headers": "content-type,x-request-id"})
    else:
        c.request("GET", "/file.txt", headers={"Origin": "https://app.example.com"})
    r = c.getresponse()
    r.read()
PY
    kill -TERM "$(cat "$dir/httpd.pid")" 2>/dev/null || true
    wait "$(cat "$dir/valgrind.pid")" 2>/dev/null || true
    ir=$(sed -n 's/^summary: //p' "$dir/callgrind.out")
    echo $((ir / count))
}

if [ "$mode" = instructions ]; then
    command -v valgrind >/dev/null || { echo "bench: valgrind is missing" >&2; exit 2; }
    printf '%-10s %7s %18s %9s %14s %9s\n' config origins "preflight instr/req" \
        "vs recipe" "GET instr/req" "vs none"
    declare -A ipr
    for c in none:none:1 recipe-1:recipe:1 cors-1:cors:1 recipe-10000:recipe:10000 \
             cors-10000:cors:10000; do
        IFS=: read -r name kind n <<< "$c"
        # BENCH_ONLY="none cors-1": profile only these (with BENCH_KEEP=1 the callgrind
        # profiles stay in the work directory, for callgrind_annotate)
        if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then
            ipr[$name-preflight]=0 ipr[$name-get]=0
            continue
        fi
        for rk in preflight get; do
            ipr[$name-$rk]=$(instructions_per_request "$name" "$kind" "$n" "$rk")
        done
    done
    for c in none:none:1 recipe-1:recipe:1 cors-1:cors:1 recipe-10000:recipe:10000 \
             cors-10000:cors:10000; do
        IFS=: read -r name kind n <<< "$c"
        vr=-
        [ "${ipr[$name-get]}" = 0 ] && continue
        [ "$kind" = cors ] && vr=$(awk -v a="${ipr[recipe-$n-preflight]}" \
            -v b="${ipr[$name-preflight]}" 'BEGIN {printf "%.3f", (a > 0) ? a / b : 0}')
        [ "$kind" = none ] && n=-
        printf '%-10s %7s %18s %9s %14s %9s\n' "$kind" "$n" "${ipr[$name-preflight]}" "$vr" \
            "${ipr[$name-get]}" \
            "$(awk -v a="${ipr[none-get]}" -v b="${ipr[$name-get]}" 'BEGIN {printf "%.3f", a / b}')"
    done
    echo "(vs recipe: how many recipe preflights cost what one mod_cors preflight costs;"
    echo " vs none: the same for GETs against no CORS at all; higher is faster)"
    exit 0
fi

if [ "$mode" = soak ]; then
    # mod_cors, and httpd with no CORS as the baseline: the same load in turns, so that
    # growth that is httpd's own (thread pools and stacks reaching their working size)
    # shows in both, and growth that is mod_cors's in one only
    target=${BENCH_SOAK_REQUESTS:-1000000}
    start_server cors-1000 cors 1000
    verify cors-1000 cors
    start_server none none 1
    load() { # name kind seconds -> requests served
        # shellcheck disable=SC2046
        $pin_wrk wrk -t1 -c"$conns" -d"$3s" $(wrk_args "$2") \
            "http://127.0.0.1:$(port_of "$1")/file.txt" | awk '/requests in/ {print $1}'
    }
    # warm up first (thread stacks, pools, allocator free lists reach their working
    # size), so that the soak shows growth, not start-up
    for name in cors-1000 none; do
        load "$name" preflight 10 >/dev/null
        load "$name" get 10 >/dev/null
    done
    declare -A before mid total
    for name in cors-1000 none; do
        before[$name]=$(server_rss "$name" VmRSS) total[$name]=0
    done
    start=$(date +%s)
    while [ "${total[cors-1000]}" -lt "$target" ]; do
        for kind in get preflight; do
            for name in cors-1000 none; do
                total[$name]=$((total[$name] + $(load "$name" "$kind" 10)))
            done
            echo "  mod_cors: ${total[cors-1000]} requests, RSS $(server_rss cors-1000 VmRSS)" \
                "KiB; no CORS: ${total[none]} requests, RSS $(server_rss none VmRSS) KiB"
        done
        if [ -z "${mid[cors-1000]:-}" ] && [ "${total[cors-1000]}" -ge $((target / 2)) ]; then
            for name in cors-1000 none; do mid[$name]=$(server_rss "$name" VmRSS); done
        fi
        [ $(($(date +%s) - start)) -gt 1800 ] && break
    done
    for name in cors-1000 none; do
        after=$(server_rss "$name" VmRSS)
        label=$([ "$name" = none ] && echo "no CORS (baseline)" || echo "mod_cors (1,000 origins)")
        echo "soak: $label: ${total[$name]} requests, preflights and GETs; RSS before" \
            "${before[$name]} KiB, half-way ${mid[$name]:-?} KiB, after $after KiB" \
            "($(awk -v a="$after" -v b="${before[$name]}" 'BEGIN {printf "%+.1f%%", (a-b)*100/b}')" \
            "in all, $(awk -v a="$after" -v b="${mid[$name]:-$after}" \
                'BEGIN {printf "%+.1f%%", (a-b)*100/b}') over the second half)"
    done
    exit 0
fi

configs=(none:none:1 recipe-1:recipe:1 cors-1:cors:1)
if [ "$mode" = full ]; then
    configs+=(recipe-1000:recipe:1000 cors-1000:cors:1000
              recipe-10000:recipe:10000 cors-10000:cors:10000)
fi
h2h_pairs=(recipe-1:cors-1:preflight none:cors-1:get)
if [ "$mode" = full ]; then
    h2h_pairs+=(cors-1:cors-10000:preflight cors-1:cors-10000:get
                recipe-1000:cors-1000:preflight recipe-10000:cors-10000:preflight
                none:cors-1000:get none:cors-10000:get)
fi
if [ -n "${BENCH_H2H:-}" ]; then
    # BENCH_H2H="none:cors-1:get": only these pairs, to pin a ratio down with many rounds
    # (the pairs are checked before the servers start)
    # shellcheck disable=SC2206 # split on purpose
    h2h_pairs=(${BENCH_H2H})
fi
for pr in "${h2h_pairs[@]}"; do
    IFS=: read -r a b k <<< "$pr"
    for x in "$a" "$b"; do
        [[ " ${configs[*]} " == *" $x:"* ]] \
            || { echo "bench: head to head: no server '$x' in this mode" >&2; exit 2; }
    done
    [ "$k" = preflight ] || [ "$k" = get ] \
        || { echo "bench: head to head: '$k' is neither preflight nor get" >&2; exit 2; }
done
for c in "${configs[@]}"; do
    IFS=: read -r name kind n <<< "$c"
    start_server "$name" "$kind" "$n"
    verify "$name" "$kind"
done

# CPU time the server's processes have used so far: "user system", in clock ticks.
server_ticks() {
    local dir=$work/$1 parent p
    parent=$(cat "$dir/httpd.pid")
    for p in $parent $(pgrep -P "$parent"); do
        awk '{print $14, $15}' "/proc/$p/stat" 2>/dev/null || true
    done | awk '{u += $1; s += $2} END {print u + 0, s + 0}'
}
hz=$(getconf CLK_TCK)

# CPU time the server's threads have run so far, in ns (the scheduler's own count,
# exact, where the clock-tick figures above are sampled).
server_ns() {
    local parent p
    parent=$(cat "$work/$1/httpd.pid")
    for p in $parent $(pgrep -P "$parent"); do
        cat /proc/"$p"/task/*/schedstat 2>/dev/null || true
    done | awk '{t += $1} END {printf "%.0f\n", t}'
}

# One measurement: wrk against a server; appends
# "round rate cpu-µs-per-request user-µs-per-request system-µs-per-request".
measure() { # name kind round
    local port t0 t1 out n rps
    port=$(port_of "$1")
    t0=$(server_ticks "$1")
    # shellcheck disable=SC2046 # wrk_args is split on purpose
    out=$($pin_wrk wrk -t1 -c"$conns" -d"${secs}s" $(wrk_args "$2") \
        "http://127.0.0.1:$port/file.txt")
    t1=$(server_ticks "$1")
    if echo "$out" | grep -q "Non-2xx"; then
        echo "bench: non-2xx responses from $1 ($2)" >&2
    fi
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    awk -v r="$3" -v rps="$rps" -v n="$n" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN {
        split(t0, a, " "); split(t1, b, " "); u = b[1] - a[1]; s = b[2] - a[2]; k = 1e6 / hz
        if (n > 0) printf "%d %s %.2f %.2f %.2f\n", r, rps, (u + s) * k / n, u * k / n, s * k / n
        else printf "%d %s 0 0 0\n", r, rps }' >> "$work/$1/$2.runs"
}

echo "bench: ${#configs[@]} servers, $rounds rounds of ${secs}s per figure, then $pairs" \
     "head-to-head rounds; wrk -t1 -c$conns, $(nproc) cores"
for ((r = 1; r <= rounds; r++)); do
    # a new random order every round (seeded by the round: the same in every run), so
    # that no configuration always runs first, or always after the same one
    for c in $(printf '%s\n' "${configs[@]}" | shuf --random-source=<(yes "$r")); do
        IFS=: read -r name kind n <<< "$c"
        for k in preflight get; do
            measure "$name" "$k" "$r"
        done
    done
    echo "  round $r of $rounds done"
done

# column 2: requests/s, 3: CPU µs per request, 4: user µs, 5: system µs
med() { awk -v f="$3" '{print $f}' "$work/$1/$2.runs" | median; }
# The median over rounds of a's figure over b's in the same round (for CPU time, b
# over a: how many more requests a's CPU time serves). Pairing by round cancels the
# drift of a noisy machine between rounds.
same_round_ratios() { # a b kind field -> one ratio per round both have
    awk -v f="$4" 'NR == FNR {b[$1] = $f; next}
        ($1 in b) && b[$1] > 0 && $f > 0 {print (f >= 3) ? b[$1] / $f : $f / b[$1]}' \
        "$work/$2/$3.runs" "$work/$1/$3.runs"
}
paired() { same_round_ratios "$@" | median_summary | awk '{printf "%s", $1}'; }
spread() { same_round_ratios "$@" | median_summary | awk '{printf "%s", $3}'; } # lowest-highest

if [ "$rounds" -gt 0 ]; then # BENCH_ROUNDS=0: head to head only
    echo
    echo "Requests per second (wrk; medians; ratios are medians of same-round ratios):"
    printf '%-10s %7s %12s %9s %11s %12s %9s %11s %12s\n' config origins "preflight/s" \
        "vs recipe" "(range)" "GET/s" "vs none" "(range)" "peak RSS KiB"
    for c in "${configs[@]}"; do
        IFS=: read -r name kind n <<< "$c"
        vr=- vrr='' vn=- vnr=''
        if [ "$kind" != none ]; then
            vr=$(paired "$name" "recipe-$n" preflight 2) vrr=$(spread "$name" "recipe-$n" preflight 2)
            vn=$(paired "$name" none get 2) vnr=$(spread "$name" none get 2)
        fi
        [ "$kind" = none ] && n=-
        printf '%-10s %7s %12.0f %9s %11s %12.0f %9s %11s %12s\n' "$kind" "$n" \
            "$(med "$name" preflight 2)" "$vr" "$vrr" "$(med "$name" get 2)" "$vn" "$vnr" \
            "$(server_rss "$name")"
    done
    echo
    echo "Server CPU time per request, in µs (of the httpd processes during each run: user, the"
    echo "process's own code; system, the kernel's work for it, networking included; ratios:"
    echo "requests served per CPU-second, same round):"
    printf '%-10s %7s %6s %6s %6s %9s %9s %6s %6s %6s %9s %9s\n' config origins \
        "pf usr" "sys" "total" "vs recipe" "usr only" "GET usr" "sys" "total" "vs none" "usr only"
    for c in "${configs[@]}"; do
        IFS=: read -r name kind n <<< "$c"
        vr=- vru=- vn=- vnu=-
        if [ "$kind" != none ]; then
            vr=$(paired "$name" "recipe-$n" preflight 3) vru=$(paired "$name" "recipe-$n" preflight 4)
            vn=$(paired "$name" none get 3) vnu=$(paired "$name" none get 4)
        fi
        [ "$kind" = none ] && n=-
        printf '%-10s %7s %6.2f %6.2f %6.2f %9s %9s %6.2f %6.2f %6.2f %9s %9s\n' "$kind" "$n" \
            "$(med "$name" preflight 4)" "$(med "$name" preflight 5)" "$(med "$name" preflight 3)" \
            "$vr" "$vru" "$(med "$name" get 4)" "$(med "$name" get 5)" "$(med "$name" get 3)" \
            "$vn" "$vnu"
    done
    if [ "$mode" = full ]; then
        echo
        echo "mod_cors, 10,000 origins vs 1 origin (same-round ratios): requests/s preflight" \
            "$(paired cors-10000 cors-1 preflight 2), GET $(paired cors-10000 cors-1 get 2);" \
            "CPU per request preflight $(paired cors-10000 cors-1 preflight 3)," \
            "GET $(paired cors-10000 cors-1 get 3)"
    fi
fi

# Head to head: two servers loaded at once, each by its own wrk, sharing httpd's core,
# so that whatever the machine does during the run, it does to both. Each server's
# requests are divided by its own CPU time (the scheduler's exact count), which makes
# the figure independent of how the scheduler shared the core: requests per CPU-second,
# b against a. Run to run, this varies several times less than rates measured apart.
mkdir -p "$work/h2h"
echo
echo "head to head: ${#h2h_pairs[@]} pairs, $pairs rounds of ${secs}s"
for ((r = 1; r <= pairs; r++)); do
    for pr in $(printf '%s\n' "${h2h_pairs[@]}" | shuf --random-source=<(yes "h$r")); do
        IFS=: read -r a b k <<< "$pr"
        ca=$(server_ns "$a") cb=$(server_ns "$b")
        # shellcheck disable=SC2046
        $pin_wrk wrk -t1 -c"$conns" -d"${secs}s" $(wrk_args "$k") \
            "http://127.0.0.1:$(port_of "$a")/file.txt" > "$work/h2h/a.out" &
        # shellcheck disable=SC2046
        $pin_wrk wrk -t1 -c"$conns" -d"${secs}s" $(wrk_args "$k") \
            "http://127.0.0.1:$(port_of "$b")/file.txt" > "$work/h2h/b.out"
        wait
        na=$(awk '/requests in/ {print $1}' "$work/h2h/a.out")
        nb=$(awk '/requests in/ {print $1}' "$work/h2h/b.out")
        awk -v na="$na" -v nb="$nb" -v ca="$((  $(server_ns "$a") - ca ))" \
            -v cb="$(( $(server_ns "$b") - cb ))" \
            'BEGIN {if (na > 0 && nb > 0 && ca > 0 && cb > 0) printf "%.4f\n", (nb / cb) / (na / ca)}' \
            >> "$work/h2h/$a-$b-$k.runs"
    done
    echo "  round $r of $pairs done"
done
echo
echo "Head to head (both servers loaded at once on httpd's core; requests per CPU-second of"
echo "the second against the first; median of the rounds, 95 % confidence interval of the"
echo "median, and the range of the rounds):"
printf '%-12s %-12s %-10s %6s %7s %13s %11s\n' first second requests rounds ratio "(95% CI)" \
    "(range)"
for pr in "${h2h_pairs[@]}"; do
    IFS=: read -r a b k <<< "$pr"
    f=$work/h2h/$a-$b-$k.runs
    [ -s "$f" ] || continue
    read -r m ci range < <(median_summary < "$f")
    printf '%-12s %-12s %-10s %6d %7s %13s %11s\n' "$a" "$b" "$k" "$(wc -l < "$f")" "$m" \
        "$ci" "$range"
done

echo
echo "policy core, instructions per decision (callgrind):"
tests/bench/callgrind.sh out/bench_decide

if [ -x tests/bench/lint-vs-httpd.sh ] && [ -x out/cors-lint ]; then
    echo
    tests/bench/lint-vs-httpd.sh
fi
