#!/bin/sh
# Installs the Debian packages mod_cors and cors-lint need, when they are missing.
# Idempotent: does nothing (and needs no network) when everything is present.
#   build/deps.sh            packages for building and `make test`
#   build/deps.sh bench      also the benchmark tools (wrk)
#   build/deps.sh deb        also what `make deb` and `make deb-test` use
set -eu

pkgs="gcc make pkg-config apache2 apache2-dev libapr1-dev libaprutil1-dev libxml2-dev \
check libpsl-dev libpcre2-dev libcurl4-openssl-dev publicsuffix curl valgrind git python3 chromium firefox-esr webkit2gtk-driver xvfb pre-commit man-db strace nodejs clang libclang-rt-14-dev libxml2-utils clang-format"
case "${1:-}" in
    bench) pkgs="$pkgs wrk" ;;
    deb) pkgs="$pkgs debhelper dpkg-dev fakeroot lintian man-db" ;;
esac

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "build/deps.sh: installing missing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "build/deps.sh: not root and no sudo. As root, run:" >&2
        echo "    apt-get update && apt-get install -y --no-install-recommends$missing" >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
