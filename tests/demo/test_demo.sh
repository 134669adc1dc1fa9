#!/usr/bin/env bash
# make run's demo (build/demo/run.sh), started from a copy of the project in a private
# directory (mode 0700, as root's home is on Debian), which httpd's www-data cannot
# reach: the page, an allowed GET and a preflight must still be served, and Ctrl-C (a
# SIGINT to the demo's process group, as a terminal sends it) must stop httpd and say so.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
[ -e out/mod_cors.so ] || { echo "demo-test: out/mod_cors.so is missing (run make)" >&2; exit 2; }

tmp=$(mktemp -d)
pid='' demo_dir=''
cleanup() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    if [ -n "$demo_dir" ] && [ -e "$demo_dir/httpd.pid" ]; then
        kill -9 "$(cat "$demo_dir/httpd.pid")" 2>/dev/null || true
    fi
    rm -rf "$tmp"
    if [ -n "$demo_dir" ]; then rm -rf "$demo_dir"; fi
}
trap cleanup EXIT
mkdir -m 700 "$tmp/private"
mkdir -p "$tmp/private/repo/out"
cp -r "$top/build" "$tmp/private/repo/"
cp "$top/out/mod_cors.so" "$tmp/private/repo/out/"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
page_port=$(free_port)
api_port=$(free_port)
set -m # the demo in a process group of its own, where SIGINT is not ignored
PAGE_PORT=$page_port API_PORT=$api_port "$tmp/private/repo/build/demo/run.sh" \
    > "$tmp/out.log" 2>&1 &
pid=$!
set +m
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$page_port/" && break
    sleep 0.1
done
demo_dir=$(sed -n 's/^Access log .*: \(.*\)\/logs\/access.log$/\1/p' "$tmp/out.log")

fails=0
check() { # what expected actual
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: expected '$2', got '$3'"
        fails=$((fails + 1))
    fi
}
check "the page" 200 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$page_port/")"
h=$(curl -s -D - -o /dev/null -H "Origin: http://127.0.0.1:$page_port" \
    "http://127.0.0.1:$api_port/api/data.json" | tr -d '\r')
check "an allowed GET" "HTTP/1.1 200 OK" "$(echo "$h" | head -1)"
check "its Access-Control-Allow-Origin" "Access-Control-Allow-Origin: http://127.0.0.1:$page_port" \
    "$(echo "$h" | grep -i '^access-control-allow-origin:')"
h=$(curl -s -D - -o /dev/null -X OPTIONS -H "Origin: http://127.0.0.1:$page_port" \
    -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: content-type,x-request-id' \
    "http://127.0.0.1:$api_port/api/secret/data.json" | tr -d '\r')
check "a preflight before authentication" "HTTP/1.1 204 No Content" "$(echo "$h" | head -1)"
# the page's PUT row: a body the CGI must read, or httpd holds the answer's body for
# seconds (curl's exit status 0: all of it within the time)
check "the page's PUT with a JSON body, answered at once" "200 0" \
    "$(curl -s --max-time 3 -o /dev/null -w '%{http_code}' -X PUT \
        -H "Origin: http://127.0.0.1:$page_port" -H 'Content-Type: application/json' \
        -H 'X-Request-Id: 42' --data '{}' "http://127.0.0.1:$api_port/api/whoami"; echo " $?")"
# The page itself, as a newcomer sees it: every row in headless Chromium shows what its
# "expected" column says (the DOM once the page's script is done).
rows=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chromium" \
        --virtual-time-budget=20000 --dump-dom "http://127.0.0.1:$page_port/" 2>/dev/null |
    python3 "$top/tests/demo/page_rows.py")
check "the page's rows in Chromium" "7 rows as expected" "$rows"
check "the demo says where its files are" 1 \
    "$(grep -c 'www-data cannot reach' "$tmp/out.log" || true)"
kill -INT -- "-$pid"
wait "$pid" || true
pid=''
check "Ctrl-C stops it and says so" 1 "$(grep -c 'mod_cors demo stopped' "$tmp/out.log" || true)"
check "the port is free again" 000 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api_port/" || true)"

if [ "$fails" -ne 0 ]; then
    echo "demo-test: $fails failed; the demo printed:"
    cat "$tmp/out.log"
    exit 1
fi
echo "demo-test: all passed"
