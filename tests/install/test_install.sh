#!/bin/sh
# make install and make uninstall into a staging root (DESTDIR): every file where it
# belongs, an edited cors.conf never overwritten nor removed, nothing else left behind.
set -eu
cd "$(dirname "$0")/../.."
root=$(mktemp -d /tmp/cors-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
fails=0
check() { # condition-as-command message
    if eval "$1"; then echo "ok   $2"; else echo "FAIL $2"; fails=$((fails + 1)); fi
}
mods=$root/etc/apache2/mods-available
run() { make --no-print-directory -s "$@" DESTDIR="$root" PREFIX=/opt/cors \
    MODULEDIR=/usr/lib/apache2/modules APACHE_CONFDIR=/etc/apache2 2>&1; }

out=$(run install)
check '[ -f "$root/usr/lib/apache2/modules/mod_cors.so" ]' "the module in MODULEDIR"
check 'grep -qx "LoadModule cors_module /usr/lib/apache2/modules/mod_cors.so" "$mods/cors.load"' \
    "cors.load names the installed module"
check 'cmp -s build/cors.conf "$mods/cors.conf"' "cors.conf in mods-available"
check '[ -x "$root/opt/cors/bin/cors-lint" ] && [ -x "$root/opt/cors/bin/cors-lint-pre-commit" ]' \
    "cors-lint and its hook under PREFIX"
check '[ -f "$root/opt/cors/share/doc/mod_cors/README.md" ] &&
    [ -f "$root/opt/cors/share/doc/mod_cors/docs/mod_cors.md" ]' "the README and docs/ under PREFIX"
check 'MANPATH="$root/opt/cors/share/man" man -w cors-lint >/dev/null &&
    MANPATH="$root/opt/cors/share/man" man -w 8 mod_cors >/dev/null &&
    MANPATH="$root/opt/cors/share/man" man -w cors-lint-pre-commit >/dev/null' \
    "man finds cors-lint(1), cors-lint-pre-commit(1) and mod_cors(8)"
check '[ "$(echo "$out" | wc -l)" -eq 1 ]' "one line of output: $out"
check '"$root/opt/cors/bin/cors-lint" --version | grep -q "^cors-lint "' "the installed cors-lint runs"

# an edited cors.conf survives a reinstall and an uninstall
echo "# the admin's line" >> "$mods/cors.conf"
out=$(run install)
check 'grep -q "the admin" "$mods/cors.conf"' "an edited cors.conf is kept on reinstall"
check 'cmp -s build/cors.conf "$mods/cors.conf.dist"' "the new one is cors.conf.dist"
check 'echo "$out" | grep -q "kept your edited .*cors.conf"' "and install says so"

# uninstall refuses while the module is enabled
mkdir -p "$root/etc/apache2/mods-enabled"
ln -s ../mods-available/cors.load "$root/etc/apache2/mods-enabled/cors.load"
check '! run uninstall >/dev/null' "uninstall refuses while mod_cors is enabled"
rm "$root/etc/apache2/mods-enabled/cors.load"

out=$(run uninstall)
left=$(find "$root" -type f | sed "s|^$root||")
check '[ ! -e "$root/opt/cors/share/doc/mod_cors" ]' "no documentation directory left"
check '[ "$left" = "/etc/apache2/mods-available/cors.conf" ]' \
    "uninstall leaves only the edited cors.conf: $left"

# without edits, nothing at all
rm -f "$mods/cors.conf"
run install >/dev/null
run uninstall >/dev/null
check '[ -z "$(find "$root" -type f)" ]' "install then uninstall leaves no file"

[ "$fails" -eq 0 ] && echo "install-test: all passed" || { echo "install-test: $fails failed"; exit 1; }
