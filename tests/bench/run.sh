#!/usr/bin/env bash
# Benchmarks: httpd with no CORS, with the usual mod_headers recipe, and with mod_cors,
# side by side in one run on loopback, measured with wrk. Prints figures; never fails
# on timing. Usage:
#
#   tests/bench/run.sh            the full table (about 6 minutes on 2 cores)
#   tests/bench/run.sh --quick    one short round (a smoke test of the harness)
#   tests/bench/run.sh --soak     a million requests against mod_cors, RSS before/after
#
# All servers run at once, each a single event-MPM child, and the measurements are
# interleaved round by round, so drift on a noisy machine hits every configuration
# alike; each figure is the median of the rounds. Ratios compare figures of this run.
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

rounds=7; secs=3; conns=16
[ "$mode" = quick ] && { rounds=1; secs=2; }
[ -n "${BENCH_ROUNDS:-}" ] && rounds=$BENCH_ROUNDS
[ -n "${BENCH_SECONDS:-}" ] && secs=$BENCH_SECONDS

for f in out/mod_cors.so out/bench_decide; do
    [ -e "$f" ] || { echo "bench: $f is missing; run make first" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench: wrk is missing; run sh build/deps.sh bench" >&2; exit 2; }

pin_httpd= pin_wrk=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_httpd="taskset -c 1" pin_wrk="taskset -c 0"
fi
work=$(mktemp -d /tmp/cors-bench.XXXXXX)
chmod 755 "$work"
pids=()
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

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

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
    start_server cors-1000 cors 1000
    verify cors-1000 cors
    port=$(port_of cors-1000)
    # warm up first (thread stacks, pools, allocator free lists reach their working
    # size), so that the soak shows growth, not start-up
    $pin_wrk wrk -t1 -c"$conns" -d10s -s "$work/preflight.lua" \
        "http://127.0.0.1:$port/file.txt" >/dev/null
    $pin_wrk wrk -t1 -c"$conns" -d10s -H "Origin: https://app.example.com" \
        "http://127.0.0.1:$port/file.txt" >/dev/null
    before=$(server_rss cors-1000 VmRSS)
    total=0
    start=$(date +%s)
    while [ "$total" -lt 1000000 ]; do
        for kind in get preflight; do
            out=$( if [ $kind = preflight ]; then
                       $pin_wrk wrk -t1 -c"$conns" -d10s -s "$work/preflight.lua" \
                           "http://127.0.0.1:$port/file.txt"
                   else
                       $pin_wrk wrk -t1 -c"$conns" -d10s -H "Origin: https://app.example.com" \
                           "http://127.0.0.1:$port/file.txt"
                   fi )
            n=$(echo "$out" | awk '/requests in/ {print $1}')
            total=$((total + n))
            echo "  $total requests, RSS $(server_rss cors-1000 VmRSS) KiB"
        done
        [ $(($(date +%s) - start)) -gt 900 ] && break
    done
    after=$(server_rss cors-1000 VmRSS)
    echo "soak: $total requests against mod_cors (1,000 origins), preflights and GETs"
    echo "soak: RSS before ${before} KiB, after ${after} KiB" \
        "($(awk -v a="$after" -v b="$before" 'BEGIN {printf "%+.1f%%", (a-b)*100/b}'))"
    exit 0
fi

configs=(none:none:1 recipe-1:recipe:1 cors-1:cors:1)
if [ "$mode" = full ]; then
    configs+=(recipe-1000:recipe:1000 cors-1000:cors:1000
              recipe-10000:recipe:10000 cors-10000:cors:10000)
fi
for c in "${configs[@]}"; do
    IFS=: read -r name kind n <<< "$c"
    start_server "$name" "$kind" "$n"
    verify "$name" "$kind"
done

# CPU time (user + system, clock ticks) the server's processes have used so far.
server_ticks() {
    local dir=$work/$1 parent total=0 p t
    parent=$(cat "$dir/httpd.pid")
    for p in $parent $(pgrep -P "$parent"); do
        t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
hz=$(getconf CLK_TCK)

# One measurement: wrk against a server; appends "round rate cpu-µs-per-request".
measure() { # name kind round
    local port t0 t1 out n rps
    port=$(port_of "$1")
    t0=$(server_ticks "$1")
    if [ "$2" = preflight ]; then
        out=$($pin_wrk wrk -t1 -c"$conns" -d"${secs}s" -s "$work/preflight.lua" \
            "http://127.0.0.1:$port/file.txt")
    else
        out=$($pin_wrk wrk -t1 -c"$conns" -d"${secs}s" -H "Origin: https://app.example.com" \
            "http://127.0.0.1:$port/file.txt")
    fi
    t1=$(server_ticks "$1")
    if echo "$out" | grep -q "Non-2xx"; then
        echo "bench: non-2xx responses from $1 ($2)" >&2
    fi
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    awk -v r="$3" -v rps="$rps" -v n="$n" -v t="$((t1 - t0))" -v hz="$hz" \
        'BEGIN {printf "%d %s %.2f\n", r, rps, (n > 0) ? t * 1e6 / hz / n : 0}' \
        >> "$work/$1/$2.runs"
}

echo "bench: ${#configs[@]} servers, $rounds rounds of ${secs}s per figure, wrk -t1 -c$conns," \
     "$(nproc) cores"
nconf=${#configs[@]}
for ((r = 1; r <= rounds; r++)); do
    # a different order every round, so that no configuration always runs first
    for ((i = 0; i < nconf; i++)); do
        IFS=: read -r name kind n <<< "${configs[$(((i + r - 1) % nconf))]}"
        for k in preflight get; do
            measure "$name" "$k" "$r"
        done
    done
    echo "  round $r of $rounds done"
done

# column 2: requests/s, column 3: CPU µs per request
med() { awk -v f="$3" '{print $f}' "$work/$1/$2.runs" | median; }
# The median over rounds of a's figure over b's in the same round (for CPU time, b
# over a: how many more requests a's CPU time serves). Pairing by round cancels the
# drift of a noisy machine between rounds.
paired() { # a b kind field
    awk -v f="$4" 'NR == FNR {b[$1] = $f; next}
        ($1 in b) && b[$1] > 0 && $f > 0 {print (f == 3) ? b[$1] / $f : $f / b[$1]}' \
        "$work/$2/$3.runs" "$work/$1/$3.runs" | median | awk '{printf "%.3f", $1}'
}
spread() { # a b kind field -> lowest..highest paired ratio
    awk -v f="$4" 'NR == FNR {b[$1] = $f; next}
        ($1 in b) && b[$1] > 0 && $f > 0 {print (f == 3) ? b[$1] / $f : $f / b[$1]}' \
        "$work/$2/$3.runs" "$work/$1/$3.runs" | sort -g \
        | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}'
}

echo
echo "Requests per second (wrk; medians; ratios are medians of same-round ratios):"
printf '%-10s %7s %12s %9s %11s %12s %9s %11s %12s\n' config origins "preflight/s" \
    "vs recipe" "(range)" "GET/s" "vs none" "(range)" "peak RSS KiB"
for c in "${configs[@]}"; do
    IFS=: read -r name kind n <<< "$c"
    vr=- vrr= vn=- vnr=
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
echo "Server CPU time per request (user + system of the httpd processes during each run,"
echo "kernel networking included; ratios: requests served per CPU-second, same round):"
printf '%-10s %7s %15s %9s %11s %15s %9s %11s\n' config origins "preflight CPU µs" \
    "vs recipe" "(range)" "GET CPU µs" "vs none" "(range)"
for c in "${configs[@]}"; do
    IFS=: read -r name kind n <<< "$c"
    vr=- vrr= vn=- vnr=
    if [ "$kind" != none ]; then
        vr=$(paired "$name" "recipe-$n" preflight 3) vrr=$(spread "$name" "recipe-$n" preflight 3)
        vn=$(paired "$name" none get 3) vnr=$(spread "$name" none get 3)
    fi
    [ "$kind" = none ] && n=-
    printf '%-10s %7s %15.2f %9s %11s %15.2f %9s %11s\n' "$kind" "$n" \
        "$(med "$name" preflight 3)" "$vr" "$vrr" "$(med "$name" get 3)" "$vn" "$vnr"
done
if [ "$mode" = full ]; then
    echo
    echo "mod_cors, 10,000 origins vs 1 origin (same-round ratios): requests/s preflight" \
        "$(paired cors-10000 cors-1 preflight 2), GET $(paired cors-10000 cors-1 get 2);" \
        "CPU per request preflight $(paired cors-10000 cors-1 preflight 3)," \
        "GET $(paired cors-10000 cors-1 get 3)"
fi

echo
echo "policy core, instructions per decision (callgrind):"
tests/bench/callgrind.sh out/bench_decide

if [ -x tests/bench/lint-vs-httpd.sh ] && [ -x out/cors-lint ]; then
    echo
    tests/bench/lint-vs-httpd.sh
fi
